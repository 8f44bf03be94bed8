"""Password hashing with argon2id, and the rules a new password must meet."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from ..engine.wording import _

MIN_LENGTH = 10
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "common-passwords.txt"


def _hasher() -> PasswordHasher:
    config = current_app.config
    return _cached_hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"])


@cache
def _cached_hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def spend_a_check(password: str) -> bool:
    """Spend the effort of a real check and fail, so a refusal takes as long as a check."""
    _hasher().hash(password)
    return False


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return spend_a_check(password)
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def _contains_identity(password: str, email: str | None, phone: str | None) -> bool:
    """Whether the password holds the account's email address or phone number."""
    if email and email.strip().lower() in password.lower():
        return True
    digits = "".join(c for c in password if c.isdigit())
    phone_digits = "".join(c for c in phone or "" if c.isdigit())
    # The number without its country code is what people type ("+919845012345": the
    # last ten digits), so that is what is looked for.
    return len(phone_digits) >= 8 and phone_digits[-10:] in digits


def password_problem(
    password: str, email: str | None = None, phone: str | None = None
) -> str | None:
    """Why ``password`` may not be used, in words for the person choosing it.

    ``email`` and ``phone`` are the account's: a password holding either is the first
    thing someone who knows the person would try.
    """
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)s characters", count=MIN_LENGTH)
    if len(password) > 200:
        return _("Use 200 characters or fewer")
    if password.lower() in common_passwords():
        return _("This password is too common. Choose one that is harder to guess")
    if _contains_identity(password, email, phone):
        return _("Do not use your email address or mobile number in your password")
    return None
