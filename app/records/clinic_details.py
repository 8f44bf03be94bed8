"""The clinic's own details: name, phone, email, address, hours, crisis line, time zone.

An admin edits them (Admin → Clinic details); the row is the one source for every
patient page, email and PDF. Until an admin first saves it, the environment's values
seed it (``CLINIC_NAME``, ``CLINIC_PHONE``…), so a new install shows something sensible.
The profile is read once per request, and only by the pages that show it.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, current_app, g
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ..engine.opening_hours import parse_hours
from ..platform.extensions import db
from . import audit
from .models import ClinicProfile, User, utcnow

FIELDS = (
    "name",
    "phone",
    "email",
    "address",
    "opening_hours",
    "grievance_officer",
    "grievance_contact",
    "crisis_line",
    "crisis_numbers",
    "emergency_number",
    "time_zone",
)
log = logging.getLogger(__name__)


def seeded(config) -> ClinicProfile:
    """The profile the environment describes (not saved)."""
    return ClinicProfile(
        name=config["CLINIC_NAME"],
        phone=config.get("CLINIC_PHONE") or "",
        email=config.get("CLINIC_EMAIL") or "",
        address=config.get("CLINIC_ADDRESS") or "",
        opening_hours=config.get("CLINIC_HOURS") or "",
        grievance_officer=config.get("GRIEVANCE_OFFICER") or "",
        grievance_contact=config.get("GRIEVANCE_CONTACT") or "",
        crisis_line=config["CRISIS_LINE"],
        crisis_numbers=config["CRISIS_NUMBERS"],
        emergency_number=config["EMERGENCY_NUMBER"],
        time_zone=config["CLINIC_TIMEZONE"],
    )


def saved() -> ClinicProfile | None:
    return db.session.scalar(select(ClinicProfile).order_by(ClinicProfile.id).limit(1))


def current() -> ClinicProfile:
    """The clinic's details for this request: the saved row, else the environment's."""
    if "clinic_profile" not in g:
        try:
            # Read in the middle of a service's transaction (for the clinic's date), so
            # it must not flush that service's changes early.
            with db.session.no_autoflush:
                profile = saved()
        except DBAPIError as exc:
            # An error page while the database is down still names the clinic.
            db.session.rollback()
            log.warning("clinic profile unavailable: %s", type(exc).__name__)
            profile = None
        g.clinic_profile = profile or seeded(current_app.config)
    return g.clinic_profile


def save(values: dict[str, str], by: User) -> ClinicProfile:
    """Store the admin's edit and audit which fields changed."""
    profile = saved()
    if profile is None:
        profile = seeded(current_app.config)
        db.session.add(profile)
    changed = sorted(f for f in FIELDS if (getattr(profile, f) or "") != (values[f] or ""))
    for name in FIELDS:
        setattr(profile, name, (values[name] or "").strip())
    profile.updated_by_id = by.id
    audit.record("clinic.profile", actor=by, changed=changed)
    db.session.commit()
    g.pop("clinic_profile", None)
    g.pop("clinic_zone", None)  # the clock follows the saved zone from here on
    return profile


def require_phone(app: Flask) -> None:
    """Refuse to start (in production) with no number for patients to call.

    The urgent-advice page tells a patient with new numbness or weakness to call the
    clinic; without a number it cannot. The saved profile's phone counts, else
    ``CLINIC_PHONE``.
    """
    with app.app_context():
        try:
            profile = saved()
        except DBAPIError:  # before the first migration there is no profile table
            db.session.rollback()
            profile = None
        finally:
            db.session.remove()
    if not (profile.phone if profile else app.config.get("CLINIC_PHONE")):
        raise RuntimeError(
            "Set CLINIC_PHONE (or the phone under Admin → Clinic details): the urgent-advice "
            "page must give patients a number to call"
        )


def _tel(number: str) -> str:
    """The ``tel:`` address of a number as written: "+91 80 4000 1234" -> tel:+918040001234.

    A number written without a country code is dialled as written ("14416",
    "1-800-891-4416"): short codes and toll-free numbers only work that way.
    """
    digits = re.sub(r"\D", "", number)
    return "tel:" + ("+" if number.strip().startswith("+") else "") + digits


def phone_link(number: str | None) -> Markup:
    """A number as a tap-to-call link; nothing when there is no number."""
    if not number or not number.strip():
        return Markup("")
    return Markup('<a class="tel" href="{}">{}</a>').format(_tel(number), number.strip())


def phone_links(numbers: str | None) -> Markup:
    """Several numbers ("14416, 1-800-891-4416"), each a link, joined by "or" in the
    page's language."""
    parts = [n for n in re.split(r",|\bor\b", numbers or "") if n.strip()]
    joined_by = Markup(" {} ").format(_("or"))
    return joined_by.join(phone_link(n) for n in parts)


def email_link(address: str | None) -> Markup:
    if not address:
        return Markup("")
    return Markup('<a class="mailto" href="mailto:{}">{}</a>').format(
        address.strip(), escape(address.strip())
    )


def init_app(app: Flask) -> None:
    app.add_template_filter(phone_link, "tel")
    app.add_template_filter(phone_links, "tels")
    app.add_template_filter(email_link, "mailto")


def open_now() -> bool | None:
    """Whether the clinic is open at this moment by its hours, or None when its hours are
    not written in a form that can be read ("Mon–Sat 10:00–14:00")."""
    from .clock import local

    hours = parse_hours(current().opening_hours)
    return None if hours is None else hours.is_open(local(utcnow()))
