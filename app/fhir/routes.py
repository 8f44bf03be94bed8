"""FHIR R4 resources served to staff (for an EHR to fetch)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, request

from .. import definitions
from ..access import staff_required
from ..clock import clinic_today
from ..guards import parse_id
from ..interop.fhir_questionnaire import to_fhir_questionnaire

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json"


@bp.get("/Questionnaire/<questionnaire_id>")
@staff_required
def questionnaire(questionnaire_id: str):
    """The definition as a Questionnaire; ``?version=N`` for any version still in use."""
    wanted = request.args.get("version")
    found = [q for q in definitions.all_definitions() if q.id == questionnaire_id]
    if wanted:
        found = [q for q in found if q.version == parse_id(wanted)]
    if not found:
        abort(404)
    latest = max(found, key=lambda q: q.version)
    resource = to_fhir_questionnaire(latest, clinic_today())
    return Response(json.dumps(resource, indent=2, ensure_ascii=False), mimetype=FHIR_JSON)
