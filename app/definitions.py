"""The questionnaire definitions this deployment serves, loaded once at start-up."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from .questionnaire.definition import DefinitionError, Questionnaire, load_definition

DEFINITIONS_DIR = Path(__file__).parent / "questionnaire" / "definitions"
CURRENT = ("scs_intake", 1)


def init_app(app: Flask) -> None:
    """Load and check every definition file; a broken file stops start-up with its name."""
    disabled = frozenset(app.config.get("DISABLED_INSTRUMENTS", ()))
    registry: dict[tuple[str, int], Questionnaire] = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.yaml")):
        try:
            q = load_definition(path, disabled)
        except DefinitionError as exc:
            raise DefinitionError(f"{path.name}: {exc}") from exc
        registry[q.key] = q
    if CURRENT not in registry:
        raise DefinitionError(f"definition {CURRENT[0]} v{CURRENT[1]} is missing")
    app.extensions["questionnaires"] = registry


def current() -> Questionnaire:
    """The definition new responses are started with."""
    return current_app.extensions["questionnaires"][CURRENT]


def get(questionnaire_id: str, version: int) -> Questionnaire | None:
    return current_app.extensions["questionnaires"].get((questionnaire_id, version))


def all_definitions() -> list[Questionnaire]:
    return list(current_app.extensions["questionnaires"].values())
