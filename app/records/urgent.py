"""Urgent items: raised by an answer, each followed up by the clinic on its own.

An item is raised the first time a revision's answers make an urgent rule of the
definition fire (thoughts of self-harm, new weakness). It stays open, and the patient
stays at the top of the worklist, until someone records who followed it up, when, and
what was done. "Mark as reviewed" and a note do not close it. A configurable responder
(``URGENT_RESPONDER_EMAIL``, ``URGENT_RESPONDER_PHONE``) gets a notice through the job
queue when an item is raised: that an answer needs follow-up and a link to the patient's
page, never the answer itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..engine.opening_hours import after_open_minutes, parse_hours
from ..engine.questionnaire.answers import display
from ..engine.questionnaire.definition import Questionnaire
from ..engine.summary.highlights import urgent_rules
from ..platform import jobs, mail
from ..platform.extensions import db
from . import audit, clinic_details, messages, questionnaires
from .clock import local
from .models import Patient, QuestionnaireResponse, UrgentItem, User, utcnow

log = logging.getLogger(__name__)


def raise_new(
    response: QuestionnaireResponse, q: Questionnaire, withdrawn_as: str = "changed"
) -> list[UrgentItem]:
    """Add an item for each urgent rule these answers newly make fire (not committed).

    An open item whose answer the patient has taken back is marked withdrawn
    (``withdrawn_as``: "mistake" for "I ticked this by mistake", else "changed"), never
    removed: it still needs a follow-up, and every page and print says what happened.
    """
    # Read inside the save's transaction: its own changes must not be flushed early.
    with db.session.no_autoflush:
        existing = (
            {
                item.rule_id: item
                for item in db.session.scalars(
                    select(UrgentItem).where(UrgentItem.response_id == response.id)
                )
            }
            if response.id
            else {}
        )
    firing = urgent_rules(q, response.answers)
    raised = []
    for rule in firing:
        item = existing.get(rule.rule_id)
        if item is not None:
            if item.withdrawn_at is not None:  # answered the same way again
                item.withdrawn_at = item.withdrawn_as = None
            continue
        item = UrgentItem(
            patient_id=response.patient_id,
            response_id=response.id,
            rule_id=rule.rule_id,
            label=rule.label or "Urgent answer",
            text=rule.text,
        )
        db.session.add(item)
        raised.append(item)
        audit.record(
            "urgent.raise", patient=response.patient, rule=rule.rule_id, revision=response.revision
        )
    still = {rule.rule_id for rule in firing}
    for item in existing.values():
        if item.is_open and item.withdrawn_at is None and item.rule_id not in still:
            item.withdrawn_at = utcnow()
            item.withdrawn_as = withdrawn_as
            audit.record(
                "urgent.withdrawn",
                patient=response.patient,
                rule=item.rule_id,
                item=item.id,
                how=withdrawn_as,
            )
    if raised:
        response.patient.is_urgent = True
    return raised


def open_count(patient: Patient) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(UrgentItem)
            .where(UrgentItem.patient_id == patient.id, UrgentItem.followed_up_at.is_(None))
        )
        or 0
    )


def follow_up(item: UrgentItem, by: User, action: str) -> None:
    """Record who followed the item up and what was done; one transaction."""
    if not item.is_open:
        return
    item.followed_up_at = utcnow()
    item.followed_up_by_id = by.id
    if item.acknowledged_at is None:
        item.acknowledged_at, item.acknowledged_by_id = item.followed_up_at, by.id
    item.action = action.strip()
    patient = db.session.get(Patient, item.patient_id)
    db.session.flush()
    patient.is_urgent = open_count(patient) > 0
    audit.record("urgent.follow_up", patient=patient, actor=by, item=item.id, rule=item.rule_id)
    db.session.commit()


@dataclass(frozen=True, slots=True)
class UrgentEntry:
    """An urgent item as staff read it, with the answer as it stands now when the patient
    took theirs back (the item keeps the words it was raised with)."""

    item: UrgentItem
    answer_now: str | None = None

    @property
    def state(self) -> str:
        """ "Open", "Open, withdrawn by the patient" or "Followed up"."""
        if not self.item.is_open:
            return "Followed up"
        return "Open, withdrawn by the patient" if self.item.withdrawn_at else "Open"


def _ordered(query):
    return query.order_by(UrgentItem.followed_up_at.is_not(None), UrgentItem.raised_at.desc())


def items_for(patient: Patient) -> list[UrgentItem]:
    """Every urgent item of the patient, open ones first, newest first within each."""
    return list(
        db.session.scalars(_ordered(select(UrgentItem).where(UrgentItem.patient_id == patient.id)))
    )


def _answer_now(item: UrgentItem, response: QuestionnaireResponse | None) -> str:
    q = (
        questionnaires.get(response.questionnaire_id, response.questionnaire_version)
        if response
        else None
    )
    rule = next((r for r in q.highlights if r.id == item.rule_id), None) if q else None
    question = q.items.get(rule.link) if rule else None
    if question is None:
        return "not known"
    return display(question, response.answers.get(question.link_id)) or "not answered"


def entries(items: list[UrgentItem]) -> list[UrgentEntry]:
    """``items`` as staff read them: each withdrawn one with its answer as it stands now."""
    withdrawn = {i.response_id for i in items if i.withdrawn_at and i.response_id}
    responses = (
        {
            r.id: r
            for r in db.session.scalars(
                select(QuestionnaireResponse).where(QuestionnaireResponse.id.in_(withdrawn))
            )
        }
        if withdrawn
        else {}
    )
    return [
        UrgentEntry(i, _answer_now(i, responses.get(i.response_id)) if i.withdrawn_at else None)
        for i in items
    ]


def entries_by_patient(patient_ids: list[int]) -> dict[int, list[UrgentEntry]]:
    """Every item of each patient, as ``entries`` gives them, in two queries at most."""
    items = (
        list(
            db.session.scalars(
                _ordered(select(UrgentItem).where(UrgentItem.patient_id.in_(patient_ids)))
            )
        )
        if patient_ids
        else []
    )
    found: dict[int, list[UrgentEntry]] = {}
    for entry in entries(items):
        found.setdefault(entry.item.patient_id, []).append(entry)
    return found


def open_by_patient(patient_ids: list[int]) -> dict[int, list[str]]:
    """The labels of each patient's open items, for the worklist, in one query; an item
    the patient withdrew says so."""
    found: dict[int, list[str]] = {}
    if not patient_ids:
        return found
    rows = db.session.execute(
        select(UrgentItem.patient_id, UrgentItem.label, UrgentItem.withdrawn_at)
        .where(UrgentItem.patient_id.in_(patient_ids), UrgentItem.followed_up_at.is_(None))
        .order_by(UrgentItem.raised_at)
    )
    for patient_id, label, withdrawn_at in rows:
        found.setdefault(patient_id, []).append(
            f"{label} (withdrawn by the patient)" if withdrawn_at else label
        )
    return found


def _responders(email_key: str, phone_key: str) -> list[tuple[str, str]]:
    """(channel, address) for each responder's email (when mail can go) and phone; each
    setting may name several, separated by commas."""
    config = current_app.config

    def each(key: str) -> list[str]:
        return [part.strip() for part in (config.get(key) or "").split(",") if part.strip()]

    emails = each(email_key) if mail.can_send() else []
    channel = config["URGENT_RESPONDER_CHANNEL"]
    return [("email", e) for e in emails] + [(channel, p) for p in each(phone_key)]


def _tell(patient: Patient, template: str, responders: list[tuple[str, str]]) -> None:
    for channel, to in responders:
        try:
            messages.queue(patient, template, channel, to=to)
        except (messages.NoAddress, jobs.JobError) as exc:
            log.warning("urgent notice not queued: %s", exc)


def escalation_due(raised: datetime) -> datetime:
    """When an item raised at ``raised`` goes to the second responder: after
    URGENT_ESCALATE_MINUTES of the clinic's opening hours, or of the clock when its
    hours are not written in a form that can be counted ("Mon–Sat 10:00–14:00")."""
    minutes = current_app.config["URGENT_ESCALATE_MINUTES"]
    hours = parse_hours(clinic_details.current().opening_hours)
    if hours is None:
        return raised + timedelta(minutes=minutes)
    return after_open_minutes(hours, local(raised), minutes).astimezone(UTC)


def notify(items: list[UrgentItem]) -> None:
    """Queue a notice of newly raised items to the responders (email, and a phone when
    set), and the escalation to a second responder if nobody acknowledges them in time.
    A notice says only that an answer needs follow-up, with a link to the patient's page;
    one that cannot be queued never undoes a save."""
    if not items:
        return
    patient = db.session.get(Patient, items[0].patient_id)
    _tell(patient, "urgent_notice", _responders("URGENT_RESPONDER_EMAIL", "URGENT_RESPONDER_PHONE"))
    if _responders("URGENT_ESCALATION_EMAIL", "URGENT_ESCALATION_PHONE"):
        try:
            jobs.enqueue(
                "urgent_escalate",
                at=escalation_due(utcnow()),
                item_ids=[item.id for item in items],
            )
        except jobs.JobError as exc:
            log.warning("urgent escalation not queued: %s", exc)


@jobs.job("urgent_escalate")
def escalate(item_ids: list[int]) -> None:
    """Tell the second responder about the items nobody has acknowledged or followed up."""
    waiting = list(
        db.session.scalars(
            select(UrgentItem).where(
                UrgentItem.id.in_(item_ids),
                UrgentItem.acknowledged_at.is_(None),
                UrgentItem.followed_up_at.is_(None),
            )
        )
    )
    if not waiting:
        return
    patient = db.session.get(Patient, waiting[0].patient_id)
    audit.record("urgent.escalate", patient=patient, items=[i.id for i in waiting])
    db.session.commit()
    _tell(
        patient,
        "urgent_escalation",
        _responders("URGENT_ESCALATION_EMAIL", "URGENT_ESCALATION_PHONE"),
    )


def acknowledge(item: UrgentItem, by: User) -> None:
    """Someone has seen the item and is dealing with it: it is not escalated."""
    if item.acknowledged_at is not None or not item.is_open:
        return
    item.acknowledged_at, item.acknowledged_by_id = utcnow(), by.id
    patient = db.session.get(Patient, item.patient_id)
    audit.record("urgent.acknowledge", patient=patient, actor=by, item=item.id, rule=item.rule_id)
    db.session.commit()
