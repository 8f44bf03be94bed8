"""Interoperability: FHIR R4 Questionnaire and QuestionnaireResponse, and CSV. No Flask here."""
