"""The clinic's own details: an admin edits them, the audit log records it, patients see them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from app.platform.extensions import db
from app.records.models import AuditEvent
from tests.answers_data import FUSION_PATIENT_POSTS, FUSION_PATIENT_STORED, with_changes
from tests.conftest import Person
from tests.web.test_clinic import pdf_text

DETAILS = {
    "name": "Shanti Pain Clinic",
    "phone": "+91 80 4000 1234",
    "email": "care@shanti.example",
    "address": "12 Hospital Road, Bengaluru",
    "opening_hours": "Mon–Sat 10:00–14:00",
    "grievance_officer": "Dr Anil Rao, Medical Records",
    "grievance_contact": "privacy@shanti.example",
    "crisis_line": "Tele-MANAS",
    "crisis_numbers": "14416, 1-800-891-4416",
    "emergency_number": "112",
    "time_zone": "Asia/Kolkata",
}


@pytest.fixture
def admin(app, clinic):
    client = app.test_client()
    assert Person(client).login(clinic.staff("admin")).status_code == 302
    return client


def test_an_admin_edits_the_clinic_s_details_and_the_change_is_audited(app, admin):
    form = admin.get("/admin/clinic").get_data(as_text=True)
    assert 'value="Pain Clinic"' in form
    assert admin.post("/admin/clinic", data=DETAILS).status_code == 302
    page = admin.get("/admin/clinic").get_data(as_text=True)
    assert 'value="Shanti Pain Clinic"' in page
    assert "Shanti Pain Clinic" in admin.get("/clinic/").get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "clinic.profile"))
    assert {"name", "phone", "email"} <= set(event.detail["changed"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "call us", "Enter a mobile number"),
        ("time_zone", "Mars/Olympus", "Enter a time zone name"),
        ("crisis_numbers", "dial 14416 now", "Use digits"),
        ("name", "", "Enter the name of the clinic"),
        ("name", "Shanti\r\nBcc: all@example.org", "Use one line"),
        ("opening_hours", "Mon\nTue", "Use one line"),
        ("crisis_line", "Tele\tMANAS", "Use one line"),
        ("email", "care@shanti.example\r\n", "Use one line"),
    ],
)
def test_bad_details_are_explained_beside_the_field(admin, field, value, message):
    page = admin.post("/admin/clinic", data={**DETAILS, field: value}).get_data(as_text=True)
    assert message in page
    assert "Shanti Pain Clinic" in page or field == "name"


def test_the_new_phone_is_a_tap_to_call_link_on_the_urgent_page_and_in_the_pdf(
    admin, patient, person, client, clinic, staff
):
    admin.post("/admin/clinic", data=DETAILS)
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"red_flags": "new_weakness"})
    answer = person.save("pain", posts["pain"])
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert (
        'Call the clinic on <a class="tel" href="tel:+918040001234">+91 80 4000 1234</a> '
        "(Mon–Sat 10:00–14:00)"
    ) in page
    assert "usual number" not in page
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    text = pdf_text(staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data)
    assert "Shanti Pain Clinic · +91 80 4000 1234" in text


def test_without_a_phone_pages_never_invent_one(patient, person, client):
    posts = with_changes(FUSION_PATIENT_POSTS, "pain", {"red_flags": "new_weakness"})
    page = client.get(person.save("pain", posts["pain"]).headers["Location"])
    text = page.get_data(as_text=True)
    assert "Call the clinic, or in an emergency call" in text
    assert "usual number" not in text


def test_production_refuses_to_start_without_a_phone_for_patients(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    url = f"sqlite:///{tmp_path / 'p.db'}"
    with pytest.raises(RuntimeError, match="CLINIC_PHONE"):
        create_app("production", SQLALCHEMY_DATABASE_URI=url, CLINIC_PHONE="")
    create_app("production", SQLALCHEMY_DATABASE_URI=url, CLINIC_PHONE="+91 80 4000 1234")


def test_the_profile_s_phone_is_enough_to_start_in_production(monkeypatch, tmp_path, app):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    url = f"sqlite:///{tmp_path / 'p.db'}"
    testing = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with testing.app_context():
        db.create_all()
        from app.records import clinic_details
        from tests.factories import StaffFactory

        clinic_details.save(DETAILS, StaffFactory(role="admin"))
    production = create_app("production", SQLALCHEMY_DATABASE_URI=url, CLINIC_PHONE="")
    with production.test_request_context():
        assert clinic_details.current().phone == DETAILS["phone"]


def test_the_profile_s_time_zone_sets_the_clock_of_every_page(admin, clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    assert " IST" in staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    admin.post("/admin/clinic", data={**DETAILS, "time_zone": "Europe/London"})
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert " GMT" in page
    assert " IST" not in page


def test_a_line_break_in_a_stored_clinic_name_never_breaks_the_email(app, clinic):
    """Saved before the form refused it (or by hand in the database): the subject is
    still one line, and the known address gets its email like any other."""
    from app.platform import mail
    from app.records.models import ClinicProfile

    email = clinic.staff("clinician")
    with app.app_context():
        from app.records import clinic_details

        profile = db.session.scalar(select(ClinicProfile)) or clinic_details.current()
        profile.name = "Shanti\r\nBcc: all@example.org"
        db.session.merge(profile)
        db.session.commit()
    answer = app.test_client().post("/auth/forgot", data={"email": email})
    assert answer.status_code == 200
    with app.app_context():
        [message] = mail.outbox()
    assert message["Subject"] == "Set a new password for Shanti Bcc: all@example.org"
    assert message["Bcc"] is None
