"""Clinic pages for clinicians and admins: worklist, summary, notes, print and PDF."""

from __future__ import annotations

from datetime import timedelta

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
from flask_login import current_user

from ...engine.summary.builder import PatientInfo, for_patient, in_language
from ...platform.extensions import db
from ...platform.pdf import PdfUnavailable, render_pdf
from ...records import (
    appointment_lists,
    cohort_export,
    fhir_import,
    messages,
    patient_information,
    pdf_cache,
    questionnaires,
    sites,
    summaries,
    translations,
    urgent,
)
from ...records.clock import clinic_today, clinic_zone
from ...records.identifiers import abha_in_groups, parse_id
from ...records.invitations import existing_patient, invite_patient, reissue_invitation
from ...records.models import Patient, QuestionnaireResponse, UrgentItem
from ..access import desk_required, staff_required
from ..downloads import download
from ..forms import CsrfForm
from ..guards import page_number, query_for_link
from ..templating import readable_reference
from . import services
from .forms import (
    AcceptImportForm,
    AppointmentListForm,
    FollowUpForm,
    InvitePatientForm,
    NoteForm,
    RevisionForm,
)
from .trial_brief import brief_context

bp = Blueprint("clinic", __name__, url_prefix="/clinic")


def _whose() -> str:
    """ "mine" (the patients assigned to me) or "all": as asked, else mine when I have any."""
    asked = request.args.get("who")
    if asked in ("mine", "all"):
        return asked
    return "mine" if services.has_patients(current_user) else "all"


@bp.get("/")
@staff_required
def worklist():
    status = request.args.get("status") or None
    search = (request.args.get("q") or "")[:120]
    today = clinic_today()
    day_text = request.args.get("day") or ""
    day = services.chosen_day(day_text, today)
    who = _whose()
    page = services.worklist(
        status,
        search,
        page_number(request.args.get("page")),
        len(questionnaires.current().sections),
        day=day,
        today=today,
        clinician_id=current_user.id if who == "mine" else None,
        site_id=parse_id(request.args.get("site")),
        in_trial=request.args.get("trial") == "1",
        after=parse_id(request.args.get("after")),
        before=parse_id(request.args.get("before")),
    )
    html = render_template(
        "clinic/worklist.html",
        page=page,
        status=status,
        search=search,
        statuses=services.STATUSES,
        day=day,
        day_text=day_text,
        today=today,
        tomorrow=today + timedelta(days=1),
        who=who,
        sites=sites.all_sites(),
        site=parse_id(request.args.get("site")),
        bad_day=bool(day_text) and day is None,
        in_trial=request.args.get("trial") == "1",
    )
    # Audited once drawn, as the summary is: committing first would expire the rows the
    # page then reads again (the user, to begin with).
    if search.strip():
        services.record_search(search, page.counted.total)
    return html


@bp.get("/briefs.pdf")
@staff_required
def day_briefs():
    """One PDF with the brief (page 1) of every patient with a visit on the day."""
    day = services.chosen_day(request.args.get("day") or "", clinic_today())
    if day is None:
        abort(404)
    mine = current_user.id if request.args.get("who") == "mine" else None
    visits = list(services.day_patients(day, mine))
    education = patient_information.education_of(patient for patient, _ in visits)
    urgent_items = urgent.entries_by_patient([patient.id for patient, _ in visits])
    kept = summaries.kept_summaries([response for _, response in visits], clinic_zone().key)
    briefs = [
        (
            patient,
            response,
            _summary_for(patient, response, kept.get(response.id)),
            education[patient.id],
            urgent_items.get(patient.id, []),
        )
        for patient, response in visits
    ]
    html = render_template(
        "clinic/briefs_pdf.html",
        briefs=briefs,
        day=day,
        not_sent=services.day_patients_not_sent(day, mine),
    )
    pdf, apology = pdf_or_apology(html)
    if apology:
        return apology
    services.record_day_briefs(day, [(p, r) for p, r, *_ in briefs])
    return download(pdf, "application/pdf", f"briefs-{day.isoformat()}.pdf")


def pdf_or_apology(html: str, patient: Patient | None = None, response=None):
    """(the PDF of ``html``, kept or made, None), or (None, the page saying why none can
    be made here)."""
    try:
        made = pdf_cache.pdf_of(
            html,
            patient.id if patient else None,
            lambda: render_pdf(html, current_app.static_folder),
        )
    except PdfUnavailable as exc:
        page = render_template(
            "clinic/pdf_unavailable.html", patient=patient, response=response, reason=str(exc)
        )
        return None, (page, 503)
    return made, None


def _patient_or_404(patient_id: int) -> Patient:
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        abort(404)
    return patient


def _chosen_revision(
    revisions: list[QuestionnaireResponse], held: list[QuestionnaireResponse] = ()
) -> QuestionnaireResponse | None:
    """The revision asked for (an import waiting for staff too), else the newest
    submitted one."""
    wanted = request.args.get("revision")
    if wanted:
        number = parse_id(wanted)
        found = next((r for r in [*revisions, *held] if r.revision == number), None)
        if found is None or not found.is_submitted:
            abort(404)
        return found
    return next((r for r in reversed(revisions) if r.is_submitted), None)


def _summary_for(patient: Patient, response: QuestionnaireResponse, kept=None):
    """The revision's kept summary (``kept`` when already read), with the patient's
    identity as the record has it now and the language the answers were given in."""
    q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
    if q is None:
        abort(500)
    zone = clinic_zone()
    if kept is None:
        kept = summaries.kept_summary(response, q, zone.key)
    summary = for_patient(
        kept,
        PatientInfo(
            patient.name,
            patient.date_of_birth,
            patient.visit_date,
            readable_reference(patient.ref),
            patient.phone,
            patient.hospital_number,
            abha_in_groups(patient.abha_number) if patient.abha_number else None,
        ),
        zone,
    )
    return in_language(
        summary,
        translations.english_name(response.language),
        translations.unvalidated_instruments(q, response.language),
    )


@bp.get("/patients/<int:patient_id>")
@staff_required
def summary(patient_id: int):
    patient = _patient_or_404(patient_id)
    revisions, held = services.revisions_and_held(patient)
    response = _chosen_revision(revisions, held)
    context = {
        "patient": patient,
        "revisions": revisions,
        "response": response,
        "held": held,
        "accept_form": AcceptImportForm(),
        "notes": services.notes_for(patient),
        "note_form": NoteForm(),
        "revision_form": RevisionForm(),
        "latest": revisions[-1] if revisions else None,
        "button_form": CsrfForm(),
        "amendment": services.amendment(revisions, response) if response else None,
        "urgent_items": urgent.entries(urgent.items_for(patient)),
        "follow_up_form": FollowUpForm(),
        "sent_messages": messages.for_patient(patient),
        "template_names": messages.TEMPLATE_NAMES,
        **brief_context(patient),
    }
    if response is None:
        page = render_template("clinic/not_submitted.html", **context)
    else:
        page = render_template(
            "clinic/summary.html",
            summary=_summary_for(patient, response),
            education=patient_information.education_for(patient),
            **context,
        )
    # The read is audited before the page leaves; rendering first spares re-reading the
    # rows a commit expires.
    services.record_read("summary.view", patient, response)
    return page


@bp.get("/patients/<int:patient_id>/summary.pdf")
@staff_required
def summary_pdf(patient_id: int):
    patient = _patient_or_404(patient_id)
    revisions = services.revisions(patient)
    response = _chosen_revision(revisions)
    if response is None:
        abort(404)
    with_notes = request.args.get("notes") == "1"
    html = render_template(
        "clinic/summary_pdf.html",
        summary=_summary_for(patient, response),
        education=patient_information.education_for(patient),
        amendment=services.amendment(revisions, response),
        urgent_items=urgent.entries(urgent.items_for(patient)),
        notes=services.notes_for(patient) if with_notes else None,
        reviewed=response if response.reviewed_at else None,
    )
    pdf, apology = pdf_or_apology(html, patient, response)
    if apology:
        return apology
    services.record_read("summary.pdf", patient, response, notes=with_notes)
    return download(pdf, "application/pdf", f"scs-summary-{patient.ref}-r{response.revision}.pdf")


@bp.get("/patients/<int:patient_id>/questionnaire-response.json")
@staff_required
def questionnaire_response(patient_id: int):
    """Where the FHIR export was: it is served by the FHIR blueprint now."""
    return redirect(
        url_for("fhir.patient_response", **query_for_link({"patient_id": patient_id})), 308
    )


@bp.get("/export.csv")
@staff_required
def export_csv():
    """Submitted responses of the cohort; direct identifiers and free text only when asked
    for, and only by those an admin allowed (Admin → Staff)."""
    identifiers = request.args.get("identifiers") == "1"
    if (identifiers or request.args.get("free_text") == "1") and not (
        current_user.exports_identified
    ):
        flash(
            "Answers with identifiers or free text need an admin's permission "
            "(Admin → Staff). The de-identified file is open to every clinician.",
            "error",
        )
        return redirect(url_for("clinic.worklist"))
    body = cohort_export.export_cohort(
        request.args.get("q"),
        request.args.get("status") == "reviewed",
        identifiers,
        current_user,
        free_text=request.args.get("free_text") == "1",
    )
    name = "scs-intake-cohort" + ("" if identifiers else "-deidentified") + ".csv"
    return download(body, "text/csv", name)


@bp.post("/patients/<int:patient_id>/imports/<int:revision>/accept")
@staff_required
def accept_import(patient_id: int, revision: int):
    """Make an imported response the patient's: its identity matched, or staff say why."""
    patient = _patient_or_404(patient_id)
    response = _held_or_404(patient, revision)
    form = AcceptImportForm()
    if form.validate_on_submit():
        try:
            fhir_import.accept_import(response, current_user, form.override.data or "")
        except fhir_import.ImportNotAccepted as exc:
            flash(str(exc), "error")
        else:
            flash(f"Revision {revision} is accepted: it is now the patient's answers.", "success")
    return redirect(url_for("clinic.summary", patient_id=patient.id))


@bp.post("/patients/<int:patient_id>/imports/<int:revision>/reject")
@staff_required
def reject_import(patient_id: int, revision: int):
    patient = _patient_or_404(patient_id)
    response = _held_or_404(patient, revision)
    if CsrfForm().validate_on_submit():
        fhir_import.reject_import(response, current_user)
        flash(f"Revision {revision} is set aside; the patient never sees it.", "info")
    return redirect(url_for("clinic.summary", patient_id=patient.id))


def _held_or_404(patient: Patient, revision: int) -> QuestionnaireResponse:
    found = next((r for r in services.held_imports(patient) if r.revision == revision), None)
    if found is None:
        abort(404)
    return found


@bp.post("/patients/<int:patient_id>/notes")
@staff_required
def add_note(patient_id: int):
    patient = _patient_or_404(patient_id)
    form = NoteForm()
    if form.validate_on_submit():
        revisions = services.revisions(patient)
        services.add_note(
            patient, revisions[-1] if revisions else None, current_user, form.body.data
        )
        flash("Note saved.", "success")
    else:
        for error in form.body.errors:
            flash(error, "error")
    return redirect(url_for("clinic.summary", patient_id=patient.id) + "#notes")


def _revision_from_form(patient: Patient) -> QuestionnaireResponse:
    form = RevisionForm()
    number = parse_id(form.revision.data) if form.validate_on_submit() else None
    if number is None:
        abort(400)
    found = next((r for r in services.revisions(patient) if r.revision == number), None)
    if found is None:
        abort(404)
    return found


@bp.post("/patients/<int:patient_id>/review")
@staff_required
def mark_reviewed(patient_id: int):
    patient = _patient_or_404(patient_id)
    response = _revision_from_form(patient)
    if services.mark_reviewed(response, current_user):
        flash(f"Revision {response.revision} is marked as reviewed.", "success")
    return redirect(url_for("clinic.summary", patient_id=patient.id))


@bp.post("/patients/<int:patient_id>/reopen")
@staff_required
def reopen(patient_id: int):
    patient = _patient_or_404(patient_id)
    response = _revision_from_form(patient)
    draft = services.reopen(response, current_user)
    if draft is not None:
        told = messages.tell_patient(patient, "reopened", by=current_user)
        flash(
            f"Reopened for the patient as revision {draft.revision}. Revision "
            f"{response.revision} stays as it was submitted."
            + (f" They are told by {messages.CHANNEL_NAMES[told.channel]}." if told else ""),
            "success",
        )
    return redirect(url_for("clinic.summary", patient_id=patient.id))


@bp.post("/patients/<int:patient_id>/urgent/<int:item_id>")
@staff_required
def follow_up(patient_id: int, item_id: int):
    """Record that an urgent item was followed up: who, when (now) and what was done."""
    patient = _patient_or_404(patient_id)
    item = db.session.get(UrgentItem, item_id)
    if item is None or item.patient_id != patient.id:
        abort(404)
    form = FollowUpForm()
    if form.validate_on_submit():
        urgent.follow_up(item, current_user, form.action.data)
        flash(f"{item.label}: followed up.", "success")
    else:
        for error in form.action.errors:
            flash(error, "error")
    return redirect(url_for("clinic.summary", patient_id=patient.id) + f"#urgent-{item.id}")


@bp.post("/patients/<int:patient_id>/urgent/<int:item_id>/acknowledge")
@staff_required
def acknowledge(patient_id: int, item_id: int):
    """Say "I am dealing with it": the item stays open, and is not escalated."""
    patient = _patient_or_404(patient_id)
    item = db.session.get(UrgentItem, item_id)
    if item is None or item.patient_id != patient.id:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    urgent.acknowledge(item, current_user)
    flash(f"{item.label}: acknowledged. Record the follow-up once it is done.", "success")
    return redirect(url_for("clinic.summary", patient_id=patient.id) + f"#urgent-{item.id}")


@bp.route("/invite", methods=["GET", "POST"])
@desk_required
def invite():
    form = InvitePatientForm()
    link = known = invited = None
    if form.validate_on_submit():
        known = existing_patient(form.name.data, form.date_of_birth.data, form.email.data)
    if known is not None:
        services.record_duplicate_shown(known)
        form.email.errors = [
            *form.email.errors,
            (
                f"{known.name}, born {known.date_of_birth:%d %b %Y}, already has a record. To "
                "send them a new link (for a forgotten password, say), open their page and "
                "press Give a new link."
            ),
        ]
    elif form.validate_on_submit():
        patient, link = invite_patient(
            form.name.data,
            form.date_of_birth.data,
            form.email.data,
            form.visit_date.data,
            form.phone.data,
            invited_by=current_user,
            channel=form.channel.data,
            language=form.language.data or None,
        )
        if link is None:
            message = messages.queue(patient, "invitation", patient.channel, by=current_user)
            flash_sending(message, f"{patient.name} is invited. ")
        else:
            invited = patient
            flash(f"{patient.name} is invited. Give them the link below.", "success")
        form = InvitePatientForm(formdata=None)
    return render_template("clinic/invite.html", form=form, link=link, known=known, invited=invited)


@bp.route("/invite/list", methods=["GET", "POST"])
@desk_required
def invite_list():
    """Invite from an appointment list: check the CSV, then, once confirmed, invite."""
    form = AppointmentListForm()
    checked = text = None
    if form.validate_on_submit() and (text := form.csv_text()) is not None:
        checked = appointment_lists.check(text, clinic_today())
        if request.form.get("action") == "invite" and checked.problem is None:
            created = appointment_lists.invite_all(checked, current_user)
            flash(f"{len(created)} patients invited from the list.", "success")
            return redirect(url_for("desk.patients"))
    return render_template(
        "clinic/invite_list.html",
        form=form,
        checked=checked,
        text=text,
    )


def flash_sending(message, before: str = "") -> None:
    how = f"{messages.CHANNEL_NAMES[message.channel]} to {message.to}"
    if message.state == "failed":
        flash(f"{before}The link could not be sent by {how}: {message.reason}.", "error")
    else:
        flash(
            f"{before}The link is on its way by {how}; their page shows when it is sent.", "success"
        )


@bp.post("/patients/<int:patient_id>/new-link")
@desk_required
def new_link(patient_id: int):
    """A new invitation link for the same record: answers kept, a new password set."""
    patient = _patient_or_404(patient_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    if message := messages.tell_patient(patient, "invitation", by=current_user):
        flash_sending(message)
        page = "clinic.summary" if current_user.reads_answers else "desk.patient"
        return redirect(url_for(page, patient_id=patient.id) + "#messages")
    link = reissue_invitation(patient, current_user)
    return render_template("clinic/new_link.html", patient=patient, link=link)
