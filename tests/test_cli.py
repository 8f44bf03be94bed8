"""The operator commands, in the exact forms the README gives."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.platform.extensions import db
from app.records.models import Patient


def test_users_create_makes_a_staff_account(runner, person):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "clinician",
            "--email",
            "Dr@Clinic.example",
            "--password",
            "long-enough-pass",
            "--name",
            "Dr Who",
        ]
    )
    assert result.exit_code == 0, result.output
    assert person.login("dr@clinic.example", "long-enough-pass").status_code == 302


def test_users_create_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--role",
            "admin",
            "--email",
            "a@b.example",
            "--password",
            "short",
            "--name",
            "A",
        ]
    )
    assert result.exit_code != 0
    assert "Use at least 10 characters" in result.output


def test_invite_create_prints_the_full_link_on_its_last_line(runner, client):
    result = runner.invoke(
        args=[
            "invite",
            "create",
            "--name",
            "Lata Shah",
            "--dob",
            "1958-07-30",
            "--email",
            "lata@example.org",
            "--visit-date",
            "2027-01-10",
        ]
    )
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"http://localhost/auth/invitation/[\w-]{40,}", last)
    path = last.removeprefix("http://localhost")
    assert "Welcome, Lata Shah" in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (["--dob", "1958-13-40"], "--dob: Enter a date such as 1959-08-21 or 21/08/1959"),
        (["--phone", "12345"], "--phone: Enter a mobile number, for example 98450 12345"),
        (["--visit-date", "2020-01-10"], "--visit-date: The visit date has passed"),
        (["--phone", "080 4000 1234"], "--phone: This is a landline number"),
        (["--channel", "sms"], "--channel: Enter the mobile number to send the link by SMS"),
    ],
)
def test_invite_create_checks_what_the_invite_page_checks(runner, app, options, problem):
    """One check (records/patient_checks.py) for the page, the appointment list and the
    command: the same words as the page."""
    base = {"--name": "Lata Shah", "--dob": "1958-07-30", "--email": "lata@example.org"}
    base.update(dict(zip(options[::2], options[1::2], strict=True)))
    result = runner.invoke(args=["invite", "create", *[x for kv in base.items() for x in kv]])
    assert result.exit_code != 0
    assert problem in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Patient.id))) == 0


def test_invite_create_refuses_a_patient_the_clinic_already_has(runner, app):
    args = ["invite", "create", "--name", "Lata Shah", "--dob", "30/07/1958"]
    assert runner.invoke(args=args).exit_code == 0  # a date as people write it in India
    again = runner.invoke(args=[*args[:3], "lata  shah", *args[4:]])
    assert again.exit_code != 0
    assert "Lata Shah, born 30 Jul 1958, already has a record" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Patient.id))) == 1


def test_every_demo_login_opens_its_own_pages(runner, client):
    """Each printed login works, and is who it says: the front desk reaches its list and
    not the patients' answers."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    for email, password, opens, closed in (
        ("doctor@example.org", "demo-doctor-pass-2026", "/clinic/", "/admin/staff"),
        ("desk@example.org", "demo-desk-pass-2026", "/desk/", "/clinic/"),
        ("admin@example.org", "demo-admin-pass-2026", "/admin/staff", None),
    ):
        login = client.post("/auth/login", data={"identifier": email, "password": password})
        assert login.status_code == 302, email
        assert client.get(opens).status_code == 200, opens
        if closed:
            assert client.get(closed).status_code == 403, closed
        assert client.post("/auth/logout").status_code == 302


def test_seed_demo_prints_logins_and_an_invitation_and_can_run_twice(runner):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "admin@example.org" in first.output
    assert "doctor@example.org" in first.output
    assert "desk@example.org" in first.output
    assert "/auth/invitation/" in second.output.strip().splitlines()[-3]
    # A trial that starts today, the same diary link each run.
    diary = first.output.strip().splitlines()[-1]
    assert "/diary/" in diary
    assert second.output.strip().splitlines()[-1] == diary
