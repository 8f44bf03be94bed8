"""Front-desk operations: the patient list (progress, never answers), contact details,
revoking a link. Each write commits once, and each read of a patient is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import segno
from markupsafe import Markup
from sqlalchemy import func, select

from ...platform.extensions import db
from ...records import audit, messages
from ...records.identifiers import normalise_email, normalise_phone
from ...records.invitations import revoke_invitation
from ...records.models import (
    WORKLIST_ORDER,
    Invitation,
    Message,
    Patient,
    QuestionnaireResponse,
    User,
    utcnow,
)
from ...records.search import patient_matches

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


def newest_invitations(patient_ids: list[int]) -> dict[int, Message]:
    newest: dict[int, Message] = {}
    for message in db.session.scalars(
        select(Message)
        .where(Message.patient_id.in_(patient_ids), Message.template == "invitation")
        .order_by(Message.id)
    ):
        newest[message.patient_id] = message
    return newest


def patients(search: str, day: date | None, page: int) -> tuple[list[DeskRow], int, int, int]:
    """One page of patients by visit date: rows, total, page, pages. Four queries."""
    stmt = select(Patient)
    if search.strip():
        stmt = stmt.where(patient_matches(search))
    if day is not None:
        stmt = stmt.where(Patient.visit_date == day)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    found = list(
        db.session.scalars(
            stmt.order_by(*WORKLIST_ORDER[1:]).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        )
    )
    ids = [p.id for p in found]
    progress = progress_of(ids) if ids else {}
    invitations = newest_invitations(ids) if ids else {}
    rows = [
        DeskRow(p, progress.get(p.id, Progress("not_started")), invitations.get(p.id))
        for p in found
    ]
    return rows, total, page, pages


def record_view(patient: Patient) -> None:
    """Audit a front-desk read of a patient's record (details and messages)."""
    audit.record("desk.view", patient=patient)
    db.session.commit()


def record_search(query: str, found: int) -> None:
    audit.record("desk.search", query=query.strip()[:120], found=found)
    db.session.commit()


def change_contact(
    patient: Patient, phone: str | None, email: str | None, channel: str, by: User
) -> list[str]:
    """Store new contact details and channel; the names of what changed, audited."""
    new = {"phone": normalise_phone(phone), "email": normalise_email(email), "channel": channel}
    changed = [name for name, value in new.items() if getattr(patient, name) != value]
    for name in changed:
        setattr(patient, name, new[name])
    if changed:
        audit.record("patient.contact_change", patient=patient, actor=by, changed=changed)
        db.session.commit()
    return changed


def usable_links(patient: Patient) -> list[Invitation]:
    return [i for i in patient.invitations if i.state(utcnow()) == "usable"]


def revoke_links(patient: Patient, by: User) -> int:
    """Stop every usable invitation link of the patient; how many were usable."""
    usable = usable_links(patient)
    for invitation in usable:
        revoke_invitation(invitation, by)
    return len(usable)


def sendable(patient: Patient) -> bool:
    """Whether a new link can go by the patient's channel (else it is shown to staff)."""
    return patient.channel in ("sms", "whatsapp", "email") and bool(
        messages.address(patient, patient.channel)
    )


def qr_svg(link: str) -> Markup:
    """The link as a QR code, an SVG drawn by segno (its markup only holds the link's
    modules, no text of ours)."""
    code = segno.make(link, error="m")
    return Markup(code.svg_inline(scale=5, border=2, title=None))  # noqa: S704  # nosec B704
