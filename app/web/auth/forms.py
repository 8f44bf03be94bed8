"""Forms for logging in and accepting an invitation."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ...platform.passwords import password_problem
from ...records.identifiers import mobile_problem, normalise_phone


class LoginForm(FlaskForm):
    identifier = StringField(
        _l("Email address or mobile number"),
        validators=[DataRequired(_l("Enter your email address or mobile number")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password")), Length(max=200)]
    )


def _day_part(label: str, low: int, high: int):
    def check(form, field):
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise ValidationError(
                _(
                    "%(label)s must be a number from %(low)s to %(high)s",
                    label=label,
                    low=low,
                    high=high,
                )
            )

    return check


class DateOfBirthForm(FlaskForm):
    """The date of birth a link asks for once (an invitation, a trial diary)."""

    dob_day = StringField(_l("Day"), validators=[_day_part(_l("Day"), 1, 31)])
    dob_month = StringField(_l("Month"), validators=[_day_part(_l("Month"), 1, 12)])
    dob_year = StringField(_l("Year"), validators=[_day_part(_l("Year"), 1900, 2100)])

    def date_of_birth(self) -> date | None:
        """The date typed, or None (with an error on the form) if it is not a real date."""
        try:
            return date(int(self.dob_year.data), int(self.dob_month.data), int(self.dob_day.data))
        except (TypeError, ValueError):
            self.dob_day.errors = [*self.dob_day.errors, _l("Enter a real date of birth")]
            return None


class AcceptInvitationForm(DateOfBirthForm):
    phone = TelField(
        _l("Mobile number (optional)"),
        description=_l("You can log in with this number or with your email address."),
        validators=[
            Optional(),
            Length(max=20, message=_l("Enter one mobile number, for example 98450 12345")),
        ],
    )
    password = PasswordField(
        _l("Create a password"),
        description=_l("At least 10 characters. A few words together are easy to remember."),
        validators=[DataRequired(_l("Create a password"))],
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again")),
            EqualTo("password", _l("The two passwords are different")),
        ],
    )

    #: The clinic's record of the patient's email and phone, set by the view.
    account_email: str | None = None
    account_phone: str | None = None

    def validate_password(self, field):
        phone = normalise_phone(self.phone.data) or self.account_phone
        problem = password_problem(field.data or "", email=self.account_email, phone=phone)
        if problem:
            raise ValidationError(problem)

    def validate_phone(self, field):
        if problem := mobile_problem(field.data):
            raise ValidationError(problem)


def _new_password_fields(label: str):
    return (
        PasswordField(
            label,
            description=_l(
                "At least 10 characters. A few words together are "
                "easy to remember. Not your email address or mobile number."
            ),
            validators=[DataRequired(_l("Choose a new password"))],
        ),
        PasswordField(
            _l("Type the new password again"),
            validators=[
                DataRequired(_l("Type the new password again")),
                EqualTo("password", _l("The two passwords are different")),
            ],
        ),
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password")), Length(max=200)],
    )
    password, confirm = _new_password_fields(_l("New password"))


class NewPasswordForm(FlaskForm):
    password, confirm = _new_password_fields(_l("New password"))


class CodeRequestForm(FlaskForm):
    phone = TelField(
        _l("Mobile number you log in with"),
        validators=[DataRequired(_l("Enter the mobile number you log in with")), Length(max=20)],
    )

    def validate_phone(self, field):
        if normalise_phone(field.data) is None:
            raise ValidationError(_l("Enter a mobile number, for example 98450 12345"))


class ResetCodeForm(FlaskForm):
    code = StringField(
        _l("The 6-digit code we sent"),
        validators=[DataRequired(_l("Enter the code from the message")), Length(max=12)],
    )
    password, confirm = _new_password_fields(_l("New password"))

    def validate_password(self, field):
        if problem := password_problem(field.data):
            raise ValidationError(problem)


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter the email address you log in with")),
            Email(_l("Enter a real email address, like name@example.com")),
            Length(max=254, message=_l("Use 254 characters or fewer")),
        ],
    )
