"""Forms used by clinic staff."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from ...records.clock import clinic_today
from ...records.messages import default_channel
from ...records.patient_checks import patient_problems
from ..forms import CHANNEL_CHOICES, LANGUAGE_CHOICES, language_code


class InvitePatientForm(FlaskForm):
    name = StringField(
        "Full name", validators=[DataRequired("Enter the patient's name"), Length(max=120)]
    )
    date_of_birth = DateField(
        "Date of birth", validators=[DataRequired("Enter the date of birth as a real date")]
    )
    email = EmailField(
        "Email address (optional)",
        validators=[Optional(), Email("Enter a real email address"), Length(max=254)],
    )
    phone = TelField("Mobile number (optional)", validators=[Optional(), Length(max=20)])
    visit_date = DateField("Planned visit date (optional)", validators=[Optional()])
    channel = RadioField(
        "How to send the link",
        choices=CHANNEL_CHOICES,
        validators=[Optional()],
        description="When none is chosen: SMS if a mobile number is given, else email.",
    )
    language = RadioField(
        "Language the patient reads",
        choices=LANGUAGE_CHOICES,
        coerce=language_code,
        default="",
        validators=[Optional()],
    )

    def validate(self, extra_validators=None) -> bool:
        """The fields as typed, then the rules every way of inviting applies
        (``records.patient_checks``), each problem beside its field."""
        typed = super().validate(extra_validators)
        if not self.channel.data:
            self.channel.data = default_channel(self.phone.data, self.email.data)
        problems = patient_problems(
            self.name.data,
            self.date_of_birth.data,
            self.phone.data,
            self.email.data,
            self.visit_date.data,
            self.channel.data,
            clinic_today(),
        )
        for field, message in problems:
            if not self[field].errors and message not in self[field].errors:
                self[field].errors = [*self[field].errors, message]
        return typed and not problems


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a clinician note",
        validators=[
            DataRequired("Write the note before saving it"),
            Length(max=5000, message="Use 5,000 characters or fewer"),
        ],
    )


class RevisionForm(FlaskForm):
    """A button acting on one revision (mark reviewed, reopen)."""

    revision = HiddenField(validators=[DataRequired()])


class FollowUpForm(FlaskForm):
    action = TextAreaField(
        "What was done",
        description="For example: phoned, safety-netted, "
        "GP informed. Saved with your name and the time.",
        validators=[
            DataRequired("Write what was done before saving"),
            Length(max=2000, message="Use 2,000 characters or fewer"),
        ],
    )


class AcceptImportForm(FlaskForm):
    """Accept answers another system sent; ``override`` says why, when the name and date
    of birth sent do not match the record."""

    override = TextAreaField(
        "If the name or date of birth sent do not match: how do you know it is this patient?",
        validators=[Length(max=500, message="Use 500 characters or fewer")],
    )


class AppointmentListForm(FlaskForm):
    """An appointment list: a CSV file, checked first; its text then comes back hidden
    with the confirmation, and is checked again before anyone is created."""

    file = FileField("Appointment list (a CSV file)")
    text = HiddenField()

    def csv_text(self) -> str | None:
        """The list's text, or None with the reason on the file field."""
        upload = self.file.data
        if upload and getattr(upload, "filename", ""):
            try:
                return upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.file.errors = ["Save the list as CSV (UTF-8) and choose it again"]
                return None
        if self.text.data:
            return self.text.data
        self.file.errors = ["Choose the appointment list to check"]
        return None


class TrialForm(FlaskForm):
    """A trial with temporary leads: its dates, and the pain it is compared with."""

    start_date = DateField(
        "First day of the trial",
        default=clinic_today,
        validators=[DataRequired("Enter the first day of the trial as a real date")],
    )
    days = IntegerField(
        "Planned days",
        default=7,
        validators=[
            DataRequired("Enter the number of days, for example 7"),
            NumberRange(1, 30, "Enter a number of days from 1 to 30"),
        ],
    )
    baseline = DecimalField(
        "Average pain before the trial (0 to 10)",
        places=1,
        validators=[Optional(), NumberRange(0, 10, "Enter a number from 0 to 10")],
        description="Leave empty to use the average pain the patient gave in the questionnaire.",
    )
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=500)])
