"""Profile one page with pyinstrument, on the same data ``make bench`` measures.

    make profile PAGE=section      the pain section (also: check, save, worklist,
                                   summary, pdf, healthz); BENCH_SMALL=1 seeds 200 patients

Prints the call tree of a few hundred requests after warm-up and writes the interactive
version to bench/profile-<page>.html. Most of docs/performance.md's changes were found
this way, from the widest frames of such a tree.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from pyinstrument import Profiler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from bench.run import PATIENT, STAFF, login, pain_saves, seed, send  # noqa: E402

SMALL = os.environ.get("BENCH_SMALL") == "1"
REQUESTS = 20 if SMALL else 300
# name: (who asks, method, URL); the summary is of patient 1, as in the bench.
PAGES = {
    "section": (PATIENT, "GET", "/intake/section/pain"),
    "save": (PATIENT, "POST", "/intake/section/pain"),
    "check": (PATIENT, "GET", "/intake/check"),
    "worklist": (STAFF, "GET", "/clinic/"),
    "summary": (STAFF, "GET", "/clinic/patients/1"),
    "pdf": (STAFF, "GET", "/clinic/patients/1/summary.pdf"),
    "healthz": (PATIENT, "GET", "/healthz"),
}


def profile(page: str) -> Profiler:
    who, method, url = PAGES[page]
    folder = tempfile.mkdtemp(prefix="scs-profile-")
    db_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/profile.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=db_url, LOG_LEVEL="WARNING")
    seed(app)
    client = app.test_client()
    login(client, *who)
    forms = pain_saves() if method == "POST" else [None]
    count = max(3, REQUESTS // 10) if page == "pdf" else REQUESTS

    def run(first: int, times: int) -> None:
        for n in range(first, first + times):
            send(client, method, url, forms, n)

    warm_up = max(3, count // 10)
    run(0, warm_up)  # templates compiled, caches filled
    profiler = Profiler(interval=0.0005)
    with profiler:
        run(warm_up, count)
    return profiler


def main() -> int:
    page = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PAGE") or "section"
    if page not in PAGES:
        print(f"unknown page {page!r}; one of: {', '.join(PAGES)}")
        return 2
    profiler = profile(page)
    print(profiler.output_text(unicode=True, color=False))
    report = ROOT / "bench" / f"profile-{page}.html"
    report.write_text(profiler.output_html())
    print(f"Interactive version: {report.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
