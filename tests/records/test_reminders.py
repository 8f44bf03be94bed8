"""Reminders: each rule of ``flask reminders send`` on its own, then the daily run twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from app.platform import messaging
from app.platform.extensions import db
from app.records import messages, reminders
from app.records.clock import clinic_today
from app.records.models import Invitation, Message, Patient, utcnow
from tests import factories

ON = date(2027, 1, 8)  # the day the timer runs, on the clinic's clock


@pytest.fixture
def remind(app):
    """Runs the command for ON (or another day) and returns what it printed."""
    app.config.update(MESSAGE_QUIET_HOURS="", JOB_QUEUE="memory")

    def run(day: date = ON) -> str:
        result = app.test_cli_runner().invoke(args=["reminders", "send", "--on", day.isoformat()])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def patient(days_before: int | None = 7, **fields):
    """An invited patient reached by SMS, with a visit ``days_before`` days after ON."""
    visit = ON + timedelta(days=days_before) if days_before is not None else None
    values = {"phone": "+919829012345", "channel": "sms", "visit_date": visit, **fields}
    return factories.PatientFactory(**values).id


def reminded(app) -> list[int]:
    """The patients reminded, by id."""
    with app.app_context():
        return sorted(
            db.session.scalars(select(Message.patient_id).where(Message.template == "reminder"))
        )


def test_a_reminder_goes_seven_and_two_days_before_the_visit(app, remind):
    with app.app_context():
        seven, two, three = patient(7), patient(2), patient(3)
    assert "2 reminders queued for 2027-01-08" in remind()
    assert reminded(app) == [seven, two]
    assert three not in reminded(app)


def test_the_days_are_a_setting(app, remind):
    app.config["REMINDER_DAYS"] = "3"
    with app.app_context():
        seven, three = patient(7), patient(3)
    remind()
    assert reminded(app) == [three]
    assert seven not in reminded(app)


def test_none_on_or_after_the_visit_day_and_none_without_a_visit(app, remind):
    app.config["REMINDER_DAYS"] = "7,2,0,-1"
    with app.app_context():
        patient(0), patient(-1), patient(None)
    assert "0 reminders queued" in remind()


def test_none_once_the_answers_are_sent(app, remind):
    with app.app_context():
        done = factories.patient_with_answers(
            {"pain_now": 5}, phone="+919829012345", channel="sms", visit_date=ON + timedelta(7)
        ).id
        started = factories.patient_with_answers(
            {"pain_now": 5},
            submitted=False,
            phone="+919829012346",
            channel="sms",
            visit_date=ON + timedelta(7),
        ).id
    remind()
    assert reminded(app) == [started]
    assert done not in reminded(app)


def link(patient_id: int, minutes_ago: int, revoked: bool) -> None:
    """An invitation link made ``minutes_ago``, revoked or still working."""
    created = utcnow() - timedelta(minutes=minutes_ago)
    db.session.add(
        Invitation(
            patient_id=patient_id,
            token_hash=f"{patient_id:032d}{minutes_ago:032d}",
            created_at=created,
            expires_at=created + timedelta(days=14),
            revoked_at=created if revoked else None,
        )
    )
    db.session.commit()


def test_none_when_the_newest_link_was_revoked_unless_the_patient_can_log_in(app, remind):
    with app.app_context():
        stopped = patient(7)
        link(stopped, 60, revoked=False)
        link(stopped, 5, revoked=True)
        sent_again = patient(7, phone="+919829012346")
        link(sent_again, 60, revoked=True)
        link(sent_again, 5, revoked=False)
        with_account = factories.consented_patient(
            phone="+919829012347", channel="sms", visit_date=ON + timedelta(7)
        ).id
        link(with_account, 5, revoked=True)
    assert "2 reminders queued" in remind()
    assert reminded(app) == sorted([sent_again, with_account])  # not ``stopped``


def test_finding_who_is_due_runs_as_many_queries_for_seven_as_for_two(app):
    def due_with(more: int) -> tuple[int, int]:
        """How many are due, and the statements that finding them ran."""
        with app.app_context():
            for _ in range(more):
                link(patient(7, channel="email", phone=None), 5, revoked=False)
            ran = []

            def count(conn, cursor, statement, *args):
                ran.append(statement)

            event.listen(db.engine, "before_cursor_execute", count)
            try:
                found = reminders.due(ON)
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
            return len(found), len(ran)

    (two, for_two), (seven, for_seven) = due_with(2), due_with(5)
    assert (two, seven) == (2, 7)
    assert for_seven == for_two


def test_none_for_a_patient_reached_by_letter_or_without_a_number(app, remind):
    with app.app_context():
        patient(channel="letter"), patient(phone=None)
    assert "0 reminders queued" in remind()


def test_at_most_one_message_a_day_and_a_second_run_sends_nothing_new(app, remind):
    with app.app_context():
        first, second = patient(7), patient(2, phone="+919829012346", email=None)
    remind()
    assert "0 reminders queued" in remind()
    assert reminded(app) == [first, second]
    # A patient invited today is not also reminded today; one who was not, is.
    with app.app_context():
        today = clinic_today()
        invited_today = patient(phone="+919829012347", visit_date=today + timedelta(7))
        not_messaged = patient(phone="+919829012348", visit_date=today + timedelta(7))
        messages.queue(db.session.get(Patient, invited_today), "invitation", "sms")
    app.config["REMINDER_DAYS"] = "7"
    remind(today)
    assert not_messaged in reminded(app)
    assert invited_today not in reminded(app)


def test_the_worker_delivers_one_reminder_per_unfinished_patient_with_a_working_link(
    app, remind, client
):
    with app.app_context():
        new, started = (
            patient(7),
            factories.consented_patient(
                phone="+919829012346", channel="sms", visit_date=ON + timedelta(2)
            ),
        )
        started_id = started.id
    remind()
    app.test_cli_runner().invoke(args=["worker", "--burst"])
    with app.app_context():
        sent = {m.to: m for m in messaging.sent()}
    assert set(sent) == {"+919829012345", "+919829012346"}
    # Not yet an account: a fresh invitation. An account: the login page.
    assert "/auth/invitation/" in sent["+919829012345"].link
    assert "Your date of birth" in client.get(sent["+919829012345"].link).get_data(as_text=True)
    assert sent["+919829012346"].link == "http://localhost/auth/login"
    assert sent["+919829012346"].text.startswith("Pain Clinic: a reminder")
    assert "Fri 15 Jan 2027" in sent["+919829012345"].text
    assert reminded(app) == [new, started_id]
