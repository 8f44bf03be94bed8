"""The front door: sends each person to the part of the app that is theirs."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from .access import public

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_staff:
        return redirect(url_for("clinic.worklist"))
    return redirect(url_for("patient.start"))


@bp.get("/healthz")
@public
def health():
    return {"status": "ok"}
