"""The engine is plain Python in fact, and the import contracts cover every module.

``lint-imports`` (run by ``make test``) checks what each module imports. It cannot see
that importing ``app.questionnaire`` first runs ``app/__init__.py``, so the first test
imports the engine in a fresh interpreter and looks at what was loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

from app import ROOT

WEB_STACK = ("flask", "werkzeug", "wtforms", "flask_login", "flask_wtf", "flask_sqlalchemy",
             "sqlalchemy")
ENGINE = ("app.questionnaire.definition", "app.questionnaire.answers",
          "app.questionnaire.enable_when", "app.questionnaire.scoring",
          "app.questionnaire.progress", "app.summary.builder", "app.summary.answer_list",
          "app.summary.changes", "app.summary.highlights", "app.interop.fhir_questionnaire",
          "app.interop.fhir_response", "app.interop.csv_export")


def test_importing_the_engine_loads_no_web_stack():
    script = (
        "import importlib, json, sys\n"
        f"for name in {ENGINE!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = json.loads(subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True,
                                       capture_output=True, text=True).stdout)
    assert "app.questionnaire.definition" in loaded
    assert [m for m in loaded if m.split(".")[0] in WEB_STACK] == []


def test_every_shared_module_is_held_to_the_blueprint_contract():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    shared = next(c for c in contracts["contracts"] if c["name"].startswith("Shared modules"))
    modules = {f"app.{p.stem}" for p in (ROOT / "app").glob("*.py")}
    assert modules - {"app.__init__", "app.factory"} == set(shared["source_modules"])
