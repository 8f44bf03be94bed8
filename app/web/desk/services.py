"""Front-desk operations: the patient list (progress, never answers), a patient's details
(audited with old and new values), stopping a link, the letter's QR code. Each write
commits once, and each read of a patient is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import segno
from markupsafe import Markup
from sqlalchemy import select

from ...platform.extensions import db
from ...records import audit, messages
from ...records.identifiers import normalise_abha, normalise_email, normalise_phone
from ...records.invitations import MAX_DOB_ATTEMPTS, revoke_invitation
from ...records.models import (
    CLINICAL_ROLES,
    Invitation,
    Message,
    Patient,
    QuestionnaireResponse,
    User,
    utcnow,
    worklist_keys,
)
from ...records.search import Counted, count_up_to, numbered_page, patient_matches

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a patient is, in the front desk's words: no answers in it."""

    state: str  # "not_started", "started", "sent"
    since: datetime | None = None

    @property
    def words(self) -> str:
        return {"not_started": "Not started", "started": "Started", "sent": "Sent"}[self.state]


@dataclass(frozen=True, slots=True)
class DeskRow:
    patient: Patient
    progress: Progress
    invitation: Message | None  # the newest invitation message, if any


def progress_of(patient_ids: list[int]) -> dict[int, Progress]:
    """Each patient's progress, from their responses' dates and states only."""
    qr = QuestionnaireResponse
    found: dict[int, Progress] = {}
    rows = db.session.execute(
        select(qr.patient_id, qr.status, qr.created_at, qr.submitted_at)
        .where(qr.patient_id.in_(patient_ids), qr.hold.is_(None))
        .order_by(qr.revision)
    )
    for patient_id, status, created_at, submitted_at in rows:
        earlier = found.get(patient_id)
        if status == "submitted":
            found[patient_id] = Progress("sent", submitted_at)
        elif earlier is None or earlier.state != "sent":
            found[patient_id] = Progress("started", created_at)
    return found


def patients(search: str, day: date | None, page: int) -> tuple[list[DeskRow], Counted]:
    """One page of patients by visit date, and how many there are. Four queries; three
    for a search that finds up to a thousand."""
    stmt = select(Patient)
    if search.strip():
        stmt = stmt.where(patient_matches(search))
    if day is not None:
        stmt = stmt.where(Patient.visit_date == day)
    searching = bool(search.strip())
    found, counted = numbered_page(
        stmt, worklist_keys, page, PAGE_SIZE, count_up_to(search), searching
    )
    ids = [p.id for p in found]
    progress = progress_of(ids) if ids else {}
    invitations = messages.newest_invitations(ids) if ids else {}
    rows = [
        DeskRow(p, progress.get(p.id, Progress("not_started")), invitations.get(p.id))
        for p in found
    ]
    return rows, counted


def record_view(patient: Patient) -> None:
    """Audit a front-desk read of a patient's record (details and messages)."""
    audit.record("desk.view", patient=patient)
    db.session.commit()


def record_search(query: str, found: int) -> None:
    audit.record("desk.search", query=query.strip()[:120], found=found)
    db.session.commit()


DETAILS = (
    "name",
    "date_of_birth",
    "visit_date",
    "clinician_id",
    "site_id",
    "hospital_number",
    "abha_number",
    "phone",
    "email",
    "channel",
    "language",
)


def change_details(patient: Patient, values: dict, by: User) -> list[str]:
    """Store the patient's corrected details; audited with the old and new values.

    A corrected date of birth is what the next link will check; a new visit date moves
    the reminders with it. A patient with an account keeps logging in as before, except
    that a new phone or email becomes their login too when no other account uses it.
    """
    new = {
        **values,
        "name": " ".join(values["name"].split()),
        "phone": normalise_phone(values["phone"]),
        "email": normalise_email(values["email"]),
        "hospital_number": (values["hospital_number"] or "").strip() or None,
        "abha_number": normalise_abha(values["abha_number"]),
        "language": values["language"] or None,
    }
    changes = {
        field: [_plain(getattr(patient, field)), _plain(new[field])]
        for field in DETAILS
        if getattr(patient, field) != new[field]
    }
    for field in changes:
        setattr(patient, field, new[field])
    if patient.user is not None:
        patient.user.name = patient.name
        for field in ("phone", "email"):
            if field in changes and not _login_taken(field, new[field], patient.user):
                setattr(patient.user, field, new[field])
    if changes:
        audit.record("patient.details_change", patient=patient, actor=by, changes=changes)
        db.session.commit()
    return list(changes)


def specialists() -> list[User]:
    """Who a patient can be assigned to: the clinic's active clinicians and admins."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(CLINICAL_ROLES), User.is_enabled.is_(True))
            .order_by(User.name)
        )
    )


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _login_taken(field: str, value: str | None, user: User) -> bool:
    if value is None:
        return False
    column = getattr(User, field)
    return db.session.scalar(select(User.id).where(column == value, User.id != user.id)) is not None


def link_state(patient: Patient) -> str:
    """The newest link in words: what the front desk tells a patient who calls."""
    if patient.user is not None:
        return "Used: they have an account"
    if not patient.invitations:
        return "No link yet"
    newest = patient.invitations[-1]
    state = newest.state(utcnow())
    if state == "revoked" and newest.failed_checks >= MAX_DOB_ATTEMPTS:
        return "Stopped after 5 wrong dates of birth: check the date, then send a new link"
    return {
        "usable": f"Working until {newest.expires_at:%d %b %Y}"
        + (f", {newest.failed_checks} wrong date(s) of birth" if newest.failed_checks else ""),
        "used": "Used",
        "revoked": "Stopped",
        "expired": "Expired: send a new link",
    }[state]


def usable_links(patient: Patient) -> list[Invitation]:
    return [i for i in patient.invitations if i.state(utcnow()) == "usable"]


def revoke_links(patient: Patient, by: User) -> int:
    """Stop every usable invitation link of the patient; how many were usable."""
    usable = usable_links(patient)
    for invitation in usable:
        revoke_invitation(invitation, by)
    return len(usable)


def qr_svg(link: str) -> Markup:
    """The link as a QR code, an SVG drawn by segno (its markup only holds the link's
    modules, no text of ours)."""
    code = segno.make(link, error="m")
    return Markup(code.svg_inline(scale=5, border=2, title=None))  # noqa: S704  # nosec B704
