"""The trial diary's pages. No account: the link, with the date of birth checked once in
this browser, opens the patient's own diary; the rules of which day may be written are
the engine's (``app.engine.trials``)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ...engine import trials as rules
from ...platform.extensions import limiter
from ...platform.security import hash_token
from ...records import translations, trials
from ...records.clock import clinic_today
from ...records.models import Trial
from .. import language
from ..access import public
from ..auth.forms import DateOfBirthForm
from ..patient.pages import conditional_items, page_errors
from ..patient.section_forms import answers_to_formdata, normalise_formdata, section_form_class
from . import pages

bp = Blueprint("diary", __name__, url_prefix="/diary")

SESSION_KEY = "diary"

PROBLEMS = {
    "unknown": (
        _l("This link does not work"),
        _l("Check you copied the whole link from the clinic's message, or ask the clinic."),
    ),
    "closed": (
        _l("Your trial diary has closed"),
        _l("The diary can be filled in during the trial and for three days after it."),
    ),
    "locked": (
        _l("This link has been stopped"),
        _l("The date of birth was entered wrongly too many times. Ask the clinic for a new link."),
    ),
}


def _diary_key() -> str:
    """Rate-limit key per diary link: tries at made-up links never block a real one."""
    return "diary:" + hash_token(request.view_args.get("token", ""))


def _problem(state: str):
    title, message = PROBLEMS[state]
    return render_template("auth/invitation_problem.html", title=title, message=message), (
        404 if state == "unknown" else 410
    )


def _trial_or_problem(token: str, today: date) -> tuple[Trial | None, object]:
    trial = trials.find(token)
    if trial is None:
        return None, _problem("unknown")
    language.for_link(trial.patient)  # the diary, or why it no longer opens, in theirs
    if trial.locked_at is not None:
        return None, _problem("locked")
    if today > trial.end_date + timedelta(days=rules.DAYS_AFTER):
        return None, _problem("closed")
    return trial, None


def _verified(trial: Trial) -> bool:
    return session.get(SESSION_KEY) == trial.id


def _first_page(token: str, trial: Trial, today: date):
    """Today's page when it is still to be written, else yesterday's, else the days."""
    written = {e.day for e in trial.entries}
    for day in trials.plan_of(trial).writable(today):
        if day not in written:
            return redirect(url_for("diary.day", token=token, day=day.isoformat()))
    return redirect(url_for("diary.days", token=token))


@bp.route("/<token>", methods=["GET", "POST"], endpoint="open")
@public
@limiter.limit(
    lambda: current_app.config["INVITATION_LIMIT"], methods=["POST"], key_func=_diary_key
)
def open_diary(token: str):
    """The link from the message: the date of birth once, then the day to write."""
    today = clinic_today()
    trial, problem = _trial_or_problem(token, today)
    if problem:
        return problem
    if today < trial.start_date:
        return render_template("diary/not_yet.html", trial=trial)
    if _verified(trial):
        return _first_page(token, trial, today)
    form = DateOfBirthForm()
    if form.validate_on_submit():
        born = form.date_of_birth()
        if born is not None and trials.check_date_of_birth(trial, born):
            session[SESSION_KEY] = trial.id
            patient = trial.patient
            if translations.is_offered(patient.language) and not request.args.get("lang"):
                session[language.SESSION_KEY] = patient.language
            return _first_page(token, trial, today)
        if born is not None:
            if trial.locked_at is not None:
                return _problem("locked")
            form.dob_day.errors = [
                _("This date of birth does not match the clinic's record. Check it and try again.")
            ]
    return render_template("diary/check.html", form=form, trial=trial)


def _open_trial(token: str) -> tuple[Trial, date]:
    """The trial of a link this browser has opened with the date of birth; else back to
    the link's first page."""
    today = clinic_today()
    trial, problem = _trial_or_problem(token, today)
    if problem:
        abort(make_response(problem))
    if not _verified(trial):
        abort(redirect(url_for("diary.open", token=token)))
    return trial, today


def _day_or_404(trial: Trial, text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if not trials.plan_of(trial).includes(day):
        abort(404)
    return day


@bp.route("/<token>/day/<day>", methods=["GET", "POST"])
@public
def day(token: str, day: str):
    trial, today = _open_trial(token)
    the_day = _day_or_404(trial, day)
    plan = trials.plan_of(trial)
    entry = trials.entry_for(trial, the_day)
    writable = the_day in plan.writable(today) and (
        entry is None or rules.may_change(entry.written_on, the_day, plan, today)
    )
    if not writable:
        return redirect(url_for("diary.days", token=token))
    q = translations.questionnaire(trials.diary(), language.current())
    part = pages.part_for(q, plan, the_day)
    goal = pages.goal_of(trial)
    form_class = section_form_class(q, part, FlaskForm)
    if request.method == "POST":
        form = form_class(formdata=normalise_formdata(part, request.form))
        if form.validate(today=today):
            answers = form.answers()
            if not goal:
                answers.pop("goal_progress", None)
            try:
                trials.save_entry(trial, the_day, answers, language.current(), today)
            except trials.EntryRefused as exc:
                flash(str(exc), "error")
                return redirect(url_for("diary.days", token=token))
            flash(_("Saved. Thank you. You can change it until midnight."), "success")
            return redirect(url_for("diary.days", token=token))
        errors = page_errors(form, part)
    else:
        form = form_class(formdata=answers_to_formdata(part, entry.answers) if entry else None)
        errors = []
    rules_json, hints = conditional_items(q, part, {})[1:]
    return render_template(
        "diary/day.html",
        trial=trial,
        token=token,
        day=the_day,
        number=plan.number(the_day),
        plan=plan,
        late=the_day < today,
        changing=entry is not None,
        pages=pages.shown(q, part, goal),
        form=form,
        errors=errors,
        rules=rules_json,
        hints=hints,
        day_name=format_date(the_day, "EEEE d MMMM"),
        other_day=next(
            (
                d
                for d in plan.writable(today)
                if d != the_day and trials.entry_for(trial, d) is None
            ),
            None,
        ),
    )


@bp.get("/<token>/days")
@public
def days(token: str):
    """Every day of the trial: written, missed (never filled in afterwards), or open."""
    trial, today = _open_trial(token)
    plan = trials.plan_of(trial)
    written = {e.day: e for e in trial.entries}
    rows = [
        {
            "number": plan.number(d),
            "day": d,
            "name": format_date(d, "EEEE d MMMM"),
            "state": rules.day_state(plan, d, d in written, today),
            "late": d in written and written[d].late,
            "changeable": d in written and rules.may_change(written[d].written_on, d, plan, today),
        }
        for d in plan.all_days()
    ]
    return render_template(
        "diary/days.html",
        trial=trial,
        token=token,
        rows=rows,
        today=today,
        finished=today > plan.last_day + timedelta(days=1),
    )
