"""Submitted responses as CSV rows: one column per linkId, repeating groups by index.

Two kinds of file. The identified one (for the clinic's own use) has the patient's
reference, name, date of birth, contacts and exact times. The de-identified one (the
default) has none of these: each export gives every patient a new random study id,
ages come in ten-year bands, and visit and submission dates only as months. Free-text
answers (what a patient typed in their own words) are left out of both unless asked for.

Cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) are
prefixed with an apostrophe, so exported free text cannot execute.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..questionnaire.definition import Item, Questionnaire
from ..questionnaire.scoring import score_all

IDENTIFIED = (
    "patient_reference",
    "name",
    "date_of_birth",
    "email",
    "mobile",
    "visit_date",
    "revision",
    "submitted_at",
    "reviewed_at",
    "research_consent",
    "urgent_items",
)
DEIDENTIFIED = (
    "study_id",
    "age_band",
    "visit_month",
    "revision",
    "submitted_month",
    "reviewed",
    "research_consent",
    "urgent_items",
)
FREE_TEXT_TYPES = {"string", "text"}


@dataclass(frozen=True, slots=True)
class ExportRow:
    reference: str
    name: str
    date_of_birth: date
    email: str | None
    mobile: str | None
    visit_date: date | None
    revision: int
    submitted_at: datetime | None
    answers: Mapping[str, Any]
    reviewed_at: datetime | None = None  # when a clinician marked it reviewed
    research: str = "not asked"  # the patient's say on research: yes, no, not asked
    urgent: str = ""  # the patient's urgent items and their state ("Thoughts of self-harm: open")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _new_study_id() -> str:
    return secrets.token_hex(6)


def age_band(born: date, on: date) -> str:
    """Ten-year bands ("60-69"), and "90+"."""
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if age >= 90:
        return "90+"
    low = age // 10 * 10
    return f"{low}-{low + 9}"


def _exported(item: Item, free_text: bool) -> bool:
    return free_text or item.type not in FREE_TEXT_TYPES


def columns(
    q: Questionnaire, rows: list[ExportRow], identified: bool, free_text: bool = False
) -> list[str]:
    head = list(IDENTIFIED if identified else DEIDENTIFIED)
    for item in q.top_level_items():
        if not item.is_group:
            if _exported(item, free_text):
                head.append(item.link_id)
            continue
        most = max((len(r.answers.get(item.link_id) or []) for r in rows), default=0)
        head += [
            f"{item.link_id}-{n}-{c.link_id}"
            for n in range(most)
            for c in item.items
            if _exported(c, free_text)
        ]
    return head + score_columns(q)


def score_columns(q: Questionnaire) -> list[str]:
    """Each instrument's total, by its ``total_id``, and its band where it has bands."""
    return [
        name
        for ins in q.instruments
        for name in (ins.total_id, f"{ins.id}_band" if ins.bands else None)
        if name
    ]


def _month(moment: date | datetime | None) -> str | None:
    return moment.strftime("%Y-%m") if moment else None


def _flat(q: Questionnaire, row: ExportRow, study_id: str) -> dict[str, Any]:
    submitted = row.submitted_at.date() if row.submitted_at else None
    flat: dict[str, Any] = {
        "patient_reference": row.reference,
        "name": row.name,
        "date_of_birth": row.date_of_birth,
        "email": row.email,
        "mobile": row.mobile,
        "visit_date": row.visit_date,
        "revision": row.revision,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "reviewed_at": row.reviewed_at.isoformat() if row.reviewed_at else None,
        "reviewed": row.reviewed_at is not None,
        "research_consent": row.research,
        "urgent_items": row.urgent,
        "study_id": study_id,
        "visit_month": _month(row.visit_date),
        "submitted_month": _month(submitted),
        "age_band": age_band(row.date_of_birth, submitted) if submitted else None,
    }
    for key, value in row.answers.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for n, entry in enumerate(value):
                for child, child_value in entry.items():
                    flat[f"{key}-{n}-{child}"] = child_value
        else:
            flat[key] = value
    scores = score_all(q, row.answers)
    for ins_id, score in scores.items():
        flat[score.instrument.total_id] = score.total
        flat[f"{ins_id}_band"] = score.band
    return flat


def to_csv(
    q: Questionnaire,
    rows: Iterable[ExportRow],
    identified: bool,
    free_text: bool = False,
    new_study_id: Callable[[], str] = _new_study_id,
) -> str:
    """The CSV text; only the columns a kind of file may hold are written."""
    rows = list(rows)
    head = columns(q, rows, identified, free_text)
    study_ids: dict[str, str] = {}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    for row in rows:
        study_id = study_ids.setdefault(row.reference, new_study_id())
        flat = _flat(q, row, study_id)
        writer.writerow([_cell(flat.get(column)) for column in head])
    return out.getvalue()
