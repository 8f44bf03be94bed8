"""What a patient changed when they amended a submission, in words, question by question.

A reopened submission comes back as a new revision; the specialist who read the first
one needs only the answers that differ, not a second full read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..questionnaire.definition import Questionnaire
from .answer_list import AnswerRow, answer_list

NOT_ASKED = "Not asked"


@dataclass(frozen=True, slots=True)
class Change:
    link_id: str
    question: str
    before: tuple[str, ...]
    after: tuple[str, ...]


def _words(row: AnswerRow | None) -> tuple[str, ...]:
    if row is None:
        return (NOT_ASKED,)
    return row.lines or (row.answer,)


def _rows(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, AnswerRow]:
    return {row.link_id: row for part in answer_list(q, answers) for row in part.rows}


def changes_between(
    before_q: Questionnaire,
    before: Mapping[str, Any],
    after_q: Questionnaire,
    after: Mapping[str, Any],
) -> list[Change]:
    """Questions whose answer in words differs, in the newer revision's order.

    A question that applied in only one of the two is "Not asked" in the other; each
    revision is read with its own definition, so a new definition version compares too.
    """
    old, new = _rows(before_q, before), _rows(after_q, after)
    order = [*new, *(link_id for link_id in old if link_id not in new)]
    changes = []
    for link_id in order:
        was, now = _words(old.get(link_id)), _words(new.get(link_id))
        if was != now:
            question = (new.get(link_id) or old[link_id]).question
            changes.append(Change(link_id, question, was, now))
    return changes
