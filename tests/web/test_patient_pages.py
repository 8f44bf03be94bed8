"""The patient's pages: rows without JavaScript, drafts, conflicts, safety messages."""

from __future__ import annotations

import re

from tests.answers_data import FUSION_PATIENT_POSTS, with_changes
from tests.conftest import count_queries, lock_of


def test_consent_comes_first_and_says_what_a_patient_needs_to_know(clinic, person, client):
    _, token = clinic.invite()
    person.accept(token)
    assert client.get("/intake/").headers["Location"].endswith("/intake/consent")
    page = client.get("/intake/consent").get_data(as_text=True)
    for words in (
        "What we ask and why",
        "Who sees your answers",
        "not read straight away",
        "delete",
        'Tele-MANAS on <a class="tel" href="tel:14416">14416</a>',
    ):
        assert words in page
    refused = client.post("/intake/consent", data={})
    assert "Tick the box to say you agree" in refused.get_data(as_text=True)
    assert client.get("/intake/section/about").headers["Location"].endswith("/intake/consent")


def test_every_page_shows_the_progress_and_the_crisis_note(patient, client):
    page = client.get("/intake/section/health").get_data(as_text=True)
    assert "Section 6 of 9" in page
    assert "In crisis, or thinking of harming yourself?" in page


def test_add_another_row_works_without_javascript(patient, person):
    rows = FUSION_PATIENT_POSTS["medicines"]
    page = person.save("medicines", rows, action="add-medications").get_data(as_text=True)
    assert 'name="medications-2-med_name"' in page
    assert "Medicine 3" in page
    assert 'value="Pregabalin"' in page


def test_remove_a_row_renumbers_the_rest(patient, person, clinic):
    rows = FUSION_PATIENT_POSTS["medicines"]
    page = person.save("medicines", rows, action="remove-medications-0").get_data(as_text=True)
    assert "Tapentadol" not in page
    assert re.search(r'name="medications-0-med_name" value="Pregabalin"', page)
    assert 'name="medications-1-med_name"' not in page
    assert "medications" not in clinic.response(patient).answers


def test_no_medicines_is_an_answer_not_an_empty_page(patient, person, clinic):
    page = person.save("medicines", []).get_data(as_text=True)
    assert "Select yes or no" in page
    assert person.save("medicines", [("medicines_taken", "no")]).status_code == 302
    assert "medicines" in clinic.response(patient).sections_done
    assert clinic.response(patient).answers["medicines_taken"] is False


def test_the_injections_list_appears_once_procedures_had_is_yes(patient, client):
    page = client.get("/intake/section/treatments/2").get_data(as_text=True)
    assert 'id="q-procedures" data-enable-when' in page
    assert "Add a treatment" in page


def test_an_operation_takes_an(patient, client):
    page = client.get("/intake/section/treatments/3").get_data(as_text=True)
    assert "Add an operation" in page
    assert "Add a operation" not in page
    row = client.get("/intake/section/treatments/3/rows/surgeries/0").get_data(as_text=True)
    assert "<h1>Add an operation</h1>" in row


def test_the_error_summary_names_the_question_as_the_patient_read_it(patient, person):
    page = person.client.post(
        "/intake/section/medicines/1/rows/medications/0",
        data={
            "med_name": "Ultracet",
            "med_kind": "dont_know",
            "med_current": "yes",
            "med_duration": "gt_1_year",
        },
    ).get_data(as_text=True)
    start = page.index('class="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "Select how much it helped" in summary
    assert "How much did it help?" in summary


def test_autosave_keeps_what_is_typed_and_returns_the_new_lock(patient, client, clinic):
    page = client.get("/intake/section/goals").get_data(as_text=True)
    response = client.post(
        "/intake/section/goals/autosave",
        data={"goals_text": "Half-typed thought", "lock_version": lock_of(page)},
    )
    assert response.status_code == 200
    assert response.json["saved"] is True
    assert response.json["lock_version"] == clinic.response(patient).lock_version
    again = client.get("/intake/section/goals").get_data(as_text=True)
    assert "Half-typed thought" in again


def test_autosave_from_a_stale_page_is_refused_not_merged(patient, client, person):
    stale = lock_of(client.get("/intake/section/goals").get_data(as_text=True))
    person.save("about", FUSION_PATIENT_POSTS["about"])
    response = client.post(
        "/intake/section/goals/autosave", data={"goals_text": "x", "lock_version": stale}
    )
    assert response.status_code == 409
    assert response.json["saved"] is False


def test_second_tab_is_told_the_draft_changed_and_loses_nothing(patient, client, person, clinic):
    tab_a = lock_of(client.get("/intake/section/about").get_data(as_text=True))
    tab_b = tab_a
    person.save("about", FUSION_PATIENT_POSTS["about"], lock_version=tab_a)
    from_a = clinic.response(patient).answers

    b_posts = with_changes(FUSION_PATIENT_POSTS, "about", {"helper_relation": "Grandson"})
    response = person.save("about", b_posts["about"], lock_version=tab_b)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed in another window" in page
    assert 'value="Grandson"' in page
    assert clinic.response(patient).answers == from_a

    retry = person.save("about", b_posts["about"], lock_version=lock_of(page))
    assert retry.status_code == 302
    assert clinic.response(patient).answers["helper_relation"] == "Grandson"


def test_phq9_item_9_above_zero_shows_crisis_resources_at_once(patient, person, clinic, client):
    posts = with_changes(FUSION_PATIENT_POSTS, "mood", {"phq9_9": "2"})
    response = person.save("mood", posts["mood"])
    assert "/intake/section/mood/support" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'Tele-MANAS on <a class="tel" href="tel:14416">14416</a> or ' in page
    assert '<a class="tel" href="tel:18008914416">1-800-891-4416</a>' in page
    assert '<a class="tel" href="tel:112">112</a>' in page
    assert "not monitored in real time" in page
    assert 'href="/intake/section/wellbeing"' in page
    assert "You told us: <strong>Nearly every day</strong>" not in page
    assert "You told us: <strong>More than half the days</strong>" in page
    stored = clinic.response(patient)
    assert stored.is_urgent
    assert "self_harm" in stored.alerts_shown


def test_new_neurological_symptoms_show_urgent_care_advice(patient, person, clinic, client):
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"red_flags": ["foot_drop"]})
    response = person.save("pain", posts["pain"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please contact the clinic today or go to emergency care" in page
    assert clinic.response(patient).is_urgent


def test_no_safety_page_when_nothing_is_reported(patient, person):
    response = person.save("mood", FUSION_PATIENT_POSTS["mood"])
    assert response.headers["Location"].endswith("/intake/section/wellbeing")


def test_pain_scores_out_of_order_are_confirmed_then_accepted(patient, person, clinic):
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"pain_least": "8", "pain_now": "3"})
    first = person.save("pain", posts["pain"])
    assert first.status_code == 200
    text = first.get_data(as_text=True)
    said = "Your least pain (8), pain now (3) and worst pain (9) are not in that order"
    start = text.index('class="error-summary"')
    summary = text[start : text.index("</ul>", start)]
    assert said in summary
    assert "{pain_least}" not in text
    assert said in text[text.index('id="check-pain_order"') :]
    # The question stands next to the scales it is about, not at the foot of the page.
    assert text.index('id="check-pain_order"') < text.index('id="q-red_flags"')
    confirmed = person.save("pain", posts["pain"], confirm_pain_order="y")
    assert confirmed.status_code == 302
    assert clinic.response(patient).answers["pain_least"] == 8


def test_save_and_come_back_later_keeps_a_half_done_page_and_says_so(
    patient, person, client, clinic
):
    half = [("completed_by", "self"), ("height_cm", "tall")]
    response = client.post("/intake/section/about/1", data={**dict(half), "action": "save-later"})
    assert response.headers["Location"].endswith("/intake/saved")
    page = client.get("/intake/saved").get_data(as_text=True)
    assert "Your answers are saved" in page
    assert "There is a problem" not in page
    assert "/auth/login" in page
    again = client.get("/intake/section/about").get_data(as_text=True)
    assert 'value="tall"' in again
    assert "about/you" in clinic.response(patient).pending


def test_save_and_come_back_later_on_a_finished_page_saves_the_answers(patient, client, clinic):
    posts = dict(FUSION_PATIENT_POSTS["about"])
    data = {
        k: v for k, v in posts.items() if k in ("completed_by", "sex", "height_cm", "weight_kg")
    }
    data.update(completed_by="self", action="save-later")
    assert (
        client.post("/intake/section/about/1", data=data)
        .headers["Location"]
        .endswith("/intake/saved")
    )
    assert clinic.response(patient).answers["sex"] == "male"


def test_after_submitting_the_pages_cannot_change_the_answers(submitted_patient, person, clinic):
    before = clinic.response(submitted_patient).answers
    posts = with_changes(FUSION_PATIENT_POSTS, "goals", {"goals_text": "Changed my mind"})
    response = person.save("goals", posts["goals"])
    assert response.headers["Location"].endswith("/intake/submitted")
    assert clinic.response(submitted_patient).answers == before


def test_unknown_section_is_a_404_page(patient, client):
    response = client.get("/intake/section/nope")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_questionnaire_pages_take_the_same_statements_however_many_medicines(
    patient, person, client, app
):
    """The user, the draft with its patient and consent, the clinic's details: never one
    per row."""
    person.fill_all()
    pages = ["/intake/section/medicines", "/intake/check"]
    with_two = [count_queries(app, client, url) for url in pages]
    twelve = [("medicines_taken", "yes")] + [
        (f"medications-{n}-{field}", value)
        for n in range(12)
        for field, value in [
            ("med_name", f"Medicine {n}"),
            ("med_kind", "other"),
            ("med_current", "yes"),
            ("med_duration", "gt_1_year"),
            ("med_relief", "a_little"),
        ]
    ]
    assert person.save("medicines", twelve).status_code == 302
    assert "Medicine 11" in client.get("/intake/check").get_data(as_text=True)

    assert [count_queries(app, client, url) for url in pages] == with_two == [3, 3]
