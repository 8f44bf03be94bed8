"""The admin pages that only the browser reached before: revoking an invitation, and the
audit log's filters."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.platform.extensions import db
from app.records.clock import local
from app.records.models import AuditEvent, Invitation
from tests.conftest import statements_of
from tests.web.test_clinic import on_sqlite, query_plan


def test_an_admin_revokes_an_invitation_and_its_link_stops_working(app, admin, clinic, client):
    _, token = clinic.invite(name="Revoked Person", email="revoked@example.org")
    listed = admin.get("/admin/invitations").get_data(as_text=True)
    assert "Revoked Person" in listed
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    answer = admin.post(f"/admin/invitations/{invitation_id}/revoke")
    assert "no longer works" in admin.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Revoked Person" not in admin.get("/admin/invitations").get_data(as_text=True)
    refused = client.get(f"/auth/invitation/{token}")
    assert refused.status_code == 410
    assert "This link no longer works" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "invitation.revoke")
        )


def rows_of(page: str) -> list[str]:
    """The audit table's event rows (not the "No events." row)."""
    return [r for r in re.findall(r"<tr><td>.*?</tr>", page, re.S) if "No events." not in r]


def test_the_audit_log_filters_by_action_actor_patient_and_day(app, admin, clinic, staff):
    patient_id = clinic.with_answers("Asha Rao", {"sex": "female"})
    other_id = clinic.with_answers("Ravi Kumar", {"sex": "male"})
    staff.get(f"/clinic/patients/{patient_id}")
    staff.get(f"/clinic/patients/{other_id}")
    ref = clinic.patient(patient_id).ref
    by_action = admin.get("/admin/audit?action=summary.view").get_data(as_text=True)
    assert len(rows_of(by_action)) == 2
    by_patient = admin.get(f"/admin/audit?action=summary.view&patient={ref.upper()}")
    assert len(rows_of(by_patient.get_data(as_text=True))) == 1
    by_actor = admin.get("/admin/audit?actor=clinician@").get_data(as_text=True)
    assert len(rows_of(by_actor)) >= 3  # the login and the two reads
    assert "admin@clinic.example" not in by_actor
    with app.app_context():
        today = local(db.session.scalar(select(AuditEvent.at))).date().isoformat()
    on_the_day = admin.get(f"/admin/audit?action=summary.view&from={today}&to={today}")
    assert len(rows_of(on_the_day.get_data(as_text=True))) == 2
    before = admin.get("/admin/audit?action=summary.view&to=2000-01-01").get_data(as_text=True)
    assert rows_of(before) == []


def test_a_long_audit_log_offers_every_action_and_is_counted_to_a_cap(
    app, admin, clinic, staff, monkeypatch
):
    """The log grows with every staff read: its count stops at the lists' cap, and the
    actions to filter by are read one index step each, not from the whole log."""
    from app.records import search

    monkeypatch.setattr(search, "COUNT_UP_TO", 3)
    patient_id = clinic.with_answers("Asha Rao", {"sex": "female"})
    for _ in range(3):
        staff.get(f"/clinic/patients/{patient_id}")
    staff.get("/clinic/?q=asha")
    page = admin.get("/admin/audit").get_data(as_text=True)
    with app.app_context():
        logged = sorted(set(db.session.scalars(select(AuditEvent.action))))
    assert {"login.success", "summary.view", "worklist.search"} <= set(logged)
    assert re.findall(r'<option value="([^"]+)"', page) == logged
    assert "More than 3 events, page 1." in page
    assert "1 event." in admin.get("/admin/audit?action=worklist.search").get_data(as_text=True)


def test_the_erasure_requests_are_read_from_their_own_index(app, admin, clinic):
    """A few patients ask to be erased among thousands: the admin's list reads them from
    an index of those few, not every patient (74 ms at a million)."""
    if not on_sqlite(app):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans from table statistics")
    for n in range(30):
        clinic.with_answers(f"Patient {n:03d}", {"sex": "female"})
    [(statement, parameters)] = [
        (sql, params)
        for sql, params in statements_of(app, admin, "/admin/invitations")
        if "erasure_requested_at IS NOT NULL" in sql
    ]
    assert "INDEX ix_patients_erasure_requested_at" in query_plan(app, statement, parameters)
