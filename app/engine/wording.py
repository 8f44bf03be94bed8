"""The engine's own words (an error beside a field, "Yes"), translatable without Flask.

Strings are marked ``_("Enter a number")`` and extracted into the interface catalogue with
the templates'; the web layer hands in its gettext at start-up (``use``), so the engine
stays free of the web stack and tests of the engine read English.
"""

from __future__ import annotations

from collections.abc import Callable

_translate: Callable[[str], str] = str


def use(translate: Callable[[str], str]) -> None:
    global _translate
    _translate = translate


def _(text: str, **values: object) -> str:
    """``text`` in the current language, with ``%(name)s`` placeholders filled."""
    translated = _translate(text)
    return translated % values if values else translated


def N_(text: str) -> str:
    """Marks a text for the catalogue where it is defined; ``_`` translates it when shown."""
    return text
