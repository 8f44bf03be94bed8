"""Forms for the admin pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..models import STAFF_ROLES

ROLE_CHOICES = [SelectChoice(r, r.capitalize()) for r in STAFF_ROLES]


class NewStaffForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter a name"), Length(max=120)])
    email = EmailField("Email address", validators=[
        DataRequired("Enter an email address"), Email("Enter a real email address"),
        Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField("First password", description="At least 10 characters; share it "
                             "with them privately.", validators=[DataRequired("Set a password")])


class StaffChangeForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=True)


class ConfirmForm(FlaskForm):
    """A button that needs nothing but the CSRF token."""
