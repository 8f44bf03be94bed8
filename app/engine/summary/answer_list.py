"""Every answer in words, section by section: the check page, the copy and the summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..questionnaire.answers import display, row_line
from ..questionnaire.definition import Questionnaire, Section
from ..questionnaire.enable_when import enabled_link_ids
from ..wording import N_, _

NOT_ANSWERED = N_("Not answered")


@dataclass(frozen=True, slots=True)
class AnswerRow:
    link_id: str
    question: str
    answer: str
    answered: bool
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionAnswers:
    section: Section
    rows: tuple[AnswerRow, ...]


def _group_lines(item, rows: list[dict]) -> tuple[str, ...]:
    return tuple(f"{n}. {row_line(item, row)}" for n, row in enumerate(rows, start=1))


def answer_list(q: Questionnaire, answers: Mapping[str, Any]) -> list[SectionAnswers]:
    """Questions that apply, with the answer in words or "Not answered", in the current
    language (the patient's check page is in theirs)."""
    enabled = enabled_link_ids(q, answers)
    result = []
    for section in q.sections:
        rows = []
        for item in section.questions:
            if item.link_id not in enabled:
                continue
            value = answers.get(item.link_id)
            if item.widget == "checkbox" and value is not True:
                continue  # an unticked "I'm not sure of the year" says nothing
            if item.is_group:
                lines = _group_lines(item, value or [])
                summary = _("%(count)s added", count=len(lines)) if lines else _("None added")
                rows.append(AnswerRow(item.link_id, item.label, summary, bool(lines), lines))
                continue
            shown = display(item, value)
            rows.append(AnswerRow(item.link_id, item.label, shown or _(NOT_ANSWERED), bool(shown)))
        result.append(SectionAnswers(section, tuple(rows)))
    return result
