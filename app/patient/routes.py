"""The patient's pages: consent, one page per section, check answers, submit, copy."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from .. import definitions, patient_rights
from ..access import patient_required
from ..clock import clinic_today, local
from ..downloads import download
from ..models import QuestionnaireResponse
from ..questionnaire.definition import Questionnaire, Section
from ..questionnaire.enable_when import triggered_alerts
from ..questionnaire.progress import percent_done
from ..security import safe_next_url
from ..summary.answer_list import answer_list
from . import (
    drafts,  # noqa: F401 - keeps a page posted after the session timed out
    services,
)
from .forms import ConsentForm, SubmitForm
from .pages import conditional_items, page_errors
from .section_forms import (
    answers_to_formdata,
    normalise_formdata,
    parse_action,
    rows_over_limit,
    section_form_class,
)

bp = Blueprint("patient", __name__, url_prefix="/intake")


def _patient():
    patient = current_user.patient
    if patient is None:
        abort(403)
    return patient


def _draft() -> tuple[QuestionnaireResponse, Questionnaire] | None:
    """The patient's current response and its definition, or None before consent."""
    response = services.consented_response(current_user)
    if response is None:
        _patient()  # an account with no patient record gets a 403, not the consent page
        return None
    q = definitions.get(response.questionnaire_id, response.questionnaire_version)
    if q is None:
        abort(500)
    return response, q


def _section_or_404(q: Questionnaire, section_id: str) -> Section:
    section = q.section(section_id)
    if section is None:
        abort(404)
    return section


def _next_url(q: Questionnaire, section: Section, return_to: str | None) -> str:
    if return_to == "check" or section.number == len(q.sections):
        return url_for("patient.check")
    return url_for("patient.section", section_id=q.sections[section.number].id)


def _render_section(q, response, section, form, status=200, notice=None):
    form.prepare_for_display()
    form.lock_version.data = str(response.lock_version)
    own = {i.link_id for i in section.questions}
    others = {k: v for k, v in response.answers.items() if k not in own}
    left_out, rules, hints = conditional_items(q, section, others)
    states = services.progress(q, response)
    attributions = list(dict.fromkeys(
        ins.attribution for ins in q.instruments if own & set(ins.items)
    ))
    return render_template(
        "patient/section.html",
        attributions=attributions,
        q=q,
        section=section,
        form=form,
        errors=page_errors(form, section) if request.method == "POST" else [],
        left_out=left_out,
        rules=rules,
        hints=hints,
        states=states,
        percent=percent_done(states),
        notice=notice,
    ), status


@bp.get("/")
@patient_required
def start():
    found = _draft()
    if found is None:
        return redirect(url_for("patient.consent"))
    response, q = found
    if response.is_submitted:
        return redirect(url_for("patient.submitted"))
    section = services.resume_point(q, response)
    if section is None:
        return redirect(url_for("patient.check"))
    return redirect(url_for("patient.section", section_id=section.id))


@bp.route("/consent", methods=["GET", "POST"])
@patient_required
def consent():
    patient = _patient()
    form = ConsentForm()
    if form.validate_on_submit():
        services.record_consent(patient, current_user, definitions.current())
        return redirect(url_for("patient.start"))
    already = services.has_consented(patient)
    return render_template("patient/consent.html", form=form, already=already,
                           errors=form.agree.errors)


@bp.get("/section/<section_id>")
@patient_required
def section(section_id: str):
    found = _draft()
    if found is None:
        return redirect(url_for("patient.consent"))
    response, q = found
    if response.is_submitted:
        return redirect(url_for("patient.submitted"))
    section = _section_or_404(q, section_id)
    typed = services.pending_for(response, section)
    formdata = typed or answers_to_formdata(section, response.answers)
    if request.args.get("return_to") == "check":
        formdata = MultiDict(formdata)
        formdata.setlist("return_to", ["check"])
    form = section_form_class(q, section, FlaskForm)(formdata=formdata)
    notice = ("We kept what you typed last time. Check it, then press Save and continue."
              if typed else None)
    return _render_section(q, response, section, form, notice=notice)


@bp.post("/section/<section_id>")
@patient_required
def save_section(section_id: str):
    found = _draft()
    if found is None:
        return redirect(url_for("patient.consent"))
    response, q = found
    if response.is_submitted:
        flash("Your answers have already been sent to the clinic.", "info")
        return redirect(url_for("patient.submitted"))
    section = _section_or_404(q, section_id)
    verb, _, _ = parse_action(request.form)
    formdata = normalise_formdata(section, request.form)
    form = section_form_class(q, section, FlaskForm)(formdata=formdata)
    lock = request.form.get("lock_version")
    try:
        if verb != "save":
            services.save_pending(response, section, formdata, lock)
            return _render_section(q, response, section, form)
        if not form.validate(context=response.answers, today=clinic_today()):
            services.save_pending(response, section, formdata, lock)
            return _render_section(q, response, section, form)
        alerts = services.save_section(response, q, section, form.answers(), lock)
    except services.StaleDraft:
        services.save_pending(response, section, formdata, None)
        notice = ("Your answers were changed in another window or on another device after "
                  "you opened this page. What you typed here is shown below. Check it and "
                  "press Save and continue to keep it.")
        form.validate(context=response.answers, today=clinic_today())
        return _render_section(q, response, section, form, status=409, notice=notice)
    next_url = _next_url(q, section, form.return_to.data)
    if alerts:
        return redirect(url_for("patient.support", section_id=section.id, next=next_url))
    if request.form.get("action") == "save-later":
        flash("Your answers are saved. You can log out and come back at any time.", "success")
        return redirect(url_for("patient.section", section_id=section.id))
    return redirect(next_url)


@bp.post("/section/<section_id>/autosave")
@patient_required
def autosave(section_id: str):
    """Keep what is typed so far (called every so often by the page's script)."""
    found = _draft()
    if found is None:
        return {"saved": False, "message": "Please reload the page."}, 409
    response, q = found
    section = _section_or_404(q, section_id)
    if response.is_submitted:
        return {"saved": False, "message": "Your answers have already been sent."}, 409
    formdata = normalise_formdata(section, request.form, drop_blank_rows=False)
    if group := rows_over_limit(section, formdata):
        return {"saved": False, "message": f"You can add up to {group.max_rows} of these. "
                "Remove one, then press Save."}, 400
    try:
        services.save_pending(response, section, formdata, request.form.get("lock_version"))
    except services.StaleDraft:
        return {
            "saved": False,
            "message": "These answers were changed in another window. Press Save to keep "
                       "what you typed here.",
        }, 409
    return {"saved": True, "lock_version": response.lock_version,
            "saved_at": local(response.updated_at).strftime("%H:%M")}


@bp.get("/section/<section_id>/support")
@patient_required
def support(section_id: str):
    found = _draft()
    if found is None:
        return redirect(url_for("patient.consent"))
    response, q = found
    alerts = triggered_alerts(q, section_id, response.answers)
    fallback = url_for("patient.start")
    if not alerts:
        return redirect(fallback)
    next_url = safe_next_url(request.args.get("next"), fallback)
    if not next_url.startswith("/intake/"):
        next_url = fallback
    return render_template("patient/support.html", alerts=alerts, next_url=next_url)


@bp.get("/check")
@patient_required
def check():
    found = _draft()
    if found is None:
        return redirect(url_for("patient.consent"))
    response, q = found
    if response.is_submitted:
        return redirect(url_for("patient.submitted"))
    states = services.progress(q, response)
    form = SubmitForm(lock_version=str(response.lock_version))
    return render_template("patient/check.html", q=q, response=response,
                           answers=answer_list(q, response.answers),
                           done={s.section.id for s in states if s.done}, form=form)


@bp.post("/submit")
@patient_required
def submit():
    found = _draft()
    if found is None:
        return redirect(url_for("patient.consent"))
    response, q = found
    form = SubmitForm()
    if not form.validate_on_submit():
        return redirect(url_for("patient.check"))
    try:
        services.submit(response, q, form.lock_version.data)
    except services.NotReady as exc:
        flash(f"Please finish these sections first: {exc}.", "error")
        return redirect(url_for("patient.check"))
    except services.StaleDraft:
        flash("Your answers changed in another window. Please check them again, then send.",
              "error")
        return redirect(url_for("patient.check"))
    return redirect(url_for("patient.submitted"))


@bp.get("/submitted")
@patient_required
def submitted():
    found = _draft()
    if found is None:
        return redirect(url_for("patient.consent"))
    response, q = found
    if not response.is_submitted:
        return redirect(url_for("patient.start"))
    return render_template("patient/submitted.html", q=q, response=response,
                           answers=answer_list(q, response.answers))


@bp.get("/your-data")
@patient_required
def your_data():
    return render_template("patient/your_data.html", patient=_patient(), form=SubmitForm())


@bp.get("/your-data.json")
@patient_required
def your_data_json():
    patient = _patient()
    body = json.dumps(patient_rights.export_patient_data(patient), indent=2, ensure_ascii=False)
    return download(body, "application/json", f"my-answers-{patient.ref}.json")


@bp.post("/your-data/erase")
@patient_required
def request_erasure():
    if SubmitForm().validate_on_submit():
        patient_rights.request_erasure(_patient())
        flash("Your request is sent. The clinic will erase your data and may contact you "
              "to confirm.", "success")
    return redirect(url_for("patient.your_data"))
