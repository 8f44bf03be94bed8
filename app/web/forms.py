"""What every audience's forms share: a button that sends nothing but its CSRF token
(log out, revoke, give a new link), and how a patient is reached (the invite page, the
front desk). Each blueprint's own forms live beside its routes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from ..records.messages import default_channel
from ..records.patient_checks import channel_problem


class CsrfForm(FlaskForm):
    """A button that changes something and needs nothing but the CSRF token."""


# The language the patient reads: the questions, the information page and every message
# use it. Unknown: the patient chooses on the first page ("हिन्दी / English").
LANGUAGE_CHOICES = [
    SelectChoice("", "Not known: the patient chooses on the first page"),
    SelectChoice("en", "English"),
    SelectChoice("hi", "Hindi (हिन्दी)"),
]


def language_code(value) -> str:
    """A stored language (None when not known) as the radio buttons name it."""
    return value or ""


CHANNEL_CHOICES = [
    SelectChoice("sms", "SMS"),
    SelectChoice("whatsapp", "WhatsApp"),
    SelectChoice("email", "Email"),
    SelectChoice("letter", "Printed letter or by hand: show me the link"),
]


def check_channel(form) -> bool:
    """The channel needs its address: a mobile number for SMS and WhatsApp, an email for
    email. An unchosen channel is SMS when there is a number, else email, else a letter."""
    channel = form.channel.data or default_channel(form.phone.data, form.email.data)
    form.channel.data = channel
    if problem := channel_problem(channel, form.phone.data, form.email.data):
        form.channel.errors = [*form.channel.errors, problem]
        return False
    return True
