"""A DuckLake store's own care: maintenance from cron, and backup and restore through a file.

Backups of a lake are ordinary Commitboard database files: one read transaction of the lake
(one snapshot, while every app server goes on writing) copied into a new file with the same
schema, checkpointed, synced and renamed into place. So one backup format serves both stores:
a lake's backup opens with `--db backup.duckdb` like any file, and `kpi restore` takes a file
(a backup, or the embedded database a team used before) into the lake in one transaction.
Chosen over `pg_dump` plus a copy of the data folder, which are two copies taken at two
moments that must match, and which need PostgreSQL's tools where the app runs.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from kpi import backup as file_backup
from kpi import db
from kpi.extensions import sql_string

# How long old snapshots (time travel) and files no longer used are kept by `kpi maintain`.
KEEP_DAYS = 7


@dataclass
class Maintained:
    flushed: bool
    snapshots_before: int
    snapshots_after: int
    files_removed: int
    seconds: float


def _snapshots(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute(f"select count(*) from ducklake_snapshots('{db.LAKE}')").fetchone()[0])


def maintain(con: duckdb.DuckDBPyConnection, keep_days: int = KEEP_DAYS) -> Maintained:
    """What a lake needs now and then (nightly from cron): small writes kept inline in
    PostgreSQL written out as Parquet, small files merged, snapshots older than keep_days
    expired, and the files nothing refers to any more (expired, merged, or left by a killed
    writer) deleted once they are older than keep_days. App servers may run meanwhile."""
    if not db.on_lake(con):
        raise db.StoreError("maintain is for a DuckLake store; a database file needs none")
    if keep_days < 1:
        raise ValueError("keep at least 1 day of snapshots: a running query may still read them")
    started = time.perf_counter()
    before = _snapshots(con)
    older = f"now() - interval '{int(keep_days)} days'"  # an int: nothing of the user's pasted
    con.execute(f"call ducklake_flush_inlined_data('{db.LAKE}')")
    con.execute(f"call ducklake_merge_adjacent_files('{db.LAKE}')")
    con.execute(f"call ducklake_expire_snapshots('{db.LAKE}', older_than => {older})")
    removed = con.execute(
        f"select count(*) from ducklake_cleanup_old_files('{db.LAKE}', older_than => {older})"
    ).fetchone()[0]
    removed += con.execute(
        f"select count(*) from ducklake_delete_orphaned_files('{db.LAKE}', older_than => {older})"
    ).fetchone()[0]
    return Maintained(
        flushed=True,
        snapshots_before=before,
        snapshots_after=_snapshots(con),
        files_removed=int(removed),
        seconds=time.perf_counter() - started,
    )


def tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    """The tables of a Commitboard store attached as `catalog`, in a fixed order."""
    return [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ?"
            " and schema_name = 'main' and not temporary order by table_name",
            [catalog],
        ).fetchall()
    ]


def backup(spec: str, dest: str | os.PathLike[str], *, force: bool = False) -> file_backup.Copied:
    """Copy the lake, as one snapshot, into a new database file at dest (a file, or a folder
    for a dated file in it). The lake stays open to every writer meanwhile."""
    target = file_backup.destination(Path("commitboard-lake"), dest)
    file_backup._check_target(target, force)
    scratch = file_backup._partial(target, "partial")
    made = db.connect(scratch)  # today's schema: the copy is a database like any other
    made.close()
    con = db.connect(spec)
    try:
        con.execute(f"attach {sql_string(str(scratch))} as copy")
        try:
            con.execute("begin transaction")  # one snapshot of the lake for every table
            names = tables(con, db.LAKE)
            if names != tables(con, "copy"):
                raise file_backup.BackupError(
                    "the lake's tables are not this program's: upgrade Commitboard first"
                )
            snapshot = con.execute(f"select id from {db.LAKE}.current_snapshot()").fetchone()[0]
            for name in names:
                con.execute(f"delete from copy.{name}")  # our own tables' names
                con.execute(f"insert into copy.{name} select * from {db.LAKE}.{name}")
            con.execute("delete from copy.meta where key = 'lake_snapshot'")
            con.execute("insert into copy.meta values ('lake_snapshot', ?)", [str(snapshot)])
            contacts = con.execute("select count(*) from copy.contacts").fetchone()[0]
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("checkpoint copy")
        con.execute("detach copy")
    finally:
        con.close()
    db.fsync(scratch)
    if force:
        os.replace(scratch, target)
    else:
        try:
            os.link(scratch, target)  # never over a file made meanwhile
        except FileExistsError:
            scratch.unlink(missing_ok=True)
            raise file_backup.BackupError(f"{target} already exists: choose another name") from None
        scratch.unlink(missing_ok=True)
    db.fsync(target.parent)
    file_backup.verify(target, int(contacts))
    return file_backup.Copied(target, int(contacts), db.SCHEMA_VERSION)


def restore(source: str | os.PathLike[str], spec: str) -> tuple[file_backup.Copied, Path]:
    """Replace everything in the lake by what the database file `source` holds (a backup, or
    the embedded database a team used before), in one transaction: every app server sees the
    old data or the new, never a mix. What the lake held before is first backed up beside the
    source; returns what was restored and where that backup is."""
    source = Path(source)
    version, _ = file_backup._check(source)
    with tempfile.TemporaryDirectory(prefix="commitboard-restore-") as tmp:
        # A file of an older version is brought up to date in a copy; the source stays as it is.
        current = Path(tmp) / "source.duckdb"
        shutil.copyfile(source, current)
        db.connect(current).close()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = backup(spec, source.with_name(f"lake-before-restore-{stamp}.duckdb")).path
        con = db.connect(spec)
        try:
            con.execute(f"attach {sql_string(str(current))} as source (read_only)")
            names = tables(con, "source")
            if names != tables(con, db.LAKE):
                raise file_backup.BackupError(
                    f"{source} (schema {version}) does not have this lake's tables"
                )

            def work(c: duckdb.DuckDBPyConnection) -> int:
                for name in names:
                    c.execute(f"delete from {db.LAKE}.{name}")  # our own tables' names
                    c.execute(f"insert into {db.LAKE}.{name} select * from source.{name}")
                c.execute(f"delete from {db.LAKE}.meta where key = 'lake_snapshot'")
                # The version goes on from the highest either side had: no app server may
                # keep a cached page from before under a number it sees again.
                c.execute(
                    f"update {db.LAKE}.counters set value = value + greatest("
                    f"(select value from {db.LAKE}.counters where name = 'data_version'), 1)"
                    " where name = 'data_version'"
                )
                return int(c.execute(f"select count(*) from {db.LAKE}.contacts").fetchone()[0])

            contacts = db.transaction(con, work)
            con.execute("detach source")
        finally:
            con.close()
    return file_backup.Copied(source, contacts, db.SCHEMA_VERSION), kept
