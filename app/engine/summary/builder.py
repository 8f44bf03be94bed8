"""The specialist's summary: one pure function from a definition and answers.

It is generic: the definition's ``summary:`` block says what goes into the brief (the
first screen, and page 1 of the PDF), the groups every answer follows in, and the words
a clinician reads for each answer. An answer that no group names still reaches the
specialist, under "Other answers". Only questions that apply are listed; nothing is
inferred and nothing is judged.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from ..questionnaire.answers import display, row_line
from ..questionnaire.definition import Item, Questionnaire, SummaryGroup
from ..questionnaire.enable_when import enabled_link_ids
from ..questionnaire.scoring import Score
from .facts import Facts, clinical, facts_for, fill, fill_parts, row_texts, score_text
from .highlights import Highlight, highlights_of
from .opioids import SOURCE as OPIOID_SOURCE
from .opioids import OpioidTotal

NOT_ANSWERED = "not answered"
DISCLAIMER = (
    "Patient-reported information to support the evaluation visit. "
    "Not an eligibility determination."
)
FOOTER = (
    "Patient-reported information, not verified. This summary does not assess suitability "
    "for any treatment. Psychological evaluation, examination and imaging review are separate."
)


@dataclass(frozen=True, slots=True)
class PatientInfo:
    """Identity from the clinic's record (not from the questionnaire)."""

    name: str
    date_of_birth: date
    visit_date: date | None = None
    reference: str = ""
    phone: str | None = None
    hospital_number: str | None = None
    abha_number: str | None = None  # as printed: 91-1234-5678-9012


@dataclass(frozen=True, slots=True)
class Identity:
    name: str | None
    date_of_birth: date | None
    age: int | None
    sex: str
    reference: str
    phone: str | None
    visit_date: date | None
    hospital_number: str | None = None
    abha_number: str | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str
    link_id: str
    answered: bool = True


@dataclass(frozen=True, slots=True)
class ScoreView:
    id: str
    title: str
    total: str
    band: str | None
    items: tuple[Fact, ...]
    note: str | None
    attribution: str
    complete: bool
    # Beside the total when the patient answered in a translation that is not a validated
    # one: "(Hindi, not a validated translation)".
    translation: str | None = None


@dataclass(frozen=True, slots=True)
class BriefPart:
    id: str
    title: str
    facts: tuple[Fact, ...] = ()
    scores: tuple[ScoreView, ...] = ()
    rows: tuple[str, ...] = ()
    has_rows: bool = False
    empty: str = ""
    quotes: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """One answer, as a clinician reads it: "Blood thinners: Apixaban"."""

    label: str
    value: str
    link_id: str
    answered: bool
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerGroup:
    title: str
    statements: tuple[Statement, ...]
    fold: bool = False


@dataclass(frozen=True, slots=True)
class Summary:
    identity: Identity
    questionnaire: str
    submitted_at: datetime | None
    revision: int | None
    highlights: tuple[Highlight, ...]
    brief: tuple[BriefPart, ...]
    groups: tuple[AnswerGroup, ...]
    scores: tuple[ScoreView, ...]
    opioids: OpioidTotal | None
    pain_regions: tuple[str, ...] = ()
    disclaimer: str = DISCLAIMER
    footer: str = FOOTER
    attributions: tuple[str, ...] = field(default=())
    # "Hindi" when the patient answered in Hindi; None in English.
    answered_in: str | None = None

    @property
    def urgent(self) -> tuple[Highlight, ...]:
        return tuple(h for h in self.highlights if h.urgent)

    @property
    def to_review(self) -> tuple[Highlight, ...]:
        return tuple(h for h in self.highlights if not h.urgent)

    def part(self, part_id: str) -> BriefPart | None:
        return next((p for p in self.brief if p.id == part_id), None)


def label_of(q: Questionnaire, item: Item) -> str:
    """The clinician's words for an answer: the definition's label, else its short label."""
    return q.summary.labels.get(item.link_id) or item.short or item.text


def _score_view(q: Questionnaire, facts: Facts, score: Score) -> ScoreView:
    ins = score.instrument
    items = []
    for link_id, item_score in score.item_scores:
        item = q.item(link_id)
        value = facts.answers.get(link_id)
        shown = display(item, value) if value is not None else ""
        if not shown:
            shown = "not asked (scores 0)" if item_score == 0 else NOT_ANSWERED
        elif item_score is not None and item.options:
            shown = f"{shown} ({item_score})"
        items.append(Fact(item.short or item.text, shown, link_id, item_score is not None))
    total = score_text(score)
    return ScoreView(
        ins.id,
        ins.title,
        total.split(",")[0],
        score.band,
        tuple(items),
        ins.note,
        ins.attribution,
        score.complete,
    )


def _brief(q: Questionnaire, facts: Facts, scores: dict[str, ScoreView]) -> tuple[BriefPart, ...]:
    parts = []
    for spec in q.summary.snapshot:
        lines = []
        for fact in spec.facts:
            text, found = fill_parts(facts, fact.text)
            if found:
                lines.append(Fact(fact.label, _tidy(text), fact.link))
        quotes = []
        for quote in spec.quotes:
            text, found = fill(facts, quote.text)
            quotes.append(
                Fact(quote.label, text if found else NOT_ANSWERED, quote.link, bool(found))
            )
        rows = tuple(line for rows in spec.rows for line in row_texts(facts, rows))
        parts.append(
            BriefPart(
                spec.id,
                spec.title,
                tuple(lines),
                tuple(scores[i] for i in spec.scores if i in scores),
                rows,
                bool(spec.rows),
                spec.empty,
                tuple(quotes),
            )
        )
    return tuple(parts)


def _tidy(text: str) -> str:
    """A filled sentence without the separators of the parts that had no answer."""
    for gap in ("; ;", ", ,", ": ;", ": ,"):
        while gap in text:
            text = text.replace(gap, gap[-1])
    return text.replace(" ()", "").strip(" ;,:").replace(";;", ";").replace(": ;", ";")


def _statement(q: Questionnaire, item: Item, value: Any) -> Statement:
    label = label_of(q, item)
    if item.is_group:
        lines = tuple(row_line(item, row) for row in value or [])
        return Statement(
            label,
            f"{len(lines)} listed" if lines else "none listed",
            item.link_id,
            bool(lines),
            lines,
        )
    shown = clinical(q, item, value)
    return Statement(label, shown or NOT_ANSWERED, item.link_id, bool(shown))


def _groups(q: Questionnaire, answers: Mapping[str, Any]) -> tuple[AnswerGroup, ...]:
    """Every question that applies, in the definition's groups; the rest under "Other"."""
    enabled = enabled_link_ids(q, answers)
    # An unticked "not sure" box says nothing: it is left out, as on the check page.
    applying = [
        i
        for i in q.top_level_items()
        if i.link_id in enabled
        and not (i.widget == "checkbox" and answers.get(i.link_id) is not True)
    ]
    by_id = {i.link_id: i for i in applying}
    placed: set[str] = set()
    groups = []
    specs = q.summary.groups or tuple(
        SummaryGroup(s.title, tuple(i.link_id for i in s.questions)) for s in q.sections
    )
    for spec in specs:
        statements = tuple(
            _statement(q, by_id[i], answers.get(i)) for i in spec.items if i in by_id
        )
        placed.update(spec.items)
        if statements:
            groups.append(AnswerGroup(spec.title, statements, spec.fold))
    rest = tuple(
        _statement(q, i, answers.get(i.link_id)) for i in applying if i.link_id not in placed
    )
    if rest:
        groups.append(AnswerGroup("Other answers", rest))
    return tuple(groups)


def build_summary(
    q: Questionnaire,
    answers: Mapping[str, Any],
    submitted_at: datetime | None,
    *,
    patient: PatientInfo | None = None,
    alert_times: Mapping[str, str] | None = None,
    revision: int | None = None,
    zone: tzinfo = UTC,
    answered_in: str | None = None,
    unvalidated: Collection[str] = (),
) -> Summary:
    """Everything the specialist reads, in the order they read it.

    ``zone`` is the clinic's clock: ages and durations count to the clinic's date of
    submission, and the times alerts were shown are written on it. ``answered_in`` names
    the language when it was not English, and ``unvalidated`` the instruments whose
    translation in it is not a validated one: the answers are codes, so the facts are the
    same, but a score from an unvalidated translation is marked so.
    """
    as_of = (submitted_at or datetime.now(UTC)).astimezone(zone).date()
    facts = facts_for(q, answers, as_of, alert_times, zone)
    scores = {i: _score_view(q, facts, s) for i, s in facts.scores.items()}
    sex_item = q.items.get(q.summary.sex or "")
    sex = display(sex_item, facts.answers.get(sex_item.link_id)) if sex_item else ""
    regions = next((i for i in q.top_level_items() if i.widget == "body_map"), None)
    attributions = list(dict.fromkeys(s.attribution for s in scores.values()))
    if facts.opioids:
        attributions.append(f"Oral morphine equivalents: {OPIOID_SOURCE}.")
    built = Summary(
        identity=identity_for(patient, as_of, sex or NOT_ANSWERED),
        questionnaire=f"{q.title} ({q.id} v{q.version})",
        submitted_at=submitted_at,
        revision=revision,
        highlights=tuple(highlights_of(facts)),
        brief=_brief(q, facts, scores),
        groups=_groups(q, facts.answers),
        scores=tuple(scores.values()),
        opioids=facts.opioids,
        pain_regions=tuple(facts.answers.get(regions.link_id) or ()) if regions else (),
        attributions=tuple(attributions),
    )
    return in_language(built, answered_in, unvalidated)


def for_patient(summary: Summary, patient: PatientInfo | None, zone: tzinfo = UTC) -> Summary:
    """A kept summary with the identity as the clinic's record has it now."""
    as_of = (summary.submitted_at or datetime.now(UTC)).astimezone(zone).date()
    return replace(summary, identity=identity_for(patient, as_of, summary.identity.sex))


def identity_for(patient: PatientInfo | None, as_of: date, sex: str) -> Identity:
    """Who the summary is of, from the clinic's record (which staff may correct after the
    answers were sent), with the age on the day they were sent."""
    return Identity(
        name=patient.name if patient else None,
        date_of_birth=patient.date_of_birth if patient else None,
        age=_age(patient.date_of_birth, as_of) if patient else None,
        sex=sex,
        reference=patient.reference if patient else "",
        phone=patient.phone if patient else None,
        visit_date=patient.visit_date if patient else None,
        hospital_number=patient.hospital_number if patient else None,
        abha_number=patient.abha_number if patient else None,
    )


def in_language(
    summary: Summary, answered_in: str | None, unvalidated: Collection[str] = ()
) -> Summary:
    """The summary marked with the language the answers were given in, when not English,
    and each score from a translation that is not a validated one."""
    if not answered_in:
        return summary
    note = f"({answered_in}, not a validated translation)"

    def marked(view: ScoreView) -> ScoreView:
        return replace(view, translation=note if view.id in unvalidated else None)

    return replace(
        summary,
        answered_in=answered_in,
        scores=tuple(marked(v) for v in summary.scores),
        brief=tuple(replace(p, scores=tuple(marked(v) for v in p.scores)) for p in summary.brief),
    )


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
