"""Forms of the patient's pages that are not questionnaire sections."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired


class ConsentForm(FlaskForm):
    agree = BooleanField(
        "I have read this and I agree to answer the questions",
        validators=[DataRequired("Tick the box to say you agree, or close this page")],
    )


class SubmitForm(FlaskForm):
    lock_version = HiddenField()
