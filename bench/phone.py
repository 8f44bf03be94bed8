"""How long a patient's pages take to open on a phone's connection.

    make bench-phone

Starts the https site of docs/deploy.md (nginx in front of gunicorn, as the https browser
tests do: tests/e2e/https_site.py), seeds the demo clinic and opens the demo patient's
invitation in Chromium. Then, with the connection throttled as a weak mobile signal
(400 ms round trip, 400 kbit/s) and as good 3G (150 ms, 1.6 Mbit/s), it makes visits that
each start with an empty browser cache and open four of the patient's pages in turn.
Prints, for each page of a visit, the median time to the page's load event and the bytes
that crossed the network, and writes bench/phone.json. Needs nginx, openssl and Chromium
(`.ci/run` installs them). BENCH_SMALL=1, as `make test` runs it: one visit on each
connection, and nothing but a message where those are missing.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.cli import DEMO_PATIENT  # noqa: E402
from tests.e2e import https_site  # noqa: E402
from tests.e2e.conftest import CHROMIUM, FLAGS, PHONE  # noqa: E402
from tests.e2e.helpers import accept  # noqa: E402

SMALL = os.environ.get("BENCH_SMALL") == "1"
VISITS = 1 if SMALL else 5
# name: (round trip in ms, bytes a second down and up)
CONNECTIONS = {
    "weak mobile signal": (400, 400_000 // 8),
    "3G": (150, 1_600_000 // 8),
}
PAGES = (
    "/intake/section/about",
    "/intake/section/pain",
    "/intake/section/pain/5",
    "/intake/check",
)
PASSWORD = "phone-bench-password"
# The page's own bytes and those of everything it loaded, as they crossed the network
# (nothing for what came from the browser's cache).
BYTES = """() => [
  ...performance.getEntriesByType('navigation'),
  ...performance.getEntriesByType('resource'),
].reduce((sum, entry) => sum + entry.transferSize, 0)"""


def log_in(page, site: https_site.Site) -> None:
    """The demo patient's first visit: the invitation, date of birth, a password, consent."""
    printed = site.flask("seed-demo")
    link = re.search(re.escape(site.base) + r"/auth/invitation/\S+", printed).group(0)
    accept(page, link, dob=DEMO_PATIENT[1], password=PASSWORD)
    page.check("#agree")
    page.click('button:has-text("Start")')
    page.wait_for_url(re.compile("/intake/section/"))


def visit(page, cdp, base: str) -> list[tuple[float, int]]:
    """(ms to the load event, bytes) of each page, starting with nothing cached."""
    cdp.send("Network.clearBrowserCache")
    seen = []
    for path in PAGES:
        page.goto(base + path, wait_until="load")
        loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        seen.append((loaded, page.evaluate(BYTES)))
    return seen


def main() -> int:
    missing = https_site.missing_tools() + ([] if Path(CHROMIUM).exists() else ["chromium"])
    if missing:
        print(f"bench-phone needs {', '.join(missing)} (apt-get install {' '.join(missing)})")
        return 0 if SMALL else 1
    results = {}
    with (
        tempfile.TemporaryDirectory() as folder,
        https_site.running(Path(folder)) as site,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(ignore_https_errors=True, viewport=PHONE)
        page = context.new_page()
        log_in(page, site)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        for name, (round_trip, speed) in CONNECTIONS.items():
            cdp.send(
                "Network.emulateNetworkConditions",
                {
                    "offline": False,
                    "latency": round_trip,
                    "downloadThroughput": speed,
                    "uploadThroughput": speed,
                },
            )
            visits = [visit(page, cdp, site.base) for _ in range(VISITS)]
            results[name] = {
                path: {
                    "median_ms": round(statistics.median(v[n][0] for v in visits)),
                    "bytes": round(statistics.median(v[n][1] for v in visits)),
                }
                for n, path in enumerate(PAGES)
            }
        browser.close()
    for name, pages in results.items():
        how_many = "one visit" if VISITS == 1 else f"median of {VISITS} visits"
        print(f"\n{name} ({CONNECTIONS[name][0]} ms round trip), {how_many}:")
        for n, (path, seen) in enumerate(pages.items()):
            when = "first page, nothing cached" if n == 0 else "next page"
            print(f"  {path:26} {seen['median_ms']:6,} ms {seen['bytes']:8,} bytes  ({when})")
    (ROOT / "bench" / "phone.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
