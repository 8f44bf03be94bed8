"""How long the questions take, as the consent page promises it: estimated from the pages a
patient goes through (50 seconds a page, from a timed walkthrough) for the answer sets the
browser tests walk, and kept in the definition so the promise follows the questions."""

from __future__ import annotations

import statistics

from app.engine.questionnaire.progress import minutes_to_answer, pages_to_answer
from tests.answers_data import CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED, FUSION_PATIENT_STORED

ANSWER_SETS = (FUSION_PATIENT_STORED, CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED)


def test_each_list_row_is_a_page_of_its_own(q):
    plain = sum(len(s.pages) for s in q.sections)
    assert pages_to_answer(q, DIABETIC_PATIENT_STORED) == plain
    rows = (
        len(FUSION_PATIENT_STORED["medications"])
        + len(FUSION_PATIENT_STORED["procedures"])
        + len(FUSION_PATIENT_STORED["surgeries"])
    )
    assert pages_to_answer(q, FUSION_PATIENT_STORED) == plain + rows


def test_the_consent_s_promise_is_the_median_estimate_rounded_to_five_minutes(q):
    median = statistics.median(minutes_to_answer(q, answers) for answers in ANSWER_SETS)
    low, high = 5 * int(median // 5), 5 * -int(-median // 5)
    assert q.minutes == (low, high), (
        f"the median answer set takes about {median:.0f} minutes: set minutes: [{low}, "
        f"{high}] in the definition"
    )


def test_the_consent_page_states_the_promise(patient, client):
    page = client.get("/intake/consent").get_data(as_text=True)
    assert "Most people take 25 to 30 minutes, a minute more for each medicine" in page
