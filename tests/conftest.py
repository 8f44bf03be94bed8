"""Fixtures: one app per database for the whole run, emptied before each test.

Building an app and its schema costs more than most tests, so each database gets one
app per test process (``pytest -n`` runs one process per core, each with databases of
its own). Before every test the tables are emptied and the app's configuration is put
back, so a test sees a new clinic. Tests that need another configuration build their own
app with ``create_app``. Test data comes from ``tests/factories.py`` in one line, except
where the HTTP path (accepting an invitation, filling in pages) is what a test is about.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import time
from datetime import date

import pytest
from sqlalchemy import create_engine, event, make_url, select, text
from werkzeug.datastructures import MultiDict

from app import create_app
from app.platform.extensions import db, limiter
from app.records.invitations import invite_patient
from app.records.models import Patient, QuestionnaireResponse, User
from tests import factories
from tests.answers_data import FUSION_PATIENT_POSTS, FUSION_PATIENT_STORED
from tests.factories import DOB, PATIENT_PASSWORD, STAFF_PASSWORD

__all__ = ["DOB", "PATIENT_PASSWORD", "STAFF_PASSWORD"]

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def _keep_the_logs() -> None:
    """With TEST_LOG_DIR set (``make test`` sets it), every line the app, the development
    server and the job queue log during the run is written there, one file per test
    process, for ``tools/check_logs.py`` to search for what must never be logged."""
    folder = os.environ.get("TEST_LOG_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    handler = logging.FileHandler(os.path.join(folder, f"{WORKER}.log"), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    for name in ("app", "werkzeug", "rq", "sqlalchemy", "flask_limiter"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO if name != "sqlalchemy" else logging.WARNING)


_keep_the_logs()


def postgres_database(purpose: str) -> str:
    """The URL of a database of this test process's own on TEST_DATABASE_URL's server.

    Made on first use; parallel test processes never share one.
    """
    base = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{base.database}_{purpose}_{WORKER}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def database_url(kind: str, folder, purpose: str = "app") -> str:
    """A SQLite file in ``folder``, or a PostgreSQL database of this process's own."""
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{purpose}.db'}"
    return postgres_database(purpose)


@pytest.fixture(scope="session", params=DATABASES)
def shared_app(request, tmp_path_factory):
    """The app on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set."""
    url = database_url(request.param, tmp_path_factory.mktemp(request.param))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def empty_tables(app) -> None:
    with app.app_context(), db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(shared_app):
    """The shared app with empty tables, nothing sent or queued, and the configuration it
    was built with."""
    config = shared_app.config.copy()
    empty_tables(shared_app)
    for kept in ("outbox", "message_outbox", "queued_jobs", "delayed_jobs", "failed_jobs"):
        shared_app.extensions.pop(kept, None)
    # The limiter is one object for the process: an app another test built with limits
    # on turned it on for this one too.
    limiter.enabled = shared_app.config["RATELIMIT_ENABLED"]
    yield shared_app
    with shared_app.app_context():
        db.session.remove()
    shared_app.config.clear()
    shared_app.config.update(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Clinic:
    """Makes the clinic's staff and patients: through the services, or from factories."""

    def __init__(self, app):
        self.app = app

    def staff(self, role="clinician", email=None):
        with self.app.app_context():
            return factories.StaffFactory(role=role, **({"email": email} if email else {})).email

    def invite(self, name="Meena Kumari", email="meena@example.org", dob=DOB, visit=None):
        """Invite a patient as the clinic does; returns (patient id, invitation token)."""
        with self.app.app_context():
            patient, url = invite_patient(name, dob, email, visit or date(2027, 1, 15))
            return patient.id, url.rsplit("/", 1)[1]

    def consented(self, name="Meena Kumari", email="meena@example.org", **fields) -> int:
        """A patient who accepted their invitation and consented (PATIENT_PASSWORD)."""
        with self.app.app_context():
            return factories.consented_patient(name=name, email=email, **fields).id

    def with_answers(
        self, name, answers, visit=None, submitted=True, dob=DOB, urgent=None, **fields
    ):
        """A patient whose response is stored directly (no pages), for workspace tests."""
        with self.app.app_context():
            return factories.patient_with_answers(
                answers,
                submitted=submitted,
                urgent=urgent,
                name=name,
                date_of_birth=dob,
                visit_date=visit or date(2027, 1, 15),
                **{"email": None, **fields},
            ).id

    def response(self, patient_id) -> QuestionnaireResponse | None:
        with self.app.app_context():
            response = db.session.scalar(
                select(QuestionnaireResponse)
                .where(QuestionnaireResponse.patient_id == patient_id)
                .order_by(QuestionnaireResponse.revision.desc())
            )
            if response is not None:
                db.session.expunge(response)
            return response

    def patient(self, patient_id) -> Patient:
        with self.app.app_context():
            patient = db.session.get(Patient, patient_id)
            db.session.expunge(patient)
            return patient


@pytest.fixture
def clinic(app):
    return Clinic(app)


def lock_of(page: str) -> str:
    """The optimistic-lock version a questionnaire page was rendered with."""
    return re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)


def statements_of(app, client, url) -> list[tuple[str, object]]:
    """The SQL statements, with their parameters, that one page request runs."""
    statements = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return statements


def count_queries(app, client, url) -> int:
    return len(statements_of(app, client, url))


class Person:
    """Acts through the browser-facing client, like ``AuthActions`` in Flask's tutorial."""

    def __init__(self, client):
        self.client = client

    def login(self, identifier, password=STAFF_PASSWORD):
        return self.client.post(
            "/auth/login", data={"identifier": identifier, "password": password}
        )

    def logout(self):
        return self.client.post("/auth/logout")

    def accept(self, token, dob=DOB, password=PATIENT_PASSWORD, phone="+91 98450 12345"):
        return self.client.post(
            f"/auth/invitation/{token}",
            data={
                "dob_day": str(dob.day),
                "dob_month": str(dob.month),
                "dob_year": str(dob.year),
                "phone": phone,
                "password": password,
                "confirm": password,
            },
        )

    def consent(self):
        return self.client.post("/intake/consent", data={"agree": "y"})

    def save(self, section, pairs, **extra):
        data = MultiDict(list(pairs) + list(extra.items()))
        return self.client.post(f"/intake/section/{section}", data=data)

    def fill_all(self, posts=None):
        for section, pairs in (posts or FUSION_PATIENT_POSTS).items():
            response = self.save(section, pairs)
            assert response.status_code == 302, (section, _errors(response))

    def submit(self):
        page = self.client.get("/intake/check").get_data(as_text=True)
        lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page)
        return self.client.post(
            "/intake/submit", data={"lock_version": lock.group(1) if lock else ""}
        )


def _errors(response):
    text = response.get_data(as_text=True)
    return re.findall(r'class="error-message"[^>]*>(.*?)</p>', text, re.S)


@pytest.fixture
def person(client):
    return Person(client)


@pytest.fixture
def patient(clinic, person):
    """A patient who has accepted the invitation and consented, logged in; their id."""
    patient_id = clinic.consented(phone="+919845012345")
    assert person.login("meena@example.org", PATIENT_PASSWORD).status_code == 302
    return patient_id


@pytest.fixture
def staff(app, clinic):
    """A second browser, logged in as a clinician."""
    client = app.test_client()
    assert Person(client).login(clinic.staff("clinician")).status_code == 302
    return client


@pytest.fixture
def desk(app, clinic):
    """A browser logged in as the front desk."""
    client = app.test_client()
    response = Person(client).login(clinic.staff("frontdesk"))
    assert response.headers["Location"] == "/"
    return client


@pytest.fixture
def exports_allowed(app, staff):
    """An admin has let the clinician of ``staff`` download identified exports."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.role == "clinician"))
        user.may_export_identified = True
        db.session.commit()


@pytest.fixture
def submitted_patient(clinic, person):
    """A patient who has sent in the fusion answer set, logged in; their id."""
    patient_id = clinic.with_answers(
        "Meena Kumari", FUSION_PATIENT_STORED, login=True, email="meena@example.org"
    )
    assert person.login("meena@example.org", PATIENT_PASSWORD).status_code == 302
    return patient_id


@pytest.fixture
def admin(app, clinic):
    """A third browser, logged in as an admin."""
    person = Person(app.test_client())
    assert person.login(clinic.staff("admin")).status_code == 302
    return person.client


def make_token(admin, name="Ward tablets", scopes=("import",)) -> str:
    """An API token made on the admin's page, as an admin copies it from there."""
    page = admin.post("/admin/tokens", data={"name": name, "scopes": list(scopes)})
    text = page.get_data(as_text=True)
    start = text.index('<code class="link-to-copy">') + len('<code class="link-to-copy">')
    return text[start : text.index("</code>", start)]


@pytest.fixture
def importer(admin):
    """The Authorization header of a system with an import token."""
    return {"Authorization": f"Bearer {make_token(admin)}"}


ROLES = ["anonymous", "patient", "other_patient", "frontdesk", "clinician", "admin"]


@pytest.fixture
def visitors(app, clinic):
    """A logged-in client per role, and the ids the URLs need."""
    patient_id, token = clinic.invite(email="one@example.org")
    other_id, other_token = clinic.invite(name="Other Person", email="two@example.org")
    clients = {role: app.test_client() for role in ROLES}
    for role, tok, phone in (
        ("patient", token, "+91 90000 00001"),
        ("other_patient", other_token, "+91 90000 00002"),
    ):
        person = Person(clients[role])
        assert person.accept(tok, phone=phone).status_code == 302
        person.consent()
    Person(clients["frontdesk"]).login(clinic.staff("frontdesk"))
    Person(clients["clinician"]).login(clinic.staff("clinician"))
    Person(clients["admin"]).login(clinic.staff("admin"))
    submitted = clinic.with_answers("Submitted Person", FUSION_PATIENT_STORED)
    with app.app_context():
        staff_id = db.session.scalar(select(User.id).where(User.role == "clinician"))
    return clients, {"patient": submitted, "staff": staff_id, "own": patient_id, "other": other_id}


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """Redis on 127.0.0.1:6379 when it runs; else one started here from redis-server."""
    if _listening(6379):
        yield "redis://127.0.0.1:6379/0"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no Redis on 127.0.0.1:6379 and no redis-server to start one")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        if _listening(port):
            break
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)
