"""The total daily opioid dose as oral morphine milligram equivalents (MME), from what the
patient typed ("Tapentadol", "50 mg twice a day").

Conversion factors are those of the CDC Clinical Practice Guideline for Prescribing
Opioids for Pain, 2022 (Dowell D, Ragan KR, Jones CM, Baldwin GT, Chou R. MMWR Recomm Rep
2022;71(No. RR-3):1-95, Table "Morphine milligram equivalent doses for commonly prescribed
opioids"). Transdermal fentanyl is in micrograms per hour; the CDC gives no factor for
buprenorphine (its equivalence is not linear), so it is reported but not added.

A dose is only calculated when both the amount and how often are clear; anything else is
"not calculable" and the specialist reads the patient's own words. The result is an
estimate for the specialist's review, never a prescribing figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

SOURCE = ("CDC Clinical Practice Guideline for Prescribing Opioids for Pain, 2022 "
          "(MMWR Recomm Rep 2022;71(RR-3))")
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
_PER_DAY = (
    (re.compile(r"\b(once|one time|1 time|od|daily|a day|per day|every day|at night|nocte|"
                r"in the morning|every 24 ?h(ou)?rs?)\b"), 1),
    (re.compile(r"\b(twice|two times|2 times|2x|x ?2|bd|bid|every 12 ?h(ou)?rs?|12 ?hourly)\b"),
     2),
    (re.compile(r"\b(three times|thrice|3 times|3x|x ?3|tds|tid|every 8 ?h(ou)?rs?|"
                r"8 ?hourly)\b"), 3),
    (re.compile(r"\b(four times|4 times|4x|x ?4|qds|qid|every 6 ?h(ou)?rs?|6 ?hourly)\b"), 4),
)
_MG = re.compile(r"(\d+(?:[.,]\d+)?)\s*(mg|milligrams?)\b")
_MCG_HOUR = re.compile(r"(\d+(?:[.,]\d+)?)\s*(mcg|µg|micrograms?)\s*(/|per|an|a)\s*h")
_RANGE = re.compile(r"\d\s*(-|–|to|or)\s*\d+\s*(times|x|tablets?|caps?)")
_TABLETS = re.compile(r"\b(\d)\s*(tablets?|tabs?|capsules?|caps?)\b")


@dataclass(frozen=True, slots=True)
class OpioidDose:
    name: str
    dose_text: str
    mme: float | None  # None: not calculable from what was typed

    @property
    def line(self) -> str:
        dose = f" {self.dose_text}" if self.dose_text else ""
        worth = f" ({self.mme:g})" if self.mme is not None else " (not calculable)"
        return f"{self.name}{dose}{worth}"


@dataclass(frozen=True, slots=True)
class OpioidTotal:
    doses: tuple[OpioidDose, ...]

    @property
    def total(self) -> float:
        return round(sum(d.mme for d in self.doses if d.mme is not None))

    @property
    def calculable(self) -> bool:
        return all(d.mme is not None for d in self.doses)

    def text(self) -> str:
        """"about 120 mg oral morphine equivalent a day: tapentadol 100 mg twice a day (80), …"."""
        parts = ", ".join(d.line for d in self.doses)
        if not self.doses:
            return ""
        if self.calculable:
            return f"about {self.total:g} mg oral morphine equivalent a day: {parts}"
        if any(d.mme is not None for d in self.doses):
            return (f"at least {self.total:g} mg oral morphine equivalent a day (not "
                    f"calculable in full): {parts}")
        return f"not calculable: {parts}"


def drug_of(name: str) -> str | None:
    """The opioid a medicine's name names ("Ultracet" is not recognised; "tramadol" is)."""
    lowered = name.lower()
    return next((drug for drug in (*FACTORS, *NO_FACTOR) if drug in lowered), None)


def daily_mme(drug: str, dose: str) -> float | None:
    """Oral morphine equivalents a day for one medicine, or None when it cannot be told."""
    text = dose.lower().replace(",", ".")
    factor = FACTORS.get(drug)
    if factor is None:
        return None
    if drug == "fentanyl":
        patch = _MCG_HOUR.search(text)
        return round(float(patch.group(1)) * factor, 1) if patch else None
    if _RANGE.search(text):
        return None  # "2-3 times a day": the specialist reads it
    amounts = _MG.findall(text)
    # "twice a day" says twice, not once: "a day" counts only when nothing else does.
    times = [n for pattern, n in _PER_DAY[1:] if pattern.search(text)] or [
        n for pattern, n in _PER_DAY[:1] if pattern.search(text)]
    if len(amounts) != 1 or len(times) != 1:
        return None
    tablets = _TABLETS.search(text)
    per_dose = float(amounts[0][0]) * (int(tablets.group(1)) if tablets else 1)
    return round(per_dose * times[0] * factor, 1)


def opioid_total(rows: Iterable[Mapping[str, Any]], name: str, dose: str, current: str,
                 kind: str | None = None, opioid_code: str = "opioid") -> OpioidTotal | None:
    """Every current opioid of a medicines list, with the total; None if there are none.

    A row counts when its name is a known opioid, or its kind is ``opioid_code``.
    """
    doses = []
    for row in rows:
        if row.get(current) is not True:
            continue
        medicine = str(row.get(name) or "")
        drug = drug_of(medicine)
        if drug is None and not (kind and row.get(kind) == opioid_code):
            continue
        typed = str(row.get(dose) or "")
        doses.append(OpioidDose(medicine, typed, daily_mme(drug, typed) if drug else None))
    return OpioidTotal(tuple(doses)) if doses else None
