"""A database that does not open: one clear line from every command, and `kpi recover`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpi import db, ingest
from tests.conftest import DATA, TODAY
from tests.reliability.helpers import ROOT, cli, one_line_error

# The recipe, on a Commitboard database: a roster change and a schema change committed
# into the log, the process gone before a checkpoint. DuckDB 1.5.5 cannot replay the ALTER.
RECIPE = """
import duckdb, os, sys
c = duckdb.connect(sys.argv[1])
c.execute("insert into roster values ('zoe@x.nl', 'zoe@x.nl', 'Zoe', null, 'rep')")
c.execute("create type e as enum ('a')")
c.execute("create table t (v varchar)")
c.execute("alter table t alter v type e")
os._exit(0)
"""

# Every command that opens the database, with what it needs besides --db.
COMMANDS = [
    ("summary",),
    ("import", str(DATA / "kpi_small.csv")),
    ("rejects",),
    ("roster", str(DATA / "roster_small.csv")),
    ("demo", "--contacts", "10"),
]


def unreplayable(folder: Path) -> Path:
    """tests/data/kpi_small.csv imported and checkpointed, then a log that does not replay."""
    path = folder / "team.duckdb"
    con = db.connect(path)
    ingest.import_file(con, DATA / "kpi_small.csv", today=TODAY)
    con.close()
    subprocess.run([sys.executable, "-c", RECIPE, str(path)], check=True, timeout=60)
    assert wal(path).exists()
    return path


def wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_recipe_really_makes_a_log_duckdb_cannot_replay(tmp_path):
    path = unreplayable(tmp_path)
    with pytest.raises(db.duckdb.InternalException, match="replaying WAL"):
        db.duckdb.connect(str(path), read_only=True)


@pytest.mark.parametrize("command", [*COMMANDS, ("backup", "BACKUP")], ids=lambda c: c[0])
def test_every_command_says_in_one_line_what_is_wrong_and_names_recover(tmp_path, command):
    path = unreplayable(tmp_path)
    before = files(tmp_path)
    args = [str(tmp_path / "copy.duckdb") if a == "BACKUP" else a for a in command]
    proc = cli(*args, "--db", str(path))
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert line == (
        f"error: database {path} cannot be opened: the log of its last changes (team.duckdb.wal,"
        f" {wal(path).stat().st_size} bytes) cannot be replayed; run `python -m kpi recover"
        f" --db {path}` to set that log aside (it is kept) and open the last saved state"
    )
    assert files(tmp_path) == before  # nothing written, nothing moved


def test_recover_sets_the_log_aside_opens_the_last_checkpoint_and_the_commands_work(tmp_path):
    path = unreplayable(tmp_path)
    log = wal(path).read_bytes()
    proc = cli("recover", "--db", str(path))
    assert proc.returncode == 0, proc.stderr
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("team.duckdb.wal.unreplayable-")]
    assert len(aside) == 1 and aside[0].read_bytes() == log  # kept, byte for byte
    assert not wal(path).exists()
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        f"database {path}: its log did not replay and was set aside as {aside[0].name}"
        f" ({len(log):,} bytes, kept: it holds the changes made after the last checkpoint,"
        " which are not in the database now)"
    )
    assert lines[1].startswith(
        "it holds 8 contacts, the newest dated 2026-05-02; last import: kpi_small.csv at "
    )
    # The last checkpointed state: the 8 contacts, not Zoe (she was only in the log).
    summary = cli("summary", "--json", "--db", str(path))
    assert summary.returncode == 0 and '"contacts": 8' in summary.stdout
    con = db.connect(path)
    assert con.execute("select count(*) from roster").fetchone()[0] == 0
    con.close()
    # Run again, it finds a database that opens and changes nothing.
    before = files(tmp_path)
    again = cli("recover", "--db", str(path))
    assert again.returncode == 0
    assert again.stdout.splitlines()[0] == (
        f"database {path} opens fine: nothing to recover, nothing changed"
    )
    assert files(tmp_path) == before


def test_recover_never_touches_a_database_that_opens(tmp_path):
    """Here with a log that replays (a save the process was killed after): recover leaves the
    file and its log exactly as they are; opening them is the app's business."""
    path = tmp_path / "team.duckdb"
    con = db.connect(path)
    ingest.import_file(con, DATA / "kpi_small.csv", today=TODAY)
    con.close()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys\nfrom kpi import db, roster\ncon = db.connect(sys.argv[1])\n"
            "roster.add_person(con, 'zoe@x.nl', 'Zoe', None, 'rep', by='test')\nos._exit(0)\n",
            str(path),
        ],
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    assert wal(path).exists()
    before = files(tmp_path)
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    proc = cli("recover", "--db", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "opens fine: nothing to recover" in proc.stdout
    assert files(tmp_path) == before
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps


def _holder(code: str, path: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ok"
    return proc


def test_recover_refuses_while_another_process_holds_the_database(tmp_path):
    path = tmp_path / "team.duckdb"
    db.connect(path).close()
    holder = _holder(
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True);"
        " time.sleep(60)",
        path,
    )
    try:
        proc = cli("recover", "--db", str(path))
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert f"database {path} is in use by PID {holder.pid}" in line
    assert line.endswith("; nothing was changed")


def test_recover_refuses_to_move_a_log_while_another_process_opens_the_file(tmp_path):
    """A log that does not replay keeps DuckDB out, but another process may be opening the
    file at that moment (it holds the lock DuckDB takes): the log stays where it is."""
    path = unreplayable(tmp_path)
    holder = _holder(
        "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR);"
        " fcntl.lockf(fd, fcntl.LOCK_EX); print('ok', flush=True); time.sleep(60)",
        path,
    )
    try:
        before = files(tmp_path)
        proc = cli("recover", "--db", str(path))
        assert files(tmp_path) == before
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 1
    assert f"is in use by PID {holder.pid}" in one_line_error(proc)


@pytest.mark.parametrize("damage", ["cut short", "not a database"])
def test_a_damaged_file_is_named_and_recover_points_to_a_backup(tmp_path, damage):
    path = tmp_path / "team.duckdb"
    con = db.connect(path)
    ingest.import_file(con, DATA / "kpi_small.csv", today=TODAY)
    con.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3] if damage == "cut short" else b"a,b\n1,2\n" * 50)
    before = files(tmp_path)
    for command in COMMANDS:
        proc = cli(*command, "--db", str(path))
        assert proc.returncode == 1
        line = one_line_error(proc)
        assert line.startswith(f"error: database {path} cannot be opened: the file is damaged")
        assert f"run `python -m kpi recover --db {path}`" in line and "Error:" not in line
    proc = cli("recover", "--db", str(path))
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert f"restore a backup with `python -m kpi restore BACKUP --db {path}`" in line
    assert files(tmp_path) == before


def test_a_newer_schema_is_named_by_every_command_and_by_recover(tmp_path):
    path = tmp_path / "team.duckdb"
    con = db.connect(path)
    con.execute("update meta set value = '99' where key = 'schema_version'")
    con.close()
    for command in COMMANDS:
        proc = cli(*command, "--db", str(path))
        assert proc.returncode == 1
        assert one_line_error(proc) == (
            f"error: database {path} has schema version 99, newer than this program's "
            f"{db.SCHEMA_VERSION}: upgrade Commitboard (`python -m kpi recover --db {path}`"
            " tells more)"
        )
    proc = cli("recover", "--db", str(path))
    assert proc.returncode == 1
    assert "upgrade Commitboard; nothing was changed" in one_line_error(proc)


def test_recover_of_a_database_that_is_not_there(tmp_path):
    proc = cli("recover", "--db", str(tmp_path / "none.duckdb"))
    assert proc.returncode == 1
    assert one_line_error(proc) == f"error: no database at {tmp_path / 'none.duckdb'}"
    assert not (tmp_path / "none.duckdb").exists()
