"""Staff accounts: creating, re-roling and deactivating them. Each change is audited."""

from __future__ import annotations

from sqlalchemy import select

from ..platform.extensions import db
from ..platform.passwords import hash_password, password_problem
from ..platform.security import new_token
from . import audit
from .models import STAFF_ROLES, User


class StaffError(ValueError):
    """A change to a staff account that cannot be made; the message says why.

    ``field`` names the form field the message belongs beside.
    """

    def __init__(self, message: str, field: str = "email"):
        super().__init__(message)
        self.field = field


def create_staff(email: str, password: str, name: str, role: str, by: User | None = None) -> User:
    if role not in STAFF_ROLES:
        raise StaffError(f"Role must be one of {', '.join(STAFF_ROLES)}")
    email = email.strip().lower()
    problem = password_problem(password, email=email)
    if problem:
        raise StaffError(problem, field="password")
    if db.session.scalar(select(User).where(User.email == email)):
        raise StaffError(f"{email} already has an account")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password),
        session_token=new_token()[1],
    )
    db.session.add(user)
    db.session.flush()
    audit.record("staff.create", actor=by, target=f"user {user.id}", role=role)
    db.session.commit()
    return user


def change_role(user: User, role: str, by: User) -> None:
    if role not in STAFF_ROLES or user.role not in STAFF_ROLES:
        raise StaffError("Only staff roles can be changed here")
    if user.id == by.id:
        raise StaffError("You cannot change your own role")
    old, user.role = user.role, role
    user.session_token = new_token()[1]
    audit.record("staff.role", actor=by, target=f"user {user.id}", old=old, new=role)
    db.session.commit()


def allow_identified_exports(user: User, allowed: bool, by: User) -> None:
    """Let a clinician download the CSV with identifiers and free text, or stop it."""
    if user.role != "clinician":
        raise StaffError("Admins may always; the front desk never downloads answers")
    user.may_export_identified = allowed
    audit.record("staff.identified_exports", actor=by, target=f"user {user.id}", allowed=allowed)
    db.session.commit()


def set_enabled(user: User, enabled: bool, by: User) -> None:
    if user.id == by.id:
        raise StaffError("You cannot deactivate your own account")
    user.is_enabled = enabled
    user.session_token = new_token()[1]
    audit.record(
        "staff.activate" if enabled else "staff.deactivate", actor=by, target=f"user {user.id}"
    )
    db.session.commit()
