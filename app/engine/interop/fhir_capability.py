"""The server's CapabilityStatement: what another system may ask of ``/fhir``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from ..questionnaire.definition import Questionnaire


def capability_statement(base: str, served: Iterable[Questionnaire], today: date) -> dict[str, Any]:
    canonicals = ", ".join(sorted(f"{q.url}|{q.version}" for q in served))
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": today.isoformat(),
        "kind": "instance",
        "software": {"name": "SCS Intake"},
        "implementation": {
            "description": "Questions before a spinal cord stimulation evaluation",
            "url": base,
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Staff use their session; other systems send an API token "
                "(Authorization: Bearer) with the scope 'read' or 'import'.",
                "security": {
                    "cors": False,
                    "description": "Bearer API tokens made by an admin; every use is audited.",
                },
                "resource": [
                    {
                        "type": "Questionnaire",
                        "documentation": f"Served: {canonicals}",
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            {"name": "url", "type": "uri"},
                            {"name": "version", "type": "token"},
                        ],
                    },
                    {
                        "type": "QuestionnaireResponse",
                        "interaction": [{"code": "create"}],
                        "documentation": "The subject may be Patient/<id>, an identifier in "
                        "urn:scs-intake:patient, a contained or bundled Patient, "
                        "or missing with ?patient=<id>.",
                    },
                ],
            }
        ],
    }
