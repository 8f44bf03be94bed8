"""Forms of the front desk."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, TelField
from wtforms.validators import Email, Length, Optional, ValidationError

from ...records.identifiers import mobile_problem
from ..forms import CHANNEL_CHOICES, check_channel


class ContactForm(FlaskForm):
    """How the clinic reaches a patient: their mobile, their email and the channel."""

    phone = TelField("Mobile number", validators=[Optional(), Length(max=20)])
    email = EmailField(
        "Email address",
        validators=[Optional(), Email("Enter a real email address"), Length(max=254)],
    )
    channel = RadioField("How to send links and reminders", choices=CHANNEL_CHOICES)

    def validate_phone(self, field):
        if problem := mobile_problem(field.data):
            raise ValidationError(problem)

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and check_channel(self)
