"""Checking credentials, with lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..invitations import normalise_phone
from ..models import User, utcnow
from ..passwords import verify_password
from ..security import new_token


def find_user(identifier: str) -> User | None:
    identifier = identifier.strip()
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == identifier.lower()))
    phone = normalise_phone(identifier)
    if not phone:
        return None
    candidates = {phone, phone.lstrip("+")}
    return db.session.scalar(select(User).where(User.phone.in_(candidates)))


def authenticate(identifier: str, password: str) -> User | None:
    """The user if the password is right and the account may log in, else None.

    Unknown account, wrong password, locked or disabled account all look the same to
    the person trying, so the page cannot be used to find out who has an account.
    """
    user = find_user(identifier)
    now = utcnow()
    config = current_app.config
    if user is None:
        verify_password(None, password)
        audit.record("login.failure", target="unknown account")
        db.session.commit()
        return None
    locked = user.locked_until is not None and user.locked_until > now
    if locked or not verify_password(user.password_hash, password) or not user.is_enabled:
        if not locked:
            user.failed_logins += 1
            if user.failed_logins >= config["LOCKOUT_FAILURES"]:
                user.locked_until = now + timedelta(minutes=config["LOCKOUT_MINUTES"])
                user.failed_logins = 0
        audit.record("login.failure", actor=user, locked=locked)
        db.session.commit()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    user.session_token = new_token()[1]
    audit.record("login.success", actor=user)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (logout, password change, deactivation)."""
    user.session_token = new_token()[1]
    db.session.commit()
