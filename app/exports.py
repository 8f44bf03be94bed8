"""Exports and imports that touch the database: FHIR QuestionnaireResponse, CSV cohort."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse
from pydantic import ValidationError
from sqlalchemy import select

from . import audit, definitions, urgent
from .clock import clinic_today
from .extensions import db
from .interop.csv_export import ExportRow, to_csv
from .interop.fhir_response import ImportError_, from_fhir_response, to_fhir_response
from .models import Patient, QuestionnaireResponse, User
from .questionnaire.answers import validate_answers
from .questionnaire.progress import section_states
from .search import name_contains


def export_response(patient: Patient, response: QuestionnaireResponse) -> dict[str, Any]:
    """The revision as a FHIR QuestionnaireResponse; the export is audited and committed."""
    q = definitions.get(response.questionnaire_id, response.questionnaire_version)
    resource = to_fhir_response(
        q, response.answers, status=response.status,
        authored=response.submitted_at or response.updated_at,
        patient_name=patient.name, birth_date=patient.date_of_birth,
        reference=f"{patient.ref}-{response.revision}", alert_times=response.alerts_shown,
    )
    audit.record("export.fhir", patient=patient, revision=response.revision)
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
    audit.record("export.csv", actor=by, rows=len(rows), identifiers=identifiers,
                 free_text=free_text)
    db.session.commit()
    return to_csv(q, rows, identifiers, free_text)


class FhirImportError(ValueError):
    """The file cannot be imported; the message says why."""


def import_response(data: dict[str, Any]) -> Patient:
    """Create a patient and their response from an exported QuestionnaireResponse."""
    try:
        FhirResponse.model_validate(data)
    except ValidationError as exc:
        raise FhirImportError(f"not a valid FHIR R4 QuestionnaireResponse: {exc}") from None
    canonical = data.get("questionnaire", "")
    url, _, version = canonical.partition("|")
    q = next((d for d in definitions.all_definitions()
              if d.url == url and str(d.version) == version), None)
    if q is None:
        raise FhirImportError(f"no questionnaire definition for {canonical!r}")
    try:
        parsed = from_fhir_response(q, data)
    except (ImportError_, KeyError, ValueError) as exc:
        raise FhirImportError(str(exc)) from None
    today = clinic_today()
    problems = {k: v for k, v in validate_answers(q, parsed["answers"], today=today).items()
                if k in parsed["answers"] or parsed["status"] == "submitted"}
    if problems:
        raise FhirImportError(f"answers do not fit {q.id} v{q.version}: {problems}")
    patient = Patient(name=parsed["name"], date_of_birth=parsed["birth_date"])
    db.session.add(patient)
    db.session.flush()
    from .summary.highlights import has_urgent

    response = QuestionnaireResponse(
        patient_id=patient.id, questionnaire_id=q.id, questionnaire_version=q.version,
        revision=parsed["revision"], status=parsed["status"], answers=parsed["answers"],
        pending={}, sections_done=[state.section.id for state in section_states(
            q, parsed["answers"], [s.id for s in q.sections], today) if state.done],
        alerts_shown=parsed["alert_times"],
        is_urgent=has_urgent(q, parsed["answers"]),
        submitted_at=parsed["authored"] if parsed["status"] == "submitted" else None,
    )
    db.session.add(response)
    db.session.flush()
    patient.track(response)
    raised = urgent.raise_new(response, q)
    audit.record("import.fhir", patient=patient)
    db.session.commit()
    urgent.notify(raised)
    return patient
