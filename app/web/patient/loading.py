"""What every questionnaire view starts with, in one place: the patient's response and its
definition (``with_draft``), then the section and page the address names (``with_page``).

As Indico's ``_process_args`` and eq-runner's ``with_questionnaire_store`` do, a view
declares what it needs and receives it; what happens when it cannot have it (no consent
yet, answers already sent, a section that does not exist) is said once, here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...engine.questionnaire.definition import Questionnaire
from ...records import questionnaires, translations
from ...records.models import QuestionnaireResponse
from .. import language
from . import services


def patient_record():
    """The logged-in patient's record (an account without one gets a 403)."""
    patient = current_user.patient
    if patient is None:
        abort(403)
    return patient


def current_draft() -> tuple[QuestionnaireResponse, Questionnaire] | None:
    """The patient's current response and its definition, or None before consent.

    A draft begun on an earlier version of the definition carries over to the current one.
    """
    response = services.consented_response(current_user)
    if response is None:
        patient_record()  # an account with no patient record gets a 403, not the consent page
        return None
    current = questionnaires.current()
    if (
        not response.is_submitted
        and response.questionnaire_id == current.id
        and response.questionnaire_version < current.version
    ):
        services.upgrade_draft(response, current)
    q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
    if q is None:
        abort(500)
    return response, translations.questionnaire(q, language.current())


def to_consent():
    return redirect(url_for("patient.consent"))


def to_submitted():
    return redirect(url_for("patient.submitted"))


def already_sent():
    flash(_("Your answers have already been sent to the clinic."), "info")
    return redirect(url_for("patient.submitted"))


def conflict():
    abort(409)


def with_draft(
    *, missing: Callable = to_consent, sent: Callable | None = None
) -> Callable[[Callable], Callable]:
    """Hand the view ``response`` and ``q``.

    Before consent, ``missing`` answers instead (the consent page by default); once the
    answers are sent, ``sent`` answers, when the view is only for a draft.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            found = current_draft()
            if found is None:
                return missing()
            response, q = found
            if sent is not None and response.is_submitted:
                return sent()
            return view(*args, response=response, q=q, **kwargs)

        return wrapped

    return decorate


def with_page(*, whole_section: bool = False) -> Callable[[Callable], Callable]:
    """Hand the view ``section`` and ``part`` for the address's ``section_id`` and ``page``
    (a 404 when either does not exist). Without a page number, ``part`` is the section's
    first page, or the whole section when ``whole_section`` (its save and draft routes)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, q: Questionnaire, section_id: str, page: int | None = None, **kw):
            section = q.section(section_id)
            if section is None:
                abort(404)
            part = section if (page is None and whole_section) else section.page(page or 1)
            if part is None:
                abort(404)
            return view(*args, q=q, section=section, part=part, **kw)

        return wrapped

    return decorate
