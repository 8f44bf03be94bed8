"""The patient's intake wizard."""
