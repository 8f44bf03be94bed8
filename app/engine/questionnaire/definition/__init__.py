"""Questionnaire definitions: typed, immutable objects loaded from versioned YAML files.

``model`` holds the objects, ``summary_spec`` what the specialist's brief is made of,
``loader`` reads a file and ``checks`` proves its cross-references; importers use the
names below.
"""

from .loader import load_definition, parse_definition
from .model import (
    CHOICE_TYPES,
    ITEM_TYPES,
    OPERATORS,
    PLACEHOLDER,
    THIS_YEAR,
    WIDGETS,
    Alert,
    Band,
    Condition,
    DefinitionError,
    Instrument,
    Item,
    Option,
    Page,
    Questionnaire,
    Section,
    SoftCheck,
)
from .summary_spec import (
    COMPUTED_KINDS,
    HighlightRule,
    RowFilter,
    SnapshotFact,
    SnapshotPart,
    SummaryGroup,
    SummarySpec,
)

__all__ = [
    "CHOICE_TYPES",
    "COMPUTED_KINDS",
    "ITEM_TYPES",
    "OPERATORS",
    "PLACEHOLDER",
    "THIS_YEAR",
    "WIDGETS",
    "Alert",
    "Band",
    "Condition",
    "DefinitionError",
    "HighlightRule",
    "Instrument",
    "Item",
    "Option",
    "Page",
    "Questionnaire",
    "RowFilter",
    "Section",
    "SnapshotFact",
    "SnapshotPart",
    "SoftCheck",
    "SummaryGroup",
    "SummarySpec",
    "load_definition",
    "parse_definition",
]
