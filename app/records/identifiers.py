"""What people log in with, written one way: emails in lower case, phones in E.164.

"+91 98450-12345", "098450 12345" and "9845012345" are one phone, so the account they
name, its lock-out and its rate limit are one too. A number without a country code is
read in the clinic's region (``CLINIC_REGION``, ISO 3166 alpha-2).
"""

from __future__ import annotations

import re

import phonenumbers
from flask import current_app

from ..engine.wording import _


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def normalise_phone(phone: str | None, region: str | None = None) -> str | None:
    """``phone`` in E.164 ("+919845012345"), or None if it cannot be a phone number."""
    text = (phone or "").strip()
    if not text or len(text) > 40:
        return None
    region = region or current_app.config["CLINIC_REGION"]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_problem(phone: str | None) -> str | None:
    """Why ``phone`` cannot be used as a mobile number, in words for the form; None if it can."""
    if phone and phone.strip() and normalise_phone(phone) is None:
        return _(
            "Enter a mobile number, for example 98450 12345, or with the country code, "
            "for example +44 7700 900123"
        )
    return None


def mobile_problem(phone: str | None) -> str | None:
    """Why ``phone`` cannot be a patient's mobile, in words for the form; None if it can.

    A number the numbering plan knows as a landline ("080 4000 1234") is refused: texts
    and WhatsApp cannot reach it. A number whose kind is unknown is given the benefit of
    the doubt, as plans lag behind new ranges.
    """
    if problem := phone_problem(phone):
        return problem
    if not phone or not phone.strip():
        return None
    number = phonenumbers.parse(phone, current_app.config["CLINIC_REGION"])
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE:
        return _("This is a landline number: enter a mobile number, so texts can reach it")
    return None


HOSPITAL_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/.-]{0,31}")


def hospital_number_problem(text: str | None) -> str | None:
    """Why ``text`` cannot be a hospital number (UHID) as printed on a hospital card."""
    text = (text or "").strip()
    if text and not HOSPITAL_NUMBER.fullmatch(text):
        return "Use the hospital number as on the card: letters, digits, / . or -, up to 32"
    return None


def normalise_abha(text: str | None) -> str | None:
    """An ABHA number's 14 digits ("91-1234-5678-9012" -> "91123456789012"), or None."""
    digits = re.sub(r"[\s-]", "", text or "")
    return digits if re.fullmatch(r"[0-9]{14}", digits) else None


def abha_problem(text: str | None) -> str | None:
    if text and text.strip() and normalise_abha(text) is None:
        return "An ABHA number has 14 digits, for example 91-1234-5678-9012"
    return None


def abha_in_groups(digits: str) -> str:
    return f"{digits[:2]}-{digits[2:6]}-{digits[6:10]}-{digits[10:]}"


def normalise_identifier(identifier: str | None) -> str:
    """The account an email address or phone number names, written one way ("" if neither)."""
    text = (identifier or "").strip()
    if "@" in text:
        return normalise_email(text) or ""
    return normalise_phone(text) or ""


MAX_ID = 2**31 - 1  # PostgreSQL's integer, the type of every id column
ID_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(text: str | None) -> int | None:
    """An id typed into a form or query, or None when it cannot be one."""
    text = (text or "").strip()
    if not ID_DIGITS.fullmatch(text) or int(text) > MAX_ID:
        return None
    return int(text)
