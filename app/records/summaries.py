"""What is derived from a patient's answers, kept when it becomes true: the worklist's
revision, progress and instrument totals on the patient (``Patient.track`` keeps them at
every change), and each submitted revision's summary (``kept_summary``) and changes since
the revision before (``kept_changes``). ``flask summaries rebuild`` fills the first two
for rows kept before they existed, or afresh after a definition's scoring or the
summary's format changed; changes are built again when next read.
"""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import select, update

from ..engine.questionnaire.definition import Questionnaire
from ..engine.summary import stored
from ..engine.summary.builder import Summary, build_summary
from ..engine.summary.changes import Change, changes_between
from ..platform.extensions import db
from . import questionnaires
from .models import Patient, QuestionnaireResponse

BATCH = 500


def to_rebuild(everything: bool = False) -> list[int]:
    """The patients to rebuild, in id order: those never tracked with totals, or all."""
    stmt = select(Patient.id).order_by(Patient.id)
    if not everything:
        stmt = stmt.where(Patient.worklist_status != "invited", Patient.worklist_revision.is_(None))
    return list(db.session.scalars(stmt))


def newest_responses(patient_ids: list[int]) -> dict[int, QuestionnaireResponse]:
    """Each patient's newest response that is theirs (not an import waiting for staff)."""
    newest: dict[int, QuestionnaireResponse] = {}
    for response in db.session.scalars(
        select(QuestionnaireResponse)
        .where(
            QuestionnaireResponse.patient_id.in_(patient_ids), QuestionnaireResponse.hold.is_(None)
        )
        .order_by(QuestionnaireResponse.revision)
    ):
        newest[response.patient_id] = response
    return newest


def rebuild(patient_ids: list[int]) -> Iterator[int]:
    """Track each patient's newest response again, a batch at a time, committing each
    batch: stopped half-way, a second run (without ``everything``) carries on where this
    one stopped. Yields how many patients each batch did."""
    for start in range(0, len(patient_ids), BATCH):
        ids = patient_ids[start : start + BATCH]
        newest = newest_responses(ids)
        for patient in db.session.scalars(select(Patient).where(Patient.id.in_(ids))):
            patient.track(newest.get(patient.id))
        db.session.commit()
        yield len(ids)


def summary_key(questionnaire_id: str, version: int, zone: str, revision: int) -> str:
    return f"{stored.key(questionnaire_id, version, zone)}.r{revision}"


def summaries_to_rebuild(zone: str, everything: bool = False) -> list[int]:
    """The submitted revisions whose kept summary is missing or was built from something
    else, in id order (or all of them)."""
    qr = QuestionnaireResponse
    rows = db.session.execute(
        select(qr.id, qr.questionnaire_id, qr.questionnaire_version, qr.revision, qr.summary_key)
        .where(qr.status == "submitted")
        .order_by(qr.id)
    )
    return [
        r.id
        for r in rows
        if everything
        or r.summary_key
        != summary_key(r.questionnaire_id, r.questionnaire_version, zone, r.revision)
    ]


def rebuild_summaries(response_ids: list[int], zone: str) -> Iterator[int]:
    """Build and keep the summary of each revision, committing a batch at a time."""
    for start in range(0, len(response_ids), BATCH):
        ids = response_ids[start : start + BATCH]
        for response in db.session.scalars(
            select(QuestionnaireResponse).where(QuestionnaireResponse.id.in_(ids))
        ):
            q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
            if q is not None:
                kept_summary(response, q, zone, again=True)
        db.session.commit()
        yield len(ids)


def kept_summary(
    response: QuestionnaireResponse, q: Questionnaire, zone: str, again: bool = False
) -> Summary:
    """The summary of a submitted revision, as kept; built and kept when there is none yet,
    or when what it was built from changed (the definition, the summary's format, the
    clinic's clock, the revision's number after a merge). Identity and language marks are
    not part of it: they are put on when it is shown.

    Kept with a plain UPDATE, outside the row's optimistic lock: two staff opening the
    same summary at once both write the same thing, and neither's page fails.
    """
    wanted = summary_key(q.id, q.version, zone, response.revision)
    if response.summary_key == wanted and not again:
        data = db.session.scalar(
            select(QuestionnaireResponse.summary).where(QuestionnaireResponse.id == response.id)
        )
        if data is not None:
            return stored.load(data)
    # In English, whoever's request builds it: a Hindi patient's submission keeps it too.
    with force_locale("en"):
        summary = build_summary(
            q,
            response.answers,
            response.submitted_at,
            alert_times=response.alerts_shown,
            revision=response.revision,
            zone=ZoneInfo(zone),
        )
    _keep(response, summary=stored.dump(summary), summary_key=wanted)
    return summary


def kept_summaries(responses: list[QuestionnaireResponse], zone: str) -> dict[int, Summary]:
    """``kept_summary`` of several revisions (the day's briefs), their kept copies read in
    one query."""
    qr = QuestionnaireResponse
    current = [
        r.id
        for r in responses
        if r.summary_key
        == summary_key(r.questionnaire_id, r.questionnaire_version, zone, r.revision)
    ]
    data = (
        dict(db.session.execute(select(qr.id, qr.summary).where(qr.id.in_(current))).all())
        if current
        else {}
    )
    found = {}
    for response in responses:
        if data.get(response.id) is not None:
            found[response.id] = stored.load(data[response.id])
            continue
        q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
        if q is not None:
            found[response.id] = kept_summary(response, q, zone, again=True)
    return found


def previous_revision(response: QuestionnaireResponse) -> QuestionnaireResponse | None:
    """The patient's submitted revision before ``response`` (not an import waiting)."""
    qr = QuestionnaireResponse
    return db.session.scalar(
        select(qr)
        .where(
            qr.patient_id == response.patient_id,
            qr.hold.is_(None),
            qr.status == "submitted",
            qr.revision < response.revision,
        )
        .order_by(qr.revision.desc())
        .limit(1)
    )


def kept_changes(
    previous: QuestionnaireResponse, response: QuestionnaireResponse, again: bool = False
) -> list[Change] | None:
    """The answers that changed from ``previous`` to ``response``, as kept; built and kept
    when there are none yet or they were compared with something else (another revision,
    definition or format). None if either revision's definition is no longer known.

    In English, as the kept summary is; kept with a plain UPDATE, as it is.
    """
    before_q = questionnaires.get(previous.questionnaire_id, previous.questionnaire_version)
    after_q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
    if before_q is None or after_q is None:
        return None
    wanted = stored.changes_key(after_q.id, after_q.version, previous.id)
    kept = None if again else response.changes
    if kept and kept.get("key") == wanted:
        return stored.load_changes(kept["rows"])
    with force_locale("en"):
        changes = changes_between(before_q, previous.answers, after_q, response.answers)
    _keep(response, changes={"key": wanted, "rows": stored.dump_changes(changes)})
    return changes


def _keep(response: QuestionnaireResponse, **values) -> None:
    """Write what is derived from a revision onto its row, with a plain UPDATE outside the
    row's optimistic lock. Not a change to the answers: when they were last changed stays
    as it was."""
    db.session.execute(
        update(QuestionnaireResponse)
        .where(QuestionnaireResponse.id == response.id)
        .values(**values, updated_at=QuestionnaireResponse.updated_at)
        .execution_options(synchronize_session=False)
    )
