"""What a diary page shows besides its form: which questions, in which rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ...engine import trials as rules
from ...records import trials
from ...records.models import Trial

GOAL_SHOWN = 140  # characters of the patient's goal quoted on the page


def goal_of(trial: Trial) -> str | None:
    """The patient's goal from the questionnaire, as the page quotes it."""
    goal = trials.intake_goal(trial.patient)
    if goal and len(goal) > GOAL_SHOWN:
        goal = goal[: GOAL_SHOWN - 1].rstrip() + "…"
    return goal


def part_for(q, plan: rules.Plan, day: date):
    """The day's page, and on the last day the whole trial's questions too."""
    section = q.sections[0]
    return section if plan.is_last(day) else section.pages[0]


def shown(q, part, goal: str | None):
    """The pages as shown, each a list of rows: the goal quoted in its question (or that
    question left out), and two number questions in a row, as a phone has room for."""
    result = []
    for page in part.pages if part is q.sections[0] else (part,):
        rows: list[list] = []
        for item in page.items:
            if item.link_id == "goal_progress":
                if not goal:
                    continue
                item = replace(item, text=item.text.replace("{goal}", goal))
            if _is_number(item) and rows and len(rows[-1]) == 1 and _is_number(rows[-1][0]):
                rows[-1].append(item)
            else:
                rows.append([item])
        result.append((page, rows))
    return result


def _is_number(item) -> bool:
    return item.type in ("integer", "decimal") and item.widget is None
