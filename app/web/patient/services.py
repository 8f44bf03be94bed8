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
from wtforms import Form

from ...engine.questionnaire.answers import validate_answers
from ...engine.questionnaire.definition import Alert, Item, Page, Questionnaire, Section
from ...engine.questionnaire.enable_when import alert_triggers, new_alerts, prune_hidden
from ...engine.questionnaire.progress import SectionState, first_unfinished, section_states
from ...engine.summary.highlights import has_urgent
from ...platform.extensions import db
from ...records import audit, patient_information, questionnaires, summaries, urgent
from ...records.clock import clinic_today, clinic_zone
from ...records.models import Consent, Patient, QuestionnaireResponse, UrgentItem, User, utcnow
from .section_forms import answers_to_formdata, normalise_formdata, section_form_class

CONSENT_VERSION = "2026-12"  # retention, the grievance officer, research, who agreed


class StaleDraft(Exception):
    """The draft changed in another window or device since this page was opened."""


class TooManyRows(Exception):
    """A list (of medicines, say) would have more rows than the definition allows."""

    def __init__(self, group: Item):
        super().__init__(group.link_id)
        self.group = group


# Where the row removed last waits for Undo, beside the pages kept as typed.
UNDO = "_undo"


class NotReady(Exception):
    """Submit was pressed while sections are unfinished."""

    def __init__(self, sections: list[Section]):
        super().__init__(", ".join(s.title for s in sections))
        self.sections = sections


def latest_response(patient: Patient) -> QuestionnaireResponse | None:
    """The patient's newest revision (an import waiting for staff is not theirs yet)."""
    return db.session.scalar(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == patient.id, QuestionnaireResponse.hold.is_(None))
        .order_by(QuestionnaireResponse.revision.desc())
        .limit(1)
    )


def consented_response(user: User) -> QuestionnaireResponse | None:
    """The patient's newest response, with their record, or None until they consented.

    One query, as every questionnaire page asks it.
    """
    consented = (
        select(Consent.id)
        .where(Consent.patient_id == Patient.id, Consent.withdrawn_at.is_(None))
        .exists()
    )
    return db.session.scalar(
        select(QuestionnaireResponse)
        .join(QuestionnaireResponse.patient)
        .where(Patient.user_id == user.id, consented, QuestionnaireResponse.hold.is_(None))
        .options(contains_eager(QuestionnaireResponse.patient))
        .order_by(QuestionnaireResponse.revision.desc())
        .limit(1)
    )


def has_consented(patient: Patient) -> bool:
    """Whether the patient has a consent they have not withdrawn."""
    count = db.session.scalar(
        select(func.count(Consent.id)).where(
            Consent.patient_id == patient.id, Consent.withdrawn_at.is_(None)
        )
    )
    return bool(count)


def withdraw_consent(patient: Patient, user: User) -> bool:
    """Withdraw the patient's consent: no more questions, no research use; what they sent
    stays in their record. False if there was none to withdraw."""
    consents = db.session.scalars(
        select(Consent).where(Consent.patient_id == patient.id, Consent.withdrawn_at.is_(None))
    ).all()
    for consent in consents:
        consent.withdrawn_at = utcnow()
    if consents:
        audit.record("consent.withdraw", patient=patient, actor=user)
        db.session.commit()
    return bool(consents)


def record_consent(
    patient: Patient,
    user: User,
    q: Questionnaire,
    research: bool = False,
    given_by: str = "self",
    given_by_name: str | None = None,
) -> QuestionnaireResponse:
    """Store the consent (who gave it, and whether for research) and open the first
    draft, in one transaction."""
    db.session.add(
        Consent(
            patient_id=patient.id,
            user_id=user.id,
            text_version=CONSENT_VERSION,
            information_version=patient_information.current().version,
            research=research,
            given_by=given_by,
            given_by_name=(given_by_name or "").strip() or None if given_by != "self" else None,
        )
    )
    response = latest_response(patient) or _new_response(patient, q, revision=1)
    patient.track(response)
    audit.record(
        "consent.accept",
        patient=patient,
        version=CONSENT_VERSION,
        research=research,
        given_by=given_by,
    )
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


Part = Page | Section  # what one form shows: a page, or a whole section at once


def save_pending(
    response: QuestionnaireResponse, part: Part, formdata: MultiDict, lock_version: Any
) -> None:
    """Keep what was typed on a page, exactly, without touching the validated answers."""
    _check_lock(response, lock_version)
    response.pending = {**response.pending, part.key: _typed(formdata)}
    _commit(response)


def _typed(formdata: MultiDict) -> dict[str, list[str]]:
    typed = {k: v for k, v in formdata.to_dict(flat=False).items() if k != "csrf_token"}
    typed.pop("lock_version", None)
    return typed


def row_key(group: Item, index: int) -> str:
    """Where a row's page, typed but not saved (the session ended first), is kept."""
    return f"row:{group.link_id}:{index}"


def save_pending_row(
    response: QuestionnaireResponse, group: Item, index: int, formdata: MultiDict
) -> None:
    """Keep what was typed on a row's page, exactly, until the row is saved."""
    response.pending = {**response.pending, row_key(group, index): _typed(formdata)}
    _commit(response)


def pending_for(response: QuestionnaireResponse, part: Part | str) -> MultiDict | None:
    """What was typed on a page (or under a row's key) and kept, or None."""
    typed = (response.pending or {}).get(part if isinstance(part, str) else part.key)
    if not typed:
        return None
    return MultiDict([(k, v) for k, values in typed.items() for v in values])


def _store(
    response: QuestionnaireResponse,
    q: Questionnaire,
    answers: dict[str, Any],
    done: list[str],
    withdrawn_as: str = "changed",
) -> list[UrgentItem]:
    """Set the answers, hidden ones pruned, and everything derived from them; returns the
    urgent items the answers newly raise (to notify once committed).

    ``sections_done`` is kept to the sections done now, so the worklist's "% of sections"
    agrees with the patient's own progress when an edit reopened a question elsewhere.
    """
    response.answers = prune_hidden(q, answers)
    states = section_states(q, response.answers, done, clinic_today())
    response.sections_done = [s.section.id for s in states if s.done]
    response.is_urgent = has_urgent(q, response.answers)
    response.patient.track(response)
    return urgent.raise_new(response, q, withdrawn_as)


def save_section(
    response: QuestionnaireResponse,
    q: Questionnaire,
    section: Section,
    part: Part,
    own: set[str],
    part_answers: dict[str, Any],
    lock_version: Any,
) -> list[Alert]:
    """Replace the answers ``own`` of one page (or a whole section); returns the safety
    alerts it newly triggers.

    Saving the section's last page (or the whole section) marks it saved. Answers
    elsewhere that an edit here has made irrelevant are removed too (hidden questions are
    never stored), and the urgent flag is recomputed with them.
    """
    _check_lock(response, lock_version)
    response.patient  # noqa: B018 - loaded before any change, so no autoflush happens later
    before = dict(response.answers)
    merged = {k: v for k, v in before.items() if k not in own}
    merged.update(part_answers)
    finishes = part is section or part is section.pages[-1]
    done = [*response.sections_done, *([section.id] if finishes else [])]
    raised = _store(response, q, merged, done)
    response.pending = {
        k: v for k, v in (response.pending or {}).items() if k not in (part.key, UNDO)
    }
    alerts = new_alerts(q, section.id, before, response.answers)
    shown = dict(response.alerts_shown or {})
    for alert in alerts:
        shown.setdefault(alert.id, utcnow().isoformat())
    response.alerts_shown = shown
    _commit(response)
    urgent.notify(raised)
    return alerts


def page_as_typed(
    response: QuestionnaireResponse, q: Questionnaire, part: Part, posted: MultiDict
) -> tuple[dict[str, Any], MultiDict | None]:
    """What a posted page holds: its answers that are already valid, and the page as typed
    when something on it is not (yet) a valid answer (else None, so coming back shows a
    note only when there is reason to)."""
    formdata = normalise_formdata(part, posted, drop_blank_rows=False, inline_rows=False)
    form = section_form_class(q, part, Form, False)(formdata=formdata)
    valid = form.candidate_answers()
    typed = MultiDict(
        [(k, v) for k, v in formdata.items(multi=True) if k in form.owned and v.strip()]
    )
    stored = answers_to_formdata(part, {**response.answers, **valid}, inline_rows=False)
    same = sorted(typed.items(multi=True)) == sorted(stored.items(multi=True))
    return valid, None if same else formdata


def _keep(
    response: QuestionnaireResponse, q: Questionnaire, part: Part, posted: MultiDict
) -> list[UrgentItem]:
    """Store a page's valid answers, and the page as typed if need be (not committed)."""
    valid, as_typed = page_as_typed(response, q, part, posted)
    response.patient  # noqa: B018 - loaded before any change
    raised = _store(response, q, {**response.answers, **valid}, list(response.sections_done))
    pending = {k: v for k, v in response.pending.items() if k != part.key}
    if as_typed is not None:
        pending[part.key] = _typed(as_typed)
    response.pending = pending
    return raised


def keep_page(
    response: QuestionnaireResponse,
    q: Questionnaire,
    part: Part,
    posted: MultiDict,
    lock_version: Any,
) -> None:
    """Keep what was typed on a page without finishing it, before opening a row of one of
    its lists on a page of its own."""
    _check_lock(response, lock_version)
    raised = _keep(response, q, part, posted)
    _commit(response)
    urgent.notify(raised)


def save_row(
    response: QuestionnaireResponse,
    q: Questionnaire,
    group: Item,
    index: int,
    row: dict[str, Any],
    lock_version: Any,
) -> None:
    """Store one row of a list (a medicine, a procedure); ``index`` past the end adds it."""
    _check_lock(response, lock_version)
    response.patient  # noqa: B018 - loaded before any change
    rows = list(response.answers.get(group.link_id) or [])
    if index >= len(rows):
        rows.append(row)
    else:
        rows[index] = row
    if group.max_rows is not None and len(rows) > group.max_rows:
        raise TooManyRows(group)
    raised = _store(
        response, q, {**response.answers, group.link_id: rows}, list(response.sections_done)
    )
    response.pending = {k: v for k, v in response.pending.items() if k != row_key(group, index)}
    _commit(response)
    urgent.notify(raised)


def remove_row(
    response: QuestionnaireResponse,
    q: Questionnaire,
    group: Item,
    index: int,
    lock_version: Any,
    page: Part | None = None,
    posted: MultiDict | None = None,
) -> dict[str, Any] | None:
    """Take one row out of a list, keeping it so that Undo can put it back; the row.

    With ``page`` and ``posted``, what was typed on the list's page is kept first, in the
    same transaction: one commit for the whole request.
    """
    _check_lock(response, lock_version)
    raised = _keep(response, q, page, posted) if page is not None and posted is not None else []
    response.patient  # noqa: B018 - loaded before any change
    rows = list(response.answers.get(group.link_id) or [])
    removed = rows.pop(index) if 0 <= index < len(rows) else None
    if removed is not None:
        answers = {**response.answers, group.link_id: rows}
        if not rows:
            answers.pop(group.link_id)
        raised += _store(response, q, answers, list(response.sections_done))
        response.pending = {
            **response.pending,
            UNDO: {"group": group.link_id, "index": index, "row": removed},
        }
    _commit(response)
    urgent.notify(raised)
    return removed


def undo_remove(response: QuestionnaireResponse, q: Questionnaire, lock_version: Any) -> bool:
    """Put back the row removed last; False when there is nothing to put back."""
    _check_lock(response, lock_version)
    kept = (response.pending or {}).get(UNDO)
    if not kept:
        return False
    response.patient  # noqa: B018 - loaded before any change
    rows = list(response.answers.get(kept["group"]) or [])
    rows.insert(min(kept["index"], len(rows)), kept["row"])
    raised = _store(
        response, q, {**response.answers, kept["group"]: rows}, list(response.sections_done)
    )
    response.pending = {k: v for k, v in response.pending.items() if k != UNDO}
    _commit(response)
    urgent.notify(raised)
    return True


def take_back(
    response: QuestionnaireResponse, q: Questionnaire, alert: Alert, lock_version: Any
) -> None:
    """ "I ticked this by mistake": the answers that triggered ``alert`` are taken out."""
    _check_lock(response, lock_version)
    response.patient  # noqa: B018 - loaded before any change
    answers = dict(response.answers)
    for question, value in alert_triggers(q, alert, answers):
        current = answers.get(question)
        if isinstance(current, list):
            answers[question] = [v for v in current if v != value] or None
        else:
            answers[question] = None
    answers = {k: v for k, v in answers.items() if v is not None}
    raised = _store(response, q, answers, list(response.sections_done), "mistake")
    audit.record("response.alert_taken_back", patient=response.patient, alert=alert.id)
    _commit(response)
    urgent.notify(raised)


def submit(
    response: QuestionnaireResponse, q: Questionnaire, lock_version: Any, language: str = "en"
) -> bool:
    """Submit once, recording the language the answers were given in. Returns False (and
    changes nothing) if it was already submitted."""
    if response.is_submitted:
        return False
    _check_lock(response, lock_version)
    unfinished = [s.section for s in progress(q, response) if not s.done]
    if unfinished:
        raise NotReady(unfinished)
    patient = response.patient
    response.status = "submitted"
    response.submitted_at = utcnow()
    response.language = language
    response.pending = {}
    patient.track(response)
    # Built now, when it becomes true, so the specialist's first look reads it kept.
    english = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
    summaries.kept_summary(response, english, clinic_zone().key)
    previous = summaries.previous_revision(response)
    if previous is not None:
        summaries.kept_changes(previous, response, again=True)
    audit.record("response.submit", patient=patient, revision=response.revision)
    _commit(response)
    return True


def progress(q: Questionnaire, response: QuestionnaireResponse) -> list[SectionState]:
    """Which sections are done, with answers checked against the clinic's date."""
    return section_states(q, response.answers, response.sections_done, clinic_today())


def resume_point(q: Questionnaire, response: QuestionnaireResponse) -> Section | None:
    return first_unfinished(progress(q, response))


def resume_page(q: Questionnaire, section: Section, response: QuestionnaireResponse) -> Page:
    """The first page of ``section`` with a question still to answer (else its first)."""
    problems = validate_answers(q, response.answers, (section,), clinic_today())
    return next(
        (p for p in section.pages if any(i.link_id in problems for i in p.questions)),
        section.pages[0],
    )


def upgrade_draft(response: QuestionnaireResponse, q: Questionnaire) -> None:
    """Carry a draft begun on an earlier version of the definition over to ``q``.

    linkIds never change between versions, so the answers move as they are; any that the
    new version no longer asks are dropped, and a section counts as done only if it still
    is (a new question reopens its section).
    """
    response.patient  # noqa: B018 - loaded before any change
    answers = {k: v for k, v in response.answers.items() if k in q.items}
    for item in q.top_level_items():
        # A list the patient began keeps its rows: its new gate question ("have you
        # taken any medicines?") is answered yes for them.
        gate = item.enable_when[0] if item.is_group and len(item.enable_when) == 1 else None
        if (
            gate
            and answers.get(item.link_id)
            and gate.operator == "="
            and gate.answer is True
            and gate.question not in answers
        ):
            answers[gate.question] = True
    done = [s for s in response.sections_done if q.section(s) is not None]
    response.questionnaire_version = q.version
    raised = _store(response, q, answers, done)
    response.pending = {}
    audit.record("response.upgrade", patient=response.patient, version=q.version)
    _commit(response)
    urgent.notify(raised)
