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


@pytest.fixture
def con(tmp_path):
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
