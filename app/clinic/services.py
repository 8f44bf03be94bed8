"""Clinic operations: the worklist query, reviewing, reopening, notes. Each commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import audit, definitions
from ..extensions import db
from ..models import (
    WORKLIST_ORDER,
    ClinicianNote,
    Patient,
    QuestionnaireResponse,
    User,
    utcnow,
)
from ..search import name_contains
from ..summary.changes import Change, changes_between

PAGE_SIZE = 50
STATUSES = {
    "invited": "Invited",
    "in_progress": "In progress",
    "submitted": "Submitted",
    "reviewed": "Reviewed",
}


@dataclass(frozen=True, slots=True)
class WorklistRow:
    patient_id: int
    name: str
    visit_date: date | None
    status: str
    percent_done: int
    submitted_at: datetime | None
    urgent: bool
    revision: int | None


@dataclass(frozen=True, slots=True)
class WorklistPage:
    rows: list[WorklistRow]
    total: int
    page: int
    pages: int


def worklist(status: str | None, search: str | None, page: int,
             section_count: int) -> WorklistPage:
    """One page of patients: urgent first, then by visit date. Three queries, whatever the size.

    Sorting and filtering use the state copied onto each patient (``Patient.track``) and
    an index; the page's newest responses are then read in one query.
    """
    stmt = select(Patient.id, Patient.name, Patient.visit_date, Patient.worklist_status,
                  Patient.is_urgent)
    if status in STATUSES:
        stmt = stmt.where(Patient.worklist_status == status)
    if search and search.strip():
        stmt = stmt.where(name_contains(search))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    patients = db.session.execute(
        stmt.order_by(*WORKLIST_ORDER)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    newest = {}
    if patients:
        qr = QuestionnaireResponse
        for row in db.session.execute(
            select(qr.patient_id, qr.revision, qr.sections_done, qr.submitted_at)
            .where(qr.patient_id.in_([p.id for p in patients]))
            .order_by(qr.revision)
        ):
            newest[row.patient_id] = row
    rows = []
    for p in patients:
        latest = newest.get(p.id)
        rows.append(WorklistRow(
            patient_id=p.id, name=p.name, visit_date=p.visit_date, status=p.worklist_status,
            percent_done=round(100 * len(latest.sections_done or []) / section_count)
            if latest else 0,
            submitted_at=latest.submitted_at if latest else None, urgent=p.is_urgent,
            revision=latest.revision if latest else None,
        ))
    return WorklistPage(rows, total, page, pages)


def revisions(patient: Patient) -> list[QuestionnaireResponse]:
    return list(db.session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == patient.id)
        .order_by(QuestionnaireResponse.revision)
    ))


@dataclass(frozen=True, slots=True)
class Amendment:
    previous: QuestionnaireResponse
    changes: list[Change]


def amendment(all_revisions: list[QuestionnaireResponse],
              response: QuestionnaireResponse) -> Amendment | None:
    """What changed since the submitted revision before ``response``; None for the first."""
    previous = next((r for r in reversed(all_revisions)
                     if r.is_submitted and r.revision < response.revision), None)
    if previous is None:
        return None
    before_q = definitions.get(previous.questionnaire_id, previous.questionnaire_version)
    after_q = definitions.get(response.questionnaire_id, response.questionnaire_version)
    if before_q is None or after_q is None:
        return None
    return Amendment(previous, changes_between(before_q, previous.answers,
                                               after_q, response.answers))


def notes_for(patient: Patient) -> list[ClinicianNote]:
    """Newest first, each with its author, in one query."""
    return list(db.session.scalars(
        select(ClinicianNote).where(ClinicianNote.patient_id == patient.id)
        .options(joinedload(ClinicianNote.author))
        .order_by(ClinicianNote.created_at.desc())
    ))


def record_read(action: str, patient: Patient, response: QuestionnaireResponse | None) -> None:
    """Audit a staff read of a patient's record (the summary page, its PDF)."""
    audit.record(action, patient=patient, revision=response.revision if response else None)
    db.session.commit()


def add_note(patient: Patient, response: QuestionnaireResponse | None, author: User,
             body: str) -> ClinicianNote:
    note = ClinicianNote(patient_id=patient.id, response_id=response.id if response else None,
                         author_id=author.id, body=body.strip())
    db.session.add(note)
    audit.record("note.add", patient=patient, revision=response.revision if response else None)
    db.session.commit()
    return note


def mark_reviewed(response: QuestionnaireResponse, by: User) -> bool:
    """Mark a submitted revision as reviewed; False if it is not submitted or already was."""
    if not response.is_submitted or response.reviewed_at is not None:
        return False
    response.reviewed_at = utcnow()
    response.reviewed_by_id = by.id
    if revisions(response.patient)[-1].id == response.id:
        response.patient.track(response)
    audit.record("response.review", patient=response.patient, revision=response.revision)
    db.session.commit()
    return True


def reopen(response: QuestionnaireResponse, by: User) -> QuestionnaireResponse | None:
    """Start a new draft revision from a submitted one; the submitted one stays as it was."""
    newest = revisions(response.patient)[-1]
    if not response.is_submitted or newest.id != response.id:
        return None
    draft = QuestionnaireResponse(
        patient_id=response.patient_id,
        questionnaire_id=response.questionnaire_id,
        questionnaire_version=response.questionnaire_version,
        revision=response.revision + 1,
        status="draft",
        answers=dict(response.answers),
        pending={},
        sections_done=list(response.sections_done),
        alerts_shown=dict(response.alerts_shown),
        is_urgent=response.is_urgent,
    )
    db.session.add(draft)
    response.patient.track(draft)
    audit.record("response.reopen", patient=response.patient, revision=response.revision)
    db.session.commit()
    return draft
