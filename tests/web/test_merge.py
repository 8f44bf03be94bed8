"""Two records of one person become one: answers keep their revisions, notes and logins
move, the duplicate goes, and both references are in the audit log."""

from __future__ import annotations

from sqlalchemy import select

from app.platform.extensions import db
from app.records.models import AuditEvent, ClinicianNote, Patient, QuestionnaireResponse
from tests import factories
from tests.answers_data import CRPS_PATIENT_STORED, FUSION_PATIENT_STORED
from tests.conftest import PATIENT_PASSWORD, Person


def two_records(app, staff) -> tuple[int, int, str]:
    """The record the clinic kept (answers sent last month) and a second one made when
    she was invited again (a login and newer answers); the second one's reference."""
    with app.app_context():
        kept = factories.patient_with_answers(
            CRPS_PATIENT_STORED, name="Kamala Iyer", email=None, phone=None
        )
        second = factories.patient_with_answers(
            FUSION_PATIENT_STORED,
            name="Kamala  Iyer",
            email="kamala@example.org",
            phone="+919829012345",
            login=True,
        )
        ids = kept.id, second.id
        reference = f"{second.ref[:4]}-{second.ref[4:8]}".upper()
    staff.post(f"/clinic/patients/{ids[1]}/notes", data={"body": "Called about parking"})
    return ids[0], ids[1], reference


def test_a_duplicate_is_compared_then_merged_into_the_kept_record(app, staff, desk):
    kept, second, reference = two_records(app, staff)
    compare = desk.post(f"/desk/patients/{kept}/merge", data={"reference": reference}).text
    assert "Merge two records of one person?" in compare
    assert compare.count("Kamala") >= 2
    with app.app_context():
        assert db.session.get(Patient, second) is not None  # nothing moved yet
    done = desk.post(
        f"/desk/patients/{kept}/merge",
        data={"reference": reference, "confirm": "yes"},
        follow_redirects=True,
    ).text
    assert "The records are one: 1 revision(s) of answers moved here." in done
    with app.app_context():
        assert db.session.get(Patient, second) is None
        record = db.session.get(Patient, kept)
        revisions = db.session.scalars(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == kept)
            .order_by(QuestionnaireResponse.revision)
        ).all()
        assert [r.revision for r in revisions] == [1, 2]
        assert revisions[1].answers == FUSION_PATIENT_STORED  # the newer answers come last
        assert (record.phone, record.email) == ("+919829012345", "kamala@example.org")
        assert db.session.scalar(select(ClinicianNote.patient_id)) == kept
        merged = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "patient.merge"))
        assert merged.detail["revisions"] == 1
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "patient.merged_into")
        )
    # Her login came along: she logs in and sees the newest answers.
    patient = Person(app.test_client())
    assert patient.login("98290 12345", PATIENT_PASSWORD).status_code == 302


def test_a_reference_that_names_no_other_record_changes_nothing(app, staff, desk):
    kept, _, _ = two_records(app, staff)
    page = desk.post(
        f"/desk/patients/{kept}/merge", data={"reference": "0000-0000"}, follow_redirects=True
    ).text
    assert "No other record has that reference" in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Patient.id))) == 2
