import pytest

from app.engine.questionnaire.definition import load_definition
from app.records.questionnaires import DEFINITIONS_DIR


@pytest.fixture(scope="session")
def q():
    """The shipped definition, loaded without Flask."""
    return load_definition(DEFINITIONS_DIR / "scs_intake.v3.yaml")
