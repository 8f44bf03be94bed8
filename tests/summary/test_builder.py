"""The summary builder, tested without Flask on complete answer sets."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.questionnaire.answers import validate_answers
from app.summary.builder import (
    DISCLAIMER,
    PatientInfo,
    build_summary,
    duration_text,
    months_between,
)

from ..answers_data import (
    CRPS_PATIENT_STORED,
    DIABETIC_PATIENT_STORED,
    FUSION_PATIENT_STORED,
)

SUBMITTED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
PATIENT = PatientInfo("Ravi Kumar", date(1961, 4, 12), date(2027, 1, 5))


def summary_of(q, answers, **kwargs):
    return build_summary(q, answers, SUBMITTED, patient=PATIENT, **kwargs)


@pytest.mark.parametrize("answers", [FUSION_PATIENT_STORED, CRPS_PATIENT_STORED,
                                     DIABETIC_PATIENT_STORED])
def test_the_answer_sets_are_complete_and_valid(q, answers):
    assert validate_answers(q, answers, today=date(2026, 11, 25)) == {}


def test_fusion_patient_on_apixaban_with_a_pacemaker(q):
    summary = summary_of(q, FUSION_PATIENT_STORED)
    assert [h.text for h in summary.highlights] == [
        "Takes blood thinner(s): Apixaban",
        "Visit needs: An interpreter, Help with hearing; language: Another language (Tamil)",
        "Has implanted device(s): Pacemaker",
        "Expects to need MRI scans in future",
        "Allergies: Penicillin - rash",
        "Currently takes opioid(s): Tapentadol 50 mg twice a day",
        "Work or activities include: Driving",
    ]
    assert not summary.urgent
    fusion = "Fusion: bones of the spine joined together"
    assert summary.surgeries.rows == ((fusion, "2018", "The same"), (fusion, "2021", "Worse"))
    assert summary.procedures.rows == ((
        "Epidural steroid injection: steroid put near the nerves in your spine", "2020", "30%",
        "1 to 4 weeks"),)
    assert summary.medications.rows[0] == (
        "Tapentadol", "Opioid: a strong painkiller, like tramadol, tapentadol or morphine",
        "50 mg twice a day", "Yes",
        "More than 1 year", "A little", "not answered")
    assert summary.bmi == "29.9 (height 172 cm, weight 88.5 kg)"
    assert summary.pain_duration == "7 years 8 months (92 months), since March 2019"
    assert summary.completed_by == "I am, with someone helping me (helper: Daughter)"


def test_header_facts(q):
    summary = summary_of(q, FUSION_PATIENT_STORED, revision=2)
    assert (summary.name, summary.age, summary.sex) == ("Ravi Kumar", 65, "Male")
    assert summary.visit_date == date(2027, 1, 5)
    assert summary.submitted_at == SUBMITTED
    assert summary.revision == 2
    assert summary.questionnaire.endswith("(scs_intake v2)")
    assert summary.disclaimer == DISCLAIMER
    assert "Not an eligibility determination." in summary.disclaimer


def test_scores_carry_totals_published_bands_and_each_item(q):
    scores = {s.id: s for s in summary_of(q, FUSION_PATIENT_STORED).scores}
    assert (scores["phq9"].total, scores["phq9"].band) == ("9 of 27", "Mild")
    assert (scores["gad7"].total, scores["gad7"].band) == ("3 of 21", "Minimal")
    assert (scores["peg"].total, scores["peg"].band) == ("7.0 of 10", None)
    assert scores["auditc"].total == "1 of 12"
    assert scores["phq9"].items[0].value == "More than half the days (2)"
    assert len(scores["phq9"].items) == 9


def test_crps_patient_with_thoughts_of_self_harm(q):
    summary = summary_of(q, CRPS_PATIENT_STORED, alert_times={"self_harm": "2026-11-19T10:00"})
    assert [h.text for h in summary.highlights] == [
        'PHQ-9 item 9 (thoughts of being better off dead or of self-harm): '
        '"More than half the days"',
    ]
    assert summary.highlights[0].urgent
    assert summary.highlights[0].link_id == "phq9_9"
    assert summary.pain_region_labels == ("Right arm", "Right hand")
    assert summary.procedures is None
    assert summary.surgeries is None
    facts = {f.link_id: f.value for f in summary.health}
    assert facts["pregnant"] == "No"


def test_diabetic_neuropathy_patient(q):
    texts = [h.text for h in summary_of(q, DIABETIC_PATIENT_STORED).highlights]
    assert texts == [
        "Not sure whether they take a blood thinner",
        "Has or expects diathermy treatment",
        "Visit needs: none; language: Hindi",
        "Reports a bleeding or clotting disorder",
        "Reports a current infection, open wound or antibiotics",
        "Takes medicine that lowers immunity",
        "Diabetes; last HbA1c 9.1%",
        "Current tobacco use",
        "Reports recreational drug use or taking pain medicine beyond prescription",
        "Has had a nerve stimulator or trial before: I had a trial only, 2022",
        "Reports past treatment for alcohol or drug use",
        "No one to help at home after a procedure",
        "Reports MRSA carriage or infection in the past",
    ]
    health = {f.link_id: f.value for f in summary_of(q, DIABETIC_PATIENT_STORED).health}
    assert "pregnant" not in health
    assert health["hba1c"] == "9.1%"


def test_urgent_neurological_symptoms_come_first_with_the_time_advice_was_shown(q):
    answers = {**CRPS_PATIENT_STORED, "red_flags": ["foot_drop", "bladder_bowel"]}
    summary = summary_of(q, answers, alert_times={"urgent_symptoms": "2026-11-19T10:05:00+00:00"})
    assert summary.highlights[0].text == (
        "Reports new or worsening in the past month: Foot drop (catching your toes or "
        "tripping), Problems controlling your bladder or bowels. Urgent-care advice shown "
        "19 Nov 2026 10:05 UTC")
    assert [h.urgent for h in summary.highlights] == [True, True]


def test_the_clinic_clock_writes_alert_times_and_dates_the_age(q):
    """Sent at 20:00 UTC on 19 November is 01:30 on the 20th in India: a birthday then."""
    answers = {**CRPS_PATIENT_STORED, "red_flags": ["foot_drop"]}
    sent = datetime(2026, 11, 19, 20, 0, tzinfo=UTC)
    born = PatientInfo("Ravi Kumar", date(1960, 11, 20), None)
    alerts = {"urgent_symptoms": "2026-11-19T19:55:00+00:00"}
    india = build_summary(q, answers, sent, patient=born, alert_times=alerts,
                          zone=ZoneInfo("Asia/Kolkata"))
    utc = build_summary(q, answers, sent, patient=born, alert_times=alerts)
    assert india.highlights[0].text.endswith("Urgent-care advice shown 20 Nov 2026 01:25 IST")
    assert utc.highlights[0].text.endswith("Urgent-care advice shown 19 Nov 2026 19:55 UTC")
    assert (india.age, utc.age) == (66, 65)


def test_unanswered_optional_items_say_not_answered_and_hidden_ones_are_absent(q):
    answers = {k: v for k, v in FUSION_PATIENT_STORED.items()
               if k not in ("mrsa_history", "questions_for_doctor", "height_cm")}
    summary = summary_of(q, answers)
    health = {f.link_id: f for f in summary.health}
    assert health["mrsa_history"].value == "not answered"
    assert not health["mrsa_history"].answered
    assert summary.questions_for_doctor == "not answered"
    assert summary.bmi == "not answered"
    assert "hba1c" not in health


def test_summary_never_shows_an_answer_the_patient_did_not_give(q):
    summary = summary_of(q, {"sex": "female"})
    shown = [f.value for f in (*summary.health, *summary.psychosocial, *summary.goals,
                               *summary.pain) if f.answered]
    assert shown == []
    assert summary.highlights == ()
    assert all(s.total.startswith("incomplete") for s in summary.scores)


@pytest.mark.parametrize(("start", "end", "months"), [
    ("2019-03", date(2026, 11, 20), 92), ("2026-11", date(2026, 11, 1), 0),
    ("2026-10-25", date(2026, 11, 20), 0), ("2026-10-15", date(2026, 11, 20), 1),
])
def test_pain_duration_in_whole_months(start, end, months):
    assert months_between(start, end) == months


@pytest.mark.parametrize(("months", "text"), [
    (0, "0 months"), (1, "1 month"), (11, "11 months"), (12, "1 year (12 months)"),
    (25, "2 years 1 month (25 months)"),
])
def test_duration_text(months, text):
    assert duration_text(months) == text
