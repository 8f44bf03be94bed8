"""Inviting a clinic's appointment list at once: a CSV checked row by row, then created.

The front desk exports the week's visits from whatever books them, as a CSV with the
header ``name,date_of_birth,phone,email,visit_date,channel,language`` (email, channel and
language may be empty). ``check`` reads it and lists every problem by row and column;
nothing is written. ``invite_all`` then creates every valid row's patient in one
transaction and queues their invitations. A row for a patient the clinic already has
(the same name and date of birth, or email) is skipped, so the same file imported twice
creates nobody twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email

from ..platform.extensions import db
from . import messages
from .identifiers import normalise_phone
from .invitations import add_patient, existing_patient
from .models import Patient, User
from .patient_checks import patient_problems

HEADER = ("name", "date_of_birth", "phone", "email", "visit_date", "channel", "language")
LANGUAGES = ("", "en", "hi")
MAX_ROWS = 1000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


@dataclass
class Row:
    number: int  # the line in the file, the header being line 1
    name: str = ""
    date_of_birth: date | None = None
    phone: str | None = None
    email: str | None = None
    visit_date: date | None = None
    channel: str = ""
    language: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)
    known: Patient | None = None  # already the clinic's patient: skipped

    @property
    def ready(self) -> bool:
        return not self.problems and self.known is None


@dataclass
class Checked:
    rows: list[Row]
    problem: str | None = None  # a problem with the whole file

    @property
    def ready(self) -> list[Row]:
        return [r for r in self.rows if r.ready]

    @property
    def problems(self) -> list[tuple[int, str, str]]:
        return [(r.number, column, text) for r in self.rows for column, text in r.problems]


def _date(text: str) -> date | None:
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def check_row(raw: dict[str, str], today: date, number: int = 1) -> Row:
    """One patient's details as typed (a CSV row, or ``flask invite create``'s options):
    dates read as written in India too, then the invite page's own rules."""
    value = {k: " ".join((raw.get(k) or "").split()) for k in HEADER}
    row = Row(number, name=value["name"][:120], language=value["language"].lower())
    row.date_of_birth = _date(value["date_of_birth"])
    if row.date_of_birth is None:
        row.problems.append(("date_of_birth", "Enter a date such as 1959-08-21 or 21/08/1959"))
    row.visit_date = _date(value["visit_date"]) if value["visit_date"] else None
    if value["visit_date"] and row.visit_date is None:
        row.problems.append(("visit_date", "Enter a date such as 2027-01-15 or 15/01/2027"))
    if value["email"]:
        try:
            row.email = validate_email(value["email"], check_deliverability=False).normalized
        except EmailNotValidError:
            row.problems.append(("email", f"Enter a real email address, not {value['email']}"))
    row.phone = normalise_phone(value["phone"])
    row.channel = value["channel"].lower() or messages.default_channel(row.phone, row.email)
    row.problems += patient_problems(
        row.name, row.date_of_birth, value["phone"], value["email"], row.visit_date,
        row.channel, today,
    )  # fmt: skip
    if row.language not in LANGUAGES:
        row.problems.append(("language", "Use en or hi, or leave it empty"))
    return row


def check(text: str, today: date) -> Checked:
    """Every row checked, and whether each patient is already the clinic's; writes nothing."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [c.strip().lower() for c in reader.fieldnames or ()]
    missing = [c for c in HEADER if c not in columns]
    if missing:
        return Checked(
            [],
            f"The first line must be the header {','.join(HEADER)} (missing: {', '.join(missing)})",
        )
    reader.fieldnames = columns
    rows, seen = [], {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            return Checked([], f"At most {MAX_ROWS} rows at a time")
        if not any((v or "").strip() for k, v in raw.items() if k):
            continue
        row = check_row(raw, today, number)
        key = (row.name.lower(), row.date_of_birth)
        if not row.problems and key in seen:
            row.problems.append(("name", f"The same patient as row {seen[key]}"))
        seen.setdefault(key, number)
        if not row.problems:
            row.known = existing_patient(row.name, row.date_of_birth, row.email)
        rows.append(row)
    return Checked(rows)


def invite_all(checked: Checked, by: User | None) -> list[Patient]:
    """Create every ready row's patient in one transaction, then queue each invitation.
    A patient reached by letter gets no link yet: staff make it on their page (Give a new
    link) when they print or hand it over, so no link waits unseen."""
    created = []
    for r in checked.ready:
        patient, _ = add_patient(
            r.name, r.date_of_birth, r.email, r.visit_date, r.phone, by, r.channel, make_link=False
        )
        patient.language = r.language or None
        created.append(patient)
    db.session.commit()
    for patient in created:
        if patient.channel != "letter":
            messages.queue(patient, "invitation", patient.channel, by=by)
    return created
