"""Times are stored in UTC and read on the clinic's clock (CLINIC_TIMEZONE, India here)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from app import create_app
from app.platform.extensions import db
from app.records import clock
from app.records.models import AuditEvent, Patient, QuestionnaireResponse
from app.web.templating import format_date, format_datetime
from tests.answers_data import FUSION_PATIENT_POSTS, with_changes
from tests.conftest import Person, lock_of

# 20:00 UTC on 19 November is 01:30 on 20 November in India.
SENT = datetime(2026, 11, 19, 20, 0, tzinfo=UTC)


def test_a_time_zone_that_does_not_exist_stops_the_app_at_start_up(tmp_path):
    with pytest.raises(RuntimeError, match="CLINIC_TIMEZONE 'Asia/Bangalore' is not a time"):
        create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'z.db'}",
            CLINIC_TIMEZONE="Asia/Bangalore",
        )


def test_another_clinic_reads_its_own_clock(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'z.db'}",
        CLINIC_TIMEZONE="America/New_York",
    )
    with app.app_context():
        assert format_datetime(SENT) == "19 Nov 2026 15:00 EST"
        assert format_date(SENT) == "19 Nov 2026"


def test_the_form_s_sending_time_is_on_the_clinic_clock_for_patient_and_staff(
    app, clinic, submitted_patient, client, staff
):
    with app.app_context():
        db.session.execute(
            update(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == submitted_patient)
            .values(submitted_at=SENT)
        )
        # ...and the copy the worklist reads, as Patient.track keeps it.
        db.session.execute(
            update(Patient)
            .where(Patient.id == submitted_patient)
            .values(worklist_submitted_at=SENT)
        )
        db.session.commit()
    assert "Sent on 20 Nov 2026 01:30 IST." in client.get("/intake/submitted").get_data(
        as_text=True
    )
    summary = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    assert "20 Nov 2026 01:30 IST" in summary
    assert "UTC" not in summary
    worklist = staff.get("/clinic/").get_data(as_text=True)
    assert "20 Nov 2026" in worklist
    assert "19 Nov 2026" not in worklist
    # Exports are for machines: they keep UTC, with its offset.
    exported = staff.get(f"/fhir/patients/{submitted_patient}/questionnaire-response.json")
    assert exported.json["authored"] == "2026-11-19T20:00:00+00:00"


def test_a_draft_save_reports_the_time_on_the_clinic_clock(patient, client, clinic):
    page = client.get("/intake/section/goals").get_data(as_text=True)
    saved = client.post(
        "/intake/section/goals/autosave",
        data={"goals_text": "Walk again", "lock_version": lock_of(page)},
    ).json
    stored = clinic.response(patient).updated_at
    assert saved["saved_at"] == stored.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M")
    assert saved["saved_at"] != stored.astimezone(UTC).strftime("%H:%M")


def test_the_audit_log_s_days_are_the_clinic_s_days(app, clinic):
    admin = Person(app.test_client())
    admin.login(clinic.staff("admin"))
    with app.app_context():
        db.session.add_all(
            [
                # 23:30 on 19 November in India, and 00:30 on the 20th.
                AuditEvent(
                    action="summary.view",
                    target="late-on-the-19th",
                    at=datetime(2026, 11, 19, 18, 0, tzinfo=UTC),
                ),
                AuditEvent(
                    action="summary.view",
                    target="early-on-the-20th",
                    at=datetime(2026, 11, 19, 19, 0, tzinfo=UTC),
                ),
            ]
        )
        db.session.commit()

    def shown(query):
        page = admin.client.get("/admin/audit?action=summary.view&" + query)
        text = page.get_data(as_text=True)
        return [t for t in ("late-on-the-19th", "early-on-the-20th") if t in text]

    assert shown("from=2026-11-19&to=2026-11-19") == ["late-on-the-19th"]
    assert shown("from=2026-11-20") == ["early-on-the-20th"]
    assert shown("to=2026-11-19") == ["late-on-the-19th"]
    assert shown("from=2026-11-19") == ["late-on-the-19th", "early-on-the-20th"]
    page = admin.client.get("/admin/audit?action=summary.view&from=2026-11-20")
    assert "20 Nov 2026 00:30 IST" in page.get_data(as_text=True)


def freeze_clinic_clock(monkeypatch, moment: datetime) -> None:
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz)

    monkeypatch.setattr(clock, "datetime", Frozen)


@pytest.fixture
def half_past_midnight_on_1_december(monkeypatch):
    """19:00 UTC on 30 November: already 1 December on the clinic's clock."""
    freeze_clinic_clock(monkeypatch, datetime(2026, 11, 30, 19, 0, tzinfo=UTC))


def test_this_month_is_not_the_future_once_it_has_begun_at_the_clinic(
    half_past_midnight_on_1_december, patient, person, client
):
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"pain_start_date": "12/2026"})
    assert person.save("pain", posts["pain"]).status_code == 302
    page = client.get("/intake/section/pain/2").get_data(as_text=True)
    assert 'value="12/2026"' in page
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"pain_start_date": "01/2027"})
    refused = person.save("pain", posts["pain"]).get_data(as_text=True)
    assert "The date cannot be in the future" in refused


def test_a_procedure_this_new_year_is_not_the_future_once_it_has_begun_at_the_clinic(
    monkeypatch, patient, person, client
):
    """Years inside repeating rows are checked against the clinic's date too."""
    freeze_clinic_clock(monkeypatch, datetime(2026, 12, 31, 19, 0, tzinfo=UTC))
    posts = with_changes(FUSION_PATIENT_POSTS, "treatments", {"procedures-0-proc_year": "2027"})
    assert person.save("treatments", posts["treatments"]).status_code == 302
    posts = with_changes(FUSION_PATIENT_POSTS, "treatments", {"procedures-0-proc_year": "2028"})
    refused = person.save("treatments", posts["treatments"]).get_data(as_text=True)
    assert "Enter a number from 1950 to 2027" in refused
