"""Clinic operations: the worklist query, reviewing, reopening, notes. Each commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy import false as sa_false
from sqlalchemy.orm import joinedload, undefer

from ...engine.summary.changes import Change
from ...platform.extensions import db
from ...records import audit, messages, questionnaires, summaries, trials, urgent
from ...records.models import (
    WORKLIST_ORDER,
    ClinicianNote,
    Patient,
    QuestionnaireResponse,
    User,
    totals_of,
    utcnow,
)
from ...records.search import Counted, count_up_to, counted_page, patient_matches

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
    urgent_reasons: tuple[str, ...] = ()
    # One total per column of the page ("" when not complete), in the columns' order.
    scores: tuple[str, ...] = ()
    visit_soon: bool = False  # invited or in progress, with the visit within 3 days
    import_waiting: bool = False  # another system sent answers that staff must accept
    invitation_failed: bool = False  # the newest invitation message could not be sent
    trial: str = ""  # "Day 3 of 7, 1 missed" while the trial's diary is open


@dataclass(frozen=True, slots=True)
class WorklistPage:
    rows: list[WorklistRow]
    counted: Counted
    # The headings of the score columns: each instrument the current definition puts on
    # the worklist (``worklist:`` in its YAML).
    columns: tuple[str, ...] = ()


SOON_DAYS = 3


def worklist_instruments() -> list[tuple[str, str]]:
    """(instrument id, column heading) for each total the worklist shows."""
    return [(i.id, i.worklist) for i in questionnaires.current().instruments if i.worklist]


def worklist(
    status: str | None,
    search: str | None,
    page: int,
    section_count: int,
    day: date | None = None,
    today: date | None = None,
    clinician_id: int | None = None,
    site_id: int | None = None,
    in_trial: bool = False,
    after: int | None = None,
    before: int | None = None,
) -> WorklistPage:
    """One page of patients: urgent first, then by visit date. Four queries, whatever the
    size: the count, the page, its rows' columns, their open urgent items (a first page
    with room to spare needs no count, and a search of up to a thousand matches reads its
    page and count in one).

    Sorting and filtering use the state copied onto each patient (``Patient.track``) and
    an index; the next and previous pages start from a row of this one (``after``,
    ``before``: one query more), so a deep page costs what the first does. The page's
    progress and totals (copied too, so no answers are read), whether an import waits and
    how the newest invitation went are then read in one query by the rows' ids, and the
    open urgent items of its urgent rows (none asked when none is) in another. A row
    tracked before the totals were kept has its response read instead.
    """
    stmt = select(
        Patient.id, Patient.name, Patient.visit_date, Patient.worklist_status, Patient.is_urgent
    )
    if status in STATUSES:
        stmt = stmt.where(Patient.worklist_status == status)
    if search and search.strip():
        stmt = stmt.where(patient_matches(search))
    if clinician_id is not None:
        stmt = stmt.where(Patient.clinician_id == clinician_id)
    if site_id is not None:
        stmt = stmt.where(Patient.site_id == site_id)
    if day is not None:
        stmt = stmt.where(Patient.visit_date == day)
    if in_trial:
        stmt = stmt.where(trials.in_trial(today))
    # The page from the index alone (it holds every column asked for); then the page's own
    # rows' progress, totals and whether an import waits for staff, by their ids.
    searching = bool(search and search.strip())
    patients, counted = counted_page(
        stmt, page, PAGE_SIZE, after, before, count_up_to(search), searching
    )
    ids = [p.id for p in patients]
    held = (
        select(QuestionnaireResponse.id)
        .where(QuestionnaireResponse.patient_id == Patient.id, QuestionnaireResponse.hold == "held")
        .exists()
    )
    invitation = messages.newest_invitation_state(Patient.id)
    tracked = {
        row.id: row
        for row in (
            db.session.execute(
                select(
                    Patient.id,
                    Patient.worklist_revision,
                    Patient.worklist_submitted_at,
                    Patient.worklist_done,
                    Patient.worklist_scores,
                    held.label("import_waiting"),
                    invitation.label("invitation_state"),
                    (trials.in_trial(today) if today else sa_false()).label("in_trial"),
                ).where(Patient.id.in_(ids))
            )
            if ids
            else ()
        )
    }
    untracked = [
        p.id
        for p in patients
        if p.worklist_status != "invited" and not tracked[p.id].worklist_revision
    ]
    legacy = _tracked_now(untracked)
    # Only an urgent patient has open items (``urgent`` keeps the flag): a page without
    # one asks nothing more.
    reasons = urgent.open_by_patient([p.id for p in patients if p.is_urgent])
    trial_progress = trials.progress_by_patient(
        [pid for pid, row in tracked.items() if row.in_trial], today
    )
    shown = worklist_instruments()
    rows = []
    for p in patients:
        mine = tracked[p.id]
        revision, submitted_at, done, totals = legacy.get(
            p.id,
            (
                mine.worklist_revision,
                mine.worklist_submitted_at,
                mine.worklist_done,
                mine.worklist_scores,
            ),
        )
        soon = (
            today is not None
            and p.visit_date is not None
            and p.worklist_status in ("invited", "in_progress")
            and 0 <= (p.visit_date - today).days <= SOON_DAYS
        )
        rows.append(
            WorklistRow(
                patient_id=p.id,
                name=p.name,
                visit_date=p.visit_date,
                status=p.worklist_status,
                percent_done=round(100 * (done or 0) / section_count),
                submitted_at=submitted_at,
                urgent=p.is_urgent,
                revision=revision,
                urgent_reasons=tuple(dict.fromkeys(reasons.get(p.id, ()))),
                scores=tuple(_total((totals or {}).get(ins_id)) for ins_id, _ in shown),
                visit_soon=soon,
                import_waiting=bool(mine.import_waiting),
                invitation_failed=mine.invitation_state == "failed",
                trial=trial_progress.get(p.id, ""),
            )
        )
    return WorklistPage(rows, counted, tuple(heading for _, heading in shown))


def _total(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _tracked_now(patient_ids: list[int]) -> dict[int, tuple]:
    """(revision, submitted at, sections done, totals) of the newest response of each
    patient tracked before the worklist kept them; nothing is read when there is none."""
    if not patient_ids:
        return {}
    newest = summaries.newest_responses(patient_ids)
    return {
        pid: (r.revision, r.submitted_at, len(r.sections_done or []), totals_of(r))
        for pid, r in newest.items()
    }


def chosen_day(text: str, today: date) -> date | None:
    """The visit day a worklist filter names: "today", "tomorrow" or a date (YYYY-MM-DD)."""
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def record_day_briefs(day: date, read: list[tuple[Patient, QuestionnaireResponse]]) -> None:
    """Audit the day's briefs: a read of each patient's record."""
    for patient, response in read:
        audit.record(
            "summary.day_briefs", patient=patient, revision=response.revision, day=day.isoformat()
        )
    db.session.commit()


def day_patients(
    day: date, clinician_id: int | None = None
) -> list[tuple[Patient, QuestionnaireResponse]]:
    """Patients with a visit on ``day`` and their newest submitted revision, in order; only
    one specialist's with ``clinician_id``."""
    qr = QuestionnaireResponse
    newest = (
        select(qr.patient_id, func.max(qr.revision).label("revision"))
        .where(qr.status == "submitted", qr.hold.is_(None))
        .group_by(qr.patient_id)
        .subquery()
    )
    return list(
        db.session.execute(
            select(Patient, qr)
            .join(newest, newest.c.patient_id == Patient.id)
            .join(qr, (qr.patient_id == Patient.id) & (qr.revision == newest.c.revision))
            .where(Patient.visit_date == day, *_assigned(clinician_id))
            .order_by(*WORKLIST_ORDER)
        ).all()
    )


def _assigned(clinician_id: int | None) -> tuple:
    return () if clinician_id is None else (Patient.clinician_id == clinician_id,)


def has_patients(user: User) -> bool:
    """Whether any patient is assigned to ``user``: then their worklist opens on them."""
    return bool(db.session.scalar(select(exists().where(Patient.clinician_id == user.id))))


def day_patients_not_sent(day: date, clinician_id: int | None = None) -> list[Patient]:
    """Patients with a visit on ``day`` who have not sent their answers, by name."""
    sent = (
        select(QuestionnaireResponse.id)
        .where(
            QuestionnaireResponse.patient_id == Patient.id,
            QuestionnaireResponse.status == "submitted",
            QuestionnaireResponse.hold.is_(None),
        )
        .exists()
    )
    return list(
        db.session.scalars(
            select(Patient)
            .where(Patient.visit_date == day, ~sent, *_assigned(clinician_id))
            .order_by(Patient.name)
        )
    )


def revisions(patient: Patient) -> list[QuestionnaireResponse]:
    """The patient's revisions, oldest first, with their kept changes; imports waiting for
    staff left out."""
    return list(
        db.session.scalars(
            select(QuestionnaireResponse)
            .where(
                QuestionnaireResponse.patient_id == patient.id, QuestionnaireResponse.hold.is_(None)
            )
            .order_by(QuestionnaireResponse.revision)
            .options(undefer(QuestionnaireResponse.changes))
        )
    )


def revisions_and_held(
    patient: Patient,
) -> tuple[list[QuestionnaireResponse], list[QuestionnaireResponse]]:
    """``revisions`` and ``held_imports`` of the patient's page, read in one query."""
    revisions, held = [], []
    for response in db.session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == patient.id)
        .order_by(QuestionnaireResponse.revision)
        .options(undefer(QuestionnaireResponse.changes))
    ):
        if response.hold is None:
            revisions.append(response)
        elif response.is_held:
            held.append(response)
    return revisions, held


def held_imports(patient: Patient) -> list[QuestionnaireResponse]:
    """Responses sent by another system for this patient, waiting for staff to accept."""
    return list(
        db.session.scalars(
            select(QuestionnaireResponse)
            .where(
                QuestionnaireResponse.patient_id == patient.id, QuestionnaireResponse.hold == "held"
            )
            .order_by(QuestionnaireResponse.revision)
        )
    )


@dataclass(frozen=True, slots=True)
class Amendment:
    previous: QuestionnaireResponse
    changes: list[Change]


def amendment(
    all_revisions: list[QuestionnaireResponse], response: QuestionnaireResponse
) -> Amendment | None:
    """What changed since the submitted revision before ``response``, as kept with it;
    None for the first."""
    previous = next(
        (r for r in reversed(all_revisions) if r.is_submitted and r.revision < response.revision),
        None,
    )
    if previous is None:
        return None
    changes = summaries.kept_changes(previous, response)
    return None if changes is None else Amendment(previous, changes)


def notes_for(patient: Patient) -> list[ClinicianNote]:
    """Newest first, each with its author, in one query."""
    return list(
        db.session.scalars(
            select(ClinicianNote)
            .where(ClinicianNote.patient_id == patient.id)
            .options(joinedload(ClinicianNote.author))
            .order_by(ClinicianNote.created_at.desc())
        )
    )


def record_search(query: str, found: int) -> None:
    """Audit a worklist search: what was looked for (a name, a phone) and how many matched."""
    audit.record("worklist.search", query=query.strip()[:120], found=found)
    db.session.commit()


def record_duplicate_shown(patient: Patient) -> None:
    """Audit that the invite page showed an existing patient's name and date of birth."""
    audit.record("invite.duplicate_shown", patient=patient)
    db.session.commit()


def record_read(
    action: str, patient: Patient, response: QuestionnaireResponse | None, **detail
) -> None:
    """Audit a staff read of a patient's record (the summary page, its PDF)."""
    audit.record(
        action, patient=patient, revision=response.revision if response else None, **detail
    )
    db.session.commit()


def add_note(
    patient: Patient, response: QuestionnaireResponse | None, author: User, body: str
) -> ClinicianNote:
    note = ClinicianNote(
        patient_id=patient.id,
        response_id=response.id if response else None,
        author_id=author.id,
        body=body.strip(),
    )
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
    if revisions(response.patient)[-1].id == response.id:
        response.patient.track(response)
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
    response.patient.track(draft)
    audit.record("response.reopen", patient=response.patient, revision=response.revision)
    db.session.commit()
    return draft
