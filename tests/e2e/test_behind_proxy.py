"""The deployment in docs/deploy.md, for real: nginx ending TLS in front of production
gunicorn, and Chromium using it over https.

The nginx site is read from docs/deploy.md, so the documented configuration is the one
tested; only the names, ports and certificate paths are put in. Needs Debian's nginx and
openssl (``.ci/run`` installs them); skipped without them, a failure with REQUIRE_E2E=1.
"""

from __future__ import annotations

import gzip
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app import ROOT
from tests.answers_data import FUSION_PATIENT_POSTS
from tests.e2e.helpers import answer_all

STAFF = ("doctor@clinic.example", "a-long-clinic-passphrase")
PATIENT_PASSWORD = "quiet-river-stones"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def documented_site() -> str:
    """The TLS server block of the nginx site in docs/deploy.md."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    site = re.search(r"```nginx\n(.*?)```", text, re.S).group(1)
    return next(
        block for block in re.findall(r"server \{.*?\n\}", site, re.S) if "listen 443" in block
    )


def nginx_config(folder: Path, https_port: int, app_port: int) -> str:
    site = (
        documented_site()
        .replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
        .replace("clinic.example.org;", "localhost;")
        .replace("/etc/ssl/certs/clinic.example.org.pem", str(folder / "cert.pem"))
        .replace("/etc/ssl/private/clinic.example.org.key", str(folder / "key.pem"))
        .replace("127.0.0.1:8000", f"127.0.0.1:{app_port}")
    )
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{}}\nhttp {{\n{temp}\n{site}\n}}\n"
    )


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    context = ssl._create_unverified_context()  # noqa: S323 - the test's own certificate
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=1, context=context)  # noqa: S310
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def proxy_folder(tmp_path_factory) -> Path:
    """Where the site keeps its certificate, database and logs (gunicorn's access log is
    how a test sees what reached the app)."""
    return tmp_path_factory.mktemp("proxy")


@pytest.fixture(scope="module")
def site(proxy_folder, browser):
    tools = {tool: shutil.which(tool) for tool in ("nginx", "openssl")}
    missing = [tool for tool, path in tools.items() if path is None]
    if missing:
        reason = f"{' and '.join(missing)} not installed (apt-get install nginx openssl)"
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"the https journey is required here but cannot run: {reason}")
        pytest.skip(reason)
    folder = proxy_folder
    subprocess.run(
        [
            tools["openssl"],
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    app_port, https_port = free_port(), free_port()
    base = f"https://localhost:{https_port}"
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{folder / 'clinic.db'}",
        "BASE_URL": base,
        "TRUSTED_PROXIES": "1",
        "RATELIMIT_STORAGE_URI": "memory://",
        "CLINIC_PHONE": "+91 80 4000 1234",
        "LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
    }
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [
            *flask,
            "users",
            "create",
            "--role",
            "clinician",
            "--email",
            STAFF[0],
            "--password",
            STAFF[1],
            "--name",
            "Dr Asha Rao",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    app_log = folder / "gunicorn.log"
    with open(app_log, "wb") as log:
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{app_port}",
                "--access-logfile",
                str(folder / "access.log"),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    (folder / "nginx.conf").write_text(nginx_config(folder, https_port, app_port))
    nginx = subprocess.Popen(
        [tools["nginx"], "-c", str(folder / "nginx.conf"), "-p", str(folder), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{app_port}/readyz", gunicorn, app_log)
        wait_for(f"https://127.0.0.1:{https_port}/readyz", nginx, folder / "error.log")
        yield base
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
            process.wait(timeout=10)


def test_over_https_staff_invite_a_patient_who_sends_answers_and_staff_get_the_pdf(
    site, browser, tmp_path
):
    staff = browser.new_context(ignore_https_errors=True, accept_downloads=True).new_page()
    staff.goto(site + "/auth/login")
    staff.fill('[name="identifier"]', STAFF[0])
    staff.fill('[name="password"]', STAFF[1])
    staff.click('button:has-text("Log in")')
    expect(staff.locator("h1")).to_have_text("Worklist")

    staff.goto(site + "/clinic/invite")
    staff.fill('[name="name"]', "Kamala Iyer")
    staff.fill('[name="date_of_birth"]', "1959-08-21")
    staff.fill('[name="email"]', "kamala@example.org")
    staff.check('[name="channel"][value="letter"]')
    staff.click('button:has-text("Create invitation")')
    link = staff.locator(".link-box code").inner_text()
    assert link.startswith(site + "/auth/invitation/")

    patient = browser.new_context(ignore_https_errors=True).new_page()
    patient.goto(link)
    for name, value in (
        ("dob_day", "21"),
        ("dob_month", "8"),
        ("dob_year", "1959"),
        ("password", PATIENT_PASSWORD),
        ("confirm", PATIENT_PASSWORD),
    ):
        patient.fill(f'[name="{name}"]', value)
    patient.click('button:has-text("Continue")')
    patient.check("#agree")
    patient.click('button:has-text("Start")')
    answer_all(patient, FUSION_PATIENT_POSTS)
    expect(patient).to_have_url(re.compile("/intake/check"))
    patient.click("text=Send my answers to the clinic")
    expect(patient.locator("h1")).to_have_text("Your answers have been sent")

    staff.goto(site + "/clinic/")
    staff.click("text=Kamala Iyer")
    with staff.expect_download() as download:
        staff.click("text=Download PDF")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")


def _get(url: str) -> urllib.request.http.client.HTTPResponse:
    """``url`` fetched as a browser would, accepting a compressed answer."""
    context = ssl._create_unverified_context()  # noqa: S323 - the test's own certificate
    asked = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
    return urllib.request.urlopen(asked, timeout=10, context=context)  # noqa: S310


def test_over_https_the_stylesheets_and_script_come_compressed_and_the_pages_do_not(site):
    with _get(site + "/auth/login") as page:
        assert page.headers["Content-Encoding"] is None
        links = re.findall(r'(?:href|src)="(/static/([^"?]+)\?v=[0-9a-f]+)"', page.read().decode())
    assert sorted(path for _, path in links) == ["css/app.css", "css/print.css", "js/app.js"]
    for url, path in links:
        with _get(site + url) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            body = gzip.decompress(response.read())
        assert body == (ROOT / "app" / "static" / path).read_bytes()


def test_over_https_a_phone_asks_for_the_stylesheets_and_script_with_its_first_page_only(
    site, proxy_folder, browser
):
    log = proxy_folder / "access.log"
    asked_before = log.read_text().count("GET /static/")
    page = browser.new_context(ignore_https_errors=True).new_page()
    page.goto(site + "/auth/login")
    expect(page.locator("h1")).to_be_visible()
    first_page = log.read_text().count("GET /static/") - asked_before
    page.goto(site + "/about-scs")
    expect(page.locator("h1")).to_be_visible()
    page.goto(site + "/auth/forgot")
    expect(page.locator("h1")).to_be_visible()
    assert first_page == 3
    # Two more pages, and not one request more for a stylesheet or the script.
    assert log.read_text().count("GET /static/") - asked_before == 3
