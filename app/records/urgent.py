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

from flask import current_app
from sqlalchemy import func, select

from ..engine.questionnaire.answers import display
from ..engine.questionnaire.definition import Questionnaire
from ..engine.summary.highlights import urgent_rules
from ..platform import jobs, mail
from ..platform.extensions import db
from . import audit, messages, questionnaires
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


def notify(items: list[UrgentItem]) -> None:
    """Queue a notice of newly raised items to the responders (email, and a phone when
    set). It says only that an answer needs follow-up, with a link to the patient's page;
    a notice that cannot be queued never undoes a save."""
    config = current_app.config
    if not items:
        return
    patient = db.session.get(Patient, items[0].patient_id)
    responders = [
        ("email", config["URGENT_RESPONDER_EMAIL"] if mail.can_send() else None),
        (config["URGENT_RESPONDER_CHANNEL"], config.get("URGENT_RESPONDER_PHONE")),
    ]
    for channel, to in responders:
        if not to:
            continue
        try:
            messages.queue(patient, "urgent_notice", channel, to=to)
        except (messages.NoAddress, jobs.JobError) as exc:
            log.warning("urgent notice not queued: %s", exc)
