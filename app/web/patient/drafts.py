"""Keeping a page a patient posted when their session could not accept it."""

from __future__ import annotations

from flask import Request, url_for

from ...records import questionnaires
from ..signals import posted_after_timeout
from . import services
from .section_forms import normalise_formdata, row_formdata

# The routes a questionnaire page is sent to, and its draft saved to.
PAGE_ENDPOINTS = frozenset(
    {
        "patient.save_section",
        "patient.save_page",
        "patient.autosave",
        "patient.autosave_page",
        "patient.row",
    }
)


@posted_after_timeout.connect
def keep_posted_page(sender, user, request: Request) -> str | None:
    """Store a posted section page as the pending draft; returns the page to go back to.

    Called when the session ended between opening a page and saving it. The lock is
    not checked: what was typed is only kept as a draft, never merged into answers.
    """
    if user.role != "patient" or user.patient is None:
        return None
    if request.endpoint not in PAGE_ENDPOINTS or not request.view_args:
        return None
    response = services.latest_response(user.patient)
    if response is None or response.is_submitted:
        return None
    q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
    section = q.section(request.view_args["section_id"]) if q else None
    if section is None:
        return None
    number = request.view_args.get("page")
    part = section if number is None else section.page(number)
    if part is None:
        return None
    if request.endpoint == "patient.row":
        return _keep_row(response, section, part, request)
    formdata = normalise_formdata(
        part, request.form, drop_blank_rows=False, inline_rows=part is section
    )
    services.save_pending(response, part, formdata, None)
    if part is section or part.number == 1:
        return url_for("patient.section", section_id=section.id)
    return url_for("patient.section_page", section_id=section.id, page=part.number)


def _keep_row(response, section, part, request: Request) -> str | None:
    """A row's page (a medicine, say): kept under the row's own key until it is saved."""
    args = request.view_args
    group = next((i for i in part.questions if i.is_group and i.link_id == args["group_id"]), None)
    if group is None or args["row"] > len(response.answers.get(group.link_id) or []):
        return None
    formdata = row_formdata(group, request.form)
    services.save_pending_row(response, group, args["row"], formdata)
    return url_for(
        "patient.row",
        section_id=section.id,
        page=part.number,
        group_id=group.link_id,
        row=args["row"],
    )
