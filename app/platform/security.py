"""Request-safety helpers: redirect targets, response headers, invitation tokens."""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

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


# A printed letter's link is typed by hand: 12 characters of an alphabet without the
# look-alikes 0/O, 1/I/L and U/V (about 58 bits), read in groups of four. Guessing one is
# out of reach at any rate the server answers, and a link still asks the date of birth.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 12


def new_short_code() -> tuple[str, str]:
    """A code to type from paper ("K7QM4XPA9RTD") and the hash stored in its place."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return code, hash_token(code)


def typed_code(text: str) -> str:
    """A typed code as it was made: spaces and dashes dropped, capitals."""
    return "".join(text.split()).replace("-", "").upper()


def code_in_groups(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


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
    if (
        not isinstance(found, list)
        or len(found) != 2
        or not isinstance(found[0], int)
        or not isinstance(found[1], str)
    ):
        return None
    return found[0], found[1]


def session_fingerprint(user) -> str:
    return hash_token(user.session_token)[:16]


_FORWARDED = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
)


class TrustedProxyFix:
    """ProxyFix, for requests that come from the proxies' own addresses only.

    ``TRUSTED_PROXIES=1`` believes the last X-Forwarded-For; if the app can also be reached
    directly, a client could send that header and choose its own address (and so dodge
    the per-address limits). Headers from any other address are ignored, and each such
    request is logged with the address it really came from.
    """

    def __init__(self, app, proxies: int, addresses: str):
        self.direct = app
        self.fixed = ProxyFix(app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
        self.networks = [
            ipaddress.ip_network(a.strip(), strict=False) for a in addresses.split(",") if a.strip()
        ]

    def trusted(self, address: str) -> bool:
        try:
            peer = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(peer in network for network in self.networks)

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        if self.trusted(peer):
            return self.fixed(environ, start_response)
        if any(environ.get(name) for name in _FORWARDED):
            log.warning(
                "forwarded headers from %s, which is not a trusted proxy, were "
                "ignored (TRUSTED_PROXY_ADDRESSES)",
                peer[:64],
            )
        return self.direct(environ, start_response)


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind N proxies, the client's address, scheme and host are what the
        # nearest N put in X-Forwarded-*; with none trusted, those headers are ignored.
        addresses = app.config["TRUSTED_PROXY_ADDRESSES"]
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, proxies, addresses)
        log.warning(
            "TRUSTED_PROXIES=%s: X-Forwarded-* headers are believed only from %s; "
            "from any other address they are ignored and logged",
            proxies,
            addresses,
        )

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
