"""The FHIR R4 API: the definitions as Questionnaires, and responses sent in by systems.

Staff fetch with their session; another system sends an API token (``read`` to fetch,
``import`` to send). The token views read no cookie, so they need no CSRF token.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, g, redirect, request, url_for

from ...engine.interop.fhir_capability import capability_statement
from ...engine.interop.fhir_outcome import FHIR_JSON, issue, outcome
from ...engine.interop.fhir_questionnaire import fhir_id, to_fhir_questionnaire
from ...engine.questionnaire.definition import Questionnaire
from ...platform.extensions import csrf, db
from ...records import fhir_export, questionnaires, translations, trials
from ...records.clock import clinic_today
from ...records.fhir_import import FhirImportError, import_response
from ...records.identifiers import parse_id
from ...records.models import Patient
from ..access import public, staff_or_system, system_required
from ..downloads import download

bp = Blueprint("fhir", __name__, url_prefix="/fhir")


def _fhir(resource: dict, status: int = 200, **headers) -> Response:
    return Response(
        json.dumps(resource, indent=2, ensure_ascii=False),
        status=status,
        mimetype=FHIR_JSON,
        headers=headers,
    )


def _resource(q: Questionnaire) -> dict:
    return to_fhir_questionnaire(q, clinic_today(), translations.complete_for(q))


@bp.get("/metadata")
@public
def metadata():
    """What this server does, as a CapabilityStatement (it names no patient)."""
    base = url_for("fhir.metadata", _external=True).removesuffix("/metadata")
    return _fhir(capability_statement(base, questionnaires.all_definitions(), clinic_today()))


@bp.get("/Questionnaire")
@staff_or_system("read")
def questionnaire_search():
    """A searchset Bundle: ``?url=<canonical>`` (``url|version`` too), ``?version=N``."""
    url, _, pinned = (request.args.get("url") or "").partition("|")
    version = pinned or request.args.get("version") or ""
    found = [
        q
        for q in questionnaires.all_definitions()
        if (not url or q.url == url) and (not version or str(q.version) == version)
    ]
    found.sort(key=lambda q: (q.id, q.version))
    entries = [
        {
            "fullUrl": url_for(
                "fhir.questionnaire",
                questionnaire_id=fhir_id(q.id),
                version=q.version,
                _external=True,
            ),
            "resource": _resource(q),
            "search": {"mode": "match"},
        }
        for q in found
    ]
    return _fhir(
        {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}
    )


@bp.get("/Questionnaire/<questionnaire_id>")
@staff_or_system("read")
def questionnaire(questionnaire_id: str):
    """The definition as a Questionnaire (the newest version; ``?version=N`` for another)."""
    if "_" in questionnaire_id:  # the address before ids followed FHIR's rules
        # Only the parameter this route reads is carried over: url_for treats others
        # (_scheme, _anchor, _method, questionnaire_id) as its own.
        version = parse_id(request.args.get("version"))
        return redirect(
            url_for(
                "fhir.questionnaire",
                questionnaire_id=fhir_id(questionnaire_id),
                **({"version": version} if version else {}),
            ),
            301,
        )
    wanted = request.args.get("version")
    found = [q for q in questionnaires.all_definitions() if fhir_id(q.id) == questionnaire_id]
    if wanted:
        found = [q for q in found if q.version == parse_id(wanted)]
    if not found:
        abort(404)
    return _fhir(_resource(max(found, key=lambda q: q.version)))


@bp.get("/patients/<int:patient_id>/questionnaire-response.json")
@staff_or_system("read")
def patient_response(patient_id: int):
    """FHIR R4 QuestionnaireResponse of a patient's submitted revision (the newest by
    default, ``?revision=N`` for another); staff, or a system with a "read" token.

    A draft leaves only when asked for by name (``?include=draft``), and that is audited as
    a draft export: the patient is told the clinic reads their answers once sent.
    """
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        abort(404)
    wanted = request.args.get("revision")
    response = fhir_export.revision_to_export(
        patient,
        parse_id(wanted) if wanted else None,
        include_draft=request.args.get("include") == "draft",
    )
    if response is None or (wanted and parse_id(wanted) is None):
        abort(404)
    resource = fhir_export.export_response(patient, response)
    return download(
        json.dumps(resource, indent=2, ensure_ascii=False),
        FHIR_JSON,
        f"questionnaire-response-{patient.ref}-r{response.revision}.json",
    )


@bp.get("/patients/<int:patient_id>/trial-bundle.json")
@staff_or_system("read")
def patient_trial(patient_id: int):
    """The patient's newest trial diary as a FHIR R4 Bundle: each day's
    QuestionnaireResponse and its pain Observations (LOINC 72514-3)."""
    patient = db.session.get(Patient, patient_id)
    trial = trials.newest(patient) if patient is not None else None
    if trial is None:
        abort(404)
    return download(
        json.dumps(fhir_export.export_trial(patient, trial), indent=2, ensure_ascii=False),
        FHIR_JSON,
        f"trial-{patient.ref}.json",
    )


# Deeper than any resource this server reads (a response nests about ten levels).
MAX_DEPTH = 64


def _depth(node) -> int:
    deepest, stack = 0, [(node, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(value, dict):
            stack.extend((inner, depth + 1) for inner in value.values())
        elif isinstance(value, list):
            stack.extend((inner, depth + 1) for inner in value)
    return deepest


def json_body():
    """The request's JSON and None, or None and why it cannot be read: not JSON, or nested
    deeper than any FHIR resource this server reads (which would exhaust the parser)."""
    try:
        data = json.loads(request.get_data(cache=False))
    except RecursionError:
        return None, f"The body is nested too deeply: at most {MAX_DEPTH} levels"
    except ValueError:
        return None, "The body is not JSON"
    if _depth(data) > MAX_DEPTH:
        return None, f"The body is nested too deeply: at most {MAX_DEPTH} levels"
    return data, None


@bp.post("/QuestionnaireResponse")
@csrf.exempt
@system_required("import")
def receive_response():
    """Store a response sent by another system: 201, or every problem in an OperationOutcome."""
    data, problem = json_body()
    patient_id = None
    if request.args.get("patient"):
        patient_id = parse_id(request.args["patient"])
        if patient_id is None:
            return _fhir(outcome([issue("error", "value", "patient must be a number")]), 400)
    if problem:
        return _fhir(outcome([issue("error", "structure", problem)]), 400)
    token = g.api_token
    try:
        done = import_response(
            data,
            patient_id,
            origin=f"FHIR API, token {token.name}",
            token=token.id,
            token_owner=token.created_by_id,
        )
    except FhirImportError as exc:
        return _fhir(
            outcome(issue("error", "invalid", text, where) for where, text in exc.problems), 422
        )
    location = url_for("fhir.patient_response", patient_id=done.patient.id, _external=True)
    notes = [
        issue("warning", "incomplete" if where is None else "value", text, where)
        for where, text in done.warnings
    ]
    notes.append(
        issue(
            "information",
            "informational",
            f"Stored for patient {done.patient.id} as revision "
            f"{done.response.revision}, "
            f"{'submitted' if done.response.is_submitted else 'in progress'}",
        )
    )
    return _fhir(outcome(notes), 201, Location=location)
