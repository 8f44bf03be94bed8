"""The cohort's submitted answers as CSV, one row a revision; audited with whose records."""

from __future__ import annotations

from sqlalchemy import select

from ..engine.interop.csv_export import ExportRow, to_csv
from ..platform.extensions import db
from . import audit, questionnaires, urgent
from .models import Consent, Patient, QuestionnaireResponse, User
from .search import name_contains


def research_consents(patient_ids: list[int]) -> dict[int, str]:
    """Each patient's say on research, from their newest consent: "yes", "no" (said no,
    or withdrew their consent) or "not asked" (consented before it was asked)."""
    said: dict[int, str] = {}
    for consent in db.session.scalars(
        select(Consent).where(Consent.patient_id.in_(patient_ids)).order_by(Consent.accepted_at)
    ):
        if consent.withdrawn_at is not None or consent.research is False:
            said[consent.patient_id] = "no"
        else:
            said[consent.patient_id] = "yes" if consent.research else "not asked"
    return said


def export_cohort(
    search: str | None, reviewed_only: bool, identifiers: bool, by: User, free_text: bool = False
) -> str:
    """Every submitted response of the current definition, one row each; audited. The
    de-identified file, made for research, leaves out patients who said no to research
    or withdrew their consent."""
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
    found = db.session.execute(stmt).all()
    research = research_consents([p.id for p, _ in found])
    urgent_items = urgent.entries_by_patient([p.id for p, _ in found])
    if not identifiers:
        found = [(p, r) for p, r in found if research.get(p.id) != "no"]
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
            research.get(p.id, "not asked"),
            "; ".join(f"{e.item.label}: {e.state}" for e in urgent_items.get(p.id, [])),
        )
        for p, r in found
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
