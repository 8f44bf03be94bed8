"""What is derived from each patient's newest response and kept with the patient: the
worklist's revision, progress and instrument totals (``Patient.track`` keeps them at every
change). ``flask summaries rebuild`` fills them for rows kept before they existed, or
afresh after a definition's scoring changed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from ..platform.extensions import db
from .models import Patient, QuestionnaireResponse

BATCH = 500


def to_rebuild(everything: bool = False) -> list[int]:
    """The patients to rebuild, in id order: those never tracked with totals, or all."""
    stmt = select(Patient.id).order_by(Patient.id)
    if not everything:
        stmt = stmt.where(Patient.worklist_status != "invited", Patient.worklist_revision.is_(None))
    return list(db.session.scalars(stmt))


def rebuild(patient_ids: list[int]) -> Iterator[int]:
    """Track each patient's newest response again, a batch at a time, committing each
    batch: stopped half-way, a second run (without ``everything``) carries on where this
    one stopped. Yields how many patients each batch did."""
    for start in range(0, len(patient_ids), BATCH):
        ids = patient_ids[start : start + BATCH]
        newest: dict[int, QuestionnaireResponse] = {}
        for response in db.session.scalars(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id.in_(ids), QuestionnaireResponse.hold.is_(None))
            .order_by(QuestionnaireResponse.revision)
        ):
            newest[response.patient_id] = response
        for patient in db.session.scalars(select(Patient).where(Patient.id.in_(ids))):
            patient.track(newest.get(patient.id))
        db.session.commit()
        yield len(ids)
