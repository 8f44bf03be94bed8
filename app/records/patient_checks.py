"""The rules every way of inviting a patient applies (the invite page, an appointment list,
``flask invite create``): one function, so the three cannot drift apart."""

from __future__ import annotations

from datetime import date

from .identifiers import mobile_problem
from .messages import CHANNEL_NAMES
from .models import MESSAGE_CHANNELS

EARLIEST_BIRTH = date(1900, 1, 1)


def patient_problems(
    name: str | None,
    date_of_birth: date | None,
    phone: str | None,
    email: str | None,
    visit_date: date | None,
    channel: str | None,
    today: date,
) -> list[tuple[str, str]]:
    """(field, message) for each rule the details break, in the words the page shows."""
    problems = []
    if not (name or "").strip():
        problems.append(("name", "Enter the patient's name"))
    if date_of_birth and not EARLIEST_BIRTH <= date_of_birth <= today:
        problems.append(("date_of_birth", "The date of birth must be in the past"))
    if problem := mobile_problem(phone):
        problems.append(("phone", problem))
    # A past visit is most often a mistyped year, and would put the patient at the top of
    # the worklist as if their visit were due.
    if visit_date and visit_date < today:
        problems.append(
            ("visit_date", "The visit date has passed. Enter the planned date, or leave it empty")
        )
    if problem := channel_problem(channel, phone, email):
        problems.append(("channel", problem))
    return problems


def channel_problem(channel: str | None, phone: str | None, email: str | None) -> str | None:
    """Why the link cannot go by ``channel``: a text needs a mobile number, an email an
    address; None when it can (a letter always can)."""
    if channel and channel not in MESSAGE_CHANNELS:
        return "Choose SMS, WhatsApp, email or a letter"
    needs = {"sms": phone, "whatsapp": phone, "email": email}
    if channel in needs and not (needs[channel] or "").strip():
        what = "email address" if channel == "email" else "mobile number"
        return (
            f"Enter the {what} to send the link by {CHANNEL_NAMES[channel]}, or choose another way"
        )
    return None
