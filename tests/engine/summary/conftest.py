from tests.engine.questionnaire.conftest import q  # noqa: F401 - the shipped definition
