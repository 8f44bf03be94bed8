"""The trial with temporary leads: recording it, the patient's diary through its link, and
the trial brief the specialist reads (page, PDF, FHIR, worklist)."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from pypdf import PdfReader
from sqlalchemy import select

from app.engine.interop.fhir_trial import PAIN_NRS
from app.platform.extensions import db
from app.records.merging import merge_patients
from app.records.models import AuditEvent, Message, Patient, Trial, TrialEntry, User
from app.records.patient_rights import erase_patient, export_patient_data
from tests.answers_data import FUSION_PATIENT_STORED
from tests.factories import DOB
from tests.records.test_clock import freeze_clinic_clock
from tests.web.test_clinic import pdf_text, verdict_in

START = date(2027, 1, 4)
IST = ZoneInfo("Asia/Kolkata")
# The trial's own verdict words, on top of the clinic's list.
TRIAL_VERDICTS = re.compile(
    r"\b(success|successful|unsuccessful|responder|non-responder|positive trial|"
    r"negative trial|good result|poor result|threshold met|worked)\b",
    re.IGNORECASE,
)
A_DAY = {
    "pain_average": "4",
    "pain_worst": "7",
    "relief_percent": "40",
    "tingling_coverage": "most",
    "activity_compared": "more",
    "activity_note": "Walked to the market",
    "sleep_hours": "6.5",
    "woken_by_pain": "1",
    "pain_medicine_compared": "less",
    "pain_medicine_note": "One tramadol fewer",
    "goal_progress": "somewhat",
}


def on(monkeypatch, day: date, hour: int = 12) -> None:
    """The clinic's clock reads ``hour``:00 on ``day``."""
    freeze_clinic_clock(monkeypatch, datetime.combine(day, time(hour), IST))


def day(n: int) -> date:
    return START + timedelta(days=n - 1)


@pytest.fixture
def trial_patient(clinic, monkeypatch):
    """A patient who sent the questionnaire (average pain 7), reached by SMS."""
    on(monkeypatch, START)
    return clinic.with_answers(
        "Ravi Kumar", FUSION_PATIENT_STORED, phone="+919845012345", channel="sms"
    )


def start_trial(staff, patient_id, **fields):
    data = {"start_date": START.isoformat(), "days": "7", **fields}
    return staff.post(f"/clinic/patients/{patient_id}/trial", data=data)


def diary_link(staff, patient_id) -> str:
    """The path of a fresh diary link, as the clinician's page shows it."""
    response = staff.post(f"/clinic/patients/{patient_id}/trial/link", follow_redirects=True)
    found = re.findall(r"https?://[^/\s]+(/diary/[A-Za-z0-9_-]+)", response.get_data(as_text=True))
    return found[-1]  # the newest, after any the page showed before


def open_diary(client, link, dob=DOB):
    return client.post(
        link, data={"dob_day": dob.day, "dob_month": dob.month, "dob_year": dob.year}
    )


@pytest.fixture
def diary(app, staff, trial_patient, client):
    """A recorded trial from START, and a browser that opened its link; the link's path."""
    assert start_trial(staff, trial_patient).status_code == 302
    link = diary_link(staff, trial_patient)
    assert open_diary(client, link).status_code == 302
    return link


def write(client, link, when: date, **changes):
    answers = {**A_DAY, **changes}
    return client.post(f"{link}/day/{when.isoformat()}", data=answers)


def entries(app) -> dict[date, TrialEntry]:
    with app.app_context():
        found = db.session.scalars(select(TrialEntry)).all()
        for entry in found:
            db.session.expunge(entry)
        return {e.day: e for e in found}


def test_recording_a_trial_takes_the_baseline_from_the_questionnaire_and_texts_the_link(
    app, staff, trial_patient
):
    form = staff.get(f"/clinic/patients/{trial_patient}/trial").get_data(as_text=True)
    assert "<b>7</b> of 10, from the questionnaire" in form
    response = start_trial(staff, trial_patient, note="Leads at T8-T10")
    assert response.status_code == 302
    with app.app_context():
        trial = db.session.scalar(select(Trial))
        assert (trial.start_date, trial.end_date, trial.days) == (START, day(7), 7)
        assert (trial.baseline, trial.baseline_source) == (7.0, "intake")
        message = db.session.scalar(select(Message))
        assert (message.template, message.channel, message.for_day) == ("diary", "sms", START)
    page = staff.get(f"/clinic/patients/{trial_patient}").get_data(as_text=True)
    assert "Trial with temporary leads, 04 Jan 2027 to 10 Jan 2027 (7 days)" in page
    assert "Leads at T8-T10" in page
    assert "Diary: 0 of 7 days entered, 0 missed." in page


def test_a_patient_without_an_average_pain_needs_a_baseline_typed(clinic, staff, monkeypatch):
    on(monkeypatch, START)
    patient_id = clinic.with_answers("Halfway", {"sex": "male"}, submitted=False)
    page = start_trial(staff, patient_id).get_data(as_text=True)
    assert "enter the average pain before the trial, from 0 to 10" in page
    assert start_trial(staff, patient_id, baseline="11").status_code == 200
    assert start_trial(staff, patient_id, baseline="5.5").status_code == 302


def test_the_diary_link_asks_the_date_of_birth_once_and_five_wrong_dates_stop_it(
    app, staff, trial_patient, client
):
    start_trial(staff, trial_patient)
    link = diary_link(staff, trial_patient)
    assert "Your date of birth" in client.get(link).get_data(as_text=True)
    assert client.get(f"{link}/days").headers["Location"].endswith(link)  # not opened yet
    wrong = DOB.replace(year=DOB.year + 1)
    page = open_diary(client, link, wrong).get_data(as_text=True)
    assert "does not match the clinic" in page
    assert open_diary(client, link).headers["Location"].endswith(f"/day/{START.isoformat()}")
    # Opened once: this browser goes straight to the day from now on.
    assert client.get(link).headers["Location"].endswith(f"/day/{START.isoformat()}")
    stranger = app.test_client()
    for _ in range(4):
        open_diary(stranger, link, wrong)
    stopped = open_diary(stranger, link, wrong)
    assert stopped.status_code == 410
    assert "This link has been stopped" in stopped.get_data(as_text=True)
    assert open_diary(app.test_client(), link).status_code == 410  # even the right date
    fresh = diary_link(staff, trial_patient)
    assert open_diary(app.test_client(), fresh).status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "trial.dob_mismatch" in actions
        assert "trial.diary_opened" in actions


def test_the_link_works_from_the_first_day_until_three_days_after_the_last(
    app, staff, trial_patient, client, monkeypatch
):
    on(monkeypatch, START - timedelta(days=2))
    start_trial(staff, trial_patient)
    link = diary_link(staff, trial_patient)
    early = client.get(link).get_data(as_text=True)
    assert "Your diary opens on the first day of your trial, 04 Jan 2027" in early
    on(monkeypatch, START)
    assert open_diary(client, link).status_code == 302
    on(monkeypatch, day(7) + timedelta(days=3))
    assert client.get(f"{link}/days").status_code == 200
    on(monkeypatch, day(7) + timedelta(days=4))
    closed = client.get(f"{link}/days")
    assert closed.status_code == 410
    assert "Your trial diary has closed" in closed.get_data(as_text=True)
    assert client.get("/diary/not-a-real-link").status_code == 404


def test_one_entry_a_day_changeable_that_day_only(app, client, diary, monkeypatch):
    assert write(client, diary, START).status_code == 302
    assert write(client, diary, START, pain_average="3").status_code == 302  # changed
    saved = entries(app)
    assert len(saved) == 1
    assert saved[START].answers["pain_average"] == 3
    assert saved[START].answers["sleep_hours"] == 6.5
    on(monkeypatch, day(2))
    days = client.get(f"{diary}/days").get_data(as_text=True)
    assert "Day 1, Monday 4 January:</span>\n    sent" in days
    assert f"{diary}/day/{START.isoformat()}" not in days  # no Change link any more
    refused = write(client, diary, START, pain_average="9")
    assert refused.status_code == 302
    assert entries(app)[START].answers["pain_average"] == 3


def test_yesterday_may_be_written_late_and_the_day_before_is_missed(
    app, client, diary, monkeypatch
):
    on(monkeypatch, day(3))
    page = client.get(f"{diary}/day/{day(2).isoformat()}").get_data(as_text=True)
    assert "yesterday’s page, filled in late" in page
    assert write(client, diary, day(2)).status_code == 302
    assert entries(app)[day(2)].late is True
    assert write(client, diary, day(1)).status_code == 302
    assert day(1) not in entries(app)  # never filled in afterwards
    days = client.get(f"{diary}/days").get_data(as_text=True)
    assert re.search(r"Day 1, Monday 4 January:</span>\s+missed", days)
    assert re.search(r"Day 2, Tuesday 5 January:</span>\s+sent \(late\)", days)


def test_a_missing_answer_is_named_beside_its_question_and_nothing_typed_is_lost(
    app, client, diary
):
    response = write(client, diary, START, pain_worst="", activity_note="Cooked lunch")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose your worst pain, from 0 to 10" in page
    assert "Cooked lunch" in page
    assert entries(app) == {}


def test_the_last_day_asks_about_the_whole_trial(app, client, diary, monkeypatch):
    on(monkeypatch, day(7))
    page = client.get(f"{diary}/day/{day(7).isoformat()}").get_data(as_text=True)
    assert "Since the trial began, how would you describe the change" in page
    missing = write(client, diary, day(7)).get_data(as_text=True)
    assert "Choose how much your pain has eased over the trial" in missing
    write(client, diary, day(7), relief_percent_overall="50", pgic="much_improved")
    assert entries(app)[day(7)].answers["relief_percent_overall"] == 50


def test_the_goal_is_quoted_from_the_questionnaire(client, diary):
    page = client.get(f"{diary}/day/{START.isoformat()}").get_data(as_text=True)
    assert "Your goal was: “Walk to the temple and play with my grandchildren”" in page


def fill_the_week(client, link, monkeypatch, skip=(3,)):
    """Days 1-7 written on their day, except ``skip``, with the average pain falling."""
    for n in range(1, 8):
        if n in skip:
            continue
        on(monkeypatch, day(n))
        extra = {"relief_percent_overall": "50", "pgic": "much_improved"} if n == 7 else {}
        assert write(client, link, day(n), pain_average=str(7 - n // 2), **extra).status_code == 302
    on(monkeypatch, day(8))


def test_the_trial_brief_shows_both_relief_figures_with_their_numbers(
    app, staff, trial_patient, client, diary, monkeypatch
):
    fill_the_week(client, diary, monkeypatch)
    page = staff.get(f"/clinic/patients/{trial_patient}").get_data(as_text=True)
    # Averages 7, 6, (missed), 5, 5, 4, 4: a mean of 5.2 against the baseline of 7.
    assert "(before the trial 7 − mean daily average 5.2) ÷ 7 × 100, over 6 days." in page
    assert '<p class="relief-figure">26.2%</p>' in page
    assert '<p class="relief-figure">40%</p>' in page  # the mean of the daily answers
    assert "Over the whole trial (asked on the last day): <b>50%</b>" in page
    assert "Diary: 6 of 7 days entered, 1 missed." in page
    assert "Much improved" in page
    assert "Day 2: One tramadol fewer" in page


def test_the_chart_is_an_image_with_a_title_and_a_table_of_the_same_numbers(
    staff, trial_patient, client, diary, monkeypatch
):
    fill_the_week(client, diary, monkeypatch)
    page = staff.get(f"/clinic/patients/{trial_patient}").get_data(as_text=True)
    svg = re.search(r"<svg class=\"trial-chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    # Two runs of the average line: the missed day 3 breaks it.
    assert svg.count('class="average"') == 2
    assert svg.count("average-mark") == 6
    rows = re.findall(
        r"<tr><th scope=\"row\">(\d)</th><td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>",
        page,
    )
    assert rows[:3] == [("1", "7", "7"), ("2", "6", "7"), ("3", "—", "—")]


def test_no_trial_page_pdf_or_diary_page_gives_a_verdict(
    app, staff, trial_patient, client, diary, monkeypatch
):
    fill_the_week(client, diary, monkeypatch, skip=())
    patient_page = staff.get(f"/clinic/patients/{trial_patient}").get_data(as_text=True)
    pdf = staff.get(f"/clinic/patients/{trial_patient}/trial.pdf").data
    trial_section = re.search(r'<section class="trial-brief".*?</section>', patient_page, re.S)
    texts = [
        patient_page,
        staff.get("/clinic/?trial=1").get_data(as_text=True),
        staff.get(f"/clinic/patients/{trial_patient}/trial").get_data(as_text=True),
        client.get(f"{diary}/days").get_data(as_text=True),
        pdf_text(pdf),
    ]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # the trial brief is one PDF page
    assert "Relief, two ways" in texts[-1]
    assert [verdict_in(text) for text in texts] == [None] * len(texts)
    # The intake's brief quotes what the patient would call a success; the trial's own
    # pages use no such word (in their words, not the class names of the markup).
    for text in (trial_section.group(0), *texts[1:]):
        assert verdict_in(re.sub(r"<[^>]+>", " ", text), TRIAL_VERDICTS) is None


def test_the_trial_as_fhir_is_a_valid_bundle_with_pain_observations(
    app, staff, trial_patient, client, diary, monkeypatch
):
    fill_the_week(client, diary, monkeypatch)
    response = staff.get(f"/fhir/patients/{trial_patient}/trial-bundle.json")
    assert response.status_code == 200
    bundle = json.loads(response.data)
    Bundle.model_validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("QuestionnaireResponse") == 6
    assert kinds.count("Observation") == 12
    responses = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert responses[0]["questionnaire"] == "urn:scs-intake:questionnaire:scs_trial_diary|1"
    first = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    )
    assert first["code"]["coding"][0]["code"] == PAIN_NRS == "72514-3"
    assert first["effectiveDateTime"] == START.isoformat()
    assert first["valueInteger"] == 7
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.fhir_trial"))


def test_the_diary_is_a_fhir_questionnaire_with_its_step(staff):
    found = staff.get("/fhir/Questionnaire/scs-trial-diary").get_json(force=True)
    FhirQuestionnaire.model_validate(found)
    relief = next(i for s in found["item"] for i in s["item"] if i["linkId"] == "relief_percent")
    steps = [e for e in relief["extension"] if e["url"].endswith("sliderStepValue")]
    assert steps == [{"url": steps[0]["url"], "valueInteger": 10}]


def test_a_diary_response_is_not_imported_as_a_questionnaire(
    app, staff, trial_patient, client, diary, monkeypatch, importer
):
    fill_the_week(client, diary, monkeypatch)
    bundle = staff.get(f"/fhir/patients/{trial_patient}/trial-bundle.json").get_json(force=True)
    day_one = next(
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    sent = client.post("/fhir/QuestionnaireResponse", json=day_one, headers=importer)
    assert sent.status_code == 422
    assert "no questionnaire definition" in sent.get_data(as_text=True)


def test_the_worklist_filters_and_shows_patients_in_a_trial(
    clinic, staff, trial_patient, client, diary, monkeypatch
):
    other = clinic.with_answers("Sunita Devi", FUSION_PATIENT_STORED)
    on(monkeypatch, day(3))
    write(client, diary, day(3))
    page = staff.get("/clinic/?who=all&trial=1").get_data(as_text=True)
    assert "Ravi Kumar" in page
    assert "Sunita Devi" not in page
    assert "Day 3 of 7, 1 missed" in page  # day 1 not written by day 3; day 2 still open
    assert "Sunita Devi" in staff.get("/clinic/?who=all").get_data(as_text=True)
    assert other


def test_the_daily_run_texts_the_diary_link_to_each_patient_yet_to_write(
    app, runner, staff, trial_patient, client, diary, monkeypatch
):
    on(monkeypatch, day(2))
    result = runner.invoke(args=["reminders", "send", "--on", day(2).isoformat()])
    assert "1 diary messages queued" in result.output
    again = runner.invoke(args=["reminders", "send", "--on", day(2).isoformat()])
    assert "0 diary messages queued" in again.output
    write(client, diary, day(2))
    on(monkeypatch, day(3))
    assert (
        "1 diary messages"
        in runner.invoke(args=["reminders", "send", "--on", day(3).isoformat()]).output
    )
    with app.app_context():
        from app.records.messages import outgoing

        message = db.session.scalar(select(Message).where(Message.for_day == day(3)))
        sent = outgoing(message)
    assert sent.link.endswith(diary)  # the same link every day
    assert "trial diary" in sent.text


def test_flask_trial_start_prints_the_diary_link(app, runner, clinic, monkeypatch):
    on(monkeypatch, START)
    patient_id = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    reference = clinic.patient(patient_id).ref[:8].upper()
    result = runner.invoke(
        args=["trial", "start", "--patient", f"{reference[:4]}-{reference[4:]}",
              "--start", START.isoformat(), "--baseline", "6"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Trial recorded: 2027-01-04 to 2027-01-10, baseline 6" in result.output
    link = re.search(r"/diary/\S+", result.output).group(0)
    assert open_diary(app.test_client(), link).status_code == 302
    unknown = runner.invoke(
        args=["trial", "start", "--patient", "0000-0000", "--start", "2027-01-04"]
    )
    assert unknown.exit_code != 0
    assert "no patient" in unknown.output


def test_the_front_desk_cannot_read_the_trial(desk, staff, trial_patient):
    start_trial(staff, trial_patient)
    for url in (
        f"/clinic/patients/{trial_patient}/trial",
        f"/clinic/patients/{trial_patient}/trial.pdf",
        f"/fhir/patients/{trial_patient}/trial-bundle.json",
    ):
        assert desk.get(url).status_code in (403, 401)


def test_erasure_removes_the_diary_and_a_merge_keeps_it(
    app, admin, staff, trial_patient, client, diary
):
    from app.records.models import Patient

    write(client, diary, START)
    with app.app_context():
        patient = db.session.get(Patient, trial_patient)
        assert export_patient_data(patient)["trial_diary"][0]["answers"]["pain_average"] == 4
        admin_user = db.session.scalar(select(User).where(User.role == "admin"))
        erase_patient(patient, admin_user)
        assert db.session.scalars(select(Trial)).all() == []
        assert db.session.scalars(select(TrialEntry)).all() == []


def test_a_hindi_patient_writes_the_diary_in_hindi_and_staff_read_it_in_english(
    app, staff, trial_patient, client
):
    with app.app_context():
        db.session.get(Patient, trial_patient).language = "hi"
        db.session.commit()
    start_trial(staff, trial_patient)
    link = diary_link(staff, trial_patient)
    # The link's first page, before the date of birth, is in Hindi already, whatever
    # language the phone asks for.
    first = client.get(link, headers={"Accept-Language": "en-IN,en;q=0.9"})
    assert '<html lang="hi">' in first.get_data(as_text=True)
    assert "Your trial diary" not in first.get_data(as_text=True)
    page = client.get(open_diary(client, link).headers["Location"]).get_data(as_text=True)
    assert "पिछले 24 घंटों में, आपका दर्द औसतन कितना रहा?" in page
    assert "आपका लक्ष्य था: “Walk to the temple" in page
    write(client, link, START)
    assert entries(app)[START].language == "hi"
    brief = staff.get(f"/clinic/patients/{trial_patient}").get_data(as_text=True)
    assert "Towards my goal (goal: “Walk to the temple" in brief


def test_a_merge_moves_the_trial_to_the_record_kept(app, clinic, staff, trial_patient):
    start_trial(staff, trial_patient)
    kept = clinic.with_answers("Ravi Kumar", FUSION_PATIENT_STORED)
    with app.app_context():
        admin_user = db.session.scalar(select(User).where(User.role == "clinician"))
        merge_patients(
            db.session.get(Patient, kept), db.session.get(Patient, trial_patient), admin_user
        )
        assert db.session.scalar(select(Trial.patient_id)) == kept
