"""Operator commands: ``flask users``, ``flask invite``, ``flask trial``, ``flask seed-demo``,
``flask worker``."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .platform import backups, jobs
from .platform.extensions import db
from .records import appointment_lists, clinic_details, messages, trials
from .records import summaries as derived
from .records import translations as translation_files
from .records.accounts import issue_staff_reset
from .records.clock import clinic_today, clinic_zone
from .records.fhir_import import FhirImportError, import_response
from .records.invitations import existing_patient, invite_patient, reissue_invitation
from .records.models import MESSAGE_CHANNELS, STAFF_ROLES, Patient, User
from .records.reminders import send_reminders
from .records.staff import StaffError, create_staff


def _iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD") from None


users = AppGroup("users", help="Manage staff accounts.")
fhir = AppGroup("fhir", help="FHIR import.")
invite = AppGroup("invite", help="Invite patients.")
reminders = AppGroup("reminders", help="Remind patients who have not sent their answers.")
summaries = AppGroup("summaries", help="What is derived from each patient's answers.")
trial = AppGroup("trial", help="Trials with temporary leads and their daily diary.")


@summaries.command("rebuild")
@click.option("--all", "everything", is_flag=True, help="Everything, not only what is missing.")
def summaries_rebuild(everything: bool) -> None:
    """Fill each patient's worklist revision, progress and totals, and keep the summary
    of each submitted revision, where missing or built from something else (a changed
    definition, summary format or clinic clock). Safe to stop: run it again and it
    carries on where it stopped."""
    ids = derived.to_rebuild(everything)
    with click.progressbar(length=len(ids), label="Patients ", show_pos=True) as bar:
        for done in derived.rebuild(ids):
            bar.update(done)
    zone = clinic_zone().key
    revisions = derived.summaries_to_rebuild(zone, everything)
    with click.progressbar(length=len(revisions), label="Summaries", show_pos=True) as bar:
        for done in derived.rebuild_summaries(revisions, zone):
            bar.update(done)
    click.echo(f"Rebuilt {len(ids):,} patients and {len(revisions):,} summaries.")


translations = AppGroup(
    "translations", help="Check and update the translations of what patients read."
)


@translations.command("check")
def translations_check() -> None:
    """List every missing or stale translated text by its id; fail when there is one.

    A language with any such text is not offered to patients until it is fixed.
    """
    problems = translation_files.problems()
    for line in problems:
        click.echo(line)
    offered = ", ".join(translation_files.offered())
    if problems:
        click.echo(f"{len(problems)} to fix. Offered to patients now: {offered}.", err=True)
        raise SystemExit(1)
    click.echo(f"Every translation is complete and current. Offered to patients: {offered}.")


@translations.command("update")
@click.argument("language")
def translations_update(language: str) -> None:
    """Ready LANGUAGE's translation files for its translator: each missing or stale text
    gets the English it must translate, its hash and an empty text (the old translation
    kept beside it as 'previous'). The interface catalogue: make translations."""
    written = translation_files.update_files(language)
    for path in written:
        click.echo(f"Updated {path.name}")
    if not written:
        raise click.BadParameter(f"no translation files for {language!r}")


@users.command("create")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", required=True)
def users_create(role: str, email: str, password: str, name: str) -> None:
    """Create a clinician or admin account."""
    try:
        user = create_staff(email, password, name, role)
    except StaffError as exc:
        raise click.BadParameter(str(exc)) from None
    click.echo(f"Created {user.role} {user.email}")


@users.command("reset-link")
@click.option("--email", required=True)
def users_reset_link(email: str) -> None:
    """Print a one-time link that sets a new password for a staff account."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_staff:
        raise click.BadParameter(f"no staff account uses {email}")
    click.echo(f"One-time password link for {user.email}:")
    click.echo(issue_staff_reset(user, None))


@invite.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--yes", is_flag=True, help="Invite the ready rows without asking.")
def invite_import(file, yes: bool) -> None:
    """Invite an appointment list (CSV: name,date_of_birth,phone,email,visit_date,channel,
    language): every row is checked first, and nothing is created until you confirm."""
    checked = appointment_lists.check(file.read(), clinic_today())
    if checked.problem:
        raise click.ClickException(checked.problem)
    for number, column, text in checked.problems:
        click.echo(f"row {number}, {column}: {text}")
    known = [r for r in checked.rows if r.known is not None]
    for row in known:
        click.echo(f"row {row.number}: {row.name} already has a record (patient {row.known.id})")
    ready = checked.ready
    click.echo(f"{len(ready)} of {len(checked.rows)} rows ready to invite")
    if not ready or not (yes or click.confirm("Invite them?")):
        return
    created = appointment_lists.invite_all(checked, None)
    click.echo(f"{len(created)} patients invited; their messages are queued")


OPTION_OF = {"date_of_birth": "--dob", "visit_date": "--visit-date"}


@invite.command("create")
@click.option("--name", required=True)
@click.option("--dob", required=True, help="Date of birth, YYYY-MM-DD or DD/MM/YYYY")
@click.option("--email", default="", help="Email address (optional)")
@click.option("--visit-date", default="", help="Planned visit, YYYY-MM-DD (optional)")
@click.option("--phone", default="", help="Mobile number (optional)")
@click.option(
    "--channel",
    type=click.Choice(MESSAGE_CHANNELS),
    default="letter",
    help="How the link goes: sms, whatsapp or email queue a message; letter (the default) "
    "prints the link here.",
)
def invite_create(name, dob, email, visit_date, phone, channel) -> None:
    """Invite a patient, checked as the invite page checks; with a letter, the invitation
    link is printed on the last line."""
    typed = {"name": name, "date_of_birth": dob, "email": email, "visit_date": visit_date}
    row = appointment_lists.check_row({**typed, "phone": phone, "channel": channel}, clinic_today())
    if row.problems:
        raise click.UsageError(
            "; ".join(f"{OPTION_OF.get(c, '--' + c)}: {text}" for c, text in row.problems)
        )
    if known := existing_patient(row.name, row.date_of_birth, row.email):
        raise click.ClickException(
            f"{known.name}, born {known.date_of_birth:%d %b %Y}, already has a record "
            f"(patient {known.id}); send a new link from their page instead"
        )
    patient, url = invite_patient(
        row.name, row.date_of_birth, row.email, row.visit_date, row.phone, channel=row.channel
    )
    if url is None:
        message = messages.queue(patient, "invitation", channel)
        click.echo(
            f"Invited {patient.name} (patient {patient.id}); {channel} to {message.to}: "
            f"{message.state}"
        )
        return
    click.echo(f"Invited {patient.name} (patient {patient.id}); send them this link:")
    click.echo(url)


DEMO_STAFF = (
    ("admin", "admin@example.org", "demo-admin-pass-2026", "Asha Admin"),
    ("clinician", "doctor@example.org", "demo-doctor-pass-2026", "Dr Ravi Menon"),
    ("frontdesk", "desk@example.org", "demo-desk-pass-2026", "Sunita Rao"),
)


DEMO_CLINIC = {
    "name": "Demo Pain Clinic",
    "phone": "+91 80 4000 1234",
    "email": "clinic@example.org",
    "address": "12 Hospital Road, Bengaluru 560001",
    "opening_hours": "Mon–Sat 10:00–14:00",
}
DEMO_PATIENT = ("Meena Demo", date(1961, 4, 12), "patient@example.org")
# A second demo patient in a trial that starts today, so the diary can be tried at once.
DEMO_TRIAL_PATIENT = ("Ravi Demo", date(1957, 8, 21), "trial@example.org")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create a demo clinic (idempotent) and print its logins, an invitation link and a
    trial diary's link."""
    for role, email, password, name in DEMO_STAFF:
        if not db.session.scalar(select(User).where(User.email == email)):
            create_staff(email, password, name, role)
    admin = db.session.scalar(select(User).where(User.email == DEMO_STAFF[0][1]))
    if clinic_details.saved() is None:
        seeded = clinic_details.seeded(current_app.config)
        clinic_details.save(
            {**{f: getattr(seeded, f) for f in clinic_details.FIELDS}, **DEMO_CLINIC}, admin
        )
    patient = existing_patient(*DEMO_PATIENT)
    if patient is None:
        _, url = invite_patient(
            *DEMO_PATIENT, date.today() + timedelta(days=14), phone="+91 98765 43210"
        )
    else:
        url = reissue_invitation(patient, admin)
    click.echo("\nDemo clinic ready. Log in at http://127.0.0.1:5000/auth/login")
    for role, email, password, _ in DEMO_STAFF:
        click.echo(f"  {role:<10} {email:<22} password: {password}")
    click.echo("  patient    open the invitation link below; date of birth 12/04/1961")
    click.echo(url)
    click.echo("  trial      Ravi Demo's diary (date of birth 21/08/1957):")
    click.echo(trials.diary_url(_demo_trial(admin)))


def _demo_trial(admin: User):
    """Ravi Demo's trial, recorded today with a typed baseline the first time."""
    patient = existing_patient(*DEMO_TRIAL_PATIENT)
    if patient is None:
        patient, _ = invite_patient(*DEMO_TRIAL_PATIENT, None)
    trial = trials.newest(patient)
    today = clinic_today()
    if trial is None or not trials.plan_of(trial).link_open(today):
        trial = trials.start(patient, today, 7, 6.0, "Demo trial", admin, today)
    elif trial.locked_at is not None:
        trials.new_link(trial, admin)
    return trial


@fhir.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--patient",
    "patient_id",
    type=click.IntRange(min=1),
    help="The clinic's patient id, for a response that names no subject.",
)
def fhir_import(file, patient_id: int | None) -> None:
    """Import a QuestionnaireResponse (or a Bundle holding one) from a JSON file."""
    try:
        done = import_response(
            json.load(file), patient_id, origin="flask fhir import", file=file.name
        )
    except (json.JSONDecodeError, RecursionError) as exc:
        raise click.ClickException(f"Cannot import {file.name}: not JSON ({exc})") from None
    except FhirImportError as exc:
        lines = "\n".join(
            f"  {where + ': ' if where else ''}{text}" for where, text in exc.problems
        )
        raise click.ClickException(f"Cannot import {file.name}:\n{lines}") from None
    for where, text in done.warnings:
        click.echo(f"Warning: {where + ': ' if where else ''}{text}", err=True)
    held = " (held for staff to accept)" if done.response.is_held else ""
    click.echo(f"Imported {file.name} as patient {done.patient.id}{held}")


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--keep-days",
    type=int,
    default=None,
    help="Remove backups older than this from the backups folder (default BACKUP_KEEP_DAYS).",
)
@with_appcontext
def backup(destination: str | None, keep_days: int | None) -> None:
    """Back up the database while the app runs: SQLite's online backup, or pg_dump's
    custom format on PostgreSQL. Without DESTINATION, a timestamped file in the instance
    folder's backups/, where older ones are pruned."""
    url = db.engine.url
    sqlite = url.get_backend_name() == "sqlite"
    folder = Path(current_app.instance_path) / "backups"
    target = (
        Path(destination)
        if destination
        else backups.stamped(
            folder, Path(url.database or "scs_intake").stem, ".db" if sqlite else ".dump"
        )
    )
    try:
        if sqlite:
            backups.backup_sqlite(Path(url.database), target)
        else:
            backups.backup_postgresql(url, target)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up to {target}")
    if destination is None:
        days = keep_days if keep_days is not None else current_app.config["BACKUP_KEEP_DAYS"]
        for old in backups.prune(folder, days):
            click.echo(f"Removed {old.name} (older than {days} days)")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting, then exit.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run the job queue's worker (mail now): until stopped, or with --burst until the
    queue is empty."""
    result = jobs.work(burst)
    if result is not None:
        done, failed = result
        click.echo(f"{done} jobs done, {failed} failed")


@reminders.command("send")
@click.option(
    "--on", "on", callback=_iso_date, help="The day to act for, YYYY-MM-DD (default: today)."
)
def reminders_send(on: date | None) -> None:
    """Queue the reminders due today on the clinic's clock, and the day's trial diary
    messages (run once a day)."""
    day = on or clinic_today()
    click.echo(f"{send_reminders(day)} reminders queued for {day.isoformat()}")
    click.echo(f"{trials.send_diary_messages(day)} diary messages queued for {day.isoformat()}")


@trial.command("start")
@click.option("--patient", "reference", required=True, help="The patient's reference (3214-C4FA).")
@click.option("--start", "start", required=True, callback=_iso_date, help="YYYY-MM-DD")
@click.option("--days", default=7, show_default=True, type=int, help="Planned days.")
@click.option(
    "--baseline",
    type=float,
    help="Average pain before the trial, 0-10 (default: the questionnaire's).",
)
def trial_start(reference: str, start: date, days: int, baseline: float | None) -> None:
    """Record a patient's trial and print the diary link."""
    ref = "".join(reference.split("-")).lower()
    found = db.session.scalars(
        select(Patient).where(Patient.ref.startswith(ref, autoescape=True)).limit(2)
    ).all()
    if len(ref) < 8 or len(found) != 1:
        raise click.ClickException(f"no patient with the reference {reference}")
    patient = found[0]
    try:
        made = trials.start(patient, start, days, baseline, None, None, clinic_today())
    except trials.TrialError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Trial recorded: {made.start_date} to {made.end_date}, baseline {made.baseline:g}")
    click.echo(trials.diary_url(made))


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(reminders)
    app.cli.add_command(invite)
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup)
    app.cli.add_command(fhir)
    app.cli.add_command(worker)
    app.cli.add_command(translations)
    app.cli.add_command(summaries)
    app.cli.add_command(trial)
