"""Opening hours as the clinic writes them, and counting an hour of opening time."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.engine.opening_hours import after_open_minutes, parse_hours

IST = ZoneInfo("Asia/Kolkata")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in the week of Monday 4 January 2027, in India."""
    return datetime(2027, 1, 3 + day, hour, minute, tzinfo=IST)


@pytest.mark.parametrize(
    ("text", "days", "opens", "closes"),
    [
        ("Mon–Sat 10:00–14:00", {0, 1, 2, 3, 4, 5}, time(10), time(14)),
        ("mon-fri 9.30 - 17.00", {0, 1, 2, 3, 4}, time(9, 30), time(17)),
        ("Mon, Wed, Fri 10:00-13:00", {0, 2, 4}, time(10), time(13)),
        ("Saturday-Monday 08:00-12:00", {5, 6, 0}, time(8), time(12)),
        ("Mon-Sun 00:00-24:00", {0, 1, 2, 3, 4, 5, 6}, time(0), time.max),
    ],
)
def test_hours_are_read_as_clinics_write_them(text, days, opens, closes):
    hours = parse_hours(text)
    assert (set(hours.days), hours.opens, hours.closes) == (days, opens, closes)


@pytest.mark.parametrize(
    "text", ["", "Weekdays, mornings", "Mon-Sat 14:00-10:00", "Mon-Funday 10:00-14:00", None]
)
def test_hours_in_another_form_are_none(text):
    assert parse_hours(text) is None


HOURS = parse_hours("Mon–Sat 10:00–14:00")


@pytest.mark.parametrize(
    ("raised", "due"),
    [
        (at(1, 10, 0), at(1, 11, 0)),  # Monday morning: an hour later
        (at(5, 13, 30), at(6, 10, 30)),  # Friday 13:30: half an hour on Saturday morning
        (at(6, 13, 30), at(8, 10, 30)),  # Saturday 13:30: Sunday is closed
        (at(7, 9, 0), at(8, 11, 0)),  # raised on a Sunday: Monday 11:00
        (at(1, 22, 0), at(2, 11, 0)),  # at night: an hour after opening
        (at(1, 7, 0), at(1, 11, 0)),  # before opening, the same day
    ],
)
def test_an_hour_of_opening_time(raised, due):
    assert after_open_minutes(HOURS, raised, 60) == due


def test_the_clinic_is_open_only_in_its_hours():
    assert HOURS.is_open(at(1, 10, 0))
    assert not HOURS.is_open(at(1, 14, 0))
    assert not HOURS.is_open(at(7, 11, 0))  # Sunday
