"""A patient's revision as a FHIR QuestionnaireResponse, audited (``fhir_import`` reads
responses in)."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import select

from ..engine.interop.fhir_response import to_fhir_response
from ..engine.interop.fhir_trial import DiaryDay, trial_bundle
from ..platform.extensions import db
from . import audit, questionnaires, urgent
from .identifiers import abha_in_groups
from .models import Patient, QuestionnaireResponse, Trial


def _by_token() -> dict[str, Any]:
    """Who asked, when a system did: the API token and the admin who made it."""
    token = g.get("api_token") if has_request_context() else None
    return {"token": token.id, "token_owner": token.created_by_id} if token else {}


def identifiers_of(patient: Patient) -> list[tuple[str, str]]:
    """The patient's other identifiers as FHIR (system, value): the hospital's number under
    the system the clinic sets (``HOSPITAL_NUMBER_SYSTEM``), the ABHA number as printed."""
    config = current_app.config
    found = []
    if patient.hospital_number:
        found.append((config["HOSPITAL_NUMBER_SYSTEM"], patient.hospital_number))
    if patient.abha_number:
        found.append((config["ABHA_SYSTEM"], abha_in_groups(patient.abha_number)))
    return found


def export_response(patient: Patient, response: QuestionnaireResponse) -> dict[str, Any]:
    """The revision as a FHIR QuestionnaireResponse; the export is audited and committed."""
    q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
    resource = to_fhir_response(
        q,
        response.answers,
        status=response.status,
        authored=response.submitted_at or response.updated_at,
        patient_name=patient.name,
        birth_date=patient.date_of_birth,
        reference=f"{patient.ref}-{response.revision}",
        alert_times=response.alerts_shown,
        identifiers=identifiers_of(patient),
        urgent_items=[
            {
                "rule": e.item.rule_id,
                "label": e.item.label,
                "state": e.state,
                "raised": e.item.raised_at,
                "followed_up": e.item.followed_up_at,
                "followed_up_by": e.item.followed_up_by.name if e.item.followed_up_by else "",
            }
            for e in urgent.entries(urgent.items_for(patient))
        ],
        language=response.language,
        reviewed=(response.reviewed_at, response.reviewed_by.name if response.reviewed_by else "")
        if response.reviewed_at
        else None,
    )
    audit.record(
        "export.fhir",
        patient=patient,
        revision=response.revision,
        draft=not response.is_submitted,
        **_by_token(),
    )
    db.session.commit()
    return resource


def revision_to_export(
    patient: Patient, revision: int | None, include_draft: bool
) -> QuestionnaireResponse | None:
    """The revision a FHIR read asks for: the newest submitted one, or the one named; a
    draft only when asked for by name (``include_draft``). Imports waiting for staff are
    never the patient's yet."""
    revisions = list(
        db.session.scalars(
            select(QuestionnaireResponse)
            .where(
                QuestionnaireResponse.patient_id == patient.id, QuestionnaireResponse.hold.is_(None)
            )
            .order_by(QuestionnaireResponse.revision)
        )
    )
    exportable = revisions if include_draft else [r for r in revisions if r.is_submitted]
    if revision is not None:
        return next((r for r in exportable if r.revision == revision), None)
    return exportable[-1] if exportable else None


def export_trial(patient: Patient, trial: Trial) -> dict[str, Any]:
    """The trial's diary as a FHIR Bundle (``engine.interop.fhir_trial``), audited."""
    from . import trials  # which reaches messages, and they this module's neighbours

    plan = trials.plan_of(trial)
    bundle = trial_bundle(
        trials.diary(),
        [
            DiaryDay(e.day, plan.number(e.day), e.answers or {}, e.language, e.updated_at)
            for e in trial.entries
        ],
        trial_key=f"trial{trial.id}",
        patient_ref=patient.ref,
        patient_name=patient.name,
        birth_date=patient.date_of_birth,
        identifiers=identifiers_of(patient),
    )
    audit.record("export.fhir_trial", patient=patient, trial=trial.id, **_by_token())
    db.session.commit()
    return bundle
