"""The questions read at US grade 8 or below, and every medical term is explained where it is.

Grades are Flesch-Kincaid, by textstat. A text of fewer than ten words is not scored on its
own (one long word decides the grade of "Operation"), but counts in the whole. The
instruments' items keep their validated wording and are not scored.
"""

from __future__ import annotations

import pytest
import textstat

GRADE = 8
# Validated wording that may not be changed: the instruments' stems and items, and
# PHQ-9's question 10, which belongs to the instrument though it is not scored.
FIXED = {"phq9_stem", "gad7_stem", "phq9_10"}


def texts(q):
    scored = {link for ins in q.instruments for link in ins.items} | FIXED
    for item in q.items.values():
        if item.link_id in scored:
            continue
        for text in (item.text, item.help):
            if text:
                yield item.link_id, text


def test_the_questions_and_help_read_at_grade_eight_or_below(q):
    hard = {
        (link, text): textstat.flesch_kincaid_grade(text)
        for link, text in texts(q)
        if len(text.split()) >= 10 and textstat.flesch_kincaid_grade(text) > GRADE
    }
    assert hard == {}
    whole = ". ".join(text for _, text in texts(q))
    assert textstat.flesch_kincaid_grade(whole) <= GRADE


def test_the_check_sees_a_hard_sentence():
    hard = (
        "Do you take steroids, chemotherapy or other medicines that lower immunity "
        "or predispose to opportunistic infection?"
    )
    assert textstat.flesch_kincaid_grade(hard) > GRADE


# Each term a patient may not know, and words that explain it where it appears.
TERMS = {
    "diathermy": "heat treatment",
    "MRSA": "germ",
    "intrathecal": "fluid around the spinal",
    "radiculopathy": "pain down a limb",
    "arachnoiditis": "lining around the nerves",
    "radiofrequency": "heat on a nerve",
    "HbA1c": "blood test",
    "CRPS": "lasting pain",
    "neuropathy": "damage to",
    "TENS": "pads",
    "stimulator": "eases pain",
    "epidural": "near the nerves",
    "facet": "small joints",
    "psychosis": "believing things",
    "bipolar": "moods",
    "PTSD": "after a shock",
    "discectomy": "disc taken out",
    "fusion": "joined",
    "laminectomy": "free the nerves",
    "CBT": "talking therapy",
    "defibrillator": "shock the heart",
    "angina": "from the heart",
    "cochlear": "hearing",
    "MRI": "magnet",
    "methadone": "in place of",
}


@pytest.mark.parametrize(("term", "explained"), sorted(TERMS.items()))
def test_every_medical_term_is_explained_where_it_appears(q, term, explained):
    places = []
    for item in q.items.values():
        words = [item.text, item.help or "", *(o.display for o in item.options)]
        for number, text in enumerate(words):
            if term.lower() in text.lower():
                # Explained in the same text, or in the question's help.
                places.append(
                    explained.lower() in (text + " " + (item.help or "")).lower()
                    or (number == 0 and explained.lower() in " ".join(words).lower())
                )
    assert places, f"{term} does not appear"
    assert all(places), term
