"""Trials with temporary leads: recording one, its diary link, and the daily entries.

The rules of days (which may be written, which are missed) are the engine's
(``app.engine.trials``); this module keeps them in the database. The diary link is the
same every day, made from the app's secret and the trial's salt, so the daily message
and a bookmark agree; only its hash is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..engine import trials as rules
from ..engine.questionnaire.definition import Questionnaire
from ..engine.wording import _
from ..platform.extensions import db
from ..platform.security import hash_token
from . import audit, messages, questionnaires
from .invitations import MAX_DOB_ATTEMPTS, reserve_a_check
from .models import Patient, QuestionnaireResponse, Trial, TrialEntry, User, utcnow

BASELINE_ITEM = "peg_pain"  # the intake's average pain over the past week
GOAL_ITEM = "goals_text"


class TrialError(ValueError):
    """Why a trial cannot be recorded as asked; shown next to ``field`` of the form."""

    def __init__(self, message: str, field: str = "start_date"):
        super().__init__(message)
        self.field = field


class EntryRefused(ValueError):
    """Why an entry cannot be written for that day (outside today and yesterday, or
    already written on an earlier day)."""


def diary() -> Questionnaire:
    q = questionnaires.get(rules.DIARY_ID, 1)
    if q is None:  # the definitions folder is checked at start-up; this is a broken deploy
        raise RuntimeError("the trial diary definition is missing")
    return q


def plan_of(trial: Trial) -> rules.Plan:
    return rules.Plan(trial.start_date, trial.days)


def _newest_submitted(patient: Patient) -> QuestionnaireResponse | None:
    return db.session.scalar(
        select(QuestionnaireResponse)
        .where(
            QuestionnaireResponse.patient_id == patient.id,
            QuestionnaireResponse.status == "submitted",
            QuestionnaireResponse.hold.is_(None),
        )
        .order_by(QuestionnaireResponse.revision.desc())
        .limit(1)
    )


def intake_baseline(patient: Patient) -> float | None:
    """The average pain over the past week (``peg_pain``) the patient last sent."""
    response = _newest_submitted(patient)
    value = (response.answers or {}).get(BASELINE_ITEM) if response else None
    return float(value) if isinstance(value, int | float) else None


def intake_goal(patient: Patient) -> str | None:
    """The patient's goal in their own words, from the questionnaire they last sent."""
    response = _newest_submitted(patient)
    goal = (response.answers or {}).get(GOAL_ITEM) if response else None
    return goal if isinstance(goal, str) and goal.strip() else None


def newest(patient: Patient) -> Trial | None:
    return db.session.scalar(
        select(Trial)
        .where(Trial.patient_id == patient.id)
        .order_by(Trial.start_date.desc(), Trial.id.desc())
        .limit(1)
    )


def _token(trial: Trial) -> str:
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(),
        f"trial-diary:{trial.id}:{trial.link_salt}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def diary_url(trial: Trial) -> str:
    return messages.external_url("diary.open", token=_token(trial))


def _new_link(trial: Trial) -> None:
    trial.link_salt = secrets.token_hex(16)
    trial.token_hash = hash_token(_token(trial))
    trial.failed_checks, trial.locked_at = 0, None


def start(
    patient: Patient,
    start_date: date,
    days: int,
    baseline: float | None,
    note: str | None,
    by: User | None,
    today: date,
) -> Trial:
    """Record the patient's trial; the baseline is the intake's average pain unless one
    is given. A trial with no entry yet whose link is still open is corrected in place
    (a wrong start date); one with entries stands, and a new one waits for it to end.
    """
    if not 1 <= days <= rules.MAX_DAYS:
        raise TrialError(f"Enter a number of days from 1 to {rules.MAX_DAYS}", "days")
    if start_date < today - timedelta(days=1):
        raise TrialError("The trial must start today or later (or yesterday, if recorded late)")
    if baseline is not None and not 0 <= baseline <= 10:
        raise TrialError("Enter the average pain before the trial, from 0 to 10", "baseline")
    source = "entered"
    if baseline is None:
        baseline = intake_baseline(patient)
        source = "intake"
        if baseline is None:
            raise TrialError(
                "The patient has not sent an average pain in the questionnaire: "
                "enter the average pain before the trial, from 0 to 10",
                "baseline",
            )
    trial = newest(patient)
    fresh = trial is None or today > trial.end_date + timedelta(days=rules.DAYS_AFTER)
    if fresh:
        trial = Trial(patient_id=patient.id, created_by_id=by.id if by else None)
    elif trial.entries:
        raise TrialError(
            f"This patient's trial from {trial.start_date:%d %b %Y} already has diary entries; "
            "a new trial can be recorded once its diary closes"
        )
    trial.start_date, trial.days = start_date, days
    trial.end_date = start_date + timedelta(days=days - 1)
    trial.baseline, trial.baseline_source = baseline, source
    trial.note = (note or "").strip() or None
    if fresh:  # the link is made from the row's id: a placeholder until there is one
        trial.link_salt, trial.token_hash = "", secrets.token_hex(32)
        db.session.add(trial)
        db.session.flush()
        _new_link(trial)
    audit.record("trial.start", patient=patient, actor=by, start=start_date.isoformat(), days=days)
    db.session.commit()
    return trial


def new_link(trial: Trial, by: User | None) -> str:
    """A fresh diary link; the earlier one stops working."""
    _new_link(trial)
    audit.record("trial.new_link", patient=trial.patient, actor=by)
    db.session.commit()
    return diary_url(trial)


def tell_patient(trial: Trial, today: date, by: User | None = None) -> bool:
    """Send today's diary message now, when the trial runs today and the patient can be
    reached; True when one was queued."""
    if not plan_of(trial).includes(today) or not messages.can_reach(trial.patient):
        return False
    try:
        messages.queue(trial.patient, "diary", trial.patient.channel, by=by, for_day=today)
    except IntegrityError:  # already sent today
        db.session.rollback()
        return False
    return True


def find(token: str) -> Trial | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Trial).where(Trial.token_hash == hash_token(token)))


def link_works(trial: Trial, today: date) -> bool:
    return trial.locked_at is None and plan_of(trial).link_open(today)


def check_date_of_birth(trial: Trial, given: date) -> bool:
    """Compare the date of birth; the fifth wrong one locks the link until the clinic
    issues a new one."""
    if not reserve_a_check(trial, Trial.locked_at.is_(None)):
        return False
    if given == trial.patient.date_of_birth:
        trial.failed_checks = 0
        audit.record("trial.diary_opened", patient=trial.patient)
    else:
        if trial.failed_checks >= MAX_DOB_ATTEMPTS:
            trial.locked_at = utcnow()
        audit.record("trial.dob_mismatch", patient=trial.patient)
    db.session.commit()
    return given == trial.patient.date_of_birth


def entry_for(trial: Trial, day: date) -> TrialEntry | None:
    return next((e for e in trial.entries if e.day == day), None)


def save_entry(
    trial: Trial, day: date, answers: dict[str, Any], language: str | None, today: date
) -> TrialEntry:
    """Write the day's entry, or change it on the day it was written."""
    plan = plan_of(trial)
    if day not in plan.writable(today):
        raise EntryRefused(_("Only today and yesterday can be filled in"))
    entry = entry_for(trial, day)
    if entry is not None and not rules.may_change(entry.written_on, day, plan, today):
        raise EntryRefused(_("This day was sent earlier and can no longer be changed"))
    q = diary()
    if entry is None:
        entry = TrialEntry(
            trial=trial,
            day=day,
            questionnaire_id=q.id,
            questionnaire_version=q.version,
            late=day < today,
            written_on=today,
        )
        db.session.add(entry)
    entry.answers = answers
    entry.language = language
    try:
        db.session.commit()
    except IntegrityError:  # the same day sent twice at once: the first one stands
        db.session.rollback()
        raise EntryRefused(_("This day was just sent from another page")) from None
    return entry


def trial_brief(trial: Trial, today: date) -> rules.TrialBrief:
    return rules.brief(
        diary(),
        plan_of(trial),
        trial.baseline,
        trial.baseline_source,
        {e.day: (e.answers or {}, e.late) for e in trial.entries},
        today,
        goal=intake_goal(trial.patient),
    )


def in_trial(today: date):
    """SQL: the patient has a trial planned, under way, or whose diary is still open after
    it (the worklist's filter)."""
    return (
        select(Trial.id)
        .where(
            Trial.patient_id == Patient.id,
            Trial.end_date >= today - timedelta(days=rules.DAYS_AFTER),
        )
        .exists()
    )


def progress_by_patient(patient_ids: list[int], today: date | None) -> dict[int, str]:
    """ "Day 3 of 7, 1 missed" for each of these patients with an open trial; two queries."""
    if not patient_ids or today is None:
        return {}
    open_trials = {
        t.patient_id: t
        for t in db.session.scalars(
            select(Trial)
            .where(
                Trial.patient_id.in_(patient_ids),
                Trial.end_date >= today - timedelta(days=rules.DAYS_AFTER),
            )
            .order_by(Trial.start_date, Trial.id)
        )
    }
    if not open_trials:
        return {}
    entered: dict[int, set[date]] = {t.id: set() for t in open_trials.values()}
    for trial_id, day in db.session.execute(
        select(TrialEntry.trial_id, TrialEntry.day).where(TrialEntry.trial_id.in_(entered))
    ):
        entered[trial_id].add(day)
    shown = {}
    for patient_id, trial in open_trials.items():
        plan = plan_of(trial)
        days = entered[trial.id]
        missed = sum(
            1 for d in plan.all_days() if rules.day_state(plan, d, d in days, today) == rules.MISSED
        )
        if today < plan.start:
            text = f"Starts {plan.start:%d %b}"
        elif today > plan.last_day:
            text = f"Ended, {len(days)} of {plan.days} entered"
        else:
            text = f"Day {plan.number(today)} of {plan.days}"
        shown[patient_id] = f"{text}, {missed} missed" if missed else text
    return shown


def send_diary_messages(on: date) -> int:
    """Queue the day's diary message to each patient whose trial runs on ``on`` and who
    has not written that day yet; at most one a day (the database's unique day)."""
    trials = db.session.scalars(
        select(Trial)
        .join(Patient, Patient.id == Trial.patient_id)
        .where(
            Trial.start_date <= on,
            Trial.end_date >= on,
            Trial.locked_at.is_(None),
            Patient.erasure_requested_at.is_(None),
        )
        .order_by(Trial.id)
    )
    sent = 0
    for trial in list(trials):
        written = db.session.scalar(
            select(func.count(TrialEntry.id)).where(
                TrialEntry.trial_id == trial.id, TrialEntry.day == on
            )
        )
        if not written and tell_patient(trial, on):
            sent += 1
    return sent
