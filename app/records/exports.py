"""Exports that touch the database: FHIR QuestionnaireResponse, CSV cohort (imports.py
reads responses in)."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from sqlalchemy import select

from ..engine.interop.csv_export import ExportRow, to_csv
from ..engine.interop.fhir_response import to_fhir_response
from ..platform.extensions import db
from . import audit, definitions
from .models import Patient, QuestionnaireResponse, User
from .search import name_contains


def _by_token() -> dict[str, Any]:
    """Who asked, when a system did: the API token and the admin who made it."""
    token = g.get("api_token") if has_request_context() else None
    return {"token": token.id, "token_owner": token.created_by_id} if token else {}


def export_response(patient: Patient, response: QuestionnaireResponse) -> dict[str, Any]:
    """The revision as a FHIR QuestionnaireResponse; the export is audited and committed."""
    q = definitions.get(response.questionnaire_id, response.questionnaire_version)
    resource = to_fhir_response(
        q, response.answers, status=response.status,
        authored=response.submitted_at or response.updated_at,
        patient_name=patient.name, birth_date=patient.date_of_birth,
        reference=f"{patient.ref}-{response.revision}", alert_times=response.alerts_shown,
    )
    audit.record("export.fhir", patient=patient, revision=response.revision,
                 draft=not response.is_submitted, **_by_token())
    db.session.commit()
    return resource


def export_cohort(search: str | None, reviewed_only: bool, identifiers: bool, by: User,
                  free_text: bool = False) -> str:
    """Every submitted response of the current definition, one row each; audited."""
    q = definitions.current()
    stmt = (
        select(Patient, QuestionnaireResponse)
        .join(QuestionnaireResponse, QuestionnaireResponse.patient_id == Patient.id)
        .where(QuestionnaireResponse.status == "submitted",
               QuestionnaireResponse.hold.is_(None),
               QuestionnaireResponse.questionnaire_id == q.id,
               QuestionnaireResponse.questionnaire_version == q.version)
        .order_by(Patient.id, QuestionnaireResponse.revision)
    )
    if search and search.strip():
        stmt = stmt.where(name_contains(search))
    if reviewed_only:
        stmt = stmt.where(QuestionnaireResponse.reviewed_at.is_not(None))
    rows = [
        ExportRow(p.ref, p.name, p.date_of_birth, p.email, p.phone, p.visit_date, r.revision,
                  r.submitted_at, r.answers)
        for p, r in db.session.execute(stmt)
    ]
    # Whose records left, by their reference: what a breach report would need.
    audit.record("export.csv", actor=by, rows=len(rows), identifiers=identifiers,
                 free_text=free_text, patients=sorted({row.reference[:8] for row in rows}))
    db.session.commit()
    return to_csv(q, rows, identifiers, free_text)
