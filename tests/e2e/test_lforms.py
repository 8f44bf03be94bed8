"""A real FHIR renderer: NLM's LHC-Forms fills our Questionnaire, and what it sends back
imports through the API into the same brief as the same answers given in the app.

LHC-Forms comes from npm (``make lforms``, which ``make test`` runs); without it these
tests are skipped with the reason, and with REQUIRE_E2E=1 (CI) that is a failure.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app.engine.interop.fhir_response import SCORES_GROUP, to_fhir_response
from app.engine.summary.builder import build_summary
from app.platform.extensions import db
from app.records import api_tokens, questionnaires
from app.records.models import Patient, QuestionnaireResponse, User
from app.records.staff import create_staff
from tests.answers_data import FUSION_PATIENT_STORED
from tests.e2e.helpers import invite

LFORMS = Path(__file__).parent / ".lforms" / "package" / "dist" / "lforms"
HOST = "http://lforms.test/"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link href="/lforms/webcomponent/styles.css" rel="stylesheet">
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js" type="module"></script>
<script src="/lforms/webcomponent/polyfills.js" type="module"></script>
<script src="/lforms/webcomponent/main.js" type="module"></script>
</head><body><div id="form"></div></body></html>"""
TYPES = {".js": "application/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
TOTALS = (
    "[...document.querySelectorAll('input')].filter(i => i.id === 'phq9_total/1/1')"
    ".map(i => i.value)[0]"
)


@pytest.fixture(scope="module")
def lforms_files():
    if not (LFORMS / "webcomponent" / "main.js").exists():
        reason = "LHC-Forms is not installed (make lforms, which needs npm)"
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"the LHC-Forms test is required here but cannot run: {reason}")
        pytest.skip(reason)
    return LFORMS


def _serve(route, root: Path):
    path = route.request.url.removeprefix(HOST).split("?", 1)[0]
    if path == "":
        return route.fulfill(body=PAGE, content_type="text/html; charset=utf-8")
    file = (root / path.removeprefix("lforms/")).resolve()
    if root in file.parents and file.is_file():
        # UTF-8 said out loud: the FHIRPath parser inside is a string that Latin-1 breaks.
        return route.fulfill(path=str(file), content_type=TYPES.get(file.suffix))
    return route.fulfill(status=404)


def open_renderer(browser, root: Path, questionnaire: dict, response: dict | None = None):
    page = browser.new_page()
    page.route(HOST + "**", lambda route: _serve(route, root))
    page.goto(HOST)
    page.wait_for_function("typeof window.LForms?.Util?.addFormToPage === 'function'")
    # The FHIR support file extends LForms, so it is loaded once LForms is there.
    page.evaluate("""() => new Promise((ok, fail) => {
        const s = document.createElement('script');
        s.src = '/lforms/fhir/R4/lformsFHIR.min.js'; s.onload = ok; s.onerror = fail;
        document.head.appendChild(s); })""")
    page.evaluate(
        """async ([q, qr]) => {
        const form = qr ? LForms.Util.mergeFHIRDataIntoLForms(
            qr, LForms.Util.convertFHIRQuestionnaireToLForms(q, 'R4'), 'R4') : q;
        await LForms.Util.addFormToPage(form, 'form', {fhirVersion: 'R4'}); }""",
        [questionnaire, response],
    )
    return page


def exported(page) -> dict:
    return page.evaluate(
        "LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', "
        "document.getElementById('form'))"
    )


def call(app, path, token, body=None):
    request = urllib.request.Request(  # noqa: S310 - the test's own server
        app.config["BASE_URL"] + path,
        data=json.dumps(body).encode() if body else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
        method="POST" if body else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - our server
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def token(live_app):
    with live_app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "lforms-admin@clinic.example"))
        admin = admin or create_staff(
            "lforms-admin@clinic.example", "correct-horse-battery", "Forms Admin", "admin"
        )
        return api_tokens.create("LHC-Forms", ["import", "read"], by=admin)[1]


def test_lhc_forms_renders_our_questionnaire_as_the_app_means_it(
    browser, live_app, lforms_files, token
):
    status, questionnaire = call(live_app, "/fhir/Questionnaire/scs-intake", token)
    assert status == 200
    page = open_renderer(browser, lforms_files, questionnaire)
    # enableWhen: a follow-up stays hidden until its question is answered.
    assert page.locator('[id="helper_relation/1/1"]').count() == 0
    page.locator('label[id="completed_by/1/1||someone_else"]').click()
    page.locator('[id="helper_relation/1/1"]').wait_for()
    # itemControl: one answer is a radio button, several are check boxes.
    assert page.locator('[id="sex/1/1||male"] input').get_attribute("type") == "radio"
    assert page.locator('[id="red_flags/1/1||none"] input').get_attribute("type") == "checkbox"
    # calculatedExpression: the PHQ-9 total fills itself in as the items are answered.
    for n in range(1, 9):
        page.locator(f'label[id="phq9_{n}/1/1||1"]').click()
    assert page.evaluate(TOTALS) == ""  # one item still to answer: no total yet
    page.locator('label[id="phq9_9/1/1||0"]').click()
    page.wait_for_function(f"{TOTALS} === '8'")
    page.close()


def test_what_lhc_forms_sends_imports_into_the_same_brief(browser, live_app, lforms_files, token):
    with live_app.app_context():
        q = questionnaires.current()
        given = to_fhir_response(
            q,
            FUSION_PATIENT_STORED,
            status="submitted",
            authored=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            patient_name="-",
            birth_date=date(1961, 4, 12),
            reference="x-1",
        )
    given = {k: v for k, v in given.items() if k not in {"contained", "subject"}}
    given["item"] = [s for s in given["item"] if s["linkId"] != SCORES_GROUP]
    _, questionnaire = call(live_app, "/fhir/Questionnaire/scs-intake", token)
    page = open_renderer(browser, lforms_files, questionnaire, given)
    sent = exported(page)
    page.close()
    assert sent["status"] == "completed"
    assert "subject" not in sent  # as LHC-Forms sends it: the patient is named alongside

    invite(live_app, name="Forms Patient", email="forms@example.org")
    with live_app.app_context():
        patient_id = db.session.scalar(
            select(Patient.id).where(Patient.email == "forms@example.org")
        )
    status, outcome = call(
        live_app, f"/fhir/QuestionnaireResponse?patient={patient_id}", token, sent
    )
    assert status == 201, outcome
    with live_app.app_context():
        stored = db.session.scalar(
            select(QuestionnaireResponse).where(QuestionnaireResponse.patient_id == patient_id)
        )
        assert stored.status == "submitted"
        from_renderer = build_summary(q, stored.answers, stored.submitted_at)
        from_app = build_summary(q, FUSION_PATIENT_STORED, stored.submitted_at)
    assert from_renderer.brief == from_app.brief
    assert from_renderer.highlights == from_app.highlights
    assert from_renderer.groups == from_app.groups
