"""SCS Intake: pre-visit questionnaires for spinal cord stimulation evaluations.

The software organises and scores what the patient reported; the specialist decides.

This package file imports nothing of the web stack, so the engine (``app.questionnaire``,
``app.summary``, ``app.interop``) loads without Flask or SQLAlchemy; ``create_app``
imports the web app when it is called.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Installed from a wheel, the templates and migrations are data files under the
# environment's prefix (pyproject's [tool.setuptools.data-files]); in a checkout they sit
# beside app/.
SHARED = Path(sys.prefix) / "share" / "scs-intake"
IN_CHECKOUT = (ROOT / "templates").is_dir()


def shared_folder(name: str) -> Path:
    """Where the templates or migrations folder is, in a checkout or an installed wheel."""
    return (ROOT if IN_CHECKOUT else SHARED) / name


def create_app(config=None, **overrides):
    """Build the web app (see ``app.factory.create_app``)."""
    from .factory import create_app as build

    return build(config, **overrides)
