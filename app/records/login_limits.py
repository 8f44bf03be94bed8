"""The login limit: wrong passwords slow whoever sends them, never lock the owner out.

As OWASP ASVS 2.2 asks, two limits work together:
- **per client**: after ``LOCKOUT_FAILURES`` wrong passwords for an account from one client
  address, that address waits ``LOCKOUT_MINUTES`` for that account. The owner, on a phone
  or computer that has not failed, logs in as usual;
- **per account**: after ``ACCOUNT_SLOW_AFTER`` wrong passwords from anywhere, the account
  takes one try per ``ACCOUNT_SLOW_SECONDS``. Many addresses guessing together get a try
  a minute between them; the owner waits at most that long, or uses a reset link.

A try on the account is paid for before the password is checked: one UPDATE adds it to
the count unless the account is slowed, and is committed at once, so parallel wrong tries
cost no more password checks than the limit. A wrong current password on the
change-password page counts as a wrong password too. (Requests per client address are
limited as well, by Flask-Limiter on the routes: ``LOGIN_LIMIT``.)
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..platform.extensions import db
from . import audit
from .models import LoginFailure, User, utcnow


def client_address() -> str:
    return ((request.remote_addr if has_request_context() else None) or "unknown")[:64]


def client_locked(user: User, client: str) -> bool:
    """Whether ``client`` must wait before trying ``user``'s password again."""
    until = db.session.scalar(
        select(LoginFailure.locked_until).where(
            LoginFailure.user_id == user.id, LoginFailure.client == client
        )
    )
    return until is not None and until > utcnow()


def reserve_a_try(user: User) -> bool:
    """Count one try against ``user`` unless the account is slowed; True if counted.

    From ``ACCOUNT_SLOW_AFTER`` tries on, each counted try slows the account for
    ``ACCOUNT_SLOW_SECONDS``: parallel tries then get one check between them.
    """
    now = utcnow()
    config = current_app.config
    slowed_until = now + timedelta(seconds=config["ACCOUNT_SLOW_SECONDS"])
    counted = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(
            failed_logins=User.failed_logins + 1,
            locked_until=case(
                (User.failed_logins + 1 >= config["ACCOUNT_SLOW_AFTER"], slowed_until), else_=None
            ),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(user)
    return counted == 1


def record_failure(user: User, client: str) -> bool:
    """Count a wrong password for ``user`` from ``client``; True once that client is locked
    out of the account. Not committed."""
    now = utcnow()
    config = current_app.config
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    counted = db.session.execute(
        insert(LoginFailure)
        .values(
            user_id=user.id,
            client=client,
            count=1,
            last_at=now,
        )
        .on_conflict_do_update(
            index_elements=["user_id", "client"],
            set_={
                "count": case(
                    (
                        and_(
                            LoginFailure.locked_until.is_not(None), LoginFailure.locked_until <= now
                        ),
                        1,
                    ),
                    else_=LoginFailure.count + 1,
                ),
                "last_at": now,
            },
        )
        .returning(LoginFailure.id, LoginFailure.count)
    ).one()
    if counted.count < config["LOCKOUT_FAILURES"]:
        return False
    db.session.execute(
        update(LoginFailure)
        .where(LoginFailure.id == counted.id)
        .values(locked_until=now + timedelta(minutes=config["LOCKOUT_MINUTES"]))
    )
    return True


def succeeded(user: User, client: str) -> None:
    """The right password: the account's count starts again, and this client's too."""
    user.failed_logins = 0
    user.locked_until = None
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.client == client)
    )


def is_limited(user: User) -> bool:
    """Whether wrong passwords hold the account back now, from some address or any."""
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return True
    return (
        db.session.scalar(
            select(LoginFailure.id)
            .where(LoginFailure.user_id == user.id, LoginFailure.locked_until > now)
            .limit(1)
        )
        is not None
    )


def lift(user: User, by: User) -> None:
    """Staff let the person try again at once (they called, and it is them)."""
    user.failed_logins = 0
    user.locked_until = None
    db.session.execute(delete(LoginFailure).where(LoginFailure.user_id == user.id))
    audit.record("login.lift", actor=by, target=f"user {user.id}")
    db.session.commit()
