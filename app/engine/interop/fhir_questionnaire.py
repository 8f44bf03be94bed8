"""The definition as a FHIR R4 Questionnaire.

Sections become top-level groups (their linkId is the section id); items keep their
linkIds, types, required flags, options and enableWhen. Extensions are used only where
core FHIR has no element: option scores (ordinalValue, and R5's itemWeight), numeric
bounds (minValue, maxValue), units (questionnaire-unit), radio buttons and check boxes
(itemControl) and help texts (a child display item with the "help" item control).
Instrument totals are read-only items in a final "scores" group, each with the SDC
calculatedExpression that computes it, so a renderer fills them in as the app does.

enableWhen is written with the app's meaning. FHIR's ``!=`` also holds while the
question is unanswered; the app's means "answered, and not this". So ``!=`` is written
as ``exists`` and ``!=`` together, with enableBehavior ``all``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..questionnaire.definition import Condition, Item, Questionnaire, Section
from . import fhirpath

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
CONTROLS = "http://hl7.org/fhir/questionnaire-item-control"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
STEP = "http://hl7.org/fhir/StructureDefinition/questionnaire-sliderStepValue"
HELP = {"coding": [{"system": CONTROLS, "code": "help", "display": "Help-Button"}]}
RADIO = {"coding": [{"system": CONTROLS, "code": "radio-button", "display": "Radio Button"}]}
CHECK = {"coding": [{"system": CONTROLS, "code": "check-box", "display": "Check-box"}]}
SCORES_GROUP = "scores"


def fhir_id(questionnaire_id: str) -> str:
    """FHIR ids allow letters, digits, "-" and "."; definition ids use "_"."""
    return questionnaire_id.replace("_", "-")


def fhir_type(item: Item) -> str:
    return "choice" if item.is_multi else item.type


def coding(item: Item, code: str) -> dict[str, str]:
    option = item.option(code)
    return {"code": code, "display": option.display} if option else {"code": code}


def _answer_value(q: Questionnaire, cond: Condition) -> dict[str, Any]:
    target = q.item(cond.question)
    if cond.operator == "exists":
        return {"answerBoolean": bool(cond.answer)}
    if target.type == "boolean":
        return {"answerBoolean": bool(cond.answer)}
    if target.options:
        return {"answerCoding": coding(target, str(cond.answer))}
    if target.type == "integer":
        return {"answerInteger": int(cond.answer)}
    if target.type == "decimal":
        return {"answerDecimal": float(cond.answer)}
    return {"answerString": str(cond.answer)}


def _enable_when(q: Questionnaire, item: Item) -> dict[str, Any]:
    """The conditions as FHIR reads them.

    FHIR orders codings with neither > nor <, so a score comparison becomes "= each
    option that passes" (any of them); the app's "!=" becomes "exists" and "!=" (both).
    One item cannot need both "any" and "all", and the definitions never ask it to.
    """
    comparisons = {">": int.__gt__, "<": int.__lt__, ">=": int.__ge__, "<=": int.__le__}
    conditions: list[dict[str, Any]] = []
    behaviours = {item.enable_behavior} if len(item.enable_when) > 1 else set()
    for cond in item.enable_when:
        target = q.item(cond.question)
        if cond.operator == "!=":
            if target.is_multi:  # FHIR's "no answer equals" is not the app's "any differs"
                raise ValueError(f"item '{item.link_id}': '!=' on a multi-answer question")
            behaviours.add("all")
            conditions += [
                {"question": cond.question, "operator": "exists", "answerBoolean": True},
                {"question": cond.question, "operator": "!=", **_answer_value(q, cond)},
            ]
        elif cond.operator in comparisons and target.options:
            matches = [
                o
                for o in target.options
                if o.score is not None and comparisons[cond.operator](o.score, cond.answer)
            ]
            if len(matches) > 1:
                behaviours.add("any")
            conditions += [
                {"question": cond.question, "operator": "=", "answerCoding": coding(target, o.code)}
                for o in matches
            ]
        else:
            conditions.append(
                {"question": cond.question, "operator": cond.operator, **_answer_value(q, cond)}
            )
    if len(behaviours) > 1:
        raise ValueError(f"item '{item.link_id}': its conditions need both 'any' and 'all'")
    result: dict[str, Any] = {"enableWhen": conditions}
    if len(conditions) > 1:
        result["enableBehavior"] = behaviours.pop() if behaviours else item.enable_behavior
    return result


def _bound(item: Item, value: float, url: str) -> dict[str, Any]:
    key = "valueInteger" if item.type == "integer" else "valueDecimal"
    return {"url": url, key: int(value) if item.type == "integer" else float(value)}


def questionnaire_item(q: Questionnaire, item: Item, this_year: int) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "text": item.text, "type": fhir_type(item)}
    if item.required:
        out["required"] = True
    if item.is_multi or item.repeats:
        out["repeats"] = True
    if item.max_length:
        out["maxLength"] = item.max_length
    if item.enable_when:
        out.update(_enable_when(q, item))
    if item.options:
        out["answerOption"] = [
            {
                "valueCoding": coding(item, o.code),
                **(
                    {
                        "extension": [
                            {"url": ORDINAL, "valueDecimal": o.score},
                            {"url": ITEM_WEIGHT, "valueDecimal": o.score},
                        ]
                    }
                    if o.score is not None
                    else {}
                ),
            }
            for o in item.options
        ]
    extensions = []
    if item.options and item.type in {"choice", "multi-choice"}:
        extensions.append(
            {"url": ITEM_CONTROL, "valueCodeableConcept": CHECK if item.is_multi else RADIO}
        )
    if item.min is not None:
        extensions.append(_bound(item, item.min, MIN_VALUE))
    if item.max is not None:
        extensions.append(_bound(item, item.upper_bound(this_year), MAX_VALUE))
    if item.step > 1:
        extensions.append({"url": STEP, "valueInteger": item.step})
    if item.unit:
        extensions.append(
            {
                "url": UNIT,
                "valueCoding": {
                    "system": "http://unitsofmeasure.org",
                    "code": item.unit,
                    "display": item.unit,
                },
            }
        )
    if extensions:
        out["extension"] = extensions
    children = [questionnaire_item(q, child, this_year) for child in item.items]
    if item.help:  # definition linkIds have no "-", so "<linkId>-help" is never taken
        children.append(
            {
                "linkId": f"{item.link_id}-help",
                "text": item.help,
                "type": "display",
                "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": HELP}],
            }
        )
    if children:
        out["item"] = children
    return out


def section_group(q: Questionnaire, section: Section, this_year: int) -> dict[str, Any]:
    """A top-level group; the section's introduction becomes its first, display, item."""
    intro = (
        [{"linkId": f"{section.id}-intro", "text": section.intro, "type": "display"}]
        if section.intro
        else []
    )
    return {
        "linkId": section.id,
        "text": section.title,
        "type": "group",
        "item": intro + [questionnaire_item(q, i, this_year) for i in section.items],
    }


def to_fhir_questionnaire(
    q: Questionnaire,
    today: date | None = None,
    translations: Mapping[str, Questionnaire] | None = None,
) -> dict[str, Any]:
    """The definition as a FHIR Questionnaire. ``translations`` ({"hi": the definition in
    Hindi}) are carried on each text with the core translation extension."""
    resource = _questionnaire(q, today)
    for language, translated in (translations or {}).items():
        _add_translation(resource, _questionnaire(translated, today), language)
    return resource


TRANSLATED = ("title", "text", "display")


def _add_translation(english: Any, other: Any, language: str) -> None:
    """Walk the two resources side by side (a translation changes words, never shape) and
    put each different text beside its English as ``_text``'s translation extension."""
    if isinstance(english, dict) and isinstance(other, dict):
        for key in list(english):
            if key in TRANSLATED and isinstance(english[key], str) and other.get(key):
                if other[key] != english[key]:
                    extensions = english.setdefault(f"_{key}", {}).setdefault("extension", [])
                    extensions.append(
                        {
                            "url": TRANSLATION,
                            "extension": [
                                {"url": "lang", "valueCode": language},
                                {"url": "content", "valueString": other[key]},
                            ],
                        }
                    )
            elif key in other:
                _add_translation(english[key], other[key], language)
    elif isinstance(english, list) and isinstance(other, list):
        for mine, theirs in zip(english, other, strict=False):
            _add_translation(mine, theirs, language)


def _questionnaire(q: Questionnaire, today: date | None) -> dict[str, Any]:
    this_year = (today or date.today()).year
    sections = [section_group(q, s, this_year) for s in q.sections]
    scores = [
        {
            "linkId": ins.total_id,
            "text": f"{ins.title} total",
            "type": ins.total_type,
            "readOnly": True,
            "extension": [
                {
                    "url": CALCULATED,
                    "valueExpression": {
                        "language": "text/fhirpath",
                        "expression": fhirpath.total(q, ins),
                    },
                }
            ],
        }
        for ins in q.instruments
    ]
    if scores:
        sections.append(
            {
                "linkId": SCORES_GROUP,
                "text": "Instrument totals (calculated)",
                "type": "group",
                "readOnly": True,
                "item": scores,
            }
        )
    return {
        "resourceType": "Questionnaire",
        "id": fhir_id(q.id),
        "url": q.url,
        "version": str(q.version),
        "name": q.id.replace("_", " ").title().replace(" ", ""),
        "title": q.title,
        "status": q.status,
        "publisher": q.publisher or None,
        "item": sections,
    }
