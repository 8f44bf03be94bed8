"""What making a PDF does to the process it runs in."""

from __future__ import annotations

import gc

import pytest

from app.platform import pdf


def test_the_garbage_collector_runs_again_after_a_pdf_even_one_that_fails(app, monkeypatch):
    pdf.render_pdf("<p>Hello</p>", app.static_folder)
    assert gc.isenabled()

    def broken(*args, **kwargs):
        assert not gc.isenabled()
        raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf._weasyprint()[0].HTML, "write_pdf", broken)
    with pytest.raises(RuntimeError, match="layout failed"):
        pdf.render_pdf("<p>Hello</p>", app.static_folder)
    assert gc.isenabled()


def test_a_pdf_made_while_the_collector_is_off_leaves_it_off(app):
    gc.disable()
    try:
        pdf.render_pdf("<p>Hello</p>", app.static_folder)
        assert not gc.isenabled()
    finally:
        gc.enable()
