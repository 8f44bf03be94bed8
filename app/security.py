"""Request-safety helpers: redirect targets, response headers, invitation tokens."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def safe_next_url(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def new_token() -> tuple[str, str]:
    """A URL-safe random token and the hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A page that was open when its session ended may still be saved once, as a draft, by the
# one person the page was made for: the page carries a signed, short-lived keep token that
# names the account and the session it was shown in. A new login (or a log-out, or a
# password change) starts another session, so an older page can no longer use it.
KEEP_SIGNING_SALT = "page-kept-after-logout"
KEEP_SECONDS = 12 * 3600


def _keep_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=KEEP_SIGNING_SALT)


def keep_token(user) -> str:
    """The keep token of a page shown to ``user`` in their current session."""
    return _keep_serializer().dumps([user.id, session_fingerprint(user)])


def keep_token_owner(token: str | None) -> tuple[int, str] | None:
    """(user id, session fingerprint) from a keep token still in date, else None."""
    if not token or len(token) > 200:
        return None
    try:
        found = _keep_serializer().loads(token, max_age=KEEP_SECONDS)
    except BadSignature:
        return None
    if (not isinstance(found, list) or len(found) != 2 or not isinstance(found[0], int)
            or not isinstance(found[1], str)):
        return None
    return found[0], found[1]


def session_fingerprint(user) -> str:
    return hash_token(user.session_token)[:16]


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind N proxies, the client's address, scheme and host are what the
        # nearest N put in X-Forwarded-*; with none trusted, those headers are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_port=proxies)

    @app.after_request
    def add_security_headers(response):
        if not app.config.get("SEND_SECURITY_HEADERS", True):
            return response
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Same-origin requests keep their Referer, which Flask-WTF's CSRF check requires
        # over HTTPS; other sites never see one.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.endpoint != "static":
            headers.setdefault("Cache-Control", "no-store")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
