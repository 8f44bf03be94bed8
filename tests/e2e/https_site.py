"""The https site of docs/deploy.md, started for real: nginx ending TLS with a
self-signed certificate in front of production gunicorn on a SQLite database.

The nginx site is read from docs/deploy.md, so the documented configuration is the one
run; only the names, ports and certificate paths are put in. Used by the https browser
tests (tests/e2e/test_behind_proxy.py) and by the phone bench (bench/phone.py).
"""

from __future__ import annotations

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from app import ROOT

TOOLS = ("nginx", "openssl")


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


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 10):
    """``url``'s response, trusting the site's own self-signed certificate."""
    context = ssl._create_unverified_context()  # noqa: S323 - the test's own certificate
    asked = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    return urllib.request.urlopen(asked, timeout=timeout, context=context)  # noqa: S310


def wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped: {log.read_text()[-2000:]}")
        try:
            fetch(url, timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer: {log.read_text()[-2000:]}")


class Site(NamedTuple):
    base: str  # https://localhost:<port>
    env: dict[str, str]  # the app's environment, for its flask commands

    def flask(self, *args: str) -> str:
        """Run ``flask <args>`` against the site's database; what it printed."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


@contextmanager
def running(folder: Path) -> Iterator[Site]:
    """The site, with its certificate, database and logs in ``folder`` (gunicorn's
    access log, ``access.log``, shows what reached the app)."""
    subprocess.run(
        [
            shutil.which("openssl"),
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
    site = Site(base, env)
    site.flask("db", "upgrade")
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
        [
            shutil.which("nginx"),
            "-c",
            str(folder / "nginx.conf"),
            "-p",
            str(folder),
            "-g",
            "daemon off;",
        ],
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{app_port}/readyz", gunicorn, app_log)
        wait_for(f"https://127.0.0.1:{https_port}/readyz", nginx, folder / "error.log")
        yield site
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
            process.wait(timeout=10)
