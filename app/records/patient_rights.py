"""A patient's rights over their data: a full copy, and erasure.

Erasure removes answers, notes, urgent items, consents, the record of the information
the patient opened, invitations and identity. The login row is
kept, emptied, because audit events point at it; the audit log itself keeps only the
patient's opaque reference.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from ..platform.extensions import db
from ..platform.security import new_token
from . import audit, pdf_cache
from .models import (
    PATIENT_ROWS,
    Consent,
    InformationView,
    Patient,
    QuestionnaireResponse,
    Trial,
    TrialEntry,
    User,
    utcnow,
)


def export_patient_data(patient: Patient) -> dict[str, Any]:
    """Everything the clinic holds that the patient gave or that identifies them."""
    # An import still waiting for staff may be someone else's answers: not shown yet.
    responses = db.session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == patient.id, QuestionnaireResponse.hold.is_(None))
        .order_by(QuestionnaireResponse.revision)
    )
    consents = db.session.scalars(select(Consent).where(Consent.patient_id == patient.id))
    audit.record("patient.export", patient=patient)
    db.session.commit()
    return {
        "patient": {
            "reference": patient.ref,
            "name": patient.name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "email": patient.email,
            "mobile": patient.phone,
            "visit_date": patient.visit_date.isoformat() if patient.visit_date else None,
        },
        "responses": [
            {
                "questionnaire": r.questionnaire_id,
                "version": r.questionnaire_version,
                "revision": r.revision,
                "status": r.status,
                "answers": r.answers,
                # Pages kept as typed but not yet saved cleanly (Save and come back later,
                # autosave, a page with errors), by section: they are the patient's too.
                "saved_for_later": r.pending or {},
                "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in responses
        ],
        "consents": [
            {
                "version": c.text_version,
                "accepted_at": c.accepted_at.isoformat(),
                "information_version": c.information_version,
                "research": c.research,
                "given_by": c.given_by,
                "given_by_name": c.given_by_name,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents
        ],
        "information_opened": [
            {"version": v.version, "opened_at": v.opened_at.isoformat()}
            for v in db.session.scalars(
                select(InformationView)
                .where(InformationView.patient_id == patient.id)
                .order_by(InformationView.version)
            )
        ],
        "trial_diary": [
            {"day": e.day.isoformat(), "late": e.late, "answers": e.answers}
            for e in db.session.scalars(
                select(TrialEntry)
                .join(Trial)
                .where(Trial.patient_id == patient.id)
                .order_by(TrialEntry.day)
            )
        ],
    }


def request_erasure(patient: Patient) -> None:
    if patient.erasure_requested_at is None:
        patient.erasure_requested_at = utcnow()
        audit.record("patient.erasure_request", patient=patient)
        db.session.commit()


class ErasureHeld(Exception):
    """An admin set a legal hold on the record: it cannot be erased until it is lifted."""


def set_legal_hold(patient: Patient, reason: str | None, by: User) -> None:
    """Hold the record against erasure, with the reason (a complaint, a court order), or
    lift the hold with no reason."""
    patient.legal_hold = (reason or "").strip()[:300] or None
    audit.record(
        "patient.legal_hold", patient=patient, actor=by, held=patient.legal_hold is not None
    )
    db.session.commit()


def erase_patient(patient: Patient, by: User) -> str:
    """Remove the patient's answers, trial diary, notes, messages and identity; returns the opaque
    reference. A record under a legal hold is not erased."""
    if patient.legal_hold:
        raise ErasureHeld(patient.legal_hold)
    ref = patient.ref
    audit.record("patient.erase", patient=patient, actor=by)
    trials = select(Trial.id).where(Trial.patient_id == patient.id)
    db.session.execute(delete(TrialEntry).where(TrialEntry.trial_id.in_(trials)))
    for model in (*PATIENT_ROWS, QuestionnaireResponse):
        db.session.execute(delete(model).where(model.patient_id == patient.id))
    pdf_cache.forget_patient(patient.id)
    db.session.expire(patient)
    user = patient.user
    if user is not None:
        patient.user = None
        db.session.flush()
        user.name = "Erased patient"
        user.email = user.phone = user.password_hash = None
        user.is_enabled = False
        user.session_token = new_token()[1]
    db.session.delete(patient)
    db.session.commit()
    return ref
