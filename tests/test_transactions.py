"""One owner per transaction: routes never commit, and a service function commits once.

Read from the source: a commit that moves into a route, or a second commit in one
function (half a change visible to others, or kept when the rest fails), fails here.
"""

from __future__ import annotations

import ast

from app import ROOT

COMMITS = {"commit", "_commit"}


def functions():
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                yield path.relative_to(ROOT).as_posix(), node


def commits_in(function: ast.FunctionDef) -> int:
    calls = (n for n in ast.walk(function) if isinstance(n, ast.Call))
    return sum(
        1 for call in calls if getattr(call.func, "attr", getattr(call.func, "id", None)) in COMMITS
    )


def test_no_route_commits():
    assert [
        (path, f.name) for path, f in functions() if path.endswith("routes.py") and commits_in(f)
    ] == []


def test_each_service_function_commits_once_at_most():
    assert [(path, f.name) for path, f in functions() if commits_in(f) > 1] == []


def test_the_check_sees_the_commits_there_are():
    found = {(path, f.name) for path, f in functions() if commits_in(f)}
    assert ("app/web/auth/services.py", "authenticate") in found
    assert ("app/web/clinic/services.py", "record_read") in found
    assert len(found) > 15


def commits_during(app, request) -> int:
    """How many times the database committed while ``request()`` was served."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    count = []

    def committed(session):
        count.append(1)

    event.listen(Session, "after_commit", committed)
    try:
        request()
    finally:
        event.remove(Session, "after_commit", committed)
    return len(count)


def test_removing_a_row_keeps_the_page_and_removes_it_in_one_transaction(
    app, patient, person, client
):
    from .conftest import lock_of

    person.fill_all()
    page = client.get("/intake/section/medicines").get_data(as_text=True)
    remove = lambda: client.post(  # noqa: E731
        "/intake/section/medicines/1/rows/medications/0/remove",
        data={"lock_version": lock_of(page), "medicines_taken": "yes"},
    )
    assert commits_during(app, remove) == 1
    assert "Pregabalin" in client.get("/intake/section/medicines").get_data(as_text=True)
    assert "Tapentadol" not in client.get("/intake/section/medicines").get_data(as_text=True)
