"""What patients learn before the visit: the information page, its versions, and the
record of which text a patient was given, as the specialist's brief shows it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import textstat
from sqlalchemy import select

from app.platform.extensions import db
from app.records.models import Consent, InformationView, Patient, UrgentItem
from app.records.patient_information import CONTENT_DIR, InformationError, load_versions, render
from tests.answers_data import FUSION_PATIENT_STORED
from tests.conftest import Person
from tests.web.test_clinic import pdf_text
from tests.web.test_clinic_profile import DETAILS

BLOCKS = {"p", "li", "h1", "h2", "h3", "figcaption", "dt", "dd", "blockquote"}


class _Text(HTMLParser):
    """The words a reader reads: each block a sentence of its own, the drawing left out."""

    def __init__(self):
        super().__init__()
        self.parts, self.in_svg = [], 0

    def handle_starttag(self, tag, attrs):
        self.in_svg += tag == "svg"

    def handle_endtag(self, tag):
        self.in_svg -= tag == "svg"
        if tag in BLOCKS:
            self.parts.append(".")

    def handle_data(self, data):
        if not self.in_svg:
            self.parts.append(data)


def plain_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split()).replace(";.", ".")


def grade(html: str) -> float:
    return textstat.flesch_kincaid_grade(plain_text(html))


@pytest.fixture
def profiled(app, clinic):
    """The clinic's details as its admin entered them."""
    admin = Person(app.test_client())
    admin.login(clinic.staff("admin"))
    assert admin.client.post("/admin/clinic", data=DETAILS).status_code == 302


def test_anyone_can_read_it_without_logging_in_with_the_clinic_s_contacts(client, profiled):
    page = client.get("/about-scs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<h1 id="information-title">About spinal cord stimulation</h1>' in text
    assert "version 1" in text
    assert '<a class="tel" href="tel:+918040001234">+91 80 4000 1234</a>' in text
    assert '<a class="mailto" href="mailto:care@shanti.example">care@shanti.example</a>' in text
    assert "Mon–Sat 10:00–14:00" in text
    for fact in (
        "epidural space",
        "under the skin of your belly or your buttock",
        "complex regional pain syndrome",
        "poor blood flow",
        "First comes a <strong>trial",
        "handheld control",
        "Charging",
        "MRI",
        "can be taken out",
        "It is not right for everyone",
        "decide together",
        "Infection",
    ):
        assert fact in text, fact


def test_the_drawing_of_the_parts_is_labelled_for_everyone(client):
    text = client.get("/about-scs").get_data(as_text=True)
    assert 'role="img" aria-labelledby="scs-parts-title scs-parts-desc"' in text
    assert '<title id="scs-parts-title">The parts of a spinal cord stimulator</title>' in text
    for label in (
        "Leads, in the",
        "epidural space",
        "Generator,",
        "under the skin",
        "Handheld",
        "Spine",
    ):
        assert f">{label}</text>" in text
    assert "[diagram]" not in text


@pytest.mark.parametrize("path", sorted(CONTENT_DIR.glob("about-scs.v*.md")), ids=lambda p: p.name)
def test_every_version_reads_at_us_grade_8_or_below(path):
    title, html = render(path.read_text(encoding="utf-8"))
    assert title
    assert grade(html) <= 8


def test_the_grade_check_catches_text_that_is_too_hard():
    _, html = render(
        "# Hard\n\nPercutaneous neuromodulation necessitates comprehensive "
        "multidisciplinary psychological evaluation preceding implantation, "
        "notwithstanding considerable interindividual variability.\n"
    )
    assert grade(html) > 8


def test_a_clinic_s_own_text_replaces_it_and_is_rendered_safely(app, client, tmp_path, monkeypatch):
    (tmp_path / "about-scs.v1.md").write_text("# Old text\n\nOld.\n")
    (tmp_path / "about-scs.v3.md").write_text(
        "# About our stimulator clinic\n\nCall us first.\n\n<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)">\n\n[Click](javascript:alert(3)) or '
        "[our site](https://clinic.example/scs).\n"
    )
    (tmp_path / "notes.md").write_text("not a version")
    versions = load_versions(tmp_path)
    assert sorted(versions) == [1, 3]
    monkeypatch.setitem(app.extensions, "information", versions)
    text = client.get("/about-scs").get_data(as_text=True)
    assert "About our stimulator clinic" in text
    assert "version 3" in text
    assert "Old text" not in text
    assert "alert(1)" not in text
    assert "onerror" not in text
    assert "<img" not in text
    assert 'href="javascript:' not in text
    assert '<a href="https://clinic.example/scs" rel="noopener noreferrer">our site</a>' in text


def test_a_text_without_a_title_stops_start_up_with_the_file_s_name(tmp_path):
    (tmp_path / "about-scs.v2.md").write_text("Starts with no title.\n")
    with pytest.raises(InformationError, match="about-scs.v2.md"):
        load_versions(tmp_path)


def test_the_invitation_consent_and_confirmation_pages_link_to_it(
    clinic, person, submitted_patient
):
    link = 'href="/about-scs"'
    assert link in person.client.get("/intake/submitted").get_data(as_text=True)
    _, token = clinic.invite(name="Asha Rao", email="asha@example.org")
    other = Person(person.client.application.test_client())
    assert link in other.client.get(f"/auth/invitation/{token}").get_data(as_text=True)
    other.accept(token, phone="+91 98450 11111")
    consent = other.client.get("/intake/consent").get_data(as_text=True)
    assert link in consent
    assert "(version 1)" in consent


def test_consent_records_the_version_it_linked_and_the_brief_shows_it(app, clinic, staff):
    patient_id, token = clinic.invite(name="Asha Rao", email="asha@example.org")
    person = Person(app.test_client())
    person.accept(token, phone="+91 98450 11112")
    person.consent()
    with app.app_context():
        assert db.session.scalar(select(Consent.information_version)) == 1
    person.fill_all()
    assert person.submit().status_code == 302
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "version 1 linked at consent" in page
    assert "not opened while logged in" in page


def test_the_brief_documents_what_the_patient_opened(app, person, submitted_patient, staff):
    page = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    assert '<div id="education"><dt' in page
    assert "none recorded" in page  # made directly, with no consent text on record
    person.client.get("/about-scs")
    person.client.get("/about-scs")  # a second read adds nothing
    with app.app_context():
        views = db.session.scalars(select(InformationView)).all()
        assert [(v.patient_id, v.version) for v in views] == [(submitted_patient, 1)]
    page = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    assert "version 1 opened" in page
    text = pdf_text(staff.get(f"/clinic/patients/{submitted_patient}/summary.pdf").data)
    assert "version 1 opened" in text


def test_the_confirmation_says_what_happens_next(app, client, clinic, person, profiled):
    clinic.with_answers(
        "Kiran Das",
        {**FUSION_PATIENT_STORED, "questions_for_doctor": "Can I <b>swim</b> with it?"},
        login=True,
        email="kiran@example.org",
    )
    person.login("kiran@example.org", "my-garden-has-roses")
    text = client.get("/intake/submitted").get_data(as_text=True)
    next_steps = text.split('id="next-title"', 1)[1].split("</section>", 1)[0]
    assert "15 January 2027" in next_steps or "15 Jan 2027" in next_steps
    for thing in (
        "list of all your medicines",
        "scans",
        "the letter",
        "reads your answers before your visit",
        "ask the clinic to reopen your form",
        "Mon–Sat 10:00–14:00",
        'href="tel:+918040001234"',
    ):
        assert thing in next_steps, thing
    assert "Can I &lt;b&gt;swim&lt;/b&gt; with it?" in next_steps
    assert "no-print" not in next_steps  # it prints with the patient's copy


def test_erasing_a_patient_removes_their_urgent_items_and_what_they_opened(app, clinic, person):
    urgent_answers = {**FUSION_PATIENT_STORED, "phq9_9": "3"}
    patient_id = clinic.with_answers(
        "Sunil Rao", urgent_answers, login=True, email="sunil@example.org"
    )
    person.login("sunil@example.org", "my-garden-has-roses")
    person.client.get("/about-scs")
    admin = Person(app.test_client())
    admin.login(clinic.staff("admin"))
    answer = admin.client.post(
        f"/admin/patients/{patient_id}/erase", data={"confirm_name": "Sunil Rao"}
    )
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(Patient, patient_id) is None
        assert db.session.scalars(select(UrgentItem)).all() == []
        assert db.session.scalars(select(InformationView)).all() == []
