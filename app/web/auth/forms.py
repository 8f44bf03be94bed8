"""Forms for logging in and accepting an invitation."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ...platform.passwords import password_problem
from ...records.identifiers import mobile_problem, normalise_phone


class LoginForm(FlaskForm):
    identifier = StringField(
        "Email address or mobile number",
        validators=[DataRequired("Enter your email address or mobile number"), Length(max=254)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password"), Length(max=200)]
    )


def _day_part(label: str, low: int, high: int):
    def check(form, field):
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise ValidationError(f"{label} must be a number from {low} to {high}")

    return check


class AcceptInvitationForm(FlaskForm):
    dob_day = StringField("Day", validators=[_day_part("Day", 1, 31)])
    dob_month = StringField("Month", validators=[_day_part("Month", 1, 12)])
    dob_year = StringField("Year", validators=[_day_part("Year", 1900, 2100)])
    phone = TelField(
        "Mobile number (optional)",
        description="You can log in with this number or with your email address.",
        validators=[Optional(), Length(max=20)],
    )
    password = PasswordField(
        "Create a password",
        description="At least 10 characters. A few words together are easy to remember.",
        validators=[DataRequired("Create a password")],
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[
            DataRequired("Type the password again"),
            EqualTo("password", "The two passwords are different"),
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

    def date_of_birth(self) -> date | None:
        """The date typed, or None (with an error on the form) if it is not a real date."""
        try:
            return date(int(self.dob_year.data), int(self.dob_month.data), int(self.dob_day.data))
        except (TypeError, ValueError):
            self.dob_day.errors = [*self.dob_day.errors, "Enter a real date of birth"]
            return None


def _new_password_fields(label: str):
    return (
        PasswordField(
            label,
            description="At least 10 characters. A few words together are "
            "easy to remember. Not your email address or mobile number.",
            validators=[DataRequired("Choose a new password")],
        ),
        PasswordField(
            "Type the new password again",
            validators=[
                DataRequired("Type the new password again"),
                EqualTo("password", "The two passwords are different"),
            ],
        ),
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password"), Length(max=200)],
    )
    password, confirm = _new_password_fields("New password")


class NewPasswordForm(FlaskForm):
    password, confirm = _new_password_fields("New password")


class CodeRequestForm(FlaskForm):
    phone = TelField(
        "Mobile number you log in with",
        validators=[DataRequired("Enter the mobile number you log in with"), Length(max=20)],
    )

    def validate_phone(self, field):
        if normalise_phone(field.data) is None:
            raise ValidationError("Enter a mobile number, for example 98450 12345")


class ResetCodeForm(FlaskForm):
    code = StringField(
        "The 6-digit code we sent",
        validators=[DataRequired("Enter the code from the message"), Length(max=12)],
    )
    password, confirm = _new_password_fields("New password")

    def validate_password(self, field):
        if problem := password_problem(field.data):
            raise ValidationError(problem)


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter the email address you log in with"),
            Email("Enter a real email address, like name@example.com"),
            Length(max=254),
        ],
    )
