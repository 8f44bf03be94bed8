"""Review state and clinician notes leave the app with the answers: in the CSV, in FHIR,
and, when asked for, in the PDF."""

from __future__ import annotations

import csv
import io

from pypdf import PdfReader
from sqlalchemy import select

from app.platform.extensions import db
from app.records.models import AuditEvent, UrgentItem, User
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import Person

REVIEWED = "urn:scs-intake:fhir:reviewed"


def reviewed_patient(clinic, staff) -> int:
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    staff.post(f"/clinic/patients/{patient_id}/review", data={"revision": "1"})
    staff.post(f"/clinic/patients/{patient_id}/notes", data={"body": "Trial <agreed>; see MRI"})
    return patient_id


def rows(staff, query: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(staff.get(f"/clinic/export.csv{query}").text)))


def test_the_csv_says_whether_and_when_each_revision_was_reviewed(clinic, staff, exports_allowed):
    reviewed_patient(clinic, staff)
    clinic.with_answers("Asha Rao", FUSION_PATIENT_STORED)
    by_name = {r["name"]: r for r in rows(staff, "?identifiers=1")}
    assert by_name["Ravi Kumar"]["reviewed_at"].startswith("20")
    assert by_name["Asha Rao"]["reviewed_at"] == ""
    assert sorted(r["reviewed"] for r in rows(staff, "")) == ["no", "yes"]


def test_fhir_carries_the_review_but_not_the_notes(clinic, staff):
    patient_id = reviewed_patient(clinic, staff)
    resource = staff.get(f"/fhir/patients/{patient_id}/questionnaire-response.json").get_json()
    [review] = [e for e in resource["extension"] if e["url"] == REVIEWED]
    parts = {e["url"]: e for e in review["extension"]}
    assert parts["by"]["valueString"] == "Test clinician"
    assert parts["when"]["valueDateTime"].startswith("20")
    assert "Trial" not in str(resource)


def test_the_pdf_holds_the_notes_only_when_asked_for(app, clinic, staff):
    patient_id = reviewed_patient(clinic, staff)

    def pdf_text(query: str) -> str:
        data = staff.get(f"/clinic/patients/{patient_id}/summary.pdf{query}").data
        return " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split()
        )

    plain = pdf_text("")
    assert "Reviewed:" in plain
    assert "by Test clinician" in plain
    assert "Trial <agreed>" not in plain
    with_notes = pdf_text("?notes=1")
    assert "Clinician notes" in with_notes
    assert "Test clinician," in with_notes
    assert "Trial <agreed>; see MRI" in with_notes
    with app.app_context():
        reads = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "summary.pdf").order_by(AuditEvent.id)
        ).all()
        assert [e.detail["notes"] for e in reads] == [False, True]


def test_identified_exports_need_an_admin_s_permission(app, clinic, staff):
    clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    for query in ("?identifiers=1", "?free_text=1"):
        refused = staff.get(f"/clinic/export.csv{query}", follow_redirects=True)
        assert refused.mimetype == "text/html"
        assert "need an admin&#39;s permission" in refused.text
    assert len(rows(staff, "")) == 1  # the de-identified file stays open
    admin = app.test_client()
    Person(admin).login(clinic.staff("admin"))
    with app.app_context():
        clinician = db.session.scalar(select(User).where(User.role == "clinician"))
    admin.post(f"/admin/staff/{clinician.id}/identified-exports/allow")
    assert rows(staff, "?identifiers=1")[0]["name"] == "Ravi Kumar"
    assert rows(admin, "?identifiers=1")[0]["name"] == "Ravi Kumar"  # admins may always
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "staff.identified_exports")
        )
        assert event.detail == {"allowed": True}


def test_urgent_items_and_their_follow_up_leave_with_the_answers(app, clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", {**FUSION_PATIENT_STORED, "phq9_9": "3"})
    with app.app_context():
        item_id = db.session.scalar(select(UrgentItem.id))
    staff.post(f"/clinic/patients/{patient_id}/urgent/{item_id}", data={"action": "Phoned"})
    [row] = rows(staff, "")
    assert row["urgent_items"] == "Thoughts of self-harm: Followed up"
    resource = staff.get(f"/fhir/patients/{patient_id}/questionnaire-response.json").get_json()
    [item] = [e for e in resource["extension"] if e["url"] == "urn:scs-intake:fhir:urgent-item"]
    parts = {
        e["url"]: next(v for k, v in e.items() if k.startswith("value")) for e in item["extension"]
    }
    assert parts["state"] == "Followed up"
    assert parts["followedUpBy"] == "Test clinician"
    assert "Phoned" not in str(resource)  # what was done stays in the app, as notes do
