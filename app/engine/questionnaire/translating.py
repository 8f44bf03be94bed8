"""A definition's patient-facing texts, and the same definition in another language.

``english_texts`` lists every text a patient reads, keyed as a translation file keys it;
``translate`` builds a copy of the definition with those texts replaced. The copy keeps
every linkId, code, condition and score, so answers given in it are the same answers, and
the specialist's brief, read from the English definition, is unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..translations import Key
from .definition import Alert, Item, Page, Questionnaire, Section, SoftCheck

ITEM_ELEMENTS = ("text", "short", "help", "error", "row_label", "row_summary", "unit")


def section_key(section: Section) -> str:
    return f"section.{section.id}"


def page_key(page: Page) -> str:
    return f"page.{page.section_id}.{page.id}"


def _checks(section: Section) -> tuple[SoftCheck, ...]:
    return section.soft_checks + tuple(c for p in section.pages for c in p.soft_checks)


def english_texts(q: Questionnaire) -> dict[Key, str]:
    """Every text of ``q`` a patient reads, by (id, element)."""
    texts: dict[Key, str] = {("questionnaire", "title"): q.title}

    def put(ident: str, element: str, value: str | None) -> None:
        if value:
            texts[(ident, element)] = value

    for section in q.sections:
        put(section_key(section), "title", section.title)
        put(section_key(section), "intro", section.intro)
        for page in section.pages:
            put(page_key(page), "title", page.title)
            put(page_key(page), "intro", page.intro)
        for check in _checks(section):
            put(f"check.{check.id}", "message", check.message)
            put(f"check.{check.id}", "confirm_label", check.confirm_label)
    for item in q.items.values():
        for element in ITEM_ELEMENTS:
            put(item.link_id, element, getattr(item, element))
        for option in item.options:
            put(item.link_id, f"option.{option.code}", option.display)
        for code, word in item.words:
            put(item.link_id, f"word.{code}", word)
        if item.ends:
            put(item.link_id, "ends.low", item.ends[0])
            put(item.link_id, "ends.high", item.ends[1])
    for alert in q.alerts:
        put(f"alert.{alert.id}", "title", alert.title)
        put(f"alert.{alert.id}", "text", alert.text)
    for instrument in q.instruments:
        # Shown under the instrument's questions, as its licence asks.
        put(f"instrument.{instrument.id}", "attribution", instrument.attribution)
    return texts


def translate(q: Questionnaire, texts: Mapping[Key, str]) -> Questionnaire:
    """``q`` with each text found in ``texts``; ``texts`` must be complete for ``q``."""

    def tr(ident: str, element: str, english: str | None) -> str | None:
        return texts[(ident, element)] if english else english

    def item(it: Item) -> Item:
        options = tuple(
            replace(o, display=tr(it.link_id, f"option.{o.code}", o.display)) for o in it.options
        )
        changes = {e: tr(it.link_id, e, getattr(it, e)) for e in ITEM_ELEMENTS}
        return replace(
            it,
            **changes,
            options=options,
            option_index={o.code: o for o in options},
            words=tuple((c, texts[(it.link_id, f"word.{c}")]) for c, _ in it.words),
            ends=(texts[(it.link_id, "ends.low")], texts[(it.link_id, "ends.high")])
            if it.ends
            else None,
            items=tuple(item(child) for child in it.items),
        )

    def check(c: SoftCheck) -> SoftCheck:
        key = f"check.{c.id}"
        return replace(
            c, message=texts[(key, "message")], confirm_label=texts[(key, "confirm_label")]
        )

    def section(s: Section) -> Section:
        mapped = {i.link_id: item(i) for i in s.items}
        pages = tuple(
            replace(
                p,
                title=tr(page_key(p), "title", p.title),
                intro=tr(page_key(p), "intro", p.intro),
                items=tuple(mapped[i.link_id] for i in p.items),
                soft_checks=tuple(check(c) for c in p.soft_checks),
            )
            for p in s.pages
        )
        return replace(
            s,
            title=tr(section_key(s), "title", s.title),
            intro=tr(section_key(s), "intro", s.intro),
            items=tuple(mapped.values()),
            soft_checks=tuple(check(c) for c in s.soft_checks),
            pages=pages,
        )

    sections = tuple(section(s) for s in q.sections)
    items = {each.link_id: each for s in sections for i in s.items for each in (i, *i.items)}
    return replace(
        q,
        title=texts[("questionnaire", "title")],
        sections=sections,
        items=items,
        alerts=tuple(_alert(a, texts) for a in q.alerts),
        instruments=tuple(
            replace(i, attribution=tr(f"instrument.{i.id}", "attribution", i.attribution))
            for i in q.instruments
        ),
    )


def _alert(alert: Alert, texts: Mapping[Key, str]) -> Alert:
    key = f"alert.{alert.id}"
    return replace(alert, title=texts[(key, "title")], text=texts[(key, "text")])
