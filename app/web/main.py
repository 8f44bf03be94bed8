"""The front door: sends each person to the part of the app that is theirs."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from ..platform.health import readiness
from ..platform.security import typed_code
from ..records import patient_information, translations
from . import language
from .access import public

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.reads_answers:
        return redirect(url_for("clinic.worklist"))
    if current_user.is_staff:
        return redirect(url_for("desk.patients"))
    return redirect(url_for("patient.start"))


@bp.get("/healthz")
@public
def health():
    """Liveness: the process answers. Load balancers restart it when this fails."""
    return {"status": "ok"}


@bp.get("/readyz")
@public
def ready():
    """Readiness: the database (and Redis, when configured) answer; 503 when one does not."""
    checks = readiness()
    ok = all(state == "ok" for state in checks.values())
    return {"status": "ok" if ok else "unavailable", "checks": checks}, 200 if ok else 503


@bp.get("/about-scs")
@public
def about_scs():
    """The clinic's information for patients; opens without an account, prints cleanly."""
    text = translations.information(language.current())
    patient = getattr(current_user, "patient", None) if current_user.is_authenticated else None
    if patient is not None:
        patient_information.record_opened(patient, text.version)
    return render_template("info/about.html", text=text)


@bp.get("/i/<code>")
@public
def typed_link(code: str):
    """The short link printed on a letter, typed by hand in any case, with or without
    its dashes: the same page as the invitation link."""
    return redirect(url_for("auth.accept_invitation", token=typed_code(code)[:64]))
