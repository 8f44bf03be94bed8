"""Request guards: odd ids, page numbers and hidden characters get a clear 4xx, never a 500.

- Ids in URLs and forms fit the database's integer (a 20-digit id is a 404, not an
  overflow inside the database driver).
- Page numbers of any size land on a real page.
- A link built from this request's query (``query_for_link``) cannot fail on it.
- NUL and other control characters cannot be stored by PostgreSQL and mean nothing in a
  form: any query parameter or form field holding one is answered with a 400 page that
  says so. The questionnaire's own pages are the exception: there, an answer holding one
  gets a message beside its field and the rest of the page is kept as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from ..records.identifiers import ID_DIGITS, MAX_ID

MAX_PAGE = 100_000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Pages that check each answer for control characters and say so beside the field.
CHECKED_BY_FIELD = frozenset({"patient.save_section", "patient.autosave"})


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` in a route, up to the largest id the database can hold."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def page_number(text: str | None) -> int:
    """A page number from the query: 1 when missing or odd, at most MAX_PAGE."""
    text = (text or "").strip()
    if not ID_DIGITS.fullmatch(text):
        return MAX_PAGE if text.isascii() and text.isdigit() else 1
    return min(max(int(text), 1), MAX_PAGE)


class HiddenCharacters(BadRequest):
    description = (
        "Something you sent holds a hidden character (such as a null byte) that "
        "cannot be stored. Go back, retype the text and try again."
    )


def _has_control_characters(pairs: Iterable[tuple[str, str]]) -> bool:
    return any(
        CONTROL_CHARACTERS.search(k) or CONTROL_CHARACTERS.search(v)
        for k, v in pairs
        if isinstance(v, str)
    )


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def refuse_control_characters():
        if _has_control_characters(request.args.items(multi=True)):
            raise HiddenCharacters()
        if request.endpoint in CHECKED_BY_FIELD or request.method != "POST":
            return
        if _has_control_characters(request.form.items(multi=True)):
            raise HiddenCharacters()


def query_for_link(path: dict | None = None) -> dict:
    """This request's query parameters, for a link to a page like this one: ``path``'s
    values (the page's own) win over a parameter of the same name ("?page=x" on a page
    numbered in its path), and url_for's own options ("?_scheme=") are never taken from
    a query. Either would make url_for fail, and the page with it."""
    query = {key: value for key, value in request.args.items() if not key.startswith("_")}
    return {**query, **(path or {})}
