"""Answers: parsing what a patient typed, checking what is stored, showing it back.

Stored answers are JSON keyed by linkId with typed values: booleans as true/false,
choices as the option code, multi-choice as a list of codes in the order of the
definition, numbers as numbers, dates as ``YYYY-MM`` or ``YYYY-MM-DD`` (or ``YYYY`` where the
patient ticked "I'm not sure of the month"), repeating groups
as a list of row objects. Parsing and checking share one function, so a value that was
accepted from a form is exactly a value that validates when read back.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..wording import N_, _
from .definition import Item, Questionnaire, Section
from .enable_when import enabled_link_ids

BOOLEAN_CODES = {"yes": True, "no": False}
_INTEGER = re.compile(r"[+-]?\d{1,9}")
_DECIMAL = re.compile(r"[+-]?(\d{1,9}([.,]\d{0,6})?|[.,]\d{1,6})")
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STORED_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
# A height in feet and inches, as people write it: 5'6", 5' 6, 5 ft 6 in, 5 feet 6 inches,
# with the curly quotes phones type.
_FEET_INCHES = re.compile(
    r"(?P<feet>\d)\s*(?:'|’|‘|`|ft\.?|feet|foot)\s*"
    r"(?:(?P<inches>\d{1,2}(?:[.,]\d)?)\s*(?:\"|”|“|''|’’|in\.?|inch(?:es)?)?)?"
)
CM_PER_INCH = 2.54
_DATE_FORMATS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"(\d{4})-(\d{1,2})"), ("y", "m")),
    (re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"), ("d", "m", "y")),
    (re.compile(r"(\d{1,2})[/.-](\d{4})"), ("m", "y")),
    (re.compile(r"(\d{4})"), ("y",)),
)


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is shown beside the field."""


def waived(item: Item, answers: Mapping[str, Any]) -> bool:
    """Whether a required answer may be left out: its "not sure" box beside it is ticked."""
    return bool(item.required_unless) and answers.get(item.required_unless) is True


def year_alone(item: Item, answers: Mapping[str, Any]) -> bool:
    """Whether a date may be a year alone: "I'm not sure of the month" beside it is ticked."""
    return bool(item.year_alone_if) and answers.get(item.year_alone_if) is True


def required_message(item: Item) -> str:
    """What to do when a required answer is missing, in the question's own terms when the
    definition gives them."""
    if item.error:
        return item.error
    if item.type == "boolean" and item.widget != "checkbox":
        return _("Select yes or no")
    if item.widget == "scale":
        return _(
            "Choose a number from %(low)s to %(high)s", low=_fmt(item.min), high=_fmt(item.max)
        )
    if item.type in {"choice", "open-choice", "boolean"}:
        return _("Select an answer")
    if item.type == "multi-choice":
        exclusive = next((o for o in item.options if o.exclusive), None)
        if exclusive:
            return _("Select at least one, or ‘%(option)s’", option=exclusive.display)
        return _("Select at least one")
    if item.type == "integer" or item.type == "decimal":
        return _("Enter a number")
    if item.type == "date":
        return _("Enter the month and year")
    if item.type == "group":
        return _("Add at least one %(row)s", row=(item.row_label or _("row")).lower())
    return _("Enter your answer")


def _range_message(item: Item, low, high) -> str:
    unit = f" {item.unit}" if item.unit and item.unit != "%" else ("%" if item.unit else "")
    if low is not None and high is not None:
        return _(
            "Enter a number from %(low)s to %(high)s%(unit)s",
            low=_fmt(low),
            high=_fmt(high),
            unit=unit,
        )
    if low is not None:
        return _("Enter a number of %(low)s%(unit)s or more", low=_fmt(low), unit=unit)
    return _("Enter a number of %(high)s%(unit)s or less", high=_fmt(high), unit=unit)


def _fmt(number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _check_range(item: Item, number, today: date) -> None:
    high = item.upper_bound(today.year)
    if (item.min is not None and number < item.min) or (high is not None and number > high):
        raise AnswerError(_range_message(item, item.min, high))


def _parse_text(item: Item, raw: str) -> str | None:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if item.type == "string":
        text = " ".join(text.split())
    if not text:
        return None
    if _FORBIDDEN_CHARS.search(text):
        raise AnswerError(_("Your answer contains hidden control characters. Please retype it."))
    if item.max_length and len(text) > item.max_length:
        limit, used = format(item.max_length, ","), format(len(text), ",")
        raise AnswerError(
            _("Use %(limit)s characters or fewer (you have used %(used)s)", limit=limit, used=used)
        )
    return text


_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMED = re.compile(r"([A-Za-z]+)\.?\s*,?\s*(\d{4})")


def example(item: Item, today: date) -> str:
    """An example answer that fits the item's range and unit ("7.5", "40", "2021")."""
    if item.help and (found := re.search(r"[Ff]or example,? ([0-9][0-9.]*)", item.help)):
        return found.group(1).rstrip(".")
    low = item.min if item.min is not None else 0
    high = item.upper_bound(today.year)
    high = high if high is not None else low + 10
    middle = low + (high - low) / 2
    if item.type == "decimal" and high - low <= 30:
        return f"{round(middle * 2) / 2:g}"
    return str(int(middle))


def _month_help(item: Item) -> str:
    return (
        " " + _("If you are not sure of the month, tick ‘I'm not sure of the month’.")
        if item.year_alone_if
        else ""
    )


def _parse_date(item: Item, raw: str, today: date, year_only: bool = False) -> str | None:
    text = raw.strip()
    if not text:
        return None
    named = _MONTH_NAMED.fullmatch(text)
    if named and named.group(1).lower() in _MONTHS:
        # "March 2019" and "Mar 2019", as people write it.
        text = f"{_MONTHS[named.group(1).lower()]}/{named.group(2)}"
    for pattern, parts in _DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            found = dict(zip(parts, (int(g) for g in match.groups()), strict=True))
            break
    else:
        raise AnswerError(_("Enter the month and year, for example 03/2019"))
    year, month, day = found["y"], found.get("m"), found.get("d")
    if month is None and year_only:
        if year < 1900:
            raise AnswerError(_("Enter a year after 1900"))
        if item.not_future and year > today.year:
            raise AnswerError(_("The date cannot be in the future"))
        return f"{year:04d}"
    if month is None:
        raise AnswerError(
            _("Enter the month as well as the year, for example 03/2019.") + _month_help(item)
        )
    if not 1 <= month <= 12:
        raise AnswerError(_("The month must be a number from 1 to 12"))
    if year < 1900:
        raise AnswerError(_("Enter a year after 1900"))
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise AnswerError(_("Enter a real date, for example 03/2019"))
    first_day = date(year, month, day or 1)
    if item.not_future and first_day > today:
        raise AnswerError(_("The date cannot be in the future"))
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _feet_and_inches(text: str) -> float | None:
    """Centimetres from a height in feet and inches, or None if it is not written so."""
    found = _FEET_INCHES.fullmatch(text.strip().lower())
    if not found:
        return None
    inches = float((found["inches"] or "0").replace(",", "."))
    if inches >= 12:
        raise AnswerError(_("Inches go from 0 to 11, for example 5 feet 6 inches"))
    return round((int(found["feet"]) * 12 + inches) * CM_PER_INCH, 1)


def parse_answer(item: Item, raw: Any, today: date | None = None, year_only: bool = False) -> Any:
    """Turn form input into a stored value; ``None`` means unanswered.

    ``raw`` is a string, or a list of strings for multi-choice. Raises AnswerError with
    the message the patient sees. ``year_only``: a date may be a year alone (the patient
    ticked "I'm not sure of the month").
    """
    today = today or date.today()
    if item.type == "multi-choice":
        codes = [raw] if isinstance(raw, str) else list(raw or [])
        if any(not isinstance(c, str) or item.option(c) is None for c in codes):
            raise AnswerError(_("Select from the options shown"))
        chosen = [o for o in item.options if o.code in set(codes)]
        if any(o.exclusive for o in chosen) and len(chosen) > 1:
            exclusive = next(o for o in chosen if o.exclusive)
            raise AnswerError(
                _("Select ‘%(option)s’ on its own, or untick it", option=exclusive.display)
            )
        return [o.code for o in chosen] or None
    if isinstance(raw, list):
        raw = raw[0] if len(raw) == 1 else (raw or None)
        if isinstance(raw, list):
            raise AnswerError(_("Give one answer"))
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise AnswerError(_("This answer is not in the expected form"))
    if item.type == "boolean":
        if raw == "":
            return None
        if raw not in BOOLEAN_CODES:
            raise AnswerError(_("Select Yes or No"))
        return BOOLEAN_CODES[raw]
    if item.type in {"choice", "open-choice"}:
        if raw == "":
            return None
        if item.option(raw) is None:
            raise AnswerError(_("Select one of the options shown"))
        return raw
    if item.type == "integer":
        text = _number_text(item, raw)
        if not text:
            return None
        if not _INTEGER.fullmatch(text):
            raise AnswerError(
                _("Enter a whole number, for example %(example)s", example=example(item, today))
            )
        number = int(text)
        _check_range(item, number, today)
        if (number - int(item.min or 0)) % item.step:
            raise AnswerError(
                _(
                    "Choose a number in steps of %(step)s, for example %(example)s",
                    step=item.step,
                    example=number - (number - int(item.min or 0)) % item.step,
                )
            )
        return number
    if item.type == "decimal":
        text = _number_text(item, raw)
        if not text:
            return None
        in_cm = _feet_and_inches(raw) if item.feet_inches else None
        if in_cm is not None:
            _check_range(item, in_cm, today)
            return int(in_cm) if in_cm.is_integer() else in_cm
        if not _DECIMAL.fullmatch(text):
            if item.feet_inches:
                raise AnswerError(
                    _(
                        "Enter a number, for example %(example)s, or feet and inches like"
                        " 5 feet 6 inches",
                        example=example(item, today),
                    )
                )
            raise AnswerError(
                _("Enter a number, for example %(example)s", example=example(item, today))
            )
        number = float(text.replace(",", "."))
        _check_range(item, number, today)
        return int(number) if number.is_integer() else number
    if item.type == "date":
        return _parse_date(item, raw, today, year_only)
    if item.type in {"string", "text"}:
        return _parse_text(item, raw)
    raise AnswerError(_("This question does not take an answer"))


YES_NO = (("yes", N_("Yes")), ("no", N_("No")))


def choices_for(item: Item) -> tuple[tuple[str, str], ...]:
    """(value, label) of each radio button or checkbox an item is shown with."""
    if item.type == "boolean":
        return tuple((code, _(label)) for code, label in YES_NO)
    if item.widget == "scale":
        return tuple((str(n), str(n)) for n in range(int(item.min), int(item.max) + 1, item.step))
    return tuple((o.code, o.display) for o in item.options)


def _number_text(item: Item, raw: str) -> str:
    """A typed number without spaces, and without its unit ("40 %", "72.5kg")."""
    text = raw.strip().replace(" ", "")
    unit = (item.unit or "").replace(" ", "")
    if unit and text.lower().endswith(unit.lower()):
        text = text[: -len(unit)]
    return text


def to_raw(item: Item, value: Any) -> Any:
    """The form input that would produce ``value`` (the inverse of parse_answer)."""
    if value is None:
        return None
    if item.type == "boolean" and isinstance(value, bool):
        return "yes" if value else "no"
    if item.type == "multi-choice":
        return list(value) if isinstance(value, list) else value
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    if item.type == "date" and isinstance(value, str) and _STORED_DATE.fullmatch(value):
        # Shown back the way the hint asks for it: 2019-03 as 03/2019.
        return "/".join(reversed(value.split("-")))
    return value


def check_value(
    item: Item, value: Any, today: date | None = None, year_only: bool = False
) -> str | None:
    """Why a stored value is not a valid answer to ``item``, or None if it is."""
    if item.is_group:
        return _check_rows(item, value, today)
    raw = to_raw(item, value)
    if not isinstance(raw, str | list) or isinstance(value, bool) != (item.type == "boolean"):
        return "wrong type"
    try:
        parsed = parse_answer(item, raw, today, year_only)
    except AnswerError as exc:
        return str(exc)
    if parsed != value or type(parsed) is not type(value):
        return "not in canonical form"
    return None


def _check_rows(item: Item, rows: Any, today: date | None) -> str | None:
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return "wrong type"
    if item.max_rows is not None and len(rows) > item.max_rows:
        return f"at most {item.max_rows} rows"
    if len(rows) < item.min_rows:
        return required_message(item)
    children = {c.link_id: c for c in item.items}
    for row in rows:
        if set(row) - set(children):
            return "unknown field in row"
        for child in children.values():
            if child.link_id not in row:
                if child.required and not waived(child, row):
                    return f"{child.link_id}: {required_message(child)}"
                continue
            problem = check_value(child, row[child.link_id], today, year_alone(child, row))
            if problem:
                return f"{child.link_id}: {problem}"
    return None


def validate_answers(
    q: Questionnaire,
    answers: Mapping[str, Any],
    sections: tuple[Section, ...] | None = None,
    today: date | None = None,
) -> dict[str, str]:
    """Problems with stored answers, keyed by linkId; empty when they are complete and valid.

    Checks types, options and bounds, that required questions that apply are answered,
    and that no hidden or unknown question has an answer.
    """
    problems: dict[str, str] = {}
    wanted = {i.link_id for s in (sections or q.sections) for i in s.questions}
    enabled = enabled_link_ids(q, answers)
    known = {i.link_id for i in q.top_level_items()}
    for link_id in answers:
        if link_id not in known:
            problems[link_id] = "unknown question"
        elif link_id in wanted and link_id not in enabled:
            problems[link_id] = "answered although hidden"
    for item in q.top_level_items():
        if item.link_id not in wanted or item.link_id not in enabled:
            continue
        value = answers.get(item.link_id)
        if value is None:
            if (item.required and not waived(item, answers)) or (item.is_group and item.min_rows):
                problems[item.link_id] = required_message(item)
            continue
        problem = check_value(item, value, today, year_alone(item, answers))
        if problem:
            problems[item.link_id] = problem
    return problems


def display(item: Item, value: Any) -> str:
    """The answer as the patient chose it, in words."""
    if value is None or value == []:
        return ""
    if item.type == "boolean":
        return _("Yes") if value else _("No")
    if item.type in {"choice", "open-choice"}:
        option = item.option(value)
        return option.display if option else str(value)
    if item.type == "multi-choice":
        return ", ".join(o.display for o in item.options if o.code in value)
    if item.type == "date":
        return display_date(value)
    if item.type in {"integer", "decimal"}:
        unit = item.unit or ""
        return f"{value}{unit}" if unit == "%" else f"{value} {unit}".strip()
    return str(value)


def display_date(value: str) -> str:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return _("%(year)s (month not sure)", year=parts[0])
    month = _(MONTH_NAMES[parts[1] - 1])
    if len(parts) == 3:
        return f"{parts[2]} {month} {parts[0]}"
    return f"{month} {parts[0]}"


# Marked for the catalogue, translated when shown.
MONTH_NAMES = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)

_SUMMARY_PART = re.compile(r"\{([a-z0-9_]+)\}")


def row_line(group: Item, row: Mapping[str, Any]) -> str:
    """One row of a repeating group as a person would write it.

    "Pregabalin, nerve pain, 75 mg twice a day, still taking, helped moderately": the
    group's ``row_summary`` with each placeholder replaced by the answer's words (a
    child's ``words`` first, else its display in lower case); a part whose answer is
    missing is left out with its separator. Without a row summary, the answers in order.
    """
    children = {c.link_id: c for c in group.items}

    def words(link_id: str) -> str:
        child, value = children.get(link_id), row.get(link_id)
        if child is None or value is None:
            return ""
        if isinstance(value, bool):
            return child.word_for(str(value).lower()) or display(child, value).lower()
        if child.options and child.word_for(str(value)):
            return child.word_for(str(value))
        shown = display(child, value)
        return shown if child.type in {"string", "text", "integer", "decimal"} else shown.lower()

    if not group.row_summary:
        return ", ".join(w for w in (words(c.link_id) for c in group.items) if w)
    parts = [p.strip() for p in group.row_summary.split(",")]
    filled = []
    for part in parts:
        names = _SUMMARY_PART.findall(part)
        values = [words(n) for n in names]
        if names and not all(values):
            continue
        filled.append(_SUMMARY_PART.sub(lambda m: words(m.group(1)), part))
    return ", ".join(filled)
