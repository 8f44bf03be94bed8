"""The specialist's workspace: worklist, summary, notes, review, reopen, PDF."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import insert, select, text

from app.platform.extensions import db
from app.records.models import AuditEvent, ClinicianNote, Patient, User
from app.records.search import patient_matches
from tests.answers_data import (
    CRPS_PATIENT_STORED,
    DIABETIC_PATIENT_STORED,
    FUSION_PATIENT_POSTS,
    FUSION_PATIENT_STORED,
    with_changes,
)
from tests.conftest import count_queries, statements_of

VERDICTS = re.compile(
    r"\b(eligible|ineligible|eligibility|candidate|candidacy|recommended|approved|"
    r"contraindicated|cleared|pass|fail|passed|failed|red flag|high risk|meets criteria)\b",
    re.IGNORECASE,
)
ALLOWED = ("Not an eligibility determination.",)


def verdict_in(text: str, verdicts: re.Pattern = VERDICTS) -> str | None:
    """The first verdict word of ``text`` (its allowed sentences left out), or None."""
    text = " ".join(text.split())
    for allowed in ALLOWED:
        text = text.replace(allowed, "")
    found = verdicts.search(text)
    return found.group(0) if found else None


def query_plan(app, statement: str, parameters) -> str:
    """SQLite's EXPLAIN QUERY PLAN of one statement, its steps joined by " | "."""
    with app.app_context():
        return " | ".join(
            row[-1]
            for row in db.session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters
            )
        )


def page_query(app, client, url: str) -> tuple[str, tuple]:
    """The statement that reads the worklist page at ``url`` (the one ordered and limited
    by the patients' own columns), with its parameters."""
    [found] = [
        (sql, params)
        for sql, params in statements_of(app, client, url)
        if "LIMIT" in sql
        and not any(other in sql for other in ("clinic_profile", "count(", "messages"))
    ]
    return found


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def names_in_order(page: str) -> list[str]:
    return re.findall(r'<a href="/clinic/patients/\d+">([^<]+)</a>', page)


def test_worklist_lists_every_patient_with_status_sorted_by_visit_date(clinic, staff, person):
    clinic.with_answers("Late Visit", FUSION_PATIENT_STORED, visit=date(2027, 3, 1))
    clinic.with_answers("Early Visit", FUSION_PATIENT_STORED, visit=date(2027, 1, 2))
    clinic.with_answers("Halfway", {"sex": "male"}, visit=date(2027, 2, 1), submitted=False)
    clinic.invite(name="Only Invited", visit=date(2027, 1, 20))

    page = staff.get("/clinic/").get_data(as_text=True)
    assert names_in_order(page) == ["Early Visit", "Only Invited", "Halfway", "Late Visit"]
    assert "In progress (100% of sections)" in page
    assert "Invited" in page
    assert "Submitted" in page
    assert "02 Jan 2027" in page


def test_worklist_progress_drops_when_an_edit_reopens_a_finished_section(patient, person, staff):
    """Staff see the same progress the patient does, not just which pages were saved."""
    person.fill_all()
    assert "In progress (100% of sections)" in staff.get("/clinic/").get_data(as_text=True)
    person.save("about", with_changes(FUSION_PATIENT_POSTS, "about", {"sex": "female"})["about"])
    # The pregnancy question now applies in the health section, which is unanswered.
    assert "In progress (89% of sections)" in staff.get("/clinic/").get_data(as_text=True)
    person.save("health", FUSION_PATIENT_POSTS["health"] + [("pregnant", "no")])
    assert "In progress (100% of sections)" in staff.get("/clinic/").get_data(as_text=True)


def test_urgent_patients_are_at_the_top_with_a_marker(clinic, staff):
    clinic.with_answers("Calm Patient", FUSION_PATIENT_STORED, visit=date(2027, 1, 1))
    clinic.with_answers("Urgent Patient", CRPS_PATIENT_STORED, visit=date(2027, 6, 1))
    page = staff.get("/clinic/").get_data(as_text=True)
    assert names_in_order(page)[0] == "Urgent Patient"
    assert page.count('class="tag tag-urgent">1 open</span> Thoughts of self-harm') == 1


def test_worklist_filters_by_status_and_searches_by_name(clinic, staff):
    clinic.with_answers("Asha Submitted", FUSION_PATIENT_STORED)
    clinic.with_answers("Bina Draft", {"sex": "female"}, submitted=False)
    clinic.invite(name="Chitra 100%_Invited")
    assert names_in_order(staff.get("/clinic/?status=in_progress").get_data(as_text=True)) == [
        "Bina Draft"
    ]
    assert names_in_order(staff.get("/clinic/?status=invited").get_data(as_text=True)) == [
        "Chitra 100%_Invited"
    ]
    assert names_in_order(staff.get("/clinic/?q=asha").get_data(as_text=True)) == ["Asha Submitted"]
    assert names_in_order(staff.get("/clinic/?q=%25_").get_data(as_text=True)) == [
        "Chitra 100%_Invited"
    ]
    assert names_in_order(staff.get("/clinic/?q=%25").get_data(as_text=True)) == [
        "Chitra 100%_Invited"
    ]


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=-1",
        "?page=99999",
        "?status=nope",
        "?q=" + "x" * 5000,
        "?q=%27%20OR%201=1--",
    ],
)
def test_odd_worklist_parameters_never_break_the_page(staff, query):
    assert staff.get("/clinic/" + query).status_code == 200


def test_worklist_pages_hold_fifty_patients(clinic, staff, app):
    for n in range(55):
        clinic.with_answers(f"Patient {n:03d}", {"sex": "male"}, submitted=False)
    first = staff.get("/clinic/").get_data(as_text=True)
    second = staff.get("/clinic/?page=2").get_data(as_text=True)
    assert len(names_in_order(first)) == 50
    assert len(names_in_order(second)) == 5
    assert "page 1 of 2" in first
    assert "Next page" in first
    assert "Previous page" in second


def on_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def test_worklist_query_count_does_not_grow_with_patients(clinic, staff, app):
    for n in range(10):
        clinic.with_answers(f"P{n}", FUSION_PATIENT_STORED)
    at_ten = count_queries(app, staff, "/clinic/")
    for n in range(50):
        clinic.with_answers(f"Q{n}", FUSION_PATIENT_STORED)
    at_sixty = count_queries(app, staff, "/clinic/")
    for n in range(140):
        clinic.with_answers(f"R{n}", FUSION_PATIENT_STORED)
    at_two_hundred = count_queries(app, staff, "/clinic/")
    assert at_sixty == at_two_hundred
    # Ten fit on the first page, which is then its own count: one statement fewer.
    assert at_ten == at_two_hundred - 1
    # Six before the worklist showed failed invitations, opened on "my patients" and
    # offered the sites; one query more reads each.
    assert at_two_hundred <= 9


def searches_run(statements) -> int:
    """How many of a page's statements test a name (each runs the search's condition)."""
    return sum("LIKE" in sql.upper() for sql, _ in statements)


@pytest.mark.parametrize("where", ["/clinic/", "/desk/"])
def test_a_search_is_read_once_for_its_page_and_its_count(clinic, staff, desk, app, where):
    """A name finds a few patients or a few pages of them: the matches are counted and
    ordered in one reading, so the search's condition runs once, not again to count."""
    client = staff if where == "/clinic/" else desk
    for n in range(60):
        clinic.with_answers(f"Patient {n:03d}", FUSION_PATIENT_STORED)
    narrow = f"{where}?q=Patient%2001"
    assert searches_run(statements_of(app, client, narrow)) == 1
    assert "11 patients." in client.get(narrow).get_data(as_text=True)  # 001, 010 to 019
    for page, shown in ((1, range(50)), (2, range(50, 60))):
        url = f"{where}?q=Patient&page={page}"
        assert searches_run(statements_of(app, client, url)) == 1
        text = client.get(url).get_data(as_text=True)
        assert f"60 patients, page {page} of 2." in text
        names = re.findall(r'<a href="/(?:clinic|desk)/patients/\d+">([^<]+)</a>', text)
        assert names == [f"Patient {n:03d}" for n in shown]


@pytest.mark.parametrize("where", ["/clinic/", "/desk/"])
def test_a_search_past_its_count_reads_its_page_in_order(
    clinic, staff, desk, app, monkeypatch, where
):
    """Past the cap the matches read are not the first in order: the page is read again
    along the order, and the count says "more than"."""
    from app.records import search

    monkeypatch.setattr(search, "SEARCH_COUNT_UP_TO", 20)
    client = staff if where == "/clinic/" else desk
    for n in reversed(range(60)):  # the first rows found are the last in order
        clinic.with_answers(f"Patient {n:03d}", FUSION_PATIENT_STORED)
    url = f"{where}?q=Patient"
    assert searches_run(statements_of(app, client, url)) == 2
    text = client.get(url).get_data(as_text=True)
    assert "More than 20 patients, page 1." in text
    names = re.findall(r'<a href="/(?:clinic|desk)/patients/\d+">([^<]+)</a>', text)
    assert names == [f"Patient {n:03d}" for n in range(50)]
    past = client.get(f"{where}?q=Patient%2001&page=9").get_data(as_text=True)
    assert "11 patients." in past  # a page past the last is the last


def test_a_search_is_counted_to_a_thousand_and_a_list_further(clinic, staff, desk, monkeypatch):
    """Past a thousand matches a search is narrowed with another word, not read to the
    end; the whole list, whose count an index gives, is counted further."""
    from app.records import search

    monkeypatch.setattr(search, "SEARCH_COUNT_UP_TO", 2)
    monkeypatch.setattr(search, "COUNT_UP_TO", 4)
    for n in range(3):
        clinic.with_answers(f"Patient {n}", FUSION_PATIENT_STORED)
    assert "More than 2 patients, page 1." in staff.get("/clinic/?q=patient").get_data(as_text=True)
    assert "3 patients." in staff.get("/clinic/").get_data(as_text=True)
    assert "More than 2 patients, page 1." in desk.get("/desk/?q=patient").get_data(as_text=True)
    assert "3 patients." in desk.get("/desk/").get_data(as_text=True)


def test_counts_and_page_numbers_are_written_with_thousands_separators(app):
    """Counts read at a glance with separators, below the cap as above it."""
    from app.records.search import Counted

    with app.test_request_context():
        lists = app.jinja_env.get_template("_macros/lists.html").module
        exact = str(lists.count_line(Counted(62_500, 10**6, 1_200, 1_250), "patient"))
        capped = str(lists.count_line(Counted(10_001, 10_000, 1_200, 1_201), "patient"))
    assert exact == "62,500 patients, page 1,200 of 1,250."
    assert capped == "More than 10,000 patients, page 1,200."


def test_patients_without_a_visit_date_come_after_those_with_one(clinic, staff, app):
    undated = clinic.with_answers("No Date Yet", FUSION_PATIENT_STORED)
    clinic.with_answers("Dated Later", FUSION_PATIENT_STORED, visit=date(2027, 12, 1))
    clinic.with_answers("Dated Sooner", FUSION_PATIENT_STORED, visit=date(2027, 2, 1))
    with app.app_context():
        db.session.get(Patient, undated).visit_date = None
        db.session.commit()
    page = staff.get("/clinic/").get_data(as_text=True)
    assert names_in_order(page) == ["Dated Sooner", "Dated Later", "No Date Yet"]


@pytest.mark.parametrize("query", ["?page=2", "?status=submitted&page=2&q=patient"])
def test_a_worklist_page_is_read_in_index_order_without_a_sort(
    clinic, staff, app, monkeypatch, query
):
    """Deep pages stay fast: the database walks an index instead of sorting every patient;
    a search's too, past the count up to which its matches are sorted."""
    if not on_sqlite(app):
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans from table statistics")
    monkeypatch.setattr("app.records.search.SEARCH_COUNT_UP_TO", 20)
    for n in range(60):
        clinic.with_answers(f"Patient {n:03d}", FUSION_PATIENT_STORED)
    statement, parameters = page_query(app, staff, "/clinic/" + query)
    plan = query_plan(app, statement, parameters)
    assert "COVERING INDEX ix_patients_worklist" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.parametrize(
    "search",
    [
        "tient 0123",  # a name
        "BLR/2026/00417",  # a hospital number (UHID), in any case
        "3214-C4FA",  # a reference read out on the phone
        "suresh@example.org",  # an email
        "98450 12",  # part of a mobile number
        "91-1234-5678-9012",  # an ABHA number
    ],
)
def test_every_kind_of_search_on_postgresql_is_answered_from_indexes(app, search):
    """A search ORs the name's condition with the others its text could be; one condition
    no index answers would make PostgreSQL read every patient. "Name contains" cannot use
    a b-tree: a pg_trgm index answers it, and email and phone alike."""
    if on_sqlite(app):
        pytest.skip("trigram and pattern indexes are PostgreSQL's; SQLite scans the table")
    with app.app_context():
        db.session.execute(
            insert(Patient),
            [
                {
                    "ref": f"{n:016x}",
                    "name": f"Patient {n:05d}",
                    "date_of_birth": date(1960, 1, 1),
                    "email": f"patient{n}@mail{n % 7}.in",
                    "phone": f"+91984{n:07d}",
                    "hospital_number": f"BLR/2026/{n:05d}",
                }
                for n in range(5000)
            ],
        )
        db.session.commit()
        connection = db.session.connection()
        # What autovacuum does on a running server: merge new entries, gather statistics.
        for gin in ("ix_patients_name", "ix_patients_email", "ix_patients_digits"):
            connection.exec_driver_sql(f"SELECT gin_clean_pending_list('{gin}')")
        connection.exec_driver_sql("ANALYZE patients")
        # Whether it can be: on a table this small, reading it whole may well be cheaper.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        compiled = select(Patient.id).where(patient_matches(search)).compile(db.engine)
        plan = " ".join(
            connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).scalars()
        )
    assert "Bitmap Index Scan on ix_patients_name" in plan
    assert "Seq Scan" not in plan


def test_a_search_run_again_and_again_is_planned_for_its_own_words(app):
    """psycopg would prepare a statement run five times, and PostgreSQL could then plan
    every later search alike; "Patient 0", matching every name, then read the whole
    trigram index. Nothing is prepared: each search is planned for what it looks for."""
    if on_sqlite(app):
        pytest.skip("PostgreSQL's prepared statements")
    with app.app_context():
        for name in ["Kumar", "Devi", "Nair", "Rao", "Singh", "Iyer", "Patient", "Patient"]:
            db.session.execute(select(Patient.id).where(patient_matches(name)).limit(50)).all()
        prepared = db.session.execute(text("SELECT count(*) FROM pg_prepared_statements"))
        assert prepared.scalar() == 0


def test_summary_page_shows_what_the_specialist_reads_first(clinic, staff, app):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "Ravi Kumar" in page
    assert (
        "Patient-reported information to support the evaluation visit. "
        "Not an eligibility determination."
    ) in page
    assert "Items to review" in page
    assert "Takes blood thinner(s): Apixaban" in page
    assert 'href="#a-blood_thinners"' in page
    assert 'id="a-blood_thinners"' in page
    assert "<dt>PHQ-9</dt><dd>9 of 27, Mild" in page
    assert "(published band)" in page
    assert "<dt>Distribution</dt><dd>Lower back, Left buttock" in page
    assert "Walk to the temple and play with my grandchildren" in page
    assert "Psychological evaluation, examination and imaging review are separate." in page
    assert "Developed by Drs. Robert L. Spitzer" in page


def test_every_summary_view_is_audited_with_who_and_where(clinic, staff, app):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    staff.get(f"/clinic/patients/{patient_id}")
    with app.app_context():
        event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "summary.view"))
        assert event_.actor.role == "clinician"
        assert event_.ip == "127.0.0.1"
        assert event_.patient_ref == clinic.patient(patient_id).ref
        assert event_.at is not None


def test_summary_query_count_does_not_grow_with_notes_or_answers(clinic, staff, app):
    """Answers are one JSON document and notes load with their authors in one query."""
    short = clinic.with_answers("Short Answers", CRPS_PATIENT_STORED)
    many_medicines = [
        {"med_name": f"Medicine {n}", "med_kind": "other", "med_current": True} for n in range(12)
    ]
    long = clinic.with_answers(
        "Long Answers", {**FUSION_PATIENT_STORED, "medications": many_medicines}
    )
    baseline = count_queries(app, staff, f"/clinic/patients/{short}")
    with app.app_context():
        for n in range(4):
            clinic.staff(email=f"doctor{n}@clinic.example")
        authors = db.session.scalars(select(User).where(User.role == "clinician")).all()
        db.session.add_all(
            ClinicianNote(patient_id=long, author_id=a.id, body=f"Note {a.id}") for a in authors
        )
        db.session.commit()
    page = staff.get(f"/clinic/patients/{long}").get_data(as_text=True)
    assert page.count('class="note-card"') == 5
    assert "Medicine 11" in page
    assert count_queries(app, staff, f"/clinic/patients/{long}") == baseline


def test_a_session_moved_to_another_address_is_ended(clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    moved = staff.get(f"/clinic/patients/{patient_id}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert moved.status_code == 302


def test_urgent_banner_on_the_summary(clinic, staff):
    patient_id = clinic.with_answers("Urgent Patient", CRPS_PATIENT_STORED)
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert '<h2 id="urgent-title">Urgent</h2>' in page
    assert "Thoughts of self-harm:</strong> PHQ-9 item 9 (thoughts of being better off dead" in page


def test_pdf_opens_and_holds_the_name_and_phq9_total(clinic, staff, app):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    response = staff.get(f"/clinic/patients/{patient_id}/summary.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Ravi Kumar" in text
    assert "PHQ-9: 9 of 27, Mild" in text
    assert "summary.pdf" in audit_actions(app)


def test_notes_are_kept_apart_from_answers_and_audited(clinic, staff, app):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    response = staff.post(
        f"/clinic/patients/{patient_id}/notes",
        data={"body": "Discuss anticoagulation plan <b>first</b>"},
    )
    assert response.status_code == 302
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "Discuss anticoagulation plan &lt;b&gt;first&lt;/b&gt;" in page
    assert "Test clinician" in page
    assert clinic.response(patient_id).answers == FUSION_PATIENT_STORED
    assert "note.add" in audit_actions(app)
    with app.app_context():
        assert db.session.scalar(select(ClinicianNote)).author.name == "Test clinician"


def test_an_empty_note_is_refused_with_a_message(clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    staff.post(f"/clinic/patients/{patient_id}/notes", data={"body": "  "})
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "Write the note before saving it" in page


def test_mark_as_reviewed_changes_the_worklist_status(clinic, staff, app):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    staff.post(f"/clinic/patients/{patient_id}/review", data={"revision": "1"})
    assert clinic.response(patient_id).reviewed_at is not None
    assert "Reviewed" in staff.get("/clinic/?status=reviewed").get_data(as_text=True)
    assert "response.review" in audit_actions(app)


def test_reopen_lets_the_patient_amend_a_new_revision_and_keeps_the_old_one(
    submitted_patient, person, staff, clinic, client
):
    staff.post(f"/clinic/patients/{submitted_patient}/reopen", data={"revision": "1"})
    assert client.get("/intake/").headers["Location"].endswith("/intake/check")

    posts = with_changes(FUSION_PATIENT_POSTS, "goals", {"goals_text": "Sleep through the night"})
    person.save("goals", posts["goals"], return_to="check")
    person.submit()

    latest = clinic.response(submitted_patient)
    assert (latest.revision, latest.status) == (2, "submitted")
    assert latest.answers["goals_text"] == "Sleep through the night"
    page = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    assert "revision 2 of 2" in page
    assert "Sleep through the night" in page
    old = staff.get(f"/clinic/patients/{submitted_patient}?revision=1").get_data(as_text=True)
    assert "revision 1 of 2" in old
    assert "Walk to the temple and play with my grandchildren" in old


def test_an_amended_submission_shows_what_changed_since_the_one_before(
    submitted_patient, person, staff, client
):
    staff.post(f"/clinic/patients/{submitted_patient}/reopen", data={"revision": "1"})
    posts = with_changes(FUSION_PATIENT_POSTS, "goals", {"goals_text": "Sleep <b>through</b>"})
    person.save("goals", posts["goals"], return_to="check")
    person.submit()

    worklist = staff.get("/clinic/").get_data(as_text=True)
    assert "Submitted (amended: revision 2)" in worklist
    page = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    changed = page[page.index("Changed since revision 1") : page.index('id="answers-title"')]
    assert changed.count("<tr>") == 2  # the header and the one changed answer
    assert "Walk to the temple and play with my grandchildren" in changed
    assert "Sleep &lt;b&gt;through&lt;/b&gt;" in changed
    first = staff.get(f"/clinic/patients/{submitted_patient}?revision=1").get_data(as_text=True)
    assert "Changed since" not in first
    pdf = pdf_text(staff.get(f"/clinic/patients/{submitted_patient}/summary.pdf").data)
    assert "Changed since revision 1" in pdf
    assert "Sleep <b>through</b>" in pdf


def test_an_amendment_that_changed_nothing_says_so(submitted_patient, person, staff):
    staff.post(f"/clinic/patients/{submitted_patient}/reopen", data={"revision": "1"})
    person.submit()
    page = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    assert "No answers changed since revision 1" in page


def test_summary_of_a_patient_who_has_not_submitted(clinic, staff):
    patient_id = clinic.with_answers("Halfway", {"sex": "male"}, submitted=False)
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "has not sent it yet" in page


def test_unknown_patient_or_revision_is_a_404(clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    assert staff.get("/clinic/patients/9999").status_code == 404
    assert staff.get(f"/clinic/patients/{patient_id}?revision=7").status_code == 404


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_free_text_is_escaped_in_the_summary_and_printed_literally_in_the_pdf(clinic, staff):
    answers = {
        **FUSION_PATIENT_STORED,
        "goals_text": XSS,
        "allergy_details": XSS,
        "medications": [{**FUSION_PATIENT_STORED["medications"][0], "med_name": XSS}],
    }
    patient_id = clinic.with_answers(XSS, answers)
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    text = pdf_text(staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data)
    assert '<script>alert("x")</script>' in text.replace("\n", "")


@pytest.mark.parametrize(
    "answers", [FUSION_PATIENT_STORED, CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED]
)
def test_no_clinic_page_or_pdf_uses_verdict_wording(clinic, staff, answers):
    patient_id = clinic.with_answers("Ravi Kumar", answers)
    halfway = clinic.with_answers("Halfway", {"sex": "male"}, submitted=False)
    texts = [
        staff.get(url).get_data(as_text=True)
        for url in (
            "/clinic/",
            f"/clinic/patients/{patient_id}",
            "/clinic/invite",
            f"/clinic/patients/{halfway}",
        )
    ]
    assert "has not sent it yet" in texts[3]
    texts.append(pdf_text(staff.get(f"/clinic/patients/{patient_id}/summary.pdf").data))
    assert [verdict_in(text) for text in texts] == [None] * len(texts)


CLINIC_URLS = [
    ("get", "/clinic/"),
    ("get", "/clinic/invite"),
    ("post", "/clinic/invite"),
    ("get", "/clinic/patients/{id}"),
    ("get", "/clinic/patients/{id}/summary.pdf"),
    ("post", "/clinic/patients/{id}/notes"),
    ("post", "/clinic/patients/{id}/review"),
    ("post", "/clinic/patients/{id}/reopen"),
]


@pytest.mark.parametrize(("method", "url"), CLINIC_URLS)
def test_patients_can_never_reach_a_clinic_page(submitted_patient, clinic, client, method, url):
    other = clinic.with_answers("Someone Else", FUSION_PATIENT_STORED)
    for patient_id in (submitted_patient, other):
        response = getattr(client, method)(url.format(id=patient_id), data={"revision": "1"})
        assert response.status_code == 403
    assert clinic.response(other).reviewed_at is None


@pytest.mark.parametrize(("method", "url"), CLINIC_URLS)
def test_anonymous_visitors_are_sent_to_log_in(clinic, app, method, url):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    response = getattr(app.test_client(), method)(url.format(id=patient_id))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
