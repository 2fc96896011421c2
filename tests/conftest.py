"""Shared fixtures: a fresh database, and one loaded with the small known data set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpi import db, ingest, roster

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 6, 30)


def database_at_version(path: Path, version: int):
    """A raw DuckDB connection to a new file with the schema as it was at `version` (the first
    `version` migrations), for tests of migrating an older file on open."""
    raw = db.duckdb.connect(str(path))
    for step in db.MIGRATIONS[:version]:
        step(raw) if callable(step) else raw.execute(step)
    raw.execute("insert into meta values ('schema_version', ?)", [str(version)])
    return raw


# The engine's tests that run on both stores, the file and a DuckLake store with its catalog in
# a real PostgreSQL: imports, rejects, upserts, every KPI (issue 15). Every test of these
# modules that takes `con` (or `small`) runs twice, with the same expected answers.
BOTH_STORES = {
    "test_ingest",
    "test_metrics",
    "test_metrics_dashboard",
    "test_rollups",
    "test_crm",
    "test_goals",
    "test_evidence",
    "test_reflection",
    "test_lake",
    "test_mapping",
}


def pytest_generate_tests(metafunc):
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    one_store = metafunc.definition.get_closest_marker("one_store") is not None
    if module in BOTH_STORES and "store" in metafunc.fixturenames and not one_store:
        metafunc.parametrize("store", ["file", "lake"], indirect=True)


@pytest.fixture
def store(request) -> str:
    """Which store `con` is: 'file' unless the module runs on both (BOTH_STORES)."""
    return getattr(request, "param", "file")


@pytest.fixture(scope="session")
def pg():
    """One throw-away PostgreSQL for the whole run (tests/pgcluster.py)."""
    from tests.pgcluster import PgCluster

    cluster = PgCluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def lake_template(pg, tmp_path_factory):
    """A PostgreSQL database holding a new lake's catalog with today's schema, made once, and
    the lake's data folder: a test that needs a lake of its own gets a copy (createdb -T)."""
    name = pg.new_database("lake_template")
    folder = tmp_path_factory.mktemp("lake-data")
    made = db.connect(f"ducklake:postgres:{pg.dsn(name)}", data_path=folder)
    made.close()
    return name, folder


@pytest.fixture
def lake(pg, lake_template, monkeypatch) -> str:
    """A new, empty lake of its own (a copy of the template catalog); $COMMITBOARD_DATA_PATH
    set to the data folder. Returns its --db value."""
    template, folder = lake_template
    name = pg.new_database("lake", template=template)
    monkeypatch.setenv("COMMITBOARD_DATA_PATH", str(folder))
    return f"ducklake:postgres:{pg.dsn(name)}"


@pytest.fixture(scope="session")
def shared_lake(pg, lake_template):
    """One lake opened once for the engine tests on both stores (opening one takes about half
    a second); each test empties it first (`con`)."""
    template, folder = lake_template
    name = pg.new_database("lake_shared", template=template)
    connection = db.connect(f"ducklake:postgres:{pg.dsn(name)}", data_path=folder)
    tables = [row[0] for row in connection.execute(_LAKE_TABLES).fetchall()]
    yield connection, tables
    connection.close()


_LAKE_TABLES = (
    "select table_name from information_schema.tables where table_catalog = 'lake'"
    " and table_schema = 'main' order by all"
)


def empty_lake(connection, tables: list[str]) -> None:
    """Every table of the lake emptied, the counters and the rollups' state as a new store has
    them: a new lake, in a tenth of the time of making one. A lake whose tables a test changed
    (dropped a rollup, say) gets them all made anew."""
    now = [row[0] for row in connection.execute(_LAKE_TABLES).fetchall()]

    def work(c):
        if now != tables:
            for table in now:
                c.execute(f"drop table {table}")  # our own tables' names
            return
        for table in tables:
            if table not in ("meta", "counters", "rollup_state"):
                c.execute(f"delete from {table}")
        c.execute("update counters set value = 0")
        c.execute("update rollup_state set contacts = 0, id_sum = 0, updated_sum = 0")

    db.transaction(connection, work)
    if now != tables:
        db.migrate(connection)


@pytest.fixture
def con(tmp_path, store, request):
    if store == "lake":
        shared, tables = request.getfixturevalue("shared_lake")
        connection = shared.cursor()
        empty_lake(connection, tables)
    else:
        connection = db.connect(tmp_path / "test.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def small(con):
    """tests/data/kpi_small.csv (8 contacts) and its roster, imported as of TODAY."""
    result = ingest.import_file(con, DATA / "kpi_small.csv", today=TODAY)
    assert (result.accepted, result.rejected) == (8, 0)
    roster.load_roster(con, DATA / "roster_small.csv")
    return con


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (tests/e2e/conftest.py, launch_browser), shared by the
    browser tests of every folder."""
    from tests.e2e.conftest import launch_browser

    yield from launch_browser()
