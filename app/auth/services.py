"""Checking credentials, with lock-out after repeated failures.

A try is paid for before the password is checked: one UPDATE adds it to the account's
count unless the count has reached the limit, and is committed at once. Parallel wrong
tries therefore cost at most ``LOCKOUT_FAILURES`` password checks, however many arrive
together. Every path (unknown, locked, disabled, wrong, right) does one argon2
computation, so the time taken does not tell which accounts exist.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, or_, select, update

from .. import audit
from ..extensions import db
from ..identifiers import normalise_identifier
from ..models import User, utcnow
from ..passwords import spend_a_check, verify_password
from ..security import new_token


def find_user(identifier: str) -> User | None:
    """The account an email address or phone number (any spelling) belongs to."""
    key = normalise_identifier(identifier)
    if not key:
        return None
    column = User.email if "@" in key else User.phone
    return db.session.scalar(select(User).where(column == key))


def _reserve_a_try(user: User) -> bool:
    """Count one try against ``user`` unless they are locked out; True if it was counted.

    A lock that has run out starts the count again.
    """
    now = utcnow()
    limit = current_app.config["LOCKOUT_FAILURES"]
    lock_over = and_(User.locked_until.is_not(None), User.locked_until <= now)
    counted = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.failed_logins < limit, lock_over))
        .values(failed_logins=case((lock_over, 1), else_=User.failed_logins + 1),
                locked_until=case((lock_over, None), else_=User.locked_until))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(user)
    return counted == 1


def authenticate(identifier: str, password: str) -> User | None:
    """The user if the password is right and the account may log in, else None.

    Unknown account, wrong password, locked or disabled account all look the same to
    the person trying, and take as long, so the page cannot tell who has an account.
    """
    user = find_user(identifier)
    counted = user is not None and _reserve_a_try(user)
    right = verify_password(user.password_hash, password) if counted else spend_a_check(password)
    accepted = right and user.is_enabled
    config = current_app.config
    if user is None:
        audit.record("login.failure", target="unknown account")
    elif accepted:
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = utcnow()
        user.session_token = new_token()[1]
        audit.record("login.success", actor=user)
    else:
        if counted and user.failed_logins >= config["LOCKOUT_FAILURES"]:
            user.locked_until = utcnow() + timedelta(minutes=config["LOCKOUT_MINUTES"])
        audit.record("login.failure", actor=user, locked=not counted)
    db.session.commit()
    return user if accepted else None


def end_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (logout, password change, deactivation)."""
    user.session_token = new_token()[1]
    db.session.commit()
