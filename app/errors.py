"""Error pages. Every error gets a plain page; a 500 rolls the session back first."""

from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from .extensions import db
from .guards import HiddenCharacters

MESSAGES = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    403: ("You cannot open this page", "Your account does not give access to this page."),
    404: ("Page not found", "Check the address, or go back to the start."),
    405: ("That did not work", "Please go back and try again."),
    410: ("This link no longer works", "Please contact the clinic."),
    413: ("That was too much to send at once", "Please shorten your answers and try again."),
    429: ("Too many attempts", "Please wait a few minutes before trying again."),
    500: ("Sorry, something went wrong", "Your saved answers are safe. Please try again."),
}


def render_error(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    page = render_template(
        "errors/error.html", title=title or default_title, message=message or default_message
    )
    return page, code


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        if code in (500,):
            continue
        app.register_error_handler(code, lambda exc, code=code: render_error(code))

    @app.errorhandler(HiddenCharacters)
    def hidden_characters(exc):
        return render_error(400, "That could not be read", exc.description)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        if request.path.startswith("/intake/section/") and not current_user.is_authenticated:
            # The session ended (the browser was closed, or it expired) while the page was
            # open. The page's last autosave is the draft; logging in again resumes there.
            flash("You were logged out, so that page could not be saved. Log in to carry "
                  "on: your last saved draft of the page is kept.", "info")
            return redirect(url_for("auth.login", next=request.path))
        return render_error(
            400,
            "Your page had expired",
            "For your security the page expired. Go back, reload the page and try again.",
        )

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return render_error(500)
