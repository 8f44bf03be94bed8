"""Forms of the patient's pages that are not questionnaire sections."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class ConsentForm(FlaskForm):
    agree = BooleanField(
        "I have read this and I agree to answer the questions",
        validators=[DataRequired("Tick the box to say you agree, or close this page")],
    )
    given_by = RadioField(
        "Who is agreeing?",
        choices=[
            SelectChoice("self", "I am the patient"),
            SelectChoice("guardian", "I am the patient's parent or guardian"),
            SelectChoice("helper", "I am helping the patient, who agrees"),
        ],
        default="self",
        validators=[Optional()],
    )
    given_by_name = StringField("Your name", validators=[Length(max=120)])
    research = BooleanField("Also use my answers, without my name, for research (optional)")

    def validate_given_by_name(self, field):
        if self.given_by.data in ("guardian", "helper") and not (field.data or "").strip():
            raise ValidationError("Write your name, as you are agreeing for the patient")


class SubmitForm(FlaskForm):
    lock_version = HiddenField()
