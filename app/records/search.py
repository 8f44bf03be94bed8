"""Finding patients by what staff type into a search box.

"Nair Suresh" finds Suresh Nair (every word, in any order), "suresh@example.org" the
email, "98450 12345" the mobile in any spelling, and "3214-C4FA" the reference read out
on the phone, "BLR/2026/00417" the hospital number, "91-1234-5678-9012" the ABHA number.
Each is a condition on the patients table, combined with OR.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from sqlalchemy import Date, Select, and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import aliased

from ..platform.extensions import db
from .identifiers import HOSPITAL_NUMBER, normalise_phone
from .models import LAST_DAY, WORKLIST_KEYS, WORKLIST_ORDER, Patient, worklist_order

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
# A search is counted up to a thousand: past that it is narrowed with another word, not
# read to the end, and each match counted is a name tested (about 2 µs each).
SEARCH_COUNT_UP_TO = 1_000


class Counted(NamedTuple):
    """How many rows a list found, and which of its pages is shown."""

    total: int  # exact up to ``up_to``; ``up_to + 1`` means more than that
    up_to: int
    page: int
    pages: int

    @property
    def more_than(self) -> int | None:
        """The cap the count passed ("more than 1,000 patients"), or None if exact."""
        return self.up_to if self.total > self.up_to else None


def count_up_to(search: str | None) -> int:
    """Where a list's count stops: lower for a search than for the whole list."""
    return SEARCH_COUNT_UP_TO if search and search.strip() else COUNT_UP_TO


def count_and_page(stmt: Select, page: int, size: int, up_to: int | None = None) -> Counted:
    """How many rows ``stmt`` finds, counted up to ``up_to`` (``COUNT_UP_TO`` unless
    given), and the page asked for kept within the pages there are. A page past the last
    is the last; past the count, the pages go on while rows do."""
    up_to = COUNT_UP_TO if up_to is None else up_to
    total = db.session.scalar(select(func.count()).select_from(stmt.limit(up_to + 1).subquery()))
    return _counted(total, up_to, page, size)


def _counted(total: int, up_to: int, page: int, size: int) -> Counted:
    if total > up_to:
        page = max(page, 1)
        return Counted(total, up_to, page, max(page + 1, -(-up_to // size)))
    pages = max(1, -(-total // size))
    return Counted(total, up_to, min(max(page, 1), pages), pages)


def ordered_matches(
    stmt: Select, order: Callable[..., tuple], page: int, size: int, up_to: int
) -> tuple[list | None, Counted | None]:
    """Page ``page`` of a search's matches and how many there are, from one reading of
    them: the matches, at most ``up_to + 1``, are counted and ordered (by ``order`` of
    their alias) together.

    A name search then runs its condition once, not again to count: at a million patients
    the trigram index's part of "Sunita Devi" is 5 ms and reading its rows 3 ms more. Past
    ``up_to`` the matches read are not the first in order: the count says "more than" and
    the rows are None, for the page to be read along the order's index. A page past the
    last has no row to carry the count: both are None.
    """
    capped = stmt.limit(up_to + 1).subquery()
    patient = aliased(Patient, capped)
    whole = _of_patients(stmt)
    matched = func.count().over().label("matched")
    rows = db.session.execute(
        select(*((patient,) if whole else capped.c), matched)
        .order_by(*order(patient))
        .limit(size)
        .offset((max(page, 1) - 1) * size)
    ).all()
    if not rows:
        return ([], Counted(0, up_to, 1, 1)) if page <= 1 else (None, None)
    counted = _counted(rows[0].matched, up_to, page, size)
    if counted.more_than:
        return None, counted
    return [row[0] for row in rows] if whole else rows, counted


def _of_patients(stmt: Select) -> bool:
    """Whether ``stmt`` reads whole patients (``select(Patient)``), not some columns."""
    return stmt.column_descriptions[0]["expr"] is Patient


def numbered_page(
    stmt: Select, order: Callable[..., tuple], page: int, size: int, up_to: int, searching: bool
) -> tuple[list, Counted]:
    """Page ``page`` of ``stmt`` in ``order`` and its count, two statements; a search's,
    when its matches are no more than ``up_to``, one (``ordered_matches``). A page past
    the last is the last."""
    rows, counted = ordered_matches(stmt, order, page, size, up_to) if searching else (None, None)
    if counted is None:
        counted = count_and_page(stmt, page, size, up_to)
    if rows is None or counted.page != page:
        rows = _rows_at(stmt, order(), counted.page, size)
    return rows, counted


def _rows_at(stmt: Select, order: tuple, page: int, size: int) -> list:
    """Page ``page`` of ``stmt`` in ``order``, by its number (an offset): patients, or rows
    of the columns ``stmt`` reads."""
    ordered = stmt.order_by(*order).limit(size).offset((page - 1) * size)
    if _of_patients(stmt):
        return list(db.session.scalars(ordered))
    return db.session.execute(ordered).all()


# The worklist's order read backwards, for the page before a row.
WORKLIST_BACKWARDS = (
    Patient.is_urgent.asc(),
    *(key.desc() for key in WORKLIST_KEYS),
)


def _anchor(anchor_id: int | None):
    """The worklist keys of the row a Next or Previous link starts from, if it is there."""
    if anchor_id is None:
        return None
    return db.session.execute(
        select(Patient.is_urgent, Patient.visit_date, Patient.name, Patient.id).where(
            Patient.id == anchor_id
        )
    ).first()


def _beyond(stmt: Select, anchor, size: int, backwards: bool) -> list:
    """Up to ``size`` rows after ``anchor`` in the worklist's order (before it, with
    ``backwards``), each read as one range of the order's index.

    Rows of the anchor's urgency first; past the last urgent row come the others, and
    before the first other row the urgent ones, read as a second range when the first
    falls short (one condition with OR would have the database sort every patient).
    """
    visit = anchor.visit_date or date.fromisoformat(LAST_DAY)
    edge = tuple_(literal(visit, Date()), literal(anchor.name), literal(anchor.id))
    keys = tuple_(*WORKLIST_KEYS)
    order = WORKLIST_BACKWARDS if backwards else WORKLIST_ORDER
    rows = db.session.execute(
        stmt.where(Patient.is_urgent == anchor.is_urgent, keys < edge if backwards else keys > edge)
        .order_by(*order)
        .limit(size)
    ).all()
    if len(rows) < size and anchor.is_urgent != backwards:
        rows += db.session.execute(
            stmt.where(Patient.is_urgent == (not anchor.is_urgent))
            .order_by(*order)
            .limit(size - len(rows))
        ).all()
    return rows[::-1] if backwards else rows


def counted_page(
    stmt: Select,
    page: int,
    size: int,
    after: int | None,
    before: int | None,
    up_to: int,
    searching: bool = False,
) -> tuple[list, Counted]:
    """A page of ``stmt`` in the worklist's order (``page_rows``) and its count.

    A search's numbered page and count come from one reading of its matches
    (``ordered_matches``). A list's first page with room to spare holds every row, so it
    is its own count.
    """
    if searching and after is None and before is None:
        return numbered_page(stmt, worklist_order, page, size, up_to, searching=True)
    if page <= 1 and after is None and before is None:
        rows = page_rows(stmt, 1, size, None, None)
        if len(rows) < size and len(rows) <= up_to:
            return rows, Counted(len(rows), up_to, 1, 1)
        return rows, count_and_page(stmt, 1, size, up_to)
    counted = count_and_page(stmt, page, size, up_to)
    return page_rows(stmt, counted.page, size, after, before), counted


def page_rows(stmt: Select, page: int, size: int, after: int | None, before: int | None):
    """A page of ``stmt`` in the worklist's order: the rows after (or before) a row of the
    page next to it, when the link says which, else by its number (an offset)."""
    anchor = _anchor(after or before)
    if anchor is not None:
        rows = _beyond(stmt, anchor, size, backwards=not after)
        if rows:
            return rows
    return _rows_at(stmt, WORKLIST_ORDER, page, size)
