"""The one form every audience shares: a button that sends nothing but its CSRF token
(log out, revoke, give a new link). Each blueprint's own forms live beside its routes."""

from __future__ import annotations

from flask_wtf import FlaskForm


class CsrfForm(FlaskForm):
    """A button that changes something and needs nothing but the CSRF token."""
