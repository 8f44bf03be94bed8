"""Operational logs: a line per request with its id, errors with their trace, no patient data."""

from __future__ import annotations

import importlib.util
import io
import logging
import re
import subprocess
import sys

from sqlalchemy import select

from app import ROOT
from app.platform.extensions import db
from app.platform.logs import FORMAT, RequestIdFilter
from app.records.models import User
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import PATIENT_PASSWORD, STAFF_PASSWORD


def request_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "app.requests"]


def test_each_request_gets_one_line_with_route_status_time_and_user(caplog, clinic, staff, app):
    caplog.set_level(logging.INFO, logger="app")
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    caplog.clear()
    staff.get(f"/clinic/patients/{patient_id}")
    staff.get("/clinic/patients/999999")
    with app.app_context():
        staff_id = db.session.scalar(select(User.id).where(User.role == "clinician"))
    lines = request_lines(caplog)
    assert len(lines) == 2
    assert re.fullmatch(
        rf"GET /clinic/patients/<int:patient_id> 200 \d+\.\dms user={staff_id}", lines[0]
    )
    assert re.fullmatch(
        rf"GET /clinic/patients/<int:patient_id> 404 \d+\.\dms user={staff_id}", lines[1]
    )


def test_every_line_carries_the_request_id_that_the_response_returns(client, caplog):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    logging.getLogger("app").addHandler(handler)
    try:
        mine = client.get("/auth/login")
        given = client.get("/auth/login", headers={"X-Request-ID": "proxy-req-0042"})
        odd = client.get("/auth/login", headers={"X-Request-ID": "no spaces <allowed>"})
    finally:
        logging.getLogger("app").removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert f"[{mine.headers['X-Request-ID']}]" in lines[0]
    assert given.headers["X-Request-ID"] == "proxy-req-0042"
    assert "[proxy-req-0042]" in lines[1]
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["X-Request-ID"])


ERROR_SCRIPT = """
import tempfile
from app import create_app
app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tempfile.mkdtemp()}/t.db",
                 LOG_LEVEL="__LEVEL__", PROPAGATE_EXCEPTIONS=False)
@app.get("/boom")
def boom():
    raise RuntimeError("the cause of the failure")
boom.audience = ("anyone",)
client = app.test_client()
print(client.get("/boom").status_code, client.get("/auth/login").status_code)
"""


def run_app(level: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", ERROR_SCRIPT.replace("__LEVEL__", level)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_errors_go_to_stderr_with_their_trace_and_the_level_can_be_set():
    shown = run_app("INFO")
    assert shown.stdout.split() == ["500", "200"]
    assert "Traceback (most recent call last)" in shown.stderr
    assert "RuntimeError: the cause of the failure" in shown.stderr
    assert re.search(r"ERROR \[[0-9a-f]{32}\] app: Exception on /boom", shown.stderr)
    assert "GET /auth/login 200" in shown.stderr
    quiet = run_app("WARNING")
    assert "RuntimeError: the cause of the failure" in quiet.stderr
    assert "GET /auth/login 200" not in quiet.stderr


def test_logs_of_a_whole_journey_hold_no_personal_data(caplog, clinic, person, staff):
    caplog.set_level(logging.DEBUG)
    patient_id, token = clinic.invite(name="Zebedee Quartermaine")
    person.accept(token)
    person.consent()
    person.fill_all()
    person.submit()
    staff.get(f"/clinic/patients/{patient_id}")
    staff.get(f"/clinic/patients/{patient_id}/summary.pdf")
    staff.get("/clinic/?q=Zebedee")
    person.logout()
    person.login("meena@example.org", "a wrong password")
    logged = caplog.text
    assert len(request_lines(caplog)) > 15
    for secret in (
        "Zebedee",
        "Quartermaine",
        "Walk to the temple",
        "Penicillin",
        "Tapentadol",
        "meena@example.org",
        "clinician@clinic.example",
        token,
        PATIENT_PASSWORD,
        STAFF_PASSWORD,
        "a wrong password",
    ):
        assert secret not in logged


def test_the_log_check_finds_a_birth_date_a_token_and_an_answer(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("check_logs", ROOT / "tools" / "check_logs.py")
    check_logs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_logs)

    (tmp_path / "gw0.log").write_text(
        "app.requests INFO GET /auth/login 200 3.1ms user=-\n"
        'werkzeug INFO 127.0.0.1 - - "GET /auth/invitation/*** HTTP/1.1" 200 -\n'
    )
    assert check_logs.main(str(tmp_path)) == 0
    answer = FUSION_PATIENT_STORED["goals_text"]
    (tmp_path / "gw1.log").write_text(
        "app ERROR born 1961-04-12\n"
        'werkzeug INFO "GET /auth/reset/Zx8Lq0abcdefghijklmnop HTTP/1.1"\n'
        f"app WARNING {answer}\n"
        'werkzeug INFO "GET /fhir/metadata?access_token=scs_abc HTTP/1.1"\n'
        "app INFO Bearer scs_QmFkIHRva2VuIGhlcmUgYW5kIG1vcmU\n"
    )
    assert check_logs.main(str(tmp_path)) == 1
    said = capsys.readouterr().out
    for what in (
        "a date of birth",
        "an invitation or reset link",
        "an answer",
        "a token in a query",
        "an API token",
    ):
        assert f": {what}: " in said, what


def test_a_server_error_on_an_invitation_page_logs_its_path_without_the_token(
    tmp_path, caplog, monkeypatch
):
    from app import create_app
    from app.records import invitations

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e.db'}",
        PROPAGATE_EXCEPTIONS=False,
    )

    def broken(token):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(invitations, "find_invitation", broken)
    caplog.set_level(logging.ERROR, logger="app")
    token = "Zx8Lq0-live_invitation_token_abcdefghij"
    assert app.test_client().get(f"/auth/invitation/{token}").status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Exception on /auth/invitation/*** [GET]" in logged
    assert token not in logged
