"""SCS Intake: pre-visit questionnaires for spinal cord stimulation evaluations.

The software organises and scores what the patient reported; the specialist decides.

This package file imports nothing of the web stack, so the engine (``app.questionnaire``,
``app.summary``, ``app.interop``) loads without Flask or SQLAlchemy; ``create_app``
imports the web app when it is called.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None, **overrides):
    """Build the web app (see ``app.factory.create_app``)."""
    from .factory import create_app as build

    return build(config, **overrides)
