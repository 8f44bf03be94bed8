"""The deployment in docs/deploy.md, for real: nginx ending TLS in front of production
gunicorn (tests/e2e/https_site.py), and Chromium using it over https. Needs Debian's nginx
and openssl (``.ci/run`` installs them); skipped without them, a failure with
REQUIRE_E2E=1.
"""

from __future__ import annotations

import gzip
import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app import ROOT
from tests.answers_data import FUSION_PATIENT_POSTS
from tests.e2e import https_site
from tests.e2e.helpers import answer_all

STAFF = ("doctor@clinic.example", "a-long-clinic-passphrase")
PATIENT_PASSWORD = "quiet-river-stones"


@pytest.fixture(scope="module")
def proxy_folder(tmp_path_factory) -> Path:
    """Where the site keeps its certificate, database and logs (gunicorn's access log is
    how a test sees what reached the app)."""
    return tmp_path_factory.mktemp("proxy")


@pytest.fixture(scope="module")
def site(proxy_folder, browser):
    missing = https_site.missing_tools()
    if missing:
        reason = f"{' and '.join(missing)} not installed (apt-get install nginx openssl)"
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"the https journey is required here but cannot run: {reason}")
        pytest.skip(reason)
    with https_site.running(proxy_folder) as running:
        running.flask(
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
        )
        yield running.base


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


def _get(url: str):
    """``url`` fetched as a browser would, accepting a compressed answer."""
    return https_site.fetch(url, headers={"Accept-Encoding": "gzip"})


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
    # This phone's own requests: the site and its log are shared with the module's other
    # tests, whose last lines can be written after this one starts.
    phone = f"static-files-phone/{os.getpid()}"

    def files_asked_for() -> list[str]:
        return [
            line.split("GET ", 1)[1].split(" ", 1)[0]
            for line in log.read_text().splitlines()
            if phone in line and "GET /static/" in line
        ]

    page = browser.new_context(ignore_https_errors=True, user_agent=phone).new_page()
    page.goto(site + "/auth/login")
    expect(page.locator("h1")).to_be_visible()
    # gunicorn writes a request's log line once its answer is sent: give it a moment.
    for _ in range(50):
        if len(files_asked_for()) >= 3:
            break
        time.sleep(0.1)
    first_page = files_asked_for()
    page.goto(site + "/about-scs")
    expect(page.locator("h1")).to_be_visible()
    page.goto(site + "/auth/forgot")
    expect(page.locator("h1")).to_be_visible()
    assert len(set(first_page)) == 3, first_page
    # Two more pages, and not one request more for a stylesheet or the script.
    assert files_asked_for() == first_page
