"""PDF rendering of HTML pages with WeasyPrint, fetching nothing but our own static files.

WeasyPrint fetches any URL or file named in the HTML by default; a patient's text could
otherwise make the server read a local file or call an internal address. The fetcher
below serves files under ``app/static`` and refuses everything else.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "http://pdf.invalid/"


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_folder: str):
        super().__init__(allowed_protocols=("http",), fail_on_errors=False)
        self.static_root = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.netloc != urlsplit(BASE_URL).netloc:
            raise ValueError(f"refused to fetch {url!r}")
        if not parts.path.startswith("/static/"):
            raise ValueError(f"refused to fetch {url!r}")
        path = (self.static_root / unquote(parts.path[len("/static/"):])).resolve()
        if not path.is_relative_to(self.static_root) or not path.is_file():
            raise ValueError(f"refused to fetch {url!r}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime}, 200)


def render_pdf(html: str, static_folder: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL,
                url_fetcher=StaticOnlyFetcher(static_folder)).write_pdf()
