"""enableWhen: which questions apply, given the answers so far.

A condition on a question with no answer is false (except ``exists``); for a
multi-answer question ``=`` holds when any answer matches and ``!=`` when any answer
differs. So ``!=`` means "answered, and not this", where FHIR R4's also holds while the
question is unanswered; the FHIR export writes the app's meaning out in full. Ordering
operators compare option scores for choice items (the PHQ-9 code is its score). A hidden
question's answer never enables another.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .definition import Alert, Condition, Item, Questionnaire

_ORDERING = {
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


def _comparable(item: Item, value: Any) -> Any:
    if item.options and isinstance(value, str):
        option = item.option(value)
        if option is not None and option.score is not None:
            return option.score
    return value


def condition_holds(q: Questionnaire, cond: Condition, answers: Mapping[str, Any]) -> bool:
    value = answers.get(cond.question)
    present = value not in (None, "", [])
    if cond.operator == "exists":
        return present == bool(cond.answer)
    if not present:
        return False
    values = value if isinstance(value, list) else [value]
    if cond.operator == "=":
        return any(v == cond.answer for v in values)
    if cond.operator == "!=":
        return any(v != cond.answer for v in values)
    item = q.item(cond.question)
    compare = _ORDERING[cond.operator]
    try:
        return any(compare(_comparable(item, v), cond.answer) for v in values)
    except TypeError:
        return False


def conditions_hold(
    q: Questionnaire, conditions, behavior: str, answers: Mapping[str, Any]
) -> bool:
    if not conditions:
        return True
    results = (condition_holds(q, c, answers) for c in conditions)
    return any(results) if behavior == "any" else all(results)


def is_enabled(q: Questionnaire, item: Item, answers: Mapping[str, Any]) -> bool:
    return conditions_hold(q, item.enable_when, item.enable_behavior, answers)


def enabled_link_ids(q: Questionnaire, answers: Mapping[str, Any]) -> set[str]:
    """The top-level items that apply, evaluated in form order.

    Conditions only point backwards (checked at load), so one pass suffices; an answer to
    a hidden item is dropped before later items look at it.
    """
    effective: dict[str, Any] = {}
    enabled: set[str] = set()
    for item in q.top_level_items():
        if is_enabled(q, item, effective):
            enabled.add(item.link_id)
            if item.link_id in answers:
                effective[item.link_id] = answers[item.link_id]
    return enabled


def triggered_alerts(q: Questionnaire, section_id: str, answers: Mapping[str, Any]) -> list[Alert]:
    """The safety messages that saving ``section_id`` with these answers must show."""
    return [
        a
        for a in q.alerts
        if a.section == section_id and conditions_hold(q, a.when, a.enable_behavior, answers)
    ]


def alert_triggers(
    q: Questionnaire, alert: Alert, answers: Mapping[str, Any]
) -> frozenset[tuple[str, Any]]:
    """The answers that make ``alert`` hold, as (question, value) pairs; empty if it does not.

    For a multi-answer question each chosen value counts on its own: of "weakness" and
    "foot drop", both trigger the urgent-symptoms alert; "none of these" does not.
    """
    if not conditions_hold(q, alert.when, alert.enable_behavior, answers):
        return frozenset()
    found = set()
    for cond in alert.when:
        value = answers.get(cond.question)
        for one in value if isinstance(value, list) else [value]:
            if one is not None and condition_holds(q, cond, {cond.question: one}):
                found.add((cond.question, one))
    return frozenset(found)


def new_alerts(
    q: Questionnaire, section_id: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Alert]:
    """The alerts a save must show: those with a triggering answer the patient just gave.

    Saving a page again with the same symptom already reported shows nothing new.
    """
    return [
        a
        for a in triggered_alerts(q, section_id, after)
        if alert_triggers(q, a, after) - alert_triggers(q, a, before)
    ]


def prune_hidden(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers without those to questions that no longer apply (they are never stored)."""
    enabled = enabled_link_ids(q, answers)
    return {k: v for k, v in answers.items() if k in enabled}
