"""Reminders to patients who have not sent their answers, some days before the visit.

``flask reminders send`` runs once a day (a timer, docs/deploy.md). The rules, each
tested: a reminder goes ``REMINDER_DAYS`` days before the visit (7 and 2 by default),
only to a patient who has not submitted, never on or after the visit day, never when
their link was revoked, at most one message a day to a patient (sent that day, or a reminder
for that day), so running it again the same day queues nothing new; two runs at once
meet the database's unique (patient, template, day) and the second skips.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..platform.extensions import db
from . import messages
from .clock import day_bounds
from .models import Invitation, Message, Patient


def reminder_days() -> list[int]:
    text = str(current_app.config["REMINDER_DAYS"])
    return sorted({int(part) for part in text.split(",") if part.strip()}, reverse=True)


def due(on: date) -> list[Patient]:
    """The patients a reminder is due for on the clinic's day ``on``, in one query however
    many are due."""
    visits = [on + timedelta(days=n) for n in reminder_days() if n > 0]
    if not visits:
        return []
    start, end = day_bounds(on)
    messaged = select(Message.patient_id).where(
        Message.patient_id.is_not(None),
        Message.created_at.between(start, end) | (Message.for_day == on),
    )
    candidates = db.session.scalars(
        select(Patient)
        .where(
            Patient.visit_date.in_(visits),
            Patient.worklist_status.in_(("invited", "in_progress")),
            Patient.channel.in_(messages.SENT_CHANNELS),
            Patient.erasure_requested_at.is_(None),
            Patient.id.not_in(messaged),
            Patient.user_id.is_not(None) | _newest_link_revoked_at().is_(None),
        )
        .order_by(Patient.visit_date, Patient.id)
    )
    return [p for p in candidates if messages.address(p, p.channel)]


def _newest_link_revoked_at():
    """When the patient's newest link was revoked (a column of the outer query): staff,
    or five wrong dates of birth, stopped that invitation, so no reminder brings a new
    one. A patient with an account logs in instead, so a revoked link does not count."""
    return (
        select(Invitation.revoked_at)
        .where(Invitation.patient_id == Patient.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(1)
        .correlate(Patient)
        .scalar_subquery()
    )


def send_reminders(on: date) -> int:
    """Queue each reminder due on ``on``; how many were queued."""
    sent = 0
    for patient in due(on):
        try:
            messages.queue(patient, "reminder", patient.channel, for_day=on)
        except IntegrityError:  # another run queued it a moment ago
            db.session.rollback()
            continue
        sent += 1
    return sent
