"""The DPDP Act's notice and choices: retention, the grievance officer, research by
opt-in, who agreed, withdrawing consent, and a legal hold that stops erasure."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.platform.extensions import db
from app.records.models import AuditEvent, Consent, Patient
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import Person


def test_the_consent_page_states_retention_the_grievance_officer_and_research(
    app, clinic, person, client
):
    app.config.update(
        GRIEVANCE_OFFICER="Dr Anil Rao, Medical Records",
        GRIEVANCE_CONTACT="privacy@clinic.example",
        RECORD_RETENTION_YEARS=5,
    )
    _, token = clinic.invite()
    person.accept(token)
    page = client.get("/intake/consent").text
    assert "kept for 5 years after your last visit" in page
    assert "Dr Anil Rao, Medical Records (privacy@clinic.example)" in page
    assert "Saying no changes nothing about your care" in page
    assert 'id="research"' in page
    assert 'id="research" name="research" value="y" checked' not in page  # opt-in


def test_consent_records_research_and_who_agreed(app, clinic, person, client):
    patient_id, token = clinic.invite()
    person.accept(token)
    page = client.post(
        "/intake/consent", data={"agree": "y", "given_by": "guardian", "given_by_name": ""}
    ).text
    assert "Write your name, as you are agreeing for the patient" in page
    client.post(
        "/intake/consent",
        data={"agree": "y", "given_by": "guardian", "given_by_name": "Suresh Iyer"},
    )
    with app.app_context():
        consent = db.session.scalar(select(Consent).where(Consent.patient_id == patient_id))
        assert (consent.given_by, consent.given_by_name, consent.research) == (
            "guardian",
            "Suresh Iyer",
            False,
        )


def test_withdrawn_consent_stops_the_questions_and_leaves_the_research_file(
    app, clinic, person, client, staff
):
    patient_id, token = clinic.invite()
    person.accept(token)
    client.post("/intake/consent", data={"agree": "y", "research": "y"})
    with app.app_context():
        factories_response(patient_id)
    research = lambda: list(csv.DictReader(io.StringIO(staff.get("/clinic/export.csv").text)))  # noqa: E731
    assert [r["research_consent"] for r in research()] == ["yes"]
    page = client.post("/intake/your-data/withdraw", follow_redirects=True).text
    assert "Your consent is withdrawn" in page
    assert client.get("/intake/").headers["Location"].endswith("/intake/consent")
    assert research() == []
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consent.withdraw"))


def factories_response(patient_id: int) -> None:
    """The patient's draft, sent, as if they had finished every page."""
    from tests import factories

    patient = db.session.get(Patient, patient_id)
    factories.ResponseFactory(patient=patient, answers=FUSION_PATIENT_STORED, revision=2)


def test_a_legal_hold_stops_erasure_until_it_is_lifted(app, clinic):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    admin = app.test_client()
    Person(admin).login(clinic.staff("admin"))
    url = f"/admin/patients/{patient_id}/erase"
    assert (
        "Write why the record is held"
        in admin.post(url, data={"legal_hold": "set", "reason": " "}, follow_redirects=True).text
    )
    admin.post(url, data={"legal_hold": "set", "reason": "Consumer court complaint 12/2026"})
    page = admin.post(url, data={"confirm_name": "Ravi Kumar"}, follow_redirects=True).text
    assert "under a legal hold (Consumer court complaint 12/2026)" in page
    with app.app_context():
        assert db.session.get(Patient, patient_id) is not None
    admin.post(url, data={"legal_hold": "lift"})
    admin.post(url, data={"confirm_name": "Ravi Kumar"})
    with app.app_context():
        assert db.session.get(Patient, patient_id) is None
        holds = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "patient.legal_hold")
            .order_by(AuditEvent.id)
        ).all()
        assert [e.detail["held"] for e in holds] == [True, False]
