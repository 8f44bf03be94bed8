"""What a section page needs besides the form: progress, error summary, conditions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...engine.questionnaire.answers import display
from ...engine.questionnaire.definition import Item, Page, Questionnaire, Section
from ...engine.questionnaire.enable_when import condition_holds, is_enabled
from ...engine.wording import _


@dataclass(frozen=True, slots=True)
class PageError:
    """One line of the error summary: the message, and the question it is about, as the
    patient read it ("How much did it help?"), so the summary says what to do where."""

    anchor: str
    text: str
    label: str = ""


def field_anchor(item: Item, name: str) -> str:
    """The id the error summary links to: the first option of a radio or checkbox list."""
    if item.options or item.type == "boolean":
        first = (
            "yes"
            if item.type == "boolean" and item.widget != "checkbox"
            else (item.options[0].code if item.options else "yes")
        )
        return f"{name}-{first}"
    return name


def page_errors(form, part: Page | Section, extra: list[PageError] = ()) -> list[PageError]:
    """Errors in the order the questions appear, each linking to its field."""
    # The check's own message with the numbers typed in it, as shown beside it.
    found = [
        PageError(f"confirm_{c.id}", form[f"confirm_{c.id}"].errors[0])
        for c in part.soft_checks
        if form[f"confirm_{c.id}"].errors
    ]
    found += list(extra)
    for item in form._items():
        field = form[item.link_id]
        if not item.is_group:
            found += [
                PageError(field_anchor(item, item.link_id), e, item.text) for e in field.errors
            ]
            continue
        own = [e for e in field.errors if isinstance(e, str)]
        found += [PageError(item.link_id, e, item.text) for e in own]
        for n, entry in enumerate(field.entries):
            for child in item.items:
                sub = entry.form[child.link_id]
                name = f"{item.link_id}-{n}-{child.link_id}"
                label = f"{item.row_label} {n + 1}: {child.text}"
                found += [PageError(field_anchor(child, name), e, label) for e in sub.errors]
    return found


def conditional_items(
    q: Questionnaire, section: Page | Section, other_answers: Mapping[str, Any]
) -> tuple[set[str], dict[str, str], dict[str, str]]:
    """Decide how each conditional question is shown.

    Returns the items to leave out (their condition is on another page and is false),
    a JSON rule per item decided on this page (the script shows and hides those at
    once), and a hint per such item for when the script does not run.
    """
    own = {i.link_id for i in section.questions}
    left_out: set[str] = set()
    rules: dict[str, str] = {}
    hints: dict[str, str] = {}
    for item in section.questions:
        if not item.enable_when:
            continue
        if not any(c.question in own for c in item.enable_when):
            if not is_enabled(q, item, other_answers):
                left_out.add(item.link_id)
            continue
        # A condition on a question of another page is decided here, from its stored
        # answer: the page's script cannot read it.
        rules[item.link_id] = json.dumps(
            {
                "any": item.enable_behavior == "any",
                "when": [
                    {"q": c.question, "op": c.operator, "a": _js_answer(c.answer)}
                    if c.question in own
                    else {"q": c.question, "known": condition_holds(q, c, other_answers)}
                    for c in item.enable_when
                ],
            }
        )
        first = item.enable_when[0]
        source = q.item(first.question)
        wanted = display(source, first.answer) if first.operator == "=" else ""
        hints[item.link_id] = (
            _(
                "Answer this if you answered ‘%(answer)s’ to ‘%(question)s’",
                answer=wanted,
                question=source.text,
            )
            if wanted
            else _("Answer this only if it applies to your answers above")
        )
    return left_out, rules, hints


def _js_answer(answer: Any) -> Any:
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return answer
