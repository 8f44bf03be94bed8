"""The cohort's submitted answers as CSV, one row a revision; audited with whose records."""

from __future__ import annotations

from sqlalchemy import select

from ..engine.interop.csv_export import ExportRow, to_csv
from ..platform.extensions import db
from . import audit, questionnaires
from .models import Patient, QuestionnaireResponse, User
from .search import name_contains


def export_cohort(
    search: str | None, reviewed_only: bool, identifiers: bool, by: User, free_text: bool = False
) -> str:
    """Every submitted response of the current definition, one row each; audited."""
    q = questionnaires.current()
    stmt = (
        select(Patient, QuestionnaireResponse)
        .join(QuestionnaireResponse, QuestionnaireResponse.patient_id == Patient.id)
        .where(
            QuestionnaireResponse.status == "submitted",
            QuestionnaireResponse.hold.is_(None),
            QuestionnaireResponse.questionnaire_id == q.id,
            QuestionnaireResponse.questionnaire_version == q.version,
        )
        .order_by(Patient.id, QuestionnaireResponse.revision)
    )
    if search and search.strip():
        stmt = stmt.where(name_contains(search))
    if reviewed_only:
        stmt = stmt.where(QuestionnaireResponse.reviewed_at.is_not(None))
    rows = [
        ExportRow(
            p.ref,
            p.name,
            p.date_of_birth,
            p.email,
            p.phone,
            p.visit_date,
            r.revision,
            r.submitted_at,
            r.answers,
            r.reviewed_at,
        )
        for p, r in db.session.execute(stmt)
    ]
    # Whose records left, by their reference: what a breach report would need.
    audit.record(
        "export.csv",
        actor=by,
        rows=len(rows),
        identifiers=identifiers,
        free_text=free_text,
        patients=sorted({row.reference[:8] for row in rows}),
    )
    db.session.commit()
    return to_csv(q, rows, identifiers, free_text)
