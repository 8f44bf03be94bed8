"""Behind a TLS proxy: CSRF works, clients keep their own address, limits hit only the guilty.

The apps here are production apps (CSRF on, secure cookies) with one trusted proxy, and
a test client that sends what nginx sends: ``X-Forwarded-For``, ``-Proto`` and ``-Host``.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from app import create_app
from app.platform import passwords
from app.platform.extensions import db
from app.records.invitations import invite_patient
from app.records.models import AuditEvent, Invitation, User
from tests.factories import STAFF_PASSWORD, StaffFactory

SITE = "https://clinic.example"


def proxy_headers(client_ip: str) -> dict[str, str]:
    return {
        "X-Forwarded-For": client_ip,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "clinic.example",
    }


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    def build(**overrides):
        monkeypatch.setenv("SECRET_KEY", "s" * 40)
        settings = {
            "TRUSTED_PROXIES": 1,
            "RATELIMIT_STORAGE_URI": "memory://",
            "CLINIC_PHONE": "+91 80 4000 1234",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            **overrides,
        }
        app = create_app(
            "production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}", **settings
        )
        with app.app_context():
            db.create_all()
        return app

    return build


class Browser:
    """A browser at one address behind the proxy, posting forms as a browser does."""

    def __init__(self, app, ip: str, referrer: bool = True):
        self.client = app.test_client()
        self.ip = ip
        self.referrer = referrer

    def get(self, path):
        return self.client.get(
            path,
            base_url=SITE,
            headers=proxy_headers(self.ip),
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )

    def post(self, path, data):
        page = self.get(path).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        headers = proxy_headers(self.ip)
        if self.referrer:
            # Referrer-Policy: same-origin lets the browser send this on the site's own forms.
            headers["Referer"] = SITE + path
        return self.client.post(
            path,
            base_url=SITE,
            headers=headers,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
            data={**data, "csrf_token": token.group(1) if token else ""},
        )

    def login(self, identifier, password=STAFF_PASSWORD):
        return self.post("/auth/login", {"identifier": identifier, "password": password})


def test_pages_keep_a_same_origin_referrer_so_csrf_passes_over_https(production_app):
    app = production_app()
    with app.app_context():
        StaffFactory()
    browser = Browser(app, "203.0.113.5")
    assert browser.get("/auth/login").headers["Referrer-Policy"] == "same-origin"
    assert browser.login("clinician@clinic.example").status_code == 302
    # Without a Referer (what "no-referrer" made browsers do) the strict check refuses.
    assert (
        Browser(app, "203.0.113.6", referrer=False).login("clinician@clinic.example").status_code
        == 400
    )


def test_the_audit_log_records_the_client_behind_the_proxy(production_app):
    app = production_app()
    with app.app_context():
        StaffFactory()
    Browser(app, "203.0.113.5").login("clinician@clinic.example")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.success"))
    assert event.ip == "203.0.113.5"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(production_app):
    app = production_app(TRUSTED_PROXIES=0)
    with app.app_context():
        StaffFactory()
    client = app.test_client()
    page = client.get("/auth/login", base_url=SITE).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/auth/login",
        base_url=SITE,
        headers={"X-Forwarded-For": "198.51.100.1", "Referer": SITE + "/auth/login"},
        data={
            "identifier": "clinician@clinic.example",
            "password": STAFF_PASSWORD,
            "csrf_token": token,
        },
    )
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.success"))
    assert event.ip == "127.0.0.1"


def test_forwarded_headers_from_an_address_that_is_not_the_proxy_are_ignored_and_logged(
    production_app, caplog
):
    """TRUSTED_PROXIES=1 and the app reached directly: the client cannot choose its address
    by sending X-Forwarded-For, and the attempt is logged with its real address."""
    caplog.set_level(logging.WARNING, logger="app.platform.security")
    app = production_app()
    assert any("believed only from 127.0.0.1,::1" in r.getMessage() for r in caplog.records)
    with app.app_context():
        StaffFactory()
    client = app.test_client()
    direct = {"REMOTE_ADDR": "203.0.113.77"}
    page = client.get("/auth/login", base_url=SITE, environ_base=direct).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answers = [
        client.post(
            "/auth/login",
            base_url=SITE,
            environ_base=direct,
            headers={"X-Forwarded-For": f"198.51.100.{n}", "Referer": SITE + "/auth/login"},
            data={
                "identifier": "clinician@clinic.example",
                "password": "wrong-one-x",
                "csrf_token": token,
            },
        ).status_code
        for n in range(12)
    ]
    # One address, so the per-address limit (10 a minute) holds, whatever the header said.
    assert answers[-1] == 429
    with app.app_context():
        addresses = set(
            db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login.failure"))
        )
    assert addresses == {"203.0.113.77"}
    logged = [r.getMessage() for r in caplog.records if "not a trusted proxy" in r.getMessage()]
    assert logged
    assert all("203.0.113.77" in line for line in logged)


def test_one_client_s_bad_logins_never_block_other_people(production_app):
    app = production_app(LOGIN_LIMIT="5 per minute")
    with app.app_context():
        for n in range(3):
            StaffFactory(email=f"doctor{n}@clinic.example")
    attacker = Browser(app, "203.0.113.66")
    codes = [
        attacker.login(f"nobody{n}@clinic.example", "wrong-password-x").status_code
        for n in range(24)
    ]
    assert 429 in codes
    for n, ip in enumerate(("198.51.100.1", "198.51.100.2", "198.51.100.3")):
        assert Browser(app, ip).login(f"doctor{n}@clinic.example").status_code == 302


def test_tries_at_made_up_invitation_links_never_block_a_real_one(production_app):
    app = production_app(INVITATION_LIMIT="5 per hour")
    with app.app_context():
        _, url = invite_patient("Lata Shah", date(1958, 7, 30), "lata@example.org", None)
    path = url.removeprefix("http://127.0.0.1:5000")
    prober = Browser(app, "203.0.113.66")
    for n in range(64):
        prober.post(f"/auth/invitation/made-up-token-{n}", {"dob_day": "1"})
    answer = Browser(app, "203.0.113.66").post(
        path,
        {
            "dob_day": "30",
            "dob_month": "7",
            "dob_year": "1958",
            "password": "lantern-by-the-lake",
            "confirm": "lantern-by-the-lake",
        },
    )
    assert answer.status_code == 302


def test_the_account_limit_sees_every_spelling_of_a_phone_number(production_app):
    app = production_app(LOGIN_LIMIT="3 per minute")
    with app.app_context():
        StaffFactory(phone="+919845012345")
    spellings = [
        "+91 98450 12345",
        "098450-12345",
        "9845012345",
        "+91-98450-12345",
        "(+91) 98450 12345",
    ]
    codes = [
        Browser(app, f"203.0.113.{n}").login(phone, "wrong-password-x").status_code
        for n, phone in enumerate(spellings, start=1)
    ]
    assert codes == [200, 200, 200, 429, 429]


class CountingHasher:
    """Counts argon2 computations (hash or verify) across threads."""

    def __init__(self, real):
        self.real = real
        self.count = 0
        self.lock = threading.Lock()

    def _counted(self, name):
        def call(*args, **kwargs):
            with self.lock:
                self.count += 1
            return getattr(self.real, name)(*args, **kwargs)

        return call

    def __getattr__(self, name):
        return self._counted(name) if name in ("hash", "verify") else getattr(self.real, name)


@pytest.fixture
def counted_hashes(monkeypatch):
    counting = CountingHasher(passwords._cached_hasher(1, 1024))
    monkeypatch.setattr(passwords, "_hasher", lambda: counting)
    return lambda: counting.count


def in_parallel(function, count: int) -> None:
    threads = [threading.Thread(target=function, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_parallel_wrong_passwords_cost_at_most_the_account_limit_in_hash_checks(
    app, clinic, counted_hashes
):
    """40 addresses guessing one account at once: the account slows after
    ACCOUNT_SLOW_AFTER checks between them, however many arrive together."""
    with app.app_context():
        StaffFactory(phone="+919845012345")
    spellings = ["+91 98450 12345", "098450-12345", "9845012345", "+91-98450-12345"]
    before = counted_hashes()

    def wrong(n):
        app.test_client().post(
            "/auth/login",
            data={"identifier": spellings[n % len(spellings)], "password": f"wrong-{n}-password"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )

    in_parallel(wrong, 40)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.phone == "+919845012345"))
        checked = db.session.scalar(
            select(func.count()).where(
                AuditEvent.action == "login.failure",
                AuditEvent.actor_id == user.id,
                AuditEvent.detail["locked"].as_boolean().is_(False),
            )
        )
        assert user.locked_until is not None
    assert checked == app.config["ACCOUNT_SLOW_AFTER"]
    # Each of the 40 spent one hash: the real checks and the refusals alike.
    assert counted_hashes() - before == 40


def test_unknown_locked_and_known_accounts_each_cost_one_hash(app, clinic, counted_hashes):
    with app.app_context():
        StaffFactory()
        locked = StaffFactory(email="locked@clinic.example")
        locked.locked_until = locked.created_at.replace(year=2999)
        locked.failed_logins = app.config["LOCKOUT_FAILURES"]
        db.session.commit()
    client = app.test_client()
    for identifier, password in (
        ("nobody@clinic.example", "whatever-password"),
        ("locked@clinic.example", STAFF_PASSWORD),
        ("clinician@clinic.example", "wrong-password-x"),
        ("clinician@clinic.example", STAFF_PASSWORD),
    ):
        before = counted_hashes()
        client.post("/auth/login", data={"identifier": identifier, "password": password})
        assert counted_hashes() - before == 1, identifier
    client.post("/auth/logout")


def test_parallel_wrong_dates_of_birth_compare_at_most_five(app, clinic):
    _, token = clinic.invite()

    def wrong(n):
        app.test_client().post(
            f"/auth/invitation/{token}",
            data={
                "dob_day": str(1 + n % 28),
                "dob_month": "1",
                "dob_year": "1950",
                "password": "lantern-by-the-lake",
                "confirm": "lantern-by-the-lake",
            },
        )

    in_parallel(wrong, 30)
    with app.app_context():
        compared = db.session.scalar(
            select(func.count()).where(AuditEvent.action == "invitation.dob_mismatch")
        )
        invitation = db.session.scalar(select(Invitation))
    assert compared == 5
    assert invitation.revoked_at is not None
