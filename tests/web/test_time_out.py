"""A page can never lose what was typed to a time-out.

The sequence these tests follow is the one a patient met: the page stays open past the
idle time-out, "Stay logged in" (or a draft save) reaches the server after the log-out
has happened, the patient answers the page and presses Save. What they typed is kept as
the page's draft and shown again, with a notice, once they log in.
"""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.platform.extensions import db
from tests import factories
from tests.conftest import PATIENT_PASSWORD

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
KEEP = re.compile(r'name="keep_token" value="([^"]+)"')
GOALS = "/intake/section/goals"


@pytest.fixture
def csrf_app(tmp_path):
    """An app that checks CSRF tokens, as production does (the shared test app does not)."""
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 't.db'}", WTF_CSRF_ENABLED=True
    )
    with app.app_context():
        db.create_all()
        factories.consented_patient(name="Meena Kumari", email="meena@example.org")
    return app


def log_in(client, next_url=None):
    page = client.get("/auth/login").get_data(as_text=True)
    return client.post(
        "/auth/login" + (f"?next={next_url}" if next_url else ""),
        data={
            "csrf_token": CSRF.search(page).group(1),
            "identifier": "meena@example.org",
            "password": PATIENT_PASSWORD,
        },
    )


def open_goals(client) -> dict[str, str]:
    """The hidden fields of the goals page, as the browser holds them."""
    page = client.get(GOALS).get_data(as_text=True)
    lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(1)
    return {
        "csrf_token": CSRF.search(page).group(1),
        "keep_token": KEEP.search(page).group(1),
        "lock_version": lock,
    }


def idle_for(client, minutes):
    with client.session_transaction() as session:
        session["last_seen"] -= minutes * 60


TYPED = {
    "goals_text": "Walk to the temple without stopping",
    "expected_relief_percent": "60",
    "action": "save",
}


def test_the_session_status_says_how_long_is_left_and_asking_is_not_activity(csrf_app):
    client = csrf_app.test_client()
    assert client.get("/auth/session").json == {"active": False, "seconds_left": 0}
    log_in(client)
    assert client.get("/auth/session").json["seconds_left"] == 30 * 60
    idle_for(client, 29)
    for _ in range(3):
        state = client.get("/auth/session").json
        assert state["active"]
        assert 55 <= state["seconds_left"] <= 60
    idle_for(client, 2)
    assert client.get("/auth/session").json == {"active": False, "seconds_left": 0}


def test_stay_logged_in_after_the_log_out_is_not_answered_as_if_it_worked(csrf_app):
    client = csrf_app.test_client()
    log_in(client)
    hidden = open_goals(client)
    idle_for(client, 31)
    kept_alive = client.post("/auth/keepalive", headers={"X-CSRFToken": hidden["csrf_token"]})
    assert kept_alive.status_code != 204
    assert client.get("/auth/session").json["active"] is False


def test_a_page_saved_after_the_log_out_is_kept_and_shown_after_logging_in(csrf_app):
    client = csrf_app.test_client()
    log_in(client)
    hidden = open_goals(client)
    idle_for(client, 31)
    client.post("/auth/keepalive", headers={"X-CSRFToken": hidden["csrf_token"]})

    saved = client.post(GOALS, data={**hidden, **TYPED})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/auth/login?next={GOALS}")
    login_page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "What you typed on that page is kept" in login_page

    back = log_in(client, next_url=GOALS)
    assert back.headers["Location"] == GOALS
    page = client.get(GOALS).get_data(as_text=True)
    assert "Walk to the temple without stopping" in page
    assert 'value="60"' in page
    assert "We kept what you typed last time" in page


def test_a_draft_save_after_the_log_out_keeps_the_page_and_says_so(csrf_app):
    client = csrf_app.test_client()
    log_in(client)
    hidden = open_goals(client)
    client.delete_cookie("session")
    answer = client.post(GOALS + "/autosave", data={**hidden, **TYPED})
    assert answer.status_code == 401
    assert answer.json["logged_out"] is True
    assert answer.json["saved"] is True
    log_in(client)
    assert "Walk to the temple without stopping" in client.get(GOALS).get_data(as_text=True)


@pytest.mark.parametrize("token", ["", "not-a-token", "WzEsImFiYyJd.forged.signature"])
def test_without_a_genuine_keep_token_nothing_is_stored(csrf_app, token):
    client = csrf_app.test_client()
    log_in(client)
    hidden = open_goals(client)
    client.delete_cookie("session")
    saved = client.post(GOALS, data={**hidden, **TYPED, "keep_token": token})
    assert "/auth/login" in saved.headers["Location"]
    assert "could not be saved" in client.get(saved.headers["Location"]).get_data(as_text=True)
    log_in(client)
    assert "Walk to the temple" not in client.get(GOALS).get_data(as_text=True)


def test_a_page_from_an_earlier_session_cannot_write_into_the_draft(csrf_app):
    """A new login starts a new session: a page left open before it is only a page."""
    client = csrf_app.test_client()
    log_in(client)
    hidden = open_goals(client)
    client.delete_cookie("session")
    log_in(client)
    client.delete_cookie("session")
    client.post(GOALS, data={**hidden, **TYPED})
    log_in(client)
    assert "Walk to the temple" not in client.get(GOALS).get_data(as_text=True)


def test_a_medicine_typed_on_its_own_page_after_the_log_out_is_kept(csrf_app):
    client = csrf_app.test_client()
    log_in(client)
    url = "/intake/section/medicines/1/rows/medications/0"
    page = client.get(url).get_data(as_text=True)
    hidden = {
        "csrf_token": CSRF.search(page).group(1),
        "keep_token": KEEP.search(page).group(1),
        "lock_version": re.search(r'name="lock_version" type="hidden" value="(\d+)"', page).group(
            1
        ),
    }
    client.delete_cookie("session")
    saved = client.post(
        url, data={**hidden, "med_name": "Buvalor 10 patch", "med_dose": "1 patch a week"}
    )
    assert saved.headers["Location"].endswith(f"/auth/login?next={url}")
    log_in(client)
    again = client.get(url).get_data(as_text=True)
    assert 'value="Buvalor 10 patch"' in again
    assert "We kept what you typed last time" in again
