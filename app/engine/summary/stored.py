"""A built summary as JSON, and back: how a submitted revision's summary is kept.

A submitted revision never changes, so its summary (facts, scores and bands, review
items, oral morphine equivalents, every answer in words) is built once and kept with it.
The identity (which staff may correct) and the language marks (which follow the
translation files) are put on when it is read, as ``identity_for`` and ``in_language``
make them. ``FORMAT`` is part of the key a kept summary is filed under: change the
builder's output and bump it, and kept summaries are built again when next read (or by
``flask summaries rebuild``).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any, Union

from .builder import Summary

FORMAT = 1


def key(questionnaire_id: str, version: int, zone: str) -> str:
    """What a kept summary depends on besides the answers: the definition, this format
    and the clinic's clock (alert times are written on it)."""
    return f"{questionnaire_id}.v{version}.f{FORMAT}.{zone}"


def dump(summary: Summary) -> dict[str, Any]:
    """The summary as JSON-ready data (dates as ISO text)."""
    return _plain(dataclasses.asdict(summary))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def load(data: dict[str, Any]) -> Summary:
    """The summary ``dump`` was given, typed as it was built."""
    return _reader(Summary)(data)


@cache
def _reader(kind: Any) -> Callable[[Any], Any]:
    """A function that turns JSON data into ``kind``, worked out once per type: a kept
    summary is read on every view, and looking at the types each time cost more than
    building the summary afresh."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = [(f.name, _reader(hints[f.name])) for f in dataclasses.fields(kind) if f.init]

        def read_dataclass(value):
            return kind(**{name: read(value[name]) for name, read in fields if name in value})

        return _optional(read_dataclass)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _reader(args[0])
            if item is _same:
                return _optional(tuple)
            return _optional(lambda value: tuple(item(v) for v in value))
        readers = [_reader(a) for a in args]
        return _optional(lambda value: tuple(r(v) for r, v in zip(readers, value, strict=True)))
    if origin in (Union, types.UnionType):
        chosen = [a for a in typing.get_args(kind) if a is not type(None)]
        return _reader(chosen[0]) if len(chosen) == 1 else _same
    if kind is datetime:
        return _optional(datetime.fromisoformat)
    if kind is date:
        return _optional(date.fromisoformat)
    return _same


def _same(value: Any) -> Any:
    return value


def _optional(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else read(value)
