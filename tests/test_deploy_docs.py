"""docs/deploy.md as written: its environment file is sourced by bash without an error,
the app starts in production from it once the placeholders are filled in, and every
systemd unit runs a command this project has. (Its nginx site is run by
tests/e2e/test_behind_proxy.py.)"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from app import ROOT

DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
SETTING = re.compile(r"[A-Z][A-Z0-9_]*=")


def environment_file() -> str:
    """Every shell block of the guide made only of settings and comments: the lines an
    operator copies into /etc/scs-intake.env."""
    blocks = re.findall(r"```sh\n(.*?)```", DEPLOY, flags=re.S)
    settings = [
        block
        for block in blocks
        if all(SETTING.match(line) or line.startswith("#") for line in block.splitlines() if line)
    ]
    assert len(settings) == 2, "the main settings and the messages' settings"
    return "".join(settings)


def start(tmp_path, fill_in: str) -> subprocess.CompletedProcess:
    env_file = tmp_path / "scs-intake.env"
    env_file.write_text(environment_file())
    script = f"""
set -euo pipefail
set -a; . {env_file}; set +a
{fill_in}
"{sys.executable}" -c '
from app import create_app
app = create_app()
print(app.config["CLINIC_NAME"], "|", app.config["CLINIC_PHONE"], "|", app.config["JOB_QUEUE"])
print(app.config["MESSAGE_BACKEND"], "|", app.config["REMINDER_DAYS"])
print(app.test_client().get("/healthz").status_code)
'
"""
    return subprocess.run(
        ["/bin/bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


def test_the_environment_file_sources_and_the_app_starts_in_production(tmp_path):
    """The operator's part filled in: a key and a database (SQLite here); rate limits in
    memory, so the test needs no Redis."""
    done = start(
        tmp_path,
        f'export SECRET_KEY="{"ab" * 32}" DATABASE_URL="sqlite:///{tmp_path}/app.db"'
        ' RATELIMIT_STORAGE_URI="memory://"',
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-3] == "Your Pain Clinic | +91 80 1234 5678 | rq"
    assert lines[-2] == "webhook | 7,2"
    assert lines[-1] == "200"


def test_the_placeholder_secret_key_is_refused_with_a_reason(tmp_path):
    done = start(tmp_path, f'export DATABASE_URL="sqlite:///{tmp_path}/app.db"')
    assert done.returncode != 0
    assert "SECRET_KEY must be set to a random value of at least 32 characters" in done.stderr


def exec_starts() -> list[list[str]]:
    """Every systemd ExecStart of the guide, continued lines joined, split into words."""
    joined = re.sub(r"\\\n\s*", " ", DEPLOY)
    lines = re.findall(r"^\s*ExecStart=(.+)$", joined, flags=re.M)
    return [shlex.split(line) for line in lines]


def test_every_unit_runs_a_command_this_project_has(tmp_path):
    """Each service's command, run from this environment: the flask commands answer
    --help, gunicorn loads the app with --check-config."""
    commands = exec_starts()
    assert len(commands) == 4, "gunicorn, the worker, the reminders and the backup"
    bin_dir = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
    }
    for words in commands:
        program = Path(words[0]).name
        assert words[0] == f"/srv/scs-intake/.venv/bin/{program}"
        extra = ["--check-config"] if program == "gunicorn" else ["--help"]
        done = subprocess.run(
            [str(bin_dir / program), *words[1:], *extra],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            env=env,
        )
        assert done.returncode == 0, (words, done.stdout, done.stderr)
