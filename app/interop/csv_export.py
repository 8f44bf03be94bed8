"""Submitted responses as CSV rows: one column per linkId, repeating groups by index.

Cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) are
prefixed with an apostrophe, so exported free text cannot execute.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..questionnaire.definition import Questionnaire
from ..questionnaire.scoring import score_all

IDENTIFIERS = ("name", "date_of_birth", "email", "mobile")
SCORE_COLUMNS = ("peg_score", "phq9_total", "phq9_band", "gad7_total", "gad7_band",
                 "auditc_total")


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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def columns(q: Questionnaire, rows: list[ExportRow], identifiers: bool) -> list[str]:
    head = ["patient_reference", *(IDENTIFIERS if identifiers else ()), "visit_date",
            "revision", "submitted_at"]
    for item in q.top_level_items():
        if not item.is_group:
            head.append(item.link_id)
            continue
        most = max((len(r.answers.get(item.link_id) or []) for r in rows), default=0)
        head += [f"{item.link_id}-{n}-{c.link_id}" for n in range(most) for c in item.items]
    return head + list(SCORE_COLUMNS)


def _flat(q: Questionnaire, row: ExportRow) -> dict[str, Any]:
    flat: dict[str, Any] = {
        "patient_reference": row.reference, "name": row.name,
        "date_of_birth": row.date_of_birth, "email": row.email, "mobile": row.mobile,
        "visit_date": row.visit_date, "revision": row.revision,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
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
        name = "peg_score" if ins_id == "peg" else f"{ins_id}_total"
        flat[name] = score.total
        flat[f"{ins_id}_band"] = score.band
    return flat


def to_csv(q: Questionnaire, rows: Iterable[ExportRow], identifiers: bool) -> str:
    rows = list(rows)
    head = columns(q, rows, identifiers)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    for row in rows:
        flat = _flat(q, row)
        writer.writerow([_cell(flat.get(column)) for column in head])
    return out.getvalue()
