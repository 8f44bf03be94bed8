"""What patients can read before the visit: "About spinal cord stimulation".

The text is Markdown, one file per version (``about-scs.v1.md``, ``about-scs.v2.md``…)
in ``app/content`` or the folder ``INFORMATION_DIR`` names, so a clinic can replace it
without touching code. The newest version is the one shown; its number is printed on
the page and recorded at consent and when a logged-in patient opens it, so the brief
can say which text the patient was given. The output is sanitised (nh3): HTML in the
file keeps only the plain tags of a text, so the file is content, never code. A
paragraph that holds only ``[diagram]`` becomes the labelled drawing of the parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

import nh3
from flask import Flask, current_app
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..platform.extensions import db
from .models import Consent, InformationView, Patient

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"
FILE = re.compile(r"about-scs\.v(?P<version>[1-9][0-9]{0,3})\.md")
DIAGRAM_MARK = "<p>[diagram]</p>"
TAGS = {"h2", "h3", "p", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br", "hr"}


class InformationError(ValueError):
    """An information file that cannot be shown (no title, no version)."""


@dataclass(frozen=True, slots=True)
class Information:
    version: int
    title: str
    html: Markup
    # The Markdown it was made from, and the drawing's labels: what a translation translates.
    source: str = ""
    diagram: str = ""


@dataclass(frozen=True, slots=True)
class Education:
    """What the record shows the patient was given: for the specialist's brief."""

    consent_version: int | None
    consented_at: datetime | None
    opened: tuple[tuple[int, datetime], ...]


def render(source: str, diagram: str = "") -> tuple[str, Markup]:
    """The title (the first ``# `` line) and the safe HTML of the rest."""
    title, _, body = source.lstrip().partition("\n")
    if not title.startswith("# ") or not title[2:].strip():
        raise InformationError("the text must start with a '# Title' line")
    html = MarkdownIt("commonmark").render(body)
    clean = nh3.clean(
        html, tags=TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto", "tel"}
    )
    # Sanitised above; the drawing is the project's own file.
    return title[2:].strip(), Markup(clean.replace(DIAGRAM_MARK, diagram))  # noqa: S704 # nosec B704


DIAGRAM_TEXT = re.compile(r"(<(title|desc|text|figcaption)\b[^>]*>)([^<]+)(</\2>)")


def diagram_labels(svg: str) -> list[str]:
    """The drawing's words (its title, description, labels and caption), in order."""
    return [m.group(3) for m in DIAGRAM_TEXT.finditer(svg)]


def relabel(svg: str, labels: list[str]) -> str:
    """The drawing with its words replaced, in order (a translated drawing)."""
    words = iter(labels)
    return DIAGRAM_TEXT.sub(lambda m: f"{m.group(1)}{escape(next(words))}{m.group(4)}", svg)


def from_source(version: int, source: str, diagram: str) -> Information:
    title, html = render(source, diagram)
    return Information(version, title, html, source, diagram)


@cache
def load_versions(folder: Path) -> dict[int, Information]:
    """Every version in ``folder``; a broken file stops start-up with its name."""
    diagram = (CONTENT_DIR / "scs-parts.svg").read_text(encoding="utf-8")
    versions = {}
    for path in folder.iterdir():
        match = FILE.fullmatch(path.name)
        if not match:
            continue
        version = int(match["version"])
        try:
            versions[version] = from_source(version, path.read_text(encoding="utf-8"), diagram)
        except (InformationError, UnicodeDecodeError) as exc:
            raise InformationError(f"{path.name}: {exc}") from exc
    if not versions:
        raise InformationError(f"no about-scs.v<N>.md file in {folder}")
    return versions


def init_app(app: Flask) -> None:
    folder = Path(app.config.get("INFORMATION_DIR") or CONTENT_DIR)
    app.extensions["information"] = load_versions(folder)


def current() -> Information:
    versions = current_app.extensions["information"]
    return versions[max(versions)]


def record_opened(patient: Patient, version: int) -> None:
    """Keep the first time this patient opened this version (later opens add nothing)."""
    exists = select(InformationView.id).where(
        InformationView.patient_id == patient.id, InformationView.version == version
    )
    if db.session.scalar(exists) is not None:
        return
    db.session.add(InformationView(patient_id=patient.id, version=version))
    try:
        db.session.commit()
    except IntegrityError:  # the same patient, in two tabs at once
        db.session.rollback()


def education_of(patients: Iterable[Patient]) -> dict[int, Education]:
    """What each patient was given, in two queries however many patients (a day's briefs)."""
    ids = [p.id for p in patients]
    consents: dict[int, Consent] = {}
    for consent in db.session.scalars(
        select(Consent).where(Consent.patient_id.in_(ids)).order_by(Consent.accepted_at)
    ):
        consents[consent.patient_id] = consent  # the newest wins
    opened: dict[int, list[tuple[int, datetime]]] = {i: [] for i in ids}
    for patient_id, version, at in db.session.execute(
        select(InformationView.patient_id, InformationView.version, InformationView.opened_at)
        .where(InformationView.patient_id.in_(ids))
        .order_by(InformationView.version)
    ):
        opened[patient_id].append((version, at))
    given = {}
    for i in ids:
        consent = consents.get(i)
        given[i] = Education(
            consent.information_version if consent else None,
            consent.accepted_at if consent else None,
            tuple(opened[i]),
        )
    return given


def education_for(patient: Patient) -> Education:
    return education_of([patient])[patient.id]
