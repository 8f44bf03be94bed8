"""Which questions apply, following FHIR enableWhen semantics."""

from __future__ import annotations

import pytest

from app.engine.questionnaire.enable_when import enabled_link_ids, prune_hidden


@pytest.mark.parametrize(
    ("answers", "link_id", "shown"),
    [
        ({"completed_by": "self"}, "helper_relation", False),
        ({"completed_by": "someone_else"}, "helper_relation", True),
        ({}, "helper_relation", False),
        ({"main_pain_area": "legs"}, "leg_pain_percent", True),
        ({"main_pain_area": "back"}, "leg_pain_percent", True),
        ({"main_pain_area": "neck"}, "leg_pain_percent", False),
        ({"diagnoses": ["crps", "other"]}, "diagnoses_other", True),
        ({"diagnoses": ["crps"]}, "diagnoses_other", False),
        ({"sex": "female"}, "pregnant", True),
        ({"sex": "prefer_not"}, "pregnant", True),
        ({"sex": "male"}, "pregnant", False),
        ({"alcohol_frequency": "never"}, "alcohol_six_plus", False),
        ({"alcohol_frequency": "monthly_or_less"}, "alcohol_six_plus", True),
        ({"physio_tried": True}, "physio_relief", True),
        ({"physio_tried": False}, "physio_relief", False),
        ({"procedures_had": True}, "procedures", True),
        ({"procedures_had": False}, "procedures", False),
    ],
)
def test_conditions_show_and_hide_questions(q, answers, link_id, shown):
    assert (link_id in enabled_link_ids(q, answers)) is shown


@pytest.mark.parametrize(
    ("phq", "shown"),
    [
        ({f"phq9_{n}": "0" for n in range(1, 10)}, False),
        ({**{f"phq9_{n}": "0" for n in range(1, 10)}, "phq9_9": "1"}, True),
        ({**{f"phq9_{n}": "0" for n in range(1, 10)}, "phq9_3": "3"}, True),
    ],
)
def test_phq9_difficulty_question_needs_any_problem_above_zero(q, phq, shown):
    assert ("phq9_10" in enabled_link_ids(q, phq)) is shown


def test_an_answer_to_a_hidden_question_enables_nothing(q):
    answers = {"blood_thinners": "no", "blood_thinner_names": ["other"]}
    enabled = enabled_link_ids(q, answers)
    assert "blood_thinner_names" not in enabled
    assert "blood_thinner_other" not in enabled


def test_prune_hidden_drops_answers_that_no_longer_apply(q):
    answers = {"sex": "male", "pregnant": "no", "allergies": False, "allergy_details": "x"}
    assert prune_hidden(q, answers) == {"sex": "male", "allergies": False}
