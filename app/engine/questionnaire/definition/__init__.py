"""Questionnaire definitions: typed, immutable objects loaded from versioned YAML files.

``model`` holds the objects, ``summary_spec`` what the specialist's brief is made of,
``loader`` reads a file and ``checks`` proves its cross-references. The rest of the app
imports the names below from here.
"""

from .loader import load_definition, parse_definition
from .model import (
    PLACEHOLDER,
    Alert,
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
from .summary_spec import HighlightRule, RowFilter, SummaryGroup

__all__ = [
    "PLACEHOLDER",
    "Alert",
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
    "SoftCheck",
    "SummaryGroup",
    "load_definition",
    "parse_definition",
]
