"""Who may reach what: one decorator per audience, so every view's audience is visible."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, g, request
from flask_login import current_user, login_required

from ..engine.interop.fhir_outcome import FHIR_JSON, issue, outcome
from ..records import api_tokens


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


signed_in = _role_required("patient", "frontdesk", "clinician", "admin")
patient_required = _role_required("patient")
# Who reads answers: clinicians and admins.
staff_required = _role_required("clinician", "admin")
# Who invites and chases patients: the front desk, and clinicians and admins too.
desk_required = _role_required("frontdesk", "clinician", "admin")
admin_required = _role_required("admin")


def public(view: Callable) -> Callable:
    """Marks a view that anyone may open (login, invitation, static pages)."""
    view.audience = ("anyone",)
    return view


def _token_answer(scope: str):
    """None when the request's token may use ``scope``; else the FHIR answer to send."""
    token = api_tokens.from_request()
    if token is None:
        api_tokens.record_failure()
        body = outcome(
            [issue("error", "login", "Send a valid API token: Authorization: Bearer <token>")]
        )
        return body, 401, {"WWW-Authenticate": "Bearer", "Content-Type": FHIR_JSON}
    if scope not in token.scope_set:
        body = outcome([issue("error", "forbidden", f"This token lacks the '{scope}' scope")])
        return body, 403, {"Content-Type": FHIR_JSON}
    g.api_token = token
    api_tokens.record_use(token)
    return None


def system_required(scope: str) -> Callable:
    """Another system, with an API token that has ``scope``. A session cookie never
    counts, which is why these views need no CSRF token. Wrong tokens are limited per
    client (``api_tokens.failure_limit``)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            refused = _token_answer(scope)
            return refused if refused else view(*args, **kwargs)

        limited = api_tokens.failure_limit(wrapped)
        limited.audience = ("system",)
        return limited

    return decorator


def staff_or_system(scope: str) -> Callable:
    """Staff logged in, or a system with a token that has ``scope`` (sent as a header)."""

    def decorator(view: Callable) -> Callable:
        as_staff = staff_required(view)

        @wraps(view)
        def wrapped(*args, **kwargs):
            if "Authorization" not in request.headers:
                return as_staff(*args, **kwargs)
            refused = _token_answer(scope)
            return refused if refused else view(*args, **kwargs)

        limited = api_tokens.failure_limit(wrapped)
        limited.audience = ("clinician", "admin", "system")
        return limited

    return decorator
