"""Backups and restores: consistent while the app writes, refused while in use, nothing lost."""

from __future__ import annotations

import datetime as dt
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from kpi import backup, contacts, db, ingest
from kpi.__main__ import main as kpi_main
from tests.reliability.helpers import ROOT, AppLike, cli, dump, one_line_error

SMALL = ROOT / "tests" / "data" / "kpi_small.csv"


@pytest.fixture
def dbfile(tmp_path) -> Path:
    """A database with the small known data set and one rejected row."""
    path = tmp_path / "team.duckdb"
    con = db.connect(path)
    ingest.import_file(con, SMALL, today=dt.date(2026, 6, 30))
    bad = tmp_path / "bad.csv"
    bad.write_text("contact_date,rep,account,channel\n2026-03-31,anna,Acme,fax\n")
    ingest.import_file(con, bad)
    con.close()
    return path


def test_backup_while_the_app_writes_is_one_consistent_snapshot(dbfile, tmp_path):
    """The app holds the lock and saves contacts and imports files all the time; the backup it
    makes on request holds exactly the transactions committed before it began."""
    with AppLike(dbfile, "--threads", "1", "--import-every", "3") as app:
        app.wait_for(lambda lines: sum(x.startswith("imported") for x in lines) >= 2)
        confirmed_before = set(app.saved())
        target = tmp_path / "backup.duckdb"
        proc = cli("backup", "--db", str(dbfile), str(target))
        assert proc.returncode == 0, proc.stderr
        assert f"made by the running app (PID {app.pid})" in proc.stdout
        # The app went on saving while the copy was made, and after.
        after = len(app.saved())
        app.wait_for(lambda lines: sum(x.startswith("saved") for x in lines) > after + 3)
    copy, source = dump(target), dump(dbfile)

    ids = [row[0] for row in copy["contacts"]]
    # One writer, so ids rise in commit order (with gaps where an import's line was rejected):
    # the copy is a prefix of the history.
    assert ids == sorted(set(ids)) and ids[0] == 1
    assert confirmed_before <= {row[22] for row in copy["contacts"]}  # notes hold the markers
    assert len(source["contacts"]) > len(ids)  # the app saved more after the copy
    assert copy["contacts"] == [row for row in source["contacts"] if row[0] <= ids[-1]]
    files = {row[0] for row in copy["imported_files"]}
    assert copy["imported_files"] == [r for r in source["imported_files"] if r[0] in files]
    assert copy["rejects"] == [r for r in source["rejects"] if r[1] in files]
    assert copy["meta"] == source["meta"]
    assert len(files) >= 3 and not torn_files(target)  # kpi_small, bad.csv, an app import
    print(
        f"[reliability] backup while writing: copy {len(ids)} contacts, {len(files)} files, "
        f"{len(copy['rejects'])} rejects; the database then {len(source['contacts'])} contacts"
    )

    # The copy is a working database: the app opens it and new ids follow on.
    con = db.connect(target)
    saved = contacts.save_contact(
        con, {"contact_date": "2026-03-31", "rep": "anna", "account": "New", "channel": "phone"}
    )
    con.close()
    assert saved.ok and saved.id > ids[-1]


def torn_files(path: Path) -> list[int]:
    """Imported files whose accepted or rejected rows are not all in the database."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            """
            select f.id from imported_files as f
            where f.accepted <> (select count(*) from contacts as c where c.file_id = f.id)
               or f.rejected <> (select count(*) from rejects as r where r.file_id = f.id)
            """
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def test_backup_when_nothing_holds_the_database_copies_it_whole(dbfile, tmp_path):
    target = tmp_path / "backup.duckdb"
    proc = cli("backup", "--db", str(dbfile), str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"backup written: {target} (8 contacts)"
    assert dump(target) == dump(dbfile)


def test_a_backup_removes_the_scratch_copies_of_killed_backups_only(dbfile, tmp_path):
    """A backup killed while it copies leaves its scratch copy in the folder (the crash matrix:
    5 of 20 kills); the next backup removes those of processes that are gone, and no other."""
    folder = tmp_path / "backups"
    folder.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = [
        folder / f".commitboard-20261205-021500.duckdb.partial-{gone.pid}-0123abcd",
        folder / f".commitboard-20261205-021500.duckdb.partial-{gone.pid}-0123abcd.wal",
    ]
    kept = [
        folder / f".other.duckdb.partial-{os.getpid()}-89abcdef",  # a backup under way
        folder / "notes.partial-1-txt",  # not ours
    ]
    for path in stale + kept:
        path.write_bytes(b"x")
    proc = cli("backup", "--db", str(dbfile), str(folder))
    assert proc.returncode == 0, proc.stderr
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([*(p.name for p in kept), Path(proc.stdout.split()[2]).name])


def test_restore_round_trip_keeps_the_replaced_database(dbfile, tmp_path):
    target = tmp_path / "monday.duckdb"
    assert kpi_main(["backup", "--db", str(dbfile), str(target)]) == 0
    con = db.connect(dbfile)
    contacts.save_contact(
        con, {"contact_date": "2026-04-01", "rep": "anna", "account": "Later", "channel": "video"}
    )
    contacts.delete_contact(con, 1)
    con.close()
    tuesday = dump(dbfile)
    assert tuesday != dump(target)

    proc = cli("restore", "--db", str(dbfile), str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"restored 8 contacts from {target} into {dbfile}",
        f"the database it replaced is kept as {dbfile}.before-restore",
    ]
    assert dump(dbfile) == dump(target)
    before = backup.before_restore_path(dbfile)
    assert dump(before) == tuesday

    # A second restore keeps the first one's before-restore too, under its date.
    assert kpi_main(["restore", "--db", str(dbfile), str(target)]) == 0
    older = [p for p in tmp_path.iterdir() if p.name.startswith(f"{dbfile.name}.before-restore-")]
    assert len(older) == 1 and dump(older[0]) == tuesday
    assert dump(before) == dump(target)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_another_program_holding_the_database(dbfile, tmp_path):
    """Another program holds the file and has no backup watcher (an old app, a notebook): the
    backup says it did not answer, the restore is refused; neither changes anything."""
    earlier = tmp_path / "earlier.duckdb"
    assert kpi_main(["backup", "--db", str(dbfile), str(earlier)]) == 0
    target = tmp_path / "backup.duckdb"
    before = dbfile.read_bytes()
    with AppLike(dbfile, "--no-watch") as holder:
        started = time.monotonic()
        asked = cli("backup", "--db", str(dbfile), "--wait", "1", str(target))
        took = time.monotonic() - started
        refused = cli("restore", "--db", str(dbfile), str(earlier))
    assert asked.returncode == 1
    line = one_line_error(asked)
    assert f"in use by PID {holder.pid}" in line and "did not answer" in line
    assert took < 10
    assert not backup.request_path(dbfile).exists()  # the request was withdrawn
    assert refused.returncode == 1
    line = one_line_error(refused)
    assert line.startswith(f"error: database {dbfile} is in use by PID {holder.pid}")
    assert line.endswith("stop the app first, then restore")
    assert dbfile.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.csv",
        "earlier.duckdb",
        "team.duckdb",
    ]


def _schema_without_meta(path: Path) -> None:
    duckdb.connect(str(path)).close()


def _newer_schema(path: Path) -> None:
    con = db.connect(path)
    con.execute("update meta set value = '99' where key = 'schema_version'")
    con.close()


# (case, command args with {db} {dir} {backup}, prepare, exit code, the error or output says)
CASES = [
    ("backup to a missing folder", ["backup", "{dir}/no/such/x.duckdb"], None, 1, "does not exist"),
    ("backup over a file", ["backup", "{backup}"], "backup", 1, "already exists"),
    ("backup --force over a file", ["backup", "--force", "{backup}"], "backup", 0, "8 contacts"),
    ("backup into a folder", ["backup", "{dir}"], None, 0, "team-"),
    ("backup onto the database", ["backup", "{db}"], None, 1, "the database itself"),
    ("backup of no database", ["backup", "--db", "{dir}/nothing.duckdb", "{backup}"], None, 1,
     "no database at"),
    ("restore from a missing file", ["restore", "{dir}/gone.duckdb"], None, 2, "no such file"),
    ("restore from a folder", ["restore", "{dir}"], None, 2, "is a folder"),
    ("restore from a text file", ["restore", "{dir}/bad.csv"], None, 2, "not a readable database"),
    ("restore from another DuckDB file", ["restore", "{backup}"], _schema_without_meta, 2,
     "not a Commitboard database"),
    ("restore from a newer schema", ["restore", "{backup}"], _newer_schema, 2, "newer Commitboard"),
    ("restore the database onto itself", ["restore", "{db}"], None, 1, "the database itself"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "args", "prepare", "code", "says"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_destinations_and_sources(dbfile, tmp_path, capsys, case, args, prepare, code, says):
    """Run in this process (the command line's own main): the tests above show what a real
    process prints; this one covers every decision about DEST and SRC."""
    other = tmp_path / "backup.duckdb"
    if prepare == "backup":
        assert kpi_main(["backup", "--db", str(dbfile), str(other)]) == 0
        dbfile_before_force = dump(dbfile)
    elif prepare is not None:
        prepare(other)
    before = dbfile.read_bytes()
    values = {"db": str(dbfile), "dir": str(tmp_path), "backup": str(other)}
    words = [a.format(**values) for a in args]
    if "--db" not in words:
        words[1:1] = ["--db", str(dbfile)]
    capsys.readouterr()
    assert kpi_main(words) == code
    out, err = capsys.readouterr()
    if code:
        assert len(err.splitlines()) == 1 and says in err, err
    else:
        assert says in out and not err
    assert dbfile.read_bytes() == before  # neither kind of command changes the database
    if case == "backup --force over a file":
        assert dump(other) == dbfile_before_force
    if case == "backup into a folder":
        (made,) = tmp_path.glob("team-*.duckdb")
        assert dump(made) == dump(dbfile)


def test_the_watcher_ends_with_its_connection(tmp_path):
    """One thread per database file in the app; it does not keep a closed app's file open."""
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    backup.serve_requests(con, path)
    thread = backup._watchers[str(path.absolute())]
    assert thread.is_alive()
    backup.serve_requests(con, path)  # the app's cache may call it again: still one thread
    assert backup._watchers[str(path.absolute())] is thread
    con.close()
    del con
    gc.collect()
    thread.join(timeout=5 * backup.POLL_SECONDS + 1)
    assert not thread.is_alive()
