"""When DuckDB gives up on its database (an internal error; every later query then fails with
"database has been invalidated"), the app opens the file again instead of staying broken for
every user until it is restarted (views/common.py, _reopen).

DuckDB's own failure cannot be caused on purpose, so these tests make the app's connection fail
the way an invalidated one does: every query on it raises duckdb.FatalException, until the app
opens the database a second time."""

from __future__ import annotations

import duckdb
import pytest

from kpi import contacts, db
from tests.pages.conftest import ROOT, kpi_tiles, open_page
from tests.pages.test_log_contact import count, fill_good, texts

INVALIDATED = (
    "FATAL Error: Failed: database has been invalidated because of a previous fatal error."
)


@pytest.fixture
def opened(monkeypatch) -> list:
    """The connections the app opens, in order."""
    seen: list = []
    real = db.connect

    def connect(*args, **kwargs):
        con = real(*args, **kwargs)
        seen.append(con)
        return con

    monkeypatch.setattr(db, "connect", connect)
    return seen


def test_a_page_read_from_a_database_duckdb_gave_up_on_shows_after_reopening(
    app_db, opened, monkeypatch, caplog
):
    real = db.data_version

    def data_version(con):
        if len(opened) < 2:  # still the first connection: broken
            raise duckdb.FatalException(INVALIDATED)
        return real(con)

    monkeypatch.setattr(db, "data_version", data_version)
    at = open_page("dashboard")
    assert not at.exception
    assert len(kpi_tiles(at)) == 12 and kpi_tiles(at)["Contacts"].value
    assert len(opened) == 2
    with pytest.raises(duckdb.ConnectionException):  # the broken one was closed
        opened[0].execute("select 1")
    # One line for whoever runs the server: what happened, to which database.
    assert [r.getMessage() for r in caplog.records if r.name == "commitboard.app"] == [
        f"database {app_db} opened again after: {INVALIDATED}"
    ]


def test_a_save_that_meets_a_database_duckdb_gave_up_on_is_made_after_reopening(
    small_db, opened, monkeypatch
):
    real = contacts.validate

    def validate(con, *args, **kwargs):
        if len(opened) < 2:
            raise duckdb.InternalException("INTERNAL Error: Attempted to access index 0")
        return real(con, *args, **kwargs)

    monkeypatch.setattr(contacts, "validate", validate)
    at = open_page("log_contact")
    fill_good(at)
    at.button(key="log_save").click().run()
    assert not at.exception
    assert texts(at.error) == []
    assert texts(at.success) == ["Saved: contact with ACME at level 3 · Access."]
    assert len(opened) == 2  # the app's first connection, then the reopened one
    assert count(small_db) == 9  # saved once, not twice


def test_the_launcher_leaves_the_database_to_the_app(tmp_path, monkeypatch):
    """`make run` starts scripts/serve.py, which opens the database before Streamlit starts. If
    it kept that connection, DuckDB would keep a database it gave up on alive for the app's
    reopening too; so it closes it: another process can then open the file for writing."""
    import importlib.util
    import subprocess
    import sys

    path = tmp_path / "launcher.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("COMMITBOARD_DB", str(path))
    spec = importlib.util.spec_from_file_location("serve", ROOT / "scripts" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    kept = serve.preload()  # whatever it returns is held, as the launcher holds it
    other = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()", path],
        capture_output=True,
        text=True,
    )
    assert other.returncode == 0, other.stderr
    del kept
