"""The phone-first journey: short pages, lists a row at a time, help that fits, calm alerts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.platform.extensions import db
from app.records.models import QuestionnaireResponse
from tests.answers_data import FUSION_PATIENT_POSTS, FUSION_PATIENT_STORED, with_changes
from tests.conftest import lock_of


def page_of(client, url) -> str:
    return client.get(url).get_data(as_text=True)


def post_page(client, url, data):
    page = page_of(client, url)
    return client.post(url, data={**data, "lock_version": lock_of(page)})


def test_a_section_is_shown_a_page_at_a_time_with_where_the_patient_is(patient, client):
    first = page_of(client, "/intake/section/pain")
    assert "Section 2 of 9: Your pain · page 1 of 6" in first
    assert 'name="pain_regions"' in first
    assert 'name="main_pain_area"' not in first
    answer = post_page(client, "/intake/section/pain/1", {"pain_regions": ["lower_back", "foot_l"]})
    assert answer.headers["Location"].endswith("/intake/section/pain/2")
    second = page_of(client, "/intake/section/pain/2")
    assert 'name="main_pain_area"' in second
    assert client.get("/intake/section/pain/7").status_code == 404


def test_the_last_page_of_a_section_leads_to_the_next_section(patient, person, client):
    person.fill_all()
    answer = post_page(
        client, "/intake/section/function/2", dict(FUSION_PATIENT_POSTS["function"][3:])
    )
    assert answer.headers["Location"].endswith("/intake/section/medicines")


def medicines_page(client):
    return page_of(client, "/intake/section/medicines")


def add_medicine(client, row):
    page = medicines_page(client)
    opened = client.post(
        "/intake/section/medicines/1/rows/medications/add",
        data={"medicines_taken": "yes", "lock_version": lock_of(page)},
    )
    row_page = page_of(client, opened.headers["Location"])
    return client.post(opened.headers["Location"], data={**row, "lock_version": lock_of(row_page)})


PREGABALIN = {
    "med_name": "Pregabalin",
    "med_kind": "nerve_pain",
    "med_dose": "75 mg twice a day",
    "med_current": "yes",
    "med_duration": "6_12_months",
    "med_relief": "moderate",
}


def test_a_list_shows_one_line_a_row_each_added_on_a_page_of_its_own(patient, client, clinic):
    saved = add_medicine(client, PREGABALIN)
    assert saved.headers["Location"].endswith("/intake/section/medicines#row-medications-0")
    page = medicines_page(client)
    assert (
        "Pregabalin, nerve pain, 75 mg twice a day, still taking, helped moderately, "
        "for 6 to 12 months"
    ) in page
    assert 'name="medications-0-med_name"' not in page
    assert clinic.response(patient).answers["medicines_taken"] is True


def test_a_row_page_marks_only_the_field_at_fault(patient, client):
    answer = add_medicine(client, {**PREGABALIN, "med_name": ""})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert page.count('aria-invalid="true"') == 1
    assert 'id="med_name" name="med_name" value=""' in page


def test_a_removed_row_is_announced_and_can_be_put_back(patient, client, clinic):
    add_medicine(client, PREGABALIN)
    add_medicine(client, {**PREGABALIN, "med_name": "Tramadol", "med_kind": "opioid"})
    page = medicines_page(client)
    removed = client.post(
        "/intake/section/medicines/1/rows/medications/0/remove",
        data={"medicines_taken": "yes", "lock_version": lock_of(page)},
    )
    after = page_of(client, removed.headers["Location"])
    assert 'role="status"' in after
    assert "Medicine 1 (Pregabalin) is removed." in after
    assert [r["med_name"] for r in clinic.response(patient).answers["medications"]] == ["Tramadol"]
    client.post("/intake/section/medicines/1/rows/undo", data={"lock_version": lock_of(after)})
    assert [r["med_name"] for r in clinic.response(patient).answers["medications"]] == [
        "Pregabalin",
        "Tramadol",
    ]


def test_a_list_that_applies_needs_a_row_and_says_so_beside_it(patient, client):
    answer = post_page(client, "/intake/section/treatments/2", {"procedures_had": "yes"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'id="procedures-error"' in page
    assert "Add at least one treatment" in page
    assert 'href="#add-procedures"' in page


@pytest.mark.parametrize(("unsure", "expected"), [("yes", 302), (None, 200)])
def test_a_year_may_be_not_sure(patient, client, clinic, unsure, expected):
    page = page_of(client, "/intake/section/treatments/2")
    client.post(
        "/intake/section/treatments/2/rows/procedures/add",
        data={"procedures_had": "yes", "lock_version": lock_of(page)},
    )
    row = {
        "proc_type": "nerve_block",
        "proc_year": "",
        "proc_relief_percent": "40 %",
        "proc_relief_duration": "1_4_weeks",
    }
    if unsure:
        row["proc_year_unsure"] = unsure
    url = "/intake/section/treatments/2/rows/procedures/0"
    answer = client.post(url, data={**row, "lock_version": lock_of(page_of(client, url))})
    assert answer.status_code == expected
    if unsure:
        stored = clinic.response(patient).answers["procedures"][0]
        assert stored == {
            "proc_type": "nerve_block",
            "proc_year_unsure": True,
            "proc_relief_percent": 40,
            "proc_relief_duration": "1_4_weeks",
        }
        assert "nerve block, year not sure, 40% relief" in page_of(
            client, "/intake/section/treatments/2"
        )
    else:
        assert "Enter a number" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("section", "field", "typed", "stored"),
    [
        ("pain", "leg_pain_percent", "40%", 40),
        ("pain", "leg_pain_percent", "40 %", 40),
        ("pain", "pain_start_date", "March 2019", "2019-03"),
        ("pain", "pain_start_date", "Mar 2019", "2019-03"),
        ("pain", "pain_start_date", "3/2019", "2019-03"),
        ("about", "weight_kg", "72.5 kg", 72.5),
    ],
)
def test_numbers_and_dates_are_taken_as_people_write_them(
    patient, person, clinic, section, field, typed, stored
):
    posts = with_changes(FUSION_PATIENT_POSTS, section, {field: typed})
    assert person.save(section, posts[section]).status_code == 302
    assert clinic.response(patient).answers[field] == stored


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("hba1c", "high", "Enter a number, for example 7.5"),
        ("hba1c", "45", "Enter a number from 3 to 20%"),
    ],
)
def test_each_example_fits_its_range(patient, person, field, typed, message):
    posts = with_changes(FUSION_PATIENT_POSTS, "health", {"diabetes": "yes", field: typed})
    page = person.save("health", posts["health"]).get_data(as_text=True)
    assert message in page
    assert "72.5" not in page


def test_a_message_stands_under_its_field_and_does_not_repeat_the_question(patient, person):
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"pain_start_date": "soon"})
    page = person.save("pain", posts["pain"]).get_data(as_text=True)
    assert (
        '<p class="error-message" id="pain_start_date-error"><span class="visually-hidden">'
        "Error:</span> Enter the month and year"
    ) in page
    assert "When did this pain start?: " not in page


def red_flags(person, *codes):
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"red_flags": list(codes)})
    return person.save("pain", posts["pain"])


def test_urgent_advice_shows_again_only_for_a_newly_reported_symptom(patient, person, client):
    first = red_flags(person, "new_weakness")
    assert "/support" in first.headers["Location"]
    page = page_of(client, first.headers["Location"])
    assert "You told us: <strong>Weakness in a leg or arm</strong>" in page
    again = red_flags(person, "new_weakness")
    assert "/support" not in again.headers["Location"]
    more = red_flags(person, "new_weakness", "foot_drop")
    assert "/support" in more.headers["Location"]


def test_ticked_by_mistake_takes_the_answer_out_and_goes_back_to_it(
    patient, person, client, clinic
):
    first = red_flags(person, "foot_drop")
    support = page_of(client, first.headers["Location"])
    answer = client.post(
        "/intake/section/pain/support/urgent_symptoms/mistake",
        data={"lock_version": lock_of(support)},
    )
    assert answer.headers["Location"].endswith(
        "/intake/section/pain/6?taken_back=red_flags#taken-back"
    )
    stored = clinic.response(patient)
    assert "red_flags" not in stored.answers
    assert not stored.is_urgent
    page = page_of(client, answer.headers["Location"])
    # The confirmation opens the page, just above the question to answer again.
    confirmation = page.index('id="taken-back"')
    assert "Please answer the question again" in page[confirmation : confirmation + 200]
    assert confirmation < page.index('id="q-red_flags"') < confirmation + 400


def test_change_goes_to_the_exact_page_and_back_to_the_same_answer(patient, person, client):
    person.fill_all()
    check = page_of(client, "/intake/check")
    assert 'href="/intake/section/treatments/2?return_to=check:procedures#q-procedures"' in check
    answer = post_page(
        client,
        "/intake/section/goals/2?return_to=check:engage_rehab",
        {
            "knows_reduction_not_cure": "yes",
            "reduce_medicines_if_helped": "yes",
            "engage_rehab": "not_sure",
            "return_to": "check:engage_rehab",
        },
    )
    assert answer.headers["Location"].endswith("/intake/check#a-engage_rehab")
    assert 'id="a-engage_rehab"' in page_of(client, "/intake/check")


def test_the_check_page_reads_each_row_as_a_line(patient, person, client):
    person.fill_all()
    page = page_of(client, "/intake/check")
    assert (
        "1. Tapentadol, opioid, 50 mg twice a day, still taking, helped a little, "
        "for more than 1 year"
    ) in page
    assert "Name of the medicine:" not in page


def test_a_draft_begun_on_version_1_carries_over_to_the_current_version(
    app, clinic, patient, client
):
    with app.app_context():
        response = db.session.scalar(select(QuestionnaireResponse))
        response.questionnaire_version = 1
        response.answers = {
            k: v for k, v in FUSION_PATIENT_STORED.items() if k not in ("medicines_taken",)
        }
        response.sections_done = ["about", "pain", "function", "medicines"]
        db.session.commit()
    assert client.get("/intake/").headers["Location"].endswith("/intake/section/treatments")
    upgraded = clinic.response(patient)
    assert upgraded.questionnaire_version == 3
    assert upgraded.answers["medications"] == FUSION_PATIENT_STORED["medications"]
    assert upgraded.answers["medicines_taken"] is True
    assert upgraded.sections_done == ["about", "pain", "function", "medicines"]


def test_a_response_sent_on_version_1_stays_readable(app, clinic, staff):
    v1 = {k: v for k, v in FUSION_PATIENT_STORED.items() if k != "medicines_taken"}
    patient_id = clinic.with_answers("Ravi Kumar", v1)
    with app.app_context():
        response = db.session.scalar(select(QuestionnaireResponse))
        response.questionnaire_version = 1
        db.session.commit()
    summary = page_of(staff, f"/clinic/patients/{patient_id}")
    assert "Tapentadol" in summary
    assert "scs_intake v1" in summary
    pdf = staff.get(f"/clinic/patients/{patient_id}/summary.pdf")
    assert pdf.mimetype == "application/pdf"
    fhir = staff.get(f"/fhir/patients/{patient_id}/questionnaire-response.json").get_json()
    assert fhir["questionnaire"].endswith("|1")


def test_the_confirmation_gives_a_reference_that_can_be_read_out(submitted_patient, client, clinic):
    page = page_of(client, "/intake/submitted")
    ref = clinic.patient(submitted_patient).ref
    reference = re.search(r"Your reference is <strong>([0-9A-F]{4}-[0-9A-F]{4})</strong>", page)
    assert reference.group(1) == f"{ref[:4]}-{ref[4:8]}".upper()


def test_logged_in_pages_carry_the_idle_warning_and_stay_logged_in_works(patient, client):
    page = page_of(client, "/intake/section/about")
    assert 'data-idle-seconds="1800"' in page
    assert 'id="idle-dialog"' in page
    assert "Stay logged in" in page
    assert client.post("/auth/keepalive").status_code == 204


def test_the_header_names_the_clinic_and_what_the_pages_are(patient, client):
    page = page_of(client, "/intake/section/about")
    assert "Pain Clinic <span>Questions before your visit</span>" in page
    assert "SCS pre-visit" not in page


def test_a_row_saved_after_another_window_changed_the_answers_is_not_overwritten(
    patient, person, client, clinic
):
    person.fill_all()
    url = "/intake/section/medicines/1/rows/medications/0"
    stale = lock_of(page_of(client, url))
    other = with_changes(FUSION_PATIENT_POSTS, "goals", {"goals_text": "From the other window"})
    person.save("goals", other["goals"])  # another window saves meanwhile
    answer = client.post(
        url,
        data={
            "lock_version": stale,
            "med_name": "Changed elsewhere?",
            "med_kind": "opioid",
            "med_current": "yes",
            "med_duration": "gt_1_year",
            "med_relief": "a_little",
        },
    )
    assert answer.headers["Location"].endswith(url)
    again = page_of(client, url)
    assert "Your answers changed in another window. Check this one again." in again
    assert clinic.response(patient).answers["medications"][0]["med_name"] == "Tapentadol"


def test_sending_after_another_window_changed_the_answers_asks_to_check_again(
    patient, person, client, clinic
):
    person.fill_all()
    stale = lock_of(page_of(client, "/intake/check"))
    other = with_changes(FUSION_PATIENT_POSTS, "goals", {"goals_text": "From the other window"})
    person.save("goals", other["goals"])
    answer = client.post("/intake/submit", data={"lock_version": stale})
    assert answer.headers["Location"].endswith("/intake/check")
    assert "Please check them again, then send." in page_of(client, "/intake/check")
    assert clinic.response(patient).status == "draft"
