"""Cross-reference checks on a loaded definition: every linkId, option, section,
instrument and placeholder a rule names exists, and conditions look only backwards."""

from __future__ import annotations

from .model import CHOICE_TYPES, PLACEHOLDER, Condition, DefinitionError, Questionnaire


def _check_condition(q: Questionnaire, cond: Condition, where: str, before: set[str] | None):
    target = q.items.get(cond.question)
    if target is None:
        raise DefinitionError(f"{where}: enableWhen names unknown item '{cond.question}'")
    if before is not None and cond.question not in before:
        raise DefinitionError(f"{where}: enableWhen must refer to an earlier item")
    if cond.operator == "exists" or target.type not in CHOICE_TYPES:
        return
    if target.option(str(cond.answer)) is None and not isinstance(cond.answer, int):
        raise DefinitionError(f"{where}: '{cond.answer}' is not an option of '{cond.question}'")


def _check_placeholders(q: Questionnaire, where: str, texts) -> None:
    """Every {name} is an item, a computed value, {rows}, or {score:<instrument>}."""
    for name, modifier in (m for t in texts for m in PLACEHOLDER.findall(t)):
        if name == "score":
            if q.instrument(modifier) is None:
                raise DefinitionError(f"{where}: score of unknown instrument '{modifier}'")
        elif (
            modifier == ""
            and name not in q.items
            and name not in q.summary.computed
            and name != "rows"
        ):
            raise DefinitionError(f"{where}: placeholder '{{{name}}}' names no item")


def _check_summary(q: Questionnaire) -> None:
    spec = q.summary
    for name, computed in spec.computed.items():
        for key, link_id in computed.items():
            if key not in ("kind", "type") and link_id not in q.items:
                raise DefinitionError(f"summary: computed '{name}' names unknown item '{link_id}'")
    for part in spec.snapshot:
        where = f"summary: snapshot '{part.id}'"
        _check_placeholders(q, where, [f.text for f in (*part.facts, *part.quotes)])
        for fact in (*part.facts, *part.quotes):
            if fact.link not in q.items:
                raise DefinitionError(f"{where}: links to unknown item '{fact.link}'")
        for rows in part.rows:
            if rows.group not in q.items:
                raise DefinitionError(f"{where}: rows of unknown group '{rows.group}'")
    for group in spec.groups:
        unknown = [i for i in group.items if i not in q.items]
        if unknown:
            raise DefinitionError(f"summary: group '{group.title}' names unknown items {unknown}")
    unknown = [i for i in spec.labels if i not in q.items]
    if unknown:
        raise DefinitionError(f"summary: labels for unknown items {unknown}")
    for link_id, codes in spec.words.items():
        item = q.items.get(link_id)
        wrong = [c for c in codes if item is None or item.option(c) is None]
        if wrong:
            raise DefinitionError(f"summary: words for '{link_id}' name no option: {wrong}")


def check_references(q: Questionnaire) -> None:
    seen: set[str] = set()
    for item in q.top_level_items():
        for cond in item.enable_when:
            _check_condition(q, cond, f"item '{item.link_id}'", seen)
        seen.add(item.link_id)
        seen.update(child.link_id for child in item.items)
    for item in q.items.values():
        siblings = q.items[item.group].items if item.group else q.top_level_items()
        for key, other in (
            ("required_unless", item.required_unless),
            ("year_alone_if", item.year_alone_if),
        ):
            box = next((i for i in siblings if i.link_id == other), None) if other else True
            if box is None or (other and box.type != "boolean"):
                raise DefinitionError(
                    f"item '{item.link_id}': {key} must name a boolean item beside it"
                )
    totals: set[str] = set()
    for ins in q.instruments:
        for link_id in ins.items:
            if link_id not in q.items:
                raise DefinitionError(f"instrument '{ins.id}': unknown item '{link_id}'")
        if ins.total_id in q.items or ins.total_id in totals:
            raise DefinitionError(
                f"instrument '{ins.id}': total_id '{ins.total_id}' is already a linkId"
            )
        totals.add(ins.total_id)
    section_ids = {s.id for s in q.sections}
    for alert in q.alerts:
        if alert.section not in section_ids:
            raise DefinitionError(f"alert '{alert.id}': unknown section '{alert.section}'")
        for cond in alert.when:
            _check_condition(q, cond, f"alert '{alert.id}'", None)
    for rule in q.highlights:
        where = f"highlight '{rule.id}'"
        for cond in rule.when:
            _check_condition(q, cond, where, None)
        texts = [rule.text, *(t for _, t in rule.extra)]
        _check_placeholders(q, where, texts)
        if rule.score and q.instrument(rule.score[0]) is None:
            raise DefinitionError(f"{where}: score of unknown instrument '{rule.score[0]}'")
        if rule.link not in q.items:
            raise DefinitionError(f"{where}: links to unknown item '{rule.link}'")
        if rule.rows and rule.rows.group not in q.items:
            raise DefinitionError(f"{where}: rows of unknown group '{rule.rows.group}'")
    _check_summary(q)
