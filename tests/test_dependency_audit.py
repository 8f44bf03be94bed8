"""`make audit` fails when packages were skipped, instead of reporting a clean result."""

from __future__ import annotations

import importlib.util

from app import ROOT

spec = importlib.util.spec_from_file_location(
    "dependency_audit", ROOT / "tools" / "dependency_audit.py"
)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

OWN = {"name": "scs-intake", "skip_reason": "distribution marked as editable"}


def test_an_unreachable_service_is_a_failure_not_all_clear():
    report = {
        "dependencies": [
            {
                "name": "flask",
                "skip_reason": "Dependency not found on PyPI and could not be "
                "audited: flask (3.1.3)",
            },
            {"name": "jinja2", "version": "3.1.6", "vulns": []},
            OWN,
        ]
    }
    code, message = audit.verdict(report)
    assert code == 2
    assert "1 of 2 packages could not be checked" in message
    assert "No known vulnerabilities" not in message


def test_an_empty_report_is_a_failure():
    assert audit.verdict({"dependencies": [OWN]})[0] == 2


def test_vulnerabilities_are_listed():
    report = {
        "dependencies": [
            {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95"}]},
            OWN,
        ]
    }
    code, message = audit.verdict(report)
    assert code == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95" in message


def test_every_package_checked_and_clear_passes():
    report = {"dependencies": [{"name": "jinja2", "version": "3.1.6", "vulns": []}, OWN]}
    assert audit.verdict(report) == (0, "No known vulnerabilities in the 1 packages checked.")
