"""Random answers posted to every section: never a 500, and what is stored always validates."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine.questionnaire.answers import validate_answers
from app.engine.questionnaire.definition import load_definition
from app.records.questionnaires import DEFINITIONS_DIR

Q = load_definition(DEFINITIONS_DIR / "scs_intake.v3.yaml")

junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "10",
            "100",
            "2019-03",
            "03/2019",
            "yes",
            "no",
            "none",
            "other",
            "1e9",
            "NaN",
            "\x00",
            "<script>",
            "' OR 1=1--",
        ]
    ),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
)


def field_values(item):
    if item.options:
        return st.one_of(st.sampled_from([o.code for o in item.options]), junk)
    if item.type == "boolean":
        return st.one_of(st.sampled_from(["yes", "no"]), junk)
    return junk


def section_posts(section):
    keys = []
    for item in section.questions:
        if item.is_group:
            for n in (0, 1, -1, 25):
                keys += [(f"{item.link_id}-{n}-{c.link_id}", field_values(c)) for c in item.items]
        else:
            keys.append((item.link_id, field_values(item)))
    keys += [
        ("unknown_field", junk),
        (
            "action",
            st.sampled_from(
                ["save", "add-medications", "remove-medications-0", "remove-procedures-9", "x"]
            ),
        ),
    ]
    pairs = st.lists(st.sampled_from(keys), max_size=len(keys)).flatmap(
        lambda chosen: st.tuples(*[st.tuples(st.just(k), v) for k, v in chosen])
    )
    return pairs


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_posts_never_break_a_page_and_stored_answers_stay_valid(
    patient, person, clinic, data
):
    section = data.draw(st.sampled_from(Q.sections))
    pairs = data.draw(section_posts(section))
    response = person.save(section.id, list(pairs))
    assert response.status_code in (200, 302, 409)
    answers = clinic.response(patient).answers
    problems = validate_answers(Q, answers)
    assert {k: v for k, v in problems.items() if k in answers} == {}
