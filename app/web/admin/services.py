"""What the admin pages read: the staff list, the open invitations and erasure requests,
and the audit log with its filters. Each read is one or two queries; the routes only
render what these return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...platform.extensions import db
from ...records import audit
from ...records.clock import day_bounds
from ...records.models import AuditEvent, Invitation, Patient, User, utcnow
from ...records.search import Counted, count_and_page

AUDIT_PAGE_SIZE = 100


def staff_list() -> list[User]:
    """Every staff account, by name."""
    return list(db.session.scalars(select(User).where(User.role != "patient").order_by(User.name)))


def open_invitations() -> list[tuple[Invitation, str]]:
    """Invitations not used, revoked or expired, soonest to expire first, with the name."""
    now = utcnow()
    return list(
        db.session.execute(
            select(Invitation, Patient.name)
            .join(Patient)
            .where(
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.expires_at)
        ).all()
    )


def erasure_requests() -> list[Patient]:
    """Patients who asked for their data to be erased, oldest request first."""
    return list(
        db.session.scalars(
            select(Patient)
            .where(Patient.erasure_requested_at.is_not(None))
            .order_by(Patient.erasure_requested_at)
        )
    )


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """What the audit page is asked for; empty strings ask for everything."""

    action: str = ""
    actor: str = ""
    patient: str = ""
    day_from: str = ""
    day_to: str = ""


@dataclass(frozen=True, slots=True)
class AuditPage:
    events: list[AuditEvent]
    counted: Counted
    actions: list[str]


def _day(text: str, end: bool = False) -> datetime | None:
    """The start (or end) of a day typed into the filter, a day on the clinic's clock."""
    try:
        day = datetime.fromisoformat(text or "").date()
    except ValueError:
        return None
    return day_bounds(day)[1 if end else 0]


def audit_page(filters: AuditFilters, page: int) -> AuditPage:
    """One page of audit events, newest first, matching every filter given."""
    stmt = select(AuditEvent).outerjoin(User, AuditEvent.actor_id == User.id)
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.actor:
        stmt = stmt.where(User.email.ilike(f"%{filters.actor.strip()[:254]}%"))
    if filters.patient:
        stmt = stmt.where(AuditEvent.patient_ref == filters.patient.strip().lower()[:32])
    if start := _day(filters.day_from):
        stmt = stmt.where(AuditEvent.at >= start)
    if end := _day(filters.day_to, end=True):
        stmt = stmt.where(AuditEvent.at <= end)
    # Counted up to 10,000, as the patient lists are: the log grows with every read.
    counted = count_and_page(stmt, page, AUDIT_PAGE_SIZE)
    events = list(
        db.session.scalars(
            stmt.order_by(AuditEvent.id.desc())
            .limit(AUDIT_PAGE_SIZE)
            .offset((counted.page - 1) * AUDIT_PAGE_SIZE)
        )
    )
    return AuditPage(events, counted, audit.actions_logged())
