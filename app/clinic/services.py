"""Clinic operations: the worklist query, reviewing, reopening, notes. Each commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, false, func, select

from .. import audit
from ..extensions import db
from ..models import ClinicianNote, Patient, QuestionnaireResponse, User, utcnow

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


def _latest_responses():
    """Each patient's newest revision (a reopened submission has a newer draft)."""
    return (
        select(QuestionnaireResponse.patient_id,
               func.max(QuestionnaireResponse.revision).label("revision"))
        .group_by(QuestionnaireResponse.patient_id)
        .subquery()
    )


def worklist(status: str | None, search: str | None, page: int,
             section_count: int) -> WorklistPage:
    """One page of patients: urgent first, then by visit date. Two queries, whatever the size."""
    qr = QuestionnaireResponse
    latest = _latest_responses()
    status_expr = case(
        (qr.id.is_(None), "invited"),
        (qr.status == "draft", "in_progress"),
        (qr.reviewed_at.is_(None), "submitted"),
        else_="reviewed",
    )
    urgent = func.coalesce(qr.is_urgent, false())
    stmt = (
        select(Patient.id, Patient.name, Patient.visit_date, status_expr.label("status"),
               qr.sections_done, qr.submitted_at, urgent.label("urgent"), qr.revision)
        .outerjoin(latest, latest.c.patient_id == Patient.id)
        .outerjoin(qr, and_(qr.patient_id == Patient.id, qr.revision == latest.c.revision))
    )
    if status in STATUSES:
        stmt = stmt.where(status_expr == status)
    if search and search.strip():
        pattern = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Patient.name.ilike(f"%{pattern}%", escape="\\"))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    stmt = stmt.order_by(
        urgent.desc(), Patient.visit_date.is_(None), Patient.visit_date, Patient.name, Patient.id
    ).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    rows = [
        WorklistRow(
            patient_id=r.id, name=r.name, visit_date=r.visit_date, status=r.status,
            percent_done=round(100 * len(r.sections_done or []) / section_count),
            submitted_at=r.submitted_at, urgent=bool(r.urgent), revision=r.revision,
        )
        for r in db.session.execute(stmt)
    ]
    return WorklistPage(rows, total, page, pages)


def revisions(patient: Patient) -> list[QuestionnaireResponse]:
    return list(db.session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == patient.id)
        .order_by(QuestionnaireResponse.revision)
    ))


def notes_for(patient: Patient) -> list[ClinicianNote]:
    return list(db.session.scalars(
        select(ClinicianNote).where(ClinicianNote.patient_id == patient.id)
        .order_by(ClinicianNote.created_at.desc())
    ))


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
    audit.record("response.reopen", patient=response.patient, revision=response.revision)
    db.session.commit()
    return draft
