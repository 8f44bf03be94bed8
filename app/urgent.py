"""Urgent items: raised by an answer, each followed up by the clinic on its own.

An item is raised the first time a revision's answers make an urgent rule of the
definition fire (thoughts of self-harm, new weakness). It stays open, and the patient
stays at the top of the worklist, until someone records who followed it up, when, and
what was done. "Mark as reviewed" and a note do not close it. A configurable responder
(``URGENT_RESPONDER_EMAIL``) is emailed when an item is raised; the email names the
patient's reference and links to the summary, never the answer itself.
"""

from __future__ import annotations

import logging

from flask import current_app, url_for
from sqlalchemy import func, select

from . import audit, mail
from .extensions import db
from .models import Patient, QuestionnaireResponse, UrgentItem, User, utcnow
from .questionnaire.definition import Questionnaire
from .summary.highlights import urgent_rules

log = logging.getLogger(__name__)


def raise_new(response: QuestionnaireResponse, q: Questionnaire) -> list[UrgentItem]:
    """Add an item for each urgent rule these answers newly make fire (not committed)."""
    # Read inside the save's transaction: its own changes must not be flushed early.
    with db.session.no_autoflush:
        existing = set(db.session.scalars(select(UrgentItem.rule_id).where(
            UrgentItem.response_id == response.id))) if response.id else set()
    raised = []
    for rule in urgent_rules(q, response.answers):
        if rule.rule_id in existing:
            continue
        item = UrgentItem(patient_id=response.patient_id, response_id=response.id,
                          rule_id=rule.rule_id, label=rule.label or "Urgent answer",
                          text=rule.text)
        db.session.add(item)
        raised.append(item)
    if raised:
        response.patient.is_urgent = True
    return raised


def open_count(patient: Patient) -> int:
    return db.session.scalar(select(func.count()).select_from(UrgentItem).where(
        UrgentItem.patient_id == patient.id, UrgentItem.followed_up_at.is_(None))) or 0


def follow_up(item: UrgentItem, by: User, action: str) -> None:
    """Record who followed the item up and what was done; one transaction."""
    if not item.is_open:
        return
    item.followed_up_at = utcnow()
    item.followed_up_by_id = by.id
    item.action = action.strip()
    patient = db.session.get(Patient, item.patient_id)
    db.session.flush()
    patient.is_urgent = open_count(patient) > 0
    audit.record("urgent.follow_up", patient=patient, actor=by, item=item.id,
                 rule=item.rule_id)
    db.session.commit()


def items_for(patient: Patient) -> list[UrgentItem]:
    """Every urgent item of the patient, open ones first, newest first within each."""
    return list(db.session.scalars(
        select(UrgentItem).where(UrgentItem.patient_id == patient.id)
        .order_by(UrgentItem.followed_up_at.is_not(None), UrgentItem.raised_at.desc())))


def open_by_patient(patient_ids: list[int]) -> dict[int, list[str]]:
    """The labels of each patient's open items, for the worklist, in one query."""
    found: dict[int, list[str]] = {}
    if not patient_ids:
        return found
    rows = db.session.execute(
        select(UrgentItem.patient_id, UrgentItem.label)
        .where(UrgentItem.patient_id.in_(patient_ids), UrgentItem.followed_up_at.is_(None))
        .order_by(UrgentItem.raised_at))
    for patient_id, label in rows:
        found.setdefault(patient_id, []).append(label)
    return found


def notify(items: list[UrgentItem]) -> None:
    """Tell the responder about newly raised items; a mail failure never undoes a save."""
    responder = current_app.config["URGENT_RESPONDER_EMAIL"]
    if not items or not responder or not mail.can_send():
        return
    patient = db.session.get(Patient, items[0].patient_id)
    labels = ", ".join(dict.fromkeys(i.label for i in items))
    link = (current_app.config["BASE_URL"].rstrip("/")
            + url_for("clinic.summary", patient_id=patient.id))
    reference = patient.ref[:8].upper()
    try:
        mail.send(responder, f"Urgent answer to follow up: {reference[:4]}-{reference[4:]}",
                  f"A patient's answers raised an urgent item to follow up: {labels}.\n\n"
                  f"Patient reference {reference[:4]}-{reference[4:]}. Open the summary "
                  f"(log in first):\n{link}\n\nRecord the follow-up on the summary page.\n")
    except mail.MailError as exc:
        log.warning("urgent notice not sent: %s", exc)
