"""The questionnaire engine: definitions, enableWhen, answers, progress and scoring.

Nothing here imports Flask, WTForms or SQLAlchemy; the web layer calls these functions
(its forms are built in ``app.patient.section_forms``).
"""

from pathlib import Path

# The definition files this project ships.
DEFINITIONS_DIR = Path(__file__).parent / "definitions"
