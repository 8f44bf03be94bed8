"""PDFs kept by the SHA-256 of the HTML they are made from (``RenderedPdf``).

WeasyPrint's layout is nearly all of a PDF's time (a fifth of a second for a brief), and
the same brief is often downloaded again the same day. The key is the page itself, so a
kept PDF can never show less than the page would now: change an answer, a note, the
clinic's details or this module's version and the key is new.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_
from sqlalchemy.exc import IntegrityError

from ..platform.extensions import db
from .models import RenderedPdf, utcnow

# Part of every key: bump it when the way HTML becomes a PDF changes (WeasyPrint, fonts).
VERSION = "1"


def key_of(html: str) -> str:
    return hashlib.sha256(f"{VERSION}\n{html}".encode()).hexdigest()


def pdf_of(html: str, patient_id: int | None, render: Callable[[], bytes]) -> bytes:
    """The PDF of ``html``: kept, else ``render()``ed and kept. Committed."""
    hours = current_app.config.get("PDF_CACHE_HOURS", 24)
    if hours <= 0:
        return render()
    key = key_of(html)
    kept = db.session.get(RenderedPdf, key)
    if kept is not None:
        return kept.body
    body = render()
    db.session.execute(
        delete(RenderedPdf).where(RenderedPdf.created_at < utcnow() - timedelta(hours=hours))
    )
    db.session.add(RenderedPdf(key=key, patient_id=patient_id, body=body))
    try:
        db.session.commit()
    except IntegrityError:  # another request kept the same PDF first
        db.session.rollback()
    return body


def forget_patient(patient_id: int) -> None:
    """At erasure: the patient's PDFs, and every document of several patients."""
    db.session.execute(
        delete(RenderedPdf).where(
            or_(RenderedPdf.patient_id == patient_id, RenderedPdf.patient_id.is_(None))
        )
    )
