"""Login, logout, invitations, and the idle timeout."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ...platform import jobs, mail, messaging
from ...platform.extensions import limiter
from ...platform.security import hash_token, safe_next_url
from ...records import accounts, invitations
from ...records.identifiers import normalise_email, normalise_identifier, normalise_phone
from ...records.models import utcnow
from .. import language
from ..access import public, signed_in
from ..forms import CsrfForm
from ..signals import posted_after_timeout
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    CodeRequestForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ResetCodeForm,
)
from .services import authenticate, end_sessions

bp = Blueprint("auth", __name__, url_prefix="/auth")

INVITATION_PROBLEMS = {
    "unknown": (
        _l("This link does not work"),
        _l(
            "Check you copied the whole link from the message "
            "the clinic sent you, or ask the clinic for a new one."
        ),
    ),
    "expired": (
        _l("This link has expired"),
        _l(
            "Invitation links work for a limited time. Please "
            "contact the clinic and ask for a new link."
        ),
    ),
    "used": (
        _l("This link has already been used"),
        _l(
            "You have already set a password. Log in "
            "with your email address or mobile number and that password."
        ),
    ),
    "revoked": (
        _l("This link no longer works"),
        _l(
            "The clinic has cancelled this link, or the date "
            "of birth was entered wrongly too many times. Please contact the clinic."
        ),
    ),
}


def _login_key() -> str:
    """Rate-limit key per account tried, however it is spelled, so one account cannot be
    guessed at from many addresses."""
    return "login:" + normalise_identifier(request.form.get("identifier", "")[:254])


def _reset_key() -> str:
    return "reset:" + hash_token(request.view_args.get("token", ""))


def _forgot_key() -> str:
    return "forgot:" + (normalise_email(request.form.get("email", "")[:254]) or "")


def _invitation_key() -> str:
    """Rate-limit key per invitation link: tries at made-up links never block a real one."""
    return "invitation:" + hash_token(request.view_args.get("token", ""))


def _start_session(user) -> None:
    language.clear_session()
    login_user(user)
    session["last_seen"] = session["started"] = int(time.time())
    language.at_login(user, session.get(language.SESSION_KEY))


ABSOLUTE_SESSION_SECONDS = 12 * 3600
# Activity is noted at most once a minute: the signed cookie is then re-issued once a
# minute rather than on every response, and an idle session ends at most a minute early.
LAST_SEEN_STEP_SECONDS = 60


@bp.before_app_request
def enforce_idle_timeout():
    """Log out after a period without requests (staff sooner than patients).

    A patient's page posted after the time-out is kept as their draft first, so logging
    in again brings back what they typed.
    """
    if not current_user.is_authenticated or request.endpoint == "auth.session_status":
        return None
    now = int(time.time())
    minutes = current_app.config[
        "STAFF_IDLE_MINUTES" if current_user.is_staff else "PATIENT_IDLE_MINUTES"
    ]
    idle = now - session.get("last_seen", now) > minutes * 60
    expired = now - session.get("started", now) > ABSOLUTE_SESSION_SECONDS
    if idle or expired:
        back_to = request.path if request.method == "GET" else None
        if request.method == "POST":
            kept = posted_after_timeout.send(
                current_app._get_current_object(),
                user=current_user._get_current_object(),
                request=request,
            )
            back_to = next((path for _, path in kept if path), back_to)
        logout_user()
        language.clear_session()
        flash(
            _(
                "You were logged out after %(minutes)s minutes without activity. "
                "What you typed is kept: log in to carry on.",
                minutes=minutes,
            ),
            "info",
        )
        return redirect(url_for("auth.login", next=back_to))
    if now - session.get("last_seen", 0) >= LAST_SEEN_STEP_SECONDS:
        session["last_seen"] = now
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"], key_func=_login_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.identifier.data, form.password.data)
        if user is not None:
            _start_session(user)
            return redirect(safe_next_url(request.args.get("next"), url_for("main.index")))
        form.password.errors.append(
            _(
                "The email address, mobile number or password is not right. "
                "After several wrong tries you will have to wait 15 minutes."
            )
        )
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@public
def logout():
    form = CsrfForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        end_sessions(current_user)
        logout_user()
    language.clear_session()
    flash(_("You have logged out. Everything you saved is kept."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["INVITATION_LIMIT"], methods=["POST"], key_func=_invitation_key
)
def accept_invitation(token: str):
    invitation = invitations.find_invitation(token)
    if invitation is not None:  # its page, or why it no longer opens, in their language
        language.for_link(invitation.patient)
    state = invitation.state(utcnow()) if invitation else "unknown"
    if state != "usable":
        title, message = INVITATION_PROBLEMS[state]
        return render_template("auth/invitation_problem.html", title=title, message=message), (
            404 if state == "unknown" else 410
        )
    form = AcceptInvitationForm()
    form.account_email, form.account_phone = invitation.patient.email, invitation.patient.phone
    if request.method == "GET":
        form.phone.data = invitation.patient.phone
    if form.validate_on_submit():
        born = form.date_of_birth()
        # The date of birth first, counted against the link's tries: only the person the
        # link is for learns whether a number is taken, not someone trying numbers.
        if born is not None and invitations.check_date_of_birth(invitation, born):
            problem = invitations.login_problem(invitation, form.phone.data)
            if problem:
                form.phone.errors = [*form.phone.errors, problem]
            else:
                user = invitations.accept_invitation(
                    invitation, form.password.data, form.phone.data
                )
                _start_session(user)
                language.keep_for(invitation.patient)
                return redirect(url_for("patient.start"))
        elif born is not None:
            form.dob_day.errors = [
                _("This date of birth does not match the clinic's record. Check it and try again.")
            ]
            if invitation.revoked_at:
                title, message = INVITATION_PROBLEMS["revoked"]
                return render_template(
                    "auth/invitation_problem.html", title=title, message=message
                ), 410
    return render_template("auth/invitation.html", form=form, patient=invitation.patient)


@bp.route("/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """Change your own password; every other session of the account ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.password.data)
        except accounts.AccountError as exc:
            field = form[exc.field]
            field.errors = [*field.errors, str(exc)]
        else:
            _start_session(current_user._get_current_object())
            flash(
                _(
                    "Your password is changed. Anywhere else you were logged in, you are now "
                    "logged out."
                ),
                "success",
            )
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT"], methods=["POST"], key_func=_forgot_key)
def forgot_password():
    form = ForgotPasswordForm()
    sent = None
    if form.validate_on_submit():
        try:
            sent = accounts.request_reset_by_email(form.email.data)
        except (mail.MailError, jobs.JobError):
            sent = False
    return render_template(
        "auth/forgot.html",
        form=form,
        sent=sent,
        can_send=mail.can_send(),
        code_form=CodeRequestForm(formdata=None),
        can_text=messaging.can_send_texts(),
    )


@bp.post("/forgot/code")
@public
@limiter.limit(lambda: current_app.config["RESET_LIMIT"])
def send_code():
    """A code by text to the mobile a patient logs in with; the next page takes it."""
    form = CodeRequestForm()
    if not messaging.can_send_texts() or not form.validate_on_submit():
        return render_template(
            "auth/forgot.html",
            form=ForgotPasswordForm(formdata=None),
            sent=None,
            can_send=mail.can_send(),
            code_form=form,
            can_text=messaging.can_send_texts(),
        )
    try:
        accounts.request_reset_by_phone(form.phone.data)
    except jobs.JobError:
        flash(_("We could not send a code just now. Please try again later."), "error")
        return redirect(url_for("auth.forgot_password"))
    session["reset_phone"] = normalise_phone(form.phone.data)
    return redirect(url_for("auth.reset_with_code"))


@bp.route("/reset-code", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], methods=["POST"])
def reset_with_code():
    """Type the texted code and a new password (the code works 15 minutes, 5 tries)."""
    phone = session.get("reset_phone")
    if not phone:
        return redirect(url_for("auth.forgot_password"))
    form = ResetCodeForm()
    if form.validate_on_submit():
        reset = accounts.check_reset_code(phone, form.code.data)
        if reset is None:
            form.code.errors = [
                *form.code.errors,
                _(
                    "That code is not right, or it has expired. Check the message, or ask "
                    "for a new code."
                ),
            ]
        else:
            accounts.reset_password(reset, form.password.data)
            language.clear_session()
            flash(_("Your new password is set. Log in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_code.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["INVITATION_LIMIT"], methods=["POST"], key_func=_reset_key
)
def reset_password(token: str):
    reset = accounts.find_reset(token)
    if reset is None:
        return render_template(
            "auth/invitation_problem.html",
            title=_("This link does not work"),
            message=_(
                "Password links work once, for a short time. Ask for a new one from "
                "the login page, or ask the clinic."
            ),
        ), 404
    if reset.user.role == "patient" and reset.user.patient is not None:
        language.for_link(reset.user.patient)  # the email was in their language
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(reset, form.password.data)
        except accounts.AccountError as exc:
            form.password.errors = [*form.password.errors, str(exc)]
        else:
            language.clear_session()
            flash(_("Your new password is set. Log in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


def _seconds_left(now: int) -> int:
    """How long this session has before it ends, without counting this request."""
    minutes = current_app.config[
        "STAFF_IDLE_MINUTES" if current_user.is_staff else "PATIENT_IDLE_MINUTES"
    ]
    idle_left = minutes * 60 - (now - session.get("last_seen", now))
    absolute_left = ABSOLUTE_SESSION_SECONDS - (now - session.get("started", now))
    return max(0, min(idle_left, absolute_left))


@bp.get("/session")
@public
def session_status():
    """For the idle warning: is this browser still logged in, and for how long?

    Asking is not activity, so the page can ask as often as it needs without keeping a
    session alive that nobody is using.
    """
    left = _seconds_left(int(time.time())) if current_user.is_authenticated else 0
    return {"active": left > 0, "seconds_left": left}


@bp.post("/keepalive")
@signed_in
def keepalive():
    """ "Stay logged in" on the idle warning: a request, so the session counts as active."""
    session["last_seen"] = int(time.time())
    return "", 204
