"""A trial's diary as a FHIR R4 Bundle: each day a QuestionnaireResponse of the diary,
and each 0-10 pain answer also an Observation (LOINC 72514-3) dated that day.

The Observations are what other systems chart and search; they point back to the day's
response (``derivedFrom``) and carry the diary's linkId, so an average is never read as
a worst pain. The patient is one entry that every resource refers to.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..questionnaire.definition import Questionnaire
from .fhir_response import PATIENT_SYSTEM, to_fhir_response

LOINC = "http://loinc.org"
PAIN_NRS = "72514-3"
PAIN_NRS_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
LINK_ID_EXTENSION = "urn:scs-intake:fhir:diary-link-id"
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
PAIN_ITEMS = ("pain_average", "pain_worst")
# One namespace for the Bundle's entry ids: the same trial exported twice has the same ids.
NAMESPACE = uuid.UUID("6f1c2b9e-3d4a-4f7e-9a51-2c8d0b7e4a13")


@dataclass(frozen=True, slots=True)
class DiaryDay:
    day: date
    number: int
    answers: Mapping[str, Any]
    language: str | None
    written: datetime


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, ':'.join(str(p) for p in parts))}"


def trial_bundle(
    q: Questionnaire,
    days: Sequence[DiaryDay],
    *,
    trial_key: str,
    patient_ref: str,
    patient_name: str,
    birth_date: date,
    identifiers: Sequence[tuple[str, str]] = (),
) -> dict[str, Any]:
    """A ``collection`` Bundle of the patient, each day's response and its Observations."""
    patient_url = _urn(trial_key, "patient")
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": patient_url,
            "resource": {
                "resourceType": "Patient",
                "identifier": [
                    {"system": PATIENT_SYSTEM, "value": patient_ref},
                    *({"system": s, "value": v} for s, v in identifiers),
                ],
                "name": [{"text": patient_name}],
                "birthDate": birth_date.isoformat(),
            },
        }
    ]
    for day in days:
        response_url = _urn(trial_key, day.day.isoformat(), "response")
        response = to_fhir_response(
            q,
            day.answers,
            status="submitted",
            authored=day.written,
            patient_name=patient_name,
            birth_date=birth_date,
            reference=f"{patient_ref}-{trial_key}d{day.number}",
            identifiers=identifiers,
            language=day.language,
        )
        # In a Bundle the patient is its own entry, not contained in each response.
        del response["contained"]
        response["subject"] = {"reference": patient_url, "display": patient_name}
        entries.append({"fullUrl": response_url, "resource": response})
        for link_id in PAIN_ITEMS:
            value = day.answers.get(link_id)
            if value is None:
                continue
            entries.append(
                {
                    "fullUrl": _urn(trial_key, day.day.isoformat(), link_id),
                    "resource": _observation(q, link_id, value, day, patient_url, response_url),
                }
            )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _observation(
    q: Questionnaire, link_id: str, value: int, day: DiaryDay, patient: str, response: str
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "extension": [{"url": LINK_ID_EXTENSION, "valueString": link_id}],
        "status": "final",
        "category": [SURVEY],
        "code": {
            "coding": [{"system": LOINC, "code": PAIN_NRS, "display": PAIN_NRS_DISPLAY}],
            "text": q.items[link_id].text,
        },
        "subject": {"reference": patient},
        "effectiveDateTime": day.day.isoformat(),
        "issued": day.written.isoformat(),
        "valueInteger": value,
        "derivedFrom": [{"reference": response}],
    }
