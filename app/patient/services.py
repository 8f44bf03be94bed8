"""Saving and submitting a patient's answers. Each function is one transaction.

Two kinds of draft are kept: ``answers`` holds validated answers by linkId; ``pending``
holds, per section, exactly what was typed on a page that has not been saved cleanly
(a page with errors, an autosave, an added row), so nothing typed is ever lost.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from .. import audit
from ..clock import clinic_today
from ..extensions import db
from ..models import Consent, Patient, QuestionnaireResponse, User, utcnow
from ..questionnaire.definition import Alert, Questionnaire, Section
from ..questionnaire.enable_when import prune_hidden, triggered_alerts
from ..questionnaire.progress import SectionState, first_unfinished, section_states
from ..summary.highlights import has_urgent

CONSENT_VERSION = "2026-11"


class StaleDraft(Exception):
    """The draft changed in another window or device since this page was opened."""


class NotReady(Exception):
    """Submit was pressed while sections are unfinished."""

    def __init__(self, sections: list[Section]):
        super().__init__(", ".join(s.title for s in sections))
        self.sections = sections


def latest_response(patient: Patient) -> QuestionnaireResponse | None:
    return db.session.scalar(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == patient.id)
        .order_by(QuestionnaireResponse.revision.desc())
        .limit(1)
    )


def consented_response(user: User) -> QuestionnaireResponse | None:
    """The patient's newest response, with their record, or None until they consented.

    One query, as every questionnaire page asks it.
    """
    consented = select(Consent.id).where(Consent.patient_id == Patient.id).exists()
    return db.session.scalar(
        select(QuestionnaireResponse)
        .join(QuestionnaireResponse.patient)
        .where(Patient.user_id == user.id, consented)
        .options(contains_eager(QuestionnaireResponse.patient))
        .order_by(QuestionnaireResponse.revision.desc())
        .limit(1)
    )


def has_consented(patient: Patient) -> bool:
    count = db.session.scalar(
        select(func.count(Consent.id)).where(Consent.patient_id == patient.id)
    )
    return bool(count)


def record_consent(patient: Patient, user: User, q: Questionnaire) -> QuestionnaireResponse:
    """Store the consent and open the first draft, in one transaction."""
    db.session.add(Consent(patient_id=patient.id, user_id=user.id, text_version=CONSENT_VERSION))
    response = latest_response(patient) or _new_response(patient, q, revision=1)
    patient.track(response)
    audit.record("consent.accept", patient=patient, version=CONSENT_VERSION)
    db.session.commit()
    return response


def _new_response(
    patient: Patient, q: Questionnaire, revision: int, answers: dict | None = None
) -> QuestionnaireResponse:
    response = QuestionnaireResponse(
        patient_id=patient.id,
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        revision=revision,
        status="draft",
        answers=dict(answers or {}),
        pending={},
        sections_done=[],
        alerts_shown={},
    )
    db.session.add(response)
    return response


def _commit(response: QuestionnaireResponse) -> None:
    """Commit, turning a concurrent write to the same draft into StaleDraft."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleDraft("changed concurrently") from None


def _check_lock(response: QuestionnaireResponse, lock_version: Any) -> None:
    if response.is_submitted:
        raise StaleDraft("already submitted")
    if lock_version in (None, ""):
        return
    if str(lock_version) != str(response.lock_version):
        raise StaleDraft("changed elsewhere")


def save_pending(
    response: QuestionnaireResponse, section: Section, formdata: MultiDict, lock_version: Any
) -> None:
    """Keep what was typed on a page, exactly, without touching the validated answers."""
    _check_lock(response, lock_version)
    typed = {k: v for k, v in formdata.to_dict(flat=False).items() if k != "csrf_token"}
    typed.pop("lock_version", None)
    response.pending = {**response.pending, section.id: typed}
    _commit(response)


def pending_for(response: QuestionnaireResponse, section: Section) -> MultiDict | None:
    typed = (response.pending or {}).get(section.id)
    if not typed:
        return None
    return MultiDict([(k, v) for k, values in typed.items() for v in values])


def save_section(
    response: QuestionnaireResponse,
    q: Questionnaire,
    section: Section,
    section_answers: dict[str, Any],
    lock_version: Any,
) -> list[Alert]:
    """Replace the answers of one section; returns the safety alerts it triggers.

    Answers elsewhere that an edit here has made irrelevant are removed too (hidden
    questions are never stored), and the urgent flag is recomputed with them.
    """
    _check_lock(response, lock_version)
    patient = response.patient  # loaded before any change, so no autoflush happens later
    own = {i.link_id for i in section.questions}
    merged = {k: v for k, v in response.answers.items() if k not in own}
    merged.update(section_answers)
    response.answers = prune_hidden(q, merged)
    response.pending = {k: v for k, v in (response.pending or {}).items() if k != section.id}
    # Kept to the sections that are done now, so the worklist's "% of sections" agrees
    # with the patient's own progress when this edit reopened a question elsewhere.
    states = section_states(q, response.answers, [*response.sections_done, section.id],
                            clinic_today())
    response.sections_done = [s.section.id for s in states if s.done]
    alerts = triggered_alerts(q, section.id, response.answers)
    shown = dict(response.alerts_shown or {})
    for alert in alerts:
        shown.setdefault(alert.id, utcnow().isoformat())
    response.alerts_shown = shown
    response.is_urgent = has_urgent(q, response.answers)
    patient.track(response)
    _commit(response)
    return alerts


def submit(response: QuestionnaireResponse, q: Questionnaire, lock_version: Any) -> bool:
    """Submit once. Returns False (and changes nothing) if it was already submitted."""
    if response.is_submitted:
        return False
    _check_lock(response, lock_version)
    unfinished = [s.section for s in progress(q, response) if not s.done]
    if unfinished:
        raise NotReady(unfinished)
    patient = response.patient
    response.status = "submitted"
    response.submitted_at = utcnow()
    response.pending = {}
    patient.track(response)
    audit.record("response.submit", patient=patient, revision=response.revision)
    _commit(response)
    return True


def progress(q: Questionnaire, response: QuestionnaireResponse) -> list[SectionState]:
    """Which sections are done, with answers checked against the clinic's date."""
    return section_states(q, response.answers, response.sections_done, clinic_today())


def resume_point(q: Questionnaire, response: QuestionnaireResponse) -> Section | None:
    return first_unfinished(progress(q, response))
