"""The DuckLake store with its catalog in a real PostgreSQL (issue 15): many processes on one
lake at once, every change seen by every process, nothing lost or doubled, all or nothing
under SIGKILL, small writes inline, maintenance, backup and restore. The engine's own tests run
on both stores as well (tests/conftest.py, BOTH_STORES)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kpi import contacts, db, ingest, metrics, rollups
from kpi import lake as lake_store

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 6, 30)


def python(code: str, spec: str, data_path: Path, *args: str) -> subprocess.Popen:
    """A separate process running `code` on the lake (as another app server would)."""
    env = os.environ | {
        "COMMITBOARD_DB": spec,
        "COMMITBOARD_DATA_PATH": str(data_path),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(proc: subprocess.Popen, timeout: float = 600) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-2000:]
    return out


def rollups_exact(con) -> None:
    """Every rollup equals a full recount of the contacts there are."""
    assert rollups.current(con)
    snapshot = {
        table: sorted(con.execute(f"select * from {table}").fetchall(), key=repr)
        for table in rollups.TABLES
    }
    db.transaction(con, lambda c: rollups.recount(c))
    for table in rollups.TABLES:
        assert (
            sorted(con.execute(f"select * from {table}").fetchall(), key=repr) == snapshot[table]
        ), table


@pytest.fixture
def data_path(lake) -> Path:
    return Path(os.environ["COMMITBOARD_DATA_PATH"])


SAVER = """
import sys
from kpi import contacts, db
con = db.connect()
who, count = sys.argv[1], int(sys.argv[2])
for n in range(count):
    result = contacts.save_contact(con, {
        "contact_date": f"2026-0{1 + n % 6}-{1 + n % 28:02d}", "rep": f"{who}@x.nl",
        "account": f"Account {n % 17}", "channel": "phone", "commitment_level": str(n % 5),
        "quote_sent": "yes" if n % 7 == 0 else "no", "notes": f"{who}-{n}",
        "commitment": "Belt terug" if n % 5 else "", "would_repeat": "yes",
    }, today=__import__("datetime").date(2026, 6, 30))
    assert result.ok, result.errors
print("saved", count)
"""


# Saves per process: the 200 each. A save on a lake takes about 0.13 s (bench/RESULTS.md)
# and the writers take turns: about 55 s in all. `make lake-stress` runs 1,000 each.
SAVES = int(os.environ.get("COMMITBOARD_LAKE_SAVES", "200"))


def test_two_processes_saving_contacts_at_once_lose_and_double_none(lake, data_path):
    procs = [python(SAVER, lake, data_path, who, str(SAVES)) for who in ("anna", "bram")]
    for proc in procs:
        assert finished(proc).strip() == f"saved {SAVES}"
    con = db.connect(lake)
    assert con.execute(
        "select count(*), count(distinct id), count(distinct notes) from contacts"
    ).fetchone() == (2 * SAVES, 2 * SAVES, 2 * SAVES)
    assert con.execute(
        "select rep_key, count(*) from contacts group by all order by all"
    ).fetchall() == [
        ("anna@x.nl", SAVES),
        ("bram@x.nl", SAVES),
    ]
    assert db.data_version(con) >= 2 * SAVES
    rollups_exact(con)
    con.close()


IMPORTER = """
import sys
from kpi import db, ingest
con = db.connect()
result = ingest.import_file(con, sys.argv[1])
print(result.accepted, result.rejected)
"""


def _big_file(path: Path, who: str, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(
            "contact_id,contact_date,rep,account,channel,commitment_level,commitment,quote_sent,"
            "revenue\n"
        )
        for n in range(rows):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=n % 180)
            fh.write(
                f"{who}-{n},{day},{who}@x.nl,Account {n % 501},{('phone', 'visit', 'email')[n % 3]},"
                f"{n % 5},{'Belt terug' if n % 5 else ''},{'yes' if n % 11 == 0 else 'no'},"
                f"{n % 13 * 100 if n % 9 == 0 else ''}\n"
            )
    return path


def test_two_processes_importing_100k_rows_each_at_once(lake, data_path, tmp_path):
    files = [_big_file(tmp_path / f"{who}.csv", who, 100_000) for who in ("anna", "bram")]
    procs = [python(IMPORTER, lake, data_path, str(f)) for f in files]
    for proc in procs:
        assert finished(proc).strip() == "100000 0"
    con = db.connect(lake)
    assert con.execute(
        "select count(*), count(distinct id), count(distinct contact_id) from contacts"
    ).fetchone() == (200_000, 200_000, 200_000)
    assert con.execute("select count(*) from imported_files").fetchone()[0] == 2
    rollups_exact(con)
    con.close()


MAKER = """
from kpi import db
con = db.connect()
print(db.schema_version(con))
"""


def test_a_new_catalog_made_by_two_processes_at_once_is_made_once(pg, tmp_path):
    spec = f"ducklake:postgres:{pg.dsn(pg.new_database('race'))}"
    procs = [python(MAKER, spec, tmp_path / "data") for _ in range(3)]
    for proc in procs:
        assert finished(proc).strip() == str(db.SCHEMA_VERSION)
    con = db.connect(spec, data_path=tmp_path / "data")
    # One schema, one set of counters: nothing made twice.
    assert con.execute("select count(*) from counters").fetchone()[0] == len(db.COUNTER_NAMES)
    assert con.execute("select count(*) from meta where key = 'schema_version'").fetchone()[0] == 1
    con.close()


def test_a_change_on_one_server_is_seen_by_another_at_its_next_read(lake):
    server_a, server_b = db.connect(lake), db.connect(lake)  # two DuckDB instances
    before = db.data_version(server_b)
    assert metrics.summary(server_b, metrics.Window(None, None))["contacts"] == 0
    saved = contacts.save_contact(
        server_a,
        {"contact_date": "2026-06-01", "rep": "anna@x.nl", "account": "Acme", "channel": "visit",
         "commitment_level": "3", "commitment": "Introductie bij de directie"},
        today=TODAY,
    )  # fmt: skip
    assert saved.ok
    assert db.data_version(server_b) == before + 1
    summary = metrics.summary(server_b, metrics.Window(None, None))
    assert (summary["contacts"], summary["commitment_rate"]) == (1, 1.0)
    server_a.close()
    server_b.close()


def _data_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.parquet"))


def test_a_form_save_leaves_no_file_and_maintain_writes_them_out(lake, data_path):
    con = db.connect(lake)
    # Eight contacts first: their timestamps' sum (the rollups' fingerprint) is past 2**53, what
    # a double holds exactly; a hugeint came back from Parquet rounded (rollups.exact_fingerprint).
    ingest.import_file(con, ROOT / "tests" / "data" / "kpi_small.csv", today=TODAY)
    assert con.execute("select updated_sum > 2::decimal(38, 0) ** 53 from rollup_state").fetchone()[
        0
    ]
    before = _data_files(data_path)
    for n in range(3):
        assert contacts.save_contact(
            con,
            {"contact_date": "2026-06-01", "rep": "anna@x.nl", "account": f"A{n}",
             "channel": "phone", "commitment_level": "1", "commitment": "Belt terug"},
            today=TODAY,
        ).ok  # fmt: skip
    assert _data_files(data_path) == before  # inline in PostgreSQL, not a Parquet file each
    done = lake_store.maintain(con, keep_days=1)
    # What was inline is written out as files now; nothing was a day old, so none expired.
    written = {p.parent.name for p in set(_data_files(data_path)) - set(before)}
    assert {"contacts", "kpi_day", "account_month"} <= written
    assert done.snapshots_after == done.snapshots_before + 1 and done.files_removed == 0
    assert con.execute("select count(*) from contacts").fetchone()[0] == 11
    rollups_exact(con)  # still current after the flush
    con.close()


KILLED = """
import sys
from kpi import db, ingest
con = db.connect()
print("started", flush=True)
ingest.import_file(con, sys.argv[1])
print("done", flush=True)
"""


def test_a_writer_killed_in_the_middle_of_an_import_leaves_all_or_nothing(
    lake, data_path, tmp_path
):
    con = db.connect(lake)
    ingest.import_file(con, ROOT / "tests" / "data" / "kpi_small.csv", today=TODAY)
    big = _big_file(tmp_path / "big.csv", "kill", 100_000)
    proc = python(KILLED, lake, data_path, str(big))
    assert proc.stdout.readline().strip() == "started"
    time.sleep(1.5)  # into the import (it takes several seconds)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    count = con.execute("select count(*) from contacts").fetchone()[0]
    assert count in (8, 100_008)
    # The lake goes on: the same file imports whole now, and everything adds up.
    again = ingest.import_file(con, big)
    assert again.skipped or again.accepted == 100_000
    assert con.execute("select count(*) from contacts").fetchone()[0] == 100_008
    rollups_exact(con)
    con.close()


def test_backup_of_a_lake_is_a_database_file_and_restores_into_a_new_lake(
    lake, pg, tmp_path, monkeypatch
):
    con = db.connect(lake)
    ingest.import_file(con, ROOT / "tests" / "data" / "kpi_small.csv", today=TODAY)
    expected = metrics.summary(con, metrics.Window(None, None))
    made = lake_store.backup(lake, tmp_path / "lake.duckdb")
    con.close()
    assert made.contacts == 8
    copy = db.connect(made.path)  # opens as any database file
    assert metrics.summary(copy, metrics.Window(None, None)) == expected
    copy.close()
    other = f"ducklake:postgres:{pg.dsn(pg.new_database('restored'))}"
    monkeypatch.setenv("COMMITBOARD_DATA_PATH", str(tmp_path / "other-data"))
    restored, kept = lake_store.restore(made.path, other)
    assert restored.contacts == 8 and kept.exists()
    con = db.connect(other)
    assert metrics.summary(con, metrics.Window(None, None)) == expected
    rollups_exact(con)
    con.close()


def test_the_command_line_works_on_a_lake_and_never_shows_a_password(lake, data_path):
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    done = run("import", "--db", lake, str(ROOT / "tests" / "data" / "kpi_small.csv"))
    assert done.returncode == 0, done.stderr
    summary = run("summary", "--db", lake, "--json")
    assert summary.returncode == 0 and '"contacts": 8' in summary.stdout, summary.stderr
    maintained = run("maintain", "--db", lake)
    assert maintained.returncode == 0 and "maintained in" in maintained.stdout, maintained.stderr
    wrong = run("summary", "--db", lake.replace("dbname=", "password=hunter2 dbname=nope_"))
    assert wrong.returncode != 0
    assert "hunter2" not in wrong.stderr and "password=***" in wrong.stderr, wrong.stderr


def test_the_health_check_answers_for_a_lake_and_hides_its_password(lake):
    from kpi import health

    con = db.connect(lake)
    ingest.import_file(con, ROOT / "tests" / "data" / "kpi_small.csv", today=TODAY)
    con.close()
    assert health.check(lake) == {"schema_version": db.SCHEMA_VERSION, "contacts": 8}
    wrong = lake.replace("dbname=", "password=hunter2 dbname=nope_")
    with pytest.raises(db.StoreError) as raised:
        health.check(wrong)
    assert "hunter2" not in str(raised.value) and "password=***" in str(raised.value)
