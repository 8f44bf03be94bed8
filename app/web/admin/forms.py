"""Forms for the admin pages."""

from __future__ import annotations

import re
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...records.identifiers import phone_problem
from ...records.models import ROLE_NAMES, STAFF_ROLES

ROLE_CHOICES = [SelectChoice(r, ROLE_NAMES[r]) for r in STAFF_ROLES]


class NewStaffForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter a name"), Length(max=120)])
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address"),
            Email("Enter a real email address"),
            Length(max=254),
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField(
        "First password",
        description="At least 10 characters; share it with them privately.",
        validators=[DataRequired("Set a password")],
    )


class StaffChangeForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=True)


NUMBERS = Regexp(
    r"^[\d\s()+,.-]*(\bor\b[\d\s()+,.-]*)*$",
    message="Use digits, spaces, dashes and + only; separate numbers with commas",
)


_LINE_BREAK_OR_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(form, field) -> None:
    """A field that is one line: no line break, tab or other control character (the
    clinic's name goes into email subjects, where a line break would be a new header)."""
    if field.data and _LINE_BREAK_OR_CONTROL.search(field.data):
        raise ValidationError("Use one line, without line breaks or hidden characters")


def text_block(form, field) -> None:
    """A field of several lines: line breaks, but no other control character."""
    if field.data and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", field.data):
        raise ValidationError("Remove the hidden characters from this text")


class ClinicProfileForm(FlaskForm):
    name = StringField(
        "Clinic name",
        validators=[DataRequired("Enter the name of the clinic"), Length(max=120), one_line],
    )
    phone = TelField(
        "Phone number for patients",
        description="Shown on every patient page "
        "and on the urgent-advice page, as a tap-to-call link.",
        validators=[
            DataRequired("Enter the number patients should call"),
            Length(max=40),
            one_line,
        ],
    )
    email = EmailField(
        "Email address for patients",
        validators=[Optional(), Email("Enter a real email address"), Length(max=254), one_line],
    )
    address = TextAreaField("Address", validators=[Length(max=500), text_block])
    opening_hours = StringField(
        "Opening hours",
        description="For example: Mon–Sat 10:00–14:00 (written so, urgent answers are "
        "escalated by opening time)",
        validators=[Length(max=200), one_line],
    )
    grievance_officer = StringField(
        "Grievance officer",
        description="Who answers a patient's complaint about how their data is used (DPDP "
        "Act 2023): a name and role",
        validators=[Length(max=120), one_line],
    )
    grievance_contact = StringField(
        "Grievance officer's email or phone",
        validators=[Length(max=254), one_line],
    )
    crisis_line = StringField(
        "Crisis line",
        description="Its name, for example Tele-MANAS",
        validators=[DataRequired("Enter the crisis line's name"), Length(max=120), one_line],
    )
    crisis_numbers = StringField(
        "Crisis line numbers",
        description="One or more, separated by commas: 14416, 1-800-891-4416",
        validators=[
            DataRequired("Enter the crisis line's number"),
            Length(max=120),
            NUMBERS,
            one_line,
        ],
    )
    emergency_number = StringField(
        "Emergency number",
        validators=[
            DataRequired("Enter the emergency number, for example 112"),
            Length(max=20),
            NUMBERS,
            one_line,
        ],
    )
    time_zone = StringField(
        "Time zone",
        description="A name such as Asia/Kolkata or "
        "Europe/London: times on every page are shown on this clock.",
        validators=[DataRequired("Enter the time zone"), Length(max=64), one_line],
    )

    def validate_phone(self, field):
        if problem := phone_problem(field.data):
            raise ValidationError(problem)

    def validate_time_zone(self, field):
        if field.data.strip() not in available_timezones():
            raise ValidationError("Enter a time zone name such as Asia/Kolkata or Europe/London")


class ApiTokenForm(FlaskForm):
    name = StringField(
        "Name of the system",
        description="For example: Hospital EHR, or LHC-Forms on the ward tablets",
        validators=[DataRequired("Enter a name for the system that will use it"), Length(max=120)],
    )
    scopes = SelectMultipleField(
        "What it may do",
        choices=[
            SelectChoice("import", "Import: send questionnaire responses"),
            SelectChoice("read", "Read: fetch questionnaires and patients' responses"),
        ],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired("Choose at least one")],
    )
