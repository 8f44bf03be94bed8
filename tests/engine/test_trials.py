"""The trial's rules: which days may be written, which are missed, and the two relief
figures with the numbers they are made from."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.engine.questionnaire import DEFINITIONS_DIR
from app.engine.questionnaire.answers import AnswerError, parse_answer
from app.engine.questionnaire.definition import DefinitionError, load_definition, parse_definition
from app.engine.trials import (
    ENTERED,
    MISSED,
    OPEN,
    TO_COME,
    Plan,
    brief,
    calculated_relief,
    day_state,
    may_change,
)

START = date(2027, 1, 4)
PLAN = Plan(START, 7)


def day(n: int) -> date:
    return START + timedelta(days=n - 1)


@pytest.fixture(scope="module")
def diary():
    return load_definition(Path(DEFINITIONS_DIR) / "scs_trial_diary.v1.yaml")


def test_calculated_relief_is_the_fall_from_the_baseline_over_the_baseline():
    relief, mean_average = calculated_relief(6, [4, 4, 3, 5])
    assert mean_average == 4.0
    assert relief.value == pytest.approx(33.3)


def test_a_rise_in_pain_gives_a_negative_figure_not_zero():
    relief, _ = calculated_relief(4, [5, 6])
    assert relief.value == pytest.approx(-37.5)


def test_a_baseline_of_0_or_none_or_no_days_leaves_the_figure_undefined_with_the_reason():
    zero, mean_average = calculated_relief(0, [1, 2])
    assert zero.value is None
    assert "baseline is 0" in zero.why_none
    assert mean_average == 1.5
    none, _ = calculated_relief(None, [1])
    assert none.value is None
    assert "no baseline" in none.why_none
    empty, mean_average = calculated_relief(6, [])
    assert empty.value is None
    assert "no day" in empty.why_none
    assert mean_average is None


def test_only_today_and_yesterday_within_the_trial_may_be_written():
    assert PLAN.writable(day(3)) == [day(3), day(2)]
    assert PLAN.writable(day(1)) == [day(1)]  # the day before the trial is not part of it
    assert PLAN.writable(day(8)) == [day(7)]  # the last day, late, the day after
    assert PLAN.writable(day(9)) == []


def test_the_link_works_during_the_trial_and_three_days_after():
    assert not PLAN.link_open(START - timedelta(days=1))
    assert PLAN.link_open(day(1))
    assert PLAN.link_open(day(7))
    assert PLAN.link_open(day(7) + timedelta(days=3))
    assert not PLAN.link_open(day(7) + timedelta(days=4))


def test_a_day_not_written_by_the_day_after_is_missed_and_stays_missed():
    today = day(4)
    assert day_state(PLAN, day(1), False, today) == MISSED
    assert day_state(PLAN, day(2), True, today) == ENTERED
    assert day_state(PLAN, day(3), False, today) == OPEN  # yesterday: late, still open
    assert day_state(PLAN, day(4), False, today) == OPEN
    assert day_state(PLAN, day(5), False, today) == TO_COME


def test_an_entry_changes_only_on_the_day_it_was_written():
    assert may_change(day(3), day(3), PLAN, day(3))
    assert not may_change(day(3), day(3), PLAN, day(4))  # written yesterday, for yesterday
    assert may_change(day(4), day(3), PLAN, day(4))  # a late entry, written today


def test_the_brief_counts_entered_days_only_and_shows_missed_ones(diary):
    entries = {
        day(1): ({"pain_average": 5, "pain_worst": 8, "relief_percent": 20}, False),
        day(2): ({"pain_average": 3, "pain_worst": 6, "relief_percent": 50}, True),
        day(4): ({"pain_average": 4, "pain_worst": 6, "relief_percent": 40}, False),
    }
    made = brief(diary, PLAN, 6, "intake", entries, today=day(5))
    assert [d.state for d in made.days] == [
        ENTERED, ENTERED, MISSED, ENTERED, OPEN, TO_COME, TO_COME,
    ]  # fmt: skip
    assert (made.entered, made.missed, made.late) == (3, 1, 1)
    assert made.mean_average == 4.0
    assert made.calculated.value == pytest.approx(33.3)
    assert made.mean_reported == pytest.approx(36.7)
    assert made.overall_reported is None  # asked on the last day only


def test_the_last_day_gives_the_overall_figure_and_the_pgic_in_words(diary):
    entries = {
        day(7): (
            {
                "pain_average": 2,
                "pain_worst": 5,
                "relief_percent": 60,
                "relief_percent_overall": 50,
                "pgic": "much_improved",
                "pain_medicine_compared": "less",
                "pain_medicine_note": "Stopped the evening tramadol",
            },
            False,
        )
    }
    made = brief(diary, PLAN, 6, "entered", entries, today=day(8))
    assert made.overall_reported == 50
    assert made.pgic == "Much improved"
    medicine = next(t for t in made.tallies if t.label == "Pain medicine")
    assert ("Less", 1) in medicine.counts
    notes = dict(made.notes)
    assert notes["Medicine changed"][0].text == "Stopped the evening tramadol"
    assert notes["Medicine changed"][0].day == 7


def test_relief_goes_in_steps_of_ten_and_nothing_between(diary):
    item = diary.items["relief_percent"]
    assert parse_answer(item, "40") == 40
    with pytest.raises(AnswerError, match="steps of 10"):
        parse_answer(item, "45")
    with pytest.raises(AnswerError):
        parse_answer(item, "110")


def test_a_step_that_does_not_divide_the_range_stops_loading():
    raw = {
        "id": "x",
        "version": 1,
        "title": "X",
        "sections": [
            {
                "id": "s",
                "items": [
                    {"linkId": "a", "text": "A", "type": "integer", "min": 0, "max": 95, "step": 10}
                ],
            }
        ],
    }
    with pytest.raises(DefinitionError, match="whole steps"):
        parse_definition(raw)


def test_the_diary_keeps_the_linkids_of_the_specification(diary):
    assert set(diary.items) == {
        "pain_average", "pain_worst", "relief_percent", "tingling_coverage",
        "activity_compared", "activity_note", "sleep_hours", "woken_by_pain",
        "pain_medicine_compared", "pain_medicine_note", "goal_progress", "side_effects",
        "device_problems", "pgic", "relief_percent_overall",
    }  # fmt: skip
    assert [p.id for p in diary.sections[0].pages] == ["day", "last_day"]
    assert [o.code for o in diary.items["pgic"].options] == [
        "very_much_improved", "much_improved", "minimally_improved", "no_change",
        "minimally_worse", "much_worse", "very_much_worse",
    ]  # fmt: skip
