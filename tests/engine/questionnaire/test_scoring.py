"""Instrument totals and their published bands, at every band boundary."""

from __future__ import annotations

import pytest

from app.engine.questionnaire.scoring import score_all, score_instrument


def adding_up(prefix: str, items: int, total: int) -> dict:
    """Answers to ``items`` items scored 0-3 that add up to ``total``, filled in order."""
    answers, left = {}, total
    for n in range(1, items + 1):
        answers[f"{prefix}_{n}"] = str(min(3, left))
        left -= min(3, left)
    return answers


def phq(total: int) -> dict:
    return adding_up("phq9", 9, total)


def gad(total: int) -> dict:
    return adding_up("gad7", 7, total)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_phq9_bands_at_every_boundary(q, total, band):
    score = score_instrument(q, q.instrument("phq9"), phq(total))
    assert (score.total, score.band) == (total, band)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Severe"),
        (21, "Severe"),
    ],
)
def test_gad7_bands_at_every_boundary(q, total, band):
    score = score_instrument(q, q.instrument("gad7"), gad(total))
    assert (score.total, score.band) == (total, band)


def test_phq9_item_10_does_not_count(q):
    assert score_instrument(q, q.instrument("phq9"), {**phq(7), "phq9_10": "very"}).total == 7


def test_a_partly_answered_instrument_has_no_total(q):
    answers = phq(12)
    del answers["phq9_4"]
    score = score_instrument(q, q.instrument("phq9"), answers)
    assert score.total is None
    assert score.band is None
    assert score.missing == 1


@pytest.mark.parametrize(
    ("items", "mean"),
    [
        ((7, 8, 6), 7.0),
        ((0, 0, 0), 0.0),
        ((10, 10, 10), 10.0),
        ((5, 6, 6), 5.7),
        ((1, 0, 0), 0.3),
    ],
)
def test_peg_is_the_mean_of_its_three_items_to_one_decimal(q, items, mean):
    answers = dict(zip(("peg_pain", "peg_enjoyment", "peg_activity"), items, strict=True))
    score = score_instrument(q, q.instrument("peg"), answers)
    assert score.total == mean
    assert score.band is None


@pytest.mark.parametrize(
    ("answers", "total"),
    [
        ({"alcohol_frequency": "never"}, 0),
        (
            {
                "alcohol_frequency": "4_plus_week",
                "alcohol_typical_drinks": "10_plus",
                "alcohol_six_plus": "daily",
            },
            12,
        ),
        (
            {
                "alcohol_frequency": "monthly_or_less",
                "alcohol_typical_drinks": "3_4",
                "alcohol_six_plus": "less_than_monthly",
            },
            3,
        ),
    ],
)
def test_audit_c_scores_hidden_items_as_zero(q, answers, total):
    assert score_instrument(q, q.instrument("auditc"), answers).total == total


def test_score_all_covers_every_shipped_instrument(q):
    assert set(score_all(q, {})) == {"peg", "phq9", "gad7", "auditc"}
