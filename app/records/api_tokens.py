"""Credentials for other systems (an EHR, a form renderer) that send or fetch FHIR.

An admin creates a named token with its scopes; the token is shown once and only its
SHA-256 is kept (a 256-bit random token needs no slow hash: nothing can be guessed from
it). A system sends it as ``Authorization: Bearer <token>``. Every use is audited with
the token's name, and a revoked token stops working at once.

A wrong token is counted against the client that sent it: after a small burst
(``TOKEN_FAILURE_LIMIT``) that client is answered 429 with Retry-After, whatever token it
sends, while other clients carry on. Failures are audited in aggregate, a row per client
and day with the count and the first and last time, never the token sent.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable

from flask import Response, current_app, request
from flask_limiter import RequestLimit
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..engine.interop.fhir_outcome import FHIR_JSON, issue, outcome
from ..platform.extensions import db, limiter
from ..platform.security import hash_token, new_token
from . import audit
from .clock import clinic_today
from .models import API_SCOPES, ApiToken, TokenFailure, User, utcnow

PREFIX = "scs_"


class TokenError(ValueError):
    """A token that cannot be created as asked (no name, no scope)."""


def create(name: str, scopes: Iterable[str], by: User) -> tuple[ApiToken, str]:
    """The stored token and the secret to show the admin, once."""
    chosen = sorted(set(scopes) & set(API_SCOPES))
    if not name.strip():
        raise TokenError("Enter a name for the system that will use it")
    if not chosen:
        raise TokenError("Choose at least one scope")
    raw, _ = new_token()
    secret = PREFIX + raw
    token = ApiToken(
        name=name.strip(),
        token_hash=hash_token(secret),
        scopes=" ".join(chosen),
        created_by_id=by.id,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.create", actor=by, target=f"token:{token.id}", name=token.name, scopes=chosen
    )
    db.session.commit()
    return token, secret


def revoke(token: ApiToken, by: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoke", actor=by, target=f"token:{token.id}", name=token.name)
        db.session.commit()


def all_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))


def from_request() -> ApiToken | None:
    """The live token the request carries, if any (a revoked or unknown one is None)."""
    kind, _, secret = (request.headers.get("Authorization") or "").partition(" ")
    if kind.lower() != "bearer" or not secret.startswith(PREFIX):
        return None
    return db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(secret.strip()), ApiToken.revoked_at.is_(None)
        )
    )


def record_use(token: ApiToken) -> None:
    """Audit one use before it is served, so a read is on record even if it fails."""
    token.last_used_at = utcnow()
    audit.record(
        "api_token.use",
        target=f"token:{token.id}",
        name=token.name,
        method=request.method,
        path=request.path,
    )
    db.session.commit()


def record_failure() -> None:
    """Count one wrong token from this client today (the first of the day is audited)."""
    client = (request.remote_addr or "unknown")[:64]
    now = utcnow()
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(TokenFailure).values(
        client=client, day=clinic_today(), count=1, first_at=now, last_at=now
    )
    counted = db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["client", "day"],
            set_={"count": TokenFailure.count + 1, "last_at": now},
        ).returning(TokenFailure.count)
    ).scalar_one()
    if counted == 1:
        audit.record("api_token.refused", target=f"client:{client}")
    db.session.commit()


def failures(days: int = 7) -> list[TokenFailure]:
    """Wrong tokens per client and day, newest first, for the admin's page."""
    since = clinic_today().toordinal() - days
    return [
        f
        for f in db.session.scalars(
            select(TokenFailure).order_by(TokenFailure.day.desc(), TokenFailure.count.desc())
        )
        if f.day.toordinal() > since
    ]


def _too_many(limit: RequestLimit) -> Response:
    wait = max(1, math.ceil(limit.reset_at - time.time()))
    body = outcome(
        [
            issue(
                "error",
                "throttled",
                "Too many requests with a wrong API token "
                f"from this address: try again in {wait} s",
            )
        ]
    )
    return Response(
        json.dumps(body), status=429, mimetype=FHIR_JSON, headers={"Retry-After": str(wait)}
    )


def failure_limit(view: Callable) -> Callable:
    """Limit the wrong tokens a client may send (only a 401 counts against it)."""
    return limiter.limit(
        lambda: current_app.config["TOKEN_FAILURE_LIMIT"],
        key_func=lambda: "token-failures:" + (request.remote_addr or ""),
        deduct_when=lambda response: response.status_code == 401,
        exempt_when=lambda: "Authorization" not in request.headers,
        on_breach=_too_many,
    )(view)
