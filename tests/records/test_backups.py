"""flask backup: a consistent copy on SQLite, pg_dump on PostgreSQL that pg_restore reads
back, and old backups pruned."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time

import pytest
from sqlalchemy import create_engine, text

from app.platform.backups import prune
from tests.conftest import postgres_database


def test_backup_writes_a_copy_that_restores(app, runner, submitted_patient, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        target = tmp_path / "copy.db"
        result = runner.invoke(args=["backup", str(target)])
        assert result.exit_code == 0, result.output
        with sqlite3.connect(target) as copy:
            assert copy.execute("SELECT count(*) FROM questionnaire_responses").fetchone()[0] == 1
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        pytest.skip("pg_restore is not installed (apt-get install postgresql-client)")
    target = tmp_path / "copy.dump"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    restored = postgres_database("restore")
    engine = create_engine(restored)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    libpq = restored.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(
        [pg_restore, "--no-owner", f"--dbname={libpq}", str(target)],
        check=True,
        capture_output=True,
        env={**os.environ},
    )
    engine = create_engine(restored)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM questionnaire_responses")) == 1
    engine.dispose()


def test_the_default_folder_keeps_only_the_last_days(app, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    folder = tmp_path / "backups"
    folder.mkdir()
    old, recent, other = folder / "a-old.db", folder / "a-recent.dump", folder / "notes.txt"
    for path in (old, recent, other):
        path.write_text("x")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    os.utime(other, (month_ago, month_ago))
    assert prune(folder, 14) == [old]
    assert recent.exists()
    assert other.exists()  # only backups are pruned
    result = runner.invoke(args=["backup", "--keep-days", "14"])
    assert result.exit_code == 0, result.output
    assert "Backed up to" in result.output
    assert len(list(folder.glob("*-2*"))) == 1  # today's new backup
