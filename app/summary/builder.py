"""The specialist's summary: one pure function from a definition and answers.

``build_summary`` organises what the patient reported for a two-minute read: items to
review first, then pain, scores, treatments, health facts, psychosocial answers and
goals. Only questions that apply are listed; an optional question left blank says "not
answered"; nothing is inferred and nothing is judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from ..questionnaire.answers import display
from ..questionnaire.definition import Item, Questionnaire
from ..questionnaire.enable_when import enabled_link_ids
from ..questionnaire.scoring import Score, score_all
from .highlights import Highlight, evaluate_highlights

NOT_ANSWERED = "not answered"
DISCLAIMER = (
    "Patient-reported information to support the evaluation visit. "
    "Not an eligibility determination."
)
FOOTER = (
    "Patient-reported information, not verified. This summary does not assess suitability "
    "for any treatment. Psychological evaluation, examination and imaging review are separate."
)

HEALTH_FACTS = (
    "blood_thinners", "blood_thinner_names", "blood_thinner_other", "bleeding_disorder",
    "diabetes", "hba1c", "infection_current", "immunosuppressed", "implanted_devices",
    "implanted_other", "mrsa_history", "mri_needed", "pregnant", "diathermy", "allergies",
    "allergy_details", "smoking", "other_conditions", "spine_mri_recent",
)
PSYCHOSOCIAL_FACTS = (
    "work_status", "occupational_risks", "psych_evaluation_done", "psych_evaluation_year",
    "mental_health_history", "mental_health_current", "substance_use", "substance_treatment",
    "support_person", "legal_claim", "walk_distance", "mobility_aids", "sleep_affected",
)
GOAL_FACTS = (
    "expected_relief_percent", "expected_outcome", "knows_reduction_not_cure",
    "reduce_medicines_if_helped", "engage_rehab", "trial_willing", "device_confidence",
)
THERAPIES = (
    ("Physiotherapy or supervised exercise", "physio_tried", "physio_duration", "physio_relief"),
    ("Psychological therapy for pain", "psych_therapy_tried", "psych_therapy_duration",
     "psych_therapy_relief"),
)


@dataclass(frozen=True, slots=True)
class PatientInfo:
    """Identity from the clinic's record (not from the questionnaire)."""

    name: str
    date_of_birth: date
    visit_date: date | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str
    link_id: str
    answered: bool


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    link_id: str


@dataclass(frozen=True, slots=True)
class ScoreView:
    id: str
    title: str
    total: str
    band: str | None
    items: tuple[Fact, ...]
    note: str | None
    attribution: str


@dataclass(frozen=True, slots=True)
class Summary:
    name: str | None
    age: int | None
    sex: str
    visit_date: date | None
    questionnaire: str
    submitted_at: datetime | None
    revision: int | None
    completed_by: str
    language: str
    visit_needs: str
    highlights: tuple[Highlight, ...]
    pain_duration: str
    pain_regions: tuple[str, ...]
    pain_region_labels: tuple[str, ...]
    pain: tuple[Fact, ...]
    scores: tuple[ScoreView, ...]
    medications: Table
    procedures: Table | None
    surgeries: Table | None
    therapies: tuple[Fact, ...]
    prior_neuromodulation: tuple[Fact, ...]
    other_treatments: Fact
    bmi: str
    health: tuple[Fact, ...]
    psychosocial: tuple[Fact, ...]
    goals_text: str
    goals: tuple[Fact, ...]
    questions_for_doctor: str
    disclaimer: str = DISCLAIMER
    footer: str = FOOTER
    attributions: tuple[str, ...] = field(default=())

    @property
    def urgent(self) -> tuple[Highlight, ...]:
        return tuple(h for h in self.highlights if h.urgent)


def months_between(start: str, end: date) -> int | None:
    """Whole months from a ``YYYY-MM[-DD]`` answer to ``end``."""
    parts = [int(p) for p in start.split("-")]
    months = (end.year - parts[0]) * 12 + (end.month - parts[1])
    if len(parts) == 3 and end.day < parts[2]:
        months -= 1
    return months if months >= 0 else None


def duration_text(months: int | None) -> str:
    if months is None:
        return NOT_ANSWERED
    years, rest = divmod(months, 12)
    if not years:
        return f"{months} month{'s' if months != 1 else ''}"
    text = f"{years} year{'s' if years != 1 else ''}"
    if rest:
        text += f" {rest} month{'s' if rest != 1 else ''}"
    return f"{text} ({months} months)"


def bmi(answers: Mapping[str, Any]) -> float | None:
    height, weight = answers.get("height_cm"), answers.get("weight_kg")
    if not height or not weight:
        return None
    return round(weight / (height / 100) ** 2, 1)


class _Reader:
    """Reads answers for the summary: words for answers, "not answered" for blanks."""

    def __init__(self, q: Questionnaire, answers: Mapping[str, Any]):
        self.q = q
        self.answers = answers
        self.enabled = enabled_link_ids(q, answers)

    def applies(self, link_id: str) -> bool:
        return link_id in self.enabled

    def words(self, link_id: str, default: str = NOT_ANSWERED) -> str:
        value = self.answers.get(link_id) if self.applies(link_id) else None
        return display(self.q.item(link_id), value) or default

    def fact(self, link_id: str, label: str | None = None) -> Fact:
        item = self.q.item(link_id)
        shown = self.words(link_id)
        return Fact(label or item.text, shown, link_id, shown != NOT_ANSWERED)

    def facts(self, link_ids) -> tuple[Fact, ...]:
        return tuple(self.fact(i) for i in link_ids if i in self.q.items and self.applies(i))

    def table(self, link_id: str, columns: tuple[tuple[str, str], ...]) -> Table | None:
        if not self.applies(link_id):
            return None
        group: Item = self.q.item(link_id)
        children = {c.link_id: c for c in group.items}
        rows = tuple(
            tuple(
                display(children[child], row.get(child)) or NOT_ANSWERED
                for _, child in columns
            )
            for row in self.answers.get(link_id) or []
        )
        return Table(tuple(label for label, _ in columns), rows, link_id)


def _score_view(read: _Reader, score: Score) -> ScoreView:
    """An instrument's total, published band and every item with its score."""
    ins = score.instrument
    if score.total is None:
        total = f"incomplete ({score.missing} item{'s' if score.missing != 1 else ''} missing)"
    else:
        total = f"{score.total} of {ins.range[1]}"
    items = []
    for link_id, item_score in score.item_scores:
        item = read.q.item(link_id)
        shown = read.words(link_id, default="")
        if not shown:
            shown = "not asked (scores 0)" if item_score == 0 else NOT_ANSWERED
        elif item_score is not None and item.options:
            shown = f"{shown} ({item_score})"
        items.append(Fact(item.text, shown, link_id, item_score is not None))
    return ScoreView(ins.id, ins.title, total, score.band, tuple(items), ins.note, ins.attribution)


def build_summary(
    q: Questionnaire,
    answers: Mapping[str, Any],
    submitted_at: datetime | None,
    *,
    patient: PatientInfo | None = None,
    alert_times: Mapping[str, str] | None = None,
    revision: int | None = None,
    zone: tzinfo = UTC,
) -> Summary:
    """Everything the specialist reads, in the order they read it.

    ``zone`` is the clinic's clock: ages and durations count to the clinic's date of
    submission, and the times alerts were shown are written on it.
    """
    read = _Reader(q, answers)
    as_of = (submitted_at or datetime.now(UTC)).astimezone(zone).date()
    start = answers.get("pain_start_date")
    months = months_between(start, as_of) if start else None
    regions = tuple(answers.get("pain_regions") or ())
    region_item = q.item("pain_regions")

    completed_by = read.words("completed_by")
    if read.applies("helper_relation") and answers.get("helper_relation"):
        completed_by += f" (helper: {answers['helper_relation']})"
    language = read.words("preferred_language")
    if answers.get("preferred_language_other") and read.applies("preferred_language_other"):
        language = f"{language}: {answers['preferred_language_other']}"

    scores = score_all(q, answers)

    therapies = []
    for label, tried, duration, relief in THERAPIES:
        if tried not in q.items:
            continue
        text = read.words(tried)
        if answers.get(tried):
            text += f"; for {read.words(duration).lower()}; helped: {read.words(relief).lower()}"
        therapies.append(Fact(label, text, tried, answers.get(tried) is not None))

    body_mass = bmi(answers)
    return Summary(
        name=patient.name if patient else None,
        age=_age(patient.date_of_birth, as_of) if patient else None,
        sex=read.words("sex"),
        visit_date=patient.visit_date if patient else None,
        questionnaire=f"{q.title} ({q.id} v{q.version})",
        submitted_at=submitted_at,
        revision=revision,
        completed_by=completed_by,
        language=language,
        visit_needs=read.words("communication_needs"),
        highlights=tuple(evaluate_highlights(q, answers, alert_times, zone)),
        pain_duration=duration_text(months) + (
            f", since {display(q.item('pain_start_date'), start)}" if start else ""),
        pain_regions=regions,
        pain_region_labels=tuple(region_item.option(r).display for r in regions
                                 if region_item.option(r)),
        pain=read.facts(("main_pain_area", "leg_pain_percent", "pain_cause", "pain_cause_other",
                         "diagnoses", "diagnoses_other", "pain_descriptors", "pain_pattern",
                         "pain_now", "pain_worst", "pain_least", "red_flags",
                         "pain_worse_with", "pain_better_with")),
        scores=tuple(_score_view(read, score) for score in scores.values()),
        medications=read.table("medications", (
            ("Medicine", "med_name"), ("Kind", "med_kind"), ("Dose", "med_dose"),
            ("Still taking", "med_current"), ("How long", "med_duration"),
            ("Relief", "med_relief"), ("Side effects or why stopped", "med_side_effects"),
        )),
        procedures=read.table("procedures", (
            ("Procedure", "proc_type"), ("Year", "proc_year"),
            ("Relief", "proc_relief_percent"), ("Relief lasted", "proc_relief_duration"),
        )),
        surgeries=read.table("surgeries", (
            ("Operation", "surgery_type"), ("Year", "surgery_year"),
            ("Pain afterwards", "surgery_outcome"),
        )),
        therapies=tuple(therapies),
        prior_neuromodulation=read.facts((
            "prior_neuromodulation", "prior_neuromodulation_kind", "prior_neuromodulation_year",
            "prior_neuromodulation_details")),
        other_treatments=read.fact("other_treatments"),
        bmi=(f"{body_mass} (height {answers['height_cm']} cm, weight {answers['weight_kg']} kg)"
             if body_mass else NOT_ANSWERED),
        health=read.facts(HEALTH_FACTS),
        psychosocial=read.facts(PSYCHOSOCIAL_FACTS),
        goals_text=read.words("goals_text"),
        goals=read.facts(GOAL_FACTS),
        questions_for_doctor=read.words("questions_for_doctor"),
        attributions=tuple(dict.fromkeys(s.instrument.attribution for s in scores.values())),
    )


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
