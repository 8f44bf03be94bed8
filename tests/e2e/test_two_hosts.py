"""Two app hosts behind one nginx upstream, sharing PostgreSQL and Redis, as docs/deploy.md
shows: a patient's draft saved through one host is read through the other, and a login
limit is counted across both.

Two production gunicorns (one worker each, as two hosts would be) on one PostgreSQL
database (TEST_DATABASE_URL's server) and one Redis; nginx balances between them, the
upstream block read from docs/deploy.md. Needs nginx, PostgreSQL and Redis: skipped
without them, a failure with REQUIRE_E2E=1 (``.ci/run``).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from app import ROOT
from tests.conftest import postgres_database
from tests.e2e.https_site import free_port, wait_for

LOGIN_LIMIT = 6


def documented_upstream() -> str:
    """The upstream block of docs/deploy.md's section on several hosts."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    return re.search(r"upstream scs_intake \{.*?\n\}", text, re.S).group(0)


def nginx_config(folder: Path, port: int, hosts: list[int]) -> str:
    upstream = (
        re.sub(r"    server [^;]+;\n", "", documented_upstream().replace("\n}", "\n"))
        + "".join(f"    server 127.0.0.1:{h};\n" for h in hosts)
        + "}"
    )
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    server = f"""
    server {{
        listen 127.0.0.1:{port};
        access_log off;
        location / {{
            proxy_pass http://scs_intake;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}"""
    return (
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{}}\n"
        f"http {{\n{temp}\n{upstream}\n{server}\n}}\n"
    )


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, redis_url):
    nginx = shutil.which("nginx")
    reasons = []
    if nginx is None:
        reasons.append("nginx not installed (apt-get install nginx)")
    if not os.environ.get("TEST_DATABASE_URL"):
        reasons.append("TEST_DATABASE_URL names no PostgreSQL")
    if reasons:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"the two-host test is required here but cannot run: {reasons}")
        pytest.skip("; ".join(reasons))
    import redis

    limits = redis_url.rsplit("/", 1)[0] + "/7"  # a database of its own, emptied first
    redis.Redis.from_url(limits).flushdb()
    folder = tmp_path_factory.mktemp("two-hosts")
    database = postgres_database("twohosts")
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database,
        "RATELIMIT_STORAGE_URI": limits,
        "JOB_QUEUE": "sync",
        "LOGIN_LIMIT": f"{LOGIN_LIMIT} per minute",
        "SESSION_COOKIE_SECURE": "false",
        "TRUSTED_PROXIES": "1",
        "CLINIC_PHONE": "+91 80 4000 1234",
        "LOG_LEVEL": "WARNING",
        "FLASK_APP": "wsgi",
    }
    front = free_port()
    env["BASE_URL"] = f"http://127.0.0.1:{front}"
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "downgrade", "base"], cwd=ROOT, env=env, capture_output=True)
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    invited = subprocess.run(
        [*flask, "invite", "create", "--name", "Kamala Iyer", "--dob", "1959-08-21",
         "--email", "kamala@example.org", "--visit-date", "2027-01-10"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    link = invited.stdout.strip().splitlines()[-1]
    ports = [free_port(), free_port()]
    processes = []
    for n, port in enumerate(ports):
        log = folder / f"host-{n}.log"
        with open(log, "wb") as out:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--workers",
                        "1",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "wsgi:app",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=out,
                )  # fmt: skip
            )
    (folder / "nginx.conf").write_text(nginx_config(folder, front, ports))
    proxy = subprocess.Popen(
        [nginx, "-c", str(folder / "nginx.conf"), "-p", str(folder), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    try:
        for n, (port, process) in enumerate(zip(ports, processes, strict=True)):
            wait_for(f"http://127.0.0.1:{port}/readyz", process, folder / f"host-{n}.log")
        wait_for(f"http://127.0.0.1:{front}/readyz", proxy, folder / "error.log")
        yield {
            "hosts": [f"http://127.0.0.1:{p}" for p in ports],
            "front": f"http://127.0.0.1:{front}",
            "link_path": urllib.parse.urlsplit(link).path,
        }
    finally:
        for process in (proxy, *processes):
            process.terminate()
            process.wait(timeout=10)


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them, across whichever host answers."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=10) as response:  # noqa: S310
            return response.read().decode()

    def post(self, url: str, fields: dict, page: str | None = None) -> tuple[int, str]:
        page = page if page is not None else self.get(url)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        try:
            with self.opener.open(url, data=body, timeout=10) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def test_a_draft_saved_through_one_host_is_read_through_the_other(hosts):
    one, other = hosts["hosts"]
    patient = Browser()
    status, _ = patient.post(
        one + hosts["link_path"],
        {
            "dob_day": "21",
            "dob_month": "8",
            "dob_year": "1959",
            "phone": "",
            "password": "quiet-river-stones",
            "confirm": "quiet-river-stones",
        },
    )
    assert status == 200
    status, _ = patient.post(other + "/intake/consent", {"agree": "y"})
    assert status == 200
    status, _ = patient.post(
        one + "/intake/section/about",
        {"action": "save-later", "completed_by": "self", "height_cm": "162", "sex": "female"},
        page=patient.get(one + "/intake/section/about"),
    )
    assert status == 200
    page = patient.get(other + "/intake/section/about")
    assert re.search(r'value="self"[^>]*checked', page)
    assert 'value="162"' in page


def test_a_login_limit_is_counted_across_both_hosts(hosts):
    front = hosts["front"]
    answers = []
    for n in range(LOGIN_LIMIT + 2):
        visitor = Browser()
        status, _ = visitor.post(
            front + "/auth/login",
            {"identifier": f"nobody{n}@example.org", "password": "not-the-password"},
        )
        answers.append(status)
    # nginx alternates between the hosts, so each saw half; the limit counts them all.
    assert answers[:LOGIN_LIMIT] == [200] * LOGIN_LIMIT
    assert answers[LOGIN_LIMIT:] == [429, 429]
