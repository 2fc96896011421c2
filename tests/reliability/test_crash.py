"""Crash safety: SIGKILL in the middle of an import or of saves, then open the database again."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from kpi import db, ingest
from tests.reliability import crash_matrix
from tests.reliability.helpers import ROOT, AppLike, cli, dump

SMALL = ROOT / "tests" / "data" / "kpi_small.csv"
BIG_ROWS = 130_000  # more than one DuckDB row group (122,880): written before the commit
BAD_EVERY = 1000  # one rejected row (channel fax) in every thousand


def write_big(path: Path) -> tuple[int, int]:
    """A contact log big enough that an import takes a while: (accepted, rejected) it holds."""
    lines = ["contact_id,contact_date,rep,account,channel,commitment_level,commitment,notes\n"]
    bad = 0
    for i in range(BIG_ROWS):
        channel = "fax" if i % BAD_EVERY == BAD_EVERY - 1 else "visit"
        bad += channel == "fax"
        level = i % 5
        lines.append(
            f"big-{i},2026-03-{1 + i % 28:02d},rep{i % 12}@x.nl,Account {i % 5000},{channel},"
            f"{level},{'agreed a next step' if level else ''},note {i}\n"
        )
    path.write_text("".join(lines), encoding="utf-8")
    return BIG_ROWS - bad, bad


def counts(path: Path) -> tuple[int, int, int]:
    """(contacts, rejects, imported files), opening the database as the app would after a crash."""
    con = db.connect(path)
    try:
        return con.execute(
            "select (select count(*) from contacts), (select count(*) from rejects),"
            " (select count(*) from imported_files)"
        ).fetchone()
    finally:
        con.close()


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


# Where the kill lands, told by what the import leaves on disk while it runs (see ingest):
#  validating: its temp folder exists; the database file has not grown yet;
#  writing:    full row groups of the new rows go into the database file before the commit
#              (it grows while the WAL has not);
#  committing: the commit is logged (the WAL grows), then checkpointed; a short moment, so the
#              import may be done before the kill.
PHASES = ("validating", "writing", "committing")


def reached(phase: str, tmpdir: Path, dbfile: Path, db_size: int, wal_size: int) -> bool:
    wal_grown = size(dbfile.with_name(dbfile.name + ".wal")) > wal_size
    if phase == "validating":
        return any(tmpdir.iterdir())
    if phase == "writing":
        return size(dbfile) > db_size and not wal_grown
    return wal_grown


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Path, Path, tuple[int, int]]:
    """The big file, and a database with the small data set that it is imported into."""
    folder = tmp_path_factory.mktemp("crash")
    path = folder / "big.csv"
    expected = write_big(path)
    base = folder / "base.duckdb"
    con = db.connect(base)
    ingest.import_file(con, SMALL, today=dt.date(2026, 6, 30))
    con.close()
    return path, base, expected


@pytest.mark.parametrize("phase", PHASES)
def test_sigkill_during_an_import_leaves_the_file_wholly_in_or_out(big, tmp_path, phase):
    path, base, (accepted, rejected) = big
    dbfile = tmp_path / "team.duckdb"
    shutil.copy(base, dbfile)
    start = counts(dbfile)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    db_size, wal_size = size(dbfile), size(dbfile.with_name(dbfile.name + ".wal"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "kpi", "import", "--db", str(dbfile), str(path)],
        cwd=ROOT,
        env=os.environ | {"TMPDIR": str(tmpdir)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Poll until the import is demonstrably in this phase, then kill it there.
    deadline = time.monotonic() + 120
    while proc.poll() is None and not reached(phase, tmpdir, dbfile, db_size, wal_size):
        assert time.monotonic() < deadline
        time.sleep(0.005)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    code = proc.wait()
    if phase != "committing":  # the commit is too short to be sure of landing in it
        assert code == -signal.SIGKILL, "the import ended before the kill"

    after = counts(dbfile)
    whole_in = (start[0] + accepted, start[1] + rejected, start[2] + 1)
    assert after in (start, whole_in)

    # Importing it again gives exactly the whole file, once.
    con = db.connect(dbfile)
    result = ingest.import_file(con, path)
    con.close()
    assert result.skipped == (after == whole_in)
    assert counts(dbfile) == whole_in
    print(
        f"[reliability] import killed while {phase} (exit {code}): "
        f"{'wholly in' if after == whole_in else 'wholly out'}; {BIG_ROWS} rows in, "
        f"{accepted} accepted, {rejected} rejected after the re-import"
    )


def test_sigkill_while_reps_save_keeps_every_confirmed_contact(tmp_path):
    """Four sessions save contacts through the form's code path and print each one they saw
    confirmed; the process is killed mid-save, started again on the crashed file, killed again.
    Every confirmed contact is there, once; so is it in a backup made right after the crash,
    before anything opened the file again."""
    dbfile = tmp_path / "team.duckdb"
    db.connect(dbfile).close()
    confirmed: set[str] = set()
    for round_ in range(2):
        with AppLike(dbfile, "--threads", "4") as app:
            app.wait_for(lambda lines: sum(x.startswith("saved") for x in lines) >= 20)
            app.kill()
            assert app.proc.returncode == -signal.SIGKILL
            confirmed |= app.saved()
        if round_ == 0:
            crashed = tmp_path / "after-crash.duckdb"
            assert cli("backup", "--db", str(dbfile), str(crashed)).returncode == 0
            assert confirmed <= set(notes(crashed))
        stored = notes(dbfile)
        assert confirmed <= set(stored)
        assert len(stored) == len(set(stored))  # none twice
    # What the backup after the crash held is still there, row for row.
    assert set(dump(crashed)["contacts"]) <= set(dump(dbfile)["contacts"])
    print(f"[reliability] save loop killed twice: {len(confirmed)} confirmed, {len(stored)} stored")


def notes(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("select notes from contacts").fetchall()]
    finally:
        con.close()


# -- the crash matrix, a few trials of it (the whole of it: `make crash`) -----------------------

# (path, kill moment range): for a one-shot run, as a share of how long the same run takes
# unkilled on this machine now (measured first: a fixed number of seconds hit the end of the
# run on a quiet machine and the start on a busy one), counted from when the process writes a
# file the folder did not have (the database, its log or a scratch file beside it); for a loop,
# in seconds from its "ready". The paths a new user meets first (issue 13: a new database
# killed during its first import or demo data never opened again), the upgrade DuckDB could not
# replay, a form edit and a restore.
FAST = [
    ("new_import", (0.2, 0.9)),
    ("new_demo", (0.2, 0.9)),
    ("migrate_v4", (0.0, 0.9)),
    ("form_edit", (0.2, 1.5)),
    ("restore", (0.0, 0.9)),
]


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("matrix")


@pytest.mark.parametrize(("name", "moments"), FAST, ids=[name for name, _ in FAST])
def test_a_kill_at_a_seeded_moment_leaves_a_database_that_opens_with_all_or_nothing(
    templates, tmp_path, name, moments
):
    path = crash_matrix.PATHS_BY_NAME[name]
    share = random.Random(f"{name}-13").uniform(*moments)
    template = crash_matrix.prepare(path, templates)
    when = None if path.loop else crash_matrix.writing(template)
    if path.loop:
        at = share
    else:
        whole = crash_matrix.trial(path, template, tmp_path / "whole", None, when)
        assert whole.state == "in", f"the unkilled run: {whole.state}: {whole.detail}"
        at = share * whole.seconds
    for _ in range(3):  # a run quicker than the measured one ends before the kill: earlier
        outcome = crash_matrix.trial(path, template, tmp_path / "run", at, when)
        assert not outcome.failed, f"{outcome.state}: {outcome.detail}"
        if outcome.killed:
            break
        at /= 2
    assert outcome.killed, "the run ended before the kill, three times"
    print(f"[reliability] {name} killed at {at:.2f} s: wholly {outcome.state}")
