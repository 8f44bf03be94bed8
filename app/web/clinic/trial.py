"""The trial with temporary leads, from the clinic's side: recording it, a new diary link,
and the trial brief's PDF page. The brief itself is on the patient's page."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ...records import messages, trials
from ...records.clock import clinic_today
from ..access import staff_required
from ..downloads import download
from ..forms import CsrfForm
from . import services
from .forms import TrialForm
from .routes import _patient_or_404, bp, pdf_or_apology
from .trial_brief import brief_context


@bp.route("/patients/<int:patient_id>/trial", methods=["GET", "POST"])
@staff_required
def start_trial(patient_id: int):
    patient = _patient_or_404(patient_id)
    form = TrialForm()
    baseline = trials.intake_baseline(patient)
    if form.validate_on_submit():
        given = float(form.baseline.data) if form.baseline.data is not None else None
        try:
            trial = trials.start(
                patient,
                form.start_date.data,
                form.days.data,
                given,
                form.note.data,
                current_user,
                clinic_today(),
            )
        except trials.TrialError as exc:
            form[exc.field].errors.append(str(exc))
        else:
            url = trials.diary_url(trial)
            sent = trials.tell_patient(trial, clinic_today(), by=current_user)
            how = (
                f"Today's diary message is on its way by {messages.CHANNEL_NAMES[patient.channel]}."
                if sent
                else "Give the patient the diary link: "
            )
            flash(f"Trial recorded. {how}" + ("" if sent else url), "success")
            return redirect(url_for("clinic.summary", patient_id=patient.id) + "#trial-title")
    return render_template(
        "clinic/trial_start.html", patient=patient, form=form, intake_baseline=baseline
    )


@bp.post("/patients/<int:patient_id>/trial/link")
@staff_required
def new_diary_link(patient_id: int):
    """A new diary link (a lost phone, a link stopped after wrong dates of birth)."""
    patient = _patient_or_404(patient_id)
    trial = trials.newest(patient)
    if trial is None or not CsrfForm().validate_on_submit():
        return redirect(url_for("clinic.summary", patient_id=patient.id))
    url = trials.new_link(trial, current_user)
    flash(f"New diary link (the earlier one no longer works): {url}", "success")
    return redirect(url_for("clinic.summary", patient_id=patient.id) + "#trial-title")


@bp.get("/patients/<int:patient_id>/trial.pdf")
@staff_required
def trial_pdf(patient_id: int):
    """The trial brief on one PDF page."""
    patient = _patient_or_404(patient_id)
    context = brief_context(patient)
    if context["trial"] is None:
        return redirect(url_for("clinic.summary", patient_id=patient.id))
    html = render_template("clinic/trial_pdf.html", patient=patient, **context)
    pdf, apology = pdf_or_apology(html, patient)
    if apology:
        return apology
    services.record_read("trial.pdf", patient, None)
    return download(pdf, "application/pdf", f"scs-trial-{patient.ref}.pdf")
