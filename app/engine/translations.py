"""Translations of texts kept as data, each tied to the English it was made from.

A translation file holds, for each text (keyed by an id, such as a linkId, and an element,
such as ``text`` or ``option.yes``), the translated words and the SHA-256 of the English
they translate. When the English changes, the hash no longer matches: the entry is
**stale** and counts as missing, so a changed item can never keep showing its old
translation. The same files and rules serve the questionnaire, the messages and the
information page: one engine, with the texts as data.

A file::

    language: hi
    for: scs_intake.v3          # what it translates
    instruments:                # per instrument: where its translation comes from
      phq9: {validated: true, source: "...", reviewed_by: "..."}
    entries:
      pain_worst:               # a linkId, or section.<id>, page.<section>.<page>, ...
        text: {sha256: "9f2c…", text: "पिछले हफ़्ते में सबसे ज़्यादा दर्द"}
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .questionnaire.definition import PLACEHOLDER, DefinitionError

# (id, element): ("pain_worst", "text"), ("section.pain", "title"), ("invitation", "subject")
Key = tuple[str, str]


def sha256(english: str) -> str:
    return hashlib.sha256(english.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an instrument's translation comes from, shown to the specialist and in docs."""

    validated: bool
    source: str
    reviewed_by: str = ""
    licence: str = ""


@dataclass(frozen=True, slots=True)
class TranslationFile:
    language: str
    subject: str
    entries: Mapping[Key, tuple[str, str]]  # key -> (sha256 of the English, translation)
    instruments: Mapping[str, Provenance] = field(default_factory=dict)
    name: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    key: Key
    kind: str  # "missing", "stale" or "placeholders"

    def __str__(self) -> str:
        ident, element = self.key
        return f"{ident} {element}: {self.kind}"


@dataclass(frozen=True, slots=True)
class Resolved:
    """A file checked against the English in use: what may be shown, and what may not."""

    texts: dict[Key, str]
    problems: tuple[Problem, ...]

    @property
    def complete(self) -> bool:
        return not self.problems


def parse_file(raw: Any, where: str) -> TranslationFile:
    if not isinstance(raw, Mapping) or not raw.get("language") or not raw.get("for"):
        raise DefinitionError(f"{where}: needs 'language', 'for' and 'entries'")
    entries: dict[Key, tuple[str, str]] = {}
    for ident, elements in (raw.get("entries") or {}).items():
        if not isinstance(elements, Mapping):
            raise DefinitionError(f"{where}: entry '{ident}' must map elements to texts")
        for element, value in elements.items():
            if not isinstance(value, Mapping) or "sha256" not in value:
                raise DefinitionError(f"{where}: '{ident}' {element}: needs sha256 and text")
            # An empty text is a line waiting for its translator: it counts as missing.
            if value.get("text"):
                entries[(str(ident), str(element))] = (str(value["sha256"]), str(value["text"]))
    instruments = {
        str(ins): Provenance(
            validated=bool(p.get("validated")),
            source=str(p.get("source", "")),
            reviewed_by=str(p.get("reviewed_by", "")),
            licence=str(p.get("licence", "")),
        )
        for ins, p in (raw.get("instruments") or {}).items()
    }
    return TranslationFile(
        language=str(raw["language"]),
        subject=str(raw["for"]),
        entries=entries,
        instruments=instruments,
        name=str(raw.get("name", "")),
    )


def load_file(path: Path) -> TranslationFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path.name}: not valid YAML: {exc}") from exc
    return parse_file(raw, path.name)


def resolve(english: Mapping[Key, str], translation: TranslationFile) -> Resolved:
    """Each English text's translation when it is current; every other one as a problem.

    A translation must keep the English's placeholders ({clinic}, {med_name}), or a message
    would lose its link and a row summary its medicine.
    """
    texts: dict[Key, str] = {}
    problems: list[Problem] = []
    for key, source in english.items():
        entry = translation.entries.get(key)
        if entry is None:
            problems.append(Problem(key, "missing"))
        elif entry[0] != sha256(source):
            problems.append(Problem(key, "stale"))
        elif _placeholders(entry[1]) != _placeholders(source):
            problems.append(Problem(key, "placeholders"))
        else:
            texts[key] = entry[1]
    return Resolved(texts, tuple(problems))


def _placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text)}


def updated_entries(english: Mapping[Key, str], translation: TranslationFile) -> dict:
    """The file's ``entries`` made ready for its translator after the English changed.

    Every English text gets an entry in order, with the English beside it for the
    reader. A current translation is kept; a missing or stale one gets the new hash and
    an empty text (so it counts as missing until filled), with the old translation kept
    as ``previous`` to work from.
    """
    current = resolve(english, translation).texts
    out: dict[str, dict[str, dict[str, str]]] = {}
    for key, source in english.items():
        entry = {"sha256": sha256(source), "english": source, "text": current.get(key, "")}
        old = translation.entries.get(key)
        if key not in current and old:
            entry["previous"] = old[1]
        out.setdefault(key[0], {})[key[1]] = entry
    return out


def dump_file(translation: TranslationFile, entries: Mapping) -> str:
    """A translation file's YAML text, Devanagari and all written as it reads."""
    instruments = {
        ins: {k: v for k, v in asdict(p).items() if v != ""}
        for ins, p in translation.instruments.items()
    }
    head = {"language": translation.language, "for": translation.subject}
    if translation.name:
        head["name"] = translation.name
    if instruments:
        head["instruments"] = instruments
    return yaml.safe_dump(
        {**head, "entries": dict(entries)}, allow_unicode=True, sort_keys=False, width=100
    )
