"""Random JSON at the FHIR import endpoint: every answer is a 2xx or a 4xx, never a 5xx.

Hypothesis sends two kinds of body with a valid import token: any JSON shape at all, and a
response the app would accept with one part of it replaced by something else (a string
where an object belongs, a list for a date, a number past any column, a NUL). The second
kind reaches past the first checks into the Bundle, the Patient, the extensions and the
answers, where a sender's mistakes really land. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL too.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine.interop.fhir_response import to_fhir_response
from app.engine.questionnaire.definition import load_definition
from app.records.questionnaires import DEFINITIONS_DIR
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import make_token
from tests.web.test_fhir_api import URL

Q = load_definition(DEFINITIONS_DIR / "scs_intake.v3.yaml")
VALID = to_fhir_response(
    Q,
    FUSION_PATIENT_STORED,
    status="submitted",
    authored=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    patient_name="Ravi Kumar",
    birth_date=date(1961, 4, 12),
    reference="feedc0de-1",
)
BUNDLE = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {
            "fullUrl": "urn:uuid:1",
            "resource": {
                "resourceType": "Patient",
                "name": [{"given": ["Asha"], "family": "Rao"}],
                "birthDate": "1958-07-30",
                "identifier": [{"system": "urn:other", "value": "9"}],
            },
        },
        {
            "fullUrl": "urn:uuid:2",
            "resource": {**VALID, "subject": {"reference": "urn:uuid:1"}, "contained": []},
        },
    ],
}
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "2020",
            "2020-13",
            "9" * 25,
            "Patient/1",
            "http://other.example/fhir/Patient/1",
            "#p1",
            "urn:uuid:1",
            "completed",
            "QuestionnaireResponse",
            "Patient",
            "Bundle",
            "urn:scs-intake:fhir:alert-shown",
            "urn:scs-intake:patient",
            "feedc0de-99999999999999999999",
        ]
    ),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "resourceType",
                    "entry",
                    "resource",
                    "subject",
                    "reference",
                    "item",
                    "linkId",
                    "answer",
                    "contained",
                    "extension",
                    "url",
                    "valueCode",
                    "name",
                    "birthDate",
                    "identifier",
                    "value",
                    "system",
                    "authored",
                    "status",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


def paths(node, where=()):
    """Every place in a JSON document: (path from the root, value there)."""
    yield where, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*where, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from paths(value, (*where, n))


def replaced(document, where, value):
    changed = copy.deepcopy(document)
    if not where:
        return value
    parent = changed
    for step in where[:-1]:
        parent = parent[step]
    parent[where[-1]] = value
    return changed


# Where senders' mistakes land most: the parts that say who and when, and the envelope.
SENSITIVE = {
    "resource",
    "entry",
    "extension",
    "name",
    "given",
    "family",
    "text",
    "authored",
    "identifier",
    "subject",
    "contained",
    "birthDate",
    "value",
    "reference",
    "system",
    "url",
    "valueCode",
    "valueDateTime",
    "status",
    "questionnaire",
}


def mutations():
    """A valid body (a response or a Bundle) with one part replaced: any part, or one of
    the parts that name the patient, the time and the envelope."""

    def mutate(choice):
        base, sensitive, pick, value = choice
        places = [
            p
            for p in paths(base)
            if not sensitive
            or (p[0] and str(p[0][-1]) in SENSITIVE)
            or (len(p[0]) > 1 and p[0][-2] in ("entry", "extension", "contained"))
        ]
        where, _ = places[pick % len(places)]
        return replaced(base, where, value)

    return st.tuples(
        st.sampled_from([VALID, BUNDLE]), st.booleans(), st.integers(min_value=0), JSON
    ).map(mutate)


@pytest.fixture
def sender(app, admin):
    return app.test_client(), {"Authorization": f"Bearer {make_token(admin)}"}


# Derandomized: the same 300 bodies on every run, so a red run means a change broke
# something; run with --hypothesis-seed=N to look further.
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(body=st.one_of(JSON, mutations()))
def test_no_body_gets_a_server_error(sender, body):
    client, headers = sender
    answer = client.post(
        URL, data=json.dumps(body), headers=headers, content_type="application/fhir+json"
    )
    assert answer.status_code < 500, (answer.status_code, body)
    if answer.status_code >= 400:
        assert answer.get_json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("authored", [1, 1.5, True, ["2026-11-20"], {"value": "2026"}])
def test_an_authored_time_that_is_not_text_is_explained(sender, authored):
    """Found by the fuzz: the validator reads a number as a Unix time."""
    client, headers = sender
    body = {**VALID, "authored": authored}
    answer = client.post(
        URL, data=json.dumps(body), headers=headers, content_type="application/fhir+json"
    )
    assert answer.status_code == 422
    issue = answer.get_json()["issue"][0]
    assert "authored" in json.dumps(issue)
