"""Logging in: staff with email and password, patients through an invitation first."""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _

from ...platform.extensions import db, login_manager
from ...records.models import User

login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load by "<id>:<session token>"; a rotated token ends the old session."""
    ident, _, token = user_id.partition(":")
    if not ident.isdigit() or not token:
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.session_token != token or not user.is_enabled:
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    # Once only: requests that keep coming before the login page is shown (an autosave
    # after the session ended) would otherwise stack the same message up on that page.
    message = _("Please log in to continue.")
    if ("info", message) not in session.get("_flashes", []):
        flash(message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
