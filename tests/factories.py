"""Test data in one line: staff, patients at each step of their journey, responses.

The HTTP path (invitation, consent, every page) has tests of its own; everywhere else a
patient who has accepted, consented or submitted is made here, directly, in one commit.
Each factory must run inside an app context.
"""

from __future__ import annotations

from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.engine.summary.highlights import has_urgent
from app.platform.extensions import db
from app.platform.passwords import hash_password
from app.platform.security import new_token
from app.records import urgent as urgent_items
from app.records.models import Consent, Patient, QuestionnaireResponse, User, utcnow
from app.records.questionnaires import current
from app.web.patient.services import CONSENT_VERSION

STAFF_PASSWORD = "correct-horse-battery"
PATIENT_PASSWORD = "my-garden-has-roses"
DOB = date(1961, 4, 12)


class _Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - the app's session
        sqlalchemy_session_persistence = "commit"


class StaffFactory(_Factory):
    class Meta:
        model = User

    role = "clinician"
    email = factory.LazyAttribute(lambda o: f"{o.role}@clinic.example")
    name = factory.LazyAttribute(lambda o: f"Test {o.role}")
    password_hash = factory.LazyFunction(lambda: hash_password(STAFF_PASSWORD))
    session_token = factory.LazyFunction(lambda: new_token()[1])


class PatientFactory(_Factory):
    """The clinic's record of an invited patient (no login yet)."""

    class Meta:
        model = Patient

    name = "Meena Kumari"
    date_of_birth = DOB
    email = factory.Sequence(lambda n: f"patient{n}@example.org")
    phone = None
    visit_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))


class PatientUserFactory(_Factory):
    """The login a patient makes when they accept their invitation (pass ``patient``)."""

    class Meta:
        model = User

    role = "patient"
    patient = None
    name = factory.LazyAttribute(lambda o: o.patient.name)
    email = factory.LazyAttribute(lambda o: o.patient.email)
    phone = factory.LazyAttribute(lambda o: o.patient.phone)
    password_hash = factory.LazyFunction(lambda: hash_password(PATIENT_PASSWORD))
    session_token = factory.LazyFunction(lambda: new_token()[1])


class ResponseFactory(_Factory):
    """A response to the current definition (pass ``patient``); submitted by default."""

    class Meta:
        model = QuestionnaireResponse

    patient = None
    questionnaire_id = factory.LazyFunction(lambda: current().id)
    questionnaire_version = factory.LazyFunction(lambda: current().version)
    revision = 1
    status = "submitted"
    answers = factory.LazyFunction(dict)
    pending = factory.LazyFunction(dict)
    sections_done = factory.LazyAttribute(
        lambda o: [s.id for s in current().sections] if o.answers else []
    )
    alerts_shown = factory.LazyFunction(dict)
    is_urgent = factory.LazyAttribute(lambda o: has_urgent(current(), o.answers))
    submitted_at = factory.LazyAttribute(lambda o: utcnow() if o.status == "submitted" else None)

    @factory.post_generation
    def tracked(response, create, extracted, **kwargs):
        """Copy the response's state onto the patient and raise its urgent items, as every
        save does."""
        response.patient.track(response)
        if response.is_urgent:
            urgent_items.raise_new(response, current())
            response.patient.is_urgent = True
        db.session.commit()


def accepted_patient(**fields) -> Patient:
    """A patient who has accepted the invitation: the clinic's record and a login."""
    patient = PatientFactory(**fields)
    PatientUserFactory(patient=patient)
    return patient


def consented_patient(**fields) -> Patient:
    """A patient who has also consented, with an empty draft open."""
    patient = accepted_patient(**fields)
    db.session.add(
        Consent(patient_id=patient.id, user_id=patient.user_id, text_version=CONSENT_VERSION)
    )
    ResponseFactory(patient=patient, status="draft")
    return patient


def patient_with_answers(answers, submitted=True, urgent=None, login=False, **fields) -> Patient:
    """A patient whose answers are stored: submitted, or a draft with ``submitted=False``.

    Without ``login`` the patient has no account, like one whose answers were imported.
    """
    patient = accepted_patient(**fields) if login else PatientFactory(**fields)
    if login:
        db.session.add(
            Consent(patient_id=patient.id, user_id=patient.user_id, text_version=CONSENT_VERSION)
        )
    extra = {} if urgent is None else {"is_urgent": urgent}
    ResponseFactory(
        patient=patient, answers=answers, status="submitted" if submitted else "draft", **extra
    )
    return patient
