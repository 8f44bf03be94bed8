"""The patient's intake wizard."""

# Connects the receiver that keeps a page posted after the session timed out.
from . import drafts  # noqa: F401
