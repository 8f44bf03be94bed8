"""An urgent answer nobody acknowledges goes to a second responder after an hour of the
clinic's opening time; the patient is told when nobody at the clinic reads answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.platform import jobs, mail, messaging
from app.platform.extensions import db
from app.records import urgent
from app.records.models import AuditEvent, UrgentItem
from tests.answers_data import FUSION_PATIENT_POSTS, with_changes

IST = ZoneInfo("Asia/Kolkata")
HOURS = "Mon–Sat 10:00–14:00"


@pytest.fixture
def responders(app):
    app.config.update(
        JOB_QUEUE="memory",
        CLINIC_HOURS=HOURS,
        URGENT_RESPONDER_EMAIL="duty@clinic.example",
        URGENT_ESCALATION_EMAIL="consultant@clinic.example",
    )
    return app


def raise_self_harm(person) -> None:
    posts = with_changes(FUSION_PATIENT_POSTS, "mood", {"phq9_9": "3"})
    person.save("mood", posts["mood"])


def escalation(app) -> datetime:
    """When the escalation job waiting in this process is due."""
    with app.app_context():
        [(at, name, _)] = app.extensions["delayed_jobs"]
    assert name == "urgent_escalate"
    return at


def sent_to(app) -> list[str]:
    with app.app_context():
        return [m["To"] for m in mail.outbox()]


def test_nobody_acknowledges_and_the_second_responder_is_told(responders, patient, person):
    app = responders
    raise_self_harm(person)
    due = escalation(app)
    with app.app_context():
        jobs.run_queued(now=due - timedelta(minutes=1))
    assert sent_to(app) == ["duty@clinic.example"]
    with app.app_context():
        jobs.run_queued(now=due)
        [first, second] = mail.outbox()
    assert second["To"] == "consultant@clinic.example"
    body = second.get_content()
    assert "has waited an hour of opening time without anyone acknowledging" in body
    assert f"/clinic/patients/{patient}" in body
    assert "self-harm" not in body
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "urgent.escalate"))


def test_an_acknowledged_item_is_not_escalated(responders, patient, person, staff):
    app = responders
    raise_self_harm(person)
    due = escalation(app)
    with app.app_context():
        item_id = db.session.scalar(select(UrgentItem.id))
    staff.post(f"/clinic/patients/{patient}/urgent/{item_id}/acknowledge")
    page = staff.get(f"/clinic/patients/{patient}").get_data(as_text=True)
    assert "Acknowledged" in page
    assert "by Test clinician." in page
    assert "I am dealing with it" not in page
    assert "Record the follow-up" in page  # still open until it is followed up
    with app.app_context():
        jobs.run_queued(now=due)
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "urgent.acknowledge")
        )
    assert sent_to(app) == ["duty@clinic.example"]


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        (datetime(2027, 1, 9, 13, 30), datetime(2027, 1, 11, 10, 30)),  # Saturday afternoon
        (datetime(2027, 1, 8, 22, 0), datetime(2027, 1, 9, 11, 0)),  # Friday night
    ],
)
def test_the_hour_counts_only_opening_time(app, raised, due):
    app.config["CLINIC_HOURS"] = HOURS
    with app.app_context():
        found = urgent.escalation_due(raised.replace(tzinfo=IST).astimezone(UTC))
    assert found == due.replace(tzinfo=IST).astimezone(UTC)


def test_hours_that_cannot_be_read_count_by_the_clock(app):
    app.config["CLINIC_HOURS"] = "Mornings, except holidays"
    raised = datetime(2027, 1, 9, 13, 30, tzinfo=UTC)
    with app.app_context():
        assert urgent.escalation_due(raised) == raised + timedelta(minutes=60)


def test_the_patient_is_told_when_nobody_at_the_clinic_reads_answers(app, patient, person, client):
    raise_self_harm(person)
    today = datetime.now(IST).strftime("%a")
    other_days = [d for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") if d != today]
    app.config["CLINIC_HOURS"] = f"{', '.join(other_days)} 10:00-14:00"
    closed = client.get("/intake/section/mood/support").get_data(as_text=True)
    assert "The clinic is closed now" in closed
    assert "nobody there will read this answer until it opens" in closed
    app.config["CLINIC_HOURS"] = "Mon-Sun 00:00-24:00"
    open_now = client.get("/intake/section/mood/support").get_data(as_text=True)
    assert "The clinic reads answers in its opening hours (Mon-Sun 00:00-24:00)" in open_now


def test_several_responders_each_get_the_notice(app, patient, person):
    app.config.update(
        URGENT_RESPONDER_EMAIL="duty@clinic.example, nurse@clinic.example",
        URGENT_RESPONDER_PHONE="+919800000001",
    )
    raise_self_harm(person)
    assert sent_to(app) == ["duty@clinic.example", "nurse@clinic.example"]
    with app.app_context():
        [text] = messaging.sent()
    assert (text.to, text.template) == ("+919800000001", "urgent_notice")
