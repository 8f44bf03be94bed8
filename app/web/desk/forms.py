"""Forms of the front desk."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, SelectField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ...records.clock import clinic_today
from ...records.identifiers import abha_problem, hospital_number_problem, mobile_problem
from ..forms import CHANNEL_CHOICES, LANGUAGE_CHOICES, check_channel, language_code


def optional_id(value) -> int | None:
    """A select's value as an id; "Not assigned" (empty) is None."""
    return int(value) if value not in (None, "", "None") else None


class DetailsForm(FlaskForm):
    """A patient's details as the clinic keeps them: who they are, when their visit is,
    and how they are reached."""

    name = StringField(
        "Full name", validators=[DataRequired("Enter the patient's name"), Length(max=120)]
    )
    date_of_birth = DateField(
        "Date of birth", validators=[DataRequired("Enter the date of birth as a real date")]
    )
    visit_date = DateField("Visit date (optional)", validators=[Optional()])
    kept_visit: date | None = None  # the visit date as it is stored
    clinician_id = SelectField(
        "Specialist (optional)",
        coerce=optional_id,
        description="Their patients open first on the specialist's worklist.",
    )
    site_id = SelectField(
        "Site (optional)",
        coerce=optional_id,
    )
    hospital_number = StringField(
        "Hospital number (UHID, optional)", validators=[Optional(), Length(max=32)]
    )
    abha_number = StringField(
        "ABHA number (optional)",
        description="14 digits, as on the ABHA card: 91-1234-5678-9012",
        validators=[Optional(), Length(max=20)],
    )

    phone = TelField("Mobile number", validators=[Optional(), Length(max=20)])
    email = EmailField(
        "Email address",
        validators=[Optional(), Email("Enter a real email address"), Length(max=254)],
    )
    channel = RadioField("How to send links and reminders", choices=CHANNEL_CHOICES)
    language = RadioField(
        "Language the patient reads",
        choices=LANGUAGE_CHOICES,
        coerce=language_code,
        validators=[Optional()],
    )

    def validate_phone(self, field):
        if problem := mobile_problem(field.data):
            raise ValidationError(problem)

    def offer_specialists(self, specialists) -> None:
        self.clinician_id.choices = [SelectChoice("", "Not assigned")] + [
            SelectChoice(str(user.id), user.name) for user in specialists
        ]

    def offer_sites(self, sites) -> None:
        self.site_id.choices = [SelectChoice("", "Not set")] + [
            SelectChoice(str(site.id), site.name) for site in sites
        ]

    def validate_hospital_number(self, field):
        if problem := hospital_number_problem(field.data):
            raise ValidationError(problem)

    def validate_abha_number(self, field):
        if problem := abha_problem(field.data):
            raise ValidationError(problem)

    def validate_date_of_birth(self, field):
        if field.data and not date(1900, 1, 1) <= field.data <= clinic_today():
            raise ValidationError("The date of birth must be in the past")

    def validate_visit_date(self, field):
        # A visit that has passed may stay as it was; a new date must be to come.
        if field.data and field.data < clinic_today() and field.data != self.kept_visit:
            raise ValidationError(
                "The visit date has passed. Enter the new date, or leave it empty"
            )

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and check_channel(self)
