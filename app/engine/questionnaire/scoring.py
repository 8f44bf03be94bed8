"""Instrument scoring: totals and published bands, as pure functions.

A total is only given when every item that counts is answered; a partly answered
instrument reports how many items are missing instead of a misleading low total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .definition import Instrument, Questionnaire
from .enable_when import enabled_link_ids


@dataclass(frozen=True, slots=True)
class Score:
    instrument: Instrument
    total: float | int | None
    band: str | None
    item_scores: tuple[tuple[str, int | None], ...]
    missing: int

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def maximum(self) -> int:
        return self.instrument.range[1]


def band_for(instrument: Instrument, total: float | None) -> str | None:
    if total is None:
        return None
    return next((b.label for b in instrument.bands if b.min <= total <= b.max), None)


def item_score(q: Questionnaire, link_id: str, value: Any) -> int | None:
    """The option score of a choice answer, or the number itself for numeric items."""
    if value is None:
        return None
    item = q.item(link_id)
    if item.options:
        option = item.option(value)
        return option.score if option else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def score_instrument(q: Questionnaire, instrument: Instrument, answers: Mapping[str, Any]) -> Score:
    enabled = enabled_link_ids(q, answers) if instrument.hidden_items_score_zero else None
    scores: list[tuple[str, int | None]] = []
    for link_id in instrument.items:
        if enabled is not None and link_id not in enabled:
            scores.append((link_id, 0))
        else:
            scores.append((link_id, item_score(q, link_id, answers.get(link_id))))
    missing = sum(1 for _, s in scores if s is None)
    total: float | int | None = None
    if not missing:
        values = [s for _, s in scores]
        if instrument.scoring == "sum":
            total = sum(values)
        else:
            total = round(sum(values) / len(values), instrument.decimals)
    return Score(instrument, total, band_for(instrument, total), tuple(scores), missing)


def score_all(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Score]:
    return {ins.id: score_instrument(q, ins, answers) for ins in q.instruments}
