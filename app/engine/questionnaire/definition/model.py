"""The definition's model: typed, immutable objects a questionnaire is made of.

Items, sections and questionnaires compare and hash by identity: a definition is loaded
once at start-up and shared, and hashing the whole tree on every cache look-up was the
single largest cost of rendering a page.

The shape follows FHIR Questionnaire (linkId, type, required, repeats, answerOption,
enableWhen) so the export is a mapping, not a translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .summary_spec import HighlightRule, SummarySpec

ITEM_TYPES = {
    "boolean",
    "choice",
    "open-choice",
    "multi-choice",
    "integer",
    "decimal",
    "date",
    "string",
    "text",
    "display",
    "group",
}
CHOICE_TYPES = {"choice", "open-choice", "multi-choice"}
# How an item is shown when not by its type alone: a row of radio buttons, one per point
# of a 0-10 scale; checkboxes beside a clickable figure of the body.
# A single checkbox for a boolean that is only ever ticked ("I'm not sure of the year").
WIDGETS = {None, "scale", "body_map", "checkbox"}
OPERATORS = {"=", "!=", ">", "<", ">=", "<=", "exists"}
THIS_YEAR = "this_year"
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)(?::([a-z0-9_]+))?\}")


class DefinitionError(ValueError):
    """A definition file that cannot be used; the message names the offending part."""


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    display: str
    score: int | None = None
    exclusive: bool = False
    view: str | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    question: str
    operator: str
    answer: Any = None


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    link_id: str
    text: str
    type: str
    section_id: str
    required: bool = False
    options: tuple[Option, ...] = ()
    min: float | None = None
    max: float | str | None = None
    max_length: int | None = None
    unit: str | None = None
    help: str | None = None
    widget: str | None = None
    not_future: bool = False
    enable_when: tuple[Condition, ...] = ()
    enable_behavior: str = "all"
    repeats: bool = False
    min_rows: int = 0
    max_rows: int | None = None
    row_label: str | None = None
    # A repeating group's one-line summary of a row, with {linkId} placeholders.
    row_summary: str | None = None
    items: tuple[Item, ...] = ()
    group: str | None = None
    # Patient words for the check page ("Height"), and for a boolean or choice the words a
    # row summary uses for each answer ({"true": "still taking", "false": "stopped"}).
    short: str | None = None
    words: tuple[tuple[str, str], ...] = ()
    # A boolean item ("I'm not sure of the year") that, when ticked, waives ``required``.
    required_unless: str | None = None
    # For a date: a boolean item ("I'm not sure of the month") that, when ticked, lets the
    # answer be a year alone.
    year_alone_if: str | None = None
    # For a height in cm: feet and inches are accepted too (5'6", 5 ft 6 in).
    feet_inches: bool = False
    # What to do when the answer is missing, in the question's terms ("Select how much it
    # helped"); a message by the question's type when not given.
    error: str | None = None
    # The words at the two ends of a scale ("No pain", "Worst pain you can imagine").
    ends: tuple[str, str] | None = None
    # For an integer: answers go up in steps of this size from ``min`` (0, 10, … 100).
    step: int = 1
    option_index: dict[str, Option] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_group(self) -> bool:
        return self.type == "group"

    @property
    def is_multi(self) -> bool:
        return self.type == "multi-choice"

    def option(self, code: str) -> Option | None:
        return self.option_index.get(code)

    @property
    def label(self) -> str:
        """How the check page names the answer: the short label, else the question."""
        return self.short or self.text

    def word_for(self, code: str) -> str | None:
        return dict(self.words).get(code)

    def upper_bound(self, this_year: int) -> float | None:
        """The maximum, with ``this_year`` resolved when asked rather than at load time."""
        return this_year if self.max == THIS_YEAR else self.max


@dataclass(frozen=True, slots=True)
class SoftCheck:
    id: str
    ordered: tuple[str, ...]
    message: str
    confirm_label: str


@dataclass(frozen=True, slots=True, eq=False)
class Page:
    """One screen of a section: a few questions on one topic, shown and saved together."""

    id: str
    title: str
    number: int
    section_id: str
    items: tuple[Item, ...]
    intro: str | None = None
    soft_checks: tuple[SoftCheck, ...] = ()
    questions: tuple[Item, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(i for i in self.items if i.type != "display"))

    @property
    def key(self) -> str:
        """Where what was typed on this page is kept as a draft."""
        return f"{self.section_id}/{self.id}"


@dataclass(frozen=True, slots=True, eq=False)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    number: int
    intro: str | None = None
    soft_checks: tuple[SoftCheck, ...] = ()
    # The section's pages, in order; a section declared without pages is one page.
    pages: tuple[Page, ...] = ()
    # Items that take an answer (display items only show text); derived once, as every
    # page and every validation pass walks them.
    questions: tuple[Item, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(i for i in self.items if i.type != "display"))
        if not self.pages:
            whole = Page("all", self.title, 1, self.id, self.items, self.intro, self.soft_checks)
            object.__setattr__(self, "pages", (whole,))

    @property
    def key(self) -> str:
        return self.id

    def page(self, number: int) -> Page | None:
        return self.pages[number - 1] if 1 <= number <= len(self.pages) else None

    def page_of(self, link_id: str) -> Page:
        """The page a question of this section is on."""
        return next(
            (p for p in self.pages if any(i.link_id == link_id for i in p.items)), self.pages[0]
        )


@dataclass(frozen=True, slots=True)
class Band:
    min: int
    max: int
    label: str


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    title: str
    items: tuple[str, ...]
    scoring: str
    range: tuple[int, int]
    bands: tuple[Band, ...]
    source: str
    licence: str
    attribution: str
    decimals: int = 0
    hidden_items_score_zero: bool = False
    note: str | None = None
    # The total's linkId in FHIR (the ``scores`` group) and its CSV column.
    total_id: str = ""
    # The worklist's column heading for this total; no column when not given.
    worklist: str | None = None

    @property
    def total_type(self) -> str:
        """The total's FHIR type: a mean kept to decimals is a decimal."""
        return "decimal" if self.decimals else "integer"


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    section: str
    when: tuple[Condition, ...]
    title: str
    text: str
    enable_behavior: str = "all"


@dataclass(frozen=True, slots=True, eq=False)
class Questionnaire:
    id: str
    version: int
    url: str
    title: str
    status: str
    publisher: str
    sections: tuple[Section, ...]
    instruments: tuple[Instrument, ...]
    alerts: tuple[Alert, ...]
    highlights: tuple[HighlightRule, ...]
    items: dict[str, Item] = field(compare=False, repr=False)
    summary: SummarySpec = field(default_factory=SummarySpec, compare=False, repr=False)
    # How long most people take, in minutes (low, high), as the consent page promises.
    minutes: tuple[int, int] | None = None
    _top_level: tuple[Item, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_top_level", tuple(i for s in self.sections for i in s.questions))

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def item(self, link_id: str) -> Item:
        return self.items[link_id]

    def top_level_items(self) -> tuple[Item, ...]:
        """Every item that holds an answer directly in the answers dict, in form order."""
        return self._top_level

    def instrument(self, instrument_id: str) -> Instrument | None:
        return next((i for i in self.instruments if i.id == instrument_id), None)
