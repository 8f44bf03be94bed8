"""The patient's pages: consent, the questionnaire page by page, check answers, submit, copy.

A section is shown a page at a time (``/intake/section/<id>/<page>``). A list within a page
(medicines, procedures, operations) shows one line per row, and each row is added or
changed on a page of its own. ``POST /intake/section/<id>`` saves a whole section at once,
its lists' rows included (``medications-0-med_name``…), for scripts and tests.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from functools import wraps

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
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from ...engine.questionnaire.answers import required_message, row_line
from ...engine.questionnaire.definition import Page, Questionnaire, Section
from ...engine.questionnaire.enable_when import alert_triggers, enabled_link_ids, triggered_alerts
from ...engine.questionnaire.progress import percent_done
from ...engine.summary.answer_list import answer_list
from ...platform.security import keep_token, safe_next_url
from ...records import clinic_details, patient_information, patient_rights, questionnaires
from ...records.clock import clinic_today, local
from ...records.models import QuestionnaireResponse
from .. import language
from ..access import patient_required
from ..downloads import download
from . import services
from .forms import ConsentForm, SubmitForm
from .loading import (
    already_sent,
    conflict,
    patient_record,
    to_submitted,
    with_draft,
    with_page,
)
from .pages import PageError, conditional_items, field_anchor, page_errors
from .section_forms import (
    answers_to_formdata,
    normalise_formdata,
    parse_action,
    row_form_class,
    row_to_formdata,
    rows_over_limit,
    section_form_class,
)

bp = Blueprint("patient", __name__, url_prefix="/intake")
# Echoed back under "What happens next", so the patient brings them to the visit.
QUESTIONS_FOR_DOCTOR = "questions_for_doctor"
_RETURN = re.compile(r"check(?::(?P<link_id>[a-z][a-z0-9_]*))?")


def page_url(section: Section, page: Page | Section, **args) -> str:
    """Where a page is shown; a section's first page is the section's own address."""
    if page is section or page.number == 1:
        return url_for("patient.section", section_id=section.id, **args)
    return url_for("patient.section_page", section_id=section.id, page=page.number, **args)


def change_links() -> Callable[[Section, str], str]:
    """``change_url(section, link_id)``: where an answer's Change link on the check page
    goes, its page with the way back. A check page has a hundred such links on a score of
    pages, so each page's address is built once: building every link whole, with "Change"
    looked up for each in the template, was two fifths of the page's time."""
    pages: dict[tuple[str, int], str] = {}

    def change_url(section: Section, link_id: str) -> str:
        page = section.page_of(link_id)
        key = (section.id, page.number)
        if key not in pages:
            pages[key] = page_url(section, page)
        # Link ids are [a-z0-9_], as _RETURN reads them: nothing in the query to escape.
        return f"{pages[key]}?return_to=check:{link_id}#q-{link_id}"

    return change_url


def save_url(section: Section, page: Page | Section) -> str:
    """Where a page's form is sent (a whole section has its own address)."""
    if page is section:
        return url_for("patient.save_section", section_id=section.id)
    return url_for("patient.save_page", section_id=section.id, page=page.number)


def _return_to(value: str | None) -> str | None:
    """The check page (and the answer on it) to come back to after a Change, if any."""
    match = _RETURN.fullmatch(value or "")
    if not match:
        return None
    anchor = f"#a-{match['link_id']}" if match["link_id"] else ""
    return url_for("patient.check") + anchor


def _next_url(
    q: Questionnaire, section: Section, part: Page | Section, return_to: str | None
) -> str:
    back = _return_to(return_to)
    if back:
        return back
    if part is not section and part is not section.pages[-1]:
        return page_url(section, section.pages[part.number])
    if section.number == len(q.sections):
        return url_for("patient.check")
    following = q.sections[section.number]
    return page_url(following, following.pages[0])


def _lists(response: QuestionnaireResponse, part: Page | Section):
    """The lists on a page, each as (group, [(index, line)]), for the one-line-per-row view."""
    return [
        (
            item,
            [
                (n, row_line(item, row))
                for n, row in enumerate(response.answers.get(item.link_id) or [])
            ],
        )
        for item in part.questions
        if item.is_group
    ]


def _render_section(q, response, section, part, form, status=200, notice=None, errors=None):
    form.prepare_for_display()
    form.lock_version.data = str(response.lock_version)
    own = {i.link_id for i in part.questions}
    others = {k: v for k, v in response.answers.items() if k not in own}
    left_out, rules, hints = conditional_items(q, part, others)
    states = services.progress(q, response)
    attributions = list(
        dict.fromkeys(ins.attribution for ins in q.instruments if own & set(ins.items))
    )
    undo = (response.pending or {}).get(services.UNDO)
    removed = request.args.get("removed")
    return render_template(
        "patient/section.html",
        attributions=attributions,
        q=q,
        section=section,
        page=part,
        form=form,
        errors=errors
        if errors is not None
        else (page_errors(form, part) if request.method == "POST" else []),
        left_out=left_out,
        rules=rules,
        hints=hints,
        states=states,
        percent=percent_done(states),
        notice=notice,
        lists=_lists(response, part) if not form.inline_rows else [],
        undo=undo if undo and removed == undo["group"] else None,
        taken_back=request.args.get("taken_back"),
        page_url=page_url,
        save_url=save_url,
        keep_token=keep_token(current_user),
    ), status


def _form_for(q, response, part, inline_rows, formdata):
    return section_form_class(q, part, FlaskForm, inline_rows)(formdata=formdata)


@bp.get("/section/<section_id>", endpoint="section")
@bp.get("/section/<section_id>/<int:page>", endpoint="section_page")
@patient_required
@with_draft(sent=to_submitted)
@with_page()
def show_page(response, q, section, part):
    """A page of a section (its first page at the section's own address)."""
    # What was typed on this page; else what was typed when the whole section was sent.
    typed = services.pending_for(response, part) or services.pending_for(response, section)
    formdata = typed or answers_to_formdata(part, response.answers, inline_rows=False)
    if _return_to(request.args.get("return_to")):
        formdata = MultiDict(formdata)
        formdata.setlist("return_to", [request.args["return_to"]])
    form = _form_for(q, response, part, False, formdata)
    notice = (
        _("We kept what you typed last time. Check it, then press Save and continue.")
        if typed
        else None
    )
    return _render_section(q, response, section, part, form, notice=notice)


@bp.get("/")
@patient_required
@with_draft(sent=to_submitted)
def start(response, q):
    section = services.resume_point(q, response)
    if section is None:
        return redirect(url_for("patient.check"))
    return redirect(page_url(section, services.resume_page(q, section, response)))


@bp.route("/consent", methods=["GET", "POST"])
@patient_required
def consent():
    patient = patient_record()
    form = ConsentForm()
    if form.validate_on_submit():
        services.record_consent(
            patient,
            current_user,
            questionnaires.current(),
            research=form.research.data,
            given_by=form.given_by.data or "self",
            given_by_name=form.given_by_name.data,
        )
        return redirect(url_for("patient.start"))
    already = services.has_consented(patient)
    return render_template(
        "patient/consent.html",
        form=form,
        already=already,
        errors=form.agree.errors,
        retention_years=current_app.config["RECORD_RETENTION_YEARS"],
        about=patient_information.current(),
        q=questionnaires.current(),
    )


def _list_errors(q, response, part, form) -> list[PageError]:
    """A list that applies but has fewer rows than it needs ("add at least one procedure")."""
    merged = {**response.answers, **form.candidate_answers()}
    enabled = enabled_link_ids(q, merged)
    return [
        PageError(f"add-{item.link_id}", required_message(item), item.label)
        for item in part.questions
        if item.is_group
        and item.link_id in enabled
        and len(response.answers.get(item.link_id) or []) < item.min_rows
    ]


@bp.post("/section/<section_id>", endpoint="save_section")
@bp.post("/section/<section_id>/<int:page>", endpoint="save_page")
@patient_required
@with_draft(sent=already_sent)
@with_page(whole_section=True)
def save(response, q, section, part):
    """Save a page (or, for scripts, a whole section with its lists' rows)."""
    inline_rows = part is section
    verb = parse_action(request.form)[0]
    later = request.form.get("action") == "save-later"
    formdata = normalise_formdata(part, request.form, inline_rows=inline_rows)
    form = _form_for(q, response, part, inline_rows, formdata)
    lock = request.form.get("lock_version")
    try:
        if verb != "save":
            services.save_pending(response, part, formdata, lock)
            return _render_section(q, response, section, part, form)
        valid = form.validate(context=response.answers, today=clinic_today())
        missing_rows = [] if inline_rows else _list_errors(q, response, part, form)
        if not valid or missing_rows:
            services.save_pending(response, part, formdata, lock)
            if later:
                return redirect(url_for("patient.saved"))
            return _render_section(
                q, response, section, part, form, errors=page_errors(form, part, missing_rows)
            )
        alerts = services.save_section(response, q, section, part, form.owned, form.answers(), lock)
    except services.StaleDraft:
        services.save_pending(response, part, formdata, None)
        notice = _(
            "Your answers were changed in another window or on another device after "
            "you opened this page. What you typed here is shown below. Check it and "
            "press Save and continue to keep it."
        )
        form.validate(context=response.answers, today=clinic_today())
        return _render_section(q, response, section, part, form, status=409, notice=notice)
    next_url = (
        url_for("patient.saved") if later else _next_url(q, section, part, form.return_to.data)
    )
    if alerts:
        return redirect(url_for("patient.support", section_id=section.id, next=next_url))
    return redirect(next_url)


def _reload():
    return {"saved": False, "message": _("Please reload the page.")}, 409


def _sent():
    return {"saved": False, "message": _("Your answers have already been sent.")}, 409


@bp.post("/section/<section_id>/autosave", endpoint="autosave")
@bp.post("/section/<section_id>/<int:page>/autosave", endpoint="autosave_page")
@patient_required
@with_draft(missing=_reload, sent=_sent)
@with_page(whole_section=True)
def autosave(response, q, section, part):
    """Keep what is typed so far (called every so often by the page's script)."""
    formdata = normalise_formdata(
        part, request.form, drop_blank_rows=False, inline_rows=part is section
    )
    if group := rows_over_limit(part, formdata):
        return {
            "saved": False,
            "message": _(
                "You can add up to %(count)s of these. Remove one, then press Save.",
                count=group.max_rows,
            ),
        }, 400
    try:
        services.save_pending(response, part, formdata, request.form.get("lock_version"))
    except services.StaleDraft:
        return {
            "saved": False,
            "message": _(
                "These answers were changed in another window. Press Save to keep "
                "what you typed here."
            ),
        }, 409
    return {
        "saved": True,
        "lock_version": response.lock_version,
        "saved_at": local(response.updated_at).strftime("%H:%M"),
        "said": _("Draft saved at %(time)s.", time=local(response.updated_at).strftime("%H:%M")),
    }


def with_list(view):
    """Hand a row's view the list (a repeating group) the address names on its page."""

    @wraps(view)
    def wrapped(*args, part, group_id: str, **kwargs):
        group = next((i for i in part.questions if i.is_group and i.link_id == group_id), None)
        if group is None:
            abort(404)
        return view(*args, part=part, group=group, **kwargs)

    return wrapped


@bp.route("/section/<section_id>/<int:page>/rows/<group_id>/<int:row>", methods=["GET", "POST"])
@patient_required
@with_draft(missing=conflict, sent=conflict)
@with_page()
@with_list
def row(response, q, section, part, group, row: int):
    """One row of a list (a medicine, a procedure) on a page of its own."""
    rows = response.answers.get(group.link_id) or []
    adding = row == len(rows)
    if row > len(rows) or (adding and group.max_rows is not None and row >= group.max_rows):
        abort(404)
    form_class = row_form_class(group, FlaskForm)
    notice = None
    if request.method == "GET":
        typed = services.pending_for(response, services.row_key(group, row))
        if typed:
            notice = _("We kept what you typed last time. Check it, then save it.")
        stored = None if adding else row_to_formdata(group, rows[row])
        form = form_class(formdata=typed or stored)
    else:
        form = form_class()
        if form.validate(today=clinic_today()):
            try:
                services.save_row(response, q, group, row, form.answers(), form.lock_version.data)
            except services.StaleDraft:
                flash(_("Your answers changed in another window. Check this one again."), "error")
                return redirect(request.path)
            except services.TooManyRows:
                flash(_("You can add up to %(count)s of these.", count=group.max_rows), "error")
                return redirect(page_url(section, part))
            saved = _("%(thing)s %(number)s is saved.", thing=group.row_label, number=row + 1)
            flash(saved, "success")
            return redirect(page_url(section, part) + f"#row-{group.link_id}-{row}")
    form.lock_version.data = str(response.lock_version)
    errors = [
        PageError(field_anchor(child, child.link_id), e, child.text)
        for child in group.items
        for e in form[child.link_id].errors
    ]
    return render_template(
        "patient/row.html",
        q=q,
        section=section,
        page=part,
        group=group,
        form=form,
        number=row + 1,
        adding=adding,
        errors=errors,
        back=page_url(section, part),
        notice=notice,
        keep_token=keep_token(current_user),
    )


@bp.post("/section/<section_id>/<int:page>/rows/<group_id>/add")
@patient_required
@with_draft(missing=conflict, sent=conflict)
@with_page()
@with_list
def add_row(response, q, section, part, group):
    with contextlib.suppress(services.StaleDraft):  # the page kept elsewhere wins
        services.keep_page(response, q, part, request.form, request.form.get("lock_version"))
    count = len(response.answers.get(group.link_id) or [])
    return redirect(
        url_for(
            "patient.row",
            section_id=section.id,
            page=part.number,
            group_id=group.link_id,
            row=count,
        )
    )


@bp.post("/section/<section_id>/<int:page>/rows/<group_id>/<int:row>/remove")
@patient_required
@with_draft(missing=conflict, sent=conflict)
@with_page()
@with_list
def remove_row(response, q, section, part, group, row: int):
    try:
        services.remove_row(
            response,
            q,
            group,
            row,
            request.form.get("lock_version"),
            page=part,
            posted=request.form,
        )
    except services.StaleDraft:
        flash(_("Your answers changed in another window. Please look again."), "error")
    return redirect(page_url(section, part, removed=group.link_id) + f"#list-{group.link_id}")


@bp.post("/section/<section_id>/<int:page>/rows/undo")
@patient_required
@with_draft()
@with_page()
def undo_remove(response, q, section, part):
    try:
        if services.undo_remove(response, q, request.form.get("lock_version")):
            flash(_("It is back in the list."), "success")
    except services.StaleDraft:
        flash(_("Your answers changed in another window. Please look again."), "error")
    return redirect(page_url(section, part))


def _triggers(q: Questionnaire, alert, answers) -> list[str]:
    """The answers that led to an alert, in words ("Weakness in a leg or arm")."""
    words = []
    for question, value in sorted(alert_triggers(q, alert, answers), key=str):
        item = q.item(question)
        option = item.option(str(value)) if item.options else None
        words.append(option.display if option else str(value))
    return words


@bp.get("/section/<section_id>/support")
@patient_required
@with_draft()
def support(response, q, section_id: str):
    alerts = triggered_alerts(q, section_id, response.answers)
    fallback = url_for("patient.start")
    if not alerts:
        return redirect(fallback)
    next_url = safe_next_url(request.args.get("next"), fallback)
    if not next_url.startswith("/intake/"):
        next_url = fallback
    shown = [(alert, _triggers(q, alert, response.answers)) for alert in alerts]
    return render_template(
        "patient/support.html",
        alerts=shown,
        next_url=next_url,
        section_id=section_id,
        form=SubmitForm(lock_version=str(response.lock_version)),
        clinic_open=clinic_details.open_now(),
    )


@bp.post("/section/<section_id>/support/<alert_id>/mistake")
@patient_required
@with_draft()
@with_page()
def support_mistake(response, q, section, part, alert_id: str):
    """ "I ticked this by mistake": take the answer out and go back to the question."""
    alert = next((a for a in q.alerts if a.id == alert_id and a.section == section.id), None)
    form = SubmitForm()
    if alert is None or not form.validate_on_submit():
        abort(404)
    question = alert.when[0].question
    try:
        services.take_back(response, q, alert, form.lock_version.data)
    except services.StaleDraft:
        flash(_("Your answers changed in another window. Please look again."), "error")
        return redirect(page_url(section, section.page_of(question)) + f"#q-{question}")
    # The confirmation stands just above the question, where the page opens.
    return redirect(
        page_url(section, section.page_of(question), taken_back=question) + "#taken-back"
    )


@bp.get("/saved")
@patient_required
def saved():
    """After "Save and come back later": what was kept, and how to come back."""
    return render_template("patient/saved.html", patient=patient_record())


@bp.get("/check")
@patient_required
@with_draft(sent=to_submitted)
def check(response, q):
    states = services.progress(q, response)
    form = SubmitForm(lock_version=str(response.lock_version))
    return render_template(
        "patient/check.html",
        q=q,
        response=response,
        answers=answer_list(q, response.answers),
        done={s.section.id for s in states if s.done},
        form=form,
        change_url=change_links(),
    )


@bp.post("/submit")
@patient_required
@with_draft()
def submit(response, q):
    form = SubmitForm()
    if not form.validate_on_submit():
        return redirect(url_for("patient.check"))
    try:
        services.submit(response, q, form.lock_version.data, language.current())
    except services.NotReady as exc:
        flash(_("Please finish these sections first: %(sections)s.", sections=exc), "error")
        return redirect(url_for("patient.check"))
    except services.StaleDraft:
        flash(
            _("Your answers changed in another window. Please check them again, then send."),
            "error",
        )
        return redirect(url_for("patient.check"))
    return redirect(url_for("patient.submitted"))


@bp.get("/submitted")
@patient_required
@with_draft()
def submitted(response, q):
    if not response.is_submitted:
        return redirect(url_for("patient.start"))
    return render_template(
        "patient/submitted.html",
        q=q,
        response=response,
        answers=answer_list(q, response.answers),
        questions=response.answers.get(QUESTIONS_FOR_DOCTOR),
    )


@bp.get("/your-data")
@patient_required
def your_data():
    patient = patient_record()
    return render_template(
        "patient/your_data.html",
        patient=patient,
        form=SubmitForm(),
        consented=services.has_consented(patient),
    )


@bp.get("/your-data.json")
@patient_required
def your_data_json():
    patient = patient_record()
    body = json.dumps(patient_rights.export_patient_data(patient), indent=2, ensure_ascii=False)
    return download(body, "application/json", f"my-answers-{patient.ref}.json")


@bp.post("/your-data/withdraw")
@patient_required
def withdraw_consent():
    if SubmitForm().validate_on_submit() and services.withdraw_consent(
        patient_record(), current_user
    ):
        flash(
            _(
                "Your consent is withdrawn. Nobody will ask you for more, and your answers are "
                "no longer used for research. What you sent stays in your medical record."
            ),
            "success",
        )
    return redirect(url_for("patient.your_data"))


@bp.post("/your-data/erase")
@patient_required
def request_erasure():
    if SubmitForm().validate_on_submit():
        patient_rights.request_erasure(patient_record())
        flash(
            _(
                "Your request is sent. The clinic will erase your data and may contact you to "
                "confirm."
            ),
            "success",
        )
    return redirect(url_for("patient.your_data"))
