"""The one place audit events are written.

``record`` adds the event to the current transaction, so it is committed with the action
it describes, or not at all. The app never updates or deletes audit rows.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..platform.extensions import db
from .models import AuditEvent, Patient, User


def record(
    action: str,
    patient: Patient | None = None,
    target: str | None = None,
    actor: User | None = None,
    **detail: Any,
) -> AuditEvent:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else None,
        patient_ref=patient.ref if patient else None,
        target=target,
        ip=request.remote_addr if has_request_context() else "cli",
        detail=detail,
    )
    db.session.add(event)
    return event


def actions_logged() -> list[str]:
    """Every action the log holds, in order: one step of the action's index per action.

    The log grows with every staff read; ``SELECT DISTINCT`` read all of it (0.6 s at five
    million events), while each step here asks for the next action after the last.
    """
    after = select(func.min(AuditEvent.action).label("action")).cte("actions", recursive=True)
    following = (
        select(func.min(AuditEvent.action))
        .where(AuditEvent.action > after.c.action)
        .scalar_subquery()
    )
    found = after.union_all(select(following).where(after.c.action.is_not(None)))
    return list(db.session.scalars(select(found.c.action).where(found.c.action.is_not(None))))


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context, instances) -> None:
    """Refuse any change to an existing audit row, whoever asks."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("audit events cannot be changed or deleted")
