"""EXPLAIN (ANALYZE, BUFFERS) of every statement a worklist page runs, on the database a
bench left behind (PostgreSQL), for docs/performance.md.

    BENCH_DATABASE_URL=postgresql+psycopg://… python bench/explain.py [URL ...]

The statements are the app's own, caught as a staff member's request runs them; each is
then explained with its parameters. Default URLs: page 1 of the doctor's own patients
and of everyone's, a middle page by its number and by "Next page" from the page before
it ("next:N" is page N's Next link), a status filter, two name searches and a hospital
number (that of the patient a million-patient bench has the front desk look up).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from app import create_app  # noqa: E402
from app.platform.extensions import db  # noqa: E402
from bench.run import STAFF, USER_AGENT, login, next_page_link  # noqa: E402

URLS = [
    "/clinic/",  # the doctor's own patients
    "/clinic/?who=all",
    "/clinic/?who=all&page=5000",
    "next:4999",
    "/clinic/?who=all&status=in_progress",
    "/clinic/?who=all&q=Kumar",  # a surname in one name in seven
    "/clinic/?who=all&q=Sunita%20Devi",  # a common name
    "/clinic/?who=all&q=BLR/2020/0333333",  # a hospital number
]


def statements(app, client, url) -> list[tuple[str, object]]:
    caught = []

    def before(conn, cursor, statement, parameters, *args):
        caught.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(url, headers={"User-Agent": USER_AGENT}).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return caught


def main() -> int:
    url = os.environ["BENCH_DATABASE_URL"]
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="WARNING")
    client = app.test_client()
    login(client, *STAFF)
    for page in sys.argv[1:] or URLS:
        if page.startswith("next:"):
            page = next_page_link(client, int(page.removeprefix("next:")))
        print(f"## {page}\n")
        for statement, parameters in statements(app, client, page):
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            with app.app_context():
                conn = db.session.connection()
                raw = conn.connection.driver_connection
                with raw.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                db.session.rollback()
            print("```\n" + " ".join(statement.split())[:300] + "\n\n" + plan + "\n```\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
