"""Credentials for other systems (an EHR, a form renderer) that send or fetch FHIR.

An admin creates a named token with its scopes; the token is shown once and only its
SHA-256 is kept (a 256-bit random token needs no slow hash: nothing can be guessed from
it). A system sends it as ``Authorization: Bearer <token>``. Every use is audited with
the token's name, and a revoked token stops working at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import request
from sqlalchemy import select

from . import audit
from .extensions import db
from .models import API_SCOPES, ApiToken, User, utcnow
from .security import hash_token, new_token

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
    token = ApiToken(name=name.strip(), token_hash=hash_token(secret), scopes=" ".join(chosen),
                     created_by_id=by.id)
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.create", actor=by, target=f"token:{token.id}", name=token.name,
                 scopes=chosen)
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
    return db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hash_token(secret.strip()), ApiToken.revoked_at.is_(None)))


def record_use(token: ApiToken) -> None:
    """Audit one use before it is served, so a read is on record even if it fails."""
    token.last_used_at = utcnow()
    audit.record("api_token.use", target=f"token:{token.id}", name=token.name,
                 method=request.method, path=request.path)
    db.session.commit()
