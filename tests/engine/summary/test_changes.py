"""What changed between two revisions, in the words the specialist reads."""

from __future__ import annotations

from app.engine.summary.changes import NOT_ASKED, Change, changes_between
from tests.answers_data import FUSION_PATIENT_STORED


def amended(**changes):
    return {**FUSION_PATIENT_STORED, **changes}


def test_identical_answers_have_no_changes(q):
    assert changes_between(q, FUSION_PATIENT_STORED, q, dict(FUSION_PATIENT_STORED)) == []


def test_a_changed_answer_is_shown_before_and_after_in_words(q):
    after = amended(goals_text="Sleep through the night", pain_now=4)
    assert changes_between(q, FUSION_PATIENT_STORED, q, after) == [
        Change("pain_now", "Pain now", ("6",), ("4",)),
        Change(
            "goals_text",
            q.item("goals_text").label,
            ("Walk to the temple and play with my grandchildren",),
            ("Sleep through the night",),
        ),
    ]


def test_a_question_that_applies_in_only_one_revision_is_not_asked_in_the_other(q):
    after = amended(sex="female", pregnant="no")
    changes = {c.link_id: c for c in changes_between(q, FUSION_PATIENT_STORED, q, after)}
    assert set(changes) == {"sex", "pregnant"}
    assert (changes["sex"].before, changes["sex"].after) == (("Male",), ("Female",))
    assert (changes["pregnant"].before, changes["pregnant"].after) == ((NOT_ASKED,), ("No",))


def test_answers_that_no_longer_apply_are_listed_as_not_asked_now(q):
    after = amended(blood_thinners="no")
    del after["blood_thinner_names"]
    changes = {c.link_id: c for c in changes_between(q, FUSION_PATIENT_STORED, q, after)}
    assert changes["blood_thinner_names"].after == (NOT_ASKED,)
    assert "Apixaban" in changes["blood_thinner_names"].before[0]


def test_a_changed_row_shows_every_row_of_the_list(q):
    medicines = FUSION_PATIENT_STORED["medications"]
    after = amended(medications=[medicines[0]])
    [change] = changes_between(q, FUSION_PATIENT_STORED, q, after)
    assert change.link_id == "medications"
    assert (len(change.before), len(change.after)) == (2, 1)
    assert change.before[1].startswith("2. ")
    assert "Pregabalin" in change.before[1]
    assert change.after[0] == change.before[0]
