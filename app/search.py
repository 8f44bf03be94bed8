"""Finding patients by what staff type into a search box."""

from __future__ import annotations

from .models import Patient


def name_contains(search: str):
    """A case-insensitive "name contains" condition that treats % and _ literally."""
    pattern = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Patient.name.ilike(f"%{pattern}%", escape="\\")
