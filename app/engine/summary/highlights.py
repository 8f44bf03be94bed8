"""Items for the specialist to review: the definition's rules applied to the answers.

Each highlight is a factual sentence built from what the patient said, with the linkId
of the answer it came from. The rules live in the definition; nothing here judges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from ..questionnaire.definition import HighlightRule, Questionnaire
from ..questionnaire.enable_when import conditions_hold
from .facts import Facts, facts_for, fill, row_texts


@dataclass(frozen=True, slots=True)
class Highlight:
    rule_id: str
    text: str
    link_id: str
    urgent: bool
    label: str | None = None


def _applies(facts: Facts, rule: HighlightRule) -> bool:
    if rule.score:
        score = facts.scores.get(rule.score[0])
        if score is None or score.total is None or score.total < rule.score[1]:
            return False
    if rule.rows and not row_texts(facts, rule.rows):
        return False
    if not rule.when:
        return bool(rule.rows or rule.score)
    return conditions_hold(facts.q, rule.when, rule.enable_behavior, facts.answers)


def highlights_of(facts: Facts) -> list[Highlight]:
    """Every rule that fires, urgent ones first, otherwise in definition order."""
    found: list[Highlight] = []
    for rule in facts.q.highlights:
        if not _applies(facts, rule):
            continue
        rows_text = "; ".join(row_texts(facts, rule.rows)) if rule.rows else ""
        text, _ = fill(facts, rule.text, rows_text)
        for needs, extra in rule.extra:
            if facts.answers.get(needs) not in (None, "", []):
                text += fill(facts, extra)[0]
        found.append(Highlight(rule.id, text, rule.link, rule.urgent, rule.label))
    return sorted(found, key=lambda h: not h.urgent)


def evaluate_highlights(
    q: Questionnaire,
    answers: Mapping[str, Any],
    alert_times: Mapping[str, str] | None = None,
    zone: tzinfo = UTC,
    as_of: date | None = None,
) -> list[Highlight]:
    """The highlights of ``answers``; ``zone`` is the clock alert times are written on."""
    as_of = as_of or datetime.now(UTC).astimezone(zone).date()
    return highlights_of(facts_for(q, answers, as_of, alert_times, zone))


def urgent_rules(q: Questionnaire, answers: Mapping[str, Any]) -> list[Highlight]:
    """The urgent items these answers raise (each followed up on its own by the clinic)."""
    return [h for h in evaluate_highlights(q, answers) if h.urgent]


def has_urgent(q: Questionnaire, answers: Mapping[str, Any]) -> bool:
    return bool(urgent_rules(q, answers))
