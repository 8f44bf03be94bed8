"""Parsing typed input, checking stored answers, and showing them in words."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.engine.questionnaire.answers import (
    AnswerError,
    check_value,
    display,
    parse_answer,
    to_raw,
    validate_answers,
)
from tests.answers_data import FUSION_PATIENT_STORED

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("link_id", "raw", "value"),
    [
        ("pain_now", "7", 7),
        ("pain_now", " 0 ", 0),
        ("pain_now", "", None),
        ("height_cm", "172.5", 172.5),
        ("height_cm", "172,5", 172.5),
        ("height_cm", "172", 172),
        ("pain_start_date", "03/2019", "2019-03"),
        ("pain_start_date", "2019-03", "2019-03"),
        ("pain_start_date", "15/03/2019", "2019-03-15"),
        ("pain_start_date", "2019-3-5", "2019-03-05"),
        ("sleep_affected", "yes", True),
        ("sleep_affected", "no", False),
        ("sex", "female", "female"),
        ("red_flags", ["none"], ["none"]),
        ("red_flags", ["foot_drop", "new_weakness"], ["new_weakness", "foot_drop"]),
        ("helper_relation", "  my   daughter ", "my daughter"),
        ("goals_text", "Walk\r\nagain", "Walk\nagain"),
        ("goals_text", "नमस्ते — I want to walk 🙂", "नमस्ते — I want to walk 🙂"),
        ("psych_evaluation_year", "2026", 2026),
    ],
)
def test_accepted_input_is_stored_in_canonical_form(q, link_id, raw, value):
    assert parse_answer(q.item(link_id), raw, TODAY) == value


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2019-03", "03/2019"),
        ("2019-03-15", "15/03/2019"),
    ],
)
def test_a_stored_date_is_shown_back_the_way_the_hint_asks_for_it(q, stored, shown):
    item = q.item("pain_start_date")
    assert to_raw(item, stored) == shown
    assert parse_answer(item, shown, TODAY) == stored


@pytest.mark.parametrize(
    ("link_id", "raw", "message"),
    [
        ("pain_now", "11", "Enter a number from 0 to 10"),
        ("pain_now", "-1", "Enter a number from 0 to 10"),
        ("pain_now", "seven", "Enter a whole number"),
        ("pain_now", "7.5", "Enter a whole number"),
        ("height_cm", "1e3", "Enter a number, for example 165"),
        ("height_cm", "nan", "Enter a number"),
        ("height_cm", "251", "Enter a number from 50 to 250 cm"),
        ("leg_pain_percent", "101", "Enter a number from 0 to 100%"),
        ("psych_evaluation_year", "2027", "Enter a number from 1950 to 2026"),
        ("pain_start_date", "13/2019", "The month must be a number from 1 to 12"),
        ("pain_start_date", "2019", "Enter the month as well as the year"),
        ("pain_start_date", "12/2026", "The date cannot be in the future"),
        ("pain_start_date", "31/02/2020", "Enter a real date"),
        ("pain_start_date", "last spring", "Enter the month and year"),
        ("sex", "alien", "Select one of the options shown"),
        ("sleep_affected", "maybe", "Select Yes or No"),
        ("red_flags", ["none", "foot_drop"], "Select ‘None of these’ on its own"),
        ("red_flags", ["zzz"], "Select from the options shown"),
        ("helper_relation", "x" * 61, "Use 60 characters or fewer (you have used 61)"),
        ("goals_text", "bad\x00byte", "hidden control characters"),
        ("pain_now", ["3", "4"], "Give one answer"),
    ],
)
def test_rejected_input_says_what_to_do(q, link_id, raw, message):
    with pytest.raises(AnswerError, match=re.escape(message)):
        parse_answer(q.item(link_id), raw, TODAY)


def test_a_complete_answer_set_validates(q):
    assert validate_answers(q, FUSION_PATIENT_STORED, today=TODAY) == {}


@pytest.mark.parametrize(
    ("change", "problem_at"),
    [
        ({"pain_now": "6"}, "pain_now"),
        ({"sleep_affected": "yes"}, "sleep_affected"),
        ({"work_status": "robot"}, "work_status"),
        ({"helper_relation": None}, None),
        ({"pregnant": "no"}, "pregnant"),
        ({"made_up": 1}, "made_up"),
        ({"medications": [{"med_name": "X"}]}, "medications"),
        ({"surgeries": []}, "surgeries"),
        ({"goals_text": None}, "goals_text"),
    ],
)
def test_invalid_stored_answers_are_reported_by_link_id(q, change, problem_at):
    answers = {**FUSION_PATIENT_STORED, **change}
    answers = {k: v for k, v in answers.items() if v is not None}
    problems = validate_answers(q, answers, today=TODAY)
    assert (list(problems) == [problem_at]) if problem_at else problems == {}


@pytest.mark.parametrize(
    ("link_id", "value", "words"),
    [
        ("sleep_affected", True, "Yes"),
        ("pain_start_date", "2019-03", "March 2019"),
        ("communication_needs", ["interpreter", "hearing"], "An interpreter, Help with hearing"),
        ("leg_pain_percent", 60, "60%"),
        ("height_cm", 172, "172 cm"),
        ("phq9_9", "2", "More than half the days"),
    ],
)
def test_answers_are_shown_in_words(q, link_id, value, words):
    assert display(q.item(link_id), value) == words


def test_check_value_refuses_strings_for_numbers(q):
    assert check_value(q.item("pain_now"), "6") is not None
    assert check_value(q.item("pain_now"), 6) is None


@pytest.mark.parametrize(
    ("raw", "cm"),
    [
        ("5'6\"", 167.6),
        ("5' 6\"", 167.6),
        ("5’6”", 167.6),
        ("5 ft 6 in", 167.6),
        ("5 feet 6 inches", 167.6),
        ("5ft6", 167.6),
        ("6 feet", 182.9),
        ("4'11", 149.9),
        ("165", 165),
        ("165 cm", 165),
    ],
)
def test_a_height_may_be_given_in_feet_and_inches_and_is_stored_in_cm(q, raw, cm):
    assert parse_answer(q.item("height_cm"), raw, TODAY) == cm


def test_a_year_alone_is_an_answer_only_when_the_month_is_not_known(q):
    item = q.item("pain_start_date")
    with pytest.raises(AnswerError, match="tick ‘I'm not sure of the month’"):
        parse_answer(item, "2018", TODAY)
    assert parse_answer(item, "2018", TODAY, year_only=True) == "2018"
    assert parse_answer(item, "03/2018", TODAY, year_only=True) == "2018-03"
    with pytest.raises(AnswerError, match="future"):
        parse_answer(item, "2099", TODAY, year_only=True)
    answers = {**FUSION_PATIENT_STORED, "pain_start_date": "2018"}
    assert validate_answers(q, answers, today=TODAY) == {
        "pain_start_date": "Enter the month as well as the year, for example 03/2019. If you "
        "are not sure of the month, tick ‘I'm not sure of the month’."
    }
    assert validate_answers(q, {**answers, "pain_start_month_unsure": True}, today=TODAY) == {}
    assert display(item, "2018") == "2018 (month not sure)"
