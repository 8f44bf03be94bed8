"""Admin pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..access import admin_required
from ..extensions import db
from ..models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/staff")
@admin_required
def staff():
    people = db.session.scalars(
        select(User).where(User.role != "patient").order_by(User.name)
    ).all()
    return render_template("admin/staff.html", people=people)
