"""The folders are the layers, and the import contracts hold them.

``lint-imports`` (run by ``make test``) checks what each module imports: web → records →
platform, every layer → engine, and the engine nothing of the web stack. It cannot see that
importing ``app.engine`` first runs ``app/__init__.py``, so one test imports the engine in
a fresh interpreter and looks at what was loaded; another breaks the rule in a copy of the
app and shows the contract catches it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import ROOT

WEB_STACK = (
    "flask",
    "werkzeug",
    "wtforms",
    "flask_login",
    "flask_wtf",
    "flask_sqlalchemy",
    "sqlalchemy",
)
LAYERS = ("engine", "records", "platform", "web")
ENGINE = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for p in (ROOT / "app" / "engine").rglob("*.py")
    if p.stem != "__init__"
)


def test_ls_app_shows_the_layers_with_few_loose_modules():
    loose = sorted(p.name for p in (ROOT / "app").glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= 5, loose
    packages = {
        p.name for p in (ROOT / "app").iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    assert packages == set(LAYERS)


def test_importing_the_engine_loads_no_web_stack():
    script = (
        "import importlib, json, sys\n"
        f"for name in {ENGINE!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    )
    assert "app.engine.questionnaire.definition" in loaded
    assert [m for m in loaded if m.split(".")[0] in WEB_STACK] == []


def _lint_a_copy(tmp_path: Path, change: tuple[str, str]) -> subprocess.CompletedProcess:
    """lint-imports on a copy of the app with one line added to one module."""
    shutil.copytree(
        ROOT / "app",
        tmp_path / "app",
        ignore=shutil.ignore_patterns("__pycache__", "static", "content"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    module, line = change
    path = tmp_path / Path(*module.split(".")).with_suffix(".py")
    path.write_text(path.read_text() + f"\n{line}\n")
    linter = Path(sys.executable).parent / "lint-imports"
    if not linter.exists():
        pytest.skip("import-linter is not installed")
    return subprocess.run(
        [str(linter), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        (
            ("app.engine.questionnaire.definition.model", "import flask  # noqa"),
            "The engine imports no web stack and no database BROKEN",
        ),
        (("app.records.audit", "from app.web import access  # noqa"), "Layers: "),
        (("app.engine.summary.builder", "from app.records import models  # noqa"), "Layers: "),
    ],
)
def test_the_contracts_fail_when_a_layer_reaches_the_wrong_way(tmp_path, change, broken):
    result = _lint_a_copy(tmp_path, change)
    assert result.returncode != 0, result.stdout
    assert broken in result.stdout
