"""Checking credentials at login (the limits themselves are in ``app/records/login_limits.py``).

Every path (unknown, slowed, locked, disabled, wrong, right) does one argon2
computation, so the time taken does not tell which accounts exist.
"""

from __future__ import annotations

from sqlalchemy import select

from ...platform.extensions import db
from ...platform.passwords import spend_a_check, verify_password
from ...platform.security import new_token
from ...records import audit
from ...records.identifiers import normalise_identifier
from ...records.login_limits import (
    client_address,
    client_locked,
    record_failure,
    reserve_a_try,
    succeeded,
)
from ...records.models import User, utcnow


def find_user(identifier: str) -> User | None:
    """The account an email address or phone number (any spelling) belongs to."""
    key = normalise_identifier(identifier)
    if not key:
        return None
    column = User.email if "@" in key else User.phone
    return db.session.scalar(select(User).where(column == key))


def authenticate(identifier: str, password: str) -> User | None:
    """The user if the password is right and the account may log in, else None.

    Unknown account, wrong password, a locked client, a slowed or disabled account all
    look the same to the person trying, and take as long.
    """
    user = find_user(identifier)
    client = client_address()
    accepted = False
    if user is None:
        spend_a_check(password)
        audit.record("login.failure", target="unknown account")
    elif client_locked(user, client):
        spend_a_check(password)
        audit.record("login.failure", actor=user, locked=True, client_locked=True)
    else:
        counted = reserve_a_try(user)
        right = (
            verify_password(user.password_hash, password) if counted else spend_a_check(password)
        )
        accepted = right and user.is_enabled
        if accepted:
            succeeded(user, client)
            user.last_login_at = utcnow()
            user.session_token = new_token()[1]
            audit.record("login.success", actor=user)
        else:
            locked = record_failure(user, client) if counted else False
            audit.record("login.failure", actor=user, locked=not counted, client_locked=locked)
    db.session.commit()
    return user if accepted else None


def end_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (logout, password change, deactivation)."""
    user.session_token = new_token()[1]
    db.session.commit()
