"""WTForms classes built from a section of the definition: the web side of the engine.

Field names are the linkIds; a repeating group is a FieldList of row forms named
``<group>-<n>-<child>``. Checking an answer is delegated to ``answers.parse_answer`` so
the form and the stored-answer validator can never disagree. The section form decides
which questions apply (enableWhen) before it validates, so hidden questions are neither
required nor stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation

from ...engine.questionnaire.answers import (
    AnswerError,
    choices_for,
    parse_answer,
    required_message,
    to_raw,
)
from ...engine.questionnaire.definition import Item, Page, Questionnaire, Section, SoftCheck
from ...engine.questionnaire.enable_when import enabled_link_ids
from ...engine.wording import _

CONTROL_FIELDS = ("csrf_token", "lock_version", "return_to")
_ROW_KEY = re.compile(r"(?P<group>[a-z][a-z0-9_]*)-(?P<index>\d{1,4})-(?P<child>[a-z][a-z0-9_]*)")
_ACTION = re.compile(r"(?P<verb>add|remove)-(?P<group>[a-z][a-z0-9_]*)(?:-(?P<index>\d{1,4}))?")


class AnswerCheck:
    """WTForms validator that parses the raw input of one item into ``field.answer``."""

    def __init__(self, item: Item):
        self.item = item

    def __call__(self, form: Form, field) -> None:
        raw: Any = field.raw_data if self.item.is_multi else list(field.raw_data or [])
        if not self.item.is_multi:
            raw = raw[0] if len(raw) == 1 else (raw or None)
        try:
            field.answer = parse_answer(
                self.item, raw, getattr(form, "today", None), _ticked(form, self.item.year_alone_if)
            )
        except AnswerError as exc:
            field.answer = None
            raise StopValidation(str(exc)) from None
        if field.answer is None and self.item.required and not self._waived(form):
            raise StopValidation(required_message(self.item))

    def _waived(self, form: Form) -> bool:
        """A ticked "not sure" box beside the question waives its answer."""
        return _ticked(form, self.item.required_unless)


def _ticked(form: Form, box: str | None) -> bool:
    """Whether the "not sure" box ``box`` beside a question is ticked on the form."""
    return bool(box) and box in form and form[box].raw_data == ["yes"]


class RowCount:
    """Validator for a repeating group: at least ``min_rows``, at most ``max_rows``."""

    def __init__(self, item: Item):
        self.item = item

    def __call__(self, form: Form, field) -> None:
        count = len(field.entries)
        if count < self.item.min_rows:
            raise StopValidation(required_message(self.item))
        if self.item.max_rows is not None and count > self.item.max_rows:
            label = (self.item.row_label or "row").lower()
            raise StopValidation(
                _(
                    "You can add up to %(count)s of these (%(things)s)",
                    count=self.item.max_rows,
                    things=label,
                )
            )


def _field(item: Item):
    validators = [AnswerCheck(item)]
    label = item.text
    choices = [SelectChoice(value, text) for value, text in choices_for(item)]
    if item.type in {"boolean", "choice", "open-choice"}:
        return RadioField(label, choices=choices, validate_choice=False, validators=validators)
    if item.is_multi:
        return SelectMultipleField(
            label, choices=choices, validate_choice=False, validators=validators
        )
    if item.type == "text":
        return TextAreaField(label, validators=validators)
    return StringField(label, validators=validators)


@cache
def _row_form(group: Item) -> type[Form]:
    attrs = {child.link_id: _field(child) for child in group.items}
    return type(f"{group.link_id.title().replace('_', '')}Row", (Form,), attrs)


def form_items(part: Page | Section, inline_rows: bool = True) -> tuple[Item, ...]:
    """The questions a form for ``part`` holds. A page shows a list's rows as lines, each
    edited on a page of its own, so its form leaves the list out."""
    return tuple(i for i in part.questions if inline_rows or not i.is_group)


class SectionFormMixin:
    """Behaviour shared by every generated section form."""

    questionnaire: Questionnaire
    section: Page | Section  # the part of a section the form shows
    inline_rows: bool = True
    today: date | None = None  # the date answers are checked against; the server's if None

    def _items(self) -> list[Item]:
        return list(form_items(self.section, self.inline_rows))

    @property
    def owned(self) -> set[str]:
        """The linkIds whose answers a save of this form replaces."""
        return {i.link_id for i in self._items()}

    def candidate_answers(self) -> dict[str, Any]:
        """Best-effort parse of the posted answers, used only to decide what applies."""
        found: dict[str, Any] = {}
        for item in self._items():
            if item.is_group:
                continue
            field = self[item.link_id]
            raw = field.raw_data if item.is_multi else (field.raw_data or [None])[0]
            try:
                value = parse_answer(item, raw, self.today, _ticked(self, item.year_alone_if))
            except AnswerError:
                continue
            if value is not None:
                found[item.link_id] = value
        return found

    def validate(
        self,
        extra_validators=None,
        context: Mapping[str, Any] | None = None,
        today: date | None = None,
    ) -> bool:
        """Validate only the questions that apply, given ``context`` (the other sections).

        ``today`` is the date that "cannot be in the future" means: the clinic's.
        """
        self.today = today
        for item in self._items():
            if item.is_group:
                for entry in self[item.link_id].entries:
                    entry.form.today = today
        own = {i.link_id for i in self._items()}
        merged = {k: v for k, v in (context or {}).items() if k not in own}
        merged.update(self.candidate_answers())
        self.enabled = enabled_link_ids(self.questionnaire, merged)
        self.form_errors = []
        success = True
        for name, field in self._fields.items():
            if name in own and name not in self.enabled:
                field.errors = []
                continue
            if not field.validate(self, ()):
                success = False
        for check in self.failed_soft_checks():
            # "Your least pain (7) is higher than your pain now (5)": the numbers typed.
            message = re.sub(
                r"\{([a-z0-9_]+)\}",
                lambda m: str(getattr(self[m.group(1)], "answer", "")),
                check.message,
            )
            self.form_errors.append(message)
            self[f"confirm_{check.id}"].errors = [message]
            success = False
        return success

    def failed_soft_checks(self) -> list[SoftCheck]:
        """Checks like least ≤ now ≤ worst pain that the patient has not confirmed."""
        failed = []
        for check in self.section.soft_checks:
            if self[f"confirm_{check.id}"].data:
                continue
            values = [getattr(self[name], "answer", None) for name in check.ordered]
            if None in values:
                continue
            if any(a > b for a, b in zip(values, values[1:], strict=False)):
                failed.append(check)
        return failed

    def answers(self) -> dict[str, Any]:
        """The validated answers of this section, hidden and empty questions left out."""
        result: dict[str, Any] = {}
        for item in self._items():
            if item.link_id not in self.enabled:
                continue
            field = self[item.link_id]
            if item.is_group:
                rows = [
                    {
                        child.link_id: entry.form[child.link_id].answer
                        for child in item.items
                        if entry.form[child.link_id].answer is not None
                    }
                    for entry in field.entries
                ]
                if rows:
                    result[item.link_id] = rows
            elif field.answer is not None:
                result[item.link_id] = field.answer
        return result

    def prepare_for_display(self) -> None:
        """Show the minimum number of empty rows for groups that need at least one."""
        for item in self._items():
            if item.is_group:
                field = self[item.link_id]
                while len(field.entries) < max(item.min_rows, 0):
                    field.append_entry()


@cache
def section_form_class(
    q: Questionnaire, section: Page | Section, base: type = Form, inline_rows: bool = True
) -> type:
    """The form class for a page or a whole section; built once per combination."""
    attrs: dict[str, Any] = {"questionnaire": q, "section": section, "inline_rows": inline_rows}
    for item in form_items(section, inline_rows):
        if item.is_group:
            attrs[item.link_id] = FieldList(
                FormField(_row_form(item)), min_entries=0, validators=[RowCount(item)]
            )
        else:
            attrs[item.link_id] = _field(item)
    for check in section.soft_checks:
        attrs[f"confirm_{check.id}"] = BooleanField(check.confirm_label)
    attrs["lock_version"] = HiddenField()
    attrs["return_to"] = HiddenField()
    name = f"{section.key.title().replace('/', '')}Form"
    return type(name, (SectionFormMixin, base), attrs)


class RowFormMixin:
    """A row of a list edited on its own page (a medicine, a procedure)."""

    group: Item
    today: date | None = None

    def validate(self, extra_validators=None, today: date | None = None) -> bool:
        self.today = today
        return super().validate(extra_validators)

    def answers(self) -> dict[str, Any]:
        return {
            c.link_id: self[c.link_id].answer
            for c in self.group.items
            if getattr(self[c.link_id], "answer", None) is not None
        }


@cache
def row_form_class(group: Item, base: type = Form) -> type:
    attrs: dict[str, Any] = {"group": group, "lock_version": HiddenField()}
    attrs.update({child.link_id: _field(child) for child in group.items})
    return type(f"{group.link_id.title().replace('_', '')}RowPage", (RowFormMixin, base), attrs)


def row_to_formdata(group: Item, row: Mapping[str, Any]) -> MultiDict:
    """A stored row as the input of its row page."""
    data = MultiDict()
    for child in group.items:
        raw = to_raw(child, row.get(child.link_id))
        for v in raw if isinstance(raw, list) else [raw]:
            if v is not None:
                data.add(child.link_id, v)
    return data


def row_formdata(group: Item, formdata: MultiDict) -> MultiDict:
    """Only a row's own fields from a posted row page (what is kept when it cannot be saved)."""
    children = {c.link_id for c in group.items}
    return MultiDict(
        [(k, v) for k, v in formdata.items(multi=True) if k in children and isinstance(v, str)]
    )


def parse_action(formdata: Mapping[str, Any]) -> tuple[str, str | None, int | None]:
    """What the patient pressed: ("save"|"add"|"remove", group, row index)."""
    match = _ACTION.fullmatch(str(formdata.get("action") or ""))
    if not match:
        return "save", None, None
    index = match["index"]
    return match["verb"], match["group"], int(index) if index is not None else None


def normalise_formdata(
    section: Page | Section,
    formdata: MultiDict,
    drop_blank_rows: bool = True,
    inline_rows: bool = True,
) -> MultiDict:
    """Keep only this section's fields and renumber repeating rows 0..n-1.

    Unknown names and malformed row keys (negative or huge indexes) are ignored; rows
    left entirely blank are dropped on save; an "add" or "remove" button press is
    applied here, so adding and removing rows works without JavaScript.
    """
    verb, target, index = parse_action(formdata)
    items = {i.link_id: i for i in form_items(section, inline_rows)}
    keep = set(CONTROL_FIELDS) | {f"confirm_{c.id}" for c in section.soft_checks}
    result = MultiDict()
    rows: dict[str, dict[int, MultiDict]] = {g: {} for g, i in items.items() if i.is_group}
    for key, value in formdata.items(multi=True):
        if not isinstance(value, str):
            continue
        if key in keep or (key in items and not items[key].is_group):
            result.add(key, value)
            continue
        match = _ROW_KEY.fullmatch(key)
        if match and match["group"] in rows:
            children = {c.link_id for c in items[match["group"]].items}
            if match["child"] in children:
                rows[match["group"]].setdefault(int(match["index"]), MultiDict()).add(
                    match["child"], value
                )
    for group, by_index in rows.items():
        # One row past the limit is kept, so the page can say what the limit is; the rest
        # are dropped, so no post can make the page (or the kept draft) grow without end.
        limit = items[group].max_rows
        ordered = [by_index[i] for i in sorted(by_index)][: None if limit is None else limit + 1]
        if drop_blank_rows and verb == "save":
            ordered = [r for r in ordered if any(v.strip() for _, v in r.items(multi=True))]
        if group == target and verb == "remove" and index is not None and index < len(ordered):
            del ordered[index]
        if group == target and verb == "add":
            limit = items[group].max_rows
            if limit is None or len(ordered) < limit:
                ordered.append(MultiDict())
        for n, row in enumerate(ordered):
            for child, value in row.items(multi=True):
                result.add(f"{group}-{n}-{child}", value)
            if not row:
                # An empty marker keeps a freshly added row visible when re-rendered.
                result.add(f"{group}-{n}-{items[group].items[0].link_id}", "")
    return result


def rows_over_limit(section: Page | Section, formdata: MultiDict) -> Item | None:
    """The first repeating group of ``section`` posted with more rows than it allows."""
    for item in section.questions:
        if item.is_group and item.max_rows is not None:
            prefix = f"{item.link_id}-{item.max_rows}-"
            if any(key.startswith(prefix) for key in formdata):
                return item
    return None


def answers_to_formdata(
    section: Page | Section, answers: Mapping[str, Any], inline_rows: bool = True
) -> MultiDict:
    """Stored answers of a page or section as the form input that would reproduce them."""
    data = MultiDict()
    for item in form_items(section, inline_rows):
        value = answers.get(item.link_id)
        if value is None:
            continue
        if item.is_group:
            for n, row in enumerate(value):
                for child in item.items:
                    raw = to_raw(child, row.get(child.link_id))
                    for v in raw if isinstance(raw, list) else [raw]:
                        if v is not None:
                            data.add(f"{item.link_id}-{n}-{child.link_id}", v)
            continue
        raw = to_raw(item, value)
        for v in raw if isinstance(raw, list) else [raw]:
            data.add(item.link_id, v)
    return data
