"""What the summary's sentences are made of: answers in words, values worked out from them
(how long the pain has lasted, BMI, the opioid dose), and instrument scores.

A sentence of the definition ("{pain_now} / {pain_least} / {pain_worst}") is filled here;
the caller learns whether any answer went into it, so a fact with nothing to say can be
left out rather than printed as "not answered".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from ..questionnaire.answers import display
from ..questionnaire.definition import PLACEHOLDER, Item, Questionnaire, RowFilter
from ..questionnaire.enable_when import prune_hidden
from ..questionnaire.scoring import Score, score_all
from .opioids import OpioidTotal, opioid_total


@dataclass(frozen=True, slots=True)
class Facts:
    q: Questionnaire
    answers: Mapping[str, Any]  # hidden answers already left out
    computed: Mapping[str, str]
    scores: Mapping[str, Score]
    opioids: OpioidTotal | None
    alert_times: Mapping[str, str]
    zone: tzinfo


def months_between(start: str, end: date) -> int | None:
    """Whole months from a ``YYYY-MM[-DD]`` answer to ``end`` (None for a year alone)."""
    parts = [int(p) for p in start.split("-")]
    if len(parts) == 1:
        return None
    months = (end.year - parts[0]) * 12 + (end.month - parts[1])
    if len(parts) == 3 and end.day < parts[2]:
        months -= 1
    return months if months >= 0 else None


def duration_text(months: int | None) -> str:
    if months is None:
        return ""
    years, rest = divmod(months, 12)
    if not years:
        return f"{months} month{'s' if months != 1 else ''}"
    text = f"{years} year{'s' if years != 1 else ''}"
    if rest:
        text += f" {rest} month{'s' if rest != 1 else ''}"
    return f"{text} ({months} months)"


def bmi(height: Any, weight: Any) -> float | None:
    if not height or not weight:
        return None
    return round(weight / (height / 100) ** 2, 1)


def score_text(score: Score) -> str:
    """ "16 of 27, Moderately severe (published band)"; "incomplete (2 items missing)"."""
    if score.total is None:
        return f"incomplete ({score.missing} item{'s' if score.missing != 1 else ''} missing)"
    band = f", {score.band} (published band)" if score.band else ""
    return f"{score.total} of {score.maximum}{band}"


def _compute(q: Questionnaire, answers: Mapping[str, Any], as_of: date):
    computed: dict[str, str] = {}
    opioids = None
    for name, spec in q.summary.computed.items():
        kind = spec["kind"]
        if kind == "since":
            start = answers.get(spec["item"])
            if start and "-" not in start:  # a year alone: "about 8 years"
                years = as_of.year - int(start)
                about = f"about {years} year{'s' if years != 1 else ''}, " if years else ""
                computed[name] = f"{about}since {start} (month not sure)"
            elif start:
                months = duration_text(months_between(start, as_of))
                since = display(q.item(spec["item"]), start)
                computed[name] = f"{months}, since {since}" if months else f"since {since}"
        elif kind == "bmi":
            height, weight = answers.get(spec["height"]), answers.get(spec["weight"])
            value = bmi(height, weight)
            if value:
                computed[name] = f"{value} ({height} cm, {weight} kg)"
        elif kind == "oral_morphine_equivalent":
            opioids = opioid_total(
                answers.get(spec["group"]) or [],
                spec["name"],
                spec["dose"],
                spec["current"],
                spec.get("type"),
            )
            if opioids:
                computed[name] = opioids.text()
    return computed, opioids


def facts_for(
    q: Questionnaire,
    answers: Mapping[str, Any],
    as_of: date,
    alert_times: Mapping[str, str] | None = None,
    zone: tzinfo = UTC,
) -> Facts:
    """Everything the summary's sentences may name, for one set of answers."""
    answers = prune_hidden(q, answers)
    computed, opioids = _compute(q, answers, as_of)
    return Facts(q, answers, computed, score_all(q, answers), opioids, alert_times or {}, zone)


NONE = "None"


def clinical(q: Questionnaire, item: Item, value: Any) -> str:
    """The answer in a clinician's words: the summary's word for each option where it has
    one ("CRPS"), else the definition's short word, else the option as the patient read it."""
    if value is None or not item.options:
        return display(item, value)
    words = q.summary.words.get(item.link_id, {})

    def word(option) -> str:
        if option.exclusive and option.code not in words:
            return NONE  # "None of these", "No, I don't need help"
        return words.get(option.code) or item.word_for(option.code) or option.display

    chosen = value if isinstance(value, list) else [value]
    return ", ".join(word(o) for o in item.options if o.code in chosen) or (
        "" if isinstance(value, list) else str(value)
    )


def format_time(iso: str | None, zone: tzinfo) -> str:
    if not iso:
        return "(time not recorded)"
    return datetime.fromisoformat(iso).astimezone(zone).strftime("%d %b %Y %H:%M %Z")


def fill(
    facts: Facts, template: str, rows_text: str = "", row: Mapping[str, Any] | None = None
) -> tuple[str, int]:
    """The sentence with its placeholders in words, and how many of them had an answer.

    ``row`` fills a list row's own linkIds (the children of a repeating group).
    """
    source = row if row is not None else facts.answers
    found = 0

    def replace(match: re.Match) -> str:
        nonlocal found
        name, modifier = match.group(1), match.group(2)
        if name == "alert_time":
            found += 1
            return format_time(facts.alert_times.get(modifier), facts.zone)
        if name == "score":
            score = facts.scores.get(modifier)
            found += score is not None
            return score_text(score) if score else ""
        if name == "rows":
            found += bool(rows_text)
            return rows_text
        if name in facts.computed:
            found += 1
            return facts.computed[name]
        value = source.get(name)
        if modifier == "code":
            found += value not in (None, "", [])
            return str(value or "")
        item = facts.q.items.get(name)
        words = clinical(facts.q, item, value) if item is not None and value is not None else ""
        found += bool(words)
        return words

    return PLACEHOLDER.sub(replace, template), found


def fill_parts(facts: Facts, template: str) -> tuple[str, int]:
    """Like ``fill``, but each "; "-separated part with no answer is left out, so
    "{diabetes}; HbA1c {hba1c}" reads "No" when there is no HbA1c."""
    kept, total = [], 0
    for part in template.split("; "):
        text, found = fill(facts, part)
        if found or not PLACEHOLDER.search(part):
            kept.append(text)
        total += found
    return "; ".join(kept), total


def rows_matching(facts: Facts, rows: RowFilter) -> list[dict]:
    return [
        r for r in facts.answers.get(rows.group) or [] if all(r.get(k) == v for k, v in rows.where)
    ]


def row_texts(facts: Facts, rows: RowFilter) -> list[str]:
    """A list's rows that pass the filter, each as its ``show`` sentence."""
    texts = []
    for row in rows_matching(facts, rows):
        text, _ = fill(facts, rows.show, row=row)
        if rows.show_extra and row.get(rows.show_extra[0]) is not None:
            text += fill(facts, rows.show_extra[1], row=row)[0]
        texts.append(re.sub(r"\s+([,:;])", r"\1", text).strip(" ,:;"))
    return texts
