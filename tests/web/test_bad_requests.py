"""Odd requests get a clear 4xx, never a 500: huge ids and pages, hidden characters, row floods.

Each ran into the database driver before (an integer out of range, a NUL that PostgreSQL
refuses) or made a page grow without end. All run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.platform.extensions import db
from tests.answers_data import FUSION_PATIENT_STORED

HUGE = "9" * 20
ID_ROUTES = [
    ("get", "/clinic/patients/{id}"),
    ("get", "/clinic/patients/{id}/summary.pdf"),
    ("get", "/fhir/patients/{id}/questionnaire-response.json"),
    ("post", "/clinic/patients/{id}/notes"),
    ("post", "/clinic/patients/{id}/review"),
    ("post", "/clinic/patients/{id}/reopen"),
    ("get", "/admin/patients/{id}/erase"),
    ("post", "/admin/invitations/{id}/revoke"),
    ("post", "/admin/staff/{id}/deactivate"),
    ("post", "/admin/tokens/{id}/revoke"),
]


@pytest.fixture
def admin(app, clinic, person):
    assert person.login(clinic.staff("admin")).status_code == 302
    return person.client


@pytest.mark.parametrize(("method", "url"), ID_ROUTES)
def test_an_id_past_any_integer_is_a_404(admin, method, url):
    response = getattr(admin, method)(url.format(id=HUGE), data={"revision": "1"})
    assert response.status_code == 404


def test_an_id_past_any_integer_in_a_form_is_refused(admin, clinic):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    role = admin.post("/admin/staff/role", data={"user_id": HUGE, "role": "admin"})
    assert role.status_code == 404
    review = admin.post(f"/clinic/patients/{patient_id}/review", data={"revision": HUGE})
    assert review.status_code in (400, 404)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/clinic/?page=9223372036854775807", "page 2 of 2"),
        ("/clinic/?page=3", "page 2 of 2"),
        ("/clinic/?revision=%C2%B2&page=%C2%B2", "page 1 of 2"),
        ("/admin/audit?page=9223372036854775807", "page 2 of 2"),
        ("/admin/audit?page=" + "9" * 5000, "page 2 of 2"),
    ],
)
def test_a_page_number_past_the_last_page_shows_the_last_page(app, clinic, admin, url, shown):
    from app.records import audit

    for n in range(55):
        clinic.with_answers(f"Patient {n:03d}", {"sex": "male"}, submitted=False)
    with app.app_context():
        for _ in range(120):
            audit.record("test.event", target="t")
        db.session.commit()
    page = admin.get(url)
    assert page.status_code == 200
    assert shown in page.get_data(as_text=True)


NUL = "Ravi\x00Kumar"


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/auth/login", {"identifier": NUL, "password": "whatever-it-is"}),
        ("get", "/clinic/?q=" + NUL, None),
        ("get", "/admin/audit?actor=" + NUL, None),
        ("get", "/admin/audit?patient=a%00b&from=2026-01-01%00", None),
        (
            "post",
            "/clinic/invite",
            {"name": NUL, "date_of_birth": "1960-01-01", "email": "ravi@example.org"},
        ),
        (
            "post",
            "/admin/staff",
            {
                "name": NUL,
                "email": "a@clinic.example",
                "role": "clinician",
                "password": "a long passphrase here",
            },
        ),
    ],
)
def test_nul_and_control_characters_are_a_400_that_says_why(admin, method, url, data):
    response = getattr(admin, method)(url, data=data)
    assert response.status_code == 400
    assert "hidden character" in response.get_data(as_text=True)


def test_a_note_with_a_nul_is_refused_and_nothing_is_stored(admin, clinic):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    response = admin.post(f"/clinic/patients/{patient_id}/notes", data={"body": "a\x00b"})
    assert response.status_code == 400
    assert "No notes yet." in admin.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)


def test_a_nul_in_an_answer_is_explained_beside_the_field_and_the_page_is_kept(
    patient, person, clinic
):
    page = person.save(
        "goals",
        [("goals_text", "Walk\x00 again"), ("questions_for_doctor", "How long does it last?")],
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "hidden control characters" in text
    assert "How long does it last?" in text
    assert "goals" in clinic.response(patient).pending


def flood(rows: int) -> MultiDict:
    return MultiDict([(f"medications-{n}-med_name", f"Medicine {n}") for n in range(rows)])


def test_autosave_refuses_more_rows_than_save_allows(patient, client, clinic):
    answer = client.post("/intake/section/medicines/autosave", data=flood(990))
    assert answer.status_code == 400
    assert "up to 20" in answer.get_json()["message"]
    assert "medicines" not in clinic.response(patient).pending
    assert (
        client.post("/intake/section/medicines/autosave", data=flood(20)).get_json()["saved"]
        is True
    )


def test_a_flood_of_rows_on_save_is_cut_to_one_past_the_limit(patient, person, client, clinic):
    posts = [("medicines_taken", "yes"), *flood(990).items(multi=True)]
    page = person.save("medicines", posts).get_data(as_text=True)
    assert "You can add up to 20 of these" in page
    kept = clinic.response(patient).pending["medicines"]
    assert {k for k in kept if k.endswith("med_name")} == {
        f"medications-{n}-med_name" for n in range(21)
    }
    assert len(client.get("/intake/section/medicines").data) < 400_000
