"""A patient who reads Hindi, on a phone, from the invitation to the confirmation: every
page in Hindi (no English sentence but what they typed), within the phone's limits and
axe-clean; then the specialist reads the brief in English on a laptop."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from app.platform.extensions import db
from app.records import clinic_details
from app.records.models import Patient, QuestionnaireResponse
from app.records.staff import create_staff
from tests.answers_data import FUSION_PATIENT_POSTS, FUSION_PATIENT_STORED
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import accept, answer_all, check_accessibility, check_phone_page, invite
from tests.e2e.test_journeys import SCREEN, height, login, scrolling

PASSWORD = "quiet-river-stones"
STAFF_PASSWORD = "long-clinic-password"
# Three Latin words in a row: an English sentence, or the start of one.
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’-]+(?:[ ,:;.–]+[A-Za-z][A-Za-z'’-]*){2,}")


def typed_by_the_patient() -> list[str]:
    """What the fusion answer set types (names of medicines, their own words): shown as
    typed, in whatever language it was typed."""
    return [
        value
        for pairs in FUSION_PATIENT_POSTS.values()
        for name, value in pairs
        if re.search(r"[A-Za-z]{3}", value) and not re.fullmatch(r"[a-z_0-9]+", value)
    ]


def english_on(page, allowed: list[str]) -> list[str]:
    text = page.evaluate("document.body.innerText")
    for words in sorted(allowed, key=len, reverse=True):
        text = text.replace(words, " ")
    return ENGLISH.findall(text)


def test_a_patient_answers_in_hindi_on_a_phone_and_the_specialist_reads_english(browser, live_app):
    with live_app.app_context():
        profile = clinic_details.current()
        allowed = [
            v
            for v in (
                profile.name,
                profile.address,
                profile.opening_hours,
                profile.crisis_line,
                profile.email,
                "Sunita Devi",
                "sunita@example.org",
            )
            if v
        ] + typed_by_the_patient()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    heights: dict[str, int] = {}

    def look(current) -> None:
        assert english_on(current, allowed) == [], current.url
        check_accessibility(current)
        check_phone_page(current)
        key = current.url.split("/", 3)[-1].split("#")[0].split("?")[0]
        heights[key] = max(heights.get(key, 0), height(current))

    url = invite(live_app, email="sunita@example.org")
    page.goto(url)
    page.click('.language-switch a[lang="hi"]')
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("h1")).to_have_text("नमस्ते, Sunita Devi")
    look(page)
    accept(page, page.url, phone="+91 99999 10002")
    expect(page).to_have_url(re.compile("/intake/consent"))
    look(page)
    page.check("#agree")
    page.click('main form button[type="submit"]')
    expect(page.locator(".progress-label")).to_contain_text("हिस्सा 1 / 9")

    answer_all(page, FUSION_PATIENT_POSTS, look)

    expect(page).to_have_url(re.compile("/intake/check"))
    look(page)
    over = {key: h for key, h in heights.items() if not key.endswith("check") and h > 2.5 * SCREEN}
    assert over == {}, over
    assert scrolling({k: h for k, h in heights.items() if not k.endswith("check")}) <= 45
    page.click('form[action$="/intake/submit"] button')
    expect(page.locator("h1")).to_have_text("आपके जवाब भेज दिए गए हैं")
    look(page)
    assert height(page) <= 2.5 * SCREEN
    page.click('a[href$="/about-scs"]')
    expect(page.locator("h1")).to_have_text("स्पाइनल कॉर्ड स्टिमुलेशन के बारे में")
    look(page)
    context.close()

    with live_app.app_context():
        patient = db.session.query(Patient).filter_by(email="sunita@example.org").one()
        response = db.session.query(QuestionnaireResponse).filter_by(patient_id=patient.id).one()
        assert (patient.language, response.language) == ("hi", "hi")
        assert response.answers == FUSION_PATIENT_STORED
        create_staff("hindi-doctor@example.org", STAFF_PASSWORD, "Dr Rao", "clinician")
        patient_id = patient.id

    laptop = browser.new_context(viewport=DESKTOP).new_page()
    login(laptop, live_app.config["BASE_URL"], "hindi-doctor@example.org", STAFF_PASSWORD)
    laptop.goto(f"{live_app.config['BASE_URL']}/clinic/patients/{patient_id}")
    expect(laptop.locator("html")).to_have_attribute("lang", "en")
    expect(laptop.locator("#answered-in")).to_contain_text("Answered in Hindi")
    expect(laptop.locator("#score-phq9")).to_contain_text("9 of 27")
    expect(laptop.locator("#score-phq9")).to_contain_text("(Hindi, not a validated translation)")
    expect(laptop.locator("blockquote.own-words").first).to_have_text(
        "Walk to the temple and play with my grandchildren"
    )
    check_accessibility(laptop)
    laptop.context.close()


def twelve_medicines() -> list[dict]:
    return [
        {
            "med_name": f"Pregabalin {n + 1}",
            "med_kind": "nerve_pain",
            "med_current": True,
            "med_dose": "75 mg twice a day",
            "med_duration": "gt_1_year",
            "med_relief": "moderate",
            "med_side_effects": "dizzy in the morning",
        }
        for n in range(12)
    ]


def test_a_list_of_twelve_medicines_fits_two_and_a_half_screens_in_either_language(
    browser, live_app
):
    url = invite(live_app, name="Asha Rani", email="asha@example.org", dob=date(1958, 6, 3))
    page = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    accept(page, url, phone="+91 99999 10003")
    page.check("#agree")
    page.click('main form button[type="submit"]')
    with live_app.app_context():
        patient = db.session.query(Patient).filter_by(email="asha@example.org").one()
        response = db.session.query(QuestionnaireResponse).filter_by(patient_id=patient.id).one()
        response.answers = {"medicines_taken": True, "medications": twelve_medicines()}
        db.session.commit()
    base = live_app.config["BASE_URL"]
    for language in ("en", "hi"):
        page.goto(f"{base}/intake/section/medicines?lang={language}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(".row-list li")).to_have_count(12)
        check_phone_page(page)
        assert height(page) <= 2.5 * SCREEN, (language, height(page) / SCREEN)
    check_accessibility(page)
    page.context.close()
