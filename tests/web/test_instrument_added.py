"""Adding an instrument is data only: its items, scoring, export id and worklist column
all come from the definition, and no code names it."""

from __future__ import annotations

import csv
import io

import pytest
import yaml

from app.engine.questionnaire import DEFINITIONS_DIR
from app.engine.questionnaire.definition import DefinitionError, parse_definition
from tests.answers_data import FUSION_PATIENT_STORED

SLEEP = {
    "id": "sleep",
    "title": "Sleep quality",
    "items": ["sleep_quality"],
    "scoring": "sum",
    "range": [0, 10],
    "bands": [{"min": 0, "max": 4, "label": "Poor"}, {"min": 5, "max": 10, "label": "Fair"}],
    "source": "Made for this test",
    "total_id": "sleep_score",
    "worklist": "Sleep",
}


def with_sleep(**instrument) -> dict:
    """The current definition with one more question and an instrument that scores it."""
    raw = yaml.safe_load((DEFINITIONS_DIR / "scs_intake.v3.yaml").read_text())
    goals = next(s for s in raw["sections"] if s["id"] == "goals")
    goals["items"].append(
        {
            "linkId": "sleep_quality",
            "text": "How well did you sleep last week?",
            "type": "integer",
            "min": 0,
            "max": 10,
            "widget": "scale",
        }
    )
    goals["pages"][-1]["items"].append("sleep_quality")
    raw["instruments"].append({**SLEEP, **instrument})
    return raw


@pytest.fixture
def sleep_patient(app, clinic, monkeypatch):
    changed = parse_definition(with_sleep())
    monkeypatch.setitem(
        app.extensions, "questionnaires", {**app.extensions["questionnaires"], changed.key: changed}
    )
    return clinic.with_answers("Ravi Kumar", {**FUSION_PATIENT_STORED, "sleep_quality": 3})


def test_the_worklist_shows_the_new_total_in_a_column_of_its_own(staff, sleep_patient):
    page = staff.get("/clinic/").get_data(as_text=True)
    headings = [h.split("<")[0] for h in page.split('<th scope="col">')[1:]]
    assert headings == [
        "Patient", "Visit date", "Status", "PEG", "PHQ-9", "Sleep", "Urgent", "Submitted",
        "Trial"
    ]  # fmt: skip
    row = page.split("<tbody>")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells[5] == "3"


def test_fhir_carries_the_new_total_by_its_export_id(staff, sleep_patient):
    questionnaire = staff.get("/fhir/Questionnaire/scs-intake").get_json()
    scores = next(i for i in questionnaire["item"] if i["linkId"] == "scores")
    sleep = next(i for i in scores["item"] if i["linkId"] == "sleep_score")
    assert sleep["type"] == "integer"
    assert sleep["readOnly"] is True
    assert "sleep_quality" in sleep["extension"][0]["valueExpression"]["expression"]

    response = staff.get(f"/fhir/patients/{sleep_patient}/questionnaire-response.json").get_json()
    totals = next(i for i in response["item"] if i["linkId"] == "scores")["item"]
    assert {"linkId": "sleep_score", "text": "Sleep quality total"}.items() <= next(
        t for t in totals if t["linkId"] == "sleep_score"
    ).items()
    assert next(t for t in totals if t["linkId"] == "sleep_score")["answer"] == [
        {"valueInteger": 3}
    ]


def test_the_csv_has_the_new_total_and_band(staff, sleep_patient):
    text = staff.get("/clinic/export.csv").get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(text))
    assert (row["sleep_score"], row["sleep_band"]) == ("3", "Poor")
    assert list(row)[-8:] == [  # the others keep their columns, in the definition's order
        "peg_score", "phq9_total", "phq9_band", "gad7_total", "gad7_band", "auditc_total",
        "sleep_score", "sleep_band",
    ]  # fmt: skip


def test_an_export_id_that_is_already_a_question_stops_loading():
    with pytest.raises(DefinitionError, match="total_id 'sleep_quality' is already a linkId"):
        parse_definition(with_sleep(total_id="sleep_quality"))
    with pytest.raises(DefinitionError, match="not a valid linkId"):
        parse_definition(with_sleep(total_id="Sleep score"))
