"""The clinic's opening hours as something to count with: is it open now, and when is an
hour of opening time from now.

Read from the text the clinic shows patients ("Mon–Sat 10:00–14:00", "Mon-Fri 09:30-17:00",
"Mon, Wed, Fri 10:00-13:00"), so there is one source for both. Text in another form gives
None, and callers count by the clock instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DASH = r"\s*[-–—]\s*"
_TIME = r"(\d{1,2})[:.](\d{2})"
_HOURS = re.compile(rf"^(?P<days>[A-Za-z ,–—-]+?)\s+{_TIME}{_DASH}{_TIME}$")


@dataclass(frozen=True, slots=True)
class OpeningHours:
    days: frozenset[int]  # Monday is 0
    opens: time
    closes: time

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` (on the clinic's clock) falls in opening hours."""
        return moment.weekday() in self.days and self.opens <= moment.time() < self.closes


def _days(text: str) -> frozenset[int] | None:
    found: set[int] = set()
    for part in re.split(r"\s*,\s*", text.strip().lower()):
        ends = [p[:3] for p in re.split(_DASH, part) if p]
        if not ends or any(e not in DAYS for e in ends) or len(ends) > 2:
            return None
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        found.update(
            range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        )
    return frozenset(found)


def parse_hours(text: str | None) -> OpeningHours | None:
    """The hours a text such as "Mon–Sat 10:00–14:00" names, or None."""
    match = _HOURS.match((text or "").strip())
    if not match:
        return None
    days = _days(match.group("days"))
    h1, m1, h2, m2 = (int(g) for g in match.groups()[1:])
    if not days or not (h1 < 24 and m1 < 60 and m2 < 60 and (h2 < 24 or (h2, m2) == (24, 0))):
        return None
    opens = time(h1, m1)
    closes = time.max if h2 == 24 else time(h2, m2)  # "24:00": open to the day's end
    return OpeningHours(days, opens, closes) if opens < closes else None


def next_opening(hours: OpeningHours, moment: datetime) -> datetime:
    """``moment`` itself when the clinic is open, else when it next opens."""
    if hours.is_open(moment):
        return moment
    day = moment.date()
    if moment.time() >= hours.opens:
        day += timedelta(days=1)
    while day.weekday() not in hours.days:
        day += timedelta(days=1)
    return datetime.combine(day, hours.opens, moment.tzinfo)


def after_open_minutes(hours: OpeningHours, start: datetime, minutes: int) -> datetime:
    """The moment ``minutes`` of opening time after ``start`` (on the clinic's clock):
    raised at 13:30 on a Saturday, an hour of opening time ends at 10:30 on Monday."""
    moment, left = next_opening(hours, start), timedelta(minutes=minutes)
    while True:
        closing = datetime.combine(moment.date(), hours.closes, moment.tzinfo)
        if moment + left <= closing:
            return moment + left
        left -= closing - moment
        moment = next_opening(hours, closing)
