"""Security and reliability: CSRF, headers, secrets, logs, rate limits, admin, data rights."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from app import create_app
from app.platform.extensions import db
from app.records.models import AuditEvent, Patient, QuestionnaireResponse, User
from config import ProductionConfig
from tests.answers_data import FUSION_PATIENT_POSTS, FUSION_PATIENT_STORED, with_changes
from tests.conftest import PATIENT_PASSWORD, Person


def csrf_app(tmp_path, **overrides):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'c.db'}",
        WTF_CSRF_ENABLED=True,
        **overrides,
    )
    with app.app_context():
        db.create_all()
    return app


def test_posts_without_a_csrf_token_are_refused_everywhere(tmp_path):
    app = csrf_app(tmp_path)
    client = app.test_client()
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(posts) > 10
    for rule in posts:
        url = rule.build(
            {
                k: 1
                if "id" in k or k in ("page", "row", "revision")
                else "about"
                if k == "section_id"
                else "activate"
                if k == "change"
                else "allow"
                if k == "grant"
                else "x"
                for k in rule.arguments
            }
        )[1]
        response = client.post(url, data={"identifier": "a@b.c", "password": "x"})
        if app.view_functions[rule.endpoint].audience == ("system",):
            # API-token views read no cookie (the access table shows a session is
            # refused there), so a forged cross-site POST carries nothing they accept.
            assert response.status_code == 401, url
            continue
        if rule.rule.endswith("/autosave"):
            # A page's draft save with no session: the page's script is told to log in.
            assert response.status_code == 401, url
            assert response.json == {
                "saved": False,
                "logged_out": True,
                "message": (
                    "You have been logged out. Press Save and continue, then log in again."
                ),
            }
            continue
        assert response.status_code in (302, 400), url
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"]


def test_a_logged_in_autosave_without_a_token_is_refused(tmp_path):
    app = csrf_app(tmp_path)
    with app.app_context():
        from datetime import date

        from app.records.invitations import invite_patient

        _, url = invite_patient("A B", date(1960, 1, 1), "ab@example.org", None)
    client = app.test_client()
    page = client.get(url.removeprefix("http://localhost")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        url.removeprefix("http://localhost"),
        data={
            "csrf_token": token,
            "dob_day": "1",
            "dob_month": "1",
            "dob_year": "1960",
            "password": PATIENT_PASSWORD,
            "confirm": PATIENT_PASSWORD,
        },
    )
    assert client.post("/intake/consent", data={"agree": "y"}).status_code == 400
    assert client.post("/intake/section/about/autosave", data={"sex": "male"}).status_code == 400


def test_security_headers_are_on_every_response(client, clinic, person):
    for url in ("/auth/login", "/static/css/app.css", "/nope"):
        response = client.get(url)
        headers = response.headers
        response.close()
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(patient, client):
    page = client.get("/intake/section/pain").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page
    assert "onclick=" not in page


def test_session_cookie_flags(clinic, client, person):
    person.login(clinic.staff())
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


@pytest.mark.parametrize("key", [None, "", "dev-only-not-secret", "short"])
def test_production_refuses_a_missing_or_default_secret_key(monkeypatch, key):
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_sends_hsts_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app(
        "production",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}",
        CLINIC_PHONE="+91 80 4000 1234",
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "max-age" in app.test_client().get("/auth/login").headers["Strict-Transport-Security"]
    assert ProductionConfig.HSTS


@pytest.fixture
def limited_client(tmp_path):
    """A client of an app whose login allows three tries a minute (the suite turns it off)."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'r.db'}",
        RATELIMIT_ENABLED=True,
        LOGIN_LIMIT="3 per minute",
    )
    with app.app_context():
        db.create_all()
    return app.test_client()


def test_login_is_rate_limited(limited_client):
    codes = [
        limited_client.post(
            "/auth/login", data={"identifier": "x@y.z", "password": "p"}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    page = limited_client.post("/auth/login", data={}).get_data(as_text=True)
    assert "Too many attempts" in page


def test_login_is_rate_limited_per_account_across_addresses(limited_client):
    """Guessing one account's password from many addresses is slowed down all the same."""

    def attempt(identifier, address):
        return limited_client.post(
            "/auth/login",
            data={"identifier": identifier, "password": "p"},
            environ_base={"REMOTE_ADDR": address},
        ).status_code

    tries = [
        "doctor@clinic.example",
        "Doctor@Clinic.example",
        " doctor@clinic.example ",
        "DOCTOR@clinic.example",
    ]
    codes = [attempt(identifier, f"10.0.0.{n}") for n, identifier in enumerate(tries)]
    assert codes == [200, 200, 200, 429]
    assert attempt("nurse@clinic.example", "10.0.0.9") == 200


def test_a_deactivated_account_cannot_log_in_and_its_sessions_end(app, clinic, person, client):
    admin = Person(app.test_client())
    admin.login(clinic.staff("admin"))
    person.login(clinic.staff("clinician"))
    with app.app_context():
        clinician = db.session.scalar(select(User).where(User.role == "clinician"))
    admin.client.post(f"/admin/staff/{clinician.id}/deactivate")
    assert client.get("/clinic/").status_code == 302
    assert "not right" in person.login("clinician@clinic.example").get_data(as_text=True)


def test_admin_creates_and_re_roles_staff_and_every_action_is_audited(app, clinic):
    admin = Person(app.test_client())
    admin.login(clinic.staff("admin"))
    response = admin.client.post(
        "/admin/staff",
        data={
            "name": "New Doc",
            "email": "new@clinic.example",
            "role": "clinician",
            "password": "another-long-pass",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        new = db.session.scalar(select(User).where(User.email == "new@clinic.example"))
    admin.client.post("/admin/staff/role", data={"user_id": str(new.id), "role": "admin"})
    with app.app_context():
        assert db.session.get(User, new.id).role == "admin"
    page = admin.client.get("/admin/audit?action=staff.role").get_data(as_text=True)
    assert "staff.role" in page
    assert "1 event." in page
    actions = admin.client.get("/admin/audit").get_data(as_text=True)
    for action in ("staff.create", "login.success"):
        assert action in actions


def test_an_admin_cannot_lock_themselves_out(app, clinic):
    admin = Person(app.test_client())
    admin.login(clinic.staff("admin"))
    with app.app_context():
        me = db.session.scalar(select(User).where(User.role == "admin"))
    answer = admin.client.post(f"/admin/staff/{me.id}/deactivate")
    shown = admin.client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "You cannot deactivate your own account" in shown
    with app.app_context():
        assert db.session.get(User, me.id).is_enabled
    assert admin.client.get("/admin/staff").status_code == 200


def test_audit_rows_cannot_be_changed(app, clinic):
    clinic.staff()
    with app.app_context():
        from app.records import audit

        audit.record("test.event", target="t")
        db.session.commit()
        event = db.session.scalar(select(AuditEvent))
        event.action = "forged"
        with pytest.raises(PermissionError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEvent)))
        with pytest.raises(PermissionError):
            db.session.commit()


def test_failed_logins_are_audited(app, clinic, person):
    person.login(clinic.staff(), "wrong-password-xyz")
    person.login("ghost@clinic.example", "wrong-password-xyz")
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("login.failure") == 2


def test_patient_downloads_all_their_data(submitted_patient, client):
    response = client.get("/intake/your-data.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["patient"]["name"] == "Meena Kumari"
    assert data["responses"][0]["answers"] == FUSION_PATIENT_STORED
    assert data["consents"][0]["version"]


def test_the_patient_s_download_includes_pages_saved_for_later(patient, person, client):
    person.save("goals", [("goals_text", "Garden again"), ("action", "save-later")])
    client.post("/intake/section/pain/autosave", data={"pain_better_with": "Warm baths"})
    data = client.get("/intake/your-data.json").get_json()
    kept = data["responses"][0]["saved_for_later"]
    assert kept["pain"]["pain_better_with"] == ["Warm baths"]
    assert "Garden again" in json.dumps(data)


def test_patient_asks_for_erasure_and_an_admin_erases_them(
    app, submitted_patient, person, clinic, staff
):
    person.client.post("/intake/your-data/erase")
    staff.post(f"/clinic/patients/{submitted_patient}/notes", data={"body": "A note"})
    ref = clinic.patient(submitted_patient).ref
    admin = Person(app.test_client())
    admin.login(clinic.staff("admin"))
    assert "Meena Kumari asked on" in admin.client.get("/admin/invitations").get_data(as_text=True)
    wrong = admin.client.post(
        f"/admin/patients/{submitted_patient}/erase", data={"confirm_name": "nope"}
    )
    assert wrong.status_code == 200
    admin.client.post(
        f"/admin/patients/{submitted_patient}/erase", data={"confirm_name": "Meena Kumari"}
    )
    with app.app_context():
        assert db.session.get(Patient, submitted_patient) is None
        assert db.session.scalars(select(QuestionnaireResponse)).all() == []
        user = db.session.scalar(select(User).where(User.role == "patient"))
        assert (user.email, user.name, user.password_hash) == (None, "Erased patient", None)
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.patient_ref == ref))
        assert "patient.erase" in [e.action for e in events]
        dump = " ".join(
            str(e.detail) + str(e.target) for e in db.session.scalars(select(AuditEvent))
        )
        assert "Meena" not in dump
    assert person.login("meena@example.org", PATIENT_PASSWORD).status_code == 200


def test_a_timed_out_patient_gets_back_what_they_typed(patient, person, client):
    with client.session_transaction() as session:
        session["last_seen"] -= 31 * 60
    posts = with_changes(FUSION_PATIENT_POSTS, "goals", {"goals_text": "Typed before timeout"})
    response = person.save("goals", posts["goals"])
    assert "/auth/login?next=/intake/section/goals" in response.headers["Location"]
    after = client.post(
        response.headers["Location"],
        data={"identifier": "meena@example.org", "password": PATIENT_PASSWORD},
    )
    assert after.headers["Location"] == "/intake/section/goals"
    assert "Typed before timeout" in client.get("/intake/section/goals").get_data(as_text=True)


def test_a_page_posted_after_the_session_ended_sends_the_patient_to_log_in(tmp_path):
    client = csrf_app(tmp_path).test_client()
    response = client.post("/intake/section/goals", data={"goals_text": "lost?"})
    assert response.status_code == 302
    assert "/auth/login?next=/intake/section/goals" in response.headers["Location"]


def test_a_concurrent_write_to_the_same_draft_is_a_conflict_not_a_crash(patient, app, clinic):
    from app.records import questionnaires
    from app.web.patient import services

    with app.app_context():
        response = db.session.scalar(select(QuestionnaireResponse))
        q = questionnaires.current()
        other = db.engine.connect()
        other.execute(text("UPDATE questionnaire_responses SET lock_version = lock_version + 1"))
        other.commit()
        other.close()
        about = q.section("about")
        with pytest.raises(services.StaleDraft):
            services.save_section(response, q, about, about, {"sex"}, {"sex": "male"}, None)


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite settings")
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


XSS = "<script>alert('x')</script>"
SQL = "Robert'); DROP TABLE patients;-- \" OR 1=1 %_"


def test_every_free_text_answer_is_escaped_in_the_summary_and_the_pdf(clinic, staff, app):
    from app.records import questionnaires

    with app.app_context():
        q = questionnaires.current()
        free_text = [i.link_id for i in q.top_level_items() if i.type in ("string", "text")]
    answers = {
        **FUSION_PATIENT_STORED,
        **{k: f"{XSS} {k}" for k in free_text if k in FUSION_PATIENT_STORED},
    }
    patient_id = clinic.with_answers("Ravi Kumar", answers)
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "<script>alert" not in page
    pdf = staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data
    pdf_text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    # Every free-text answer (each marked with its own linkId) is shown escaped on the page
    # and literally in the PDF; none is dropped, none reaches either as markup.
    typed = [k for k in free_text if k in FUSION_PATIENT_STORED]
    assert len(typed) >= 7
    for link_id in typed:
        assert f"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; {link_id}" in page, link_id
        assert f"<script>alert('x')</script> {link_id}" in pdf_text, link_id


def test_sql_metacharacters_in_every_text_field_are_stored_verbatim(patient, person, clinic):
    posts = dict(FUSION_PATIENT_POSTS)
    for section, field in (
        ("about", "helper_relation"),
        ("pain", "pain_better_with"),
        ("pain", "diagnoses_other"),
        ("medicines", "medications-0-med_name"),
        ("medicines", "medications-0-med_dose"),
        ("medicines", "medications-1-med_side_effects"),
        ("about", "preferred_language_other"),
        ("health", "allergy_details"),
        ("goals", "goals_text"),
        ("goals", "questions_for_doctor"),
    ):
        posts = with_changes(posts, section, {field: SQL})
    person.fill_all(posts)
    answers = clinic.response(patient).answers
    assert answers["goals_text"] == SQL
    assert answers["medications"][0]["med_name"] == SQL
    assert answers["allergy_details"] == SQL
    assert answers["diagnoses_other"] == SQL
    assert answers["medications"][1]["med_side_effects"] == SQL
    assert answers["preferred_language_other"] == SQL
    assert answers["helper_relation"] == SQL


def test_the_pdf_renderer_fetches_nothing_outside_the_static_folder(app):
    from app.platform.pdf import static_only_fetcher

    fetcher = static_only_fetcher(app.static_folder)
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "http://pdf.invalid/etc/passwd",
        "http://pdf.invalid/static/../../config.py",
        "http://pdf.invalid/static/%2e%2e/x",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert fetcher.fetch("http://pdf.invalid/static/css/app.css").status == 200


def test_an_injected_image_cannot_pull_a_local_file_into_the_pdf(app):
    from app.platform.pdf import render_pdf

    pdf = render_pdf(
        '<p>Before</p><img src="file:///etc/passwd"><iframe src="/etc/passwd">'
        '</iframe><link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        app.static_folder,
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Before" in text
    assert "root:" not in text


def test_timestamps_are_per_row_not_fixed_at_import(app, clinic):
    first = clinic.with_answers("A", {})
    second = clinic.with_answers("B", {})
    with app.app_context():
        a = db.session.get(Patient, first).created_at
        b = db.session.get(Patient, second).created_at
    assert a < b <= datetime.now(UTC)
