"""Arbitrary ids and strings sent to every route, as every kind of visitor: never a 5xx.

Hypothesis draws the route, the values in its path (ids far past any integer column,
negative, text, NUL), a query and a form of odd keys and values. Runs on SQLite and, with
TEST_DATABASE_URL, on PostgreSQL, whose driver refuses NUL and out-of-range integers.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROLES
from tests.web.test_access_table import routes

SKIP = {"static", "auth.logout", "clinic.summary_pdf"}
ODD = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "\x1b[31m",
            "9" * 20,
            "9223372036854775807",
            "-1",
            "0",
            "²",
            "١٢",
            "%00",
            "../../etc/passwd",
            "<script>",
            "' OR 1=1--",
            "about",
            "pain",
            "scs_intake",
            "activate",
            "deactivate",
        ]
    ),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
)
NAMES = st.one_of(
    st.sampled_from(
        [
            "q",
            "page",
            "status",
            "revision",
            "version",
            "identifier",
            "password",
            "body",
            "name",
            "email",
            "phone",
            "user_id",
            "role",
            "action",
            "patient",
            "actor",
            "from",
            "to",
            "confirm_name",
            "lock_version",
            "next",
            "identifiers",
            # The names in routes' paths, and url_for's own options: a link built from
            # the query (the language link) must not take them from it.
            "patient_id",
            "section_id",
            "row",
            "token",
            "_scheme",
            "_external",
            "_anchor",
        ]
    ),
    st.text(min_size=1, max_size=10),
)


def path_for(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: quote(values[m.group(1)], safe=""), rule.rule)


@pytest.mark.parametrize("role", ROLES)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_route_answers_a_server_error_whatever_it_is_sent(app, visitors, role, data):
    clients, ids = visitors
    candidates = [(rule, method) for rule, method in routes(app) if rule.endpoint not in SKIP]
    rule, method = data.draw(st.sampled_from(candidates))
    real_ids = st.sampled_from([str(i) for i in ids.values()])
    values = {name: data.draw(st.one_of(real_ids, ODD)) for name in rule.arguments}
    query = data.draw(st.dictionaries(NAMES, ODD, max_size=4))
    form = data.draw(st.dictionaries(NAMES, ODD, max_size=6))
    url = path_for(rule, values) + ("?" + urlencode(query) if query else "")
    response = clients[role].open(url, method=method, data=form if method == "POST" else None)
    assert response.status_code < 500, (role, method, url, form)
