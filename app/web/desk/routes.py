"""Front-desk pages: every patient's progress and messages, their contact details."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user

from ...platform.extensions import db
from ...platform.pdf import PdfUnavailable, render_pdf
from ...records import login_limits, merging, messages, questionnaires, sites, translations
from ...records.clock import clinic_today
from ...records.invitations import letter_link
from ...records.models import Patient
from ..access import desk_required
from ..downloads import download
from ..forms import CsrfForm
from ..guards import page_number
from . import services
from .forms import DetailsForm

bp = Blueprint("desk", __name__, url_prefix="/desk")


def _patient_or_404(patient_id: int) -> Patient:
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        abort(404)
    return patient


@bp.get("/")
@desk_required
def patients():
    search = (request.args.get("q") or "")[:120]
    day_text = request.args.get("day") or ""
    day = clinic_today() if day_text == "today" else None
    rows, counted = services.patients(search, day, page_number(request.args.get("page")))
    html = render_template(
        "desk/patients.html",
        rows=rows,
        counted=counted,
        search=search,
        day_text=day_text,
    )
    # Audited once drawn: committing first expired every patient on the page, and each
    # was then read again, one query a row.
    if search.strip():
        services.record_search(search, counted.total)
    return html


@bp.route("/patients/<int:patient_id>", methods=["GET", "POST"])
@desk_required
def patient(patient_id: int):
    """A patient's contact details, progress and messages; the details can be changed."""
    patient = _patient_or_404(patient_id)
    form = DetailsForm(obj=patient)
    form.kept_visit = patient.visit_date
    form.offer_specialists(services.specialists())
    form.offer_sites(sites.all_sites())
    if form.validate_on_submit():
        values = {field: getattr(form, field).data for field in services.DETAILS}
        changed = services.change_details(patient, values, current_user)
        words = ", ".join(name.replace("_", " ") for name in changed)
        flash(f"Saved: {words}." if changed else "Nothing changed.", "success")
        return redirect(url_for("desk.patient", patient_id=patient.id))
    progress = services.progress_of([patient.id]).get(patient.id, services.Progress("not_started"))
    page = render_template(
        "desk/patient.html",
        patient=patient,
        form=form,
        progress=progress,
        button_form=CsrfForm(),
        sent_messages=messages.for_patient(patient),
        template_names=messages.TEMPLATE_NAMES,
        usable_links=services.usable_links(patient),
        link_state=services.link_state(patient),
        held_back=patient.user is not None and login_limits.is_limited(patient.user),
        has_sites=bool(form.site_id.choices[1:]),
    )
    services.record_view(patient)
    return page


@bp.post("/patients/<int:patient_id>/revoke")
@desk_required
def revoke(patient_id: int):
    """Stop the patient's link (given to the wrong person, say): it no longer opens."""
    patient = _patient_or_404(patient_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    count = services.revoke_links(patient, current_user)
    flash("The link is stopped." if count else "There was no working link.", "success")
    return redirect(url_for("desk.patient", patient_id=patient.id))


@bp.post("/patients/<int:patient_id>/letter.pdf")
@desk_required
def letter(patient_id: int):
    """A one-page letter to hand or post to the patient: what to do, the link as a QR code
    and as a short address to type. It makes a new link; earlier ones stop working."""
    patient = _patient_or_404(patient_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    link = letter_link(patient, current_user)
    # In the patient's language when it is offered: the letter is theirs, not the desk's.
    language = patient.language if translations.is_offered(patient.language) else "en"
    with force_locale(language):
        html = render_template(
            "desk/letter_pdf.html",
            patient=patient,
            language=language,
            link=link,
            qr=services.qr_svg(link),
            typed=link.split("://", 1)[-1],
            expires=patient.invitations[-1].expires_at,
            minutes=questionnaires.current().minutes,
        )
    try:
        pdf = render_pdf(html, current_app.static_folder)
    except PdfUnavailable as exc:
        flash(f"The letter cannot be made here: {exc}", "error")
        return redirect(url_for("desk.patient", patient_id=patient.id))
    return download(pdf, "application/pdf", f"letter-{patient.ref}.pdf")


@bp.post("/patients/<int:patient_id>/lift")
@desk_required
def lift(patient_id: int):
    """Let a patient whom wrong passwords hold back try again now."""
    patient = _patient_or_404(patient_id)
    if not CsrfForm().validate_on_submit() or patient.user is None:
        abort(400)
    login_limits.lift(patient.user, current_user)
    flash("They can log in again now.", "success")
    return redirect(url_for("desk.patient", patient_id=patient.id))


@bp.post("/patients/<int:patient_id>/merge")
@desk_required
def merge(patient_id: int):
    """Merge a duplicate record (found by its reference) into this one: first shown side
    by side, merged once confirmed."""
    patient = _patient_or_404(patient_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    reference = (request.form.get("reference") or "")[:20]
    duplicate = merging.find_by_reference(reference)
    if duplicate is None or duplicate.id == patient.id:
        flash("No other record has that reference. Copy it from the other record's page.", "error")
        return redirect(url_for("desk.patient", patient_id=patient.id) + "#merge")
    if request.form.get("confirm") != "yes":
        services.record_view(duplicate)
        return render_template(
            "desk/merge.html", kept=patient, duplicate=duplicate, button_form=CsrfForm()
        )
    try:
        moved = merging.merge_patients(patient, duplicate, current_user)
    except merging.MergeError as exc:
        flash(str(exc), "error")
    else:
        flash(f"The records are one: {moved} revision(s) of answers moved here.", "success")
    return redirect(url_for("desk.patient", patient_id=patient.id))
