"""FHIR that other systems can use: API tokens, what senders really send, a conformant
Questionnaire (ids, metadata, search, versions), enableWhen as FHIR reads it, and SDC
totals that compute elsewhere as they do here."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from functools import cache

import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhirpathpy import compile as compile_fhirpath
from sqlalchemy import select

from app.engine.interop.fhir_questionnaire import CALCULATED, ITEM_WEIGHT, to_fhir_questionnaire
from app.engine.interop.fhir_response import to_fhir_response
from app.engine.questionnaire.definition import load_definition
from app.engine.questionnaire.enable_when import enabled_link_ids, prune_hidden
from app.engine.questionnaire.scoring import score_all
from app.platform.extensions import db
from app.records.models import ApiToken, AuditEvent, Patient, QuestionnaireResponse
from app.records.questionnaires import DEFINITIONS_DIR
from tests.answers_data import CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED, FUSION_PATIENT_STORED
from tests.conftest import make_token

Q = load_definition(DEFINITIONS_DIR / "scs_intake.v3.yaml")
ANSWER_SETS = [FUSION_PATIENT_STORED, CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED]
AUTHORED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
URL = "/fhir/QuestionnaireResponse"


def walk(items):
    for item in items:
        yield item
        yield from walk(item.get("item", []))


def sent(answers=FUSION_PATIENT_STORED, **changes):
    """A response as the app exports it, then changed the way another sender differs."""
    resource = to_fhir_response(
        Q,
        answers,
        status="submitted",
        authored=AUTHORED,
        patient_name="Ravi Kumar",
        birth_date=date(1961, 4, 12),
        reference="feedc0de-1",
    )
    resource.update(changes)
    return {k: v for k, v in resource.items() if v is not None}


def post(client, resource, headers, query=""):
    return client.post(
        URL + query,
        data=json.dumps(resource),
        headers=headers,
        content_type="application/fhir+json",
    )


# API tokens


def test_an_admin_makes_a_token_shown_once_and_stored_as_a_hash(app, admin):
    secret = make_token(admin, scopes=("import", "read"))
    assert secret.startswith("scs_")
    assert secret not in admin.get("/admin/tokens").get_data(as_text=True)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert (token.name, token.scopes) == ("Ward tablets", "import read")
        assert secret not in token.token_hash
        assert len(token.token_hash) == 64
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.create"))
        assert event.detail["scopes"] == ["import", "read"]


def test_a_token_needs_a_name_and_a_scope(admin):
    page = admin.post("/admin/tokens", data={"name": ""}).get_data(as_text=True)
    assert "Enter a name for the system" in page
    assert "Choose at least one" in page


def test_every_use_is_audited_and_a_revoked_token_stops_working(app, admin, client, importer):
    assert post(client, sent(), importer).status_code == 201
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        uses = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "api_token.use")
        ).all()
        assert [(u.detail["name"], u.detail["path"]) for u in uses] == [("Ward tablets", URL)]
        assert token.last_used_at is not None
        token_id = token.id
    admin.post(f"/admin/tokens/{token_id}/revoke")
    assert "Revoked" in admin.get("/admin/tokens").get_data(as_text=True)
    refused = post(client, sent(), importer)
    assert refused.status_code == 401
    assert refused.get_json()["resourceType"] == "OperationOutcome"


def test_scopes_and_sessions_are_kept_apart(admin, client, staff):
    reader = {"Authorization": f"Bearer {make_token(admin, 'EHR', ('read',))}"}
    assert post(client, sent(), reader).status_code == 403
    assert post(client, sent(), {}).status_code == 401
    assert post(client, sent(), {"Authorization": "Bearer scs_made-up"}).status_code == 401
    # A logged-in clinician's cookie is not a token: the endpoint needs no CSRF token
    # because no browser session can use it.
    assert post(staff, sent(), {}).status_code == 401
    assert client.get("/fhir/Questionnaire/scs-intake", headers=reader).status_code == 200
    assert client.get("/fhir/Questionnaire/scs-intake").status_code == 302  # to log in


def test_a_read_token_fetches_a_patient_s_response_and_it_is_audited(app, admin, client, clinic):
    reader = {"Authorization": f"Bearer {make_token(admin, 'EHR', ('read',))}"}
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    response = client.get(
        f"/fhir/patients/{patient_id}/questionnaire-response.json", headers=reader
    )
    assert response.status_code == 200
    assert response.get_json()["resourceType"] == "QuestionnaireResponse"
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert {"api_token.use", "export.fhir"} <= set(actions)


# What senders send


def test_a_response_is_stored_and_answered_with_201(app, client, importer):
    answer = post(client, sent(), importer)
    assert answer.status_code == 201
    assert "/questionnaire-response.json" in answer.headers["Location"]
    issues = answer.get_json()["issue"]
    assert "submitted" in issues[-1]["diagnostics"]
    with app.app_context():
        patient = db.session.scalar(select(Patient))
        assert (patient.name, patient.worklist_status) == ("Ravi Kumar", "submitted")


def test_a_reference_to_a_patient_the_clinic_has(app, client, clinic, importer):
    patient_id = clinic.with_answers("Meena Kumari", FUSION_PATIENT_STORED)
    resource = sent(subject={"reference": f"Patient/{patient_id}"}, contained=None)
    assert post(client, resource, importer).status_code == 201
    with app.app_context():
        revisions = db.session.scalars(
            select(QuestionnaireResponse.revision).where(
                QuestionnaireResponse.patient_id == patient_id
            )
        ).all()
        assert sorted(revisions) == [1, 2]
        assert db.session.scalar(select(db.func.count(Patient.id))) == 1
    for unknown in ("Patient/999", "Patient/" + "9" * 30):
        missing = post(client, sent(subject={"reference": unknown}, contained=None), importer)
        assert missing.status_code == 422
        assert unknown in missing.get_json()["issue"][0]["diagnostics"]


def test_an_identifier_of_a_patient_the_clinic_has(app, client, clinic, importer):
    patient_id = clinic.with_answers("Meena Kumari", FUSION_PATIENT_STORED)
    ref = clinic.patient(patient_id).ref
    resource = sent(
        subject={"identifier": {"system": "urn:scs-intake:patient", "value": ref}}, contained=None
    )
    assert post(client, resource, importer).status_code == 201
    other = sent(subject={"identifier": {"system": "urn:other", "value": ref}}, contained=None)
    assert "urn:scs-intake:patient" in post(client, other, importer).get_data(as_text=True)


def test_a_bundled_patient_and_no_subject_with_the_patient_s_id(app, client, clinic, importer):
    resource = sent(
        subject={"reference": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"}, contained=None
    )
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                "resource": {
                    "resourceType": "Patient",
                    "name": [{"given": ["Asha"], "family": "Rao"}],
                    "birthDate": "1958-07-30",
                },
            },
            {"fullUrl": "urn:uuid:00000000-0000-0000-0000-000000000001", "resource": resource},
        ],
    }
    assert post(client, bundle, importer).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Patient.name)) == "Asha Rao"
        patient_id = db.session.scalar(select(Patient.id))

    bare = sent(subject=None, contained=None)
    refused = post(client, bare, importer)
    assert refused.status_code == 422
    assert "names no patient" in refused.get_data(as_text=True)
    assert post(client, bare, importer, f"?patient={patient_id}").status_code == 201


def test_flask_fhir_import_takes_the_patient_s_id(runner, clinic, tmp_path):
    patient_id = clinic.with_answers("Meena Kumari", FUSION_PATIENT_STORED)
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(sent(subject=None, contained=None)))
    refused = runner.invoke(args=["fhir", "import", str(path)])
    assert refused.exit_code != 0
    assert "--patient" in refused.output
    done = runner.invoke(args=["fhir", "import", str(path), "--patient", str(patient_id)])
    assert done.exit_code == 0, done.output
    assert done.output.strip().endswith(f"patient {patient_id} (held for staff to accept)")


def test_completed_with_required_answers_missing_is_kept_in_progress(app, client, importer, staff):
    begun = {i.link_id for s in Q.sections[:2] for i in s.questions}
    partial = {k: v for k, v in FUSION_PATIENT_STORED.items() if k in begun}
    answer = post(client, sent(partial), importer)
    assert answer.status_code == 201
    warning = answer.get_json()["issue"][0]
    assert warning["severity"] == "warning"
    assert "kept as in progress" in warning["diagnostics"]
    assert "phq9_1" in warning["diagnostics"]
    with app.app_context():
        assert db.session.scalar(select(QuestionnaireResponse.status)) == "draft"
    assert "In progress" in staff.get("/clinic/").get_data(as_text=True)


def test_a_whole_date_for_a_month_question_is_kept_as_its_month(app, client, importer):
    resource = sent()
    for item in walk(resource["item"]):
        if item["linkId"] == "pain_start_date":
            item["answer"] = [{"valueDate": "2019-03-01"}]
    answer = post(client, resource, importer)
    assert answer.status_code == 201
    assert any(i.get("expression") == ["pain_start_date"] for i in answer.get_json()["issue"])
    with app.app_context():
        stored = db.session.scalar(select(QuestionnaireResponse.answers))
    assert stored["pain_start_date"] == "2019-03"


def test_every_problem_is_listed(client, importer):
    resource = sent()
    for item in walk(resource["item"]):
        if item["linkId"] == "pain_now":
            item["answer"] = [{"valueInteger": 42}]
        if item["linkId"] == "sex":
            item["answer"] = [{"valueCoding": {"code": "martian"}}]
    resource["item"][0]["item"].append({"linkId": "shoe_size", "answer": [{"valueInteger": 9}]})
    answer = post(client, resource, importer)
    assert answer.status_code == 422
    where = sorted(i["expression"][0] for i in answer.get_json()["issue"])
    assert where == ["pain_now", "sex", "shoe_size"]
    assert post(client, {"resourceType": "Patient"}, importer).status_code == 422
    not_json = client.post(URL, data="{", headers=importer)
    assert not_json.status_code == 400


# A conformant resource


def test_the_id_and_the_address_agree_and_the_old_address_redirects(staff):
    resource = staff.get("/fhir/Questionnaire/scs-intake").get_json()
    assert resource["id"] == "scs-intake"
    old = staff.get("/fhir/Questionnaire/scs_intake?version=1")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/fhir/Questionnaire/scs-intake?version=1")


@pytest.mark.parametrize(
    "query",
    [
        "questionnaire_id=x",
        "_method=POST",
        "_scheme=javascript",
        "_anchor=evil",
        "_external=0&version=2",
        "version=x",
    ],
)
def test_the_old_address_carries_only_the_version_over(staff, query):
    old = staff.get(f"/fhir/Questionnaire/scs_intake?{query}")
    assert old.status_code == 301
    assert old.headers["Location"].startswith("/fhir/Questionnaire/scs-intake")
    for leaked in ("javascript", "#", "_method", "questionnaire_id"):
        assert leaked not in old.headers["Location"]


def test_metadata_is_a_capability_statement(client):
    response = client.get("/fhir/metadata")
    assert response.mimetype == "application/fhir+json"
    statement = CapabilityStatement.model_validate(response.get_json())
    kinds = {r.type: r for r in statement.rest[0].resource}
    assert {"Questionnaire", "QuestionnaireResponse"} <= set(kinds)
    assert f"{Q.url}|1" in kinds["Questionnaire"].documentation


def test_search_by_url_finds_every_version_and_each_one(staff):
    bundle = staff.get(f"/fhir/Questionnaire?url={Q.url}").get_json()
    assert bundle["type"] == "searchset"
    assert [e["resource"]["version"] for e in bundle["entry"]] == ["1", "2", "3"]
    one = staff.get(f"/fhir/Questionnaire?url={Q.url}|1").get_json()
    assert [e["resource"]["version"] for e in one["entry"]] == ["1"]
    assert staff.get("/fhir/Questionnaire?url=urn:nothing").get_json()["total"] == 0
    for version in ("1", "2", "3"):
        fetched = staff.get(f"/fhir/Questionnaire/scs-intake?version={version}").get_json()
        assert fetched["version"] == version


# enableWhen as FHIR reads it


def _fhir_condition(condition, answers) -> bool:
    """FHIR R4's reading of one enableWhen, written from the specification."""
    value = answers.get(condition["question"])
    values = [] if value in (None, "", []) else value if isinstance(value, list) else [value]
    key = next(k for k in condition if k.startswith("answer"))
    wanted = condition[key]["code"] if key == "answerCoding" else condition[key]
    op = condition["operator"]
    if op == "exists":
        return bool(values) == wanted
    if op == "=":
        return any(v == wanted for v in values)
    if op == "!=":
        return not any(v == wanted for v in values)  # true while unanswered
    compare = {">": float.__gt__, "<": float.__lt__, ">=": float.__ge__, "<=": float.__le__}
    return any(compare[op](float(v), float(wanted)) for v in values)


def fhir_enabled(resource, answers) -> set[str]:
    items = [i for section in resource["item"] for i in section.get("item", [])]
    enabled = set()
    for item in items:
        conditions = item.get("enableWhen")
        if not conditions:
            enabled.add(item["linkId"])
            continue
        results = [_fhir_condition(c, answers) for c in conditions]
        if (all if item.get("enableBehavior", "all") == "all" else any)(results):
            enabled.add(item["linkId"])
    return enabled


CASES = [
    {},
    {"completed_by": "self"},
    {"completed_by": "someone_else"},
    {"sex": "male"},
    {"sex": "female"},
    {"alcohol_frequency": "never"},
    {"alcohol_frequency": "weekly"},
    *ANSWER_SETS,
]


@pytest.mark.parametrize("answers", CASES)
def test_fhir_s_reading_of_the_export_enables_what_the_app_enables(answers):
    answers = prune_hidden(Q, answers)
    questions = {i.link_id for i in Q.top_level_items()}
    exported = to_fhir_questionnaire(Q)
    assert fhir_enabled(exported, answers) & questions == enabled_link_ids(Q, answers)


def test_unanswered_controlling_questions_keep_their_followups_hidden_in_fhir():
    exported = to_fhir_questionnaire(Q)
    shown = fhir_enabled(exported, {})
    for hidden in ("helper_relation", "pregnant", "alcohol_typical_drinks", "alcohol_six_plus"):
        assert hidden not in shown


# SDC


def test_choices_say_radio_button_or_check_box_and_scored_options_carry_their_weight():
    items = {i["linkId"]: i for i in walk(to_fhir_questionnaire(Q)["item"])}
    FhirQuestionnaire.model_validate(to_fhir_questionnaire(Q))

    def control(link_id):
        found = [e for e in items[link_id].get("extension", []) if "itemControl" in e["url"]]
        return found[0]["valueCodeableConcept"]["coding"][0]["code"]

    assert control("sex") == "radio-button"
    assert control("red_flags") == "check-box"
    weights = [
        e["valueDecimal"]
        for o in items["phq9_1"]["answerOption"]
        for e in o["extension"]
        if e["url"] == ITEM_WEIGHT
    ]
    assert weights == [0, 1, 2, 3]


@cache
def _compiled(expression: str):
    return compile_fhirpath(expression)  # parsing is most of the time: once per expression


def _calculated(resource, response):
    """Each total's calculatedExpression, evaluated on the response as a renderer would."""
    totals = {}
    for item in walk(resource["item"]):
        for ext in item.get("extension", []):
            if ext["url"] == CALCULATED:
                found = _compiled(ext["valueExpression"]["expression"])(
                    response, {"resource": response}
                )
                totals[item["linkId"]] = float(found[0]) if found else None
    return totals


NAMES = {"phq9": "phq9_total", "gad7": "gad7_total", "peg": "peg_score", "auditc": "auditc_total"}


@pytest.mark.parametrize(
    "answers",
    [
        *ANSWER_SETS,
        {
            **FUSION_PATIENT_STORED,
            "alcohol_frequency": "never",
            "alcohol_typical_drinks": None,
            "alcohol_six_plus": None,
        },
        {k: v for k, v in FUSION_PATIENT_STORED.items() if k not in {"phq9_4", "peg_pain"}},
    ],
)
def test_calculated_expressions_give_the_app_s_own_totals(answers):
    answers = {k: v for k, v in answers.items() if v is not None}
    exported = to_fhir_questionnaire(Q)
    response = sent(answers)
    response["item"] = [s for s in response["item"] if s["linkId"] != "scores"]
    expected = {
        NAMES[i]: (None if s.total is None else float(s.total))
        for i, s in score_all(Q, prune_hidden(Q, answers)).items()
        if i in NAMES
    }
    assert _calculated(exported, copy.deepcopy(response)) == expected
    assert len(expected) == 4


def test_the_response_export_s_old_address_redirects_to_the_fhir_one(clinic, staff):
    patient_id = clinic.with_answers("Meena Kumari", FUSION_PATIENT_STORED)
    old = staff.get(f"/clinic/patients/{patient_id}/questionnaire-response.json?revision=1")
    assert old.status_code == 308
    assert old.headers["Location"] == (
        f"/fhir/patients/{patient_id}/questionnaire-response.json?revision=1"
    )
    assert staff.get(old.headers["Location"]).get_json()["resourceType"] == (
        "QuestionnaireResponse"
    )
    # A query naming the patient again, or url_for's own options, changes nothing.
    odd = staff.get(
        f"/clinic/patients/{patient_id}/questionnaire-response.json"
        "?revision=1&patient_id=x&_scheme=javascript&_external=1"
    )
    assert odd.status_code == 308
    assert odd.headers["Location"] == old.headers["Location"]
