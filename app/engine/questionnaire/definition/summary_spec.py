"""What the specialist reads, as data: the brief's parts, the review items and the groups
of every answer (a definition's ``summary:`` and ``highlights:``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Condition


@dataclass(frozen=True, slots=True)
class RowFilter:
    group: str
    where: tuple[tuple[str, Any], ...]
    show: str
    show_extra: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class HighlightRule:
    id: str
    text: str
    link: str
    when: tuple[Condition, ...] = ()
    enable_behavior: str = "all"
    urgent: bool = False
    extra: tuple[tuple[str, str], ...] = ()
    rows: RowFilter | None = None
    # A score at or above a total ("PHQ-9 15 or more"), as a condition.
    score: tuple[str, float] | None = None
    # The few words a worklist shows for an urgent item ("Thoughts of self-harm").
    label: str | None = None


@dataclass(frozen=True, slots=True)
class SnapshotFact:
    label: str
    text: str
    link: str


@dataclass(frozen=True, slots=True)
class SnapshotPart:
    """One block of the brief: facts in words, scores, a list's rows, the patient's words."""

    id: str
    title: str
    facts: tuple[SnapshotFact, ...] = ()
    scores: tuple[str, ...] = ()
    rows: tuple[RowFilter, ...] = ()
    empty: str = "None reported"
    quotes: tuple[SnapshotFact, ...] = ()


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    title: str
    items: tuple[str, ...]
    fold: bool = False


@dataclass(frozen=True, slots=True)
class SummarySpec:
    """What the specialist reads: the brief, then every answer in groups (``summary:``)."""

    snapshot: tuple[SnapshotPart, ...] = ()
    groups: tuple[SummaryGroup, ...] = ()
    labels: dict[str, str] = field(default_factory=dict, compare=False)
    computed: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    sex: str | None = None
    # A clinician's word for an option, by linkId and code ("crps": "CRPS").
    words: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)


COMPUTED_KINDS = {
    "since": ("item",),
    "bmi": ("height", "weight"),
    "oral_morphine_equivalent": ("group", "name", "dose", "current"),
}
