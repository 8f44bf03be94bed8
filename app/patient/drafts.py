"""Keeping a page a patient posted when their session could not accept it."""

from __future__ import annotations

from flask import Request

from .. import definitions
from ..signals import posted_after_timeout
from . import services
from .section_forms import normalise_formdata


@posted_after_timeout.connect
def keep_posted_page(sender, user, request: Request) -> str | None:
    """Store a posted section page as the pending draft; returns the page to go back to.

    Called when the session timed out between opening a page and saving it. The lock is
    not checked: what was typed is only kept as a draft, never merged into answers.
    """
    if user.role != "patient":
        return None
    parts = request.path.strip("/").split("/")
    if len(parts) < 3 or parts[:2] != ["intake", "section"] or user.patient is None:
        return None
    response = services.latest_response(user.patient)
    if response is None or response.is_submitted:
        return None
    q = definitions.get(response.questionnaire_id, response.questionnaire_version)
    section = q.section(parts[2]) if q else None
    if section is None:
        return None
    number = parts[3] if len(parts) > 3 else ""
    part = section.page(int(number)) if number.isascii() and number.isdigit() else section
    if part is None:
        return None
    formdata = normalise_formdata(part, request.form, drop_blank_rows=False,
                                  inline_rows=part is section)
    services.save_pending(response, part, formdata, None)
    if part is section:
        return f"/intake/section/{section.id}"
    return f"/intake/section/{section.id}/{part.number}"
