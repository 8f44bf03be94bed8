"""The app's instrument totals written as FHIRPath, for SDC ``calculatedExpression``.

A renderer such as LHC-Forms evaluates these against the response being filled in
(``%resource``), so PHQ-9, GAD-7, PEG and AUDIT-C fill themselves in there as they do
here. They follow scoring.py exactly: a total only when every counted item is answered;
a mean rounded to the instrument's decimals; items hidden by enableWhen count as 0 where
the instrument says so (AUDIT-C after "never"). Values are read by their FHIR type
(``valueCoding``, ``valueInteger``) so no model of FHIR is needed to evaluate them.
"""

from __future__ import annotations

from ..questionnaire.definition import Condition, Instrument, Item, Questionnaire


def _text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def answers_of(link_id: str) -> str:
    return f"%resource.repeat(item).where(linkId = {_text(link_id)}).answer"


def _chosen(link_id: str, code: str, exists: str = "exists") -> str:
    return f"{answers_of(link_id)}.where(valueCoding.code = {_text(code)}).{exists}()"


def condition(q: Questionnaire, cond: Condition) -> str:
    """True when the condition holds, with the app's meaning of each operator."""
    answered = f"{answers_of(cond.question)}.exists()"
    if cond.operator == "exists":
        return answered if cond.answer else f"{answers_of(cond.question)}.empty()"
    target = q.item(cond.question)
    if not target.options or cond.operator not in {"=", "!="}:
        raise ValueError(f"no FHIRPath for '{cond.question} {cond.operator}'")
    if cond.operator == "=":
        return _chosen(cond.question, str(cond.answer))
    # The app's "!=": answered, and not with this answer.
    return f"({answered} and {_chosen(cond.question, str(cond.answer), 'empty')})"


def enabled(q: Questionnaire, item: Item) -> str:
    if not item.enable_when:
        return "true"
    joiner = " and " if item.enable_behavior == "all" else " or "
    return "(" + joiner.join(condition(q, c) for c in item.enable_when) + ")"


def item_score(q: Questionnaire, item: Item) -> str:
    if item.options:
        terms = [
            f"iif({_chosen(item.link_id, o.code)}, {o.score}, 0)" for o in item.options if o.score
        ]
        return "(" + " + ".join(terms or ["0"]) + ")"
    return f"{answers_of(item.link_id)}.valueInteger"


def total(q: Questionnaire, instrument: Instrument) -> str:
    """The total, or empty while any counted item is unanswered."""
    complete, terms = [], []
    for link_id in instrument.items:
        item = q.item(link_id)
        answered = f"{answers_of(link_id)}.exists()"
        score = item_score(q, item)
        if instrument.hidden_items_score_zero and item.enable_when:
            shown = enabled(q, item)
            complete.append(f"({answered} or {shown}.not())")
            terms.append(f"iif({shown}, {score}, 0)")
        else:
            complete.append(answered)
            terms.append(score)
    value = " + ".join(terms)
    if instrument.scoring != "sum":
        value = f"(({value}) / {len(terms)}).round({instrument.decimals})"
    return f"iif({' and '.join(complete)}, {value}, {{}})"
