"""PDF rendering of HTML pages with WeasyPrint, fetching nothing but our own static files.

WeasyPrint is imported the first time a PDF is asked for, never while the app starts: it
loads system libraries (Pango, HarfBuzz) that a server may lack, and a missing one must
cost the PDF link only, not every page.

WeasyPrint fetches any URL or file named in the HTML by default; a patient's text could
otherwise make the server read a local file or call an internal address. The fetcher
below serves files under ``app/static`` and refuses everything else.

A PDF's time is nearly all WeasyPrint's layout, which grows with the number of boxes, so
what every PDF shares is made once: the PDF stylesheet is parsed once per process, each
thread keeps one font configuration (Pango's font map and its caches), and the ``id``
attributes are dropped before layout. On a page they are the targets of "see answer"
links; in the PDF nothing links to them, yet WeasyPrint gives each element with an id a
style of its own and a named destination, which cost an eighth of a summary's PDF.

The cyclic garbage collector is paused while a PDF is made. Layout keeps hundreds of
thousands of objects alive until it ends, and their number kept setting off full
collections of the whole process, which made most of the slowest PDFs' time (measured in
docs/performance.md). Reference counting still frees what a PDF leaves; the collector
runs again as soon as the PDF is made.
"""

from __future__ import annotations

import ctypes.util
import gc
import logging
import mimetypes
import shutil
import subprocess  # nosec B404
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote, urlsplit

BASE_URL = "http://pdf.invalid/"
STYLESHEET = "css/pdf.css"  # under the static folder; applied to every PDF
# The libraries WeasyPrint's installation guide names for Debian, and their packages
# (the README names the same); Pango brings HarfBuzz and Fontconfig with it.
DEBIAN_PACKAGES = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "harfbuzz-subset": "libharfbuzz-subset0",
}

log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run on this server; the message says why, for the staff page."""


@cache
def _weasyprint() -> tuple[ModuleType, ModuleType]:
    """WeasyPrint and its URL module, imported once; PdfUnavailable if it cannot load."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import weasyprint
            import weasyprint.urls
    except Exception as exc:  # a native library that fails to load can raise anything
        log.error("PDF downloads are not available: %s", exc)
        raise PdfUnavailable(str(exc)) from None
    for warning in caught:
        # WeasyPrint 70 works without HarfBuzz-Subset, with larger files, and says so.
        log.warning("WeasyPrint: %s", warning.message)
    return weasyprint, weasyprint.urls


def pdf_problem() -> str | None:
    """Why PDFs cannot be made here, or None when they can."""
    try:
        _weasyprint()
    except PdfUnavailable as exc:
        return str(exc)
    return None


def _static_file(static_root: Path, url: str) -> tuple[bytes, str]:
    """The bytes and type of a file under ``static_root`` that ``url`` names, or ValueError."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.netloc != urlsplit(BASE_URL).netloc:
        raise ValueError(f"refused to fetch {url!r}")
    if not parts.path.startswith("/static/"):
        raise ValueError(f"refused to fetch {url!r}")
    path = (static_root / unquote(parts.path[len("/static/") :])).resolve()
    if not path.is_relative_to(static_root) or not path.is_file():
        raise ValueError(f"refused to fetch {url!r}")
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def static_only_fetcher(static_folder: str):
    """A WeasyPrint URL fetcher that serves ``static_folder`` and refuses everything else."""
    _, urls = _weasyprint()
    static_root = Path(static_folder).resolve()

    class StaticOnlyFetcher(urls.URLFetcher):
        def fetch(self, url, headers=None):
            body, mime = _static_file(static_root, url)
            return urls.URLFetcherResponse(url, body, {"Content-Type": mime}, 200)

    return StaticOnlyFetcher(allowed_protocols=("http",), fail_on_errors=False)


@cache
def _stylesheet(path: Path, modified: float):
    """The parsed PDF stylesheet; a new modification time (an edit) parses it again."""
    weasyprint, _ = _weasyprint()
    return weasyprint.CSS(filename=str(path))


_per_thread = threading.local()


def _font_config():
    """This thread's font configuration: Pango's font map is not shared across threads."""
    if not hasattr(_per_thread, "font_config"):
        from weasyprint.text.fonts import FontConfiguration

        _per_thread.font_config = FontConfiguration()
    return _per_thread.font_config


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block. Only a caller that found the
    collector running starts it again, so two PDFs made at once in two threads never
    leave it off."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def render_pdf(html: str, static_folder: str) -> bytes:
    """The PDF of ``html`` styled by the PDF stylesheet; raises PdfUnavailable when
    WeasyPrint cannot load here."""
    weasyprint, _ = _weasyprint()
    stylesheet = Path(static_folder, STYLESHEET)
    with _collector_paused():
        document = weasyprint.HTML(
            string=html, base_url=BASE_URL, url_fetcher=static_only_fetcher(static_folder)
        )
        for element in document.etree_element.iter():
            element.attrib.pop("id", None)
        return document.write_pdf(
            stylesheets=[_stylesheet(stylesheet, stylesheet.stat().st_mtime)],
            font_config=_font_config(),
        )


def missing_packages(find: Callable[[str], str | None] = ctypes.util.find_library) -> list[str]:
    """The Debian packages of the libraries WeasyPrint loads that this machine lacks."""
    return [package for library, package in DEBIAN_PACKAGES.items() if not find(library)]


def has_devanagari_font() -> bool:
    """Whether fontconfig knows a font with Devanagari, which a PDF needs to show Hindi
    (the patient's words, a Hindi letter) as letters rather than empty boxes."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run(  # noqa: S603 - fontconfig's own lister, no input from outside
        [fc_list, ":lang=hi", "family"], capture_output=True, text=True, check=False
    )
    return bool(found.stdout.strip())


if __name__ == "__main__":
    # `make run` and `make test` print one plain line when a package is missing.
    if missing := missing_packages():
        print(
            f"Note: PDF downloads need {', '.join(missing)} (apt-get install "
            f"{' '.join(missing)}); everything else works without."
        )
    elif not has_devanagari_font():
        print(
            "Note: Hindi in PDFs needs a Devanagari font (apt-get install fonts-noto-core); "
            "everything else works without."
        )
