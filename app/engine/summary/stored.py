"""A built summary as JSON, and back: how a submitted revision's summary is kept.

A submitted revision never changes, so its summary (facts, scores and bands, review
items, oral morphine equivalents, every answer in words) is built once and kept with it,
and so are the changes since the revision before it (``dump_changes``).
The identity (which staff may correct) and the language marks (which follow the
translation files) are put on when it is read, as ``identity_for`` and ``in_language``
make them. ``FORMAT`` is part of the key a kept summary is filed under: change the
builder's output and bump it, and kept summaries are built again when next read (or by
``flask summaries rebuild``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from .builder import Summary
from .changes import Change

FORMAT = 1


def key(questionnaire_id: str, version: int, zone: str) -> str:
    """What a kept summary depends on besides the answers: the definition, this format
    and the clinic's clock (alert times are written on it)."""
    return f"{questionnaire_id}.v{version}.f{FORMAT}.{zone}"


def dump(summary: Summary) -> dict[str, Any]:
    """The summary as JSON-ready data (dates as ISO text)."""
    return msgspec.to_builtins(summary)


def load(data: dict[str, Any]) -> Summary:
    """The summary ``dump`` was given, typed as it was built. msgspec works out each type's
    reader once and reads in C: a kept summary is read on every view, and reading it back
    field by field in Python had cost a tenth of the summary page."""
    return msgspec.convert(data, Summary)


def changes_key(questionnaire_id: str, version: int, previous_id: int) -> str:
    """What kept changes depend on besides the answers: the definition, this format and
    the revision they were compared with (whose own definition never changes). A merge or
    an accepted import can put another revision before."""
    return f"{questionnaire_id}.v{version}.f{FORMAT}.p{previous_id}"


def dump_changes(changes: list[Change]) -> list[Any]:
    return msgspec.to_builtins(changes)


def load_changes(data: list[Any]) -> list[Change]:
    return msgspec.convert(data, list[Change])
