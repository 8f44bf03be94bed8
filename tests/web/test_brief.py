"""The specialist's brief on the page and in the PDF, urgent follow-up, and the clinic day."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy import select

from app.engine.questionnaire import DEFINITIONS_DIR
from app.engine.questionnaire.definition import parse_definition
from app.platform import mail
from app.platform.extensions import db
from app.records import clock
from app.records.models import AuditEvent, Patient, UrgentItem
from tests.answers_data import (
    CRPS_PATIENT_STORED,
    DIABETIC_PATIENT_STORED,
    FUSION_PATIENT_POSTS,
    FUSION_PATIENT_STORED,
    with_changes,
)
from tests.conftest import lock_of
from tests.web.test_clinic import names_in_order, verdict_in


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_pdf_is_at_most_three_pages_each_with_the_patient_s_name_and_birth_date(clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    pages = pdf_pages(staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data)
    assert 1 < len(pages) <= 3
    for number, text in enumerate(pages, start=1):
        assert "Ravi Kumar" in text
        assert "12 Apr 1961" in text
        assert f"page {number} of {len(pages)}" in text
    first = pages[0]
    for fact in (
        "NRS now / least / worst",
        "PHQ-9: 9 of 27",
        "Tapentadol 50 mg twice a day",
        "about 40 mg oral morphine equivalent",
        "Anticoagulants",
        "BMI",
        "Walk to the temple",
    ):
        assert fact in first.replace("\n", " "), fact


STATEMENT = re.compile(
    r'<div class="statement" id="a-[^"]+"><dt>(.*?)</dt> <dd[^>]*>(.*?)</dd></div>'
)


@pytest.mark.parametrize(
    "answers", [FUSION_PATIENT_STORED, CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED]
)
def test_the_pdf_holds_every_answer_the_page_shows_after_the_brief(clinic, staff, answers):
    patient_id = clinic.with_answers("Ravi Kumar", answers)
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    statements = [
        (
            html.unescape(label),
            [html.unescape(line) for line in re.split(r"</span>|<span[^>]*>", value) if line],
        )
        for label, value in STATEMENT.findall(page)
    ]
    assert len(statements) > 60
    pages = pdf_pages(staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data)
    assert "Every answer" not in pages[0]
    answers_text = " ".join(" ".join(pages[1:]).split())
    for label, lines in statements:
        assert " ".join(f"{label} {lines[0]}".split()) in answers_text, label
        for line in lines[1:]:
            assert " ".join(line.split()) in answers_text, line


def with_every_none_option(answers):
    """``answers`` with every question that has a "None of these" option answered with it
    (where the question applies), and the questions those hide left out."""
    from app.engine.questionnaire.definition import load_definition
    from app.engine.questionnaire.enable_when import prune_hidden
    from app.records.questionnaires import DEFINITIONS_DIR

    q = load_definition(DEFINITIONS_DIR / "scs_intake.v3.yaml")
    chosen = dict(answers)
    nones = {}
    for item in q.items.values():
        option = next((o for o in item.options or () if o.exclusive), None)
        if option is not None and item.link_id in chosen:
            chosen[item.link_id] = [option.code] if item.is_multi else option.code
            nones[item.link_id] = option.display
    return prune_hidden(q, chosen), nones


def test_none_of_these_reads_none_in_the_brief_and_the_pdf_never_brackets(clinic, staff):
    answers, nones = with_every_none_option(FUSION_PATIENT_STORED)
    assert {
        "implanted_devices",
        "mental_health_history",
        "communication_needs",
        "red_flags",
        "occupational_risks",
    } <= set(nones)
    patient_id = clinic.with_answers("Ravi Kumar", answers)
    page = html.unescape(staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True))
    pdf = " ".join(
        " ".join(pdf_pages(staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data)).split()
    )
    for text in (page, pdf):
        assert "[]" not in text
        assert "None of these" not in text
    statements = dict(STATEMENT.findall(page))
    for label in ("Implanted devices", "Mental health history", "Visit needs"):
        assert statements[f"{label}:"] == "None", label
        assert f"{label}: None" in pdf, label


def test_the_summary_links_its_pdf_and_its_fhir_export(clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert re.search(r'href="[^"]*/questionnaire-response.json[^"]*">Download FHIR \(JSON\)', page)
    assert "Download PDF" in page


def test_the_identity_bar_names_the_patient_their_birth_date_phone_and_reference(clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED, phone="+919845012345")
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    ref = clinic.patient(patient_id).ref
    bar = page[
        page.index('class="identity-bar"') : page.index(
            "</header>", page.index('class="identity-bar"')
        )
    ]
    for fact in (
        "Ravi Kumar",
        "12 Apr 1961",
        "(age 6",
        "Male",
        f"{ref[:4]}-{ref[4:8]}".upper(),
        'href="tel:+919845012345"',
        "15 Jan 2027",
    ):
        assert fact in bar, fact


def urgent_patient(clinic):
    return clinic.with_answers("Asha Rao", CRPS_PATIENT_STORED)


def test_an_urgent_item_stays_open_after_review_and_notes_until_it_is_followed_up(
    app, clinic, staff
):
    patient_id = urgent_patient(clinic)
    staff.post(f"/clinic/patients/{patient_id}/review", data={"revision": "1"})
    staff.post(f"/clinic/patients/{patient_id}/notes", data={"body": "phoned, safety-netted"})
    assert clinic.patient(patient_id).is_urgent
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert '<strong class="tag tag-urgent">Open</strong>' in page
    with app.app_context():
        item = db.session.scalar(select(UrgentItem))
    refused = staff.post(f"/clinic/patients/{patient_id}/urgent/{item.id}", data={"action": ""})
    assert refused.status_code == 302
    assert clinic.patient(patient_id).is_urgent
    staff.post(
        f"/clinic/patients/{patient_id}/urgent/{item.id}",
        data={"action": "Phoned; safety plan agreed; GP told"},
    )
    assert not clinic.patient(patient_id).is_urgent
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "Followed up" in page
    assert "by Test clinician: Phoned; safety plan agreed; GP told" in page
    with app.app_context():
        followed = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "urgent.follow_up")
        )
    assert followed.detail["rule"] == "self_harm"


def test_a_self_harm_answer_taken_back_as_a_mistake_stays_visible_everywhere(
    app, clinic, patient, person, client, staff
):
    """ "I ticked this by mistake" withdraws the answer, never the item: the page, the
    worklist, the PDF and the day's briefs say what happened and what the answer is now."""
    person.fill_all(with_changes(FUSION_PATIENT_POSTS, "mood", {"phq9_9": "1"}))
    support = client.get("/intake/section/mood/support").get_data(as_text=True)
    client.post(
        "/intake/section/mood/support/self_harm/mistake", data={"lock_version": lock_of(support)}
    )
    person.save("mood", with_changes(FUSION_PATIENT_POSTS, "mood", {"phq9_9": "0"})["mood"])
    assert person.submit().status_code == 302
    visit = clinic.patient(patient).visit_date
    clinic.invite(name="Not Sent Yet", email="late@example.org", visit=visit)

    said = "Withdrawn by the patient as a mistake on"
    page = staff.get(f"/clinic/patients/{patient}").get_data(as_text=True)
    assert "Open, withdrawn by the patient" in page
    assert said in page
    assert "(answer now: Not at all). It still needs a follow-up record." in page
    worklist = staff.get("/clinic/").get_data(as_text=True)
    assert "Thoughts of self-harm (withdrawn by the patient)" in worklist
    pdf = " ".join(pdf_pages(staff.get(f"/clinic/patients/{patient}/summary.pdf").data))
    assert "Open, withdrawn by the patient" in pdf
    assert "answer now: Not at all" in pdf
    briefs = " ".join(pdf_pages(staff.get(f"/clinic/briefs.pdf?day={visit.isoformat()}").data))
    assert "Open, withdrawn by the patient" in briefs
    assert "Not yet sent" in briefs
    assert "Not Sent Yet" in briefs
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"urgent.raise", "urgent.withdrawn"} <= actions


def test_the_pdf_and_the_day_s_briefs_say_who_followed_an_urgent_item_up(app, clinic, staff):
    patient_id = urgent_patient(clinic)
    with app.app_context():
        item = db.session.scalar(select(UrgentItem))
    staff.post(
        f"/clinic/patients/{patient_id}/urgent/{item.id}",
        data={"action": "Phoned; safety plan agreed"},
    )
    visit = clinic.patient(patient_id).visit_date
    for url in (
        f"/clinic/patients/{patient_id}/summary.pdf",
        f"/clinic/briefs.pdf?day={visit.isoformat()}",
    ):
        text = " ".join(pdf_pages(staff.get(url).data))
        assert "Followed up" in text, url
        assert "by Test clinician: Phoned; safety plan agreed" in text, url
        assert "Open" not in text, url


def test_the_worklist_says_why_a_patient_is_urgent_and_how_many_items_are_open(clinic, staff):
    urgent_patient(clinic)
    both = {**CRPS_PATIENT_STORED, "red_flags": ["foot_drop"]}
    clinic.with_answers("Bina Das", both)
    page = staff.get("/clinic/").get_data(as_text=True)
    assert (
        '<span class="tag tag-urgent">2 open</span> New neurological symptoms, '
        "Thoughts of self-harm"
    ) in page
    assert '<span class="tag tag-urgent">1 open</span> Thoughts of self-harm' in page


def test_a_new_urgent_answer_tells_the_responder_by_email_without_the_answer(app, patient, person):
    """The notice says only that an answer needs follow-up, and where to look."""
    app.config["URGENT_RESPONDER_EMAIL"] = "duty@clinic.example"
    posts = with_changes(FUSION_PATIENT_POSTS, "mood", {"phq9_9": "3"})
    person.save("mood", posts["mood"])
    with app.app_context():
        [message] = mail.outbox()
    body = message.get_content()
    assert message["To"] == "duty@clinic.example"
    assert "needs follow-up" in body
    assert "self-harm" not in body
    assert "Meena" not in body
    assert "Nearly every day" not in body
    assert "/clinic/patients/" in body
    person.save("mood", posts["mood"])
    with app.app_context():
        assert len(mail.outbox()) == 1


def test_the_worklist_finds_patients_however_staff_type_them(clinic, staff):
    patient_id = clinic.with_answers(
        "Suresh Nair", FUSION_PATIENT_STORED, email="suresh@example.org", phone="+919845012345"
    )
    clinic.with_answers("Someone Else", FUSION_PATIENT_STORED)
    ref = clinic.patient(patient_id).ref
    for search in (
        "Nair Suresh",
        "nair",
        "SURESH@example.org",
        "98450 12345",
        "098450-12345",
        f"{ref[:4]}-{ref[4:8]}".upper(),
        ref[:8],
    ):
        page = staff.get("/clinic/", query_string={"q": search}).get_data(as_text=True)
        assert names_in_order(page) == ["Suresh Nair"], search


def test_the_worklist_shows_a_clinic_day_with_scores_and_who_is_not_finished(
    app, clinic, staff, monkeypatch
):
    today = date(2027, 1, 11)
    monkeypatch.setattr(clock, "clinic_today", lambda: today)
    monkeypatch.setattr("app.web.clinic.routes.clinic_today", lambda: today)
    clinic.with_answers("Today Done", FUSION_PATIENT_STORED, visit=today)
    clinic.with_answers("Today Halfway", {"sex": "male"}, visit=today, submitted=False)
    clinic.with_answers("Tomorrow Done", FUSION_PATIENT_STORED, visit=today + timedelta(days=1))
    clinic.invite(name="Soon Invited", visit=today + timedelta(days=2))
    clinic.invite(name="Later Invited", visit=today + timedelta(days=9))
    page = staff.get("/clinic/?day=today").get_data(as_text=True)
    assert names_in_order(page) == ["Today Done", "Today Halfway"]
    assert "<td>9</td>" in page  # PHQ-9
    assert "<td>7</td>" in page  # PEG
    assert names_in_order(staff.get("/clinic/?day=tomorrow").get_data(as_text=True)) == [
        "Tomorrow Done"
    ]
    assert names_in_order(staff.get("/clinic/?day=2027-01-20").get_data(as_text=True)) == [
        "Later Invited"
    ]
    every = staff.get("/clinic/").get_data(as_text=True)
    soon = re.findall(r'>([^<]+)</a>\s*<span class="tag tag-todo">Visit soon', every)
    assert soon == ["Today Halfway", "Soon Invited"]
    assert "Enter a date" in staff.get("/clinic/?day=someday").get_data(as_text=True)


def test_the_day_s_briefs_are_one_pdf_a_page_each(app, clinic, staff):
    day = date(2027, 1, 15)
    for n in range(3):
        clinic.with_answers(f"Patient {n}", FUSION_PATIENT_STORED, visit=day)
    clinic.with_answers("Other Day", FUSION_PATIENT_STORED, visit=day + timedelta(days=1))
    answer = staff.get(f"/clinic/briefs.pdf?day={day.isoformat()}")
    assert answer.mimetype == "application/pdf"
    pages = pdf_pages(answer.data)
    assert [n for n in range(3) if any(f"Patient {n}" in p for p in pages)] == [0, 1, 2]
    assert not any("Other Day" in p for p in pages)
    assert all("12 Apr 1961" in p for p in pages)
    assert len(pages) == 3
    with app.app_context():
        audited = db.session.scalars(
            select(AuditEvent.patient_ref).where(AuditEvent.action == "summary.day_briefs")
        ).all()
        refs = set(db.session.scalars(select(Patient.ref).where(Patient.visit_date == day)))
    assert set(audited) == refs
    assert staff.get("/clinic/briefs.pdf?day=never").status_code == 404


@pytest.mark.parametrize("answers", [FUSION_PATIENT_STORED, CRPS_PATIENT_STORED])
def test_the_brief_and_the_day_s_briefs_use_no_verdict_wording(clinic, staff, answers):
    patient_id = clinic.with_answers("Ravi Kumar", answers)
    texts = [
        staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True),
        " ".join(pdf_pages(staff.get("/clinic/briefs.pdf?day=2027-01-15").data)),
    ]
    assert [verdict_in(text) for text in texts] == [None] * len(texts)


def test_a_question_added_to_the_definition_reaches_the_page_the_pdf_and_fhir(
    app, clinic, staff, monkeypatch
):
    """No code names the new question: the summary block's "Other answers" and the generic
    FHIR export carry it."""
    raw = yaml.safe_load((DEFINITIONS_DIR / "scs_intake.v3.yaml").read_text())
    goals = next(s for s in raw["sections"] if s["id"] == "goals")
    goals["items"].append(
        {
            "linkId": "favourite_walk",
            "text": "Where do you like to walk?",
            "type": "string",
            "max_length": 100,
        }
    )
    goals["pages"][-1]["items"].append("favourite_walk")
    changed = parse_definition(raw)
    monkeypatch.setitem(
        app.extensions, "questionnaires", {**app.extensions["questionnaires"], changed.key: changed}
    )
    patient_id = clinic.with_answers(
        "Ravi Kumar", {**FUSION_PATIENT_STORED, "favourite_walk": "By the <lake>"}
    )

    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "Where do you like to walk?" in page
    assert "By the &lt;lake&gt;" in page
    pdf = " ".join(pdf_pages(staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data))
    assert "By the <lake>" in " ".join(pdf.split())
    fhir = staff.get(f"/fhir/patients/{patient_id}/questionnaire-response.json").get_json()
    found = [item for item in _walk(fhir["item"]) if item["linkId"] == "favourite_walk"]
    assert [i["answer"] for i in found] == [[{"valueString": "By the <lake>"}]]


def _walk(items):
    for item in items:
        yield item
        yield from _walk(item.get("item", ()))
        for answer in item.get("answer", ()):
            yield from _walk(answer.get("item", ()))
