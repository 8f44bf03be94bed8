"""Message texts as data: templates read from YAML, their placeholders checked at load.

The same placeholder syntax as the questionnaire's texts (``{name}``). Only the names in
``FIELDS`` exist, so no template can ask for a date of birth or an answer: a message
carries the clinic's name and phone, the visit and a link (or a one-time code), and
nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .questionnaire.definition import PLACEHOLDER, DefinitionError

FIELDS = frozenset({"clinic", "clinic_phone", "visit", "link", "code"})
AUDIENCES = frozenset({"patient", "staff"})


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    id: str
    audience: str
    subject: str
    text: str
    # The WhatsApp Business template's name, and the fields that fill its body, in order.
    whatsapp_template: str | None = None
    whatsapp_parameters: tuple[str, ...] = ()


def _fields(text: str) -> set[str]:
    return {name for name, _ in PLACEHOLDER.findall(text)}


def _template(template_id: str, raw: Mapping) -> MessageTemplate:
    where = f"message '{template_id}'"
    if not isinstance(raw, Mapping) or not raw.get("text") or not raw.get("subject"):
        raise DefinitionError(f"{where}: needs a subject and a text")
    if raw.get("audience") not in AUDIENCES:
        raise DefinitionError(f"{where}: audience must be one of {sorted(AUDIENCES)}")
    whatsapp = raw.get("whatsapp") or {}
    parameters = tuple(str(p) for p in whatsapp.get("parameters") or ())
    unknown = (_fields(raw["text"]) | _fields(raw["subject"]) | set(parameters)) - FIELDS
    if unknown:
        raise DefinitionError(f"{where}: unknown placeholders {sorted(unknown)}")
    return MessageTemplate(
        id=template_id,
        audience=str(raw["audience"]),
        subject=str(raw["subject"]),
        text=" ".join(str(raw["text"]).split()),
        whatsapp_template=whatsapp.get("template"),
        whatsapp_parameters=parameters,
    )


def load_templates(path: Path) -> dict[str, MessageTemplate]:
    """Every template in the file, checked; a mistake stops start-up with its name."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{path.name}: expected a mapping of templates")
    return {str(key): _template(str(key), value) for key, value in raw.items()}


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced by its value (missing ones by nothing)."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)
