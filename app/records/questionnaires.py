"""The questionnaire definitions this deployment serves, loaded once at start-up."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Flask, current_app

from ..engine.questionnaire import DEFINITIONS_DIR
from ..engine.questionnaire.definition import DefinitionError, Questionnaire, load_definition

CURRENT = ("scs_intake", 3)


@cache
def load_registry(
    folder: Path, disabled: frozenset[str] = frozenset()
) -> dict[tuple[str, int], Questionnaire]:
    """Every definition file in ``folder``, checked; a broken file stops start-up with its name.

    Kept per process: definitions are immutable, so apps built in one process (the test
    suite builds several) share them instead of parsing the files again.
    """
    registry: dict[tuple[str, int], Questionnaire] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            q = load_definition(path, disabled)
        except DefinitionError as exc:
            raise DefinitionError(f"{path.name}: {exc}") from exc
        registry[q.key] = q
    if CURRENT not in registry:
        raise DefinitionError(f"definition {CURRENT[0]} v{CURRENT[1]} is missing")
    return registry


def init_app(app: Flask) -> None:
    folder = Path(app.config.get("DEFINITIONS_DIR") or DEFINITIONS_DIR)
    disabled = frozenset(app.config.get("DISABLED_INSTRUMENTS", ()))
    app.extensions["questionnaires"] = load_registry(folder, disabled)


def current() -> Questionnaire:
    """The definition new responses are started with."""
    return current_app.extensions["questionnaires"][CURRENT]


def get(questionnaire_id: str, version: int) -> Questionnaire | None:
    return current_app.extensions["questionnaires"].get((questionnaire_id, version))


def all_definitions() -> list[Questionnaire]:
    return list(current_app.extensions["questionnaires"].values())
