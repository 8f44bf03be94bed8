"""A kept summary reads back as the summary that was built, for every answer set; kept
changes between two of them as the changes found."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.engine.questionnaire.definition import load_definition
from app.engine.summary.builder import PatientInfo, build_summary, for_patient, in_language
from app.engine.summary.changes import changes_between
from app.engine.summary.stored import changes_key, dump, dump_changes, key, load, load_changes
from app.records.questionnaires import DEFINITIONS_DIR
from tests import answers_data

ANSWER_SETS = {
    name: value
    for name, value in vars(answers_data).items()
    if name.endswith("_STORED") and isinstance(value, dict)
}
SENT = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)
PATIENT = PatientInfo("Lata Shah", datetime(1958, 7, 30).date(), None, "AB12-CD34", None)


@pytest.mark.parametrize("name", sorted(ANSWER_SETS))
@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_kept_summary_equals_one_built_afresh(name, version):
    q = load_definition(DEFINITIONS_DIR / f"scs_intake.v{version}.yaml")
    zone = ZoneInfo("Asia/Kolkata")
    built = build_summary(
        q, ANSWER_SETS[name], SENT, revision=2, zone=zone, alert_times={"self_harm": "x"}
    )
    through_json = load(json.loads(json.dumps(dump(built))))
    assert through_json == built
    # Shown to staff: today's identity and the language marks, on kept and fresh alike.
    fresh = build_summary(
        q,
        ANSWER_SETS[name],
        SENT,
        revision=2,
        zone=zone,
        alert_times={"self_harm": "x"},
        patient=PATIENT,
        answered_in="Hindi",
        unvalidated={"phq9"},
    )
    shown = in_language(for_patient(through_json, PATIENT, zone), "Hindi", {"phq9"})
    assert shown == fresh


def test_the_key_names_the_definition_the_format_and_the_clock():
    assert key("scs_intake", 3, "Asia/Kolkata").startswith("scs_intake.v3.f")
    assert key("scs_intake", 3, "UTC") != key("scs_intake", 3, "Asia/Kolkata")


@pytest.mark.parametrize("before", sorted(ANSWER_SETS))
@pytest.mark.parametrize("after", sorted(ANSWER_SETS))
def test_kept_changes_equal_those_found_afresh(before, after):
    q = load_definition(DEFINITIONS_DIR / "scs_intake.v3.yaml")
    found = changes_between(q, ANSWER_SETS[before], q, ANSWER_SETS[after])
    assert load_changes(json.loads(json.dumps(dump_changes(found)))) == found
    assert bool(found) == (before != after)


def test_kept_changes_are_keyed_by_the_revision_they_were_compared_with():
    assert changes_key("scs_intake", 3, 41) != changes_key("scs_intake", 3, 42)
