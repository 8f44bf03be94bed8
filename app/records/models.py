"""Database models. Answers are JSON keyed by linkId; everything else is relational.

Timestamps are stored and returned as aware UTC datetimes on every database, so SQLite
and PostgreSQL behave the same.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..engine.questionnaire.scoring import score_all
from ..platform.extensions import db
from . import questionnaires

ROLES = ("patient", "frontdesk", "clinician", "admin")
# How a patient is reached: a text, WhatsApp, email, or a printed letter handed over.
MESSAGE_CHANNELS = ("sms", "whatsapp", "email", "letter")
MESSAGE_STATES = ("queued", "sent", "failed")
STAFF_ROLES = ("frontdesk", "clinician", "admin")
# Staff who read answers, summaries, notes and exports; the front desk invites and chases
# patients, and sees their progress and messages, never what they answered.
CLINICAL_ROLES = ("clinician", "admin")
ROLE_NAMES = {"frontdesk": "Front desk", "clinician": "Clinician", "admin": "Admin"}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class User(UserMixin, db.Model):
    """Anyone who logs in: staff with a role, or a patient linked to a Patient record."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(16))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(sa.String(64))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Granted by an admin: may download the CSV with identifiers or free text.
    may_export_identified: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    patient: Mapped[Patient | None] = relationship(
        back_populates="user", foreign_keys="Patient.user_id"
    )

    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES}", name="role"),)

    def get_id(self) -> str:
        # The token is part of the id, so rotating it ends every other session.
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def reads_answers(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def exports_identified(self) -> bool:
        """Admins, and clinicians an admin allowed: names, contacts and free text leave."""
        return self.role == "admin" or (self.reads_answers and self.may_export_identified)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Site(db.Model):
    """A place the clinic sees patients, when it has more than one (Admin → Sites)."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Patient(db.Model):
    """The clinic's record of a person invited to fill in the questionnaire."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Opaque id for the audit log, which must outlive an erased patient's identity.
    ref: Mapped[str] = mapped_column(
        sa.String(32), unique=True, default=lambda: secrets.token_hex(8)
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    date_of_birth: Mapped[date] = mapped_column(sa.Date)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # Indexed: a search by phone number is one of the ORed conditions of a name search,
    # and without it a million patients were read row by row (docs/performance.md).
    phone: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    visit_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    erasure_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Copies of the newest response's state, so the worklist sorts and filters on one
    # indexed table (see track()).
    worklist_status: Mapped[str] = mapped_column(
        sa.String(16), default="invited", server_default="invited"
    )
    is_urgent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The newest response's revision, submission time, sections done and instrument totals
    # ({"phq9": 9, "peg": 6.3}), so a worklist page reads no answers (see track()). None
    # on a row tracked before these were kept: the worklist reads its response instead.
    worklist_revision: Mapped[int | None]
    worklist_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worklist_done: Mapped[int] = mapped_column(default=0, server_default="0")
    worklist_scores: Mapped[dict[str, float] | None] = mapped_column(sa.JSON)
    # How the clinic reaches this patient: one of MESSAGE_CHANNELS, chosen at invitation.
    channel: Mapped[str | None] = mapped_column(sa.String(16))
    # The language the patient reads ("en", "hi"), from the appointment list; None: unknown.
    language: Mapped[str | None] = mapped_column(sa.String(8))
    # The hospital's own patient number (UHID), and the national ABHA number (14 digits).
    hospital_number: Mapped[str | None] = mapped_column(sa.String(32))
    abha_number: Mapped[str | None] = mapped_column(sa.String(14), index=True)
    # Set by an admin with the reason (a complaint, a court order): erasure waits for it.
    legal_hold: Mapped[str | None] = mapped_column(sa.String(300))
    # Where the patient is seen, when the clinic has more than one site.
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    # The specialist the patient is seeing, if the clinic assigns one ("my patients").
    clinician_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)

    user: Mapped[User | None] = relationship(back_populates="patient", foreign_keys=[user_id])
    clinician: Mapped[User | None] = relationship(foreign_keys=[clinician_id])
    site: Mapped[Site | None] = relationship()
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="patient", order_by="Invitation.created_at", cascade="all, delete-orphan"
    )

    def track(self, response: QuestionnaireResponse | None) -> None:
        """Copy the newest response's state for the worklist; called at every change.

        ``is_urgent`` is kept by ``app.urgent``: a patient is urgent while one of their
        urgent items has not been followed up.
        """
        if response is None:
            self.worklist_status = "invited"
            self.worklist_revision = self.worklist_submitted_at = self.worklist_scores = None
            self.worklist_done = 0
            return
        if response.status == "draft":
            self.worklist_status = "in_progress"
        else:
            self.worklist_status = "submitted" if response.reviewed_at is None else "reviewed"
        self.worklist_revision = response.revision
        self.worklist_submitted_at = response.submitted_at
        self.worklist_done = len(response.sections_done or [])
        self.worklist_scores = totals_of(response)


def totals_of(response: QuestionnaireResponse) -> dict[str, float]:
    """Each instrument's total in the response, for the worklist's columns."""
    q = questionnaires.get(response.questionnaire_id, response.questionnaire_version)
    if q is None:
        return {}
    scores = score_all(q, response.answers or {})
    return {ins: s.total for ins, s in scores.items() if s.total is not None}


# The worklist's order: urgent first, then by visit date (none last), name and id. The two
# indexes hold it whole, with the filtered columns, so a page, with or without a status
# filter, is read from an index alone instead of sorting the table. After urgency every
# key ascends and none is null (no date sorts as the last day there is), so the page after
# a given row is one range of the index (``records.search.after``): a million patients
# deep costs what the first page does. The last day is written out, not bound, so the
# query's expression is the index's.
LAST_DAY = "9999-12-31"


def worklist_keys(patient=Patient) -> tuple:
    """The order's keys after urgency, of ``patient``: the table, or an alias of a query's
    rows (``records.search.ordered_matches`` orders a search's matches by them)."""
    visit = sa.func.coalesce(patient.visit_date, sa.literal_column(f"'{LAST_DAY}'"))
    return (visit, patient.name, patient.id)


def worklist_order(patient=Patient) -> tuple:
    """Urgent first, then ``worklist_keys``."""
    return (patient.is_urgent.desc(), *worklist_keys(patient))


WORKLIST_KEYS = worklist_keys()
WORKLIST_ORDER = worklist_order()
# The visit date itself last, so a page's columns are all in the index (it covers them).
sa.Index("ix_patients_worklist_order", *WORKLIST_ORDER, Patient.worklist_status, Patient.visit_date)
sa.Index(
    "ix_patients_worklist_status", Patient.worklist_status, *WORKLIST_ORDER, Patient.visit_date
)
# A doctor's own list ("mine", where the clinic assigns patients), with and without a
# status, in the same order. Doctors hold clinics on their own days, so reading "mine" off
# the index of everyone walked past the other doctors' days: at a million patients 5 ms
# for page 1, and a status's count read 30,000 rows (17 ms). Only assigned patients are in
# these, so a clinic that does not assign pays nothing for them.
_ASSIGNED = Patient.clinician_id.is_not(None)
sa.Index(
    "ix_patients_clinician_order",
    Patient.clinician_id,
    *WORKLIST_ORDER,
    Patient.worklist_status,
    Patient.visit_date,
    postgresql_where=_ASSIGNED,
    sqlite_where=_ASSIGNED,
)
sa.Index(
    "ix_patients_clinician_status",
    Patient.clinician_id,
    Patient.worklist_status,
    *WORKLIST_ORDER,
    Patient.visit_date,
    postgresql_where=_ASSIGNED,
    sqlite_where=_ASSIGNED,
)
# The front desk's list: by visit date, urgent or not.
sa.Index("ix_patients_visit_order", *WORKLIST_KEYS)
# The few patients who asked to be erased, for the admin's list: only they are in it.
_ASKED_TO_BE_ERASED = Patient.erasure_requested_at.is_not(None)
sa.Index(
    "ix_patients_erasure_requested_at",
    Patient.erasure_requested_at,
    postgresql_where=_ASKED_TO_BE_ERASED,
    sqlite_where=_ASKED_TO_BE_ERASED,
)
# Staff search names by "contains" (ILIKE '%...%'), which a b-tree cannot serve; on
# PostgreSQL a trigram index (pg_trgm) does. SQLite keeps a plain index and scans.
sa.Index(
    "ix_patients_name",
    Patient.name,
    postgresql_using="gin",
    postgresql_ops={"name": "gin_trgm_ops"},
)
sa.event.listen(
    db.metadata,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
# The other conditions a search ORs with the name's, each with an index of its own: one
# condition without one turns the whole search into reading every patient (a hospital
# number looked up among a million took 1.5 s; docs/performance.md). A hospital number
# matches whatever its case; a reference by its first characters, which on PostgreSQL
# needs the pattern operators unless the database's collation is C; email and phone by
# "contains", which needs trigrams. SQLite scans the table either way.
sa.Index("ix_patients_hospital_number", sa.func.lower(Patient.hospital_number))
POSTGRESQL_INDEXES = frozenset(
    {"ix_patients_ref_prefix", "ix_patients_email", "ix_patients_digits"}
)
sa.Index("ix_patients_ref_prefix", Patient.ref, postgresql_ops={"ref": "text_pattern_ops"}).ddl_if(
    dialect="postgresql"
)
sa.Index(
    "ix_patients_email",
    Patient.email,
    postgresql_using="gin",
    postgresql_ops={"email": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
sa.Index(
    "ix_patients_digits",
    Patient.phone,
    postgresql_using="gin",
    postgresql_ops={"phone": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
EXPRESSION_INDEXES = frozenset(
    {
        "ix_patients_worklist_order",
        "ix_patients_worklist_status",
        "ix_patients_visit_order",
        "ix_patients_hospital_number",
        "ix_patients_clinician_order",
        "ix_patients_clinician_status",
    }
)


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic cannot read expression indexes back from SQLite, and PostgreSQL's own kinds
    are not on SQLite at all: both are migrated by hand (and checked by the tests)."""
    return not (type_ == "index" and name in EXPRESSION_INDEXES | POSTGRESQL_INDEXES)


class Invitation(db.Model):
    """A single-use link to set up a patient's account. Only the token's hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    failed_checks: Mapped[int] = mapped_column(default=0)

    patient: Mapped[Patient] = relationship(back_populates="invitations")

    def state(self, now: datetime) -> str:
        """One of "usable", "used", "revoked", "expired"."""
        if self.revoked_at:
            return "revoked"
        if self.used_at:
            return "used"
        if self.expires_at <= now:
            return "expired"
        return "usable"


class PasswordReset(db.Model):
    """A single-use link to set a new password. Only the token's hash is kept."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The admin who issued it; None when the person asked for it by email or phone.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Wrong codes typed against a code sent by text: five, and the code is dead.
    failed_checks: Mapped[int] = mapped_column(default=0, server_default="0")

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now


class QuestionnaireResponse(db.Model):
    """One revision of a patient's answers.

    ``revision`` counts amendments (a reopened submission starts revision n+1 and the
    earlier one stays as it was). ``lock_version`` is the optimistic lock: every save
    increments it, and a save made from an out-of-date page is refused.
    """

    __tablename__ = "questionnaire_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(sa.String(64))
    questionnaire_version: Mapped[int]
    revision: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft", index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    pending: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    sections_done: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    alerts_shown: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    is_urgent: Mapped[bool] = mapped_column(default=False, index=True)
    lock_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Where the answers came from: None when the patient typed them here; else the
    # system that sent them ("FHIR API, token <name>", "flask fhir import").
    origin: Mapped[str | None] = mapped_column(sa.String(160))
    # An import into an existing patient waits ("held") until staff accept it, or stays
    # aside ("rejected"): until then the patient's draft and pages are as they were.
    hold: Mapped[str | None] = mapped_column(sa.String(16))
    # Whether the name and date of birth sent with an import match the clinic's record.
    identity_check: Mapped[str | None] = mapped_column(sa.String(16))
    # The language the answers were given in ("en", "hi"); None before it was recorded.
    language: Mapped[str | None] = mapped_column(sa.String(8))
    # The specialist's summary of a submitted revision, built once and kept (JSON, see
    # app.engine.summary.stored), under the key of what it was built from.
    summary: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, deferred=True)
    summary_key: Mapped[str | None] = mapped_column(sa.String(120))
    # The answers changed since the submitted revision before it, kept too:
    # {"key": stored.changes_key(...), "rows": stored.dump_changes(...)}.
    changes: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, deferred=True)

    patient: Mapped[Patient] = relationship()
    reviewed_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}
    __table_args__ = (
        sa.UniqueConstraint("patient_id", "revision", name="uq_response_patient_revision"),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="status"),
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == "submitted"

    @property
    def is_held(self) -> bool:
        return self.hold == "held"


class Consent(db.Model):
    """The patient's agreement to the consent text of a given version, with its time."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text_version: Mapped[str] = mapped_column(sa.String(16))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The version of "About spinal cord stimulation" the consent page linked to.
    information_version: Mapped[int | None] = mapped_column(sa.Integer)
    # Whether the patient agreed that their answers, without their name, may be used for
    # research (None: consent given before the question was asked).
    research: Mapped[bool | None] = mapped_column(sa.Boolean)
    # Who gave the consent: the patient ("self"), a parent or guardian ("guardian"), or
    # someone helping them ("helper"), and that person's name.
    given_by: Mapped[str | None] = mapped_column(sa.String(16))
    given_by_name: Mapped[str | None] = mapped_column(sa.String(120))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InformationView(db.Model):
    """The first time a logged-in patient opened a version of the information text.

    With the version linked at consent, it lets the brief document the patient
    education that coverage policies expect before a trial.
    """

    __tablename__ = "information_views"
    __table_args__ = (
        sa.UniqueConstraint("patient_id", "version", name="uq_information_view_patient_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"))
    version: Mapped[int] = mapped_column(sa.Integer)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClinicianNote(db.Model):
    """A clinician's note about a patient, kept apart from what the patient answered."""

    __tablename__ = "clinician_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"), index=True)
    response_id: Mapped[int | None] = mapped_column(sa.ForeignKey("questionnaire_responses.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User] = relationship()


class UrgentItem(db.Model):
    """An urgent answer (thoughts of self-harm, new weakness) and what the clinic did.

    Open until someone follows it up: who, when, and what was done, in their words. The
    item and its follow-up stay in the record and the audit log.
    """

    __tablename__ = "urgent_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"), index=True)
    response_id: Mapped[int | None] = mapped_column(sa.ForeignKey("questionnaire_responses.id"))
    rule_id: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(120))
    text: Mapped[str] = mapped_column(sa.Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    followed_up_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str | None] = mapped_column(sa.Text)
    # Set when the patient took the answer back ("I ticked this by mistake", or changed
    # it): the item stays, still needing a follow-up, and says so wherever it is shown.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_as: Mapped[str | None] = mapped_column(sa.String(16))  # "mistake" | "changed"
    # Someone has seen it and is dealing with it: no escalation to the second responder.
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    followed_up_by: Mapped[User | None] = relationship(foreign_keys=[followed_up_by_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])

    @property
    def is_open(self) -> bool:
        return self.followed_up_at is None


API_SCOPES = ("import", "read")


class ApiToken(db.Model):
    """A named credential for another system: shown once, stored as a hash, revocable.

    ``scopes`` is a space-separated subset of API_SCOPES: "import" may send responses,
    "read" may fetch the FHIR resources staff can fetch.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[str] = mapped_column(sa.String(64))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class LoginFailure(db.Model):
    """Wrong passwords for one account from one client address: after LOCKOUT_FAILURES
    that client waits LOCKOUT_MINUTES for that account; other clients do not."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.UniqueConstraint("user_id", "client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    client: Mapped[str] = mapped_column(sa.String(64))
    count: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TokenFailure(db.Model):
    """Wrong API tokens sent by one client address on one day, counted: the aggregate
    audit of token guessing. The tokens sent are never stored."""

    __tablename__ = "token_failures"
    __table_args__ = (sa.UniqueConstraint("client", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[date] = mapped_column(sa.Date)
    count: Mapped[int] = mapped_column(sa.Integer, default=1)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClinicProfile(db.Model):
    """The clinic's own details, edited by an admin; one row. Patients see them everywhere."""

    __tablename__ = "clinic_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    opening_hours: Mapped[str] = mapped_column(sa.String(200), default="")
    crisis_line: Mapped[str] = mapped_column(sa.String(120), default="")
    crisis_numbers: Mapped[str] = mapped_column(sa.String(120), default="")
    emergency_number: Mapped[str] = mapped_column(sa.String(20), default="")
    time_zone: Mapped[str] = mapped_column(sa.String(64))
    # Whom a patient writes to about how their data is used (DPDP Act 2023).
    grievance_officer: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    grievance_contact: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class AuditEvent(db.Model):
    """Who did what to which patient's record, when and from where. Append-only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_role: Mapped[str | None] = mapped_column(sa.String(16))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    patient_ref: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    target: Mapped[str | None] = mapped_column(sa.String(200))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class Message(db.Model):
    """One message the clinic sent, or is sending, and what became of it.

    The text itself is not kept: it is made from the template when it is sent, and holds
    only the clinic's name, the visit date and a link. ``for_day`` (a reminder's day on
    the clinic's clock) makes a second reminder on the same day impossible.
    """

    __tablename__ = "messages"
    __table_args__ = (
        sa.UniqueConstraint("patient_id", "template", "for_day", name="uq_message_patient_day"),
        sa.CheckConstraint(f"state IN {MESSAGE_STATES}", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("patients.id"), index=True)
    template: Mapped[str] = mapped_column(sa.String(32))
    channel: Mapped[str] = mapped_column(sa.String(16))
    to: Mapped[str] = mapped_column(sa.String(254))
    state: Mapped[str] = mapped_column(sa.String(16), default="queued")
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    attempts: Mapped[int] = mapped_column(default=0)
    for_day: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    send_after: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    patient: Mapped[Patient | None] = relationship()


class RenderedPdf(db.Model):
    """A PDF made from a page's HTML, kept under the SHA-256 of that HTML: the same page
    again costs a read, and anything that changes what it shows (an answer, a note, an
    urgent item followed up, the clinic's details) makes a new key. Kept a day at most,
    and removed with the patient at erasure; several hosts share it through the database.
    """

    __tablename__ = "rendered_pdfs"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    # The patient it shows; None for a document of several (the day's briefs).
    patient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("patients.id"), index=True)
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Trial(db.Model):
    """A trial with temporary leads, as a clinician recorded it, and its diary link.

    The link's token is not stored: it is made from the app's secret and ``link_salt``
    (``records.trials``), so the daily message can carry the same link every day, while
    the database alone gives no way in. ``token_hash`` finds the trial from a link.
    """

    __tablename__ = "trials"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(sa.ForeignKey("patients.id"), index=True)
    start_date: Mapped[date] = mapped_column(sa.Date)
    days: Mapped[int] = mapped_column(sa.Integer, default=7)
    # The trial's last day (start_date + days - 1), kept so the worklist filters on it.
    end_date: Mapped[date] = mapped_column(sa.Date, index=True)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    # Average pain before the trial (0-10), from the intake's peg_pain or entered.
    baseline: Mapped[float | None] = mapped_column(sa.Float)
    baseline_source: Mapped[str] = mapped_column(sa.String(16))  # "intake" | "entered"
    link_salt: Mapped[str] = mapped_column(sa.String(32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    failed_checks: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set after MAX_DOB_ATTEMPTS wrong dates of birth: the link stops; a new one is issued.
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    patient: Mapped[Patient] = relationship()
    created_by: Mapped[User | None] = relationship()
    entries: Mapped[list[TrialEntry]] = relationship(
        back_populates="trial", order_by="TrialEntry.day", cascade="all, delete-orphan"
    )


class TrialEntry(db.Model):
    """One day of the trial diary: the answers (JSON keyed by the diary's linkIds).

    One per day (unique), changeable on the day it was written; ``late`` when it was
    written the day after the day it describes.
    """

    __tablename__ = "trial_entries"
    __table_args__ = (sa.UniqueConstraint("trial_id", "day", name="uq_trial_entry_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trial_id: Mapped[int] = mapped_column(sa.ForeignKey("trials.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)
    questionnaire_id: Mapped[str] = mapped_column(sa.String(64))
    questionnaire_version: Mapped[int]
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    late: Mapped[bool] = mapped_column(default=False)
    # The clinic's day it was first written: it may be changed on that day only.
    written_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    trial: Mapped[Trial] = relationship(back_populates="entries")


# The tables holding a patient's rows besides their revisions: erasure removes these rows
# (a trial's entries with their trial), a merge moves them to the record kept.
PATIENT_ROWS = (ClinicianNote, UrgentItem, Consent, InformationView, Invitation, Message, Trial)
