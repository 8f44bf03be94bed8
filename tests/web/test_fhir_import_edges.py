"""The FHIR import's edges, each as a prober found it: a subject on another server, JSON
nested too deep, odd Bundles, control characters in a name, and unlimited token guessing.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import date

import pytest
from sqlalchemy import func, select, text

from app import create_app
from app.platform.extensions import db
from app.platform.logs import SecretMask
from app.records.models import AuditEvent, Patient, QuestionnaireResponse, TokenFailure
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import make_token
from tests.web.test_fhir_api import URL, post, sent


def diagnostics(answer) -> list[tuple[list[str] | None, str]]:
    return [(i.get("expression"), i["diagnostics"]) for i in answer.get_json()["issue"]]


@pytest.mark.parametrize(
    "foreign",
    [
        "http://other.example/fhir/Patient/{id}",
        "https://other.example/Patient/{id}",
        "http://localhost/other/fhir/Patient/{id}",
        "urn:other:Patient/{id}",
    ],
)
def test_a_subject_on_another_server_is_refused_not_filed_against_a_local_patient(
    app, client, clinic, importer, foreign
):
    patient_id = clinic.with_answers("Meena Kumari", FUSION_PATIENT_STORED)
    reference = foreign.format(id=patient_id)
    answer = post(client, sent(subject={"reference": reference}, contained=None), importer)
    assert answer.status_code == 422
    [(where, said)] = diagnostics(answer)
    assert where == ["subject.reference"]
    assert "another server" in said
    assert "Patient/<id>" in said
    assert "urn:scs-intake:patient|<reference>" in said
    with app.app_context():
        assert db.session.scalar(select(func.count(QuestionnaireResponse.id))) == 1


def test_this_server_s_own_absolute_reference_is_local(app, client, clinic, importer):
    patient_id = clinic.with_answers("Meena Kumari", FUSION_PATIENT_STORED)
    own = f"http://localhost/fhir/Patient/{patient_id}"
    assert (
        post(client, sent(subject={"reference": own}, contained=None), importer).status_code == 201
    )


def test_json_nested_ten_thousand_deep_is_a_clear_400(client, importer):
    answer = client.post(
        URL,
        data="[" * 10_000 + "]" * 10_000,
        headers=importer,
        content_type="application/fhir+json",
    )
    assert answer.status_code == 400
    assert "nested too deeply" in answer.get_json()["issue"][0]["diagnostics"]
    shallow = client.post(
        URL,
        data=json.dumps({"a": [[[[[[]]]]]]}),
        headers=importer,
        content_type="application/fhir+json",
    )
    assert shallow.status_code == 422


@pytest.mark.parametrize(
    ("entries", "where", "said"),
    [
        (["not an entry"], "Bundle.entry[0]", "each entry is an object"),
        ([{"resource": "QuestionnaireResponse"}], "Bundle.entry[0].resource", "a resource"),
        ([{"resource": [1, 2]}], "Bundle.entry[0].resource", "a resource"),
        ([{}, {"resource": {"id": "x"}}], "Bundle.entry[0].resource", "a resource"),
        (
            [{"resource": {"resourceType": 7}}],
            "Bundle.entry[0].resource.resourceType",
            "resourceType",
        ),
        (
            [{"resource": {"resourceType": "Patient", "name": "Asha"}}],
            "Bundle.entry[0].resource.name",
            "not valid FHIR R4",
        ),
    ],
)
def test_every_shape_error_in_a_bundle_names_the_entry(client, importer, entries, where, said):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    answer = post(client, bundle, importer)
    assert answer.status_code == 422
    found = diagnostics(answer)
    assert any(w and w[0].startswith(where) and said in text for w, text in found), found


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            {
                "contained": [
                    {
                        "resourceType": "Patient",
                        "id": "p1",
                        "name": [{"text": "Ravi\u0000 Kumar"}],
                        "birthDate": "1961-04-12",
                    }
                ]
            },
            "contained[0].name[0].text",
        ),
        (
            {
                "contained": [
                    {
                        "resourceType": "Patient",
                        "id": "p1",
                        "name": [{"text": "Ravi Kumar"}],
                        "birthDate": "1961-04-12",
                        "identifier": [{"system": "urn:x", "value": "a\u001bb"}],
                    }
                ]
            },
            "contained[0].identifier[0].value",
        ),
        (
            {"identifier": {"system": "urn:scs-intake:response", "value": "r\u0007-1"}},
            "identifier.value",
        ),
    ],
)
def test_control_characters_in_any_imported_string_are_refused_with_their_place(
    app, client, importer, change, where
):
    resource = {**sent(), **change, "subject": {"reference": "#p1"}}
    answer = post(client, resource, importer)
    assert answer.status_code == 422
    assert (
        [where],
        "holds a control character (such as a NUL); remove it and send again",
    ) in diagnostics(answer)
    with app.app_context():
        assert db.session.scalar(select(func.count(Patient.id))) == 0


def test_an_answer_with_a_nul_is_refused_by_its_place_too(client, importer):
    resource = sent()
    n, goals = next((n, i) for n, i in enumerate(resource["item"]) if i["linkId"] == "goals")
    goals["item"][0]["answer"][0]["valueString"] = "Walk\u0000 again"
    answer = post(client, resource, importer)
    assert answer.status_code == 422
    assert [w for w, _ in diagnostics(answer)] == [[f"item[{n}].item[0].answer[0].valueString"]]


@pytest.fixture
def limited_app(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'l.db'}",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        TOKEN_FAILURE_LIMIT="3 per minute",
    )
    with app.app_context():
        db.create_all()
    return app


def test_wrong_tokens_are_limited_per_client_and_counted_without_the_token(limited_app):
    from tests.conftest import Person

    admin_client = limited_app.test_client()
    with limited_app.app_context():
        from tests.factories import StaffFactory

        StaffFactory(role="admin", email="admin@clinic.example")
    Person(admin_client).login("admin@clinic.example")
    valid = {"Authorization": f"Bearer {make_token(admin_client)}"}
    guesser = limited_app.test_client()
    guess = {"Authorization": "Bearer scs_" + "A" * 43}
    prober = {"REMOTE_ADDR": "203.0.113.9"}
    other = {"REMOTE_ADDR": "198.51.100.7"}

    def send(headers, where):
        return guesser.post(
            URL,
            data=json.dumps(sent()),
            headers=headers,
            content_type="application/fhir+json",
            environ_overrides=where,
        )

    assert [send(guess, prober).status_code for _ in range(3)] == [401, 401, 401]
    blocked = send(guess, prober)
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 61
    assert blocked.get_json()["resourceType"] == "OperationOutcome"
    assert send(valid, prober).status_code == 429  # the guessing address waits, whatever it sends
    assert send(valid, other).status_code == 201  # another client is not affected
    with limited_app.app_context():
        [row] = db.session.scalars(select(TokenFailure)).all()
        assert (row.client, row.count) == ("203.0.113.9", 3)
        assert row.first_at <= row.last_at
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "api_token.refused")
        ).all()
        assert [e.target for e in refused] == ["client:203.0.113.9"]
        dump = " ".join(
            str(r)
            for query in ("SELECT * FROM token_failures", "SELECT * FROM audit_events")
            for r in db.session.execute(text(query))
        )
    assert "A" * 43 not in dump
    page = admin_client.get("/admin/tokens").get_data(as_text=True)
    assert "203.0.113.9" in page


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "GET /fhir/Questionnaire?access_token=scs_secret123 HTTP/1.1",
            "GET /fhir/Questionnaire?access_token=*** HTTP/1.1",
        ),
        (
            "POST /fhir/QuestionnaireResponse?patient=3&token=abc&api_key=xyz HTTP/1.1",
            "POST /fhir/QuestionnaireResponse?patient=3&token=***&api_key=*** HTTP/1.1",
        ),
        (
            "Exception on /auth/invitation/Zx8-live_token [POST]",
            "Exception on /auth/invitation/*** [POST]",
        ),
        ("GET /auth/reset/abcDEF123?next=/ HTTP/1.1", "GET /auth/reset/***?next=/ HTTP/1.1"),
        ("GET /fhir/metadata HTTP/1.1", "GET /fhir/metadata HTTP/1.1"),
    ],
)
def test_tokens_in_paths_and_query_strings_are_masked_in_log_lines(line, masked):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(SecretMask())
    logger = logging.getLogger("werkzeug-mask-test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("%s", line)
    finally:
        logger.removeHandler(handler)
    assert out.getvalue().strip() == masked


def test_the_development_server_s_access_log_masks_tokens(app):
    werkzeug_logger = logging.getLogger("werkzeug")
    assert any(isinstance(f, SecretMask) for f in werkzeug_logger.filters)
    app_logger = logging.getLogger("app")
    assert all(
        any(isinstance(f, SecretMask) for f in h.filters)
        for h in app_logger.handlers
        if getattr(h, "scs_intake", False)
    )


# Imports into a patient the clinic has: held until staff accept them


def test_an_import_never_changes_what_a_patient_with_a_draft_sees(
    app, client, clinic, importer, patient, person
):
    person.save("goals", [("goals_text", "My own words, not sent yet")])
    answer = post(client, sent(subject=None, contained=None), importer, f"?patient={patient}")
    assert answer.status_code == 201
    assert "held as revision 2" in answer.get_data(as_text=True)
    me = person.client
    assert "/intake/section/" in me.get("/intake/").headers["Location"]
    assert "My own words, not sent yet" in me.get("/intake/section/goals").get_data(as_text=True)
    assert me.get("/intake/submitted").headers["Location"].endswith("/intake/")
    assert "Tapentadol" not in me.get("/intake/your-data.json").get_data(as_text=True)


def test_an_import_never_replaces_a_patient_s_submitted_answers_until_accepted(
    app, client, clinic, importer, submitted_patient, person, staff
):
    other = {**FUSION_PATIENT_STORED, "goals_text": "Someone else's goal"}
    resource = sent(other, subject=None, contained=None)
    assert post(client, resource, importer, f"?patient={submitted_patient}").status_code == 201
    mine = person.client.get("/intake/submitted").get_data(as_text=True)
    assert "Someone else" not in mine
    worklist = staff.get("/clinic/").get_data(as_text=True)
    assert "Imported answers to accept" in worklist
    page = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    assert "Answers sent by another system are waiting" in page
    assert "FHIR API, token Ward tablets" in page
    assert "<strong>not sent</strong>" in page
    assert "Someone else" not in page  # the summary shows the patient's own revision

    refused = staff.post(f"/clinic/patients/{submitted_patient}/imports/2/accept", data={})
    assert "do not match this patient" in staff.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    assert "Someone else" not in person.client.get("/intake/submitted").get_data(as_text=True)
    staff.post(
        f"/clinic/patients/{submitted_patient}/imports/2/accept",
        data={"override": "Phoned the patient: the ward tablet was theirs"},
    )
    assert "Someone else" in person.client.get("/intake/submitted").get_data(as_text=True)
    with app.app_context():
        accepted = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import.accept"))
        imported = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import.fhir"))
    assert accepted.detail["override"] == "Phoned the patient: the ward tablet was theirs"
    assert imported.detail["origin"] == "FHIR API, token Ward tablets"
    assert imported.detail["token"] >= 1
    assert imported.detail["token_owner"] >= 1


def test_an_import_whose_name_and_birth_date_match_is_accepted_without_an_override(
    app, client, clinic, importer, staff
):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED, dob=date(1961, 4, 12))
    ref = clinic.patient(patient_id).ref
    resource = sent()
    resource["contained"][0]["identifier"] = [{"system": "urn:scs-intake:patient", "value": ref}]
    resource["contained"][0]["name"] = [{"text": "ravi  kumar"}]
    assert post(client, resource, importer).status_code == 201
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "<strong>matched</strong>" in page
    staff.post(f"/clinic/patients/{patient_id}/imports/2/accept", data={})
    with app.app_context():
        held = db.session.scalar(
            select(QuestionnaireResponse.hold).where(QuestionnaireResponse.revision == 2)
        )
    assert held is None


def test_an_import_set_aside_stays_on_record_and_never_reaches_the_patient(
    app, client, clinic, importer, submitted_patient, person, staff
):
    other = {**FUSION_PATIENT_STORED, "goals_text": "Someone else's goal"}
    post(
        client, sent(other, subject=None, contained=None), importer, f"?patient={submitted_patient}"
    )
    staff.post(f"/clinic/patients/{submitted_patient}/imports/2/reject")
    assert "Answers sent by another system" not in staff.get(
        f"/clinic/patients/{submitted_patient}"
    ).get_data(as_text=True)
    assert "Someone else" not in person.client.get("/intake/submitted").get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                select(QuestionnaireResponse.hold).where(QuestionnaireResponse.revision == 2)
            )
            == "rejected"
        )


# What leaves, and who asked: drafts only on purpose, exports name their patients


def test_a_draft_leaves_by_fhir_only_when_asked_for_and_that_is_audited(app, clinic, staff, admin):
    patient_id = clinic.with_answers("Draft Person", {"sex": "male"}, submitted=False)
    url = f"/fhir/patients/{patient_id}/questionnaire-response.json"
    assert staff.get(url).status_code == 404
    reader = {"Authorization": f"Bearer {make_token(admin, scopes=('read',))}"}
    client = app.test_client()
    assert client.get(url, headers=reader).status_code == 404
    asked = client.get(url + "?include=draft", headers=reader)
    assert asked.status_code == 200
    assert asked.get_json()["status"] == "in-progress"
    with app.app_context():
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.fhir")
        ).all()
    assert event.detail["draft"] is True
    assert event.detail["token"] >= 1
    assert event.detail["token_owner"] >= 1


def test_a_csv_export_names_whose_records_left(app, clinic, staff, exports_allowed):
    first = clinic.with_answers("Asha Rao", FUSION_PATIENT_STORED)
    second = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    staff.get("/clinic/export.csv?identifiers=1")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.csv"))
    refs = sorted(clinic.patient(p).ref[:8] for p in (first, second))
    assert event.detail["patients"] == refs


def test_worklist_searches_and_the_invite_page_s_duplicate_check_are_audited(app, clinic, staff):
    clinic.with_answers("Lata Shah", FUSION_PATIENT_STORED, dob=date(1958, 7, 30))
    staff.get("/clinic/?q=lata")
    staff.post(
        "/clinic/invite",
        data={"name": "Lata Shah", "date_of_birth": "1958-07-30", "email": "lata@example.org"},
    )
    with app.app_context():
        search = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "worklist.search"))
        shown = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "invite.duplicate_shown")
        )
    assert search.detail == {"query": "lata", "found": 1}
    assert shown is not None
    assert shown.patient_ref is not None


def test_a_database_error_never_carries_the_values_it_tried_to_store(app, clinic, caplog):
    """A failed INSERT logged with its trace holds no value: SQLAlchemy's parameters are
    hidden, and PostgreSQL's own "Key (email)=(…) already exists" is masked."""
    from sqlalchemy.exc import IntegrityError

    from app.records.models import User

    clinic.staff("clinician", email="dup@clinic.example")
    caplog.set_level(logging.ERROR, logger="app")
    with app.app_context():
        db.session.add(
            User(
                role="clinician", name="Secret Name", email="dup@clinic.example", session_token="x"
            )
        )
        try:
            db.session.flush()
        except IntegrityError:
            app.logger.exception("Exception on /admin/staff [POST]")
        db.session.rollback()
    logged = "\n".join(caplog.text.splitlines())
    assert "IntegrityError" in logged
    assert "Secret Name" not in logged
    assert "dup@clinic.example" not in logged
    assert "hide_parameters" in logged
