"""FHIR endpoints."""
