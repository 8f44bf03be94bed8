"""A server without a library WeasyPrint loads still starts, and only the PDF link says so.

Each case runs the app in a fresh interpreter whose library loader is rigged, because
WeasyPrint loads its libraries once, when it is first imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from app import ROOT
from app.platform.pdf import missing_packages

# cffi refuses HarfBuzz-Subset, as on a machine without libharfbuzz-subset0.
REFUSE_SUBSET = """
import cffi

_dlopen = cffi.FFI.dlopen


def _refuse_subset(self, name, flags=0):
    if "harfbuzz-subset" in str(name):
        raise OSError(f"cannot load library {name!r} (libharfbuzz-subset0 not installed)")
    return _dlopen(self, name, flags)


cffi.FFI.dlopen = _refuse_subset
"""
# WeasyPrint's loader fails for HarfBuzz-Subset, as in a version that requires it.
LOADER_FAILS = """
import importlib.abc
import sys


class _Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint.text.ffi":
            raise OSError("cannot load library 'libharfbuzz-subset.so.0': "
                          "libharfbuzz-subset.so.0: cannot open shared object file")
        return None


sys.meta_path.insert(0, _Refuse())
"""
# The app's own code may not warn; the staff pages and the PDF link are then tried.
SCRIPT = """
import json, sys, tempfile, warnings
warnings.filterwarnings("error", module=r"app(\\.|$)")
from app import create_app
from app.platform.extensions import db
from tests.answers_data import FUSION_PATIENT_STORED
from tests.factories import STAFF_PASSWORD, StaffFactory, patient_with_answers

app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tempfile.mkdtemp()}/t.db")
with app.app_context():
    db.create_all()
    StaffFactory()
    patient_id = patient_with_answers(FUSION_PATIENT_STORED, name="Ravi Kumar").id
client = app.test_client()
client.post("/auth/login", data={"identifier": "clinician@clinic.example",
                                 "password": STAFF_PASSWORD})
pdf = client.get(f"/clinic/patients/{patient_id}/summary.pdf")
print(json.dumps({
    "worklist": client.get("/clinic/").status_code,
    "summary": client.get(f"/clinic/patients/{patient_id}").status_code,
    "pdf": pdf.status_code, "pdf_type": pdf.mimetype,
    "pdf_page": pdf.get_data(as_text=True) if pdf.mimetype == "text/html" else "",
}))
"""


def run_with(shim: str, tmp_path) -> dict:
    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent(shim))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "log": done.stderr}


def test_without_harfbuzz_subset_the_app_starts_and_still_makes_pdfs(tmp_path):
    """WeasyPrint 70 only warns without HarfBuzz-Subset (its fonts are not subset)."""
    result = run_with(REFUSE_SUBSET, tmp_path)
    assert (result["worklist"], result["summary"]) == (200, 200)
    assert (result["pdf"], result["pdf_type"]) == (200, "application/pdf")
    assert "HarfBuzz-Subset will be required" in result["log"]


def test_when_weasyprint_cannot_load_the_pdf_link_says_why_and_offers_print(tmp_path):
    result = run_with(LOADER_FAILS, tmp_path)
    assert (result["worklist"], result["summary"]) == (200, 200)
    assert result["pdf"] == 503
    page = result["pdf_page"]
    assert "PDF printing is not available on this server" in page
    assert "libharfbuzz-subset.so.0" in page
    assert "print the summary from your browser" in page


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ({"pango-1.0", "pangoft2-1.0", "harfbuzz-subset"}, []),
        ({"pango-1.0", "pangoft2-1.0"}, ["libharfbuzz-subset0"]),
        (set(), ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"]),
    ],
)
def test_the_start_up_check_names_the_debian_packages_that_are_missing(present, missing):
    assert missing_packages(lambda name: f"lib{name}.so" if name in present else None) == missing
