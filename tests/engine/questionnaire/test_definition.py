"""The definition file holds every item of the specification, and bad files fail fast."""

from __future__ import annotations

import copy

import pytest
import yaml

from app.engine.questionnaire.definition import DefinitionError, parse_definition
from app.records.questionnaires import DEFINITIONS_DIR

RAW = yaml.safe_load((DEFINITIONS_DIR / "scs_intake.v3.yaml").read_text())

SPEC_LINK_IDS = {
    "about": "completed_by helper_relation sex height_cm weight_kg work_status preferred_language "
    "preferred_language_other communication_needs occupational_risks",
    "pain": "pain_regions main_pain_area leg_pain_percent pain_start_date "
    "pain_start_month_unsure pain_cause "
    "pain_cause_other diagnoses diagnoses_other pain_descriptors pain_pattern pain_now "
    "pain_worst pain_least red_flags pain_worse_with pain_better_with",
    "function": "peg_pain peg_enjoyment peg_activity walk_distance mobility_aids sleep_affected",
    "medicines": "medicines_taken medications",
    "treatments": "physio_tried physio_duration physio_relief psych_therapy_tried "
    "psych_therapy_duration psych_therapy_relief psych_evaluation_done "
    "psych_evaluation_year psych_evaluation_year_unsure procedures_had procedures "
    "spine_surgery surgeries other_treatments prior_neuromodulation "
    "prior_neuromodulation_kind prior_neuromodulation_year "
    "prior_neuromodulation_year_unsure prior_neuromodulation_details",
    "health": "blood_thinners blood_thinner_names blood_thinner_other bleeding_disorder diabetes "
    "hba1c infection_current immunosuppressed implanted_devices implanted_other "
    "mrsa_history mri_needed pregnant diathermy allergies allergy_details smoking "
    "other_conditions spine_mri_recent",
    "mood": " ".join([*(f"phq9_{n}" for n in range(1, 11)), *(f"gad7_{n}" for n in range(1, 8))]),
    "wellbeing": "mental_health_history mental_health_current alcohol_frequency "
    "alcohol_typical_drinks alcohol_six_plus substance_use substance_treatment "
    "support_person legal_claim",
    "goals": "goals_text expected_relief_percent expected_outcome knows_reduction_not_cure "
    "reduce_medicines_if_helped engage_rehab trial_willing device_confidence "
    "questions_for_doctor",
}


def test_sections_and_link_ids_match_the_specification(q):
    """The current version keeps every linkId of the specification and adds gates and
    "not sure" boxes."""
    assert [s.id for s in q.sections] == list(SPEC_LINK_IDS)
    for section in q.sections:
        assert [i.link_id for i in section.questions] == SPEC_LINK_IDS[section.id].split()


@pytest.mark.parametrize(
    ("group", "children", "min_rows", "max_rows"),
    [
        (
            "medications",
            "med_name med_kind med_current med_dose med_duration med_relief med_side_effects",
            1,
            20,
        ),
        (
            "procedures",
            "proc_type proc_year proc_year_unsure proc_relief_percent proc_relief_duration",
            1,
            20,
        ),
        ("surgeries", "surgery_type surgery_year surgery_year_unsure surgery_outcome", 1, 10),
    ],
)
def test_repeating_groups_have_their_children_and_row_limits(
    q, group, children, min_rows, max_rows
):
    item = q.item(group)
    assert item.repeats
    assert [c.link_id for c in item.items] == children.split()
    assert (item.min_rows, item.max_rows) == (min_rows, max_rows)


@pytest.mark.parametrize(
    ("link_id", "item_type", "required", "bounds"),
    [
        ("height_cm", "decimal", False, (50, 250)),
        ("weight_kg", "decimal", False, (20, 350)),
        ("leg_pain_percent", "integer", False, (0, 100)),
        ("pain_now", "integer", True, (0, 10)),
        ("hba1c", "decimal", False, (3, 20)),
        ("psych_evaluation_year", "integer", True, (1950, "this_year")),
        ("prior_neuromodulation_year", "integer", True, (1980, "this_year")),
        ("expected_relief_percent", "integer", True, (0, 100)),
        ("pain_start_date", "date", True, (None, None)),
        ("sleep_affected", "boolean", True, (None, None)),
        ("goals_text", "text", True, (None, None)),
    ],
)
def test_item_types_bounds_and_required_flags(q, link_id, item_type, required, bounds):
    item = q.item(link_id)
    assert (item.type, item.required, (item.min, item.max)) == (item_type, required, bounds)


@pytest.mark.parametrize(
    ("link_id", "codes"),
    [
        ("completed_by", "self self_with_help someone_else"),
        ("red_flags", "new_weakness foot_drop saddle_numbness bladder_bowel none"),
        ("alcohol_typical_drinks", "1_2 3_4 5_6 7_9 10_plus"),
        ("pregnant", "yes no not_applicable prefer_not"),
        ("phq9_10", "not_difficult somewhat very extremely"),
    ],
)
def test_option_codes_match_the_specification(q, link_id, codes):
    assert [o.code for o in q.item(link_id).options] == codes.split()


def test_phq9_and_audit_options_carry_their_scores(q):
    assert [o.score for o in q.item("phq9_9").options] == [0, 1, 2, 3]
    assert [o.score for o in q.item("alcohol_six_plus").options] == [0, 1, 2, 3, 4]


def test_max_lengths_follow_the_specification(q):
    lengths = {i.link_id: i.max_length for i in q.items.values() if i.max_length}
    assert lengths["helper_relation"] == 60
    assert lengths["goals_text"] == 2000
    assert lengths["med_side_effects"] == 300


def broken(mutate) -> dict:
    raw = copy.deepcopy(RAW)
    mutate(raw)
    return raw


def _item(raw, link_id):
    for section in raw["sections"]:
        for item in section["items"]:
            if item["linkId"] == link_id:
                return item
    raise KeyError(link_id)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: _item(r, "sex").update(type="dropdown"), "item 'sex': unknown type"),
        (lambda r: _item(r, "sex").update(options=[]), "item 'sex': a choice item needs options"),
        (lambda r: _item(r, "pain_now").update(min=11), "item 'pain_now': min is greater than max"),
        (lambda r: _item(r, "pain_now").update(widget="slider"), "item 'pain_now': unknown widget"),
        (lambda r: _item(r, "pain_now").pop("max"), "item 'pain_now': a scale is an integer with"),
        (lambda r: _item(r, "pain_worst").update(max=100), "item 'pain_worst': a scale is an"),
        (lambda r: _item(r, "pain_regions").update(type="choice"), "a body map is a multi-choice"),
        (
            lambda r: _item(r, "hba1c").update(
                enable_when=[{"question": "nope", "operator": "=", "answer": True}]
            ),
            "unknown item 'nope'",
        ),
        (
            lambda r: _item(r, "helper_relation").update(
                enable_when=[{"question": "sex", "operator": "=", "answer": "male"}]
            ),
            "must refer to an earlier item",
        ),
        (
            lambda r: _item(r, "pregnant").update(
                enable_when=[{"question": "sex", "operator": "=", "answer": "martian"}]
            ),
            "'martian' is not an option of 'sex'",
        ),
        (
            lambda r: _item(r, "pain_least").update(linkId="pain_now"),
            "item 'pain_now': linkId used",
        ),
        (
            lambda r: _item(r, "hba1c").update(
                enable_when=[{"question": "diabetes", "operator": "~"}]
            ),
            "item 'hba1c': enableWhen needs",
        ),
        (lambda r: r["highlights"][2].update(text="Takes {no_such_item}"), "names no item"),
        (lambda r: r.pop("sections"), "missing 'sections'"),
    ],
)
def test_malformed_definition_fails_fast_naming_the_problem(mutate, message):
    with pytest.raises(DefinitionError, match=message):
        parse_definition(broken(mutate))


def test_a_disabled_instrument_leaves_the_form_and_the_scores():
    q = parse_definition(copy.deepcopy(RAW), frozenset({"peg"}))
    function = q.section("function")
    assert "peg_pain" not in [i.link_id for i in function.questions]
    assert q.instrument("peg") is None
    assert q.instrument("phq9") is not None


def test_every_instrument_carries_source_licence_and_attribution(q):
    for instrument in q.instruments:
        assert instrument.source
        assert instrument.licence
        assert instrument.attribution
