"""Error pages. Every error gets a plain page; a 500 rolls the session back first."""

from __future__ import annotations

import hmac

from flask import Flask, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..platform.extensions import db
from ..platform.security import keep_token_owner, session_fingerprint
from ..records.models import User
from .guards import HiddenCharacters
from .signals import posted_after_timeout

MESSAGES = {
    400: (_l("Something was wrong with that request"), _l("Please go back and try again.")),
    403: (_l("You cannot open this page"), _l("Your account does not give access to this page.")),
    404: (_l("Page not found"), _l("Check the address, or go back to the start.")),
    405: (_l("That did not work"), _l("Please go back and try again.")),
    410: (_l("This link no longer works"), _l("Please contact the clinic.")),
    413: (
        _l("That was too much to send at once"),
        _l("Please shorten your answers and try again."),
    ),
    429: (_l("Too many attempts"), _l("Please wait a few minutes before trying again.")),
    500: (_l("Sorry, something went wrong"), _l("Your saved answers are safe. Please try again.")),
}


def render_error(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    page = render_template(
        "errors/error.html", title=title or default_title, message=message or default_message
    )
    return page, code


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        if code in (429, 500):
            continue
        app.register_error_handler(code, lambda exc, code=code: render_error(code))

    @app.errorhandler(429)
    def too_many(exc):
        # A limit that answers in its own words (the FHIR API's OperationOutcome with
        # Retry-After) carries its response; the pages get the plain page.
        if getattr(exc, "response", None) is not None:
            return exc.response
        return render_error(429)

    @app.errorhandler(HiddenCharacters)
    def hidden_characters(exc):
        return render_error(400, _("That could not be read"), exc.description)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if request.path.startswith("/intake/section/") and not current_user.is_authenticated:
            return _page_after_logout()
        return render_error(
            400,
            _("Your page had expired"),
            _("For your security the page expired. Go back, reload the page and try again."),
        )

    def _page_after_logout():
        """A questionnaire page sent after its session ended (timed out, or the browser
        slept through it): what was typed is kept as the patient's draft of that page when
        the page's keep token proves whose it is, and shown again after they log in."""
        kept_at = None
        user = _page_owner(request.form.get("keep_token"))
        if user is not None:
            kept = posted_after_timeout.send(
                current_app._get_current_object(), user=user, request=request
            )
            kept_at = next((path for _, path in kept if path), None)
        if request.path.endswith("/autosave"):
            message = (
                _("You have been logged out. What you typed is kept: log in again to carry on.")
                if kept_at
                else _("You have been logged out. Press Save and continue, then log in again.")
            )
            return {"saved": bool(kept_at), "logged_out": True, "message": message}, 401
        if kept_at:
            flash(
                _(
                    "You were logged out because nothing happened for a while. What you typed "
                    "on that page is kept: log in to carry on from it."
                ),
                "info",
            )
        else:
            flash(
                _(
                    "You were logged out, so that page could not be saved. Log in to carry "
                    "on: your last saved draft of the page is kept."
                ),
                "info",
            )
        return redirect(url_for("auth.login", next=kept_at or request.path))

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return render_error(500)


def _page_owner(token: str | None) -> User | None:
    """The patient a page's keep token was made for, while that session is their last."""
    found = keep_token_owner(token)
    if found is None:
        return None
    user = db.session.get(User, found[0])
    if user is None or user.role != "patient" or not user.is_enabled:
        return None
    return user if hmac.compare_digest(session_fingerprint(user), found[1]) else None
