"""Bad input gets a 200 page with the message beside the field, and loses nothing."""

from __future__ import annotations

import html
import re

import pytest

from tests.answers_data import FUSION_PATIENT_POSTS, FUSION_PATIENT_STORED, with_changes

TEN_KB = "x" * 10 * 1024

CASES = [
    # section, changes to a valid page, field whose message we expect, message
    ("pain", {"pain_now": "11"}, "pain_now", "Enter a number from 0 to 10"),
    ("pain", {"pain_now": "-3"}, "pain_now", "Enter a number from 0 to 10"),
    ("pain", {"pain_now": "six"}, "pain_now", "Enter a whole number, for example 5"),
    ("pain", {"leg_pain_percent": "150"}, "leg_pain_percent", "Enter a number from 0 to 100%"),
    ("about", {"height_cm": "tall"}, "height_cm", "Enter a number, for example 165"),
    ("about", {"weight_kg": "9999"}, "weight_kg", "Enter a number from 20 to 350 kg"),
    ("health", {"diabetes": "yes", "hba1c": "45"}, "hba1c", "Enter a number from 3 to 20%"),
    ("pain", {"pain_start_date": "01/2099"}, "pain_start_date", "The date cannot be in the future"),
    ("pain", {"pain_start_date": "ages ago"}, "pain_start_date", "Enter the month and year"),
    ("about", {"sex": "robot"}, "sex-female", "Select one of the options shown"),
    ("function", {"sleep_affected": "maybe"}, "sleep_affected-yes", "Select Yes or No"),
    (
        "about",
        {"communication_needs": "telepathy"},
        "communication_needs-interpreter",
        "Select from the options shown",
    ),
    (
        "pain",
        {"red_flags": ["none", "foot_drop"]},
        "red_flags-new_weakness",
        "Select ‘None of these’ on its own, or untick it",
    ),
    ("about", {"sex": None}, "sex-female", "Select an answer"),
    (
        "about",
        {"occupational_risks": None},
        "occupational_risks-heights",
        "Select at least one, or ‘None of these’",
    ),
    ("goals", {"goals_text": None}, "goals_text", "Enter your answer"),
    ("goals", {"goals_text": "   "}, "goals_text", "Enter your answer"),
    ("health", {"allergy_details": None}, "allergy_details", "Enter your answer"),
    ("goals", {"goals_text": TEN_KB}, "goals_text", "Use 2,000 characters or fewer"),
    ("about", {"helper_relation": TEN_KB}, "helper_relation", "Use 60 characters or fewer"),
    (
        "goals",
        {"questions_for_doctor": "Is it safe?\x00"},
        "questions_for_doctor",
        "hidden control characters",
    ),
    (
        "treatments",
        {"procedures-0-proc_year": "1800"},
        "procedures-0-proc_year",
        "Enter a number from 1950 to",
    ),
    (
        "treatments",
        {"procedures-0-proc_relief_percent": "lots"},
        "procedures-0-proc_relief_percent",
        "Enter a whole number",
    ),
    (
        "treatments",
        {"surgeries-0-surgery_type": "laser"},
        "surgeries-0-surgery_type-discectomy",
        "Select one of the options shown",
    ),
    (
        "treatments",
        {
            "procedures_had": "yes",
            **{
                f"procedures-0-{c}": None
                for c in ("proc_type", "proc_year", "proc_relief_percent", "proc_relief_duration")
            },
        },
        "procedures",
        "Add at least one treatment",
    ),
    (
        "medicines",
        {"medications-1-med_relief": "loads"},
        "medications-1-med_relief-none",
        "Select one of the options shown",
    ),
    (
        "medicines",
        {"medications-1-med_current": None},
        "medications-1-med_current-yes",
        "Select yes if you still take it, or no if you stopped",
    ),
    (
        "pain",
        {"pain_start_date": "2018"},
        "pain_start_date",
        "If you are not sure of the month, tick ‘I'm not sure of the month’",
    ),
    ("about", {"height_cm": "5 feet 14 inches"}, "height_cm", "Inches go from 0 to 11"),
    (
        "treatments",
        {"prior_neuromodulation": "yes"},
        "prior_neuromodulation_year",
        "Enter a number",
    ),
]


def message_beside(page: str, anchor: str, message: str) -> bool:
    name = re.sub(r"-(yes|female|interpreter|heights|new_weakness|discectomy|none)$", "", anchor)
    found = re.findall(
        rf'<p class="error-message" id="{re.escape(name)}-error">(.*?)</p>', page, re.S
    )
    return any(message in html.unescape(m) for m in found)


@pytest.mark.parametrize(
    ("section", "changes", "anchor", "message"),
    CASES,
    ids=[f"{c[0]}-{next(iter(c[1]))}-{c[3][:20]}" for c in CASES],
)
def test_bad_input_is_explained_beside_the_field(
    patient, person, clinic, section, changes, anchor, message
):
    person.fill_all()
    before = clinic.response(patient).answers

    response = person.save(section, with_changes(FUSION_PATIENT_POSTS, section, changes)[section])

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'href="#{anchor}"' in page
    assert message_beside(page, anchor, message), re.findall(r"error-message.*?</p>", page)
    assert clinic.response(patient).answers == before


def test_what_was_typed_stays_in_the_form_after_an_error(patient, person):
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"leg_pain_percent": "eleven"})
    page = person.save("pain", posts["pain"]).get_data(as_text=True)
    assert 'value="eleven"' in page
    assert "Lying flat with a pillow under my knees" in page
    assert 'id="pain_regions-foot_l" name="pain_regions" value="foot_l" checked' in page


def test_a_page_with_errors_is_kept_as_a_draft_for_later(patient, person, client, clinic):
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"leg_pain_percent": "eleven"})
    person.save("pain", posts["pain"])
    page = client.get("/intake/section/pain/2").get_data(as_text=True)
    assert 'value="eleven"' in page
    assert "We kept what you typed last time" in page
    assert "pain" in clinic.response(patient).pending


@pytest.mark.parametrize(
    "junk",
    [
        {"is_admin": "1"},
        {"medications--1-med_name": "Evil"},
        {"medications-99999-med_name": "Big"},
        {"medications-0-unknown_child": "x"},
        {"answers": "{}"},
        {"status": "submitted"},
    ],
)
def test_unknown_fields_and_malformed_row_keys_are_ignored(patient, person, clinic, junk):
    person.fill_all()
    posts = FUSION_PATIENT_POSTS["medicines"] + list(junk.items())
    assert person.save("medicines", posts).status_code == 302
    stored = clinic.response(patient)
    assert stored.answers["medications"] == FUSION_PATIENT_STORED["medications"]
    assert stored.status == "draft"


def test_unicode_and_sql_metacharacters_are_stored_verbatim(patient, person, clinic):
    text = "मुझे चलना है — Robert'); DROP TABLE users;-- 🙂 <b>bold</b>"
    posts = with_changes(FUSION_PATIENT_POSTS, "goals", {"goals_text": text})
    person.fill_all(posts)
    assert clinic.response(patient).answers["goals_text"] == text


def test_more_than_twenty_medicines_is_refused_with_a_message(patient, person):
    rows = [("medicines_taken", "yes")]
    for n in range(21):
        rows += [
            (f"medications-{n}-med_name", f"Med {n}"),
            (f"medications-{n}-med_kind", "other"),
            (f"medications-{n}-med_current", "no"),
            (f"medications-{n}-med_duration", "lt_1_month"),
            (f"medications-{n}-med_relief", "none"),
        ]
    response = person.save("medicines", rows)
    assert response.status_code == 200
    assert "You can add up to 20 of these" in response.get_data(as_text=True)


def test_a_huge_post_gets_a_plain_page_not_a_crash(patient, client):
    response = client.post("/intake/section/goals", data={"goals_text": "x" * 400_000})
    assert response.status_code == 413
    assert "too much to send at once" in response.get_data(as_text=True)
