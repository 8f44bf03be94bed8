"""Responses that the browser saves as a file."""

from __future__ import annotations

from flask import Response


def download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
