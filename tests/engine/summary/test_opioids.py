"""The oral morphine equivalent total: Indian brand names, morning-noon-night dosing, and a
total that says what it left out instead of reading as complete."""

from __future__ import annotations

import pytest

from app.engine.summary.opioids import (
    FACTORS,
    NO_FACTOR,
    brands,
    daily_mme,
    identify,
    opioid_total,
    units_a_day,
)


def medicine(name, dose="", kind="opioid", current=True):
    return {"med_name": name, "med_dose": dose, "med_kind": kind, "med_current": current}


def total_of(*rows):
    return opioid_total(rows, "med_name", "med_dose", "med_current", "med_kind")


def test_a_patch_of_unknown_kind_is_named_as_left_out_not_silently_dropped():
    """The persona's list: a buprenorphine patch by its brand, kind "I don't know"."""
    found = total_of(
        medicine("Tapentadol", "50 mg twice a day"),
        medicine("Tramadol", "50 mg once a day"),
        medicine("Buvalor 10 patch", "one a week", kind="dont_know"),
    )
    assert found.text() == (
        "about 50 mg oral morphine equivalent a day from 2 of 3 opioid or unknown medicines: "
        "Tapentadol 50 mg twice a day (40), Tramadol 50 mg once a day (10); not counted: "
        "Buvalor 10 patch one a week (buprenorphine: no CDC conversion factor)"
    )


def test_a_medicine_of_unknown_kind_and_unknown_name_may_be_an_opioid_and_says_so():
    found = total_of(
        medicine("Tramadol", "50 mg twice a day"),
        medicine("Painkiller from the chemist", "at night", kind="dont_know"),
        medicine("Pregabalin", "75 mg at night", kind="nerve_pain"),
    )
    assert found.total == 20
    assert not found.calculable
    assert "from 1 of 2 opioid or unknown medicines" in found.text()
    assert "Painkiller from the chemist at night (kind not known)" in found.text()
    assert "Pregabalin" not in found.text()


def test_nothing_counted_is_never_written_as_a_number():
    found = total_of(medicine("Buvalor 10", "weekly", kind="dont_know"))
    assert found.text() == (
        "not calculable from the 1 opioid or unknown medicine; not "
        "counted: Buvalor 10 weekly (buprenorphine: no CDC conversion "
        "factor)"
    )


@pytest.mark.parametrize(
    ("name", "drug", "amount"),
    [
        ("Ultracet", "tramadol", 37.5),
        ("ultracet tablet", "tramadol", 37.5),
        ("Tapal 50", "tapentadol", 50),
        ("TAPAL-100", "tapentadol", 100),
        ("Buvalor 10 patch", "buprenorphine", 10),
        ("Durogesic 25", "fentanyl", 25),
        ("Morcontin 30", "morphine", 30),
        ("Tramadol 50 mg", "tramadol", 50),
        ("Tapentadol SR", "tapentadol", None),
    ],
)
def test_brand_and_generic_names_are_read_with_their_strength(name, drug, amount):
    found = identify(name)
    assert (found.drug, found.unit_amount) == (drug, amount)


@pytest.mark.parametrize(
    ("dose", "per_day"),
    [
        ("1-0-1", 2),
        ("1-1-1", 3),
        ("0-0-1", 1),
        ("1 - 0 - 1 after food", 2),
        ("½-0-1", 1.5),
        ("1-1-1-1", 4),
        ("twice a day", None),
        ("50 mg", None),
    ],
)
def test_morning_noon_night_dosing_counts_the_tablets_a_day(dose, per_day):
    assert units_a_day(dose) == per_day


@pytest.mark.parametrize(
    ("name", "dose", "mme"),
    [
        ("Tapal 50", "1-0-1", 40.0),  # 50 mg × 2 × 0.4
        ("Tramadol", "50 mg 1-1-1", 30.0),  # 50 mg × 3 × 0.2
        ("Ultracet", "1 tablet twice a day", 15.0),  # 37.5 mg × 2 × 0.2
        ("Ultracet", "2-0-2", 30.0),
        ("Morcontin 30", "1-0-1", 60.0),
        ("Durogesic 25", "every 3 days", 60.0),  # 25 µg/h × 2.4
        ("Tapal 50", "when the pain is bad", None),
        ("Tapentadol", "1-0-1", None),  # the strength is nowhere
    ],
)
def test_the_daily_dose_uses_the_strength_the_name_gives(name, dose, mme):
    found = identify(name)
    assert daily_mme(found.drug, dose, found.unit_amount) == mme


def test_every_brand_names_an_opioid_the_total_knows_and_gives_its_source():
    for brand in brands():
        assert brand.drug in FACTORS or brand.drug in NO_FACTOR, brand.name
        assert brand.source.strip(), brand.name
        assert brand.strength_in_name or brand.amount, brand.name
