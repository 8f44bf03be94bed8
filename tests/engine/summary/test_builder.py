"""The summary builder, tested without Flask on complete answer sets."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from app.engine.questionnaire import DEFINITIONS_DIR
from app.engine.questionnaire.answers import validate_answers
from app.engine.questionnaire.definition import parse_definition
from app.engine.summary.builder import DISCLAIMER, PatientInfo, build_summary
from app.engine.summary.facts import duration_text, months_between
from tests.answers_data import (
    CRPS_PATIENT_STORED,
    DIABETIC_PATIENT_STORED,
    FUSION_PATIENT_STORED,
)

RAW = yaml.safe_load((DEFINITIONS_DIR / "scs_intake.v3.yaml").read_text())
SUBMITTED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
PATIENT = PatientInfo("Ravi Kumar", date(1961, 4, 12), date(2027, 1, 5))


def summary_of(q, answers, **kwargs):
    return build_summary(q, answers, SUBMITTED, patient=PATIENT, **kwargs)


@pytest.mark.parametrize(
    "answers", [FUSION_PATIENT_STORED, CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED]
)
def test_the_answer_sets_are_complete_and_valid(q, answers):
    assert validate_answers(q, answers, today=date(2026, 11, 25)) == {}


def facts_of(summary, part_id):
    return {f.label: f.value for f in summary.part(part_id).facts}


def test_the_brief_gives_the_pain_in_a_clinician_s_words(q):
    pain = facts_of(summary_of(q, FUSION_PATIENT_STORED), "pain")
    assert pain == {
        "Duration": "7 years 8 months (92 months), since March 2019",
        "Onset": "after spine surgery",
        "Diagnoses (reported)": "persistent spinal pain syndrome after surgery, other; "
        "Epidural fibrosis",
        "Distribution": "Lower back, Left buttock, Left thigh, Left lower leg, Left foot; "
        "worst in Back and legs about equally",
        "Leg share": "60% of the pain in the legs",
        "Descriptors": "Burning, Electric or shooting; There all the time, with flare-ups",
        "NRS now / least / worst": "6 / 4 / 9 (past week)",
        "Walking": "100–500 m; aids: stick",
    }


def test_the_brief_gives_scores_medicines_procedures_and_procedure_health(q):
    summary = summary_of(q, FUSION_PATIENT_STORED)
    scores = {s.id: (s.total, s.band) for s in summary.part("scores").scores}
    assert scores == {
        "peg": ("7.0 of 10", None),
        "phq9": ("9 of 27", "Mild"),
        "gad7": ("3 of 21", "Minimal"),
        "auditc": ("1 of 12", None),
    }
    medicines = summary.part("medicines")
    assert medicines.rows == ("Tapentadol 50 mg twice a day",)
    assert facts_of(summary, "medicines") == {
        "Opioid total": "about 40 mg oral morphine equivalent a day: "
        "Tapentadol 50 mg twice a day (40)"
    }
    assert summary.part("procedures").rows == (
        "epidural steroid injection 2020: 30% relief, lasting 1 to 4 weeks",
        "fusion 2018: pain the same afterwards",
        "fusion 2021: pain worse afterwards",
    )
    health = facts_of(summary, "procedure_health")
    assert health["Anticoagulants"] == "Yes; Apixaban"
    assert health["Implanted devices"] == "pacemaker"
    assert health["Diabetes"] == "No"
    assert health["BMI"] == "29.9 (172 cm, 88.5 kg)"


def test_the_brief_quotes_the_patient_s_goals_and_expectations(q):
    summary = summary_of(q, FUSION_PATIENT_STORED)
    goals = summary.part("goals")
    assert [(f.label, f.value) for f in goals.quotes] == [
        ("Goals, in the patient's words", "Walk to the temple and play with my grandchildren"),
        ("Questions for the doctor", "How long does the battery last?"),
    ]
    assert facts_of(summary, "goals")["Expects stimulation would"] == "much less pain"
    assert facts_of(summary, "psychosocial")["Psychological assessment"] == "No"


def test_the_identity_comes_from_the_clinic_s_record(q):
    patient = PatientInfo(
        "Ravi Kumar", date(1961, 4, 12), date(2027, 1, 5), "3214-C4FA", "+919845012345"
    )
    summary = build_summary(q, FUSION_PATIENT_STORED, SUBMITTED, patient=patient, revision=2)
    who = summary.identity
    assert (who.name, who.age, who.sex, who.reference, who.phone, who.visit_date) == (
        "Ravi Kumar",
        65,
        "Male",
        "3214-C4FA",
        "+919845012345",
        date(2027, 1, 5),
    )
    assert summary.questionnaire.endswith("(scs_intake v3)")
    assert summary.disclaimer == DISCLAIMER


def test_scores_carry_each_item_for_the_folded_lists(q):
    scores = {s.id: s for s in summary_of(q, FUSION_PATIENT_STORED).scores}
    assert scores["phq9"].items[0].value == "More than half the days (2)"
    assert len(scores["phq9"].items) == 9


def test_items_to_review_are_facts_including_the_new_ones(q):
    texts = [h.text for h in summary_of(q, FUSION_PATIENT_STORED).highlights]
    assert texts == [
        "Takes blood thinner(s): Apixaban",
        "Visit needs: An interpreter, Help with hearing; language: Another language (Tamil)",
        "Has implanted device(s): pacemaker",
        "Expects to need MRI scans in future",
        "Allergies: Penicillin - rash",
        "Opioid dose: about 40 mg oral morphine equivalent a day: "
        "Tapentadol 50 mg twice a day (40)",
        "No psychological assessment so far (No)",
        "Expects stimulation would make the pain: much less pain",
        "Reports heart disease",
        "Work or activities include: Driving",
    ]


def test_a_moderately_severe_phq9_and_a_belief_in_cure_are_stated_as_facts(q):
    answers = {
        **FUSION_PATIENT_STORED,
        **{f"phq9_{n}": "2" for n in range(1, 9)},
        "knows_reduction_not_cure": False,
        "expected_outcome": "gone",
    }
    texts = [h.text for h in summary_of(q, answers).highlights]
    assert "PHQ-9 16 of 27, Moderately severe (published band)" in texts
    assert "Did not know that stimulation usually reduces pain rather than removing it" in texts
    assert "Expects stimulation would make the pain: pain gone completely" in texts


def test_the_total_opioid_dose_adds_its_parts(q):
    medicines = [
        {
            "med_name": "Tapentadol SR",
            "med_kind": "opioid",
            "med_dose": "100 mg twice a day",
            "med_current": True,
            "med_duration": "gt_1_year",
            "med_relief": "a_little",
        },
        {
            "med_name": "Tramadol",
            "med_kind": "opioid",
            "med_dose": "50 mg three times a day",
            "med_current": True,
            "med_duration": "gt_1_year",
            "med_relief": "a_little",
        },
        {
            "med_name": "Morphine",
            "med_kind": "opioid",
            "med_dose": "when needed",
            "med_current": True,
            "med_duration": "1_6_months",
            "med_relief": "a_lot",
        },
        {
            "med_name": "Oxycodone",
            "med_kind": "opioid",
            "med_dose": "10 mg twice a day",
            "med_current": False,
            "med_duration": "1_6_months",
            "med_relief": "a_lot",
        },
    ]
    summary = summary_of(q, {**FUSION_PATIENT_STORED, "medications": medicines})
    assert summary.opioids.total == 110
    assert facts_of(summary, "medicines")["Opioid total"] == (
        "about 110 mg oral morphine equivalent a day from 2 of 3 opioid or unknown "
        "medicines: Tapentadol SR 100 mg twice a day (80), Tramadol 50 mg three times a day "
        "(30); not counted: Morphine when needed (dose not clear)"
    )
    assert any("Oral morphine equivalents: CDC" in a for a in summary.attributions)


def test_crps_patient_with_thoughts_of_self_harm(q):
    summary = summary_of(q, CRPS_PATIENT_STORED, alert_times={"self_harm": "2026-11-19T10:00"})
    urgent = summary.urgent
    assert [(h.label, h.text) for h in urgent] == [
        (
            "Thoughts of self-harm",
            "PHQ-9 item 9 (thoughts of being better off dead or of self-harm): "
            '"More than half the days"',
        )
    ]
    assert urgent[0].link_id == "phq9_9"
    assert summary.part("procedures").rows == ()
    statements = {s.link_id: s.value for g in summary.groups for s in g.statements}
    assert statements["pregnant"] == "No"


def test_every_answer_follows_in_groups_as_statements(q):
    summary = summary_of(q, FUSION_PATIENT_STORED)
    groups = {g.title: {s.label: s.value for s in g.statements} for g in summary.groups}
    assert groups["Health"]["Blood thinners"] == "Apixaban"
    assert groups["Health"]["Anticoagulant or antiplatelet"] == "Yes"
    medicines = next(s for g in summary.groups for s in g.statements if s.link_id == "medications")
    assert medicines.lines[1] == (
        "Pregabalin, nerve pain, stopped, did not help, for 6 to 12 months, Dizzy, stopped"
    )
    mood = next(g for g in summary.groups if g.title.startswith("Mood"))
    assert mood.fold
    shown = {s.link_id for g in summary.groups for s in g.statements}
    answered = {k for k in FUSION_PATIENT_STORED}
    assert answered <= shown


def test_diabetic_neuropathy_patient(q):
    summary = summary_of(q, DIABETIC_PATIENT_STORED)
    texts = [h.text for h in summary.highlights]
    assert "Diabetes; last HbA1c 9.1%" in texts
    assert "Reports a bleeding or clotting disorder" in texts
    assert facts_of(summary, "procedure_health")["Diabetes"] == "Yes; HbA1c 9.1%"
    assert summary.part("medicines").rows == ()
    assert summary.part("medicines").empty == "None taken now"


def test_urgent_neurological_symptoms_come_first_with_the_time_advice_was_shown(q):
    answers = {**CRPS_PATIENT_STORED, "red_flags": ["foot_drop", "bladder_bowel"]}
    summary = summary_of(q, answers, alert_times={"urgent_symptoms": "2026-11-19T10:05:00+00:00"})
    assert summary.highlights[0].text == (
        "Reports new or worsening in the past month: Foot drop (catching your toes or "
        "tripping), Problems controlling your bladder or bowels. Urgent-care advice shown "
        "19 Nov 2026 10:05 UTC"
    )
    assert [h.urgent for h in summary.highlights[:2]] == [True, True]


def test_the_clinic_clock_writes_alert_times_and_dates_the_age(q):
    """Sent at 20:00 UTC on 19 November is 01:30 on the 20th in India: a birthday then."""
    answers = {**CRPS_PATIENT_STORED, "red_flags": ["foot_drop"]}
    sent = datetime(2026, 11, 19, 20, 0, tzinfo=UTC)
    born = PatientInfo("Ravi Kumar", date(1960, 11, 20), None)
    alerts = {"urgent_symptoms": "2026-11-19T19:55:00+00:00"}
    india = build_summary(
        q, answers, sent, patient=born, alert_times=alerts, zone=ZoneInfo("Asia/Kolkata")
    )
    utc = build_summary(q, answers, sent, patient=born, alert_times=alerts)
    assert india.highlights[0].text.endswith("Urgent-care advice shown 20 Nov 2026 01:25 IST")
    assert utc.highlights[0].text.endswith("Urgent-care advice shown 19 Nov 2026 19:55 UTC")
    assert (india.identity.age, utc.identity.age) == (66, 65)


def test_unanswered_optional_items_say_not_answered_and_hidden_ones_are_absent(q):
    answers = {
        k: v
        for k, v in FUSION_PATIENT_STORED.items()
        if k not in ("mrsa_history", "questions_for_doctor", "height_cm")
    }
    summary = summary_of(q, answers)
    statements = {s.link_id: s for g in summary.groups for s in g.statements}
    assert statements["mrsa_history"].value == "not answered"
    assert not statements["mrsa_history"].answered
    assert summary.part("goals").quotes[1].value == "not answered"
    assert "BMI" not in facts_of(summary, "procedure_health")
    assert "hba1c" not in statements


def test_summary_never_shows_an_answer_the_patient_did_not_give(q):
    summary = summary_of(q, {"sex": "female"})
    assert [f for part in summary.brief for f in part.facts] == []
    assert summary.highlights == ()
    assert all(s.total.startswith("incomplete") for s in summary.scores)


def test_a_definition_without_a_body_map_or_regions_builds_a_summary(q):
    raw = copy.deepcopy(RAW)
    for section in raw["sections"]:
        section["items"] = [i for i in section["items"] if i["linkId"] != "pain_regions"]
        for page in section.get("pages", ()):
            page["items"] = [i for i in page["items"] if i != "pain_regions"]
        section["pages"] = [p for p in section.get("pages", ()) if p["items"]]
    for part in raw["summary"]["snapshot"]:
        part["facts"] = [f for f in part.get("facts", ()) if "pain_regions" not in f["text"]]
    for group in raw["summary"]["groups"]:
        group["items"] = [i for i in group["items"] if i != "pain_regions"]
    del raw["summary"]["labels"]["pain_regions"]
    smaller = parse_definition(raw)
    answers = {k: v for k, v in FUSION_PATIENT_STORED.items() if k != "pain_regions"}
    summary = summary_of(smaller, answers)
    assert summary.pain_regions == ()
    assert facts_of(summary, "pain")["Onset"] == "after spine surgery"


def test_a_new_question_reaches_the_summary_with_no_change_to_the_code(q):
    raw = copy.deepcopy(RAW)
    goals = next(s for s in raw["sections"] if s["id"] == "goals")
    goals["items"].append(
        {
            "linkId": "favourite_walk",
            "text": "Where do you like to walk?",
            "type": "string",
            "max_length": 100,
        }
    )
    goals["pages"][-1]["items"].append("favourite_walk")
    summary = summary_of(
        parse_definition(raw), {**FUSION_PATIENT_STORED, "favourite_walk": "By the lake"}
    )
    other = summary.groups[-1]
    assert other.title == "Other answers"
    assert [(s.label, s.value) for s in other.statements] == [
        ("Where do you like to walk?", "By the lake")
    ]


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2019-03", date(2026, 11, 20), 92),
        ("2026-11", date(2026, 11, 1), 0),
        ("2026-10-25", date(2026, 11, 20), 0),
        ("2026-10-15", date(2026, 11, 20), 1),
    ],
)
def test_pain_duration_in_whole_months(start, end, months):
    assert months_between(start, end) == months


@pytest.mark.parametrize(
    ("months", "text"),
    [
        (0, "0 months"),
        (1, "1 month"),
        (11, "11 months"),
        (12, "1 year (12 months)"),
        (25, "2 years 1 month (25 months)"),
    ],
)
def test_duration_text(months, text):
    assert duration_text(months) == text


def test_a_pain_start_year_without_its_month_gives_an_approximate_duration(q):
    answers = {**FUSION_PATIENT_STORED, "pain_start_date": "2018", "pain_start_month_unsure": True}
    pain = facts_of(summary_of(q, answers), "pain")
    assert pain["Duration"] == "about 8 years, since 2018 (month not sure)"
