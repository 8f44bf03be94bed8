"""Responses from other systems: a FHIR QuestionnaireResponse becomes a patient's response.

Senders name the patient in different ways, and each is accepted (docs/interoperability.md):
- ``subject.reference`` to a patient the clinic has: ``Patient/<id>``;
- ``subject.identifier`` with system ``urn:scs-intake:patient`` and the record's reference;
- a contained Patient (``#id``), or a Patient in the same Bundle, with name and birth
  date (matched to the clinic's record by that identifier when it carries one);
- no subject, with the patient's id given alongside (``--patient``, ``?patient=``).

A reference is this clinic's only when it is relative or starts with this server's own
FHIR base: another server's ``Patient/1`` is not our patient 1. A response for a patient
the clinic already has is held for staff, never shown to the patient until accepted.

A response marked completed with required answers missing is kept as in progress, with
a warning, rather than refused: renderers mark everything completed. Anything that does
not fit the definition is refused with every problem listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse
from flask import current_app, has_request_context, url_for
from pydantic import ValidationError
from sqlalchemy import func, select

from ..engine.interop.fhir_response import PATIENT_SYSTEM, Problem, from_fhir_response
from ..engine.questionnaire.answers import validate_answers
from ..engine.questionnaire.definition import Questionnaire
from ..engine.questionnaire.progress import section_states
from ..engine.summary.highlights import has_urgent
from ..platform.extensions import db
from . import audit, questionnaires, urgent
from .clock import clinic_today
from .identifiers import parse_id
from .models import Patient, QuestionnaireResponse, User, utcnow

LOCAL_PATIENT = re.compile(r"Patient/(?P<id>[0-9]{1,64})")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_REVISION = 10_000


class FhirImportError(ValueError):
    """The resource cannot be imported; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(
            "; ".join(f"{where}: {text}" if where else text for where, text in problems)
        )


@dataclass
class Imported:
    patient: Patient
    response: QuestionnaireResponse
    warnings: list[Problem] = field(default_factory=list)


def _control_characters(node: Any, where: str = "") -> list[Problem]:
    """Every string holding a control character (a NUL, an escape), by its place in the
    resource: none can be stored, as none can be typed into the app's own forms."""
    found: list[Problem] = []
    stack = [(node, where)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if CONTROL_CHARACTERS.search(value):
                found.append(
                    (
                        path or None,
                        "holds a control character (such as a NUL); remove it and send again",
                    )
                )
        elif isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(key, str) and CONTROL_CHARACTERS.search(key):
                    found.append((path or None, "a key holds a control character"))
                stack.append((inner, f"{path}.{key}" if path else str(key)))
        elif isinstance(value, list):
            stack.extend((inner, f"{path}[{n}]") for n, inner in enumerate(value))
    return sorted(found, key=lambda p: p[0] or "")


def _fhir_problems(model, resource: dict, where: str) -> list[Problem]:
    """Why ``resource`` is not valid FHIR R4 (the ``model``'s rules), by element."""
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        return [
            (
                ".".join([where, *(str(p) for p in e["loc"])]).strip("."),
                f"not valid FHIR R4: {e['msg']}",
            )
            for e in exc.errors()
        ]
    except (RecursionError, ValueError, TypeError) as exc:
        return [(where or None, f"not valid FHIR R4: {exc}")]
    return []


def _bundle_resources(bundle: dict) -> list[tuple[str | None, dict]]:
    """The Bundle's entries as (fullUrl, resource), or every shape problem by its index."""
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        raise FhirImportError([("Bundle.entry", "a Bundle's entry is a list of entries")])
    found, problems = [], []
    for n, entry in enumerate(entries):
        where = f"Bundle.entry[{n}]"
        if not isinstance(entry, dict):
            problems.append((where, "each entry is an object"))
            continue
        resource, url = entry.get("resource"), entry.get("fullUrl")
        if not isinstance(resource, dict):
            problems.append((f"{where}.resource", "each entry holds a resource (an object)"))
        elif not isinstance(resource.get("resourceType"), str):
            problems.append(
                (f"{where}.resource.resourceType", "each resource names its resourceType")
            )
        elif url is not None and not isinstance(url, str):
            problems.append((f"{where}.fullUrl", "a fullUrl is a string"))
        elif resource["resourceType"] == "Patient":
            problems += _fhir_problems(FhirPatient, resource, f"{where}.resource")
            found.append((url, resource))
        else:
            found.append((url, resource))
    if problems:
        raise FhirImportError(problems)
    return found


def _response_and_patients(data: Any) -> tuple[dict, dict[str, dict]]:
    """The QuestionnaireResponse, and the Patients sent with it keyed by how it may refer
    to them (``#id`` when contained; fullUrl or ``Patient/id`` in a Bundle)."""
    if not isinstance(data, dict):
        raise FhirImportError(
            [(None, "send one JSON object: a QuestionnaireResponse or a Bundle holding one")]
        )
    if problems := _control_characters(data):
        raise FhirImportError(problems)
    patients: dict[str, dict] = {}
    if data.get("resourceType") == "Bundle":
        resources = _bundle_resources(data)
        responses = [r for _, r in resources if r["resourceType"] == "QuestionnaireResponse"]
        if len(responses) != 1:
            raise FhirImportError(
                [("Bundle", f"the Bundle holds {len(responses)} QuestionnaireResponses; send one")]
            )
        for url, resource in resources:
            if resource["resourceType"] == "Patient":
                for key in (url, f"Patient/{resource.get('id')}"):
                    if key:
                        patients[key] = resource
        data = responses[0]
    contained = data.get("contained")
    for resource in contained if isinstance(contained, list) else []:
        if isinstance(resource, dict) and resource.get("resourceType") == "Patient":
            patients[f"#{resource.get('id')}"] = resource
    return data, patients


def _by_reference(ref: str) -> Patient | None:
    return db.session.scalar(select(Patient).where(Patient.ref == ref))


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _name_of(resource: dict) -> str:
    """A Patient's first name as one line: its text, else its given names and family."""
    names = resource.get("name")
    first = names[0] if isinstance(names, list) and names and isinstance(names[0], dict) else {}
    text = first.get("text")
    if isinstance(text, str) and text.strip():
        return " ".join(text.split())
    family = first.get("family") if isinstance(first.get("family"), str) else ""
    return " ".join([*_strings(first.get("given")), family]).strip()


def _from_resource(resource: dict) -> Patient:
    """The clinic's record for a Patient resource: found by identifier, else a new one."""
    identifiers = resource.get("identifier")
    for ident in identifiers if isinstance(identifiers, list) else []:
        if (
            isinstance(ident, dict)
            and ident.get("system") == PATIENT_SYSTEM
            and isinstance(ident.get("value"), str)
            and ident["value"]
        ):
            found = _by_reference(ident["value"])
            if found is not None:
                return found
    name = _name_of(resource)
    born_text = resource.get("birthDate")
    try:
        born = date.fromisoformat(born_text if isinstance(born_text, str) else "")
    except ValueError:
        raise FhirImportError(
            [("Patient.birthDate", "a new patient needs a birth date (YYYY-MM-DD)")]
        ) from None
    if not name:
        raise FhirImportError([("Patient.name", "a new patient needs a name")])
    return Patient(name=name[:120], date_of_birth=born)


def fhir_base() -> str:
    """This server's FHIR base, as the sender reached it (through a trusted proxy too), or
    as configured (``BASE_URL``) outside a request."""
    if has_request_context():
        return url_for("fhir.metadata", _external=True).removesuffix("/metadata")
    return current_app.config["BASE_URL"].rstrip("/") + "/fhir"


def _local_id(ref: str) -> int | None:
    """The patient id of a reference to this server: ``Patient/<id>``, or the same with
    this server's base before it. Any other server's patient is not ours."""
    base = fhir_base().lower()
    relative = ref[len(base) + 1 :] if ref.lower().startswith(base + "/") else ref
    if "://" in relative or relative.startswith(("urn:", "/")):
        raise FhirImportError(
            [
                (
                    "subject.reference",
                    (
                        f"'{ref}' is a patient on another server. Send Patient/<id> (or "
                        f"{fhir_base()}/Patient/<id>) for a patient of this clinic, the identifier "
                        f"{PATIENT_SYSTEM}|<reference>, or the Patient itself, contained or in the "
                        "Bundle"
                    ),
                )
            ]
        )
    match = LOCAL_PATIENT.fullmatch(relative)
    return parse_id(match["id"]) if match else None


def _subject(
    subject: dict | None, sent: dict[str, dict], patient_id: int | None
) -> tuple[Patient, dict | None]:
    """The clinic's patient the response is about, and the Patient resource sent with it
    (contained, or in the Bundle) when there is one, to check the identity against."""
    alone = next(iter(sent.values())) if len(sent) == 1 else None
    if patient_id is not None:
        if subject:
            raise FhirImportError(
                [
                    (
                        "subject",
                        "the response names its patient; give a "
                        "patient id only for a response without one",
                    )
                ]
            )
        found = db.session.get(Patient, patient_id)
        if found is None:
            raise FhirImportError([(None, f"no patient with id {patient_id}")])
        return found, alone
    if not subject:
        if alone is not None:  # the app's own exports before subject was required
            return _from_resource(alone), alone
        raise FhirImportError(
            [
                (
                    "subject",
                    "the response names no patient: send a subject, "
                    "or give the patient's id (--patient, ?patient=)",
                )
            ]
        )
    ref = subject.get("reference")
    if ref:
        if ref in sent:
            return _from_resource(sent[ref]), sent[ref]
        wanted = _local_id(ref)
        found = db.session.get(Patient, wanted) if wanted else None
        if found is None:
            raise FhirImportError([("subject", f"no patient here for the reference '{ref}'")])
        return found, alone
    ident = subject.get("identifier") or {}
    if ident.get("system") != PATIENT_SYSTEM:
        raise FhirImportError(
            [("subject.identifier", f"use the identifier system {PATIENT_SYSTEM}")]
        )
    found = _by_reference(str(ident.get("value") or ""))
    if found is None:
        raise FhirImportError(
            [("subject", f"no patient here with the identifier '{ident.get('value')}'")]
        )
    return found, alone


def _same_name(one: str, other: str) -> bool:
    """Names compared as people write them: case, spaces and dots aside."""

    def plain(text: str) -> str:
        return " ".join(re.sub(r"[.,]", " ", text).casefold().split())

    return plain(one) == plain(other)


def identity_check(patient: Patient, resource: dict | None) -> str:
    """Whether the Patient sent with an import is the clinic's patient: "matched" (name and
    date of birth both agree), "not matched", or "not sent" (nothing to compare)."""
    if resource is None:
        return "not sent"
    born = resource.get("birthDate")
    same_birth = isinstance(born, str) and born == patient.date_of_birth.isoformat()
    return (
        "matched" if same_birth and _same_name(_name_of(resource), patient.name) else "not matched"
    )


def _definition(canonical: str) -> Questionnaire:
    url, _, version = canonical.partition("|")
    # Only the intake is imported: a trial diary's days are written through its link.
    found = [
        d
        for d in questionnaires.all_definitions()
        if d.id == questionnaires.CURRENT[0]
        and d.url == url
        and (not version or str(d.version) == version)
    ]
    if not found:
        raise FhirImportError([("questionnaire", f"no questionnaire definition for {canonical!r}")])
    return max(found, key=lambda d: d.version)


def _language(code: Any) -> str | None:
    """The language the answers were given in, as sent (BCP 47, "hi-IN" read as "hi"),
    so the brief can say so; anything else is ignored: the answers are codes either way."""
    if not isinstance(code, str) or not re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*", code):
        return None
    return code.split("-")[0].lower()


def import_response(
    data: Any, patient_id: int | None = None, origin: str = "FHIR import", **source: Any
) -> Imported:
    """Store the response for its patient; audited with ``origin`` and ``source`` (the
    token and its owner, say).

    A new patient's response is theirs at once. A response for a patient the clinic
    already has is held: a separate revision that changes nothing the patient sees, nor
    their draft, until staff accept it (``accept_import``), with the name and date of birth
    sent checked against the record.
    """
    resource, sent = _response_and_patients(data)
    kind = resource.get("resourceType")
    if kind != "QuestionnaireResponse":
        raise FhirImportError(
            [(None, f"not a valid FHIR R4 QuestionnaireResponse: resourceType is {kind!r}")]
        )
    if problems := _fhir_problems(FhirResponse, resource, ""):
        raise FhirImportError(problems)
    # FHIR's JSON writes a dateTime as text; the validator would take 1 as a Unix time.
    if "authored" in resource and not isinstance(resource["authored"], str):
        raise FhirImportError([("authored", "a dateTime in text, such as 2026-12-07T10:30:00Z")])
    q = _definition(resource.get("questionnaire") or "")
    parsed = from_fhir_response(q, resource)
    answers, status = parsed["answers"], parsed["status"]
    problems = validate_answers(q, answers, today=clinic_today())
    missing = sorted(k for k in problems if k not in answers)
    wrong = [(k, v) for k, v in problems.items() if k in answers]
    if parsed["problems"] or wrong:
        raise FhirImportError(parsed["problems"] + wrong)
    warnings = list(parsed["notes"])
    if status == "submitted" and missing:
        status = "draft"
        warnings.append(
            (
                None,
                f"marked completed, but {len(missing)} required answers are "
                f"missing ({', '.join(missing)}): kept as in progress",
            )
        )
    patient, sent_patient = _subject(parsed["subject"], sent, patient_id)
    existing = patient.id is not None
    if not existing:
        db.session.add(patient)
        db.session.flush()
        revision = parsed["revision"] if 0 < (parsed["revision"] or 0) <= MAX_REVISION else 1
    else:
        revision = 1 + (
            db.session.scalar(
                select(func.max(QuestionnaireResponse.revision)).where(
                    QuestionnaireResponse.patient_id == patient.id
                )
            )
            or 0
        )
    submitted = status == "submitted"
    response = QuestionnaireResponse(
        patient_id=patient.id,
        questionnaire_id=q.id,
        questionnaire_version=q.version,
        revision=revision,
        status=status,
        answers=answers,
        pending={},
        sections_done=[
            s.section.id
            for s in section_states(q, answers, [s.id for s in q.sections], clinic_today())
            if s.done
        ],
        alerts_shown=parsed["alert_times"],
        is_urgent=has_urgent(q, answers),
        submitted_at=(parsed["authored"] or utcnow()) if submitted else None,
        origin=origin[:160],
        hold="held" if existing else None,
        identity_check=identity_check(patient, sent_patient) if existing else None,
        language=_language(resource.get("language")),
    )
    db.session.add(response)
    db.session.flush()
    raised = []
    if existing:
        warnings.append(
            (
                None,
                f"patient {patient.id} already has a record: held as revision "
                f"{revision} until the clinic's staff accept it (name and date "
                f"of birth {response.identity_check})",
            )
        )
    else:
        patient.track(response)
        raised = urgent.raise_new(response, q)
    audit.record(
        "import.fhir",
        patient=patient,
        revision=revision,
        status=status,
        warnings=len(warnings),
        held=existing,
        origin=origin,
        **source,
    )
    db.session.commit()
    urgent.notify(raised)
    return Imported(patient, response, warnings)


class ImportNotAccepted(ValueError):
    """An import cannot be accepted as asked (the identity does not match, no override)."""


def accept_import(response: QuestionnaireResponse, by: User, override: str = "") -> None:
    """Make a held import the patient's newest revision; one transaction, audited.

    The name and date of birth sent must match the record, or a member of staff says why
    they are sure it is the same person (``override``, kept in the audit log).
    """
    if not response.is_held:
        return
    if response.identity_check != "matched" and not override.strip():
        raise ImportNotAccepted(
            "The name and date of birth sent do not match this patient's "
            "record: say how you know it is the same person, or reject it"
        )
    q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
    response.hold = None
    db.session.flush()
    newest = db.session.scalar(
        select(func.max(QuestionnaireResponse.revision)).where(
            QuestionnaireResponse.patient_id == response.patient_id,
            QuestionnaireResponse.hold.is_(None),
        )
    )
    if newest == response.revision:
        response.patient.track(response)
    raised = urgent.raise_new(response, q) if q else []
    audit.record(
        "import.accept",
        actor=by,
        patient=response.patient,
        revision=response.revision,
        identity=response.identity_check,
        override=override.strip()[:500] or None,
    )
    db.session.commit()
    urgent.notify(raised)


def reject_import(response: QuestionnaireResponse, by: User) -> None:
    """Set a held import aside: it stays on record, and never reaches the patient."""
    if response.is_held:
        response.hold = "rejected"
        audit.record(
            "import.reject", actor=by, patient=response.patient, revision=response.revision
        )
        db.session.commit()
