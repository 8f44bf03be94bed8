"""Backups the app makes itself: SQLite's online backup, or pg_dump on PostgreSQL, into a
folder of timestamped files of which the last ``keep_days`` days are kept.

pg_dump writes PostgreSQL's custom format (``pg_restore`` reads it, table by table if need
be). The password goes to pg_dump in its environment, never on its command line, where
any user of the server could read it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump, found on the PATH, with no shell
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL


class BackupError(RuntimeError):
    """The backup could not be made; the message says why."""


def stamped(folder: Path, stem: str, suffix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}-{datetime.now(UTC):%Y%m%d-%H%M%S}{suffix}"


def backup_sqlite(source: Path, destination: Path) -> None:
    """A consistent copy while the app runs (SQLite's online backup)."""
    with closing(sqlite3.connect(source)) as db, closing(sqlite3.connect(destination)) as copy:
        db.backup(copy)


def backup_postgresql(url: URL, destination: Path) -> None:
    """pg_dump in custom format; raises BackupError with pg_dump's own words."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (apt-get install postgresql-client)")
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    done = subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
        [pg_dump, "--format=custom", f"--file={destination}", f"--dbname={target}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        destination.unlink(missing_ok=True)
        raise BackupError(done.stderr.strip() or "pg_dump failed")


def prune(folder: Path, keep_days: int, now: float | None = None) -> list[Path]:
    """Remove the backups in ``folder`` older than ``keep_days`` days; the ones removed."""
    cutoff = (now or time.time()) - keep_days * 86400
    removed = []
    for path in folder.glob("*"):
        if path.suffix in (".db", ".dump") and path.stat().st_mtime < cutoff:
            path.unlink()
            removed.append(path)
    return sorted(removed)
