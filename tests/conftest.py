"""Fixtures: a fresh app and database per test, and helpers that act like people do."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from app import create_app
from app.extensions import db
from app.invitations import invite_patient
from app.models import Patient, QuestionnaireResponse
from app.staff import create_staff

from .answers_data import FUSION_PATIENT_POSTS

STAFF_PASSWORD = "correct-horse-battery"
PATIENT_PASSWORD = "my-garden-has-roses"
DOB = date(1961, 4, 12)


DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def database_url(kind: str, folder) -> str:
    """A SQLite file in ``folder``, or the PostgreSQL database named by TEST_DATABASE_URL."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'test.db'}"
    return os.environ["TEST_DATABASE_URL"]


@pytest.fixture(params=DATABASES)
def app(request, tmp_path):
    """The app on a fresh database: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url(request.param, tmp_path))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Clinic:
    """Creates staff and patients the way the clinic does."""

    def __init__(self, app):
        self.app = app

    def staff(self, role="clinician", email=None):
        email = email or f"{role}@clinic.example"
        with self.app.app_context():
            create_staff(email, STAFF_PASSWORD, f"Test {role}", role)
        return email

    def invite(self, name="Meena Kumari", email="meena@example.org", dob=DOB, visit=None):
        """Invite a patient; returns (patient id, invitation token)."""
        with self.app.app_context():
            patient, url = invite_patient(name, dob, email, visit or date(2027, 1, 15))
            return patient.id, url.rsplit("/", 1)[1]

    def response(self, patient_id) -> QuestionnaireResponse | None:
        with self.app.app_context():
            response = db.session.scalar(
                select(QuestionnaireResponse)
                .where(QuestionnaireResponse.patient_id == patient_id)
                .order_by(QuestionnaireResponse.revision.desc())
            )
            if response is not None:
                db.session.expunge(response)
            return response

    def with_answers(self, name, answers, visit=None, submitted=True, dob=DOB, urgent=None):
        """A patient whose response is stored directly (no pages), for workspace tests."""
        from app.definitions import current
        from app.models import utcnow
        from app.summary.highlights import has_urgent

        with self.app.app_context():
            patient = Patient(name=name, date_of_birth=dob, email=None,
                              visit_date=visit or date(2027, 1, 15))
            db.session.add(patient)
            db.session.flush()
            q = current()
            response = QuestionnaireResponse(
                patient_id=patient.id, questionnaire_id=q.id, questionnaire_version=q.version,
                revision=1, status="submitted" if submitted else "draft", answers=answers,
                pending={}, sections_done=[s.id for s in q.sections], alerts_shown={},
                is_urgent=has_urgent(q, answers) if urgent is None else urgent,
                submitted_at=utcnow() if submitted else None,
            )
            db.session.add(response)
            patient.track(response)
            db.session.commit()
            return patient.id

    def patient(self, patient_id) -> Patient:
        with self.app.app_context():
            patient = db.session.get(Patient, patient_id)
            db.session.expunge(patient)
            return patient


@pytest.fixture
def clinic(app):
    return Clinic(app)


def lock_of(page: str) -> str:
    """The optimistic-lock version a questionnaire page was rendered with."""
    return re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)


def statements_of(app, client, url) -> list[tuple[str, object]]:
    """The SQL statements, with their parameters, that one page request runs."""
    statements = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return statements


def count_queries(app, client, url) -> int:
    return len(statements_of(app, client, url))



class Person:
    """Acts through the browser-facing client, like ``AuthActions`` in Flask's tutorial."""

    def __init__(self, client):
        self.client = client

    def login(self, identifier, password=STAFF_PASSWORD):
        return self.client.post(
            "/auth/login", data={"identifier": identifier, "password": password}
        )

    def logout(self):
        return self.client.post("/auth/logout")

    def accept(self, token, dob=DOB, password=PATIENT_PASSWORD, phone="+91 98450 12345"):
        return self.client.post(f"/auth/invitation/{token}", data={
            "dob_day": str(dob.day), "dob_month": str(dob.month), "dob_year": str(dob.year),
            "phone": phone, "password": password, "confirm": password,
        })

    def consent(self):
        return self.client.post("/intake/consent", data={"agree": "y"})

    def save(self, section, pairs, **extra):
        data = MultiDict(list(pairs) + list(extra.items()))
        return self.client.post(f"/intake/section/{section}", data=data)

    def fill_all(self, posts=None):
        for section, pairs in (posts or FUSION_PATIENT_POSTS).items():
            response = self.save(section, pairs)
            assert response.status_code == 302, (section, _errors(response))

    def submit(self):
        page = self.client.get("/intake/check").get_data(as_text=True)
        lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page)
        return self.client.post("/intake/submit",
                                data={"lock_version": lock.group(1) if lock else ""})


def _errors(response):
    text = response.get_data(as_text=True)
    return re.findall(r'class="error-message"[^>]*>(.*?)</p>', text, re.S)


@pytest.fixture
def person(client):
    return Person(client)


@pytest.fixture
def patient(clinic, person):
    """A patient who has accepted the invitation and consented; returns the patient id."""
    patient_id, token = clinic.invite()
    assert person.accept(token).status_code == 302
    assert person.consent().status_code == 302
    return patient_id


@pytest.fixture
def staff(app, clinic):
    """A second browser, logged in as a clinician."""
    client = app.test_client()
    Person(client).login(clinic.staff("clinician"))
    return client


@pytest.fixture
def submitted_patient(patient, person):
    person.fill_all()
    assert person.submit().status_code == 302
    return patient
