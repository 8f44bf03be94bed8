"""`make audit`: pip-audit, read so that "nothing checked" can never pass for "all clear".

pip-audit prints "No known vulnerabilities found" even when it could not reach the
vulnerability service and skipped every package. This reads its JSON report instead and
fails unless every installed package was really checked.
"""

from __future__ import annotations

import json
import subprocess
import sys


def verdict(report: dict) -> tuple[int, str]:
    """(exit code, message): 0 all checked and clear, 1 vulnerabilities, 2 not checked."""
    # This project itself is installed editable and is not on PyPI: it is not a dependency.
    packages = [
        p
        for p in report.get("dependencies", [])
        if "marked as editable" not in p.get("skip_reason", "")
    ]
    skipped = [p for p in packages if p.get("skip_reason")]
    vulnerable = [p for p in packages if p.get("vulns")]
    if not packages or skipped:
        reasons = sorted({p["skip_reason"].split(":")[0] for p in skipped}) or ["no packages"]
        return 2, (
            f"Dependency audit FAILED: {len(skipped)} of {len(packages)} packages could "
            f"not be checked ({'; '.join(reasons)}). The vulnerability service was "
            "probably unreachable. Nothing is known about these packages: this is not "
            "a clean result."
        )
    if vulnerable:
        lines = [
            f"  {p['name']} {p['version']}: " + ", ".join(v["id"] for v in p["vulns"])
            for p in vulnerable
        ]
        return 1, "Known vulnerabilities:\n" + "\n".join(lines)
    return 0, f"No known vulnerabilities in the {len(packages)} packages checked."


def main() -> int:
    done = subprocess.run(  # noqa: S603 - pip-audit from this virtualenv
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--format",
            "json",
            "--skip-editable",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(
            "Dependency audit FAILED: pip-audit gave no report (the vulnerability service "
            f"may be unreachable):\n{done.stderr.strip()[-1000:]}"
        )
        return 2
    code, message = verdict(report)
    print(message)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
