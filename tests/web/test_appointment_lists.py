"""Inviting an appointment list: every problem by row and column first, nothing created
until it is confirmed, then every ready row at once; the same file twice creates nobody
twice. Then the week as the front desk runs it: 20 messages, reminders, none twice."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from app.platform.extensions import db
from app.records.models import Message, Patient
from tests.factories import PatientFactory
from tests.test_transactions import commits_during
from tests.web.test_messages import FakeProvider

VISIT = date.today() + timedelta(days=10)
HEADER = "name,date_of_birth,phone,email,visit_date,channel,language"


def csv_of(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def upload(staff, text: str, action="check", **data):
    files = {"file": (io.BytesIO(text.encode()), "visits.csv"), "action": action, **data}
    return staff.post(
        "/clinic/invite/list", data=files, content_type="multipart/form-data"
    ).get_data(as_text=True)


def patients(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Patient.id)))


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_created(app, staff):
    page = upload(
        staff,
        csv_of(
            f"Kamala Iyer,21/08/1959,98290 12345,,{VISIT},,hi",
            f"Ravi Kumar,1950-13-40,+91-98290-54321,,{VISIT},sms,",
            f"Suresh Nair,1961-04-12,12345,,{VISIT},,",
            "Anita Das,1970-01-01,098290 11111,,2020-01-01,,",
            f"Kamala Iyer,1959-08-21,98290 12345,,{VISIT},,",
            f"Meera Shah,1980-05-05,,,{VISIT},whatsapp,",
            f"Mohan Lal,1945-02-02,,mohan@,{VISIT},,",
            f"Farah Khan,1966-06-06,,,{VISIT},,fr",
        ),
    )
    for row, column, text in (
        (3, "date_of_birth", "Enter a date such as 1959-08-21 or 21/08/1959"),
        (4, "phone", "Enter a mobile number, for example 98450 12345"),
        (5, "visit_date", "The visit date has passed. Enter the planned date"),
        (6, "name", "The same patient as row 2"),
        (7, "channel", "Enter the mobile number to send the link by WhatsApp"),
        (8, "email", "Enter a real email address, not mohan@"),
        (9, "language", "Use en or hi, or leave it empty"),
    ):
        cells = page.split(f"<td>{row}</td>")[1].split("</tr>")[0]
        assert f'<span class="tag tag-urgent">{column}</span> {text}' in cells, (row, cells)
    assert "1 of 8 rows ready to invite" in page
    assert "Invite 1 patient</button>" in page
    assert patients(app) == 0


def test_a_file_without_the_header_is_refused_whole(app, staff):
    page = upload(staff, "name,dob\nKamala,1959-08-21\n")
    assert "The first line must be the header" in page
    assert "missing: date_of_birth, phone, email, visit_date, channel, language" in page


def test_confirmed_rows_are_created_in_one_transaction_and_a_second_import_adds_nobody(app, staff):
    app.config["JOB_QUEUE"] = "memory"
    text = csv_of(
        f"Kamala Iyer,1959-08-21,98290 12345,,{VISIT},letter,hi",
        f"Ravi Kumar,1950-01-02,,ravi@example.org,{VISIT},letter,",
        f"Bad Row,1950-13-40,,,{VISIT},letter,",
    )
    assert "2 of 3 rows ready" in upload(staff, text)
    invite = lambda: staff.post(  # noqa: E731
        "/clinic/invite/list", data={"text": text, "action": "invite"}
    )
    assert commits_during(app, invite) == 1  # both patients, or neither
    assert patients(app) == 2
    with app.app_context():
        kamala = db.session.scalar(select(Patient).where(Patient.name == "Kamala Iyer"))
        assert (kamala.phone, kamala.channel, kamala.language) == ("+919829012345", "letter", "hi")
        assert kamala.invitations == []  # a letter's link is made when it is given

    again = upload(staff, text)
    assert "0 of 3 rows ready to invite" in again
    assert again.count("Already has a record: skipped") == 2
    staff.post("/clinic/invite/list", data={"text": text, "action": "invite"})
    assert patients(app) == 2


def test_a_known_patient_is_skipped_not_invited_twice(app, staff):
    with app.app_context():
        PatientFactory(name="Kamala Iyer", date_of_birth=date(1959, 8, 21))
    page = upload(staff, csv_of(f"kamala  iyer,1959-08-21,98290 12345,,{VISIT},,"))
    assert "Already has a record: skipped" in page
    assert "0 of 1 rows ready" in page


def test_twenty_rows_become_twenty_messages_then_one_reminder_each_and_none_twice(
    app, tmp_path, client
):
    """The week as the front desk runs it, from the command line, against a relay."""
    provider = FakeProvider()
    try:
        app.config.update(
            JOB_QUEUE="memory",
            MESSAGE_QUIET_HOURS="",
            MESSAGE_BACKEND="webhook",
            MESSAGE_WEBHOOK_URL=provider.url + "/relay",
            MESSAGE_WEBHOOK_SECRET="s",
        )
        forms = ("98290 {n:05d}", "+91-98290-{n:05d}", "098290 {n:05d}", "+9198290{n:05d}")
        rows = [
            f"Patient {n},1960-01-{n + 1:02d},{forms[n % 4].format(n=10000 + n)},,{VISIT},,"
            for n in range(20)
        ]
        listing = tmp_path / "visits.csv"
        listing.write_text(csv_of(*rows))
        cli = app.test_cli_runner()
        result = cli.invoke(args=["invite", "import", str(listing), "--yes"])
        assert "20 patients invited" in result.output, result.output
        assert provider.requests == []
        assert "20 jobs done, 0 failed" in cli.invoke(args=["worker", "--burst"]).output
        sent = provider.bodies()
        assert sorted(b["to"] for b in sent) == [f"+9198290{10000 + n:05d}" for n in range(20)]
        assert {b["template"] for b in sent} == {"invitation"}
        assert "Your date of birth" in client.get(sent[0]["link"]).get_data(as_text=True)

        seven_before = (VISIT - timedelta(days=7)).isoformat()
        result = cli.invoke(args=["reminders", "send", "--on", seven_before])
        assert f"20 reminders queued for {seven_before}" in result.output
        cli.invoke(args=["worker", "--burst"])
        reminders = [b for b in provider.bodies() if b["template"] == "reminder"]
        assert len({b["to"] for b in reminders}) == len(reminders) == 20
        result = cli.invoke(args=["reminders", "send", "--on", seven_before])
        assert "0 reminders queued" in result.output
        cli.invoke(args=["worker", "--burst"])
        assert len(provider.requests) == 40
        with app.app_context():
            assert db.session.scalar(select(func.count(Message.id))) == 40
    finally:
        provider.server.shutdown()
        provider.server.server_close()


def test_the_command_lists_problems_and_creates_nothing_without_confirmation(app, tmp_path):
    listing = tmp_path / "visits.csv"
    listing.write_text(
        csv_of(f"Kamala Iyer,1959-08-21,12345,,{VISIT},,", f"Ravi,1950-01-02,,r@x.org,{VISIT},,")
    )
    result = app.test_cli_runner().invoke(args=["invite", "import", str(listing)], input="n\n")
    assert "row 2, phone: Enter a mobile number, for example 98450 12345" in result.output
    assert "1 of 2 rows ready to invite" in result.output
    assert patients(app) == 0
    assert result.exit_code == 0
