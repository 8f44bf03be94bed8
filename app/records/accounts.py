"""Passwords that can be changed and recovered: by the person, by an admin, by email, or
by a code sent by text to the mobile a patient logs in with.

Each function is one transaction and writes its audit event. A reset link is a random
token shown or sent once; only its hash is stored, it works once, and it stops working
after ``PASSWORD_RESET_HOURS``. Setting a password by any route ends every other session
of the account (the session token is rotated).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from ..engine.wording import _
from ..platform import jobs, mail, messaging
from ..platform.extensions import db
from ..platform.passwords import hash_password, password_problem, spend_a_check, verify_password
from ..platform.security import hash_token, new_token
from . import audit, clinic_details, login_limits, messages, translations
from .identifiers import normalise_email, normalise_phone
from .models import PasswordReset, User, utcnow


class AccountError(ValueError):
    """A password change that cannot be made; the message is shown beside ``field``."""

    def __init__(self, message: str, field: str = "password"):
        super().__init__(message)
        self.field = field


def _set_password(user: User, password: str) -> None:
    problem = password_problem(password, email=user.email, phone=user.phone)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.session_token = new_token()[1]
    user.failed_logins = 0
    user.locked_until = None


def change_password(user: User, current: str, new: str) -> None:
    """The logged-in person's own change; the current password is required.

    A wrong current password counts as a wrong password at login (``app/records/login_limits.py``):
    someone at an unattended session cannot guess it without limit.
    """
    client = login_limits.client_address()
    if login_limits.client_locked(user, client) or not login_limits.reserve_a_try(user):
        spend_a_check(current)
        raise AccountError(
            "Too many wrong tries: wait a few minutes, then try again", field="current"
        )
    right = verify_password(user.password_hash, current)
    if right:
        login_limits.succeeded(user, client)
        _set_password(user, new)
        audit.record("password.change", actor=user)
    else:
        login_limits.record_failure(user, client)
        audit.record("password.change_failure", actor=user)
    db.session.commit()
    if not right:
        raise AccountError("Your current password is not right", field="current")


def reset_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/auth/reset/{token}"


def _retire_resets(user: User, now) -> None:
    """Earlier unused links and codes of ``user`` stop working."""
    for old in db.session.scalars(
        select(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)
        )
    ):
        old.used_at = now


def _new_reset(user: User, by: User | None) -> str:
    """A fresh reset link for ``user``; earlier unused ones stop working."""
    now = utcnow()
    _retire_resets(user, now)
    token, token_hash = new_token()
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash,
            expires_at=now + timedelta(hours=hours),
            created_by_id=by.id if by else None,
        )
    )
    return reset_url(token)


def issue_staff_reset(user: User, by: User | None) -> str:
    """An admin's one-time link for a staff member who cannot log in; shown to the admin.

    ``by`` is None when the operator asks for it on the command line.
    """
    if not user.is_staff:
        raise AccountError("Patients get a new invitation link from the clinic instead")
    url = _new_reset(user, by)
    audit.record("password.reset_issue", actor=by, target=f"user {user.id}")
    db.session.commit()
    return url


def request_reset_by_email(email: str) -> bool:
    """Queue a reset email for ``email``; False if mail cannot be sent at all.

    The request does the same work whoever's address it is (no account is looked up
    here): the job looks the account up and sends the link only if an active account uses
    the address. The page's answer and its time are the same either way, so neither says
    who has an account, nor who is a patient of this clinic.
    """
    if not mail.can_send():
        return False
    audit.record("password.reset_request")
    db.session.commit()
    jobs.enqueue("password_reset_email", address=normalise_email(email) or "")
    return True


@jobs.job("password_reset_email")
def send_reset_email(address: str) -> None:
    """The job behind "Forgot your password?": a link for an active account, else nothing."""
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    if user is None or not user.is_enabled:
        return
    url = _new_reset(user, None)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    clinic = clinic_details.current().name
    language = user.patient.language if user.patient else None
    # In the patient's language when it is offered whole; staff read English.
    with force_locale(language if translations.is_offered(language) else "en"):
        subject = _("Set a new password for %(clinic)s", clinic=clinic)
        body = "\n\n".join(
            (
                _(
                    "Someone (we hope you) asked to set a new password for your %(clinic)s "
                    "account.",
                    clinic=clinic,
                ),
                _("Open this link within %(hours)s hours to choose a new password:", hours=hours)
                + "\n"
                + url,
                _("If you did not ask for this, ignore this email: your password stays as it is."),
            )
        )
    mail.send(user.email, subject, body + "\n")
    # Kept only once the mail server took it: a failed try leaves no link and no record,
    # and the queue tries again.
    audit.record(
        "password.reset_sent",
        target=f"user {user.id}",
        to=user.email,
        channel="email",
        template="password_reset",
        state="sent",
    )
    db.session.commit()


CODE_MINUTES = 15
CODE_TRIES = 5


def _code_hash(user: User, code: str) -> str:
    """Codes are six digits, so two accounts may get the same one: the hash names both."""
    return hash_token(f"{user.id}:{code}")


def request_reset_by_phone(phone: str) -> None:
    """Queue a one-time code for the account that logs in with ``phone``; as by email, the
    request does the same work whoever's number it is."""
    audit.record("password.reset_request", channel="text")
    db.session.commit()
    jobs.enqueue("password_reset_code", phone=normalise_phone(phone) or "")


@jobs.job("password_reset_code")
def send_reset_code(phone: str) -> None:
    """The job behind "send me a code": a code for an active account's mobile, else nothing."""
    user = db.session.scalar(select(User).where(User.phone == phone)) if phone else None
    if user is None or not user.is_enabled:
        return
    now = utcnow()
    _retire_resets(user, now)
    code = f"{secrets.randbelow(10**6):06d}"
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=_code_hash(user, code),
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    )
    channel = "whatsapp" if user.patient and user.patient.channel == "whatsapp" else "sms"
    language = user.patient.language if user.patient else None
    messaging.deliver(messages.outgoing_code(phone, channel, code, language))
    # Kept only once the provider took it: a failed try leaves no code, and is tried again.
    audit.record(
        "password.reset_sent",
        target=f"user {user.id}",
        to=phone,
        channel=channel,
        template="reset_code",
        state="sent",
    )
    db.session.commit()


def check_reset_code(phone: str, code: str) -> PasswordReset | None:
    """The reset a texted code opens, or None; five wrong codes and it is dead."""
    user = db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))
    reset = (
        db.session.scalar(
            select(PasswordReset)
            .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .order_by(PasswordReset.id.desc())
            .limit(1)
        )
        if user is not None
        else None
    )
    if reset is None or not reset.usable(utcnow()) or reset.failed_checks >= CODE_TRIES:
        spend_a_check(code)
        return None
    if secrets.compare_digest(reset.token_hash, _code_hash(user, "".join(code.split()))):
        return reset
    reset.failed_checks += 1
    audit.record("password.code_failure", actor=user, tries=reset.failed_checks)
    db.session.commit()
    return None


def find_reset(token: str) -> PasswordReset | None:
    """The usable reset a link's token names, or None."""
    if not token or len(token) > 100:
        return None
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    return reset if reset is not None and reset.usable(utcnow()) else None


def reset_password(reset: PasswordReset, new: str) -> User:
    """Set the new password through a reset link, which is then used up."""
    user = reset.user
    if not user.is_enabled:
        raise AccountError("This account is deactivated. Please ask an admin")
    _set_password(user, new)
    reset.used_at = utcnow()
    audit.record("password.reset", actor=user, by_admin=reset.created_by_id is not None)
    db.session.commit()
    return user
