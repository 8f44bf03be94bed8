"""Translations as data: each entry tied to the SHA-256 of its English, so a changed item
can never keep showing its old translation; the translated definition is the same form."""

from __future__ import annotations

import pytest
import yaml

from app.engine.questionnaire.answers import validate_answers
from app.engine.questionnaire.definition import parse_definition
from app.engine.questionnaire.scoring import score_all
from app.engine.questionnaire.translating import english_texts, translate
from app.engine.translations import (
    TranslationFile,
    load_file,
    parse_file,
    resolve,
    sha256,
    updated_entries,
)
from app.records.questionnaires import DEFINITIONS_DIR
from tests.answers_data import FUSION_PATIENT_STORED

HINDI = DEFINITIONS_DIR / "translations" / "scs_intake.v3.hi.yaml"


@pytest.fixture(scope="module")
def hindi():
    return load_file(HINDI)


def file_with(entries: dict) -> TranslationFile:
    return parse_file({"language": "hi", "for": "test", "entries": entries}, "test")


def test_every_text_a_patient_reads_has_a_key(q):
    texts = english_texts(q)
    for item in q.items.values():
        if item.text:
            assert texts[(item.link_id, "text")] == item.text
        for option in item.options:
            assert texts[(item.link_id, f"option.{option.code}")] == option.display
    for section in q.sections:
        assert (f"section.{section.id}", "title") in texts
    assert {("alert.self_harm", "title"), ("alert.self_harm", "text")} <= set(texts)


def test_the_shipped_hindi_is_complete_and_current_for_the_definition_in_use(q, hindi):
    resolved = resolve(english_texts(q), hindi)
    assert resolved.problems == ()
    assert resolved.texts[("pain_descriptors", "option.burning")] == "जलन"


def test_a_changed_english_text_makes_its_entry_stale_and_it_counts_as_missing(q, hindi):
    english = english_texts(q)
    english[("pain_worst", "text")] = "Your worst pain in the past 7 days"
    resolved = resolve(english, hindi)
    assert [(str(p), p.kind) for p in resolved.problems] == [("pain_worst text: stale", "stale")]
    assert ("pain_worst", "text") not in resolved.texts
    assert not resolved.complete


def test_a_missing_entry_and_a_lost_placeholder_are_problems():
    english = {
        ("a", "text"): "Hello {clinic}",
        ("b", "text"): "Goodbye",
        ("c", "text"): "Open: {link}",
    }
    translation = file_with(
        {
            "a": {"text": {"sha256": sha256("Hello {clinic}"), "text": "नमस्ते {clinic}"}},
            "c": {"text": {"sha256": sha256("Open: {link}"), "text": "खोलें"}},
        }
    )
    problems = {str(p) for p in resolve(english, translation).problems}
    assert problems == {"b text: missing", "c text: placeholders"}


def test_an_empty_text_waits_for_its_translator_and_counts_as_missing():
    english = {("a", "text"): "Hello"}
    translation = file_with({"a": {"text": {"sha256": sha256("Hello"), "text": ""}}})
    assert [str(p) for p in resolve(english, translation).problems] == ["a text: missing"]


def test_update_keeps_what_is_current_and_readies_the_stale_with_its_old_text():
    english = {("a", "text"): "Hello again", ("b", "text"): "Goodbye"}
    translation = file_with(
        {
            "a": {"text": {"sha256": sha256("Hello"), "text": "नमस्ते"}},
            "b": {"text": {"sha256": sha256("Goodbye"), "text": "अलविदा"}},
        }
    )
    entries = updated_entries(english, translation)
    assert entries["b"]["text"]["text"] == "अलविदा"
    assert entries["a"]["text"] == {
        "sha256": sha256("Hello again"),
        "english": "Hello again",
        "text": "",
        "previous": "नमस्ते",
    }


def test_the_translated_definition_asks_in_hindi_and_keeps_every_code(q, hindi):
    hindi_q = translate(q, resolve(english_texts(q), hindi).texts)
    assert hindi_q.item("pain_worst").text == "पिछले हफ़्ते में आपका सबसे ज़्यादा दर्द"
    assert set(hindi_q.items) == set(q.items)
    for link_id, item in q.items.items():
        translated = hindi_q.item(link_id)
        assert [o.code for o in translated.options] == [o.code for o in item.options]
        assert translated.enable_when == item.enable_when
        assert translated.option_index.keys() == item.option_index.keys()
    # Pages hold the translated items themselves, as the section does.
    for section in hindi_q.sections:
        for page in section.pages:
            assert all(any(i is j for j in section.items) for i in page.items)


def test_the_same_answers_score_the_same_in_either_language(q, hindi):
    hindi_q = translate(q, resolve(english_texts(q), hindi).texts)
    english_scores = {k: s.total for k, s in score_all(q, FUSION_PATIENT_STORED).items()}
    hindi_scores = {k: s.total for k, s in score_all(hindi_q, FUSION_PATIENT_STORED).items()}
    assert hindi_scores == english_scores
    assert validate_answers(hindi_q, FUSION_PATIENT_STORED) == validate_answers(
        q, FUSION_PATIENT_STORED
    )


def test_a_definition_file_changed_in_a_test_loses_its_hindi_item_by_item(hindi):
    """A wording change in the YAML (here to PHQ-9 item 2) stales exactly that item's
    entry, and the language is then incomplete for the definition."""
    raw = yaml.safe_load((DEFINITIONS_DIR / "scs_intake.v3.yaml").read_text())
    item = next(i for s in raw["sections"] for i in s.get("items", ()) if i["linkId"] == "phq9_2")
    item["text"] = "Feeling low, depressed, or hopeless"
    resolved = resolve(english_texts(parse_definition(raw)), hindi)
    assert [str(p) for p in resolved.problems] == ["phq9_2 text: stale"]
    assert not resolved.complete


def test_a_translation_file_needs_its_language_and_subject():
    with pytest.raises(ValueError, match="needs 'language'"):
        parse_file({"entries": {}}, "bad.yaml")
    with pytest.raises(ValueError, match="needs sha256"):
        parse_file({"language": "hi", "for": "x", "entries": {"a": {"text": "x"}}}, "bad.yaml")
