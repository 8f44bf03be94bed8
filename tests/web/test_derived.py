"""Derived data kept when it becomes true: the worklist's progress and totals on each
patient, each revision's summary and changes since the one before, and PDFs kept by their
HTML, so reading them again costs a read."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select, update

from app.engine.summary.stored import FORMAT
from app.platform.extensions import db
from app.records.models import Patient, QuestionnaireResponse, RenderedPdf
from tests.answers_data import (
    CRPS_PATIENT_STORED,
    FUSION_PATIENT_POSTS,
    FUSION_PATIENT_STORED,
    with_changes,
)
from tests.conftest import PATIENT_PASSWORD, Person


def kept_pdfs(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RenderedPdf))


def row_of(page: str, name: str) -> str:
    start = page.index(name)
    return page[start : page.index("</tr>", start)]


# The worklist's columns, kept on the patient


def test_the_newest_answers_totals_are_kept_on_the_patient(app, clinic):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    with app.app_context():
        patient = db.session.get(Patient, patient_id)
        assert patient.worklist_revision == 1
        assert patient.worklist_scores["phq9"] == 9
        assert patient.worklist_done == 9


def test_a_row_kept_before_the_totals_still_shows_them_and_rebuild_fills_them(app, clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    with app.app_context():
        db.session.execute(
            update(Patient)
            .where(Patient.id == patient_id)
            .values(worklist_revision=None, worklist_scores=None, worklist_done=0)
        )
        db.session.commit()
    before = row_of(staff.get("/clinic/").get_data(as_text=True), "Ravi Kumar")
    assert ">9<" in before.replace(" ", "")  # PHQ-9 read from the response instead

    result = app.test_cli_runner().invoke(args=["summaries", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt 1 patients and" in result.output
    with app.app_context():
        assert db.session.get(Patient, patient_id).worklist_scores["phq9"] == 9
    assert row_of(staff.get("/clinic/").get_data(as_text=True), "Ravi Kumar") == before
    # Run again, it has nothing left to do (a run stopped half-way carries on).
    again = app.test_cli_runner().invoke(args=["summaries", "rebuild"])
    assert "Rebuilt 0 patients and 0 summaries." in again.output


def test_rebuild_all_recomputes_every_patient(app, clinic):
    first = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    second = clinic.with_answers("Lata Shah", CRPS_PATIENT_STORED)
    with app.app_context():
        db.session.execute(update(Patient).values(worklist_scores={"phq9": 99}))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["summaries", "rebuild", "--all"])
    assert "Rebuilt 2 patients and 2 summaries." in result.output
    with app.app_context():
        assert db.session.get(Patient, first).worklist_scores["phq9"] == 9
        assert db.session.get(Patient, second).worklist_scores["phq9"] != 99


# Each submitted revision's summary, kept


def kept(app, patient_id):
    with app.app_context():
        return db.session.execute(
            select(QuestionnaireResponse.summary_key, QuestionnaireResponse.summary).where(
                QuestionnaireResponse.patient_id == patient_id
            )
        ).one()


def test_sending_the_answers_keeps_their_summary(app, clinic, person):
    patient_id = clinic.consented()
    person.login("meena@example.org", PATIENT_PASSWORD)
    person.fill_all()
    person.submit()
    key, summary = kept(app, patient_id)
    assert key.startswith(f"scs_intake.v3.f{FORMAT}.")
    assert key.endswith(".r1")
    assert summary["brief"]


def test_the_summary_page_reads_the_kept_summary_with_today_s_identity(app, clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    first = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    key, summary = kept(app, patient_id)
    assert key is not None
    # What is shown comes from the kept copy: a mark put in it appears on the page.
    summary["disclaimer"] = "Kept copy of the summary."
    with app.app_context():
        db.session.execute(
            update(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == patient_id)
            .values(summary=summary)
        )
        db.session.get(Patient, patient_id).name = "Ravi Kumar Sharma"
        db.session.commit()
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "Kept copy of the summary." in page
    assert "Ravi Kumar Sharma" in page  # the identity is the record's, as it is now
    assert "Kept copy of the summary." not in first


def test_a_summary_kept_under_another_key_is_built_again(app, clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    staff.get(f"/clinic/patients/{patient_id}")
    key, summary = kept(app, patient_id)
    summary["disclaimer"] = "An old format."
    with app.app_context():
        db.session.execute(
            update(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == patient_id)
            .values(summary=summary, summary_key=key.replace(f".f{FORMAT}.", ".f0."))
        )
        db.session.commit()
    with app.app_context():
        changed = db.session.scalar(
            select(QuestionnaireResponse.updated_at).where(
                QuestionnaireResponse.patient_id == patient_id
            )
        )
    page = staff.get(f"/clinic/patients/{patient_id}").get_data(as_text=True)
    assert "An old format." not in page
    assert kept(app, patient_id)[0] == key
    # Keeping a summary is not a change to the answers: the patient's own data download
    # still says when they last changed them.
    with app.app_context():
        assert (
            db.session.scalar(
                select(QuestionnaireResponse.updated_at).where(
                    QuestionnaireResponse.patient_id == patient_id
                )
            )
            == changed
        )


# The changes since the revision before, kept with each amendment


def amend_goals(staff, person, patient_id, goals: str) -> None:
    """Staff reopen the submission; the patient changes their goals and sends it again."""
    staff.post(f"/clinic/patients/{patient_id}/reopen", data={"revision": "1"})
    posts = with_changes(FUSION_PATIENT_POSTS, "goals", {"goals_text": goals})
    person.save("goals", posts["goals"], return_to="check")
    person.submit()


def changes_of(app, patient_id) -> tuple[int, dict | None]:
    """The id of revision 1, and what revision 2 keeps of its changes."""
    with app.app_context():
        rows = db.session.execute(
            select(QuestionnaireResponse.id, QuestionnaireResponse.changes)
            .where(QuestionnaireResponse.patient_id == patient_id)
            .order_by(QuestionnaireResponse.revision)
        ).all()
    return rows[0].id, rows[1].changes


def keep_changes(app, patient_id, changes: dict) -> None:
    with app.app_context():
        db.session.execute(
            update(QuestionnaireResponse)
            .where(
                QuestionnaireResponse.patient_id == patient_id, QuestionnaireResponse.revision == 2
            )
            .values(changes=changes)
        )
        db.session.commit()


def test_sending_an_amendment_keeps_what_changed(app, submitted_patient, person, staff):
    amend_goals(staff, person, submitted_patient, "Sleep through the night")
    first_id, changes = changes_of(app, submitted_patient)
    assert changes["key"] == f"scs_intake.v3.f{FORMAT}.p{first_id}"
    [goals] = changes["rows"]
    assert goals["link_id"] == "goals_text"
    assert list(goals["after"]) == ["Sleep through the night"]


def test_the_summary_and_its_pdf_show_the_kept_changes(app, submitted_patient, person, staff):
    amend_goals(staff, person, submitted_patient, "Sleep through the night")
    _, changes = changes_of(app, submitted_patient)
    changes["rows"][0]["question"] = "As kept: your goals"
    keep_changes(app, submitted_patient, changes)
    page = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    assert "As kept: your goals" in page
    pdf = staff.get(f"/clinic/patients/{submitted_patient}/summary.pdf").data
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "As kept: your goals" in text


def test_changes_kept_against_another_revision_are_built_again(
    app, submitted_patient, person, staff
):
    """After a merge or an accepted import another revision can come before: what was
    kept against the old one is not shown."""
    amend_goals(staff, person, submitted_patient, "Sleep through the night")
    first_id, changes = changes_of(app, submitted_patient)
    keep_changes(app, submitted_patient, {"key": f"scs_intake.v3.f{FORMAT}.p999", "rows": []})
    page = staff.get(f"/clinic/patients/{submitted_patient}").get_data(as_text=True)
    assert "No answers changed since revision 1" not in page
    assert "Sleep through the night" in page[page.index("Changed since revision 1") :]
    assert changes_of(app, submitted_patient) == (first_id, changes)


# PDFs kept by their HTML


def test_a_second_download_of_the_same_pdf_is_the_kept_one(app, clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    url = f"/clinic/patients/{patient_id}/summary.pdf"
    first = staff.get(url)
    assert first.status_code == 200
    assert kept_pdfs(app) == 1
    second = staff.get(url)
    assert second.data == first.data
    assert kept_pdfs(app) == 1
    # Every download is still a read of the record, audited.
    with app.app_context():
        from app.records.models import AuditEvent

        reads = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "summary.pdf")
        ).all()
        assert len(reads) == 2


def test_anything_the_pdf_shows_changing_makes_a_new_one(app, clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    url = f"/clinic/patients/{patient_id}/summary.pdf"
    staff.get(url)
    staff.post(f"/clinic/patients/{patient_id}/notes", data={"body": "Ask about the fall"})
    with_notes = staff.get(url + "?notes=1")
    assert "Ask about the fall" in " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(with_notes.data)).pages
    )
    assert kept_pdfs(app) == 2
    with app.app_context():
        db.session.get(Patient, patient_id).visit_date = None
        db.session.commit()
    staff.get(url)
    assert kept_pdfs(app) == 3


def test_the_day_s_briefs_are_kept_too(app, clinic, staff):
    clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    with app.app_context():
        day = db.session.scalar(select(Patient.visit_date))
    url = f"/clinic/briefs.pdf?day={day.isoformat()}"
    assert staff.get(url).data == staff.get(url).data
    assert kept_pdfs(app) == 1


def test_kept_pdfs_go_with_the_patient_at_erasure(app, clinic, staff):
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    staff.get(f"/clinic/patients/{patient_id}/summary.pdf")
    assert kept_pdfs(app) == 1
    admin = Person(app.test_client())
    admin.login(clinic.staff("admin"))
    admin.client.post(f"/admin/patients/{patient_id}/erase", data={"confirm_name": "Ravi Kumar"})
    with app.app_context():
        assert db.session.get(Patient, patient_id) is None
    assert kept_pdfs(app) == 0


def test_no_pdf_is_kept_when_the_clinic_says_so(app, clinic, staff):
    app.config["PDF_CACHE_HOURS"] = 0
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    assert staff.get(f"/clinic/patients/{patient_id}/summary.pdf").status_code == 200
    assert kept_pdfs(app) == 0


def test_past_ten_thousand_a_list_says_more_and_still_pages(app, clinic, staff, monkeypatch):
    from app.records import search

    monkeypatch.setattr(search, "COUNT_UP_TO", 3)
    for n in range(5):
        clinic.with_answers(f"Patient {n}", FUSION_PATIENT_STORED)
    with app.app_context():
        from app.web.clinic.services import worklist

        first = worklist(None, None, 1, 9)
        assert first.counted.total == 4  # counted up to the cap and one more
        assert first.counted.pages >= 2
        assert worklist(None, None, 7, 9).counted.page == 7  # past the count, pages go on
