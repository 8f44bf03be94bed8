"""A phone keeps the stylesheet and the script between pages (app/web/static_files.py)."""

from __future__ import annotations

import os
import re

from app.web.static_files import version_of

LINKED = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{16})"')


def _linked(client, url: str) -> list[tuple[str, str]]:
    return LINKED.findall(client.get(url).get_data(as_text=True))


def test_each_page_links_its_files_by_their_content_and_they_are_kept_a_year(patient, client):
    for page in ("/intake/section/pain", "/intake/check"):
        linked = _linked(client, page)
        assert {path for path, _ in linked} == {
            "/static/css/app.css",
            "/static/css/print.css",
            "/static/js/app.js",
        }
        for path, version in linked:
            response = client.get(f"{path}?v={version}")
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            response.close()


def test_a_file_asked_for_without_its_current_hash_is_checked_again_each_time(client, clinic):
    [(path, version)] = [link for link in _linked(client, "/auth/login") if "app.css" in link[0]]
    current = client.get(f"{path}?v={version}")
    for asked in (path, f"{path}?v=0123456789abcdef"):
        response = client.get(asked)
        # The same file, but not to be kept under a name that is not its own.
        assert response.data == current.data
        assert response.headers["Cache-Control"] == "no-cache"
        response.close()
    current.close()


def test_an_edited_file_gets_a_new_name_without_a_restart(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "app.css"
    sheet.write_text("body { color: black; }")
    before = version_of(str(tmp_path), "css/app.css")
    sheet.write_text("body { color: navy; }")
    stat = sheet.stat()
    os.utime(sheet, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert version_of(str(tmp_path), "css/app.css") not in (None, before)
    assert version_of(str(tmp_path), "css/missing.css") is None


def test_pages_stay_out_of_every_cache(patient, client):
    """Only the named files are kept: a page holds patient data."""
    assert client.get("/intake/section/pain").headers["Cache-Control"] == "no-store"
