"""Reading a definition file: YAML in, a checked ``Questionnaire`` out.

A mistake in the file stops start-up with a message naming the item, instead of
surfacing as a wrong form in front of a patient.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .checks import check_references
from .model import (
    CHOICE_TYPES,
    ITEM_TYPES,
    OPERATORS,
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

LINK_ID = re.compile(r"[a-z][a-z0-9_]*")


def load_definition(
    path: Path, disabled_instruments: frozenset[str] = frozenset()
) -> Questionnaire:
    """Read and check one definition file.

    ``disabled_instruments`` lets a deployment switch off an instrument whose licence it
    does not hold: its items disappear from the form and its score from the summary.
    """
    try:
        raw = _parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise DefinitionError(f"{path.name}: expected a mapping at the top level")
    return parse_definition(raw, disabled_instruments)


def _parse_yaml(text: str) -> Any:
    """Safe YAML; libyaml's C loader (about ten times faster) where PyYAML has it."""
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except AttributeError:
        return yaml.safe_load(text)


def parse_definition(
    raw: dict, disabled_instruments: frozenset[str] = frozenset()
) -> Questionnaire:
    for key in ("id", "version", "title", "sections"):
        if key not in raw:
            raise DefinitionError(f"definition: missing '{key}'")
    instruments = tuple(_instrument(i) for i in raw.get("instruments", ()))
    dropped = {
        link_id for ins in instruments if ins.id in disabled_instruments for link_id in ins.items
    }
    sections = tuple(
        _section(s, number, dropped) for number, s in enumerate(raw["sections"], start=1)
    )
    items: dict[str, Item] = {}
    for section in sections:
        for item in section.items:
            for each in (item, *item.items):
                if each.link_id in items:
                    raise DefinitionError(f"item '{each.link_id}': linkId used twice")
                items[each.link_id] = each
    questionnaire = Questionnaire(
        id=str(raw["id"]),
        version=int(raw["version"]),
        url=str(raw.get("url", f"urn:questionnaire:{raw['id']}")),
        title=str(raw["title"]),
        status=str(raw.get("status", "active")),
        publisher=str(raw.get("publisher", "")),
        sections=sections,
        instruments=tuple(i for i in instruments if i.id not in disabled_instruments),
        alerts=tuple(_alert(a) for a in raw.get("alerts", ())),
        highlights=tuple(
            _highlight(h) for h in raw.get("highlights", ()) if not _mentions(h, dropped)
        ),
        items=items,
        summary=_summary(raw.get("summary") or {}, dropped),
        minutes=_minutes(raw.get("minutes")),
    )
    check_references(questionnaire)
    return questionnaire


def _minutes(raw: Any) -> tuple[int, int] | None:
    if raw is None:
        return None
    if (
        not isinstance(raw, list)
        or len(raw) != 2
        or not all(isinstance(n, int) for n in raw)
        or not 0 < raw[0] <= raw[1]
    ):
        raise DefinitionError("minutes must be [low, high], two whole numbers of minutes")
    return raw[0], raw[1]


def _mentions(rule: dict, link_ids: set[str]) -> bool:
    mentioned = {c["question"] for c in rule.get("when", ())} | {rule.get("link")}
    return bool(mentioned & link_ids)


def _options(raw: Any, where: str) -> tuple[Option, ...]:
    options = []
    for opt in raw or ():
        if not isinstance(opt, dict) or "code" not in opt or "display" not in opt:
            raise DefinitionError(f"{where}: every option needs a code and a display")
        options.append(
            Option(
                code=str(opt["code"]),
                display=str(opt["display"]),
                score=opt.get("score"),
                exclusive=bool(opt.get("exclusive", False)),
                view=opt.get("view"),
            )
        )
    codes = [o.code for o in options]
    if len(set(codes)) != len(codes):
        raise DefinitionError(f"{where}: option codes repeat")
    return tuple(options)


def _conditions(raw: Any, where: str) -> tuple[Condition, ...]:
    conditions = []
    for cond in raw or ():
        op = cond.get("operator")
        if op not in OPERATORS or "question" not in cond:
            raise DefinitionError(f"{where}: enableWhen needs a question and one of {OPERATORS}")
        conditions.append(Condition(str(cond["question"]), op, cond.get("answer")))
    return tuple(conditions)


def _item(raw: dict, section_id: str, group: str | None = None) -> Item:
    link_id = raw.get("linkId")
    if not link_id or not LINK_ID.fullmatch(str(link_id)):
        raise DefinitionError(f"section '{section_id}': item without a valid linkId: {raw!r}")
    where = f"item '{link_id}'"
    item_type = raw.get("type")
    if item_type not in ITEM_TYPES:
        raise DefinitionError(f"{where}: unknown type {item_type!r}")
    options = _options(raw.get("options"), where)
    if item_type in CHOICE_TYPES and not options:
        raise DefinitionError(f"{where}: a {item_type} item needs options")
    children = tuple(_item(c, section_id, group=link_id) for c in raw.get("items", ()))
    if item_type == "group" and not children:
        raise DefinitionError(f"{where}: a group needs items")
    if raw.get("repeats") and item_type != "group":
        raise DefinitionError(f"{where}: only groups repeat here")
    low, high = raw.get("min"), raw.get("max")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        raise DefinitionError(f"{where}: min is greater than max")
    if high is not None and not isinstance(high, int | float) and high != THIS_YEAR:
        raise DefinitionError(f"{where}: max must be a number or '{THIS_YEAR}'")
    step = raw.get("step", 1)
    if not isinstance(step, int) or step < 1 or (step > 1 and item_type != "integer"):
        raise DefinitionError(f"{where}: a step is a whole number, for an integer item")
    if step > 1 and not (
        isinstance(low, int) and isinstance(high, int) and (high - low) % step == 0
    ):
        raise DefinitionError(f"{where}: a step needs a min and a max whole steps apart")
    widget = raw.get("widget")
    if widget not in WIDGETS:
        raise DefinitionError(f"{where}: unknown widget {widget!r}")
    if widget == "scale" and not (
        item_type == "integer"
        and isinstance(low, int)
        and isinstance(high, int)
        and (high - low) // step <= 20
    ):
        raise DefinitionError(
            f"{where}: a scale is an integer with a min and a max at most 20 steps apart"
        )
    if widget == "body_map" and item_type != "multi-choice":
        raise DefinitionError(f"{where}: a body map is a multi-choice item")
    behavior = raw.get("enable_behavior", "all")
    if behavior not in {"all", "any"}:
        raise DefinitionError(f"{where}: enable_behavior must be 'all' or 'any'")
    if widget == "checkbox" and item_type != "boolean":
        raise DefinitionError(f"{where}: a checkbox is a boolean item")
    if raw.get("ends") and (widget != "scale" or len(raw["ends"]) != 2):
        raise DefinitionError(f"{where}: a scale's ends are two words, low then high")
    if raw.get("row_summary") and item_type != "group":
        raise DefinitionError(f"{where}: only a repeating group has a row summary")
    if raw.get("year_alone_if") and item_type != "date":
        raise DefinitionError(f"{where}: only a date may be a year alone")
    if raw.get("feet_inches") and not (item_type == "decimal" and raw.get("unit") == "cm"):
        raise DefinitionError(f"{where}: feet and inches are for a decimal in cm")
    return Item(
        link_id=str(link_id),
        text=str(raw.get("text", "")),
        type=item_type,
        section_id=section_id,
        required=bool(raw.get("required", False)),
        options=options,
        min=low,
        max=high,
        max_length=raw.get("max_length"),
        unit=raw.get("unit"),
        help=raw.get("help"),
        widget=widget,
        not_future=bool(raw.get("not_future", False)),
        enable_when=_conditions(raw.get("enable_when"), where),
        enable_behavior=behavior,
        repeats=bool(raw.get("repeats", False)),
        min_rows=int(raw.get("min_rows", 0)),
        max_rows=raw.get("max_rows"),
        row_label=raw.get("row_label"),
        row_summary=raw.get("row_summary"),
        items=children,
        group=group,
        short=raw.get("short"),
        words=tuple((str(k).lower(), str(v)) for k, v in (raw.get("words") or {}).items()),
        required_unless=raw.get("required_unless"),
        year_alone_if=raw.get("year_alone_if"),
        feet_inches=bool(raw.get("feet_inches", False)),
        error=raw.get("error"),
        ends=tuple(raw["ends"]) if raw.get("ends") else None,
        step=step,
        option_index={o.code: o for o in options},
    )


def _section(raw: dict, number: int, dropped: set[str]) -> Section:
    section_id = raw.get("id")
    if not section_id:
        raise DefinitionError(f"section {number}: missing id")
    items = tuple(
        _item(i, section_id) for i in raw.get("items", ()) if i.get("linkId") not in dropped
    )
    seen: set[str] = set()
    for each in (e for i in items for e in (i, *i.items)):
        if each.link_id in seen:
            raise DefinitionError(f"item '{each.link_id}': linkId used twice")
        seen.add(each.link_id)
    checks = tuple(
        SoftCheck(c["id"], tuple(c["ordered"]), c["message"], c["confirm_label"])
        for c in raw.get("soft_checks", ())
        if not set(c["ordered"]) & dropped
    )
    return Section(
        id=section_id,
        title=raw.get("title", section_id),
        items=items,
        number=number,
        intro=raw.get("intro"),
        soft_checks=checks,
        pages=_pages(raw.get("pages"), section_id, items, checks, raw.get("intro"), dropped),
    )


def _pages(
    raw: Any,
    section_id: str,
    items: tuple[Item, ...],
    checks: tuple[SoftCheck, ...],
    intro: str | None,
    dropped: set[str],
) -> tuple[Page, ...]:
    """The declared pages, each naming its items; every item of the section on exactly one."""
    if not raw:
        return ()
    where = f"section '{section_id}'"
    by_id = {i.link_id: i for i in items}
    pages, placed = [], []
    for number, page in enumerate(raw, start=1):
        if not isinstance(page, dict) or not page.get("id") or not page.get("items"):
            raise DefinitionError(f"{where}: every page needs an id and items")
        chosen = tuple(by_id[i] for i in page["items"] if i in by_id)
        unknown = [i for i in page["items"] if i not in by_id and i not in dropped]
        if unknown:
            raise DefinitionError(f"{where}: page '{page['id']}' names unknown items {unknown}")
        if any(i.widget == "body_map" for i in chosen) and len(chosen) > 1:
            raise DefinitionError(f"{where}: page '{page['id']}': a body map has a page of its own")
        own = {i.link_id for i in chosen}
        pages.append(
            Page(
                id=str(page["id"]),
                title=str(page.get("title", "")),
                number=number,
                section_id=section_id,
                items=chosen,
                intro=page.get("intro", intro if number == 1 else None),
                soft_checks=tuple(c for c in checks if set(c.ordered) <= own),
            )
        )
        placed += [i.link_id for i in chosen]
    missing = [i.link_id for i in items if i.link_id not in placed]
    if missing or len(placed) != len(set(placed)):
        raise DefinitionError(
            f"{where}: each item must be on exactly one page (missing: {missing})"
        )
    return tuple(p for p in pages if p.items)


def _instrument(raw: dict) -> Instrument:
    where = f"instrument '{raw.get('id')}'"
    if raw.get("scoring") not in {"sum", "mean"}:
        raise DefinitionError(f"{where}: scoring must be 'sum' or 'mean'")
    total_id = str(raw.get("total_id") or f"{raw['id']}_total")
    if not LINK_ID.fullmatch(total_id):
        raise DefinitionError(f"{where}: total_id {total_id!r} is not a valid linkId")
    return Instrument(
        id=raw["id"],
        title=raw["title"],
        items=tuple(raw["items"]),
        scoring=raw["scoring"],
        range=tuple(raw["range"]),
        bands=tuple(Band(b["min"], b["max"], b["label"]) for b in raw.get("bands", ())),
        source=raw.get("source", ""),
        licence=raw.get("licence", ""),
        attribution=raw.get("attribution", ""),
        decimals=int(raw.get("decimals", 0)),
        hidden_items_score_zero=bool(raw.get("hidden_items_score_zero", False)),
        note=raw.get("note"),
        total_id=total_id,
        worklist=str(raw["worklist"]) if raw.get("worklist") else None,
    )


def _alert(raw: dict) -> Alert:
    return Alert(
        id=raw["id"],
        section=raw["section"],
        when=_conditions(raw["when"], f"alert '{raw['id']}'"),
        title=raw["title"],
        text=raw["text"],
        enable_behavior=raw.get("enable_behavior", "all"),
    )


def _row_filter(rows: dict | None) -> RowFilter | None:
    if not rows:
        return None
    extra = rows.get("show_extra")
    return RowFilter(
        group=rows["group"],
        where=tuple(rows.get("where", {}).items()),
        show=rows["show"],
        show_extra=(extra["needs"], extra["text"]) if extra else None,
    )


def _summary(raw: dict, dropped: set[str]) -> SummarySpec:
    def facts(entries) -> tuple[SnapshotFact, ...]:
        return tuple(
            SnapshotFact(str(f["label"]), str(f["text"]), str(f["link"]))
            for f in entries or ()
            if f["link"] not in dropped
        )

    snapshot = tuple(
        SnapshotPart(
            id=str(part["id"]),
            title=str(part["title"]),
            facts=facts(part.get("facts")),
            scores=tuple(part.get("scores") or ()),
            rows=tuple(
                r for r in (_row_filter(part.get("rows")), _row_filter(part.get("more_rows"))) if r
            ),
            empty=str(part.get("empty", "None reported")),
            quotes=facts(part.get("quotes")),
        )
        for part in raw.get("snapshot") or ()
    )
    groups = tuple(
        SummaryGroup(
            str(g["title"]),
            tuple(i for i in g["items"] if i not in dropped),
            bool(g.get("fold", False)),
        )
        for g in raw.get("groups") or ()
    )
    computed = {
        str(name): {str(k): str(v) for k, v in spec.items()}
        for name, spec in (raw.get("computed") or {}).items()
    }
    for name, spec in computed.items():
        needs = COMPUTED_KINDS.get(spec.get("kind"))
        if needs is None or not set(needs) <= set(spec):
            raise DefinitionError(
                f"summary: computed '{name}' needs a kind of {sorted(COMPUTED_KINDS)} and its items"
            )
    words = {
        str(link): {str(code): str(word) for code, word in codes.items()}
        for link, codes in (raw.get("words") or {}).items()
        if link not in dropped
    }
    return SummarySpec(
        snapshot,
        groups,
        {str(k): str(v) for k, v in (raw.get("labels") or {}).items()},
        computed,
        (raw.get("identity") or {}).get("sex"),
        words,
    )


def _highlight(raw: dict) -> HighlightRule:
    row_filter = _row_filter(raw.get("rows"))
    score = raw.get("score")
    return HighlightRule(
        id=raw["id"],
        text=raw["text"],
        link=raw["link"],
        when=_conditions(raw.get("when"), f"highlight '{raw['id']}'"),
        enable_behavior=raw.get("enable_behavior", "all"),
        urgent=bool(raw.get("urgent", False)),
        extra=tuple((e["needs"], e["text"]) for e in raw.get("extra", ())),
        rows=row_filter,
        score=(str(score["instrument"]), float(score["min"])) if score else None,
        label=raw.get("label"),
    )
