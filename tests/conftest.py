"""Shared fixtures: a fresh database, and one loaded with the small known data set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpi import db, ingest, roster

DATA = Path(__file__).parent / "data"
TODAY = dt.date(2026, 6, 30)


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
