"""The front desk: invites and chases patients, sees their progress and messages, corrects
their details, prints their letters, and never sees what they answered."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.platform.extensions import db
from app.records.models import AuditEvent, Patient, User
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import PATIENT_PASSWORD, Person, count_queries, statements_of
from tests.web.test_clinic import on_sqlite, query_plan

VISIT = (date.today() + timedelta(days=5)).isoformat()


def test_the_front_desk_lands_on_its_list_and_sees_progress_not_answers(app, clinic, desk):
    sent = clinic.with_answers("Ravi Kumar", {**FUSION_PATIENT_STORED, "phq9_9": "3"})
    clinic.with_answers("Asha Rao", FUSION_PATIENT_STORED, submitted=False)
    clinic.invite(name="Kamala Iyer", email="kamala@example.org")
    assert desk.get("/").headers["Location"].endswith("/desk/")
    page = desk.get("/desk/").get_data(as_text=True)
    rows = {
        name: re.sub(r"\s+", " ", page.split(name)[1].split("</tr>")[0])
        for name in ("Ravi Kumar", "Asha Rao", "Kamala Iyer")
    }
    assert "Sent" in rows["Ravi Kumar"]
    assert "Started" in rows["Asha Rao"]
    assert "Not started" in rows["Kamala Iyer"]
    details = desk.get(f"/desk/patients/{sent}").get_data(as_text=True)
    for text in (page, details):
        for private in ("PHQ-9", "PEG", "self-harm", "Tapentadol", "Urgent", "Open their answers"):
            assert private not in text, private
    for url in (f"/clinic/patients/{sent}", "/clinic/", "/clinic/export.csv"):
        assert desk.get(url).status_code == 403


def test_a_desk_search_costs_the_same_few_queries_however_many_patients_it_finds(app, clinic, desk):
    """The page is drawn before the search is audited: committing first had every
    patient on the page read again, one query a row."""
    clinic.with_answers("Asha Rao", FUSION_PATIENT_STORED)
    one = count_queries(app, desk, "/desk/?q=asha")
    for n in range(11):
        clinic.with_answers(f"Asha Rao {n}", FUSION_PATIENT_STORED)
    assert count_queries(app, desk, "/desk/?q=asha") == one
    with app.app_context():
        searches = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "desk.search").order_by(AuditEvent.id)
        ).all()
    assert [event.detail["found"] for event in searches] == [1, 12]


@pytest.mark.parametrize("query", ["", "?page=2", "?q=patient&page=2"])
def test_the_desk_list_is_read_in_its_index_order_without_a_sort(
    app, clinic, desk, monkeypatch, query
):
    """By visit date, then name: without its own index every patient of a clinic group was
    sorted for each page (235 ms at a million patients, 800 ms on page 500). A search's
    page too, past the count up to which its matches are sorted."""
    if not on_sqlite(app):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans from table statistics")
    monkeypatch.setattr("app.records.search.SEARCH_COUNT_UP_TO", 20)
    for n in range(60):
        clinic.with_answers(f"Patient {n:03d}", FUSION_PATIENT_STORED)
    [(statement, parameters)] = [
        (sql, params)
        for sql, params in statements_of(app, desk, "/desk/" + query)
        if "ORDER BY" in sql and "FROM patients" in sql and "count(" not in sql
    ]
    plan = query_plan(app, statement, parameters)
    assert "INDEX ix_patients_visit_order" in plan
    assert "TEMP B-TREE" not in plan


def test_the_front_desk_invites_and_resends_a_link(app, desk):
    app.config.update(JOB_QUEUE="memory", MESSAGE_QUIET_HOURS="")
    page = desk.post(
        "/clinic/invite",
        data={"name": "Kamala Iyer", "date_of_birth": "1959-08-21", "phone": "98290 12345",
              "visit_date": VISIT, "channel": "sms"},
    ).get_data(as_text=True)  # fmt: skip
    assert "Kamala Iyer is invited. The link is on its way by SMS to +919829012345" in page
    with app.app_context():
        patient_id = db.session.scalar(select(Patient.id))
    after = desk.post(f"/clinic/patients/{patient_id}/new-link")
    assert after.headers["Location"].endswith(f"/desk/patients/{patient_id}#messages")
    details = desk.get(f"/desk/patients/{patient_id}").get_data(as_text=True)
    assert details.count("Invitation by SMS to +919829012345") == 2
    assert details.count('<span class="tag tag-todo">waiting</span>') == 2


def details(**changes) -> dict:
    return {
        "name": "Kamala Iyer",
        "date_of_birth": "1961-04-12",
        "visit_date": "2027-01-15",
        "phone": "",
        "email": "kamala@example.org",
        "channel": "email",
        "hospital_number": "",
        "abha_number": "",
        "clinician_id": "",
        "site_id": "",
        **changes,
    }


def test_details_are_corrected_and_audited_with_the_old_and_new_values(app, clinic, desk):
    patient_id, _ = clinic.invite(name="Kamala Iyer", email="kamala@example.org")
    bad = desk.post(
        f"/desk/patients/{patient_id}", data=details(phone="12", date_of_birth="2999-01-01")
    ).get_data(as_text=True)
    assert "Enter a mobile number, for example 98450 12345" in bad
    assert "The date of birth must be in the past" in bad
    assert 'value="12"' in bad  # what was typed is kept
    desk.post(
        f"/desk/patients/{patient_id}",
        data=details(
            name="Kamala  Iyengar",
            date_of_birth="1959-08-21",
            visit_date="2027-02-01",
            phone="098290 12345",
            email="",
            channel="whatsapp",
        ),
    )
    with app.app_context():
        patient = db.session.get(Patient, patient_id)
        assert (patient.name, patient.date_of_birth, patient.visit_date) == (
            "Kamala Iyengar",
            date(1959, 8, 21),
            date(2027, 2, 1),
        )
        contact = (patient.phone, patient.email, patient.channel)
        assert contact == ("+919829012345", None, "whatsapp")
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "patient.details_change")
        )
        assert event.detail["changes"] == {
            "name": ["Kamala Iyer", "Kamala Iyengar"],
            "date_of_birth": ["1961-04-12", "1959-08-21"],
            "visit_date": ["2027-01-15", "2027-02-01"],
            "phone": [None, "+919829012345"],
            "email": ["kamala@example.org", None],
            "channel": ["letter", "whatsapp"],
        }
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "desk.view"))


def test_a_wrong_date_of_birth_is_fixed_and_the_patient_gets_in(app, clinic, desk, client):
    """Five wrong tries stop the link; the desk corrects the date and sends a new one."""
    patient_id, token = clinic.invite(name="Kamala Iyer", email="kamala@example.org")
    born = date(1959, 8, 21)  # the clinic typed 1961-04-12
    for _ in range(5):
        Person(client).accept(token, dob=born)
    page = desk.get(f"/desk/patients/{patient_id}").get_data(as_text=True)
    assert "Stopped after 5 wrong dates of birth" in page
    desk.post(
        f"/desk/patients/{patient_id}",
        data=details(date_of_birth=born.isoformat(), channel="letter"),
    )
    new = desk.post(f"/clinic/patients/{patient_id}/new-link").get_data(as_text=True)
    new_token = re.search(r"http://localhost/auth/invitation/([\w-]+)", new).group(1)
    assert Person(client).accept(new_token, dob=born).status_code == 302


def test_a_link_given_to_the_wrong_person_can_be_stopped(app, clinic, desk, client):
    patient_id, token = clinic.invite(name="Kamala Iyer", email="kamala@example.org")
    assert "Stop the link" in desk.get(f"/desk/patients/{patient_id}").get_data(as_text=True)
    desk.post(f"/desk/patients/{patient_id}/revoke")
    assert "Stop the link" not in desk.get(f"/desk/patients/{patient_id}").get_data(as_text=True)
    page = client.get(f"/auth/invitation/{token}").get_data(as_text=True)
    assert "Your date of birth" not in page


def test_a_front_desk_account_is_made_from_the_command_line(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--role", "frontdesk", "--email", "desk@clinic.example",
              "--name", "Front Desk", "--password", "a-long-desk-passphrase"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "desk@clinic.example"))
        assert (user.role, user.is_staff, user.reads_answers) == ("frontdesk", True, False)


def test_a_printed_letter_carries_a_short_link_that_works_typed_by_hand(app, clinic, desk, client):
    app.config["BASE_URL"] = "https://clinic.example.org"
    patient_id, first_token = clinic.invite(name="Kamala Iyer", email=None)
    response = desk.post(f"/desk/patients/{patient_id}/letter.pdf")
    assert response.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert len(pages) == 1
    text = " ".join(pages[0].extract_text().split())
    assert "Dear Kamala Iyer" in text
    assert "date of birth" in text
    assert "1961" not in text  # the date of birth itself is never printed
    code = re.search(r"clinic\.example\.org/i/([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", text)
    assert code, text
    typed = code.group(1).lower().replace("-", " ")  # as someone might type it
    opened = client.get(f"/i/{typed}", follow_redirects=True).get_data(as_text=True)
    assert "Your date of birth" in opened
    # The earlier link stopped working, and the letter is audited.
    assert "Your date of birth" not in client.get(f"/auth/invitation/{first_token}").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.letter"))


@pytest.mark.parametrize("landline", ["080 4000 1234", "+91 11 2345 6789"])
def test_a_landline_is_not_taken_as_a_mobile(app, clinic, desk, landline):
    page = desk.post(
        "/clinic/invite",
        data={"name": "Kamala Iyer", "date_of_birth": "1959-08-21", "phone": landline,
              "visit_date": VISIT, "channel": "sms"},
    ).get_data(as_text=True)  # fmt: skip
    assert "This is a landline number: enter a mobile number, so texts can reach it" in page
    patient_id, _ = clinic.invite(name="Asha Rao", email="asha@example.org")
    page = desk.post(
        f"/desk/patients/{patient_id}",
        data=details(name="Asha Rao", phone=landline, email="asha@example.org"),
    ).get_data(as_text=True)
    assert "This is a landline number" in page
    with app.app_context():
        assert db.session.get(Patient, patient_id).phone is None


def test_the_hospital_number_and_abha_number_reach_the_brief_the_pdf_and_fhir(
    app, clinic, desk, staff
):
    patient_id = clinic.with_answers("Kamala Iyer", FUSION_PATIENT_STORED, email="k@example.org")
    page = desk.post(
        f"/desk/patients/{patient_id}", data=details(abha_number="91-1234-5678")
    ).get_data(as_text=True)
    assert "An ABHA number has 14 digits, for example 91-1234-5678-9012" in page
    desk.post(
        f"/desk/patients/{patient_id}",
        data=details(hospital_number="BLR/2026/00417", abha_number="91 1234 5678 9012"),
    )
    brief = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "<dt>UHID</dt><dd>BLR/2026/00417</dd>" in brief
    assert "<dt>ABHA</dt><dd>91-1234-5678-9012</dd>" in brief
    pdf = " ".join(
        PdfReader(io.BytesIO(staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data))
        .pages[0]
        .extract_text()
        .split()
    )
    assert "UHID: BLR/2026/00417" in pdf
    assert "ABHA: 91-1234-5678-9012" in pdf
    fhir = staff.get(f"/fhir/patients/{patient_id}/questionnaire-response.json").get_json()
    identifiers = fhir["contained"][0]["identifier"]
    assert {"system": "urn:scs-intake:hospital-number", "value": "BLR/2026/00417"} in identifiers
    assert {"system": "https://healthid.abdm.gov.in", "value": "91-1234-5678-9012"} in identifiers
    for search in ("blr/2026/00417", "91-1234-5678-9012"):
        found = staff.get("/clinic/", query_string={"q": search}).get_data(as_text=True)
        assert "1 patient." in found, search


def test_an_assigned_specialist_sees_their_patients_first_and_prints_their_briefs(
    app, clinic, desk, staff
):
    mine = clinic.with_answers("Kamala Iyer", FUSION_PATIENT_STORED, email="k@example.org")
    clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    # Before any patient is assigned, the worklist shows everyone.
    assert names(staff.get("/clinic/").text) == ["Kamala Iyer", "Ravi Kumar"]
    with app.app_context():
        specialist = db.session.scalar(select(User.id).where(User.role == "clinician"))
    desk.post(
        f"/desk/patients/{mine}",
        data=details(visit_date="2027-01-15", clinician_id=str(specialist)),
    )
    page = staff.get("/clinic/").text
    assert "Worklist: my patients" in page
    assert names(page) == ["Kamala Iyer"]
    assert names(staff.get("/clinic/?who=all").text) == ["Kamala Iyer", "Ravi Kumar"]
    day = "/clinic/briefs.pdf?day=2027-01-15"
    assert "Ravi Kumar" in pdf_text(staff.get(day).data)
    assert "Ravi Kumar" not in pdf_text(staff.get(day + "&who=mine").data)
    assert "Kamala Iyer" in pdf_text(staff.get(day + "&who=mine").data)
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "patient.details_change")
        )
        assert event.detail["changes"]["clinician_id"] == [None, specialist]


def names(worklist: str) -> list[str]:
    return re.findall(r'<a href="/clinic/patients/\d+">([^<]+)</a>', worklist)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_the_desk_lets_a_patient_held_back_by_wrong_passwords_try_again(app, clinic, desk):
    patient_id = clinic.consented(phone="+919845012345")
    client = app.test_client()
    for _ in range(5):
        Person(client).login("meena@example.org", "not-my-password")
    assert Person(client).login("meena@example.org", PATIENT_PASSWORD).status_code != 302
    page = desk.get(f"/desk/patients/{patient_id}").text
    assert "Let them log in again now" in page
    desk.post(f"/desk/patients/{patient_id}/lift")
    assert "Let them log in again now" not in desk.get(f"/desk/patients/{patient_id}").text
    assert Person(client).login("meena@example.org", PATIENT_PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.lift"))
