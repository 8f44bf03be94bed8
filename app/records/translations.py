"""The languages this deployment offers patients, each checked whole at start-up.

A language is offered only when everything a patient reads in it is complete and current:
the questionnaire in use, the messages, the information page and the interface catalogue.
Otherwise a patient would meet a page half in Hindi and half in English, or an old
translation of a changed validated item. ``problems`` lists every missing or stale text by
its id (``flask translations check``).

Files: ``<definition>.v<N>.<lang>.yaml`` beside the definitions (in ``translations/``),
``messages.<lang>.yaml`` and ``about-scs.v<N>.<lang>.yaml`` in ``app/content/translations``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask, current_app

from ..engine import translations as engine
from ..engine.messages import MessageTemplate
from ..engine.questionnaire import DEFINITIONS_DIR
from ..engine.questionnaire.definition import DefinitionError, Questionnaire
from ..engine.questionnaire.translating import english_texts, translate
from ..engine.translations import Key, Problem, Provenance
from ..engine.trials import DIARY_ID
from . import messages, patient_information, questionnaires

DEFAULT = "en"
CONTENT_DIR = Path(__file__).resolve().parents[1] / "content" / "translations"
CATALOGUE_DIR = Path(__file__).resolve().parents[1] / "translations"
DEFINITION_FILE = re.compile(
    r"(?P<id>[a-z0-9_]+)\.v(?P<version>[0-9]+)\.(?P<lang>[a-z]{2,3})\.yaml"
)


@dataclass
class Language:
    """One language's checked texts: only the complete ones are kept."""

    code: str
    questionnaires: dict[tuple[str, int], Questionnaire] = field(default_factory=dict)
    provenance: dict[tuple[str, int], dict[str, Provenance]] = field(default_factory=dict)
    messages: dict[str, MessageTemplate] = field(default_factory=dict)
    about: dict[int, patient_information.Information] = field(default_factory=dict)
    problems: list[tuple[str, Problem]] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)


def own_name(code: str) -> str:
    """A language by its own name, as the switch shows it ("हिन्दी", "मराठी")."""
    return Locale.parse(code).get_display_name(code)


def english_name(code: str | None) -> str | None:
    """A language as the specialist's brief names it ("Answered in Hindi"); English, the
    brief's own language, is not named."""
    if not code or code == DEFAULT:
        return None
    return Locale.parse(code).get_display_name("en")


def about_texts(information: patient_information.Information) -> dict[Key, str]:
    """The information page's Markdown block by block (blank lines between blocks), and
    the drawing's words."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", information.source.strip()) if b.strip()]
    texts = {(f"block{n:02d}", "text"): block for n, block in enumerate(blocks, start=1)}
    for n, label in enumerate(patient_information.diagram_labels(information.diagram), start=1):
        texts[(f"diagram{n:02d}", "text")] = label
    return texts


def message_texts(templates: dict[str, MessageTemplate]) -> dict[Key, str]:
    """The texts of the messages patients receive; staff messages stay in English."""
    texts: dict[Key, str] = {}
    for t in templates.values():
        if t.audience == "patient":
            texts[(t.id, "subject")] = t.subject
            texts[(t.id, "text")] = t.text
    return texts


def _definition_files(folder: Path):
    for path in sorted(folder.glob("*.yaml")):
        match = DEFINITION_FILE.fullmatch(path.name)
        if match:
            yield path, (match["id"], int(match["version"])), match["lang"]


def load(
    definitions: dict[tuple[str, int], Questionnaire],
    definitions_dir: Path,
    content_dir: Path,
    information_dir: Path,
) -> dict[str, Language]:
    """Every translation file, checked against the English it translates."""
    languages: dict[str, Language] = {}

    def language(code: str, path: Path) -> Language:
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError) as exc:
            raise DefinitionError(f"{path.name}: {code!r} is not a language code") from exc
        return languages.setdefault(code, Language(code))

    for path, key, code in _definition_files(definitions_dir / "translations"):
        q = definitions.get(key)
        if q is None:
            continue  # a translation of a version this deployment does not serve
        lang = language(code, path)
        name = f"{key[0]}.v{key[1]}"
        lang.files[name] = path
        tf = engine.load_file(path)
        resolved = engine.resolve(english_texts(q), tf)
        lang.problems += [(name, p) for p in resolved.problems]
        if resolved.complete:
            lang.questionnaires[key] = translate(q, resolved.texts)
            lang.provenance[key] = dict(tf.instruments)
    for path in sorted(content_dir.glob("messages.*.yaml")):
        lang = language(path.name.split(".")[1], path)
        lang.files["messages"] = path
        english = messages.templates()
        resolved = engine.resolve(message_texts(english), engine.load_file(path))
        lang.problems += [("messages", p) for p in resolved.problems]
        if resolved.complete:
            lang.messages = {
                k: replace(
                    t, subject=resolved.texts[(k, "subject")], text=resolved.texts[(k, "text")]
                )
                for k, t in english.items()
                if (k, "subject") in resolved.texts
            }
    versions = patient_information.load_versions(information_dir)
    for path in sorted(content_dir.glob("about-scs.v*.yaml")):
        _, version, code = path.name.removesuffix(".yaml").rsplit(".", 2)
        information = versions.get(int(version.removeprefix("v")))
        if information is None:
            continue
        lang = language(code, path)
        name = f"about-scs.{version}"
        lang.files[name] = path
        english = about_texts(information)
        resolved = engine.resolve(english, engine.load_file(path))
        lang.problems += [(name, p) for p in resolved.problems]
        if resolved.complete:
            blocks = [resolved.texts[k] for k in english if k[0].startswith("block")]
            labels = [resolved.texts[k] for k in english if k[0].startswith("diagram")]
            lang.about[information.version] = patient_information.from_source(
                information.version,
                "\n\n".join(blocks),
                patient_information.relabel(information.diagram, labels),
            )
    return languages


def init_app(app: Flask) -> None:
    folder = Path(app.config.get("DEFINITIONS_DIR") or DEFINITIONS_DIR)
    content = Path(app.config.get("TRANSLATIONS_DIR") or CONTENT_DIR)
    information = Path(app.config.get("INFORMATION_DIR") or patient_information.CONTENT_DIR)
    app.extensions["translations"] = load(
        app.extensions["questionnaires"], folder, content, information
    )


def _languages() -> dict[str, Language]:
    return current_app.extensions["translations"]


def interface_complete(code: str) -> bool:
    """Whether the interface catalogue translates every text of the code and templates
    and is compiled since its last edit. Read once per process and catalogue version (a
    few tenths of a second): a language is offered only with its whole interface."""
    po = CATALOGUE_DIR / code / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    if not (po.is_file() and mo.is_file()):
        return False
    return _interface_complete(code, po.stat().st_mtime, mo.stat().st_mtime)


@cache
def _interface_complete(code: str, po_mtime: float, mo_mtime: float) -> bool:
    return not interface_problems(code)


def offered() -> list[str]:
    """The languages a patient may choose now: English, and each one complete for the
    questionnaire in use, the messages patients receive, the information page shown and
    the interface."""
    q = questionnaires.current()
    about = patient_information.current().version
    codes = [DEFAULT]
    for code, lang in _languages().items():
        if (
            q.key in lang.questionnaires
            and lang.messages
            and about in lang.about
            and interface_complete(code)
        ):
            codes.append(code)
    return codes


def is_offered(code: str | None) -> bool:
    return bool(code) and code in offered()


def questionnaire(q: Questionnaire, code: str) -> Questionnaire:
    """``q`` in the language ``code`` when that translation is complete, else in English."""
    lang = _languages().get(code)
    if code == DEFAULT or lang is None:
        return q
    return lang.questionnaires.get(q.key, q)


def complete_for(q: Questionnaire) -> dict[str, Questionnaire]:
    """Every complete and current translation of ``q``, by language (for FHIR's export)."""
    return {
        code: lang.questionnaires[q.key]
        for code, lang in sorted(_languages().items())
        if q.key in lang.questionnaires
    }


def template(template_id: str, code: str | None) -> MessageTemplate:
    """A message's text in the patient's language when offered, else in English."""
    english = messages.templates()[template_id]
    lang = _languages().get(code or DEFAULT)
    if lang is None or not is_offered(code):
        return english
    return lang.messages.get(template_id, english)


def information(code: str) -> patient_information.Information:
    english = patient_information.current()
    lang = _languages().get(code)
    if lang is None:
        return english
    return lang.about.get(english.version, english)


def unvalidated_instruments(q: Questionnaire, code: str | None) -> set[str]:
    """Instruments whose translation in ``code`` is not a validated one: the brief says so
    beside their scores."""
    if not code or code == DEFAULT:
        return set()
    provenance = _languages().get(code, Language(code)).provenance.get(q.key, {})
    return {i.id for i in q.instruments if not (i.id in provenance and provenance[i.id].validated)}


def problems() -> list[str]:
    """Every missing or stale text of every language, by where it is and its id."""
    lines = []
    for code, lang in sorted(_languages().items()):
        lines += [f"{code} {where}: {problem}" for where, problem in lang.problems]
        lines += interface_problems(code)
    return lines


# What the interface catalogue is extracted from (babel.cfg says the same for pybabel).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]


def _source_ids() -> set[tuple[str | None, str]]:
    """Every (context, msgid) the code and templates ask to be translated, read afresh."""
    found: set[tuple[str | None, str]] = set()
    roots = (Path(__file__).resolve().parents[1], Path(current_app.template_folder))
    for root in roots:
        for _name, _line, message, _comments, context in extract_from_dir(
            root, METHODS, keywords=KEYWORDS, directory_filter=lambda d: "__pycache__" not in d
        ):
            found.add((context, message[0] if isinstance(message, tuple) else message))
    return found


def interface_problems(code: str) -> list[str]:
    """The interface catalogue of ``code``: every text of the code and templates translated
    (a fuzzy guess counts as missing, as gettext never shows one), and compiled since."""
    po = CATALOGUE_DIR / code / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return [f"{code} interface: no catalogue (make translations)"]
    with po.open("rb") as f:
        catalogue = read_po(f)
    lines = []
    for context, msgid in sorted(_source_ids(), key=lambda k: k[1]):
        message = catalogue.get(msgid, context=context)
        if message is None or not message.string:
            lines.append(f"{code} interface: {msgid!r}: missing")
        elif message.fuzzy:
            lines.append(f"{code} interface: {msgid!r}: stale (fuzzy)")
    mo = po.with_suffix(".mo")
    if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
        lines.append(f"{code} interface: the catalogue is not compiled (make translations)")
    return lines


def update_files(code: str) -> list[Path]:
    """Rewrite each translation file of ``code`` for its translator: every current entry
    kept, every missing or stale one given the English and its hash and left empty. A
    language with no files yet (a clinic adding Marathi) gets them, every text empty."""
    lang = _languages().get(code)
    files = dict(lang.files) if lang else {}
    folder = Path(current_app.config.get("DEFINITIONS_DIR") or DEFINITIONS_DIR) / "translations"
    content = Path(current_app.config.get("TRANSLATIONS_DIR") or CONTENT_DIR)
    wanted = {
        f"{q.id}.v{q.version}": folder / f"{q.id}.v{q.version}.{code}.yaml"
        for q in (questionnaires.current(), questionnaires.get(DIARY_ID, 1))
        if q is not None
    }
    wanted |= {
        "messages": content / f"messages.{code}.yaml",
        f"about-scs.v{patient_information.current().version}": content
        / f"about-scs.v{patient_information.current().version}.{code}.yaml",
    }
    for name, path in wanted.items():
        files.setdefault(name, path)
    written = []
    for name, path in files.items():
        english = _english_of(name)
        if english is None:
            continue
        if path.is_file():
            translation = engine.load_file(path)
            text = path.read_text(encoding="utf-8")
            head = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
        else:
            translation = engine.TranslationFile(code, name, {})
            head = f"# {english_name(code)} for {name}: see docs/translating.md.\n"
        entries = engine.updated_entries(english, translation)
        path.write_text(head + engine.dump_file(translation, entries), encoding="utf-8")
        written.append(path)
    return written


def _english_of(name: str) -> dict[Key, str] | None:
    if name == "messages":
        return message_texts(messages.templates())
    if name.startswith("about-scs.v"):
        version = int(name.removeprefix("about-scs.v"))
        information = patient_information.load_versions(
            Path(current_app.config.get("INFORMATION_DIR") or patient_information.CONTENT_DIR)
        ).get(version)
        return about_texts(information) if information else None
    definition_id, _, version = name.rpartition(".v")
    q = questionnaires.get(definition_id, int(version))
    return english_texts(q) if q else None
