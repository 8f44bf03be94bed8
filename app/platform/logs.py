"""Operational logging: one line per request, a request id on every line, no patient data.

A request's line holds its method, the route's pattern (``/auth/invitation/<token>``,
never the path, which can hold a token, nor the query, which can hold a name), the status,
the time taken and the user's id. Any other line that carries a path (the development
server's access log, Flask's "Exception on <path>") has its tokens masked. Errors go to
stderr with their stack trace. The level is ``LOG_LEVEL`` (INFO by default).

The request id comes from the proxy's ``X-Request-ID`` when it looks like one, so a line
here can be matched with the proxy's; otherwise it is made here. Responses carry it back.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request, session

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

log = logging.getLogger("app.requests")


# Secrets that can reach a log line in a path or a query: invitation and reset links, API
# tokens sent in a query string (refused, but still written by an access log).
_SECRETS = (
    (re.compile(r"([?&](?:access_token|token|api_key|apikey)=)[^&\s#\]\"']+", re.I), r"\1***"),
    (re.compile(r"(/auth/(?:invitation|reset)/)[^/?\s#\]\"']+"), r"\1***"),
    (re.compile(r"(Bearer\s+)\S+", re.I), r"\1***"),
    (re.compile(r"scs_[A-Za-z0-9_-]{16,}"), "scs_***"),
    # PostgreSQL names the value that broke a constraint: "Key (email)=(a@b.c) exists".
    (re.compile(r"(Key \([^)]*\))=\(.*?\)( already exists| is not present)"), r"\1=(***)\2"),
)


def mask_secrets(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class SecretMask(logging.Filter):
    """Masks tokens in a record's message, whoever wrote it (the development server's
    access log, Flask's "Exception on <path>", the app's own lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # The trace is formatted here, masked, and kept: handlers use it as it is.
            record.exc_text = mask_secrets(logging.Formatter().formatException(record.exc_info))
        return True


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _user_id() -> str:
    """The logged-in user's id from the session, without its session token or a query."""
    ident = str(session.get("_user_id") or "")
    return ident.partition(":")[0] or "-"


def init_app(app: Flask) -> None:
    level = str(app.config.get("LOG_LEVEL", "INFO")).upper()
    if not isinstance(logging.getLevelName(level), int):
        raise RuntimeError(f"LOG_LEVEL {level!r} is not a logging level such as INFO or DEBUG")
    logger = logging.getLogger("app")
    logger.setLevel(level)
    if not any(getattr(h, "scs_intake", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.scs_intake = True
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RequestIdFilter())
        handler.addFilter(SecretMask())
        logger.addHandler(handler)
    # On the loggers themselves too, so every handler (the error tracker's, the test
    # run's) gets the masked line: Flask logs "Exception on <path>" on "app" itself.
    for name in ("app", "werkzeug"):
        masked = logging.getLogger(name)
        if not any(isinstance(f, SecretMask) for f in masked.filters):
            masked.addFilter(SecretMask())

    @app.before_request
    def start_request() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        elapsed = (time.perf_counter() - started) * 1000 if started else 0.0
        rule = request.url_rule.rule if request.url_rule else "-"
        log.info(
            "%s %s %s %.1fms user=%s",
            request.method,
            rule,
            response.status_code,
            elapsed,
            _user_id(),
        )
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
