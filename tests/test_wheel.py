"""The project installs as a package: a wheel, installed outside the checkout, migrates a
database and serves pages with its own templates and static files."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app import ROOT

SOURCES = ["app", "templates", "migrations", "config.py", "wsgi.py", "pyproject.toml", "README.md"]

SERVE_A_PAGE = """
import app
from app import create_app

web = create_app("development")
client = web.test_client()
login = client.get("/auth/login")
css = client.get("/static/css/app.css")
about = client.get("/about-scs")
print(app.__file__)
print(web.template_folder)
print(login.status_code, b"<h1>Log in</h1>" in login.data)
print(css.status_code)
print(about.status_code, b"spinal cord stimulation" in about.data.lower())
"""


def data_files() -> dict[str, list[str]]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["setuptools"]["data-files"]


def test_every_templates_and_migrations_folder_is_shipped():
    """A folder added under templates/ without a data-files line would be missing from an
    installed site, and its pages would fail with TemplateNotFound."""
    folders = [
        path.relative_to(ROOT).as_posix()
        for top in ("templates", "migrations")
        for path in [ROOT / top, *(ROOT / top).rglob("*")]
        if path.is_dir() and path.name != "__pycache__"
    ]
    shipped = data_files()
    assert folders
    for folder in folders:
        assert f"share/scs-intake/{folder}" in shipped, folder


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh environment outside the checkout with only the built wheel of this project;
    its dependencies are lent from the running environment, as nothing can be fetched."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    wheels = work / "wheels"
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("scs_intake-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([*pip, "install", "--no-deps", "--prefix", str(venv), str(wheel)], check=True)
    (venv_site,) = venv.glob("lib/python3*/site-packages")
    (venv_site / "lent.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv


def run_installed(venv: Path, *args: str, cwd: Path) -> str:
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"sqlite:///{cwd / 'installed.db'}",
        "FLASK_APP": "wsgi",
    }
    done = subprocess.run(
        [str(venv / "bin" / "python"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_installed_wheel_migrates_and_serves_a_page(installed, tmp_path):
    run_installed(installed, "-m", "flask", "db", "upgrade", cwd=tmp_path)
    out = run_installed(installed, "-c", SERVE_A_PAGE, cwd=tmp_path).splitlines()
    package, templates, login, css, about = out[-5:]
    assert Path(package).is_relative_to(installed)
    assert Path(templates) == installed / "share" / "scs-intake" / "templates"
    assert login == "200 True"
    assert css == "200"
    assert about == "200 True"  # the information text, packaged content
