"""Benchmark SCS Intake at clinic scale; prints a table and writes bench/results.json.

    make bench                      10,000 patients, 8,000 submitted (SQLite by default)
    make bench BENCH_SMALL=1        200 patients, fewer requests: a smoke run
    make bench BENCH_PATIENTS=100000 another size
    make bench BENCH_PATIENTS=1000000 BENCH_REVISIONS=3 BENCH_DATABASE_URL=postgresql+psycopg://…
    BENCH_DATABASE_URL=postgresql+psycopg://... make bench

In-process numbers come from the Flask test client after warm-up; HTTP numbers from wrk
against gunicorn (2 workers) on 127.0.0.1, side by side with a bare Flask app under the
same settings. The database is created afresh for each run.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import case, event, insert, literal, select  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from app import create_app  # noqa: E402
from app.engine.questionnaire.scoring import score_all  # noqa: E402
from app.platform.extensions import db  # noqa: E402
from app.platform.passwords import hash_password  # noqa: E402
from app.platform.security import new_token  # noqa: E402
from app.records import questionnaires  # noqa: E402
from app.records.models import (  # noqa: E402
    Consent,
    Message,
    Patient,
    QuestionnaireResponse,
    User,
)
from tests.answers_data import (  # noqa: E402
    CRPS_PATIENT_STORED,
    DIABETIC_PATIENT_STORED,
    FUSION_PATIENT_POSTS,
    FUSION_PATIENT_STORED,
    with_changes,
)

SMALL = os.environ.get("BENCH_SMALL") == "1"
# BENCH_PATIENTS sets the size (four in five have sent their answers).
PATIENTS = int(os.environ.get("BENCH_PATIENTS") or (200 if SMALL else 10_000))
SUBMITTED = PATIENTS * 4 // 5
# BENCH_REVISIONS: revisions of each submitted patient (amendments), the newest shown.
REVISIONS = int(os.environ.get("BENCH_REVISIONS") or 1)
BATCH = 20_000
REQUESTS = 20 if SMALL else 200
PDF_REQUESTS = 3 if SMALL else REQUESTS  # about a minute and a half at 0.4 s a PDF
DAY_BRIEFS = 20  # patients with a visit on the one clinic day whose briefs are printed
DAY_REQUESTS = 1 if SMALL else 10
WRK_SECONDS = 2 if SMALL else 10
STAFF = ("bench-doctor@clinic.example", "bench-doctor-password")
DESK = ("bench-desk@clinic.example", "bench-desk-password")
PATIENT = ("bench-patient@example.org", "bench-patient-password")
USER_AGENT = "scs-bench"
PAIN_SCORES = "/intake/section/pain/5"  # the page with the three pain scores
# Pages against the logged-in floor measured in the same run (healthz with a session:
# the cookie read and the user loaded, as on every page), not against bare Flask.
FLOOR = "healthz, logged in"
TARGETS = {"section": 0.4, "summary": 0.5, "worklist": 0.5}
FLOORS = {"healthz": "(the app's floor)", "healthz, logged in": "(floor for any page)"}


def seed(app) -> dict[str, int]:
    """Bulk-insert patients and responses; returns the ids the measurements use."""
    sets = [FUSION_PATIENT_STORED, CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED]
    rng = random.Random(7)
    now = datetime.now(UTC)
    with app.app_context():
        definition = questionnaires.current()
        sections = [s.id for s in definition.sections]
        db.drop_all()
        db.create_all()

        def state(n):
            if n < SUBMITTED:
                return "submitted"
            return "invited" if n % 2 else "in_progress"

        # What Patient.track keeps for the worklist, as a running clinic has it.
        totals = [
            {
                i: sc.total
                for i, sc in score_all(definition, answers).items()
                if sc.total is not None
            }
            for answers in sets
        ]

        def tracked(n):
            if state(n) == "invited":
                return {
                    "worklist_revision": None,
                    "worklist_submitted_at": None,
                    "worklist_done": 0,
                    "worklist_scores": None,
                }
            submitted = n < SUBMITTED
            return {
                "worklist_revision": REVISIONS if submitted else 1,
                "worklist_submitted_at": now if submitted else None,
                "worklist_done": len(sections) if submitted else 2,
                "worklist_scores": totals[n % 3] if submitted else {},
            }

        staff, desk, person, *other_doctors = seed_users()
        doctors = [staff.id, *(doctor.id for doctor in other_doctors), None]
        patients = [
            {
                "ref": f"{n:016x}",
                **tracked(n),
                "worklist_status": state(n),
                "is_urgent": n < SUBMITTED and n % 3 == 1,
                "name": person_name(rng),
                "date_of_birth": date(1940 + n % 50, 1 + n % 12, 1 + n % 28),
                "email": None,
                "phone": mobile(n),
                "hospital_number": hospital_number(n),
                "clinician_id": doctors[n % len(doctors)],
                "visit_date": visit_day(n),
                "created_at": now,
            }
            for n in range(PATIENTS)
        ]
        for start in range(0, PATIENTS, BATCH):
            db.session.execute(insert(Patient), patients[start : start + BATCH])
            db.session.commit()
        seed_messages()

        def responses_of(n):
            submitted = n < SUBMITTED
            if not submitted and n % 2:
                return  # invited only
            answers = sets[n % 3] if submitted else {"sex": "female"}
            # A submitted patient's earlier revisions (amendments) come first.
            for revision in range(1, (REVISIONS if submitted else 1) + 1):
                yield {
                    "patient_id": n + 1,
                    "questionnaire_id": definition.id,
                    "questionnaire_version": definition.version,
                    "revision": revision,
                    "status": "submitted" if submitted else "draft",
                    "answers": answers,
                    "pending": {},
                    "sections_done": sections if submitted else sections[:2],
                    "alerts_shown": {},
                    "is_urgent": submitted and n % 3 == 1,
                    "lock_version": 1,
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": now if submitted else None,
                }

        if db.engine.dialect.name == "postgresql":
            copy_responses(responses_of)
        else:
            # In batches, so a large run's rows never sit in memory at once.
            for start in range(0, PATIENTS, BATCH):
                rows = [
                    r for n in range(start, min(start + BATCH, PATIENTS)) for r in responses_of(n)
                ]
                db.session.execute(insert(QuestionnaireResponse), rows)
                db.session.commit()
        bench_patient = Patient(
            name="Bench Patient",
            date_of_birth=date(1960, 1, 1),
            email=PATIENT[0],
            user_id=person.id,
        )
        db.session.add(bench_patient)
        db.session.flush()
        db.session.add(
            Consent(patient_id=bench_patient.id, user_id=person.id, text_version="bench")
        )
        db.session.add(
            QuestionnaireResponse(
                patient_id=bench_patient.id,
                questionnaire_id=definition.id,
                questionnaire_version=definition.version,
                revision=1,
                status="draft",
                answers={k: v for k, v in FUSION_PATIENT_STORED.items()},
                pending={},
                sections_done=sections,
                alerts_shown={},
            )
        )
        db.session.commit()
        # A running database has planner statistics and tidy indexes (PostgreSQL's
        # autovacuum sees to both); a bulk-loaded one has neither until it is vacuumed.
        vacuum = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(vacuum)
        return {
            "summary_patient": 1,
            "middle_page": max(1, PATIENTS // 50 // 2),
            "at_the_counter": PATIENTS // 3,  # the one the front desk looks up
        }


def seed_users() -> list[User]:
    """The doctor, the front desk and the patient whose sessions the pages are asked with,
    then two more specialists: the bench doctor's own patients are a quarter of the clinic."""
    others = [((f"doctor-{n}@clinic.example", new_token()[0]), f"Doctor {n}") for n in (2, 3)]
    users = [
        User(
            email=email,
            name=name,
            role=role,
            password_hash=hash_password(password),
            session_token=new_token()[1],
        )
        for (email, password), name, role in (
            (STAFF, "Bench Doctor", "clinician"),
            (DESK, "Bench Front Desk", "frontdesk"),
            (PATIENT, "Bench Patient", "patient"),
            *((login, name, "clinician") for login, name in others),
        )
    ]
    db.session.add_all(users)
    db.session.commit()
    return users


# People as an Indian clinic's list has them: names repeat, and a few words are in a large
# share of them (Kumar, Devi, Singh), which is what makes a name search broad.
# fmt: off
WOMEN = (
    "Sunita", "Anita", "Geeta", "Kavita", "Rekha", "Meena", "Pooja", "Priya", "Lakshmi",
    "Asha", "Usha", "Savita", "Suman", "Neha", "Anjali", "Radha", "Kamla", "Shanti",
    "Nirmala", "Sarita", "Manju", "Renu", "Seema", "Jyoti", "Poonam", "Aarti", "Deepa",
    "Shobha", "Padma", "Saroj", "Fatima", "Zainab", "Gurpreet", "Mary",
)
MEN = (
    "Ramesh", "Suresh", "Rajesh", "Mahesh", "Mukesh", "Anil", "Sunil", "Rakesh", "Vijay",
    "Sanjay", "Ajay", "Manoj", "Ashok", "Rajendra", "Santosh", "Dinesh", "Prakash", "Ravi",
    "Mohan", "Shyam", "Gopal", "Krishna", "Venkatesh", "Srinivas", "Arun", "Deepak",
    "Naveen", "Harish", "Satish", "Imran", "Salim", "Harjeet", "Joseph",
)
SURNAMES = {  # surname: weight, roughly as common as each is
    "Kumar": 10, "Singh": 9, "Devi": 7, "Sharma": 6, "Yadav": 4, "Khan": 4, "Gupta": 3,
    "Verma": 3, "Das": 3, "Mishra": 3, "Pandey": 3, "Reddy": 3, "Rao": 3, "Kaur": 3,
    "Patel": 3, "Shaikh": 2, "Ansari": 2, "Nair": 2, "Jain": 2, "Tiwari": 2, "Joshi": 2,
    "Agarwal": 2, "Chaudhary": 2, "Thakur": 2, "Prasad": 2, "Chauhan": 2, "Iyer": 1,
    "Menon": 1, "Pillai": 1, "Naidu": 1, "Mehta": 1, "Bhatt": 1, "Saxena": 1, "Ghosh": 1,
    "Banerjee": 1, "Mukherjee": 1, "Gill": 1, "Sandhu": 1, "D'Souza": 1, "Fernandes": 1,
}
# fmt: on
SURNAME_CHOICES = tuple(SURNAMES)
SURNAME_WEIGHTS = tuple(itertools.accumulate(SURNAMES.values()))
AS_A_MAN = {"Devi": "Kumar", "Kaur": "Singh"}  # women's surnames, and a man's in their place
MIDDLE_NAMES = {"woman": ("Rani", "Bai"), "man": ("Kumar", "Lal", "Prasad", "Chand")}


def person_name(rng: random.Random) -> str:
    """A given name, one in five with a middle name, and a surname drawn by how common."""
    sex = rng.choice(("woman", "man"))
    given = rng.choice(WOMEN if sex == "woman" else MEN)
    middle = [rng.choice(MIDDLE_NAMES[sex])] if rng.random() < 0.2 else []
    surname = rng.choices(SURNAME_CHOICES, cum_weights=SURNAME_WEIGHTS)[0]
    if sex == "man":
        surname = AS_A_MAN.get(surname, surname)
    return " ".join([given, *middle, surname])


def mobile(n: int) -> str:
    """Patient ``n``'s own Indian mobile number, stored as E.164 as the app stores it."""
    return f"+91{6 + n % 4}{(n * 7919 + 104729) % 10**9:09d}"


def spoken_mobile(n: int) -> str:
    """Patient ``n``'s mobile as staff type it when the patient reads it out: "98450 12345"."""
    digits = mobile(n).removeprefix("+91")
    return f"{digits[:5]}%20{digits[5:]}"


def hospital_number(n: int) -> str:
    """Patient ``n``'s hospital number (UHID), in the form "BLR/2026/0000417"."""
    return f"BLR/{2020 + n % 7}/{n:07d}"


def seed_messages() -> None:
    """Every patient's invitation (one in ten failed), and a reminder to those who have
    not sent their answers: the worklist reads each row's newest invitation."""
    for template, state, only_unsent in (
        ("invitation", case((Patient.id % 10 == 0, "failed"), else_="sent"), False),
        ("reminder", literal("sent"), True),
    ):
        rows = select(
            Patient.id,
            literal(template),
            literal("sms"),
            Patient.phone,
            state,
            literal(1),
            Patient.created_at,
            Patient.created_at,
        )
        if only_unsent:
            rows = rows.where(Patient.worklist_status != "submitted")
        columns = ["patient_id", "template", "channel", "to", "state", "attempts"]
        db.session.execute(insert(Message).from_select([*columns, "created_at", "sent_at"], rows))
        db.session.commit()


COPIED = (
    "patient_id",
    "questionnaire_id",
    "questionnaire_version",
    "revision",
    "status",
    "answers",
    "pending",
    "sections_done",
    "alerts_shown",
    "is_urgent",
    "lock_version",
    "created_at",
    "updated_at",
    "submitted_at",
)


def copy_responses(responses_of) -> None:
    """Every response through PostgreSQL's COPY: a million patients' revisions in minutes,
    where inserting them row by row took most of an hour."""
    as_json = json.dumps
    db.session.commit()
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            columns = ", ".join(COPIED)
            with cursor.copy(f"COPY questionnaire_responses ({columns}) FROM STDIN") as copy:
                for n in range(PATIENTS):
                    for row in responses_of(n):
                        copy.write_row(
                            [as_json(row[c]) if c in JSON_COLUMNS else row[c] for c in COPIED]
                        )
        raw.commit()
    finally:
        raw.close()


JSON_COLUMNS = {"answers", "pending", "sections_done", "alerts_shown"}


def visit_day(n: int) -> date:
    """Visits spread over four months, and one later clinic day with ``DAY_BRIEFS`` patients."""
    if n < DAY_BRIEFS:
        return BRIEF_DAY
    return date.today() + timedelta(days=n % 120)


BRIEF_DAY = date.today() + timedelta(days=150)


def login(client, email, password):
    response = client.post(
        "/auth/login",
        data={"identifier": email, "password": password},
        headers={"User-Agent": USER_AGENT},
    )
    assert response.status_code == 302, response.status_code


def pain_saves() -> list[MultiDict]:
    """Two saves of the pain scores page that differ in one score: posted in turn, each
    writes."""
    scores = ("pain_now", "pain_worst", "pain_least")
    return [
        MultiDict(
            [
                (k, v)
                for k, v in with_changes(FUSION_PATIENT_POSTS, "pain", {"pain_now": score})["pain"]
                if k in scores
            ]
        )
        for score in ("6", "7")
    ]


def send(client, method, url, forms, n) -> None:
    """Request ``n`` of a run, posting ``forms`` in turn; an error page stops the run."""
    response = client.open(
        url, method=method, data=forms[n % len(forms)], headers={"User-Agent": USER_AGENT}
    )
    body = response.data
    response.close()
    assert response.status_code in (200, 302), (url, response.status_code, body[:200])


def measure(app, client, method, url, count, data=None, warm_up=None):
    """Median and p95 in milliseconds, and SQL statements per request.

    ``data`` may be a list of forms, posted in turn (a save that changes something).
    """
    statements = []
    with app.app_context():
        engine = db.engine

    def count_statement(*args):
        statements.append(1)

    forms = data if isinstance(data, list) else [data]
    warm_up = max(3, count // 10) if warm_up is None else warm_up
    for n in range(warm_up):
        send(client, method, url, forms, n)
    event.listen(engine, "before_cursor_execute", count_statement)
    timings = []
    for n in range(warm_up, warm_up + count):
        started = time.perf_counter()
        send(client, method, url, forms, n)
        timings.append((time.perf_counter() - started) * 1000)
    event.remove(engine, "before_cursor_execute", count_statement)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "queries": round(len(statements) / count, 2),
        "requests": count,
    }


# The worklist of every patient, not only the doctor's own.
ALL = "/clinic/?who=all"


def next_page_link(client, page: int) -> str:
    """The "Next page" link of page ``page`` of every patient's worklist."""
    response = client.get(f"{ALL}&page={page}", headers={"User-Agent": USER_AGENT})
    found = re.search(r'<a href="([^"]+)">Next page</a>', response.get_data(as_text=True))
    return html.unescape(found.group(1))


def in_process(app, ids) -> dict[str, dict]:
    staff = app.test_client()
    login(staff, *STAFF)
    patient = app.test_client()
    login(patient, *PATIENT)
    desk = app.test_client()
    login(desk, *DESK)
    pid = ids["summary_patient"]
    results = {
        # Every page's floor, in the same pass: how fast the machine is running just now.
        FLOOR: measure(app, patient, "GET", "/healthz", REQUESTS),
        "section GET": measure(app, patient, "GET", PAIN_SCORES, REQUESTS),
        "section POST (save)": measure(
            app, patient, "POST", PAIN_SCORES, REQUESTS, data=pain_saves()
        ),
        "check answers": measure(app, patient, "GET", "/intake/check", REQUESTS),
        # The doctor's list as it opens: their own patients, a quarter of the clinic.
        "worklist page 1": measure(app, staff, "GET", "/clinic/", REQUESTS),
        "worklist page 1, all patients": measure(app, staff, "GET", ALL, REQUESTS),
        "worklist middle page": measure(
            app, staff, "GET", f"{ALL}&page={ids['middle_page']}", REQUESTS
        ),
        # The same page reached as staff reach it, by "Next page" from the one before:
        # the rows after that page's last, one range of the index however deep.
        "worklist middle page, by Next": measure(
            app, staff, "GET", next_page_link(staff, ids["middle_page"] - 1), REQUESTS
        ),
        # A surname in one name in seven is the broad search; a given name and surname the
        # usual one, and the same with a common surname, whose matches a trigram index
        # must intersect with the given name's.
        "worklist filtered, broad": measure(
            app, staff, "GET", f"{ALL}&status=submitted&q=Kumar", REQUESTS
        ),
        "worklist filtered, one name": measure(
            app, staff, "GET", f"{ALL}&status=submitted&q=Lakshmi%20Iyer", REQUESTS
        ),
        "worklist filtered, common name": measure(
            app, staff, "GET", f"{ALL}&status=submitted&q=Sunita%20Devi", REQUESTS
        ),
        # A given name alone, as staff often type it: one name in seventy, past the count.
        "worklist, a given name": measure(app, staff, "GET", f"{ALL}&q=Sunita", REQUESTS),
        # The front desk's list: by visit date, urgent or not; a patient found by the
        # mobile number they give at the counter, or the hospital number on their card.
        "front desk list": measure(app, desk, "GET", "/desk/", REQUESTS),
        "front desk, a mobile number": measure(
            app, desk, "GET", f"/desk/?q={spoken_mobile(ids['at_the_counter'])}", REQUESTS
        ),
        "front desk, hospital number": measure(
            app, desk, "GET", f"/desk/?q={hospital_number(ids['at_the_counter'])}", REQUESTS
        ),
        # Past a thousand matches at a million patients: read twice, for the count and
        # along the order (app.records.search.ordered_matches).
        "front desk, common name": measure(app, desk, "GET", "/desk/?q=Sunita%20Devi", REQUESTS),
        "summary": measure(app, staff, "GET", f"/clinic/patients/{pid}", REQUESTS),
        "FHIR QuestionnaireResponse": measure(
            app, staff, "GET", f"/fhir/patients/{pid}/questionnaire-response.json", REQUESTS
        ),
        # A second download of the same PDF is a read of the kept one (app.records.pdf_cache).
        "PDF, kept": measure(app, staff, "GET", f"/clinic/patients/{pid}/summary.pdf", REQUESTS),
    }
    # Made each time, as the first download of a new revision is: nothing kept.
    app.config["PDF_CACHE_HOURS"] = 0
    results["PDF"] = measure(app, staff, "GET", f"/clinic/patients/{pid}/summary.pdf", PDF_REQUESTS)
    results[f"day's briefs PDF ({DAY_BRIEFS} patients)"] = measure(
        app,
        staff,
        "GET",
        f"/clinic/briefs.pdf?day={BRIEF_DAY.isoformat()}",
        DAY_REQUESTS,
        warm_up=1,
    )
    app.config["PDF_CACHE_HOURS"] = 24
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(target: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # The app logs a line per request: a file, not a pipe nobody reads, takes them.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - open as long as gunicorn runs
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            url = base + "/healthz" if "wsgi" in target else base
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - our own local server
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    log.seek(0)
    raise RuntimeError(f"gunicorn did not start: {log.read().decode()[-500:]}")


def http_login(base, email, password) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/auth/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"identifier": email, "password": password, "csrf_token": token}
    ).encode()
    opener.open(base + "/auth/login", data=body, timeout=10)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def wrk(url: str, cookie: str | None = None) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{WRK_SECONDS}s", "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=WRK_SECONDS + 30
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} failed responses under load")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def worker_rss_mb(master: subprocess.Popen) -> float:
    """Peak resident memory (VmHWM) of the largest gunicorn worker."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"PPid:\t{master.pid}\n" in text:
            peaks.append(int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024)
    return round(max(peaks), 1) if peaks else 0.0


def over_http(db_url: str, ids) -> dict | None:
    if not shutil.which("wrk"):
        print("wrk not found (apt-get install wrk): HTTP measurements skipped")
        return None
    env = {
        **os.environ,
        "APP_ENV": "production",
        "SECRET_KEY": "b" * 40,
        "DATABASE_URL": db_url,
        "SESSION_COOKIE_SECURE": "false",
        "LOGIN_LIMIT": "1000 per minute",
        "CLINIC_PHONE": "+91 80 4000 1234",
    }
    hello, hello_base = start_gunicorn("bench.hello:app", env)
    try:
        hello_rps = wrk(hello_base + "/")
    finally:
        hello.send_signal(signal.SIGTERM)
        hello.wait(timeout=10)
    app_process, base = start_gunicorn("wsgi:app", env)
    try:
        staff = http_login(base, *STAFF)
        patient = http_login(base, *PATIENT)
        rps = {
            # Reads no session, database or template: the app's own per-request floor
            # (security headers, rate limiter, login hooks), measured beside the pages.
            "healthz": wrk(base + "/healthz"),
            # The same with a patient's session: the signed cookie is read and the user
            # loaded to check the session, as on every page; the floor for any page.
            "healthz, logged in": wrk(base + "/healthz", patient),
            "section": wrk(base + PAIN_SCORES, patient),
            "summary": wrk(base + f"/clinic/patients/{ids['summary_patient']}", staff),
            "worklist": wrk(base + "/clinic/", staff),
        }
        rss = worker_rss_mb(app_process)
    finally:
        app_process.send_signal(signal.SIGTERM)
        app_process.wait(timeout=10)
    return {
        "hello_rps": hello_rps,
        "pages": {
            name: {
                "rps": value,
                "ratio": round(value / hello_rps, 3),
                "of_floor": round(value / rps[FLOOR], 3),
                "target_of_floor": TARGETS.get(name),
            }
            for name, value in rps.items()
        },
        "worker_peak_rss_mb": rss,
    }


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="scs-bench-"))
    db_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.db'}"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=db_url, LOG_LEVEL="WARNING")
    started = time.perf_counter()
    ids = seed(app)
    seeded = time.perf_counter() - started
    print(
        f"Seeded {PATIENTS:,} patients ({SUBMITTED:,} submitted, {REVISIONS} revisions each) "
        f"in {seeded:.1f} s "
        f"on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}"
    )
    pages = in_process(app, ids)
    print(f"\n{'in-process':32} {'median ms':>10} {'p95 ms':>8} {'SQL/req':>8}")
    for name, row in pages.items():
        print(f"{name:32} {row['median_ms']:>10} {row['p95_ms']:>8} {row['queries']:>8}")
    http = over_http(db_url, ids)
    if http:
        print(
            f"\ngunicorn, 2 workers, wrk -t2 -c8 {WRK_SECONDS}s   bare Flask: "
            f"{http['hello_rps']:.0f} req/s"
        )
        for name, row in http["pages"].items():
            target = row["target_of_floor"]
            goal = f"(target {target}×)" if target else FLOORS.get(name, "")
            print(
                f"{name:32} {row['rps']:>8.0f} req/s  {row['ratio']:.3f}× bare Flask  "
                f"{row['of_floor']:.2f}× the floor {goal}"
            )
        print(f"worker peak RSS                  {http['worker_peak_rss_mb']} MB")
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "database": app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
        "patients": PATIENTS,
        "submitted": SUBMITTED,
        "revisions_per_submitted": REVISIONS,
        "small": SMALL,
        "in_process": pages,
        "http": http,
    }
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2))
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
