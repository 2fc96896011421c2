"""kpi.health: what the service's /healthz reports."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kpi import db, health


def test_a_database_answers_with_its_schema_and_contacts(small, tmp_path):
    path = tmp_path / "test.duckdb"  # the `small` fixture's file, open in this process
    assert health.check(path) == {"schema_version": db.SCHEMA_VERSION, "contacts": 8}
    assert health.check(path) == {"schema_version": db.SCHEMA_VERSION, "contacts": 8}


def test_a_missing_database_is_unhealthy_and_not_created(tmp_path):
    path = tmp_path / "nothing.duckdb"
    with pytest.raises(db.StoreError, match="does not exist"):
        health.check(path)
    assert not path.exists()


def test_a_database_held_by_another_program_is_unhealthy(tmp_path):
    path = tmp_path / "held.duckdb"
    db.connect(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("held", flush=True)
            time.sleep(30)
        """)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(db.StoreError, match="lock"):
            health.check(path)
    finally:
        holder.kill()
        holder.wait()
