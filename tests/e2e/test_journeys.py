"""Journeys in a real browser: a patient on a phone, by keyboard, without JavaScript; a
clinician on a laptop; and the self-harm safety path. axe-core checks every page."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from app.engine.questionnaire.progress import pages_to_answer
from app.platform.extensions import db
from app.records import questionnaires
from app.records.models import Patient, QuestionnaireResponse
from app.records.staff import create_staff
from tests.answers_data import FUSION_PATIENT_POSTS, FUSION_PATIENT_STORED, with_changes
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import (
    accept,
    answer_all,
    answer_section,
    check_accessibility,
    check_phone_page,
    fill_section,
    invite,
    key_answer_section,
    key_field,
    login,
    save,
    start_patient,
    tab_to,
)

PASSWORD = "quiet-river-stones"
STAFF_PASSWORD = "long-clinic-password"


def stored_answers(app, email):
    with app.app_context():
        patient = db.session.scalar(select(Patient).where(Patient.email == email))
        response = db.session.scalar(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == patient.id)
            .order_by(QuestionnaireResponse.revision.desc())
        )
        return response.answers, response.status


SCREEN = PHONE["height"]


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def scrolling(heights: dict[str, int]) -> float:
    """Screens scrolled in all: on each page, how far past the first screen it goes."""
    return sum(max(0, h - SCREEN) for h in heights.values()) / SCREEN


def record_heights(heights: dict[str, int], folder: Path) -> None:
    """The page heights of the journey, kept with the run's screenshots (docs/usability.md)."""
    lines = [f"{url}\t{h}\t{h / SCREEN:.1f}" for url, h in heights.items()]
    lines.append(
        f"pages\t{len(heights)}\tscrolling {scrolling(heights):.1f} screens, "
        f"heights {sum(heights.values()) / SCREEN:.1f} screens"
    )
    (folder / "page-heights.tsv").write_text("\n".join(lines) + "\n")


def test_a_patient_on_a_phone_completes_the_questionnaire(browser, live_app, shots):
    """At 360 × 740: every page within 2.5 screens, check answers within 8, and at most
    45 screens of scrolling for the whole journey."""
    base = live_app.config["BASE_URL"]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    email = "phone@example.org"
    page.goto(invite(live_app, email=email))
    check_accessibility(page)
    check_phone_page(page)
    shots(page, "invitation")
    heights = {"invitation": height(page)}
    accept(page, page.url, phone="+91 99999 10001")
    expect(page).to_have_url(re.compile("/intake/consent"))
    check_accessibility(page)
    check_phone_page(page)
    shots(page, "consent")
    heights["consent"] = height(page)
    page.check("#agree")
    page.click('button:has-text("Start")')

    expect(page.locator("text=Section 1 of 9")).to_be_visible()
    page.check('[name="completed_by"][value="self"]')
    expect(page.locator("#q-helper_relation")).to_be_hidden()
    page.check('[name="completed_by"][value="someone_else"]')
    expect(page.locator("#q-helper_relation")).to_be_visible()
    named = {
        "about": "about-you",
        "pain": "pain-body-map",
        "medicines": "medicines-rows",
        "treatments": "treatments",
        "health": "health",
        "mood": "mood",
        "wellbeing": "wellbeing",
        "goals": "goals",
    }

    def look(current):
        check_accessibility(current)
        check_phone_page(current)
        heights[current.url.split("/intake/", 1)[1].split("#")[0]] = height(current)
        section = re.search(r"/intake/section/([a-z_]+)", current.url).group(1)
        if section in named and "/rows/" not in current.url:
            shots(current, named.pop(section))

    for section in ("about", "pain", "function", "medicines"):
        answer_section(page, FUSION_PATIENT_POSTS[section], look)

    # Leave half-way, come back later.
    page.click("text=Log out")
    login(page, base, email, PASSWORD)
    page.goto(base + "/intake/")
    expect(page).to_have_url(re.compile("/intake/section/treatments"))
    page.goto(base + "/intake/check")
    for kept in ("Daughter", "Tapentadol", "Pregabalin", "March 2019"):
        expect(page.locator(f"text={kept}").first).to_be_visible()
    page.goto(base + "/intake/")

    for section in ("treatments", "health", "mood", "wellbeing", "goals"):
        answer_section(page, FUSION_PATIENT_POSTS[section], look)

    expect(page).to_have_url(re.compile("/intake/check"))
    check_accessibility(page)
    check_phone_page(page)
    shots(page, "check-answers")
    heights["check"] = height(page)
    record_heights(heights, shots.folder)
    # The consent's time promise counts these pages (tests/engine/questionnaire/test_time.py).
    with live_app.app_context():
        counted = pages_to_answer(questionnaires.current(), FUSION_PATIENT_STORED)
    assert len([url for url in heights if url.startswith("section/")]) == counted
    over = {url: h for url, h in heights.items() if url != "check" and h > 2.5 * SCREEN}
    assert over == {}, over
    # 87 answers, each with a 44 px "Change" target: the one page allowed past 8 screens.
    assert heights["check"] <= 8.5 * SCREEN
    assert scrolling(heights) <= 45
    page.click('a[href*="return_to=check:goals_text#q-goals_text"]')
    page.fill('[name="goals_text"]', "Walk to the market again")
    save(page)
    expect(page).to_have_url(re.compile(r"/intake/check#a-goals_text"))
    expect(page.locator("text=Walk to the market again")).to_be_visible()
    page.click("text=Send my answers to the clinic")
    expect(page.locator("h1")).to_have_text("Your answers have been sent")
    check_accessibility(page)
    check_phone_page(page)
    expect(page.locator("text=What happens next")).to_be_visible()
    shots(page, "confirmation")
    # The copy of the answers is folded on the page and opened to print.
    assert height(page) <= 2.5 * SCREEN
    copy = page.locator("details.answers-copy")
    assert copy.get_attribute("open") is None
    page.pdf()
    assert copy.get_attribute("open") is not None
    page.click("text=About spinal cord stimulation")
    expect(page.locator("h1")).to_have_text("About spinal cord stimulation")

    answers, status = stored_answers(live_app, email)
    expected = {
        **FUSION_PATIENT_STORED,
        "completed_by": "self_with_help",
        "goals_text": "Walk to the market again",
    }
    assert status == "submitted"
    assert answers == expected
    context.close()


def test_the_same_journey_by_keyboard_alone(browser, live_app):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    email = "keys@example.org"
    page.goto(invite(live_app, email=email))
    for name, value in (
        ("dob_day", "3"),
        ("dob_month", "6"),
        ("dob_year", "1958"),
        ("phone", "+91 99999 10002"),
        ("password", PASSWORD),
        ("confirm", PASSWORD),
    ):
        key_field(page, name, value)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/intake/consent"))
    tab_to(page, "#agree")
    page.keyboard.press("Space")
    tab_to(page, 'main button[type="submit"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/intake/section/about"))
    tabs_after_add = []
    for number, pairs in enumerate(FUSION_PATIENT_POSTS.values()):
        if number == 4:  # leave half-way and come back, still by keyboard
            tab_to(page, 'form[action$="/auth/logout"] button')
            with page.expect_navigation():
                page.keyboard.press("Enter")
            key_field(page, "identifier", email)
            key_field(page, "password", PASSWORD)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.wait_for_url(re.compile("/intake/section/treatments"))
        key_answer_section(page, pairs, tabs_after_add)
    # After Add, the new row's first field has the focus: no Tab needed to reach it.
    assert tabs_after_add
    assert max(tabs_after_add) <= 3, tabs_after_add
    page.wait_for_url(re.compile("/intake/check"))
    tab_to(page, 'a[href*="return_to=check:goals_text#q-goals_text"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    key_field(page, "goals_text", "Cook for my family again")
    tab_to(page, '.actions button[value="save"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/intake/check"))
    tab_to(page, 'form[action$="/intake/submit"] button')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/intake/submitted"))
    answers, status = stored_answers(live_app, email)
    expected = {**FUSION_PATIENT_STORED, "goals_text": "Cook for my family again"}
    assert (answers, status) == (expected, "submitted")
    context.close()


def test_the_journey_works_with_javascript_off(browser, live_app):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    email = "nojs@example.org"
    accept(page, invite(live_app, email=email), phone="+91 99999 10003")
    page.check("#agree")
    page.click('button:has-text("Start")')
    expect(page.locator("#q-helper_relation")).to_be_visible()
    expect(page.locator("#q-helper_relation .cond-hint")).to_be_visible()
    answer_all(page, FUSION_PATIENT_POSTS)
    page.click("text=Send my answers to the clinic")
    expect(page.locator("h1")).to_have_text("Your answers have been sent")
    assert stored_answers(live_app, email) == (FUSION_PATIENT_STORED, "submitted")
    context.close()


def _staff(app, email):
    with app.app_context():
        create_staff(email, STAFF_PASSWORD, "Dr Meera Iyer", "clinician")


def test_a_clinician_reads_notes_reviews_and_downloads_the_pdf(browser, live_app, shots):
    base = live_app.config["BASE_URL"]
    patient = browser.new_context(viewport=PHONE).new_page()
    email = "forclinic@example.org"
    accept(patient, invite(live_app, name="Kamala Pillai", email=email), phone="+91 99999 10004")
    patient.check("#agree")
    patient.click('button:has-text("Start")')
    answer_all(patient, FUSION_PATIENT_POSTS)
    patient.click("text=Send my answers to the clinic")

    _staff(live_app, "iyer@clinic.example")
    page = browser.new_context(viewport=DESKTOP, accept_downloads=True).new_page()
    login(page, base, "iyer@clinic.example", STAFF_PASSWORD)
    expect(page.locator("h1")).to_have_text("Worklist")
    page.fill("#q", "Kamala")
    page.click('button:has-text("Show")')
    check_accessibility(page)
    shots(page, "worklist")
    page.click("text=Kamala Pillai")
    expect(page.locator("text=Not an eligibility determination.")).to_be_visible()
    expect(page.locator("text=Takes blood thinner(s): Apixaban")).to_be_visible()
    check_accessibility(page)
    shots(page, "summary")
    page.fill("#body", "Check INR plan with cardiology before any trial.")
    page.click("text=Save note")
    expect(page.locator(".note-body")).to_have_text(
        "Check INR plan with cardiology before any trial."
    )
    page.click("text=Mark as reviewed")
    expect(page.locator("text=Reviewed").first).to_be_visible()
    check_accessibility(page)
    shots(page, "summary-reviewed")
    with page.expect_download() as download:
        page.click("text=Download PDF")
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
    page.goto(base + "/clinic/?status=reviewed")
    expect(page.locator("text=Kamala Pillai")).to_be_visible()

    # Reopened and amended: the new revision leads with what changed.
    page.click("text=Kamala Pillai")
    page.click("text=Reopen for the patient")
    patient.goto(base + "/intake/check")
    patient.click('a[href*="return_to=check:goals_text#q-goals_text"]')
    patient.fill('[name="goals_text"]', "Sleep through the night")
    save(patient)
    patient.click("text=Send my answers to the clinic")
    page.reload()
    changed = page.locator("section.changes")
    expect(changed.locator("h2")).to_have_text("Changed since revision 1")
    expect(changed.locator("tbody tr")).to_have_count(1)
    expect(changed.locator("tbody td").last).to_have_text("Sleep through the night")
    check_accessibility(page)
    shots(page, "summary-amended")


def test_thoughts_of_self_harm_show_crisis_resources_and_mark_the_worklist(browser, live_app):
    base = live_app.config["BASE_URL"]
    page = start_patient(
        browser, live_app, "Urgent Person", "urgent@example.org", "+91 99999 10005", PHONE
    )
    posts = with_changes(FUSION_PATIENT_POSTS, "mood", {"phq9_9": "2"})
    for section in ("about", "pain", "function", "medicines", "treatments", "health"):
        answer_section(page, posts[section])
    for _ in range(3):  # the item is on the third of the mood pages
        fill_section(page, posts["mood"])
        save(page)
    expect(page.locator("text=Support is available now")).to_be_visible()
    expect(page.locator("text=You told us: More than half the days")).to_be_visible()
    expect(page.locator('a[href="tel:14416"]').first).to_be_visible()
    expect(page.locator("text=not monitored in real time")).to_be_visible()
    check_accessibility(page)
    check_phone_page(page)

    _staff(live_app, "urgent-doc@clinic.example")
    staff = browser.new_context(viewport=DESKTOP).new_page()
    login(staff, base, "urgent-doc@clinic.example", STAFF_PASSWORD)
    row = staff.locator("tr", has_text="Urgent Person")
    expect(row.locator(".tag-urgent")).to_have_text("1 open")
    expect(row).to_contain_text("Thoughts of self-harm")


def test_save_pressed_while_a_draft_is_on_its_way_is_not_taken_for_another_window(
    browser, live_app
):
    """On a slow connection the page's 20-second draft save can still be waiting for its
    answer when the patient presses Save and continue; the save must simply go through."""
    page = start_patient(browser, live_app, "Slow Line", "slow@example.org", "+91 99999 10019")
    expect(page).to_have_url(re.compile("/intake/section/about"))
    page.clock.install()
    page.reload()  # the page's timers now run on the test's clock
    kept = []  # draft saves the server has stored but whose answers are held back
    page.route("**/autosave", lambda route: kept.append((route, route.fetch())))
    fill_section(page, FUSION_PATIENT_POSTS["about"])
    page.clock.run_for(21_000)
    for _ in range(50):
        if kept:
            break
        page.wait_for_timeout(100)
    assert kept, "the page did not save a draft"

    page.click('.actions button[value="save"]')  # held by the page until the draft answers
    route, answer = kept[0]
    route.fulfill(response=answer)

    expect(page).to_have_url(re.compile("/intake/section/about/2"))
    answers, _ = stored_answers(live_app, "slow@example.org")
    assert answers["helper_relation"] == "Daughter"


def test_errors_are_announced_and_linked_to_their_fields(browser, live_app):
    page = start_patient(
        browser, live_app, "Error Person", "errors@example.org", "+91 99999 10006", PHONE
    )
    page.fill('[name="height_cm"]', "tall")
    save(page)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    described = page.get_attribute('[name="height_cm"]', "aria-describedby")
    assert "height_cm-error" in described
    expect(page.locator("#height_cm-error")).to_contain_text("Enter a number")
    expect(page.locator('[name="height_cm"]')).to_have_value("tall")
    check_accessibility(page)
    page.click('.error-summary a[href="#height_cm"]')
    expect(page.locator('[name="height_cm"]')).to_be_focused()


def test_focus_is_visible_and_text_resizes_to_200_percent(browser, live_app):
    page = start_patient(
        browser, live_app, "Zoom Person", "zoom@example.org", "+91 99999 10007", DESKTOP
    )
    tab_to(page, '[name="height_cm"]')
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.set_viewport_size({"width": 640, "height": 800})
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    expect(page.locator('.actions button[value="save"]')).to_be_visible()
    expect(page.locator("label[for='height_cm']")).to_be_visible()


def test_body_map_is_a_list_of_labelled_checkboxes_the_picture_mirrors(browser, live_app):
    page = start_patient(
        browser, live_app, "Map Person", "map@example.org", "+91 99999 10008", PHONE
    )
    answer_section(page, FUSION_PATIENT_POSTS["about"])
    expect(page.locator(".body-views")).to_have_attribute("aria-hidden", "true")
    box = page.get_by_label("Left knee")
    tab_to(page, "#pain_regions-knee_l")
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    knee = page.locator('[data-view="front"] [data-region="knee_l"]')
    expect(knee).to_have_class(re.compile("selected"))
    # A tap on the small figure makes it bigger first; then every area is 44 px or more.
    knee.click()
    expect(box).to_be_checked()
    expect(page.locator(".body-map")).to_have_class(re.compile("zoomed"))
    for view in ("front", "back"):
        page.click(f'[data-zoom="{view}"]')
        for shape in page.locator(f'[data-view="{view}"] [data-region]').all():
            size = shape.bounding_box()
            region = shape.get_attribute("data-region")
            assert size["width"] >= 44, (view, region, size)
            assert size["height"] >= 44, (view, region, size)
    check_accessibility(page)
    page.click('[data-zoom="front"]')
    knee.click()
    expect(box).not_to_be_checked()
    said = page.locator(".body-map-said")
    expect(said).to_contain_text("Left knee: not chosen.")
    foot = page.locator('[data-view="front"] [data-region="foot_l"]')
    foot.click()
    expect(said).to_contain_text("Left foot: chosen.")
    expect(said).to_contain_text("Chosen: Left foot.")
    # Zoomed, the figure fits the phone; at its foot the sides and the chosen areas are
    # still on the screen.
    check_phone_page(page)
    foot.scroll_into_view_if_needed()
    sides = page.locator('[data-view="front"] .zoom-sides')
    for element in (sides, said):
        where = element.bounding_box()
        assert where["y"] >= 0, where
        assert where["y"] + where["height"] <= PHONE["height"], where
    expect(sides).to_contain_text("Your RIGHT")
    # A checkbox in focus shows its area on the figure and names it.
    page.focus("#pain_regions-hip_l")
    expect(page.locator('[data-view="front"] [data-region="hip_l"]')).to_have_class(
        re.compile("focused")
    )
    expect(said).to_contain_text("Left hip: not chosen.")
    # Both views again: the captions stand at each side of each figure.
    page.click('[data-zoom=""]')
    figure = page.locator('[data-view="front"] svg').bounding_box()
    left, right = page.locator('[data-view="front"] .side').all()
    assert left.bounding_box()["x"] < figure["x"]
    assert right.bounding_box()["x"] >= figure["x"] + figure["width"] - 1


def test_the_accessibility_check_catches_a_real_violation(browser):
    from tests.e2e.helpers import AXE, WCAG

    page = browser.new_page()
    page.set_content(
        '<html lang="en"><body><main><img src="x.png"><input type="text"></main></body></html>'
    )
    assert AXE.run(page, options=WCAG).violations_count >= 2
    page.close()


def test_staff_admin_and_error_pages_pass_axe(browser, live_app):
    base = live_app.config["BASE_URL"]
    with live_app.app_context():
        create_staff("axe-admin@clinic.example", STAFF_PASSWORD, "Axe Admin", "admin")
    patient_email = "axe-patient@example.org"
    patient = browser.new_context(viewport=PHONE).new_page()
    accept(
        patient, invite(live_app, name="Axe Patient", email=patient_email), phone="+91 99999 10009"
    )
    patient.goto(base + "/intake/your-data")
    check_accessibility(patient)
    patient.goto(base + "/intake/section/treatments")
    check_accessibility(patient)

    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(base + "/auth/login")
    check_accessibility(page)
    page.fill('[name="identifier"]', "nobody@example.org")
    page.fill('[name="password"]', "wrong-password")
    page.click('button:has-text("Log in")')
    check_accessibility(page)
    login(page, base, "axe-admin@clinic.example", STAFF_PASSWORD)
    with live_app.app_context():
        patient_id = db.session.scalar(select(Patient.id).where(Patient.email == patient_email))
    for path in (
        "/clinic/",
        "/clinic/invite",
        "/clinic/invite/list",
        f"/clinic/patients/{patient_id}",
        "/desk/",
        f"/desk/patients/{patient_id}",
        "/admin/staff",
        "/admin/invitations",
        "/admin/audit",
        "/admin/clinic",
        "/admin/sites",
        "/admin/tokens",
        f"/admin/patients/{patient_id}/erase",
        "/no-such-page",
        "/auth/invitation/not-a-token",
    ):
        page.goto(base + path)
        check_accessibility(page)
    page.goto(base + "/clinic/invite")
    page.click('button:has-text("Create invitation")')
    check_accessibility(page)
    page.goto(base + "/admin/tokens")
    page.fill('[name="name"]', "Hospital EHR")
    page.check('[name="scopes"][value="read"]')
    page.click('button:has-text("Create token")')
    expect(page.locator("code.link-to-copy")).to_contain_text("scs_")
    check_accessibility(page)  # the new token shown once, and the list of tokens


def test_the_information_page_on_a_phone_without_logging_in(browser, live_app, shots):
    """The information page passes axe at 360 px, fits the width, and prints as a text."""
    page = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    page.goto(live_app.config["BASE_URL"] + "/about-scs")
    expect(page.locator("h1")).to_have_text("About spinal cord stimulation")
    check_accessibility(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    diagram = page.locator('svg[role="img"]')
    expect(diagram).to_be_visible()
    assert diagram.bounding_box()["width"] <= PHONE["width"]
    shots(page, "about-scs")
    page.emulate_media(media="print")
    expect(page.locator("button[data-print]")).to_be_hidden()
    expect(page.locator(".site-header nav")).to_have_count(0)
    expect(page.locator("text=Questions? Contact the clinic")).to_be_visible()


def idle_on_the_server(page, app, seconds):
    """Make the server see the session as idle for ``seconds``, as if that long had passed:
    the session cookie's last activity is moved back, signed as the app signs it."""
    serializer = app.session_interface.get_signing_serializer(app)
    context = page.context
    cookie = next(c for c in context.cookies() if c["name"] == app.config["SESSION_COOKIE_NAME"])
    session = serializer.loads(cookie["value"])
    session["last_seen"] -= seconds
    context.add_cookies([{**cookie, "value": serializer.dumps(session)}])


def test_every_other_patient_page_fits_a_phone_with_targets_big_enough(browser, live_app):
    """The pages around the questions: no sideways scrolling at 360 px, every target 44 px."""
    base = live_app.config["BASE_URL"]
    anonymous = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    for path in (
        "/auth/login",
        "/auth/forgot",
        "/about-scs",
        "/auth/invitation/not-a-link",
        "/auth/reset/not-a-link",
    ):
        anonymous.goto(base + path)
        check_phone_page(anonymous)
    page = start_patient(
        browser, live_app, "Phone Pages", "phone-pages@example.org", "+91 99999 10013", PHONE
    )
    for path in ("/intake/your-data", "/auth/password", "/intake/check"):
        page.goto(base + path)
        check_phone_page(page)
    page.goto(base + "/intake/section/about")
    with page.expect_navigation():
        page.click('button[value="save-later"]')
    expect(page.locator("h1")).to_have_text("Your answers are saved")
    check_phone_page(page)


def test_two_minutes_before_the_idle_log_out_a_dialog_offers_to_stay(browser, live_app):
    page = start_patient(
        browser, live_app, "Idle Person", "idle@example.org", "+91 99999 10010", PHONE
    )
    page.clock.install()
    page.reload()
    dialog = page.locator("#idle-dialog")
    expect(dialog).to_be_hidden()
    minutes = live_app.config["PATIENT_IDLE_MINUTES"]
    idle_on_the_server(page, live_app, minutes * 60 - 110)
    page.clock.run_for((minutes * 60 - 119) * 1000)
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-stay]")).to_be_focused()
    check_accessibility(page)
    with page.expect_response("**/auth/keepalive") as kept:
        page.click("text=Stay logged in")
    assert kept.value.status == 204
    expect(dialog).to_be_hidden()


def test_answers_typed_after_the_idle_log_out_are_kept_through_logging_in(browser, live_app):
    """The sequence that lost a page: the warning shows, the session ends on the server
    before "Stay logged in" reaches it, the patient answers the page and presses Save."""
    page = start_patient(
        browser, live_app, "Timed Out", "timed-out@example.org", "+91 99999 10011", PHONE
    )
    page.goto(live_app.config["BASE_URL"] + "/intake/section/goals")
    page.clock.install()
    page.reload()
    minutes = live_app.config["PATIENT_IDLE_MINUTES"]
    dialog = page.locator("#idle-dialog")
    idle_on_the_server(page, live_app, minutes * 60 - 110)
    page.clock.run_for((minutes * 60 - 119) * 1000)
    expect(dialog.locator("text=Are you still there?")).to_be_visible()

    idle_on_the_server(page, live_app, 120)
    page.get_by_role("button", name="Stay logged in").click()
    expect(dialog.locator("text=You have been logged out")).to_be_visible()
    expect(dialog.locator("text=Are you still there?")).to_be_hidden()
    check_accessibility(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.fill('[name="goals_text"]', "Sit through a wedding without lying down")
    page.fill('[name="expected_relief_percent"]', "70")
    save(page)
    assert "/auth/login" in page.url
    expect(page.locator("text=What you typed on that page is kept")).to_be_visible()
    page.fill('[name="identifier"]', "timed-out@example.org")
    page.fill('[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.click('button:has-text("Log in")')
    assert page.url.endswith("/intake/section/goals")
    expect(page.locator("text=We kept what you typed last time")).to_be_visible()
    expect(page.locator('[name="goals_text"]')).to_have_value(
        "Sit through a wedding without lying down"
    )
    expect(page.locator('[name="expected_relief_percent"]')).to_have_value("70")


def test_a_phone_that_slept_through_the_log_out_wakes_to_say_so(browser, live_app):
    """The warning asks the server first: a session already over is never "in 2 minutes"."""
    page = start_patient(
        browser, live_app, "Slept Through", "slept@example.org", "+91 99999 10012", PHONE
    )
    page.goto(live_app.config["BASE_URL"] + "/intake/section/goals")
    page.clock.install()
    page.reload()
    page.fill('[name="goals_text"]', "Play with my grandson")
    minutes = live_app.config["PATIENT_IDLE_MINUTES"]
    idle_on_the_server(page, live_app, (minutes + 5) * 60)
    page.clock.run_for((minutes * 60 - 119) * 1000)
    dialog = page.locator("#idle-dialog")
    expect(dialog.locator("text=You have been logged out")).to_be_visible()
    expect(dialog.locator("text=in 2 minutes")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_role("button", name="Log in again").click()
    login(page, live_app.config["BASE_URL"], "slept@example.org", PASSWORD)
    page.goto(live_app.config["BASE_URL"] + "/intake/section/goals")
    expect(page.locator('[name="goals_text"]')).to_have_value("Play with my grandson")


def test_the_brief_is_on_the_first_screen_of_a_laptop(browser, live_app):
    """At 1366 × 768 and 1280 × 800, before any scrolling: the identity, the urgent items,
    the scores, the pain and walking, the current medicines with their opioid total, the
    procedures one a line, the spine MRI, the trial and help with the device."""
    from tests.factories import StaffFactory, patient_with_answers

    answers = {**FUSION_PATIENT_STORED, "phq9_9": "1"}
    with live_app.app_context():
        StaffFactory(email="brief@clinic.example")
        patient_id = patient_with_answers(answers, name="Vikram Seth", email=None).id
    for size in ({"width": 1366, "height": 768}, {"width": 1280, "height": 800}):
        page = browser.new_context(viewport=size).new_page()
        login(page, live_app.config["BASE_URL"], "brief@clinic.example", "correct-horse-battery")
        page.goto(live_app.config["BASE_URL"] + f"/clinic/patients/{patient_id}")
        for selector in (
            ".identity-bar",
            ".urgent-items",
            "text=NRS now / least / worst",
            "#score-phq9",
            "#score-peg",
            "text=Tapentadol 50 mg twice a day",
            "text=oral morphine equivalent",
            "text=epidural steroid injection",
            "text=fusion 2021",
            "text=Spine MRI",
            "text=Walking",
            "text=Trial first",
            "text=Remote and charging",
        ):
            box = page.locator(selector).first.bounding_box()
            assert box is not None, selector
            assert box["y"] + box["height"] <= size["height"], (size, selector, box)
    check_accessibility(page)
