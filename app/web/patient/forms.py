"""Forms of the patient's pages that are not questionnaire sections."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError


class ConsentForm(FlaskForm):
    agree = BooleanField(
        _l("I have read this and I agree to answer the questions"),
        validators=[DataRequired(_l("Tick the box to say you agree, or close this page"))],
    )
    given_by = RadioField(
        _l("Who is agreeing?"),
        choices=[
            SelectChoice("self", _l("I am the patient")),
            SelectChoice("guardian", _l("I am the patient's parent or guardian")),
            SelectChoice("helper", _l("I am helping the patient, who agrees")),
        ],
        default="self",
        validators=[Optional()],
    )
    given_by_name = StringField(
        _l("Your name"), validators=[Length(max=120, message=_l("Use 120 characters or fewer"))]
    )
    research = BooleanField(_l("Also use my answers, without my name, for research (optional)"))

    def validate_given_by_name(self, field):
        if self.given_by.data in ("guardian", "helper") and not (field.data or "").strip():
            raise ValidationError(_l("Write your name, as you are agreeing for the patient"))


class SubmitForm(FlaskForm):
    lock_version = HiddenField()
