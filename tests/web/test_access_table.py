"""Every route is tried by every kind of visitor, from a table built from the URL map.

A new route without an audience (``@public``, ``@patient_required``, ``@desk_required``,
``@staff_required``, ``@admin_required``, ``@system_required``, ``@staff_or_system``)
fails here, so access control cannot be forgotten. The front desk reaches the invitation
and front-desk pages, and none that shows an answer, a summary, a note or an export.
"""

from __future__ import annotations

import pytest

from tests.conftest import PATIENT_PASSWORD, ROLES, Person

SKIP = {"static", "auth.logout"}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def build(rule, ids):
    values = {
        "patient_id": ids["patient"],
        "section_id": "about",
        "token": "not-a-token",
        "code": "ABCD-EFGH-JKMN",
        "invitation_id": 1,
        "user_id": ids["staff"],
        "change": "activate",
        "grant": "allow",
        "questionnaire_id": "scs-intake",
        "page": 1,
        "group_id": "medications",
        "row": 0,
        "alert_id": "self_harm",
        "item_id": 1,
        "token_id": 1,
        "revision": 2,
        "day": "2027-01-04",
    }
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


def test_every_route_declares_its_audience(app):
    missing = [
        rule.rule
        for rule, _ in routes(app)
        if not hasattr(app.view_functions[rule.endpoint], "audience")
    ]
    assert missing == []


EXPECTED = {
    # audience -> roles allowed in
    "anyone": set(ROLES),
    "patient": {"patient", "other_patient"},
    "frontdesk": {"frontdesk"},
    "clinician": {"clinician", "admin"},
    "admin": {"admin"},
    "system": set(),  # an API token only: no session cookie counts
}


@pytest.mark.parametrize("role", ROLES)
def test_each_visitor_reaches_only_the_routes_meant_for_them(app, visitors, role):
    clients, ids = visitors
    client = clients[role]
    checked = 0
    for rule, method in routes(app):
        audience = app.view_functions[rule.endpoint].audience
        allowed = set().union(*(EXPECTED[a] for a in audience))
        url = build(rule, ids)
        response = client.open(url, method=method, data={"revision": "1"})
        assert response.status_code != 500, (role, method, url)
        if role in allowed:
            assert response.status_code != 403, (role, method, url)
        elif audience == ("system",):
            assert response.status_code == 401, (role, method, url)
        elif role == "anonymous":
            assert response.status_code == 302, (role, method, url)
            assert "/auth/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, (role, method, url)
        checked += 1
    assert checked > 25


def test_a_patient_only_ever_sees_their_own_answers(app, clinic, visitors):
    clients, ids = visitors
    Person(clients["other_patient"]).save("goals", [("goals_text", "Other person's secret")])
    page = clients["patient"].get("/intake/section/goals").get_data(as_text=True)
    assert "Other person&#39;s secret" not in page
    data = clients["patient"].get("/intake/your-data.json").get_data(as_text=True)
    assert '"email": "one@example.org"' in data
    assert "two@example.org" not in data
    assert "Other person" not in data
    # Logging in again while logged in does not switch the browser to the other account.
    assert Person(clients["patient"]).login("two@example.org", PATIENT_PASSWORD).status_code == 302
    again = clients["patient"].get("/intake/your-data.json").get_data(as_text=True)
    assert '"email": "one@example.org"' in again
