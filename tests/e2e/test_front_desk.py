"""The front desk in a real browser: a patient with only a phone is invited by SMS, the
desk corrects the date of birth it typed wrong and moves the visit, and the patient, on a
phone, gets in with the same link and sends their answers."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.platform import messaging
from app.platform.extensions import db
from app.records.models import Patient, QuestionnaireResponse
from app.records.staff import create_staff
from tests.answers_data import FUSION_PATIENT_POSTS
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import accept, answer_all, check_accessibility, login

PASSWORD = "long-front-desk-password"
BORN = date(1960, 3, 2)


def test_a_phone_only_patient_is_corrected_rescheduled_and_finishes(browser, live_app):
    base = live_app.config["BASE_URL"]
    with live_app.app_context():
        create_staff("desk@clinic.example", PASSWORD, "Front Desk", "frontdesk")
    desk = browser.new_context().new_page()
    login(desk, base, "desk@clinic.example", PASSWORD)
    expect(desk.locator("h1")).to_have_text("Front desk")

    first_visit = date.today() + timedelta(days=10)
    desk.goto(base + "/clinic/invite")
    desk.fill('[name="name"]', "Lakshmi Devi")
    desk.fill('[name="date_of_birth"]', "1960-02-03")  # day and month swapped
    desk.fill('[name="phone"]', "98290 55555")
    desk.fill('[name="visit_date"]', first_visit.isoformat())
    desk.check('[name="channel"][value="sms"]')
    desk.click('button:has-text("Create invitation")')
    expect(desk.locator(".notice").first).to_contain_text("on its way by SMS to +919829055555")
    with live_app.app_context():
        [sms] = [m for m in messaging.sent() if m.to == "+919829055555"]
        patient_id = db.session.scalar(select(Patient.id).where(Patient.name == "Lakshmi Devi"))

    patient = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    accept(patient, sms.link, dob=BORN)
    expect(patient.locator(".error-message").first).to_contain_text("does not match")

    moved = first_visit + timedelta(days=7)
    desk.goto(base + f"/desk/patients/{patient_id}")
    check_accessibility(desk)
    expect(desk.locator("dd").filter(has_text="1 wrong date(s) of birth")).to_have_count(1)
    desk.fill('[name="date_of_birth"]', BORN.isoformat())
    desk.fill('[name="visit_date"]', moved.isoformat())
    desk.click('button:has-text("Save their details")')
    expect(desk.locator(".notice").first).to_contain_text("date of birth, visit date")

    accept(patient, sms.link, dob=BORN)  # the same link, with the date she knows
    expect(patient).to_have_url(re.compile("/intake/consent"))
    patient.check("#agree")
    patient.click('button:has-text("Start")')
    answer_all(patient, FUSION_PATIENT_POSTS)
    expect(patient).to_have_url(re.compile("/intake/check"))
    patient.click("text=Send my answers to the clinic")
    expect(patient.locator("h1")).to_have_text("Your answers have been sent")

    with live_app.app_context():
        record = db.session.get(Patient, patient_id)
        assert (record.date_of_birth, record.visit_date, record.email) == (BORN, moved, None)
        assert record.user.phone == "+919829055555"
        status = db.session.scalar(
            select(QuestionnaireResponse.status).where(
                QuestionnaireResponse.patient_id == patient_id
            )
        )
        assert status == "submitted"
    desk.goto(base + "/desk/")
    expect(desk.locator("tr", has_text="Lakshmi Devi")).to_contain_text("Sent")
