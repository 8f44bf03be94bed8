"""Inviting patients: the record, the single-use link, and accepting it."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from ..platform.extensions import db
from ..platform.passwords import hash_password
from ..platform.security import code_in_groups, hash_token, new_short_code, new_token
from . import audit
from .identifiers import normalise_email, normalise_phone
from .models import Invitation, Patient, User, utcnow

MAX_DOB_ATTEMPTS = 5


def invitation_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/auth/invitation/{token}"


def invite_patient(
    name: str,
    date_of_birth: date,
    email: str | None,
    visit_date: date | None,
    phone: str | None = None,
    invited_by: User | None = None,
    channel: str = "letter",
    language: str | None = None,
) -> tuple[Patient, str | None]:
    """Create the patient's record; returns the patient and, for a letter (or a link
    handed over), the link. For SMS, WhatsApp and email the message's job makes the link
    when it sends it (``records.messages``), so none is made here."""
    patient, url = add_patient(name, date_of_birth, email, visit_date, phone, invited_by, channel)
    patient.language = language
    db.session.commit()
    return patient, url


def add_patient(
    name: str,
    date_of_birth: date,
    email: str | None,
    visit_date: date | None,
    phone: str | None,
    invited_by: User | None,
    channel: str,
    make_link: bool = True,
) -> tuple[Patient, str | None]:
    """``invite_patient`` without the commit, for a list invited in one transaction."""
    patient = Patient(
        name=name.strip(),
        date_of_birth=date_of_birth,
        email=normalise_email(email),
        phone=normalise_phone(phone),
        visit_date=visit_date,
        channel=channel,
        created_by_id=invited_by.id if invited_by else None,
    )
    db.session.add(patient)
    db.session.flush()
    url = issue_invitation(patient, invited_by) if make_link and channel == "letter" else None
    audit.record("patient.invite", patient=patient, actor=invited_by, channel=channel)
    return patient, url


def issue_invitation(patient: Patient, invited_by: User | None = None, typed: bool = False) -> str:
    """A fresh link for ``patient``; earlier unused links stop working. ``typed`` makes
    the short link of a printed letter (``/i/K7QM-4XPA-9RTD``)."""
    now = utcnow()
    for old in patient.invitations:
        if old.state(now) == "usable":
            old.revoked_at = now
    token, token_hash = new_short_code() if typed else new_token()
    days = current_app.config["INVITATION_DAYS"]
    patient.invitations.append(
        Invitation(
            token_hash=token_hash,
            expires_at=now + timedelta(days=days),
            created_by_id=invited_by.id if invited_by else None,
        )
    )
    if typed:
        return f"{current_app.config['BASE_URL'].rstrip('/')}/i/{code_in_groups(token)}"
    return invitation_url(token)


def letter_link(patient: Patient, by: User | None) -> str:
    """A new short link for the patient's printed letter (earlier links stop working)."""
    url = issue_invitation(patient, by, typed=True)
    audit.record("invitation.letter", patient=patient, actor=by)
    db.session.commit()
    return url


def reissue_invitation(patient: Patient, by: User | None) -> str:
    """A new link for a patient the clinic already has (a forgotten password, a lost link).

    The same record is kept, with its answers; accepting the link sets a new password.
    """
    url = issue_invitation(patient, by)
    audit.record("invitation.reissue", patient=patient, actor=by)
    db.session.commit()
    return url


def existing_patient(name: str, date_of_birth: date, email: str | None) -> Patient | None:
    """A record that is probably this person already: the same email, or name and birth date."""
    email = normalise_email(email)
    same_person = (Patient.date_of_birth == date_of_birth) & (
        func.lower(Patient.name) == " ".join(name.split()).lower()
    )
    condition = same_person | (Patient.email == email) if email else same_person
    return db.session.scalar(select(Patient).where(condition).order_by(Patient.id).limit(1))


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def revoke_invitation(invitation: Invitation, by: User) -> None:
    if invitation.state(utcnow()) == "usable":
        invitation.revoked_at = utcnow()
        audit.record("invitation.revoke", patient=invitation.patient, actor=by)
        db.session.commit()


def reserve_a_check(link, *usable) -> bool:
    """Count one date-of-birth try against a link (an invitation, a trial's diary) while
    ``usable`` holds; False once the limit is reached.

    Counted in one UPDATE and committed before the date is compared, so parallel tries
    cannot compare more than MAX_DOB_ATTEMPTS dates between them.
    """
    model = type(link)
    counted = db.session.execute(
        update(model)
        .where(model.id == link.id, model.failed_checks < MAX_DOB_ATTEMPTS, *usable)
        .values(failed_checks=model.failed_checks + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(link)
    return counted == 1


def check_date_of_birth(invitation: Invitation, given: date) -> bool:
    """Compare the date of birth; the fifth try that does not match revokes the link."""
    if not reserve_a_check(
        invitation, Invitation.revoked_at.is_(None), Invitation.used_at.is_(None)
    ):
        return False
    if given == invitation.patient.date_of_birth:
        return True
    if invitation.failed_checks >= MAX_DOB_ATTEMPTS:
        invitation.revoked_at = utcnow()
    audit.record("invitation.dob_mismatch", patient=invitation.patient)
    db.session.commit()
    return False


def _taken(column, value, user: User | None) -> bool:
    if not value:
        return False
    owner = db.session.scalar(select(User.id).where(column == value))
    return owner is not None and (user is None or owner != user.id)


def login_problem(invitation: Invitation, phone: str | None) -> str | None:
    """Why the patient cannot log in with these details, if they cannot.

    Families often share an email address or a phone; each login needs its own. A
    number typed here is the login; left empty, the number the clinic has is used when no
    other account has it, else the email when that is free.
    """
    patient, user = invitation.patient, invitation.patient.user
    typed = normalise_phone(phone)
    if _taken(User.phone, typed, user):
        return (
            "This mobile number is already used by another account. "
            "Enter a different number, or leave it empty."
        )
    phone_free = typed or (patient.phone if not _taken(User.phone, patient.phone, user) else None)
    email_free = patient.email and not _taken(User.email, patient.email, user)
    if phone_free or email_free:
        return None
    if patient.phone:
        return (
            "Someone else (in your family, perhaps) already logs in with this mobile number"
            + (" and email address" if patient.email else "")
            + ". Enter a mobile number of your own to log in with."
        )
    return (
        "Your email address is already used by another account, so enter a mobile "
        "number to log in with."
    )


def accept_invitation(invitation: Invitation, password: str, phone: str | None) -> User:
    """Create (or reset) the patient's login, end every other session of it, and use up
    the invitation."""
    patient = invitation.patient
    user = patient.user
    if user is None:
        user = User(role="patient", name=patient.name, session_token=new_token()[1])
        db.session.add(user)
        patient.user = user
    user.email = None if _taken(User.email, patient.email, user) else patient.email
    typed = normalise_phone(phone)
    if typed:
        user.phone = patient.phone = typed
    else:  # the clinic's number for them, unless another account logs in with it
        user.phone = None if _taken(User.phone, patient.phone, user) else patient.phone
    user.password_hash = hash_password(password)
    # A new link is how a patient who lost their phone gets back in: whoever holds the
    # old sessions is logged out, as a password change or a reset does.
    user.session_token = new_token()[1]
    invitation.used_at = utcnow()
    audit.record("invitation.accept", patient=patient, actor=user)
    db.session.commit()
    return user
