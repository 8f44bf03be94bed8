"""Which language a page is in: the patient's choice, kept on their record.

Order: a ``?lang=`` link (the language link on each patient page) chooses and is kept; then
this session's language (at login, the patient's record); then the browser's
Accept-Language. Only languages offered whole are chosen (``records.translations``).
Staff pages stay in English: the specialist reads the brief in English whatever language
the patient answered in.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, session, url_for
from flask_babel import get_locale, refresh
from flask_login import current_user

from ..engine import wording
from ..platform.extensions import babel, db
from ..records import translations
from .guards import query_for_link

SESSION_KEY = "lang"


def _patient():
    if current_user and current_user.is_authenticated:
        return getattr(current_user, "patient", None)
    return None


def _is_staff() -> bool:
    return bool(current_user and current_user.is_authenticated and current_user.role != "patient")


def select_locale() -> str:
    if not has_request_context() or _is_staff():
        return translations.DEFAULT
    offered = translations.offered()
    asked = request.args.get("lang")
    if asked in offered:
        return asked
    if session.get(SESSION_KEY) in offered:
        return session[SESSION_KEY]
    return request.accept_languages.best_match(offered) or translations.DEFAULT


def remember_choice() -> None:
    """A ``?lang=`` link's choice, kept for this browser and on the patient's record, so
    later pages, messages and reminders use it."""
    asked = request.args.get("lang")
    if not asked or _is_staff() or not translations.is_offered(asked):
        return
    session[SESSION_KEY] = asked
    patient = _patient()
    if patient is not None and patient.language != asked:
        patient.language = asked
        db.session.commit()


def at_login(user, chosen: str | None) -> None:
    """A new session's language: the one chosen before logging in (kept on the patient's
    record), else the record's. Read once here, so no page asks the database for it."""
    patient = getattr(user, "patient", None) if user.role == "patient" else None
    if patient is None:
        return
    if chosen and translations.is_offered(chosen):
        if patient.language != chosen:
            patient.language = chosen
            db.session.commit()
        session[SESSION_KEY] = chosen
    elif translations.is_offered(patient.language):
        session[SESSION_KEY] = patient.language


def for_link(patient) -> None:
    """A page opened from a link made for ``patient`` (their invitation, their diary, a
    password link emailed to them), before any login reads their record: in the record's
    language when this browser has chosen none, kept for the browser as a choice would
    be. A patient sent a Hindi message whose phone asks for English pages would otherwise
    meet an English page first."""
    if (
        _is_staff()
        or request.args.get("lang")
        or session.get(SESSION_KEY) in translations.offered()
    ):
        return
    if translations.is_offered(patient.language) and patient.language != current():
        session[SESSION_KEY] = patient.language
        refresh()


def clear_session() -> None:
    """Clear this browser's session but keep its language: a patient who reads Hindi,
    logged out or timed out, meets the login page (and its notice) in Hindi, not in the
    language their phone asks for; one logging in keeps the language chosen before."""
    chosen = session.get(SESSION_KEY)
    session.clear()
    if translations.is_offered(chosen):
        session[SESSION_KEY] = chosen
    refresh()


def keep_for(patient) -> None:
    """At a new account whose record has no language: the one the pages were in, so
    messages and reminders use it."""
    if patient.language is None:
        patient.language = current()
        db.session.commit()


def current() -> str:
    return str(get_locale() or translations.DEFAULT)


def switch_links() -> list[dict]:
    """The other languages offered, each a link to this same page in it ("हिन्दी" on an
    English page, "English" on a Hindi one); none on staff pages, or when only English is
    offered."""
    if _is_staff() or request.endpoint is None:
        return []
    offered = translations.offered()
    if len(offered) < 2:
        return []
    here = current()
    args = query_for_link(request.view_args)
    endpoint = request.endpoint if request.method == "GET" else None
    return [
        {
            "code": code,
            "name": translations.own_name(code),
            "href": url_for(endpoint, **{**args, "lang": code}) if endpoint else f"?lang={code}",
        }
        for code in offered
        if code != here
    ]


def init_app(app: Flask) -> None:
    from flask_babel import gettext

    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(translations.CATALOGUE_DIR),
    )
    wording.use(gettext)
    app.before_request(remember_choice)
    app.jinja_env.globals.update(language_links=switch_links, page_language=current)
