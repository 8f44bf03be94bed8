"""The operator commands, in the exact forms the README gives."""

from __future__ import annotations

import re


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


def test_invite_create_refuses_a_malformed_date(runner):
    result = runner.invoke(
        args=["invite", "create", "--name", "X", "--dob", "30/07/1958", "--email", "x@example.org"]
    )
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


def test_seed_demo_prints_logins_and_an_invitation_and_can_run_twice(runner):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "admin@example.org" in first.output
    assert "doctor@example.org" in first.output
    assert "/auth/invitation/" in second.output.strip().splitlines()[-1]
