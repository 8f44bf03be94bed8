"""FHIR OperationOutcome: how the API reports problems, one issue per problem."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FHIR_JSON = "application/fhir+json"


def issue(severity: str, code: str, text: str, where: str | None = None) -> dict[str, Any]:
    """One issue; ``where`` is the linkId (or element) the problem is about."""
    found: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": text}
    if where:
        found["expression"] = [where]
    return found


def outcome(issues: Iterable[dict[str, Any]]) -> dict[str, Any]:
    listed = list(issues) or [issue("information", "informational", "All is well")]
    return {"resourceType": "OperationOutcome", "issue": listed}
