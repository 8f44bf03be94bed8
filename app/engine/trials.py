"""The trial with temporary leads: its days, which may be written, and the brief's facts.

Pure functions of dates and diary answers. The two relief figures are side by side and
neither is compared with anything: the usual 50% is an arbitrary criterion, and the
figure calculated from pain scores and the one the patient reports often disagree
(docs/trial.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean
from typing import Any

from .questionnaire.definition import Questionnaire

DIARY_ID = "scs_trial_diary"
# The diary link works during the trial and for this many days after its last day, so a
# patient can write the last day late and see that the diary is done.
DAYS_AFTER = 3
DEFAULT_DAYS = 7
MAX_DAYS = 30
LAST_DAY_PAGE = "last_day"


@dataclass(frozen=True, slots=True)
class Plan:
    """A trial's dates: day 1 is ``start``, the last day is ``start + days - 1``."""

    start: date
    days: int

    @property
    def last_day(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    def number(self, day: date) -> int:
        """Day 1, 2, … of the trial (0 or less before it, more than ``days`` after)."""
        return (day - self.start).days + 1

    def includes(self, day: date) -> bool:
        return self.start <= day <= self.last_day

    def link_open(self, today: date) -> bool:
        """The diary link works from day 1 until DAYS_AFTER days after the last day."""
        return self.start <= today <= self.last_day + timedelta(days=DAYS_AFTER)

    def writable(self, today: date) -> list[date]:
        """The days an entry may be written for: today and yesterday, within the trial."""
        return [d for d in (today, today - timedelta(days=1)) if self.includes(d)]

    def is_last(self, day: date) -> bool:
        return day == self.last_day

    def all_days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


# What a day of the trial is, seen on ``today``.
ENTERED, MISSED, OPEN, TO_COME = "entered", "missed", "open", "to come"


def day_state(plan: Plan, day: date, entered: bool, today: date) -> str:
    """A day with an entry is entered; a day that can no longer be written (before
    yesterday) without one is missed, never filled in; today and yesterday are open."""
    if entered:
        return ENTERED
    if day > today:
        return TO_COME
    if day in plan.writable(today):
        return OPEN
    return MISSED


def may_change(written_on: date, day: date, plan: Plan, today: date) -> bool:
    """One entry per day, changeable on the day it was written while its day is open."""
    return written_on == today and day in plan.writable(today)


@dataclass(frozen=True, slots=True)
class Relief:
    """A relief figure and what it was made from; ``value`` None when it cannot be had."""

    value: float | None
    why_none: str | None = None


def calculated_relief(
    baseline: float | None, averages: Iterable[float]
) -> tuple[Relief, float | None]:
    """(baseline − mean daily average) ÷ baseline × 100, one decimal; and the mean.

    Undefined when there is no baseline, a baseline of 0 (no pain to ease) or no day.
    """
    values = list(averages)
    mean_average = round(mean(values), 1) if values else None
    if baseline is None:
        return Relief(None, "no baseline was recorded"), mean_average
    if not values:
        return Relief(None, "no day was entered"), None
    if baseline == 0:
        return Relief(None, "the baseline is 0, so there was no pain to ease"), mean_average
    return Relief(round((baseline - mean(values)) / baseline * 100, 1)), mean_average


@dataclass(frozen=True, slots=True)
class DayRow:
    number: int
    day: date
    state: str
    late: bool = False
    pain_average: int | None = None
    pain_worst: int | None = None
    relief_percent: int | None = None


@dataclass(frozen=True, slots=True)
class Tally:
    """How often each answer of a choice was given, in the options' order."""

    link_id: str
    label: str
    counts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True, slots=True)
class Said:
    """Free text the patient wrote on a day: shown as written."""

    day: int
    text: str


@dataclass(frozen=True, slots=True)
class TrialBrief:
    plan: Plan
    baseline: float | None
    baseline_source: str
    days: tuple[DayRow, ...]
    calculated: Relief
    mean_average: float | None
    mean_reported: float | None
    overall_reported: int | None
    tallies: tuple[Tally, ...]
    pgic: str | None
    mean_sleep: float | None
    mean_woken: float | None
    goal: str | None
    notes: tuple[tuple[str, tuple[Said, ...]], ...]

    @property
    def entered(self) -> int:
        return sum(1 for d in self.days if d.state == ENTERED)

    @property
    def missed(self) -> int:
        return sum(1 for d in self.days if d.state == MISSED)

    @property
    def late(self) -> int:
        return sum(1 for d in self.days if d.late)


TALLIED = (
    "pain_medicine_compared",
    "activity_compared",
    "tingling_coverage",
    "goal_progress",
)
NOTES = ("pain_medicine_note", "activity_note", "side_effects", "device_problems")


def _mean(values: list[float]) -> float | None:
    return round(mean(values), 1) if values else None


def brief(
    q: Questionnaire,
    plan: Plan,
    baseline: float | None,
    baseline_source: str,
    entries: Mapping[date, tuple[Mapping[str, Any], bool]],
    today: date,
    goal: str | None = None,
) -> TrialBrief:
    """The trial's facts for the specialist from ``entries`` ({day: (answers, late)}).

    Only entered days count; a missed day is shown as missed and counts nowhere.
    """
    rows = []
    for day in plan.all_days():
        answers, late = entries.get(day, ({}, False))
        rows.append(
            DayRow(
                number=plan.number(day),
                day=day,
                state=day_state(plan, day, day in entries, today),
                late=late and day in entries,
                pain_average=answers.get("pain_average"),
                pain_worst=answers.get("pain_worst"),
                relief_percent=answers.get("relief_percent"),
            )
        )
    ordered = [entries[d][0] for d in sorted(entries) if plan.includes(d)]
    averages = [a["pain_average"] for a in ordered if a.get("pain_average") is not None]
    calculated, mean_average = calculated_relief(baseline, averages)
    last = entries.get(plan.last_day, ({}, False))[0]
    pgic_item = q.items["pgic"]
    pgic = last.get("pgic")
    return TrialBrief(
        plan=plan,
        baseline=baseline,
        baseline_source=baseline_source,
        days=tuple(rows),
        calculated=calculated,
        mean_average=mean_average,
        mean_reported=_mean([a["relief_percent"] for a in ordered if "relief_percent" in a]),
        overall_reported=last.get("relief_percent_overall"),
        tallies=tuple(_tally(q, link_id, ordered) for link_id in TALLIED),
        pgic=pgic_item.option(pgic).display if pgic and pgic_item.option(pgic) else None,
        mean_sleep=_mean([a["sleep_hours"] for a in ordered if "sleep_hours" in a]),
        mean_woken=_mean([a["woken_by_pain"] for a in ordered if "woken_by_pain" in a]),
        goal=goal,
        notes=tuple(
            (
                q.items[link_id].label,
                tuple(
                    Said(plan.number(d), entries[d][0][link_id])
                    for d in sorted(entries)
                    if entries[d][0].get(link_id)
                ),
            )
            for link_id in NOTES
        ),
    )


def _tally(q: Questionnaire, link_id: str, answers: list[Mapping[str, Any]]) -> Tally:
    item = q.items[link_id]
    given = Counter(a.get(link_id) for a in answers if a.get(link_id))
    return Tally(link_id, item.label, tuple((o.display, given[o.code]) for o in item.options))
