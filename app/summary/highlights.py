"""Items for the specialist to review: the definition's rules applied to the answers.

Each highlight is a factual sentence built from what the patient said, with the linkId
of the answer it came from. The rules live in the definition; nothing here judges.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from ..questionnaire.answers import display
from ..questionnaire.definition import PLACEHOLDER, HighlightRule, Item, Questionnaire
from ..questionnaire.enable_when import conditions_hold, prune_hidden


@dataclass(frozen=True, slots=True)
class Highlight:
    rule_id: str
    text: str
    link_id: str
    urgent: bool


def _shown(item: Item, value: Any) -> str:
    """The answer in words, leaving out an exclusive "none" option."""
    if item.is_multi and isinstance(value, list):
        value = [v for v in value if not (item.option(v) and item.option(v).exclusive)]
    return display(item, value) or "none"


def _fill(
    q: Questionnaire,
    template: str,
    answers: Mapping[str, Any],
    alert_times: Mapping[str, str],
    rows_text: str = "",
    zone: tzinfo = UTC,
) -> str:
    def replace(match: re.Match) -> str:
        name, modifier = match.group(1), match.group(2)
        if name == "alert_time":
            return _format_time(alert_times.get(modifier), zone)
        if name == "rows":
            return rows_text
        value = answers.get(name)
        if modifier == "code":
            return str(value or "")
        return _shown(q.item(name), value)

    return PLACEHOLDER.sub(replace, template)


def _format_time(iso: str | None, zone: tzinfo) -> str:
    if not iso:
        return "(time not recorded)"
    moment = datetime.fromisoformat(iso).astimezone(zone)
    return moment.strftime("%d %b %Y %H:%M %Z")


def _matching_rows(rule: HighlightRule, answers: Mapping[str, Any]) -> list[dict]:
    rows = answers.get(rule.rows.group) or []
    return [r for r in rows if all(r.get(k) == v for k, v in rule.rows.where)]


def _rows_text(q: Questionnaire, rule: HighlightRule, rows: list[dict]) -> str:
    parts = []
    for row in rows:
        text = _fill(q, rule.rows.show, row, {})
        if rule.rows.show_extra and row.get(rule.rows.show_extra[0]) is not None:
            text += _fill(q, rule.rows.show_extra[1], row, {})
        parts.append(text)
    return "; ".join(parts)


def evaluate_highlights(
    q: Questionnaire,
    answers: Mapping[str, Any],
    alert_times: Mapping[str, str] | None = None,
    zone: tzinfo = UTC,
) -> list[Highlight]:
    """Every rule that fires, urgent ones first, otherwise in definition order.

    ``zone`` is the clock that the times alerts were shown at are written on.
    """
    answers = prune_hidden(q, answers)
    alert_times = alert_times or {}
    found: list[Highlight] = []
    for rule in q.highlights:
        rows_text = ""
        if rule.rows:
            rows = _matching_rows(rule, answers)
            if not rows:
                continue
            rows_text = _rows_text(q, rule, rows)
        if not conditions_hold(q, rule.when, rule.enable_behavior, answers):
            continue
        if not rule.when and not rule.rows:
            continue
        text = _fill(q, rule.text, answers, alert_times, rows_text, zone)
        for needs, extra in rule.extra:
            if answers.get(needs) not in (None, "", []):
                text += _fill(q, extra, answers, alert_times, zone=zone)
        found.append(Highlight(rule.id, text, rule.link, rule.urgent))
    return sorted(found, key=lambda h: not h.urgent)


def has_urgent(q: Questionnaire, answers: Mapping[str, Any]) -> bool:
    return any(h.urgent for h in evaluate_highlights(q, answers))
