"""Search the logs of a test run for what must never be logged: dates of birth, tokens
and patients' answers. ``make test`` runs the suite with TEST_LOG_DIR set, then this.

Exits 1, printing each offending line (shortened), when any is found.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.answers_data import (  # noqa: E402 - the answer sets the tests send
    CRPS_PATIENT_STORED,
    DIABETIC_PATIENT_STORED,
    FUSION_PATIENT_STORED,
)

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
NEVER = {
    "a date of birth": re.compile(
        rf"\b19[0-9]{{2}}-[01][0-9]-[0-3][0-9]\b|\b[0-3]?[0-9] (?:{MONTHS})[a-z]* 19[0-9]{{2}}\b"
        r"|\b[0-3]?[0-9]/[01]?[0-9]/19[0-9]{2}\b"
    ),
    "an API token": re.compile(r"scs_[A-Za-z0-9_-]{20,}"),
    "an invitation or reset link": re.compile(r"/auth/(?:invitation|reset)/[A-Za-z0-9_-]{16,}"),
    "a token in a query": re.compile(r"(?:access_token|api_key|token)=(?!\*\*\*)[^&\s]+"),
}


def free_text_answers() -> set[str]:
    """The answers a patient types in their own words, from the test answer sets."""
    found: set[str] = set()

    def collect(value) -> None:
        if isinstance(value, str) and " " in value and len(value) >= 12:
            found.add(value)
        elif isinstance(value, list):
            for each in value:
                collect(each)
        elif isinstance(value, dict):
            for each in value.values():
                collect(each)

    for answers in (FUSION_PATIENT_STORED, CRPS_PATIENT_STORED, DIABETIC_PATIENT_STORED):
        collect(answers)
    return found


def main(folder: str) -> int:
    answers = free_text_answers()
    problems = []
    files = sorted(Path(folder).glob("*.log"))
    lines = 0
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            lines += 1
            for what, pattern in NEVER.items():
                if pattern.search(line):
                    problems.append((path.name, number, what, line))
            for answer in answers:
                if answer in line:
                    problems.append((path.name, number, "an answer", line))
    for name, number, what, line in problems[:50]:
        print(f"{name}:{number}: {what}: {line[:160]}")
    print(
        f"{len(files)} log files, {lines} lines: "
        f"{len(problems) or 'no'} line{'s' if len(problems) != 1 else ''} with what must "
        "never be logged"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/test-logs"))
