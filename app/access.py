"""Who may reach what: one decorator per audience, so every view's audience is visible."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def _role_required(*roles: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.audience = roles
        return wrapped

    return decorator


signed_in = _role_required("patient", "clinician", "admin")
patient_required = _role_required("patient")
staff_required = _role_required("clinician", "admin")
admin_required = _role_required("admin")


def public(view: Callable) -> Callable:
    """Marks a view that anyone may open (login, invitation, static pages)."""
    view.audience = ("anyone",)
    return view
