"""Answers as a FHIR R4 QuestionnaireResponse, and back.

Groups nest as FHIR requires: each section is a group item; each row of a repeating
group is its own item with the group's linkId; a multi-choice question has one answer
per choice. Answer types follow the item types (valueBoolean, valueCoding,
valueInteger, valueDecimal, valueDate, valueString). The patient is a contained Patient
with name, birth date and the record's reference as identifier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from ..questionnaire.definition import Item, Questionnaire
from ..questionnaire.enable_when import prune_hidden
from ..questionnaire.scoring import score_all
from .fhir_questionnaire import SCORES_GROUP, coding

ALERT_EXTENSION = "urn:scs-intake:fhir:alert-shown"
# When a clinician marked the response reviewed (clinician notes stay in the app).
REVIEWED_EXTENSION = "urn:scs-intake:fhir:reviewed"
# Each urgent item the patient's answers raised, and what the clinic did about it.
URGENT_EXTENSION = "urn:scs-intake:fhir:urgent-item"
RESPONSE_SYSTEM = "urn:scs-intake:response"


PATIENT_SYSTEM = "urn:scs-intake:patient"
Problem = tuple[str | None, str]  # (the linkId or element it is about, what is wrong)


def _answers_for(item: Item, value: Any) -> list[dict[str, Any]]:
    if item.type == "boolean":
        return [{"valueBoolean": value}]
    if item.options:
        codes = value if isinstance(value, list) else [value]
        return [{"valueCoding": coding(item, c)} for c in codes]
    key = {"integer": "valueInteger", "decimal": "valueDecimal", "date": "valueDate"}.get(
        item.type, "valueString"
    )
    return [{key: value}]


def _item(item: Item, value: Any) -> list[dict[str, Any]]:
    if item.is_group:
        return [
            {
                "linkId": item.link_id,
                "text": item.text,
                "item": [
                    r
                    for child in item.items
                    if child.link_id in row
                    for r in _item(child, row[child.link_id])
                ],
            }
            for row in value
        ]
    return [{"linkId": item.link_id, "text": item.text, "answer": _answers_for(item, value)}]


def to_fhir_response(
    q: Questionnaire,
    answers: Mapping[str, Any],
    *,
    status: str,
    authored: datetime,
    patient_name: str,
    birth_date: date,
    reference: str,
    alert_times: Mapping[str, str] | None = None,
    identifiers: Sequence[tuple[str, str]] = (),
    reviewed: tuple[datetime, str] | None = None,
    urgent_items: Sequence[Mapping[str, Any]] = (),
    language: str | None = None,
) -> dict[str, Any]:
    """The response, with the patient contained and identified by their record's reference
    (``urn:scs-intake:patient``), so importing it back finds the same patient, and by
    ``identifiers`` (system, value): the hospital number, the ABHA number. ``reviewed``
    (when, by whom) and each of ``urgent_items`` (rule, label, state, raised, followed up
    and by whom) become extensions."""
    patient_ref = reference.rsplit("-", 1)[0]
    answers = prune_hidden(q, answers)
    sections = []
    for section in q.sections:
        items = [
            r
            for i in section.questions
            if i.link_id in answers
            for r in _item(i, answers[i.link_id])
        ]
        if items:
            sections.append({"linkId": section.id, "text": section.title, "item": items})
    totals = []
    for score in score_all(q, answers).values():
        if score.total is not None:
            ins = score.instrument
            key = "valueDecimal" if ins.total_type == "decimal" else "valueInteger"
            totals.append(
                {
                    "linkId": ins.total_id,
                    "text": f"{score.instrument.title} total",
                    "answer": [{key: score.total}],
                }
            )
    if totals:
        sections.append(
            {"linkId": SCORES_GROUP, "text": "Instrument totals (calculated)", "item": totals}
        )
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": RESPONSE_SYSTEM, "value": reference},
        "questionnaire": f"{q.url}|{q.version}",
        "status": "completed" if status == "submitted" else "in-progress",
        "authored": authored.isoformat(),
        "contained": [
            {
                "resourceType": "Patient",
                "id": "patient",
                "identifier": [
                    {"system": PATIENT_SYSTEM, "value": patient_ref},
                    *({"system": system, "value": value} for system, value in identifiers),
                ],
                "name": [{"text": patient_name}],
                "birthDate": birth_date.isoformat(),
            }
        ],
        "subject": {"reference": "#patient", "display": patient_name},
        "item": sections,
    }
    if language:  # the language the patient answered in (BCP 47: "hi", "en")
        resource["language"] = language
    if alert_times:
        resource["extension"] = [
            {
                "url": ALERT_EXTENSION,
                "extension": [
                    {"url": "alert", "valueCode": alert},
                    {"url": "shown", "valueDateTime": shown},
                ],
            }
            for alert, shown in sorted(alert_times.items())
        ]
    for item in urgent_items:
        parts = [
            {"url": "rule", "valueCode": item["rule"]},
            {"url": "label", "valueString": item["label"]},
            {"url": "state", "valueString": item["state"]},
            {"url": "raised", "valueDateTime": item["raised"].isoformat()},
        ]
        if item.get("followed_up"):
            parts += [
                {"url": "followedUp", "valueDateTime": item["followed_up"].isoformat()},
                {"url": "followedUpBy", "valueString": item["followed_up_by"]},
            ]
        resource.setdefault("extension", []).append({"url": URGENT_EXTENSION, "extension": parts})
    if reviewed:
        when, by = reviewed
        resource.setdefault("extension", []).append(
            {
                "url": REVIEWED_EXTENSION,
                "extension": [
                    {"url": "when", "valueDateTime": when.isoformat()},
                    {"url": "by", "valueString": by},
                ],
            }
        )
    return resource


def _value_from(item: Item, answer: Mapping[str, Any], notes: list[Problem]) -> Any:
    if item.type == "boolean":
        return answer.get("valueBoolean")
    if item.options:
        return (answer.get("valueCoding") or {}).get("code")
    key = {"integer": "valueInteger", "decimal": "valueDecimal", "date": "valueDate"}.get(
        item.type, "valueString"
    )
    value = answer.get(key)
    if item.type == "decimal" and isinstance(value, float) and value.is_integer():
        return int(value)
    if item.type == "date" and isinstance(value, str) and len(value) == 10:
        # Date questions here ask for a month and year; renderers send a whole date.
        notes.append((item.link_id, f"a full date ({value}) was sent; its month is kept"))
        return value[:7]
    return value


def _values(item: Item, entry: Mapping[str, Any], notes: list[Problem]) -> Any:
    values = [_value_from(item, a, notes) for a in entry.get("answer") or []]
    return values if item.is_multi else (values[0] if values else None)


def _read_items(
    q: Questionnaire,
    items: list[dict],
    into: dict[str, Any],
    problems: list[Problem],
    notes: list[Problem],
) -> None:
    for entry in items:
        link_id = entry.get("linkId")
        if link_id == SCORES_GROUP:
            continue
        if q.section(link_id) is not None:
            _read_items(q, entry.get("item") or [], into, problems, notes)
            continue
        item = q.items.get(link_id)
        if item is None:
            if entry.get("answer") or entry.get("item"):
                problems.append((link_id, f"unknown linkId '{link_id}'"))
            continue  # a display item (an introduction, a help text) carries nothing
        if item.is_group:
            row: dict[str, Any] = {}
            children = {c.link_id: c for c in item.items}
            for child_entry in entry.get("item") or []:
                child = children.get(child_entry.get("linkId"))
                if child is None:
                    problems.append(
                        (link_id, f"unknown linkId '{child_entry.get('linkId')}' in '{link_id}'")
                    )
                    continue
                value = _values(child, child_entry, notes)
                if value is not None:
                    row[child.link_id] = value
            into.setdefault(link_id, []).append(row)
            continue
        into[link_id] = _values(item, entry, notes)


def fhir_datetime(text: str | None) -> datetime | None:
    """A FHIR dateTime as a moment: a year, a month or a day alone is its first moment,
    in UTC ("2020" is 1 January 2020); a time carries its own zone."""
    if not text:
        return None
    parts = text.split("-") if "T" not in text else None
    if parts and len(parts) <= 3 and all(p.isdigit() for p in parts):
        numbers = [int(p) for p in parts] + [1] * (3 - len(parts))
        return datetime(*numbers, tzinfo=UTC)
    found = datetime.fromisoformat(text)
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def from_fhir_response(q: Questionnaire, resource: Mapping[str, Any]) -> dict[str, Any]:
    """Answers, status, times and the subject as sent, read from a QuestionnaireResponse.

    Every linkId that cannot be read is listed in ``problems``; what was read with a
    change (a whole date for a month) is listed in ``notes``. Who the subject is, is the
    caller's to decide (it needs the clinic's records).
    """
    answers: dict[str, Any] = {}
    problems: list[Problem] = []
    notes: list[Problem] = []
    _read_items(q, resource.get("item") or [], answers, problems, notes)
    alerts = {}
    for n, ext in enumerate(resource.get("extension") or []):
        if ext.get("url") != ALERT_EXTENSION:
            continue
        parts = {e.get("url"): e for e in ext.get("extension") or []}
        alert = (parts.get("alert") or {}).get("valueCode")
        shown = (parts.get("shown") or {}).get("valueDateTime")
        if not alert or not shown:
            problems.append(
                (
                    f"extension[{n}]",
                    "an alert-shown extension needs both parts: "
                    "alert (valueCode) and shown (valueDateTime)",
                )
            )
            continue
        alerts[alert] = shown
    identifier = resource.get("identifier") or {}
    value = identifier.get("value")
    reference = (
        value if identifier.get("system") == RESPONSE_SYSTEM and isinstance(value, str) else ""
    )
    revision = reference.rsplit("-", 1)[-1]
    return {
        "answers": {k: v for k, v in answers.items() if v is not None},
        "status": "submitted" if resource.get("status") == "completed" else "draft",
        "authored": fhir_datetime(resource.get("authored")),
        "alert_times": alerts,
        "revision": int(revision) if revision.isascii() and revision.isdigit() else None,
        "subject": resource.get("subject"),
        "contained": [
            c for c in resource.get("contained") or [] if c.get("resourceType") == "Patient"
        ],
        "problems": problems,
        "notes": notes,
    }
