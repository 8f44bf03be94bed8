from tests.questionnaire.conftest import q  # noqa: F401 - the shipped definition
