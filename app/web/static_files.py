"""Stylesheets and scripts named by their content, so that a phone keeps them.

Every page links the stylesheets and the script with a hash of the file (``?v=…``). A
request that carries the file's current hash is answered with a year's lifetime, marked
immutable, so the browser opens the next page without asking for them again: asking
cost a round trip per page on a slow mobile connection, and three requests of a worker.
A request with an old hash, or none, is revalidated on each use, so a page kept from
before a release never pins a file under a name that is not its own. An edited file gets
a new hash without a restart: the hash is kept per modification time.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, request

A_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=64)
def _hash_of(path: str, modified_ns: int) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:16]


def version_of(static_folder: str, filename: str) -> str | None:
    """The content hash of ``filename`` in ``static_folder``; None when there is no such
    file (the link is then left as it is, and answers 404 as before)."""
    path = os.path.join(static_folder, filename)
    try:
        modified = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return _hash_of(path, modified)


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = version_of(app.static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def keep_named_files(response):
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        asked = request.args.get("v")
        if asked and asked == version_of(app.static_folder, filename):
            cache = response.cache_control
            cache.no_cache = None
            cache.public = True
            cache.max_age = A_YEAR
            cache.immutable = True
        return response
