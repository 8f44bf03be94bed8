"""A patient completes the whole questionnaire through the pages, posting by linkId."""

from __future__ import annotations

from tests.answers_data import FUSION_PATIENT_POSTS, FUSION_PATIENT_STORED, with_changes


def test_whole_questionnaire_is_stored_exactly_as_answered(patient, person, clinic):
    person.fill_all()

    stored = clinic.response(patient)
    assert stored.answers == FUSION_PATIENT_STORED
    assert stored.status == "draft"
    assert len(stored.sections_done) == 9


def test_submitting_marks_the_response_submitted_once(patient, person, clinic):
    person.fill_all()
    first = person.submit()
    assert first.headers["Location"].endswith("/intake/submitted")
    submitted_at = clinic.response(patient).submitted_at

    again = person.submit()
    assert again.status_code == 302
    assert clinic.response(patient).submitted_at == submitted_at
    assert clinic.response(patient).status == "submitted"


def test_confirmation_page_shows_a_printable_copy(submitted_patient, client):
    page = client.get("/intake/submitted").get_data(as_text=True)
    assert "Your answers have been sent" in page
    assert "Walk to the temple and play with my grandchildren" in page
    assert "Tapentadol" in page
    assert "data-print" in page


def test_the_other_side_of_each_condition_stores_no_hidden_answers(patient, person, clinic):
    posts = with_changes(
        FUSION_PATIENT_POSTS,
        "about",
        {
            "completed_by": "self",
            "preferred_language": "english",
            # Posted although hidden: must not be stored.
            "helper_relation": "Son",
            "preferred_language_other": "Tamil",
        },
    )
    posts = with_changes(posts, "pain", {"main_pain_area": "neck", "diagnoses": "crps"})
    posts = with_changes(
        posts,
        "treatments",
        {
            "physio_tried": "no",
            "procedures_had": "no",
            "spine_surgery": "no",
            "prior_neuromodulation": "yes",
            "prior_neuromodulation_kind": "trial_only",
            "prior_neuromodulation_year": "2022",
            "prior_neuromodulation_details": "Lower thoracic, one trial, little help",
        },
    )
    posts = with_changes(posts, "health", {"blood_thinners": "no", "allergies": "no"})
    posts = with_changes(posts, "wellbeing", {"alcohol_frequency": "never"})
    person.fill_all(posts)

    answers = clinic.response(patient).answers
    for hidden in (
        "helper_relation",
        "preferred_language_other",
        "leg_pain_percent",
        "diagnoses_other",
        "physio_duration",
        "physio_relief",
        "procedures",
        "surgeries",
        "blood_thinner_names",
        "allergy_details",
        "alcohol_typical_drinks",
        "alcohol_six_plus",
    ):
        assert hidden not in answers, hidden
    assert answers["prior_neuromodulation_kind"] == "trial_only"
    assert answers["prior_neuromodulation_year"] == 2022
    assert answers["diagnoses"] == ["crps"]


def test_pregnancy_question_applies_only_when_sex_is_not_male(patient, person, clinic, client):
    person.fill_all()
    assert "pregnant" not in client.get("/intake/section/health/4").get_data(as_text=True)

    person.save("about", with_changes(FUSION_PATIENT_POSTS, "about", {"sex": "female"})["about"])
    page = client.get("/intake/section/health/4").get_data(as_text=True)
    assert 'name="pregnant"' in page
    # The health section is unfinished again until the new question is answered, and the
    # patient is taken to the page that holds it.
    assert client.get("/intake/").headers["Location"].endswith("/intake/section/health/4")


def test_phq9_item_10_is_hidden_when_every_item_is_zero(patient, person, clinic):
    zeros = [(f"phq9_{n}", "0") for n in range(1, 10)]
    gad = [(k, v) for k, v in FUSION_PATIENT_POSTS["mood"] if k.startswith("gad7")]
    assert person.save("mood", [*zeros, ("phq9_10", "very"), *gad]).status_code == 302
    answers = clinic.response(patient).answers
    assert "phq9_10" not in answers
    assert answers["phq9_1"] == "0"


def test_leaving_and_logging_in_again_resumes_at_the_first_unfinished_section(
    patient, person, clinic, client
):
    for section in ("about", "pain", "function"):
        person.save(section, FUSION_PATIENT_POSTS[section])
    person.logout()
    person.login("meena@example.org", "my-garden-has-roses")

    start = client.get("/intake/")
    assert start.headers["Location"].endswith("/intake/section/medicines")
    about = client.get("/intake/section/about").get_data(as_text=True)
    assert 'value="Daughter"' in about
    assert 'id="sex-male" name="sex" value="male" checked' in about


def test_patient_can_log_in_with_mobile_number(patient, person, client):
    person.logout()
    response = person.login("+91 98450-12345", "my-garden-has-roses")
    assert response.status_code == 302
    assert client.get("/intake/").status_code == 302


def test_check_answers_lists_every_answer_with_a_change_link(patient, person, client):
    person.fill_all()
    page = client.get("/intake/check").get_data(as_text=True)
    assert "Check your answers" in page
    assert "Epidural fibrosis" in page
    assert page.count(">Change<") >= 60
    assert "/intake/section/pain/5?return_to=check:pain_now#q-pain_now" in page
    assert "Send my answers to the clinic" in page


def test_change_link_returns_to_check_answers_after_saving(patient, person, client):
    person.fill_all()
    page = client.get("/intake/section/goals?return_to=check").get_data(as_text=True)
    assert 'name="return_to" type="hidden" value="check"' in page
    pairs = with_changes(FUSION_PATIENT_POSTS, "goals", {"expected_relief_percent": "70"})
    response = person.save("goals", pairs["goals"], return_to="check")
    assert response.headers["Location"].endswith("/intake/check")


def test_submit_is_refused_while_sections_are_unfinished(patient, person, clinic, client):
    person.save("about", FUSION_PATIENT_POSTS["about"])
    page = client.get("/intake/check").get_data(as_text=True)
    assert "Send my answers" not in page
    response = person.submit()
    assert response.headers["Location"].endswith("/intake/check")
    assert clinic.response(patient).status == "draft"
