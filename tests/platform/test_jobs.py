"""The job queue: a request only queues; a worker sends, retrying with backoff, and a job
that keeps failing is kept with its reason. On RQ over a real Redis, and in-process.

"Forgot your password?" is the first job: the request does the same work whoever's address
is typed, so its time tells nobody who has an account.
"""

from __future__ import annotations

import statistics
import time
import uuid

from app import create_app
from app.platform import jobs, mail
from app.platform.extensions import db
from tests.factories import StaffFactory

CALLS: list[str] = []


@jobs.job("test_flaky")
def flaky(key: str, fails: int) -> None:
    """Fails the first ``fails`` times it runs for ``key``."""
    CALLS.append(key)
    if CALLS.count(key) <= fails:
        raise ConnectionError(f"try {CALLS.count(key)} of {key} failed")


def queue_app(tmp_path, **config):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'j.db'}",
        JOB_RETRY_SECONDS="0",
        JOB_RETRIES=2,
        **config,
    )
    with app.app_context():
        db.create_all()
        StaffFactory(email="staff@clinic.example")
    return app


def test_forgot_password_only_queues_and_the_worker_sends(tmp_path):
    app = queue_app(tmp_path, JOB_QUEUE="memory")
    client = app.test_client()
    page = client.post("/auth/forgot", data={"email": "STAFF@clinic.example"})
    assert "If an account uses that email address" in page.get_data(as_text=True)
    client.post("/auth/forgot", data={"email": "nobody@clinic.example"})
    with app.app_context():
        assert mail.outbox() == []
        assert [name for name, _ in jobs.queued()] == ["password_reset_email"] * 2
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert "2 jobs done, 0 failed" in result.output
    with app.app_context():
        [message] = mail.outbox()
    assert message["To"] == "staff@clinic.example"


def test_forgot_password_takes_as_long_for_an_unknown_address_as_for_a_known_one(tmp_path):
    """20 pairs, alternating: the two sets of times overlap (the request does the same work
    for both, and sends nothing itself)."""
    app = queue_app(tmp_path, JOB_QUEUE="memory")
    client = app.test_client()
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(20):
        for kind, address in (
            ("known", "staff@clinic.example"),
            ("unknown", f"nobody{n}@clinic.example"),
        ):
            started = time.perf_counter()
            client.post("/auth/forgot", data={"email": address})
            times[kind].append(time.perf_counter() - started)
    known, unknown = times["known"], times["unknown"]
    assert max(known) >= min(unknown)
    assert max(unknown) >= min(known)
    assert statistics.median(known) < 3 * statistics.median(unknown)


def test_in_process_jobs_are_retried_and_a_job_that_keeps_failing_is_kept(tmp_path):
    app = queue_app(tmp_path, JOB_QUEUE="memory")
    with app.app_context():
        jobs.enqueue("test_flaky", key="twice", fails=2)
        jobs.enqueue("test_flaky", key="always", fails=99)
        assert jobs.run_queued() == (1, 1)
        [(name, kwargs, reason)] = app.extensions["failed_jobs"]
    assert (name, kwargs["key"]) == ("test_flaky", "always")
    assert reason == "ConnectionError: try 3 of always failed"
    assert CALLS.count("twice") == 3


def test_a_queue_that_cannot_be_reached_is_a_clear_message_not_a_crash(tmp_path):
    app = queue_app(tmp_path, JOB_QUEUE="rq", REDIS_URL="redis://127.0.0.1:1/0")
    page = app.test_client().post("/auth/forgot", data={"email": "staff@clinic.example"})
    assert "We could not send an email just now" in page.get_data(as_text=True)


def test_rq_over_redis_runs_retries_and_keeps_failed_jobs(tmp_path, redis_url):
    from rq import Queue
    from rq.registry import FailedJobRegistry

    name = f"scs-test-{uuid.uuid4().hex[:8]}"
    app = queue_app(tmp_path, JOB_QUEUE="rq", REDIS_URL=redis_url, JOB_QUEUE_NAME=name)
    app.test_client().post("/auth/forgot", data={"email": "staff@clinic.example"})
    with app.app_context():
        assert mail.outbox() == []
        key = uuid.uuid4().hex
        jobs.enqueue("test_flaky", key=key, fails=1)
        jobs.enqueue("test_flaky", key=key + "-never", fails=99)
        connection = jobs.redis_connection()
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        [message] = mail.outbox()
        assert message["To"] == "staff@clinic.example"
    assert CALLS.count(key) == 2
    assert CALLS.count(key + "-never") == 3
    failed = FailedJobRegistry(queue=Queue(name, connection=connection))
    [job_id] = failed.get_job_ids()
    job = Queue(name, connection=connection).fetch_job(job_id)
    assert "try 3 of" in job.latest_result().exc_string
    Queue(name, connection=connection).delete(delete_jobs=True)
