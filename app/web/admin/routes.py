"""Admin pages: staff accounts, clinic details, invitations, API tokens, the audit log,
erasure."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...platform.extensions import db
from ...records import accounts, api_tokens, clinic_details, invitations, sites
from ...records.identifiers import parse_id
from ...records.models import ApiToken, Invitation, Patient, User
from ...records.patient_rights import ErasureHeld, erase_patient, set_legal_hold
from ...records.staff import (
    StaffError,
    allow_identified_exports,
    change_role,
    create_staff,
    set_enabled,
)
from ..access import admin_required
from ..forms import CsrfForm
from ..guards import page_number
from . import services
from .forms import ApiTokenForm, ClinicProfileForm, NewStaffForm, StaffChangeForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: str | None) -> User:
    ident = parse_id(user_id)
    user = db.session.get(User, ident) if ident else None
    if user is None or not user.is_staff:
        abort(404)
    return user


def _staff_page(form: NewStaffForm | None = None, reset: tuple[User, str] | None = None):
    return render_template(
        "admin/staff.html",
        people=services.staff_list(),
        form=form or NewStaffForm(),
        change_form=StaffChangeForm(),
        confirm=CsrfForm(),
        reset=reset,
    )


@bp.route("/staff", methods=["GET", "POST"])
@admin_required
def staff():
    form = NewStaffForm()
    if form.validate_on_submit():
        try:
            create_staff(
                form.email.data, form.password.data, form.name.data, form.role.data, by=current_user
            )
            flash(f"Account created for {form.email.data}.", "success")
            return redirect(url_for("admin.staff"))
        except StaffError as exc:
            field = form.password if exc.field == "password" else form.email
            field.errors.append(str(exc))
    return _staff_page(form)


@bp.post("/staff/<int:user_id>/reset-link")
@admin_required
def staff_reset_link(user_id: int):
    """A one-time link to set a new password, shown here once for the admin to pass on."""
    person = _user_or_404(str(user_id))
    if not CsrfForm().validate_on_submit():
        abort(400)
    return _staff_page(reset=(person, accounts.issue_staff_reset(person, current_user)))


@bp.post("/staff/role")
@admin_required
def staff_role():
    form = StaffChangeForm()
    if form.validate_on_submit():
        try:
            change_role(_user_or_404(form.user_id.data), form.role.data, current_user)
            flash("Role changed.", "success")
        except StaffError as exc:
            flash(str(exc), "error")
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<int:user_id>/<any(activate, deactivate):change>")
@admin_required
def staff_enabled(user_id: int, change: str):
    if CsrfForm().validate_on_submit():
        try:
            set_enabled(_user_or_404(str(user_id)), change == "activate", current_user)
            flash(
                "Account activated."
                if change == "activate"
                else "Account deactivated: they can no longer log in.",
                "success",
            )
        except StaffError as exc:
            flash(str(exc), "error")
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<int:user_id>/identified-exports/<any(allow, stop):grant>")
@admin_required
def staff_identified_exports(user_id: int, grant: str):
    if CsrfForm().validate_on_submit():
        try:
            allow_identified_exports(_user_or_404(str(user_id)), grant == "allow", current_user)
            flash(
                "They may now download answers with identifiers."
                if grant == "allow"
                else "They may download de-identified answers only.",
                "success",
            )
        except StaffError as exc:
            flash(str(exc), "error")
    return redirect(url_for("admin.staff"))


@bp.route("/clinic", methods=["GET", "POST"], endpoint="clinic_details")
@admin_required
def edit_clinic_details():
    """The clinic's name, phone, email, address, hours, crisis line and time zone."""
    profile = clinic_details.current()
    form = ClinicProfileForm(obj=profile)
    if form.validate_on_submit():
        clinic_details.save({name: form[name].data for name in clinic_details.FIELDS}, current_user)
        flash("The clinic's details are saved. Patients see them from now on.", "success")
        return redirect(url_for("admin.clinic_details"))
    return render_template("admin/clinic.html", form=form)


@bp.route("/tokens", methods=["GET", "POST"])
@admin_required
def tokens():
    """API tokens for other systems; a new one is shown on this page once, never again."""
    form = ApiTokenForm()
    created = None
    if form.validate_on_submit():
        created = api_tokens.create(form.name.data, form.scopes.data, by=current_user)
        form = ApiTokenForm(formdata=None)
    return render_template(
        "admin/tokens.html",
        form=form,
        created=created,
        tokens=api_tokens.all_tokens(),
        confirm=CsrfForm(),
        failures=api_tokens.failures(),
    )


@bp.post("/tokens/<int:token_id>/revoke")
@admin_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if CsrfForm().validate_on_submit():
        api_tokens.revoke(token, current_user)
        flash(f"The token for {token.name} no longer works.", "success")
    return redirect(url_for("admin.tokens"))


@bp.route("/sites", methods=["GET", "POST"])
@admin_required
def sites_list():
    """The places the clinic sees patients; with none, nothing asks for a site."""
    problem = None
    if request.method == "POST":
        if not CsrfForm().validate_on_submit():
            abort(400)
        try:
            added = sites.add_site(request.form.get("name", "")[:200], current_user)
        except sites.SiteError as exc:
            problem = str(exc)
        else:
            flash(f"{added.name} is added.", "success")
            return redirect(url_for("admin.sites_list"))
    return render_template(
        "admin/sites.html", sites=sites.all_sites(), form=CsrfForm(), problem=problem
    )


@bp.get("/invitations")
@admin_required
def invitation_list():
    return render_template(
        "admin/invitations.html",
        rows=services.open_invitations(),
        confirm=CsrfForm(),
        erasure_requests=services.erasure_requests(),
    )


@bp.post("/invitations/<int:invitation_id>/revoke")
@admin_required
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    if CsrfForm().validate_on_submit():
        invitations.revoke_invitation(invitation, current_user)
        flash(f"The link for {invitation.patient.name} no longer works.", "success")
    return redirect(url_for("admin.invitation_list"))


@bp.route("/patients/<int:patient_id>/erase", methods=["GET", "POST"])
@admin_required
def erase(patient_id: int):
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        abort(404)
    form = CsrfForm()
    if form.validate_on_submit() and "legal_hold" in request.form:
        holding = request.form["legal_hold"] == "set"
        reason = (request.form.get("reason") or "").strip() if holding else None
        if holding and not reason:
            flash("Write why the record is held.", "error")
        else:
            set_legal_hold(patient, reason, current_user)
            flash("The legal hold is set." if holding else "The hold is lifted.", "success")
        return redirect(url_for("admin.erase", patient_id=patient.id))
    if form.validate_on_submit() and request.form.get("confirm_name") == patient.name:
        try:
            ref = erase_patient(patient, current_user)
        except ErasureHeld as exc:
            flash(f"This record is under a legal hold ({exc}): lift it first.", "error")
            return redirect(url_for("admin.erase", patient_id=patient.id))
        flash(f"The patient's answers, notes and identity are erased (reference {ref}).", "success")
        return redirect(url_for("admin.invitation_list"))
    mismatch = request.method == "POST"
    return render_template("admin/erase.html", patient=patient, form=form, mismatch=mismatch)


@bp.get("/audit")
@admin_required
def audit_log():
    args = request.args
    filters = services.AuditFilters(
        *(args.get(name, "") for name in ("action", "actor", "patient", "from", "to"))
    )
    found = services.audit_page(filters, page_number(args.get("page")))
    return render_template(
        "admin/audit.html",
        events=found.events,
        counted=found.counted,
        actions=found.actions,
        args=args,
        page_size=services.AUDIT_PAGE_SIZE,
    )
