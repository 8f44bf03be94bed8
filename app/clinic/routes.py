"""Clinic pages for clinicians and admins."""

from __future__ import annotations

from flask import Blueprint, flash, render_template
from flask_login import current_user

from ..access import staff_required
from ..invitations import invite_patient
from .forms import InvitePatientForm

bp = Blueprint("clinic", __name__, url_prefix="/clinic")


@bp.get("/")
@staff_required
def worklist():
    return render_template("clinic/worklist.html", rows=[])


@bp.route("/invite", methods=["GET", "POST"])
@staff_required
def invite():
    form = InvitePatientForm()
    link = None
    if form.validate_on_submit():
        patient, link = invite_patient(
            form.name.data, form.date_of_birth.data, form.email.data,
            form.visit_date.data, form.phone.data, invited_by=current_user,
        )
        flash(f"{patient.name} is invited. Send them the link below.", "success")
        form = InvitePatientForm(formdata=None)
    return render_template("clinic/invite.html", form=form, link=link)
