"""Operator commands: ``flask users``, ``flask invite``, ``flask seed-demo``."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .extensions import db
from .invitations import invite_patient
from .models import STAFF_ROLES, User
from .passwords import hash_password, password_problem
from .security import new_token


def _iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD") from None


def create_staff(email: str, password: str, name: str, role: str) -> User:
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    email = email.strip().lower()
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.BadParameter(f"{email} already has an account", param_hint="--email")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                session_token=new_token()[1])
    db.session.add(user)
    db.session.commit()
    return user


users = AppGroup("users", help="Manage staff accounts.")
invite = AppGroup("invite", help="Invite patients.")


@users.command("create")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", required=True)
def users_create(role: str, email: str, password: str, name: str) -> None:
    """Create a clinician or admin account."""
    user = create_staff(email, password, name, role)
    click.echo(f"Created {user.role} {user.email}")


@invite.command("create")
@click.option("--name", required=True)
@click.option("--dob", required=True, callback=_iso_date, help="Date of birth, YYYY-MM-DD")
@click.option("--email", required=True)
@click.option("--visit-date", callback=_iso_date, help="Planned visit, YYYY-MM-DD")
@click.option("--phone", default=None, help="Mobile number (optional)")
def invite_create(name, dob, email, visit_date, phone) -> None:
    """Invite a patient; the invitation link is printed on the last line."""
    patient, url = invite_patient(name, dob, email, visit_date, phone)
    click.echo(f"Invited {patient.name} (patient {patient.id}); send them this link:")
    click.echo(url)


DEMO_STAFF = (
    ("admin", "admin@example.org", "demo-admin-pass-2026", "Asha Admin"),
    ("clinician", "doctor@example.org", "demo-doctor-pass-2026", "Dr Ravi Menon"),
)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create a demo clinic (idempotent) and print its logins and an invitation link."""
    for role, email, password, name in DEMO_STAFF:
        if not db.session.scalar(select(User).where(User.email == email)):
            create_staff(email, password, name, role)
    _, url = invite_patient(
        "Meena Demo", date(1961, 4, 12), "patient@example.org",
        date.today().replace(day=28), phone="+91 98765 43210",
    )
    click.echo("\nDemo clinic ready. Log in at http://127.0.0.1:5000/auth/login")
    for role, email, password, _ in DEMO_STAFF:
        click.echo(f"  {role:<10} {email:<22} password: {password}")
    click.echo("  patient    open the invitation link below; date of birth 12/04/1961")
    click.echo(url)


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(invite)
    app.cli.add_command(seed_demo)
