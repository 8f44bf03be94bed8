"""Finding patients by what staff type into a search box.

"Nair Suresh" finds Suresh Nair (every word, in any order), "suresh@example.org" the
email, "98450 12345" the mobile in any spelling, and "3214-C4FA" the reference read out
on the phone, "BLR/2026/00417" the hospital number, "91-1234-5678-9012" the ABHA number.
Each is a condition on the patients table, combined with OR.
"""

from __future__ import annotations

import re

from sqlalchemy import Select, and_, func, or_, select

from ..platform.extensions import db
from .identifiers import HOSPITAL_NUMBER, normalise_phone
from .models import Patient

_REFERENCE = re.compile(r"[0-9a-f]{4}-?[0-9a-f]{4}(/\d+)?")


def _contains(column, text: str):
    """A case-insensitive "contains" that treats % and _ literally."""
    pattern = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{pattern}%", escape="\\")


def name_contains(search: str):
    """Every word of ``search`` is somewhere in the name, in any order."""
    return and_(*(_contains(Patient.name, word) for word in search.split()))


def patient_matches(search: str):
    """Names in any order, or the email, the phone, the reference, the hospital number
    (UHID) or the ABHA number."""
    text = search.strip()
    conditions = [name_contains(text)]
    if re.search(r"[0-9]", text) and HOSPITAL_NUMBER.fullmatch(text):
        conditions.append(func.lower(Patient.hospital_number) == text.lower())
    if "@" in text:
        conditions.append(_contains(Patient.email, text.lower()))
    digits = re.sub(r"\D", "", text)
    if len(digits) == 14:
        conditions.append(Patient.abha_number == digits)
    if len(digits) >= 6:
        phone = normalise_phone(text)
        conditions.append(Patient.phone == phone if phone else _contains(Patient.phone, digits))
    if _REFERENCE.fullmatch(text.lower()):
        prefix = text.lower().split("/")[0].replace("-", "")
        conditions.append(Patient.ref.startswith(prefix, autoescape=True))
    return or_(*conditions)


# Counted exactly up to here; past it a page says "more than 10,000". Counting every
# match of a search among a million patients took longer than the page itself.
COUNT_UP_TO = 10_000


def count_and_page(stmt: Select, page: int, size: int) -> tuple[int, int, int]:
    """How many rows ``stmt`` finds (``COUNT_UP_TO + 1`` meaning more than that), the page
    asked for kept within the pages there are, and how many pages: (total, page, pages).
    A page past the last is the last; past the count, the pages go on while rows do."""
    total = db.session.scalar(
        select(func.count()).select_from(stmt.limit(COUNT_UP_TO + 1).subquery())
    )
    if total > COUNT_UP_TO:
        page = max(page, 1)
        return total, page, max(page + 1, -(-COUNT_UP_TO // size))
    pages = max(1, -(-total // size))
    return total, min(max(page, 1), pages), pages
