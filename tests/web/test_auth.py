"""Logging in, invitations and logging out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.platform.extensions import db
from app.platform.security import safe_next_url
from app.records.invitations import find_invitation
from app.records.models import utcnow
from tests.conftest import PATIENT_PASSWORD, STAFF_PASSWORD, Person

WRONG = "The email address, mobile number or password is not right"


def test_staff_log_in_with_email_and_password(clinic, person, client):
    email = clinic.staff("clinician")
    response = person.login(email)
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"].endswith("/clinic/")


@pytest.mark.parametrize(
    ("identifier", "password"),
    [
        ("clinician@clinic.example", "wrong-password-123"),
        ("nobody@clinic.example", STAFF_PASSWORD),
    ],
)
def test_unknown_user_and_wrong_password_get_the_same_message(clinic, person, identifier, password):
    clinic.staff("clinician")
    page = person.login(identifier, password).get_data(as_text=True)
    assert WRONG in page


def test_repeated_failures_lock_that_client_out_of_the_account_for_a_while(clinic, person):
    email = clinic.staff("clinician")
    for _ in range(5):
        person.login(email, "wrong-password-123")
    assert WRONG in person.login(email).get_data(as_text=True)


def test_someone_else_s_wrong_passwords_never_lock_the_owner_out(app, clinic):
    """Five wrong passwords from one address lock that address out, not the owner on
    their own phone."""
    email = clinic.staff("admin")
    attacker = app.test_client()
    for _ in range(8):
        attacker.post(
            "/auth/login",
            data={"identifier": email, "password": "guess-guess"},
            environ_base={"REMOTE_ADDR": "203.0.113.66"},
        )
    owner = app.test_client()
    answer = owner.post(
        "/auth/login",
        data={"identifier": email, "password": STAFF_PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert answer.status_code == 302
    locked_out = attacker.post(
        "/auth/login",
        data={"identifier": email, "password": STAFF_PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.66"},
    )
    assert WRONG in locked_out.get_data(as_text=True)


def test_many_addresses_guessing_slow_the_account_to_a_try_a_minute(app, clinic, monkeypatch):
    from app.records import login_limits

    email = clinic.staff("clinician")
    for n in range(app.config["ACCOUNT_SLOW_AFTER"]):
        app.test_client().post(
            "/auth/login",
            data={"identifier": email, "password": "nope-1"},
            environ_base={"REMOTE_ADDR": f"10.1.0.{n}"},
        )
    owner = app.test_client()
    slowed = owner.post(
        "/auth/login",
        data={"identifier": email, "password": STAFF_PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert slowed.status_code == 200
    later = login_limits.utcnow() + timedelta(seconds=app.config["ACCOUNT_SLOW_SECONDS"] + 1)
    monkeypatch.setattr(login_limits, "utcnow", lambda: later)
    answer = owner.post(
        "/auth/login",
        data={"identifier": email, "password": STAFF_PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.20"},
    )
    assert answer.status_code == 302


def test_guesses_of_the_current_password_count_as_wrong_logins(app, clinic, person):
    email = clinic.staff("clinician")
    person.login(email)
    for _ in range(5):
        page = person.client.post(
            "/auth/password",
            data={
                "current": "not-my-password",
                "password": "a-new-long-password",
                "confirm": "a-new-long-password",
            },
        ).get_data(as_text=True)
    assert "current password is not right" in page
    refused = person.client.post(
        "/auth/password",
        data={
            "current": STAFF_PASSWORD,
            "password": "a-new-long-password",
            "confirm": "a-new-long-password",
        },
    ).get_data(as_text=True)
    assert "Too many wrong tries" in refused
    with app.app_context():
        from app.records.models import LoginFailure, User

        user = db.session.scalar(select(User).where(User.email == email))
        assert user.failed_logins >= 5
        assert db.session.scalar(select(LoginFailure.count)) == 5


def test_passwords_are_stored_as_argon2_hashes(clinic, app):
    clinic.staff("admin")
    with app.app_context():
        from sqlalchemy import select

        from app.records.models import User

        user = db.session.scalar(select(User))
        assert user.password_hash.startswith("$argon2id$")
        assert STAFF_PASSWORD not in user.password_hash


def test_logout_ends_the_session_and_an_old_cookie_stops_working(clinic, person, client):
    person.login(clinic.staff("clinician"))
    stolen = client.get_cookie("session").value
    person.logout()
    client.set_cookie("session", stolen)
    assert client.get("/clinic/").status_code == 302


def test_idle_session_is_logged_out(clinic, person, client, app):
    person.login(clinic.staff("clinician"))
    with client.session_transaction() as session:
        session["last_seen"] -= 16 * 60
    response = client.get("/clinic/")
    assert "/auth/login" in response.headers["Location"]


def test_activity_keeps_a_session_alive(clinic, person, client):
    """Each request after a minute or more of quiet counts as activity."""
    person.login(clinic.staff("clinician"))
    for _ in range(3):
        with client.session_transaction() as session:
            session["last_seen"] -= 10 * 60
        assert client.get("/clinic/").status_code == 200


def test_requests_within_a_minute_do_not_reissue_the_session_cookie(clinic, person, client):
    person.login(clinic.staff("clinician"))
    client.get("/clinic/")
    assert "Set-Cookie" not in client.get("/clinic/").headers


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/intake/", "/intake/"),
        ("/clinic/?q=1", "/clinic/?q=1"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next_url_allows_only_local_paths(target, safe):
    assert safe_next_url(target, "/") == safe


def test_login_does_not_redirect_off_site(clinic, person, client):
    email = clinic.staff("clinician")
    response = client.post(
        "/auth/login?next=//evil.example/x", data={"identifier": email, "password": STAFF_PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_invitation_sets_up_the_patient_and_logs_them_in(clinic, person, client):
    _, token = clinic.invite()
    page = client.get(f"/auth/invitation/{token}").get_data(as_text=True)
    assert "Welcome, Meena Kumari" in page
    response = person.accept(token)
    assert response.headers["Location"].endswith("/intake/")
    person.logout()
    assert person.login("meena@example.org", PATIENT_PASSWORD).status_code == 302


def test_an_error_message_says_what_to_do_once_without_its_label_before_it(clinic, client):
    _, token = clinic.invite()
    page = client.post(
        f"/auth/invitation/{token}",
        data={"dob_day": "12", "dob_month": "4", "dob_year": "1961", "password": "", "confirm": ""},
    ).get_data(as_text=True)
    start = page.index('class="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert ">Create a password</a>" in summary
    assert "Create a password: Create a password" not in page


def test_an_invitation_works_only_once(clinic, person, client):
    _, token = clinic.invite()
    person.accept(token)
    person.logout()
    response = client.get(f"/auth/invitation/{token}")
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)


def test_an_expired_invitation_gets_a_clear_page(clinic, app, client):
    _, token = clinic.invite()
    with app.app_context():
        find_invitation(token).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.get(f"/auth/invitation/{token}")
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def test_a_revoked_invitation_gets_a_clear_page(clinic, app, client):
    _, token = clinic.invite()
    with app.app_context():
        find_invitation(token).revoked_at = utcnow()
        db.session.commit()
    assert "cancelled this link" in client.get(f"/auth/invitation/{token}").get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "x" * 500, "%00", "..etc-passwd"])
def test_an_unknown_invitation_is_a_404_page_not_a_crash(client, token):
    response = client.get(f"/auth/invitation/{token}")
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_wrong_date_of_birth_is_refused_and_five_tries_revoke_the_link(clinic, person):
    _, token = clinic.invite()
    wrong = date(1970, 1, 1)
    page = person.accept(token, dob=wrong).get_data(as_text=True)
    assert "does not match the clinic&#39;s record" in page
    for _ in range(4):
        response = person.accept(token, dob=wrong)
    assert response.status_code == 410
    assert person.accept(token).status_code == 410


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "Use at least 10 characters"),
        ("password123", "password123", "too common"),
        ("a-fine-long-password", "a-different-one!!", "The two passwords are different"),
    ],
)
def test_weak_or_mismatched_passwords_are_refused(clinic, client, password, confirm, message):
    _, token = clinic.invite()
    page = client.post(
        f"/auth/invitation/{token}",
        data={
            "dob_day": "12",
            "dob_month": "4",
            "dob_year": "1961",
            "password": password,
            "confirm": confirm,
        },
    ).get_data(as_text=True)
    assert message in page


def test_impossible_date_of_birth_gets_a_message(clinic, client):
    _, token = clinic.invite()
    page = client.post(
        f"/auth/invitation/{token}",
        data={
            "dob_day": "31",
            "dob_month": "2",
            "dob_year": "1961",
            "password": PATIENT_PASSWORD,
            "confirm": PATIENT_PASSWORD,
        },
    ).get_data(as_text=True)
    assert "Enter a real date of birth" in page


def test_patients_cannot_open_clinic_pages(patient, client):
    assert client.get("/clinic/").status_code == 403
    assert client.get("/clinic/invite").status_code == 403
    assert client.get("/admin/staff").status_code == 403


def test_staff_cannot_open_the_patient_wizard(clinic, person, client):
    person.login(clinic.staff("clinician"))
    assert client.get("/intake/section/about").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/intake/section/about")
    assert "/auth/login?next=" in response.headers["Location"]


def test_repeated_requests_after_logout_say_log_in_once(client):
    """An autosave that kept firing after the session ended must not stack the message."""
    for _ in range(30):
        client.post("/intake/section/pain")
    page = client.get("/auth/login").get_data(as_text=True)
    assert page.count("Please log in to continue.") == 1


def test_staff_can_invite_a_patient_from_a_page(clinic, person, client):
    person.login(clinic.staff("clinician"))
    response = client.post(
        "/clinic/invite",
        data={
            "name": "Arjun Rao",
            "date_of_birth": "1955-02-01",
            "email": "arjun@example.org",
            "visit_date": (date.today() + timedelta(days=30)).isoformat(),
            "channel": "letter",
        },
    )
    page = response.get_data(as_text=True)
    assert "Arjun Rao is invited" in page
    assert "/auth/invitation/" in page


def test_the_invite_page_explains_bad_input(clinic, person, client):
    person.login(clinic.staff("clinician"))
    page = client.post(
        "/clinic/invite", data={"name": "", "date_of_birth": "2999-01-01", "email": "not-an-email"}
    ).get_data(as_text=True)
    assert "Enter the patient&#39;s name" in page
    assert "The date of birth must be in the past" in page
    assert "Enter a real email address" in page


def test_a_visit_date_that_has_passed_is_refused_and_the_rest_is_kept(clinic, person, client):
    person.login(clinic.staff("clinician"))
    page = client.post(
        "/clinic/invite",
        data={
            "name": "Arjun Rao",
            "date_of_birth": "1955-02-01",
            "email": "arjun@example.org",
            "visit_date": "2025-02-01",
        },
    ).get_data(as_text=True)
    assert "The visit date has passed" in page
    assert "is invited" not in page
    assert 'value="Arjun Rao"' in page
    assert 'value="arjun@example.org"' in page


def test_family_members_sharing_a_phone_or_email_are_told_what_to_do(clinic, app):
    _, first = clinic.invite(name="Mother", email="family@example.org")
    _, second = clinic.invite(name="Father", email="family@example.org")
    Person(app.test_client()).accept(first, phone="+91 90000 11111")
    other = Person(app.test_client())
    page = other.accept(second, phone="+91 90000 11111").get_data(as_text=True)
    assert "This mobile number is already used by another account" in page
    page = other.accept(second, phone="").get_data(as_text=True)
    assert "enter a mobile number to log in with" in page
    assert other.accept(second, phone="+91 90000 22222").status_code == 302
    other.logout()
    assert other.login("+91 90000 22222", PATIENT_PASSWORD).status_code == 302


def test_a_second_family_member_on_the_same_phone_is_told_what_to_do_not_an_error(clinic, app):
    """The clinic wrote one phone for two family members and no email for the second."""
    _, first = clinic.invite(name="Mother", email="mother@example.org")
    with app.app_context():
        from app.records.invitations import invite_patient

        _, url = invite_patient("Father", date(1958, 1, 2), None, None, phone="+91 90000 11111")
    second = url.rsplit("/", 1)[1]
    assert Person(app.test_client()).accept(first, phone="+91 90000 11111").status_code == 302
    other = Person(app.test_client())
    born = date(1958, 1, 2)
    page = other.accept(second, dob=born, phone="").get_data(as_text=True)
    assert "already logs in with this mobile number. Enter a mobile number of your own" in page
    assert other.accept(second, dob=born, phone="+91 90000 22222").status_code == 302
    other.logout()
    assert other.login("+91 90000 22222", PATIENT_PASSWORD).status_code == 302
