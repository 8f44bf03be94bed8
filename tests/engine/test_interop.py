"""FHIR R4 Questionnaire and QuestionnaireResponse, the import round trip, and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse as FhirResponse

from app.engine.interop.fhir_questionnaire import to_fhir_questionnaire
from app.engine.interop.fhir_response import from_fhir_response, to_fhir_response
from app.engine.questionnaire.definition import load_definition
from app.engine.summary.builder import PatientInfo, build_summary
from app.records.questionnaires import DEFINITIONS_DIR
from tests.answers_data import CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED, FUSION_PATIENT_STORED
from tests.conftest import Clinic

Q = load_definition(DEFINITIONS_DIR / "scs_intake.v3.yaml")
ANSWER_SETS = [FUSION_PATIENT_STORED, CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED]
AUTHORED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def walk(items):
    for item in items:
        yield item
        yield from walk(item.get("item", []))


def resource_for(answers, status="submitted", alerts=None):
    return to_fhir_response(
        Q,
        answers,
        status=status,
        authored=AUTHORED,
        patient_name="Ravi Kumar",
        birth_date=date(1961, 4, 12),
        reference="abc123-1",
        alert_times=alerts,
    )


def test_questionnaire_validates_and_holds_every_item():
    resource = to_fhir_questionnaire(Q)
    FhirQuestionnaire.model_validate(resource)
    link_ids = {i["linkId"] for i in walk(resource["item"])}
    assert set(Q.items) <= link_ids
    assert resource["url"] == Q.url
    assert resource["version"] == str(Q.version)
    assert resource["status"] == "active"


def test_questionnaire_items_map_types_options_and_conditions():
    items = {i["linkId"]: i for i in walk(to_fhir_questionnaire(Q)["item"])}
    assert items["about"]["type"] == "group"
    assert items["sleep_affected"]["type"] == "boolean"
    assert (items["red_flags"]["type"], items["red_flags"]["repeats"]) == ("choice", True)
    assert items["medications"]["repeats"] is True
    assert [c["linkId"] for c in items["medications"]["item"]][:2] == ["med_name", "med_kind"]
    assert items["helper_relation"]["maxLength"] == 60
    assert items["pregnant"]["enableWhen"] == [
        {"question": "sex", "operator": "exists", "answerBoolean": True},
        {"question": "sex", "operator": "!=", "answerCoding": {"code": "male", "display": "Male"}},
    ]
    assert items["pregnant"]["enableBehavior"] == "all"
    assert items["physio_duration"]["enableWhen"][0]["answerBoolean"] is True
    phq10 = items["phq9_10"]
    assert phq10["enableBehavior"] == "any"
    assert len(phq10["enableWhen"]) == 27
    assert {w["answerCoding"]["code"] for w in phq10["enableWhen"]} == {"1", "2", "3"}
    ordinal = items["phq9_1"]["answerOption"][3]["extension"][0]
    assert ordinal["valueDecimal"] == 3
    assert items["pain_now"]["extension"][1]["valueInteger"] == 10


def test_help_texts_travel_as_display_items():
    """An EHR rendering the Questionnaire shows patients the same guidance the app does."""
    resource = to_fhir_questionnaire(Q)
    link_ids = [i["linkId"] for i in walk(resource["item"])]
    assert len(link_ids) == len(set(link_ids))
    items = {i["linkId"]: i for i in walk(resource["item"])}
    helps = {
        i["linkId"].removesuffix("-help"): i
        for i in items.values()
        if i["type"] == "display" and "extension" in i
    }
    assert set(helps) == {item.link_id for item in Q.items.values() if item.help}
    mri = helps["mri_needed"]
    assert "strong magnet" in mri["text"]
    assert mri["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "help"
    assert "mri_needed-help" in [c["linkId"] for c in items["mri_needed"]["item"]]


def test_questionnaire_endpoint_serves_every_version_in_use(staff):
    response = staff.get("/fhir/Questionnaire/scs-intake?version=1")
    assert response.mimetype == "application/fhir+json"
    FhirQuestionnaire.model_validate(response.get_json())
    assert staff.get("/fhir/Questionnaire/scs-intake?version=7").status_code == 404
    assert staff.get("/fhir/Questionnaire/other").status_code == 404


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_response_validates_for_complete_answer_sets(answers):
    resource = resource_for(answers)
    FhirResponse.model_validate(resource)
    assert resource["questionnaire"] == f"{Q.url}|{Q.version}"
    assert resource["status"] == "completed"
    assert resource["subject"] == {"reference": "#patient", "display": "Ravi Kumar"}
    assert resource["contained"][0]["birthDate"] == "1961-04-12"


def test_response_nests_repeats_and_types_answers():
    items = list(walk(resource_for(FUSION_PATIENT_STORED)["item"]))
    surgeries = [i for i in items if i["linkId"] == "surgeries"]
    assert len(surgeries) == 2
    assert surgeries[1]["item"][1] == {
        "linkId": "surgery_year",
        "text": "In which year?",
        "answer": [{"valueInteger": 2021}],
    }
    by_id = {i["linkId"]: i for i in items}
    assert by_id["communication_needs"]["answer"] == [
        {"valueCoding": {"code": "interpreter", "display": "An interpreter"}},
        {"valueCoding": {"code": "hearing", "display": "Help with hearing"}},
    ]
    assert by_id["sleep_affected"]["answer"] == [{"valueBoolean": True}]
    assert by_id["weight_kg"]["answer"] == [{"valueDecimal": 88.5}]
    assert by_id["pain_start_date"]["answer"] == [{"valueDate": "2019-03"}]
    assert by_id["phq9_total"]["answer"] == [{"valueInteger": 9}]
    assert by_id["peg_score"]["answer"] == [{"valueDecimal": 7.0}]


def test_hidden_branches_are_not_exported():
    link_ids = {i["linkId"] for i in walk(resource_for(DIABETIC_PATIENT_STORED)["item"])}
    assert {"procedures", "surgeries", "pregnant", "blood_thinner_names"}.isdisjoint(link_ids)
    assert "hba1c" in link_ids


def test_a_draft_is_in_progress():
    resource = resource_for({"sex": "male"}, status="draft")
    FhirResponse.model_validate(resource)
    assert resource["status"] == "in-progress"


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_reading_an_exported_response_gives_back_the_answers(answers):
    alerts = {"self_harm": "2026-11-19T10:00:00+00:00"}
    parsed = from_fhir_response(Q, resource_for(answers, alerts=alerts))
    assert parsed["answers"] == answers
    assert parsed["alert_times"] == alerts
    patient = parsed["contained"][0]
    assert (patient["name"][0]["text"], patient["birthDate"]) == ("Ravi Kumar", "1961-04-12")
    assert parsed["subject"]["reference"] == "#patient"


def test_response_endpoint_is_audited(clinic, staff, app):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    response = staff.get(f"/fhir/patients/{patient_id}/questionnaire-response.json")
    assert response.mimetype == "application/fhir+json"
    FhirResponse.model_validate(response.get_json())
    with app.app_context():
        from sqlalchemy import select

        from app.platform.extensions import db
        from app.records.models import AuditEvent

        assert (
            db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "export.fhir"))
            == "export.fhir"
        )


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_round_trip_through_flask_fhir_import_gives_the_same_summary(
    app, clinic, staff, answers, tmp_path
):
    patient_id = clinic.with_answers("Ravi Kumar", answers)
    exported = staff.get(f"/fhir/patients/{patient_id}/questionnaire-response.json").data
    original = clinic.response(patient_id)
    path = tmp_path / "qr.json"
    path.write_bytes(exported)

    from app import create_app
    from app.platform.extensions import db

    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    with fresh.app_context():
        db.create_all()
    result = fresh.test_cli_runner().invoke(args=["fhir", "import", str(path)])
    assert result.exit_code == 0, result.output
    imported_id = int(result.output.split()[-1])
    imported = Clinic(fresh).response(imported_id)
    patient = Clinic(fresh).patient(imported_id)

    def summary(response, who):
        return build_summary(
            Q,
            response.answers,
            response.submitted_at,
            patient=PatientInfo(who.name, who.date_of_birth, None),
            alert_times=response.alerts_shown,
            revision=response.revision,
        )

    assert summary(imported, patient) == summary(original, clinic.patient(patient_id))


def test_an_imported_draft_counts_only_its_finished_sections(runner, staff, tmp_path):
    begun = {i.link_id for s in Q.sections[:2] for i in s.questions}
    answers = {k: v for k, v in FUSION_PATIENT_STORED.items() if k in begun}
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(resource_for(answers, status="draft")))

    result = runner.invoke(args=["fhir", "import", str(path)])

    assert result.exit_code == 0, result.output
    # About and pain: 2 of 9, not 9 of 9.
    assert "In progress (22% of sections)" in staff.get("/clinic/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "Cannot import"),
        (
            '{"resourceType": "QuestionnaireResponse", "status": "completed", '
            '"questionnaire": "urn:other|1"}',
            "no questionnaire definition",
        ),
        ('{"resourceType": "Patient"}', "not a valid FHIR R4 QuestionnaireResponse"),
    ],
)
def test_import_refuses_what_it_cannot_read(runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = runner.invoke(args=["fhir", "import", str(path)])
    assert result.exit_code != 0
    assert message in result.output


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_a_row_per_submitted_response_and_a_column_per_link_id(
    clinic, staff, exports_allowed
):
    clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    clinic.with_answers("Asha Rao", CRPS_PATIENT_STORED)
    clinic.with_answers("Draft Only", {"sex": "male"}, submitted=False)
    response = staff.get("/clinic/export.csv?free_text=1")
    assert response.mimetype == "text/csv"
    rows = read_csv(response.get_data(as_text=True))
    assert len(rows) == 2
    first = rows[0]
    assert "name" not in first
    assert first["surgeries-1-surgery_year"] == "2021"
    assert first["medications-0-med_name"] == "Tapentadol"
    assert first["communication_needs"] == "interpreter;hearing"
    assert first["sleep_affected"] == "yes"
    assert (first["phq9_total"], first["phq9_band"]) == ("9", "Mild")
    assert first["peg_score"] == "7.0"
    assert rows[1]["surgeries-0-surgery_type"] == ""


def test_csv_includes_identifiers_only_when_asked(clinic, staff, app, exports_allowed):
    clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    rows = read_csv(staff.get("/clinic/export.csv?identifiers=1").get_data(as_text=True))
    assert rows[0]["name"] == "Ravi Kumar"
    assert rows[0]["date_of_birth"] == "1961-04-12"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(clinic, staff, exports_allowed):
    clinic.with_answers(
        '=HYPERLINK("http://x")',
        {**FUSION_PATIENT_STORED, "goals_text": "=1+1", "helper_relation": "@x"},
    )
    text = staff.get("/clinic/export.csv?identifiers=1&free_text=1").get_data(as_text=True)
    row = read_csv(text)[0]
    assert row["goals_text"] == "'=1+1"
    assert row["helper_relation"] == "'@x"
    assert row["name"].startswith("'=")


def test_the_deidentified_csv_has_no_exact_dates_reference_or_free_text(clinic, staff, app):
    first = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED, visit=date(2027, 1, 15))
    clinic.with_answers("Asha Rao", CRPS_PATIENT_STORED)
    text = staff.get("/clinic/export.csv").get_data(as_text=True)
    rows = read_csv(text)
    reference = clinic.patient(first).ref
    assert reference not in text
    for secret in (
        "Ravi",
        "1961-04-12",
        "2027-01-15",
        "Walk to the temple",
        "Tapentadol",
        "Penicillin",
        "Dizzy",
        "Daughter",
        "How long does the battery last",
    ):
        assert secret not in text
    assert not {
        "patient_reference",
        "name",
        "date_of_birth",
        "submitted_at",
        "visit_date",
        "goals_text",
    } & set(rows[0])
    assert rows[0]["visit_month"] == "2027-01"
    assert re.fullmatch(r"\d{4}-\d{2}", rows[0]["submitted_month"])
    assert rows[0]["age_band"] == "60-69"
    assert rows[0]["medications-0-med_kind"] == "opioid"
    assert rows[0]["study_id"] != rows[1]["study_id"]
    again = read_csv(staff.get("/clinic/export.csv").get_data(as_text=True))
    assert {r["study_id"] for r in again}.isdisjoint({r["study_id"] for r in rows})


def test_one_patient_s_revisions_share_a_study_id_within_one_file():
    from app.engine.interop.csv_export import ExportRow, age_band, to_csv

    rows = [
        ExportRow(
            "ref-a",
            "A",
            date(1960, 5, 1),
            None,
            None,
            None,
            n,
            datetime(2026, 11, 20, tzinfo=UTC),
            {"sex": "male"},
        )
        for n in (1, 2)
    ]
    parsed = read_csv(to_csv(Q, rows, identified=False))
    assert parsed[0]["study_id"] == parsed[1]["study_id"]
    assert [
        age_band(date(1960, 5, 1), date(2026, 4, 30)),
        age_band(date(1930, 1, 1), date(2026, 1, 1)),
    ] == ["60-69", "90+"]


def test_patients_cannot_export(submitted_patient, client):
    assert client.get("/clinic/export.csv").status_code == 403
    assert client.get("/fhir/Questionnaire/scs_intake").status_code == 403
