"""The clinic's clock: moments are stored in UTC and shown in the clinic's time zone.

A patient reads "Draft saved at 21:08" by the clock on their wall, and staff read when a
form was sent in the same hours as their visit list; exports keep UTC with its offset.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, g


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone ``name``; a name that is not one stops the app at start-up."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(
            f"CLINIC_TIMEZONE {name!r} is not a time zone name such as 'Asia/Kolkata' "
            "or 'Europe/London'"
        ) from None


def clinic_zone() -> ZoneInfo:
    """The zone of the clinic's profile (which an admin may change), else CLINIC_TIMEZONE;
    worked out once per request, as a page may show a hundred moments."""
    zone = g.get("clinic_zone")
    if zone is None:
        from .clinic_details import current

        zone = g.clinic_zone = _zone(current().time_zone) or current_app.extensions["clinic_zone"]
    return zone


@lru_cache(maxsize=16)
def _zone(name: str) -> ZoneInfo | None:
    """The zone named, or None when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local(moment: datetime) -> datetime:
    """``moment`` on the clinic's clock."""
    return moment.astimezone(clinic_zone())


def clinic_today() -> date:
    """Today's date on the clinic's clock: what "cannot be in the future" is checked against."""
    return datetime.now(clinic_zone()).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first and last moment of the clinic's ``day``, for filtering stored times."""
    zone = clinic_zone()
    return datetime.combine(day, time.min, zone), datetime.combine(day, time.max, zone)


def init_app(app: Flask) -> None:
    app.extensions["clinic_zone"] = zone_named(app.config["CLINIC_TIMEZONE"])
