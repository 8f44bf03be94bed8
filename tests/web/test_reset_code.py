"""A patient who logs in with their mobile gets a code by text to choose a new password:
it works 15 minutes and five wrong tries, and says nothing about whose number it is."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.platform import messaging
from app.platform.extensions import db
from app.records.models import AuditEvent, PasswordReset, utcnow
from tests import factories
from tests.conftest import Person

NEW = "a-brand-new-passphrase"


@pytest.fixture
def phone_patient(app):
    with app.app_context():
        factories.accepted_patient(phone="+919845012345", email=None)
    return "098450 12345"


def ask_for_code(client, phone: str) -> str:
    response = client.post("/auth/forgot/code", data={"phone": phone})
    assert response.headers["Location"].endswith("/auth/reset-code")
    return client.get("/auth/reset-code").text


def code_sent(app) -> str:
    with app.app_context():
        [text] = messaging.sent()
    assert text.to == "+919845012345"
    return re.search(r"\b(\d{6})\b", text.text).group(1)


def test_a_texted_code_sets_a_new_password(app, client, phone_patient):
    assert "Send me a code" in client.get("/auth/forgot").text
    page = ask_for_code(client, phone_patient)
    assert "If an account logs in with that mobile number" in page
    code = code_sent(app)
    answer = client.post("/auth/reset-code", data={"code": code, "password": NEW, "confirm": NEW})
    assert answer.headers["Location"].endswith("/auth/login")
    assert Person(app.test_client()).login("98450 12345", NEW).status_code == 302
    with app.app_context():
        sent = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "password.reset_sent")
        )
        assert sent.detail["template"] == "reset_code"
        assert code not in str(sent.detail)


def test_five_wrong_codes_and_the_code_is_dead(app, client, phone_patient):
    ask_for_code(client, phone_patient)
    code = code_sent(app)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        page = client.post(
            "/auth/reset-code", data={"code": wrong, "password": NEW, "confirm": NEW}
        ).text
        assert "That code is not right, or it has expired" in page
    page = client.post("/auth/reset-code", data={"code": code, "password": NEW, "confirm": NEW})
    assert "That code is not right" in page.text


def test_an_expired_code_does_not_work(app, client, phone_patient):
    ask_for_code(client, phone_patient)
    code = code_sent(app)
    with app.app_context():
        reset = db.session.scalar(select(PasswordReset))
        reset.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page = client.post("/auth/reset-code", data={"code": code, "password": NEW, "confirm": NEW})
    assert "That code is not right, or it has expired" in page.text


def test_an_unknown_number_gets_the_same_page_and_no_text(app, client):
    page = ask_for_code(client, "98450 99999")
    assert "If an account logs in with that mobile number" in page
    with app.app_context():
        assert messaging.sent() == []


def test_no_code_is_offered_where_texts_cannot_be_sent(app, client):
    app.config["MESSAGE_BACKEND"] = ""
    assert "Send me a code" not in client.get("/auth/forgot").text
