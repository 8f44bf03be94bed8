"""Worklist pages in order: the next and previous pages start from a row of the page
before, so a deep page is one range of the order's index (no offset to count through)."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.platform.extensions import db
from app.records.models import User
from tests import factories
from tests.web.test_clinic import names_in_order, on_sqlite, page_query, query_plan

PAGE = 50


@pytest.fixture
def crowd(app):
    """130 patients: some urgent, some without a visit date, names that repeat."""
    with app.app_context():
        for n in range(130):
            factories.PatientFactory(
                name=f"Patient {n % 40:02d}",
                visit_date=None if n % 9 == 0 else date(2027, 1, 1) + timedelta(days=n % 13),
                is_urgent=n % 17 == 0,
            )
        db.session.commit()


def link(page: str, label: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)">{label}</a>', page)
    return html.unescape(found.group(1)) if found else None


def test_next_and_previous_pages_show_the_same_rows_as_numbered_pages(crowd, staff):
    numbered = [
        names_in_order(staff.get(f"/clinic/?who=all&page={n}").get_data(as_text=True))
        for n in (1, 2, 3)
    ]
    assert [len(p) for p in numbered] == [PAGE, PAGE, 30]
    page = staff.get("/clinic/?who=all").get_data(as_text=True)
    walked = [names_in_order(page)]
    for _ in range(2):
        following = link(page, "Next page")
        assert "after=" in following
        page = staff.get(following).get_data(as_text=True)
        walked.append(names_in_order(page))
    assert walked == numbered
    assert link(page, "Next page") is None  # the last page
    back = link(page, "Previous page")
    assert "before=" in back
    assert names_in_order(staff.get(back).get_data(as_text=True)) == numbered[1]


def test_urgent_patients_first_and_undated_last_across_the_pages(crowd, staff):
    page = staff.get("/clinic/?who=all").get_data(as_text=True)
    assert page.count("urgent-row") == 8  # 0, 17, 34 … 119
    last = staff.get(link(staff.get(link(page, "Next page")).get_data(as_text=True), "Next page"))
    rows = last.get_data(as_text=True).split("<tbody>")[1].split("<tr")[1:]
    assert all("urgent-row" not in r for r in rows)
    assert rows[-1].count("—") >= 1  # no visit date, at the end


def test_a_next_page_is_one_range_of_the_index(app, crowd, staff):
    if not on_sqlite(app):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans from table statistics")
    first = staff.get("/clinic/?who=all").get_data(as_text=True)
    following = link(first, "Next page")
    statement, parameters = page_query(app, staff, following)
    # From the last row of page 1 on; nothing skipped (SQLite writes "OFFSET 0").
    assert "name, patients.id) > (?, ?, ?)" in statement
    assert parameters[-1] == 0
    plan = query_plan(app, statement, parameters)
    assert "COVERING INDEX ix_patients_worklist_order" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize(
    ("query", "index"),
    [("", "ix_patients_clinician_order"), ("?status=submitted", "ix_patients_clinician_status")],
)
def test_a_doctors_own_list_is_one_range_of_an_index_of_theirs(app, clinic, staff, query, index):
    """Doctors hold clinics on their own days: read off everyone's order, "mine" walked
    past the other doctors' patients (tens of thousands at a clinic's scale)."""
    if not on_sqlite(app):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans from table statistics")
    with app.app_context():
        me = db.session.scalar(select(User.id).where(User.role == "clinician"))
        colleague = factories.StaffFactory(role="clinician", email="colleague@clinic.example").id
        for n in range(60):
            factories.PatientFactory(
                name=f"Patient {n:02d}",
                visit_date=date(2027, 1, 1) + timedelta(days=n % 6),
                clinician_id=me if n % 2 else colleague,
                worklist_status="submitted",
            )
        db.session.commit()
    page = staff.get("/clinic/" + query).get_data(as_text=True)
    assert names_in_order(page) == [
        f"Patient {n:02d}" for n in sorted(range(1, 60, 2), key=lambda n: (n % 6, n))
    ]
    statement, parameters = page_query(app, staff, "/clinic/" + query)
    plan = query_plan(app, statement, parameters)
    assert f"COVERING INDEX {index}" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize("urgent", [60, 40])
def test_pages_cross_from_urgent_to_other_patients_both_ways(app, staff, urgent):
    """With 60 urgent patients page 2 starts urgent and ends with others; with 40, page 1
    ends with others. Next and Previous cross that line as the numbered pages do."""
    with app.app_context():
        for n in range(110):
            factories.PatientFactory(
                name=f"Person {n:03d}", visit_date=date(2027, 2, 1), is_urgent=n < urgent
            )
        db.session.commit()
    numbered = [
        names_in_order(staff.get(f"/clinic/?who=all&page={n}").get_data(as_text=True))
        for n in (1, 2, 3)
    ]
    first = staff.get("/clinic/?who=all").get_data(as_text=True)
    second = staff.get(link(first, "Next page")).get_data(as_text=True)
    third = staff.get(link(second, "Next page")).get_data(as_text=True)
    assert [names_in_order(p) for p in (first, second, third)] == numbered
    back = staff.get(link(second, "Previous page")).get_data(as_text=True)
    assert names_in_order(back) == numbered[0]
    back = staff.get(link(third, "Previous page")).get_data(as_text=True)
    assert names_in_order(back) == numbered[1]
