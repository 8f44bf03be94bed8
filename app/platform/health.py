"""Readiness checks: can this process serve pages right now?"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import text

from .extensions import db

log = logging.getLogger(__name__)


def _database() -> None:
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def readiness() -> dict[str, str]:
    """ "ok" or "unavailable" for the database, for Redis when rate limits are kept there,
    and for the job queue's Redis when jobs wait in one."""
    checks = {"database": _database}
    url = current_app.config.get("RATELIMIT_STORAGE_URI", "")
    if url.startswith(("redis://", "rediss://")):
        checks["redis"] = lambda: _redis(url)
    if current_app.config.get("JOB_QUEUE") == "rq":
        checks["job queue"] = lambda: _redis(current_app.config["REDIS_URL"])
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # any failure to answer means "not ready"
            log.warning("readiness: %s is unavailable: %s", name, type(exc).__name__)
            results[name] = "unavailable"
    return results
