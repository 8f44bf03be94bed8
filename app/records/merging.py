"""Two records of one person made one: re-invited under a second record, or typed twice.

Everything the duplicate holds moves to the record that is kept: its revisions (numbered
after the kept record's, in the order they were made, so every answer keeps its
history), notes, urgent items, consents, messages, links and information views. The
kept record's identity stays; a detail it lacks (a phone, a hospital number) is taken
from the duplicate. A login moves with it when the kept record has none; when both have
one, the duplicate's is closed. One transaction, audited under both references.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from ..platform.extensions import db
from ..platform.security import new_token
from . import audit, pdf_cache, urgent
from .models import (
    PATIENT_ROWS,
    InformationView,
    Message,
    Patient,
    QuestionnaireResponse,
    User,
)

FILLED_IN = (
    "phone",
    "email",
    "visit_date",
    "hospital_number",
    "abha_number",
    "clinician_id",
    "site_id",
)


class MergeError(ValueError):
    """The two records cannot be merged; the message says why."""


def find_by_reference(text: str) -> Patient | None:
    """The patient a reference read off a page names ("3214-C4FA", any case)."""
    prefix = "".join(text.split()).replace("-", "").lower()[:8]
    if len(prefix) != 8:
        return None
    found = db.session.scalars(select(Patient).where(Patient.ref.startswith(prefix))).all()
    return found[0] if len(found) == 1 else None


def merge_patients(kept: Patient, duplicate: Patient, by: User) -> int:
    """Move everything of ``duplicate`` into ``kept`` and remove it; the revisions moved."""
    if kept.id == duplicate.id:
        raise MergeError("That is this record itself")
    if kept.legal_hold or duplicate.legal_hold:
        raise MergeError("A record under a legal hold is not merged")
    moved = _move_revisions(kept, duplicate)
    _move_rows(kept, duplicate)
    for name in FILLED_IN:
        if getattr(kept, name) is None and getattr(duplicate, name) is not None:
            setattr(kept, name, getattr(duplicate, name))
    _move_login(kept, duplicate)
    audit.record("patient.merge", patient=kept, actor=by, merged_ref=duplicate.ref, revisions=moved)
    audit.record("patient.merged_into", patient=duplicate, actor=by, kept_ref=kept.ref)
    pdf_cache.forget_patient(duplicate.id)
    db.session.delete(duplicate)
    db.session.flush()
    newest = db.session.scalar(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == kept.id, QuestionnaireResponse.hold.is_(None))
        .order_by(QuestionnaireResponse.revision.desc())
        .limit(1)
    )
    kept.track(newest)
    kept.is_urgent = urgent.open_count(kept) > 0
    db.session.commit()
    return moved


def _move_revisions(kept: Patient, duplicate: Patient) -> int:
    """Renumber both records' revisions 1, 2, … in the order they were made."""
    qr = QuestionnaireResponse
    both = db.session.scalars(
        select(qr)
        .where(qr.patient_id.in_((kept.id, duplicate.id)))
        .order_by(qr.created_at, qr.patient_id != kept.id, qr.revision)
    ).all()
    moved = sum(1 for r in both if r.patient_id == duplicate.id)
    # Out of the way first, so no two rows share a number while they move.
    for n, response in enumerate(both, start=1):
        response.patient_id, response.revision = kept.id, 1_000_000 + n
    db.session.flush()
    for n, response in enumerate(both, start=1):
        response.revision = n
    db.session.flush()
    return moved


def _move_rows(kept: Patient, duplicate: Patient) -> None:
    # The versions of the information text the kept record has already opened stay once.
    seen = select(InformationView.version).where(InformationView.patient_id == kept.id)
    db.session.execute(
        delete(InformationView).where(
            InformationView.patient_id == duplicate.id, InformationView.version.in_(seen)
        )
    )
    # A reminder for a day the kept record already had one for is not kept twice.
    had = select(Message.template, Message.for_day).where(
        Message.patient_id == kept.id, Message.for_day.is_not(None)
    )
    for template, day in db.session.execute(had).all():
        db.session.execute(
            delete(Message).where(
                Message.patient_id == duplicate.id,
                Message.template == template,
                Message.for_day == day,
            )
        )
    for model in PATIENT_ROWS:
        db.session.execute(
            update(model)
            .where(model.patient_id == duplicate.id)
            .values(patient_id=kept.id)
            .execution_options(synchronize_session=False)
        )
    db.session.expire(kept, ["invitations"])


def _move_login(kept: Patient, duplicate: Patient) -> None:
    login = duplicate.user
    if login is None:
        return
    duplicate.user = None
    db.session.flush()
    if kept.user is None:
        kept.user = login
        return
    login.is_enabled = False
    login.email = login.phone = login.password_hash = None
    login.name = "Merged patient"
    login.session_token = new_token()[1]
