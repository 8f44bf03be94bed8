import pytest

from app.definitions import DEFINITIONS_DIR
from app.questionnaire.definition import load_definition


@pytest.fixture(scope="session")
def q():
    """The shipped definition, loaded without Flask."""
    return load_definition(DEFINITIONS_DIR / "scs_intake.v3.yaml")
