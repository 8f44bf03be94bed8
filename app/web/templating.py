"""Values every template can use."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from datetime import date, datetime
from functools import lru_cache

from flask import Flask, g
from flask_babel import format_date as babel_date
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.local import LocalProxy

from ..engine.body_map import VIEWS
from ..engine.questionnaire.answers import choices_for
from ..engine.questionnaire.definition import Item
from ..records import clinic_details, messages
from ..records.clock import local


def _english() -> bool:
    """Whether this page is in English, asked once per request: a worklist formats a
    hundred dates, and asking Flask-Babel each time was a third of drawing the page."""
    english = g.get("page_in_english")
    if english is None:
        english = g.page_in_english = str(get_locale() or "en") == "en"
    return english


def format_date(value: date | datetime | None) -> str:
    """A calendar date, or the clinic's date of a stored moment; month names in the
    page's language ("07 Dec 2026", "7 दिस॰ 2026")."""
    if value is None:
        return _("not set")
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d %b %Y") if _english() else babel_date(value, "d MMM y")


def format_datetime(value: datetime | None) -> str:
    """A stored moment on the clinic's clock, with the zone's abbreviation."""
    if value is None:
        return _("not yet")
    moment = local(value)
    if _english():
        return moment.strftime("%d %b %Y %H:%M %Z")
    return f"{babel_date(moment.date(), 'd MMM y')} {moment:%H:%M %Z}"


@lru_cache(maxsize=512)
def _escaped_choices(item: Item) -> tuple[tuple[str, Markup, Markup], ...]:
    return tuple((value, escape(value), escape(text)) for value, text in choices_for(item))


def choice_inputs(item: Item, name: str, chosen: Collection[str], invalid: bool) -> Markup:
    """The radio buttons or checkboxes of one question, each followed by its label.

    Written in Python rather than in the field macro because it is the innermost loop of
    every questionnaire page (the pain section shows 110 of them): in the field macro it
    took a fifth of the page's rendering time. Values and labels come from the definition
    and are escaped once per process; the field name is escaped here.
    """
    kind = "checkbox" if item.is_multi else "radio"
    invalid_attr = ' aria-invalid="true"' if invalid else ""
    name = escape(name)
    html = []
    for value, safe_value, label in _escaped_choices(item):
        checked = " checked" if value in chosen else ""
        field_id = f"{name}-{safe_value}"
        html.append(
            f'<div class="option"><input type="{kind}" id="{field_id}" name="{name}" '
            f'value="{safe_value}"{checked}{invalid_attr}>'
            f'<label for="{field_id}">{label}</label></div>\n'
        )
    # Every part was escaped above, or is one of this function's constants.
    markup = "".join(html)
    return Markup(markup)  # noqa: S704  # nosec B704


def readable_reference(ref: str, revision: int | None = None) -> str:
    """A reference a person can read out on the phone: "3214-C4FA", "3214-C4FA/2".

    The first eight characters of the record's reference, in two groups of four; staff
    search finds a patient by it.
    """
    short = ref[:8].upper()
    text = f"{short[:4]}-{short[4:]}"
    return f"{text}/{revision}" if revision and revision > 1 else text


def with_article(noun: str) -> str:
    """ "a medicine", "an operation": the indefinite article a row's name takes in English.
    A name in another script (Hindi "दवा") takes none: its language has no such article."""
    if not noun[:1].isascii():
        return noun
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def shown_length(text: str) -> int:
    """How many letters wide ``text`` is: a mark that sits on its letter (Hindi's े, ं,
    ु) takes no width of its own; a vowel sign beside it (ा, ि) does."""
    return sum(1 for ch in text if unicodedata.category(ch) not in {"Mn", "Me"})


def plain_number(value: float) -> str:
    """6.0 as "6", 33.3 as "33.3": a figure as a clinician writes it."""
    return f"{value:g}"


def option_layout(item: Item) -> str:
    """How a question's options sit on a phone: in a row, in two columns, four across with
    the label under each (a frequency scale), or one a line.

    Short answers side by side save most of a page's height ("Yes No" on one line);
    long ones stay one a line, so they are easy to read and to tap.
    """
    if item.widget == "scale":
        return "scale"
    if item.widget == "body_map":
        return "body-map-list"
    labels = [text for _, text in choices_for(item)]
    longest = max((shown_length(t) for t in labels), default=0)
    if len(labels) == 4 and longest <= 24:
        return "across"  # a scale of four ("Not at all" … "A lot") on one row
    if len(labels) <= 4 and longest <= 12:
        return "inline"
    if len(labels) >= 4 and longest <= 24:
        return "columns"
    return ""


def init_app(app: Flask) -> None:
    clinic_details.init_app(app)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(readable_reference, "reference")
    app.add_template_filter(with_article, "with_article")
    app.add_template_filter(plain_number, "number")
    app.jinja_env.globals["body_views"] = VIEWS
    app.jinja_env.globals["choice_inputs"] = choice_inputs
    app.jinja_env.globals["option_layout"] = option_layout
    app.jinja_env.globals["channel_names"] = messages.CHANNEL_NAMES
    app.jinja_env.globals["can_reach"] = messages.can_reach

    @app.context_processor
    def clinic_context():
        # A proxy, so a page that shows none of the clinic's details reads no profile.
        return {"clinic": LocalProxy(clinic_details.current)}
