"""The total daily opioid dose as oral morphine milligram equivalents (MME), from what the
patient typed ("Tapentadol", "50 mg twice a day"; "Tapal 50", "1-0-1").

Conversion factors are those of the CDC Clinical Practice Guideline for Prescribing
Opioids for Pain, 2022 (Dowell D, Ragan KR, Jones CM, Baldwin GT, Chou R. MMWR Recomm Rep
2022;71(No. RR-3):1-95, Table "Morphine milligram equivalent doses for commonly prescribed
opioids"). Transdermal fentanyl is in micrograms per hour; the CDC gives no factor for
buprenorphine (its equivalence is not linear), so it is listed but not added.

Brand names (Ultracet, Tapal, Buvalor…) are read through ``app/data/opioid_brands.yaml``,
kept as data with its sources. Indian prescriptions' morning-noon-night dosing ("1-0-1")
counts the tablets a day.

A dose is only calculated when both the amount and how often are clear. The total never
reads as complete when it is not: it says how many of the opioid (or unknown) medicines it
counts, and names each one left out and why. The result is an estimate for the
specialist's review, never a prescribing figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SOURCE = (
    "CDC Clinical Practice Guideline for Prescribing Opioids for Pain, 2022 "
    "(MMWR Recomm Rep 2022;71(RR-3))"
)
FACTORS = {  # per mg taken by mouth, except fentanyl (per microgram per hour, patch)
    "codeine": 0.15,
    "dihydrocodeine": 0.25,
    "fentanyl": 2.4,
    "hydrocodone": 1.0,
    "hydromorphone": 5.0,
    "methadone": 4.7,
    "morphine": 1.0,
    "oxycodone": 1.5,
    "oxymorphone": 3.0,
    "tapentadol": 0.4,
    "tramadol": 0.2,
}
NO_FACTOR = {"buprenorphine"}
BRANDS_FILE = Path(__file__).resolve().parents[2] / "data" / "opioid_brands.yaml"
_PER_DAY = (
    (
        re.compile(
            r"\b(once|one time|1 time|od|daily|a day|per day|every day|at night|nocte|"
            r"in the morning|every 24 ?h(ou)?rs?)\b"
        ),
        1,
    ),
    (re.compile(r"\b(twice|two times|2 times|2x|x ?2|bd|bid|every 12 ?h(ou)?rs?|12 ?hourly)\b"), 2),
    (
        re.compile(
            r"\b(three times|thrice|3 times|3x|x ?3|tds|tid|every 8 ?h(ou)?rs?|"
            r"8 ?hourly)\b"
        ),
        3,
    ),
    (re.compile(r"\b(four times|4 times|4x|x ?4|qds|qid|every 6 ?h(ou)?rs?|6 ?hourly)\b"), 4),
)
_MG = re.compile(r"(\d+(?:[.,]\d+)?)\s*(mg|milligrams?)\b")
_MCG_HOUR = re.compile(r"(\d+(?:[.,]\d+)?)\s*(mcg|µg|micrograms?)\s*(/|per|an|a)\s*h")
_RANGE = re.compile(r"\d\s*(-|–|to|or)\s*\d+\s*(times|x|tablets?|caps?)")
_TABLETS = re.compile(r"\b(\d)\s*(tablets?|tabs?|capsules?|caps?)\b")
# Morning-noon-night (and bedtime): "1-0-1" is a tablet morning and night; "½-0-1" too.
_COUNT = r"(\d+(?:\.\d+)?|½|1/2)"
_SCHEDULE = re.compile(
    rf"(?<![\d.]){_COUNT}\s*[-–]\s*{_COUNT}\s*[-–]\s*{_COUNT}"
    rf"(?:\s*[-–]\s*{_COUNT})?(?![\d.])"
)
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")

# Why a medicine is left out of the total, in the brief's words.
NOT_CLEAR = "dose not clear"
KIND_UNKNOWN = "kind not known"
NOT_RECOGNISED = "medicine not recognised"


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    drug: str
    amount: float | None  # per tablet (mg) or patch (micrograms an hour), when fixed
    strength_in_name: bool
    source: str


@cache
def brands() -> tuple[Brand, ...]:
    """The brand list, longest names first (so "OxyContin" is not read as something shorter)."""
    data = yaml.load(BRANDS_FILE.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    found = tuple(
        Brand(b["name"], b["drug"], b.get("amount"), bool(b.get("strength_in_name")), b["source"])
        for b in data["brands"]
    )
    return tuple(sorted(found, key=lambda b: -len(b.name)))


@dataclass(frozen=True, slots=True)
class Medicine:
    """What a medicine's name says: its opioid and, when the name tells, the amount in one
    tablet or patch."""

    drug: str
    unit_amount: float | None = None


@dataclass(frozen=True, slots=True)
class OpioidDose:
    name: str
    dose_text: str
    mme: float | None  # None: not counted, for ``reason``
    reason: str | None = None

    @property
    def line(self) -> str:
        dose = f" {self.dose_text}" if self.dose_text else ""
        worth = f" ({self.mme:g})" if self.mme is not None else f" ({self.reason})"
        return f"{self.name}{dose}{worth}"


@dataclass(frozen=True, slots=True)
class OpioidTotal:
    doses: tuple[OpioidDose, ...]

    @property
    def counted(self) -> tuple[OpioidDose, ...]:
        return tuple(d for d in self.doses if d.mme is not None)

    @property
    def left_out(self) -> tuple[OpioidDose, ...]:
        return tuple(d for d in self.doses if d.mme is None)

    @property
    def total(self) -> float:
        return round(sum(d.mme for d in self.counted))

    @property
    def calculable(self) -> bool:
        return not self.left_out

    def text(self) -> str:
        """ "about 30 mg oral morphine equivalent a day from 2 of 3 opioid or unknown
        medicines: …; not counted: Buvalor 10 patch (buprenorphine: no CDC factor)"."""
        if not self.doses:
            return ""
        counted = ", ".join(d.line for d in self.counted)
        if self.calculable:
            return f"about {self.total:g} mg oral morphine equivalent a day: {counted}"
        left_out = "; not counted: " + ", ".join(d.line for d in self.left_out)
        of = len(self.doses)
        medicines = "medicine" if of == 1 else "medicines"
        if not self.counted:
            return f"not calculable from the {of} opioid or unknown {medicines}{left_out}"
        return (
            f"about {self.total:g} mg oral morphine equivalent a day from "
            f"{len(self.counted)} of {of} opioid or unknown {medicines}: {counted}"
            f"{left_out}"
        )


def _amount_after(text: str, start: int) -> float | None:
    """The number written after a brand's name ("Tapal 50" gives 50)."""
    found = _NUMBER.match(text[start:].lstrip(" -"))
    return float(found.group(1).replace(",", ".")) if found else None


def identify(name: str) -> Medicine | None:
    """The opioid a medicine's name names, by brand or by generic name, or None."""
    lowered = name.lower()
    for brand in brands():
        found = re.search(rf"\b{re.escape(brand.name.lower())}\b", lowered)
        if found:
            amount = _amount_after(lowered, found.end()) if brand.strength_in_name else brand.amount
            return Medicine(brand.drug, amount)
    drug = next((d for d in (*FACTORS, *NO_FACTOR) if d in lowered), None)
    if drug is None:
        return None
    in_name = _MG.search(lowered) or (_MCG_HOUR.search(lowered) if drug == "fentanyl" else None)
    return Medicine(drug, float(in_name.group(1).replace(",", ".")) if in_name else None)


def _count(text: str) -> float:
    return 0.5 if text in ("½", "1/2") else float(text)


def units_a_day(text: str) -> float | None:
    """Tablets (or doses) a day from morning-noon-night dosing: "1-0-1" gives 2."""
    found = _SCHEDULE.search(text)
    if not found:
        return None
    return sum(_count(part) for part in found.groups() if part is not None)


def daily_mme(drug: str, dose: str, unit_amount: float | None = None) -> float | None:
    """Oral morphine equivalents a day for one medicine, or None when it cannot be told.

    ``unit_amount`` is what one tablet holds (or a patch releases) when the name says so.
    """
    text = dose.lower().replace(",", ".")
    factor = FACTORS.get(drug)
    if factor is None:
        return None
    if drug == "fentanyl":
        patch = _MCG_HOUR.search(text)
        rate = float(patch.group(1)) if patch else unit_amount
        return round(rate * factor, 1) if rate else None
    schedule = units_a_day(text)
    amounts = _MG.findall(text)
    if schedule is not None:
        if len(amounts) > 1:
            return None
        per_unit = float(amounts[0][0]) if amounts else unit_amount
        return round(per_unit * schedule * factor, 1) if per_unit else None
    if _RANGE.search(text):
        return None  # "2-3 times a day": the specialist reads it
    # "twice a day" says twice, not once: "a day" counts only when nothing else does.
    times = [n for pattern, n in _PER_DAY[1:] if pattern.search(text)] or [
        n for pattern, n in _PER_DAY[:1] if pattern.search(text)
    ]
    if len(times) != 1 or len(amounts) > 1:
        return None
    tablets = _TABLETS.search(text)
    count = int(tablets.group(1)) if tablets else 1
    per_unit = float(amounts[0][0]) if amounts else unit_amount
    return round(per_unit * count * times[0] * factor, 1) if per_unit else None


def _dose(
    medicine_name: str, typed: str, kind: str | None, opioid_code: str, unknown_code: str
) -> OpioidDose | None:
    medicine = identify(medicine_name)
    if medicine is None:
        if kind == opioid_code:
            return OpioidDose(medicine_name, typed, None, NOT_RECOGNISED)
        if kind == unknown_code:
            return OpioidDose(medicine_name, typed, None, KIND_UNKNOWN)
        return None
    if medicine.drug in NO_FACTOR:
        return OpioidDose(medicine_name, typed, None, f"{medicine.drug}: no CDC conversion factor")
    mme = daily_mme(medicine.drug, typed, medicine.unit_amount)
    return OpioidDose(medicine_name, typed, mme, None if mme is not None else NOT_CLEAR)


def opioid_total(
    rows: Iterable[Mapping[str, Any]],
    name: str,
    dose: str,
    current: str,
    kind: str | None = None,
    opioid_code: str = "opioid",
    unknown_code: str = "dont_know",
) -> OpioidTotal | None:
    """Every current opioid of a medicines list, with the total; None if there are none.

    A row counts when its name is a known opioid (generic or brand), or its kind is
    ``opioid_code``; a row whose kind is ``unknown_code`` ("I don't know") and whose name
    is not known is named as left out, since it may be one.
    """
    doses = []
    for row in rows:
        if row.get(current) is not True:
            continue
        found = _dose(
            str(row.get(name) or ""),
            str(row.get(dose) or ""),
            row.get(kind) if kind else None,
            opioid_code,
            unknown_code,
        )
        if found is not None:
            doses.append(found)
    return OpioidTotal(tuple(doses)) if doses else None
