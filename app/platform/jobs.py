"""Work done outside the request: anything slow or unreliable (mail now).

A request only enqueues a job by name (``enqueue("password_reset_email", address=...)``);
a worker runs it, retrying with backoff when it fails. The page's time then never
depends on a mail server, nor on whose address was typed. ``JOB_QUEUE`` chooses where
jobs wait:

- ``rq``: RQ over Redis (``REDIS_URL``), the production default. ``flask worker`` runs a
  worker; ``flask worker --burst`` runs the jobs waiting and exits. A job that fails is
  retried ``JOB_RETRIES`` times, waiting ``JOB_RETRY_SECONDS`` between tries, then kept in
  RQ's failed registry with its reason.
- ``memory``: jobs wait in this process until ``run_queued()`` (tests, which run
  ``flask worker --burst`` to send what a request queued).
- ``sync``: a job runs as soon as it is queued, retried at once (development: no worker
  to start); a job that keeps failing is logged, never raised into the request.

Jobs are named functions registered with ``@job``; the queue holds the name and plain
keyword arguments, never an object, so a job can be read back by any worker process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from .extensions import db

log = logging.getLogger(__name__)
_JOBS: dict[str, Callable[..., None]] = {}
QUEUE_NAME = "scs-intake"


class JobError(RuntimeError):
    """A job could not be queued (Redis unreachable)."""


def job(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a function as the job ``name``."""

    def register(func: Callable[..., None]) -> Callable[..., None]:
        _JOBS[name] = func
        return func

    return register


def perform(name: str, kwargs: dict[str, Any]) -> None:
    """Run one job in an app context of its own (RQ calls this): its own database session
    and ``g``, whatever ran before it. An exception means "try again"."""
    with current_app.app_context():
        try:
            _JOBS[name](**kwargs)
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


def _retry_seconds() -> list[int]:
    text = str(current_app.config["JOB_RETRY_SECONDS"])
    return [int(part) for part in text.split(",") if part.strip()]


def redis_connection():
    from redis import Redis

    return Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=2)


def rq_queue():
    from rq import Queue

    return Queue(
        current_app.config.get("JOB_QUEUE_NAME") or QUEUE_NAME, connection=redis_connection()
    )


def enqueue(name: str, at: datetime | None = None, **kwargs: Any) -> None:
    """Queue the job ``name`` with ``kwargs`` (plain values only), to run at once or, with
    ``at`` (aware UTC), not before then."""
    if name not in _JOBS:
        raise KeyError(f"no job named {name!r}")
    mode = current_app.config["JOB_QUEUE"]
    if mode == "sync":
        _run(name, kwargs)
    elif mode == "memory" and at is not None and at > datetime.now(UTC):
        current_app.extensions.setdefault("delayed_jobs", []).append((at, name, kwargs))
    elif mode == "memory":
        queued().append((name, kwargs))
    else:
        from redis.exceptions import RedisError
        from rq import Retry

        options = {
            "args": (name, kwargs),
            "failure_ttl": 7 * 24 * 3600,
            "retry": Retry(max=current_app.config["JOB_RETRIES"], interval=_retry_seconds()),
            "description": name,
        }
        try:
            if at is not None and at > datetime.now(UTC):
                rq_queue().enqueue_at(at, perform, **options)
            else:
                rq_queue().enqueue_call(perform, **options)
        except RedisError as exc:
            raise JobError(f"the job queue is unreachable: {type(exc).__name__}") from exc


def queued() -> list[tuple[str, dict[str, Any]]]:
    """The jobs waiting in this process (``JOB_QUEUE=memory``)."""
    return current_app.extensions.setdefault("queued_jobs", [])


def _run(name: str, kwargs: dict[str, Any]) -> bool:
    """Run one job, retried as RQ would (without the waits); False if its last try failed."""
    for attempt in range(current_app.config["JOB_RETRIES"] + 1):
        try:
            perform(name, kwargs)
        except Exception as exc:  # a job that fails its last try is recorded, not raised
            if attempt == current_app.config["JOB_RETRIES"]:
                log.warning("job %s failed: %s", name, type(exc).__name__)
                current_app.extensions.setdefault("failed_jobs", []).append(
                    (name, kwargs, f"{type(exc).__name__}: {exc}")
                )
                return False
            continue
        return True
    return False


def run_queued(now: datetime | None = None) -> tuple[int, int]:
    """Run the jobs waiting in this process, and the delayed ones due by ``now``;
    (done, failed)."""
    now = now or datetime.now(UTC)
    delayed = current_app.extensions.setdefault("delayed_jobs", [])
    queued().extend((name, kwargs) for at, name, kwargs in delayed if at <= now)
    delayed[:] = [job for job in delayed if job[0] > now]
    done = failed = 0
    waiting = queued()
    while waiting:
        name, kwargs = waiting.pop(0)
        if _run(name, kwargs):
            done += 1
        else:
            failed += 1
    return done, failed


def work(burst: bool) -> tuple[int, int] | None:
    """What ``flask worker`` does: run RQ's worker (to the end of the queue with
    ``burst``), or the jobs waiting in this process."""
    if current_app.config["JOB_QUEUE"] != "rq":
        return run_queued()
    from rq import SimpleWorker

    # One process, no fork per job: the app, its database pool and its context are made
    # once, as in a web worker.
    worker = SimpleWorker([rq_queue()], connection=redis_connection())
    worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
    return None
