"""/healthz says the process is alive; /readyz says whether it can serve pages now."""

from __future__ import annotations

import socket

import pytest

from app import create_app
from app.platform.extensions import db


def test_healthz_is_alive_and_readyz_checks_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok"}}


def test_readyz_answers_503_while_the_database_is_down(tmp_path):
    down = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"),
    )
    client = down.test_client()
    assert client.get("/healthz").status_code == 200
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"] == {"database": "unavailable"}


def app_with_redis(tmp_path, redis_url):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'r.db'}",
        RATELIMIT_STORAGE_URI=redis_url,
    )
    with app.app_context():
        db.create_all()
    return app


def test_readyz_answers_503_while_redis_is_down(tmp_path):
    answer = app_with_redis(tmp_path, "redis://127.0.0.1:1/0").test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"] == {"database": "ok", "redis": "unavailable"}


def test_readyz_checks_redis_when_rate_limits_are_kept_there(tmp_path):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    answer = app_with_redis(tmp_path, "redis://127.0.0.1:6379/0").test_client().get("/readyz")
    assert answer.get_json()["checks"] == {"database": "ok", "redis": "ok"}
