"""Accounts that last: change a password, recover it, and no password that is your email."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.platform import mail
from app.platform.extensions import db
from app.records.models import AuditEvent, Invitation, Patient
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import PATIENT_PASSWORD, STAFF_PASSWORD, Person

NEW = "a-brand-new-passphrase"


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def outbox(app):
    with app.app_context():
        return mail.outbox()


def link_in(text: str) -> str:
    return re.search(r"http://localhost(/auth/(?:reset|invitation)/[\w-]+)", text).group(1)


def test_staff_change_their_password_and_their_other_sessions_end(app, clinic, person):
    email = clinic.staff()
    person.login(email)
    # The same session copied to another browser, as a stolen or left-open cookie would be.
    elsewhere = app.test_client()
    elsewhere.set_cookie("session", person.client.get_cookie("session").value)
    assert elsewhere.get("/clinic/").status_code == 200
    page = person.client.post(
        "/auth/password", data={"current": "not-my-password", "password": NEW, "confirm": NEW}
    )
    assert "Your current password is not right" in page.get_data(as_text=True)
    answer = person.client.post(
        "/auth/password", data={"current": STAFF_PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert answer.status_code == 302
    assert person.client.get("/clinic/").status_code == 200
    assert elsewhere.get("/clinic/").status_code == 302
    person.logout()
    assert person.login(email, STAFF_PASSWORD).status_code == 200
    assert person.login(email, NEW).status_code == 302
    assert "password.change" in actions(app)


def test_an_admin_gives_a_staff_member_a_one_time_reset_link(app, clinic, person):
    doctor = clinic.staff()
    person.login(clinic.staff("admin"))
    with app.app_context():
        from app.records.models import User

        doctor_id = db.session.scalar(select(User.id).where(User.email == doctor))
    page = person.client.post(f"/admin/staff/{doctor_id}/reset-link").get_data(as_text=True)
    path = re.search(r"http://localhost(/auth/reset/[\w-]+)", page).group(1)
    browser = Person(app.test_client())
    assert browser.client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert browser.client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 404
    assert browser.login(doctor, NEW).status_code == 302
    assert {"password.reset_issue", "password.reset"} <= set(actions(app))


def test_forgot_password_emails_a_link_and_says_the_same_for_unknown_addresses(app, clinic):
    email = clinic.staff()
    client = app.test_client()
    known = client.post("/auth/forgot", data={"email": email.upper()}).get_data(as_text=True)
    unknown = client.post("/auth/forgot", data={"email": "nobody@clinic.example"})
    assert "If an account uses that email address" in known
    assert "If an account uses that email address" in unknown.get_data(as_text=True)
    [message] = outbox(app)
    assert message["To"] == email
    path = link_in(message.get_content())
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert Person(client).login(email, NEW).status_code == 302
    assert actions(app).count("password.reset_request") == 2


def test_a_patient_can_recover_their_password_by_email_too(app, clinic, patient, person):
    person.logout()
    person.client.post("/auth/forgot", data={"email": "meena@example.org"})
    path = link_in(outbox(app)[0].get_content())
    answer = person.client.post(path, data={"password": NEW, "confirm": NEW})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert person.login("meena@example.org", NEW).status_code == 302
    assert person.client.get("/intake/").status_code == 302


def test_without_a_mail_server_the_page_does_not_pretend_to_send(app, clinic):
    app.config["MAIL_BACKEND"] = None
    page = app.test_client().get("/auth/forgot").get_data(as_text=True)
    assert "Send me a link" not in page
    assert "call the clinic" in page


def test_a_forgotten_patient_gets_a_new_link_for_the_same_record(app, clinic, staff, person):
    patient_id = clinic.with_answers(
        "Lata Shah",
        FUSION_PATIENT_STORED,
        login=True,
        email="lata@example.org",
        dob=date(1958, 7, 30),
    )
    again = staff.post(
        "/clinic/invite",
        data={"name": "Lata  Shah", "date_of_birth": "1958-07-30", "email": "LATA@example.org"},
    )
    assert "already has a record" in again.get_data(as_text=True)
    page = staff.post(f"/clinic/patients/{patient_id}/new-link").get_data(as_text=True)
    path = link_in(page)
    answer = person.client.post(
        path,
        data={
            "dob_day": "30",
            "dob_month": "7",
            "dob_year": "1958",
            "password": NEW,
            "confirm": NEW,
        },
    )
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Patient)) == 1
    person.logout()
    assert person.login("lata@example.org", NEW).status_code == 302
    assert person.client.get("/intake/").headers["Location"].endswith("/intake/submitted")
    assert "invitation.reissue" in actions(app)


def test_accepting_a_new_link_ends_the_patient_s_other_sessions(app, clinic, staff, person):
    """The documented way back in for a patient who lost their phone: whoever holds the old
    phone's session is logged out, as after a password change."""
    patient_id = clinic.with_answers(
        "Lata Shah",
        FUSION_PATIENT_STORED,
        login=True,
        email="lata@example.org",
        dob=date(1958, 7, 30),
    )
    lost_phone = app.test_client()
    assert Person(lost_phone).login("lata@example.org", PATIENT_PASSWORD).status_code == 302
    assert lost_phone.get("/intake/submitted").status_code == 200
    path = link_in(staff.post(f"/clinic/patients/{patient_id}/new-link").get_data(as_text=True))
    new_phone = person.client
    assert (
        new_phone.post(
            path,
            data={
                "dob_day": "30",
                "dob_month": "7",
                "dob_year": "1958",
                "password": NEW,
                "confirm": NEW,
            },
        ).status_code
        == 302
    )
    assert new_phone.get("/intake/submitted").status_code == 200
    assert "/auth/login" in lost_phone.get("/intake/submitted").headers["Location"]


def test_an_invitation_says_nothing_about_a_number_until_the_date_of_birth_is_right(
    app, clinic, client
):
    clinic.consented(name="Has Phone", email="has@example.org", phone="+919845011111")
    _, token = clinic.invite(name="New Person", email="new@example.org")
    wrong = client.post(
        f"/auth/invitation/{token}",
        data={
            "dob_day": "1",
            "dob_month": "1",
            "dob_year": "1950",
            "phone": "+91 98450 11111",
            "password": NEW,
            "confirm": NEW,
        },
    ).get_data(as_text=True)
    assert "does not match the clinic" in wrong
    assert "already used by another account" not in wrong
    right = client.post(
        f"/auth/invitation/{token}",
        data={
            "dob_day": "12",
            "dob_month": "4",
            "dob_year": "1961",
            "phone": "+91 98450 11111",
            "password": NEW,
            "confirm": NEW,
        },
    ).get_data(as_text=True)
    assert "already used by another account" in right
    with app.app_context():
        assert db.session.scalar(select(Invitation.failed_checks)) == 2


@pytest.mark.parametrize(
    "password",
    ["meena@example.org", "MEENA@example.org-2026", "my-9845012345-pin", "call +91 98450 12345 ok"],
)
def test_a_password_may_not_hold_the_account_s_email_or_phone(app, clinic, client, password):
    _, token = clinic.invite()
    page = client.post(
        f"/auth/invitation/{token}",
        data={
            "dob_day": "12",
            "dob_month": "4",
            "dob_year": "1961",
            "phone": "+91 98450 12345",
            "password": password,
            "confirm": password,
        },
    ).get_data(as_text=True)
    assert "Do not use your email address or mobile number" in page


def test_staff_passwords_are_checked_the_same_way_in_the_cli(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "clinician",
            "--email",
            "dr.rao@clinic.example",
            "--password",
            "dr.rao@clinic.example!",
            "--name",
            "Dr Rao",
        ]
    )
    assert result.exit_code != 0
    assert "Do not use your email address" in result.output


def test_a_reset_sets_a_password_that_is_checked_too(app, clinic, person):
    email = clinic.staff()
    person.client.post("/auth/forgot", data={"email": email})
    path = link_in(outbox(app)[0].get_content())
    page = person.client.post(path, data={"password": email, "confirm": email})
    assert "Do not use your email address" in page.get_data(as_text=True)
    assert person.login(email, PATIENT_PASSWORD).status_code == 200


def test_the_cli_prints_a_reset_link_for_a_staff_account(runner, clinic, app):
    email = clinic.staff("admin")
    result = runner.invoke(args=["users", "reset-link", "--email", email])
    assert result.exit_code == 0
    path = link_in(result.output)
    assert app.test_client().get(path).status_code == 200
