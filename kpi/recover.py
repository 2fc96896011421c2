"""`python -m kpi recover`: bring back a database whose log does not replay, keeping the log."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from kpi import db

SET_ASIDE = "{name}.wal.unreplayable-{stamp}"


class RecoverError(Exception):
    """Recover will not or cannot help; the message is one line: why, and what to do instead."""


@dataclass(frozen=True)
class Recovered:
    """What recover found and did. `set_aside` is None when the database opened fine."""

    path: Path
    contacts: int
    newest_contact: dt.date | None
    last_import: tuple[str, dt.datetime] | None  # (file name, when)
    set_aside: Path | None = None
    set_aside_bytes: int = 0


def recover(database: str | os.PathLike[str]) -> Recovered:
    """Set an unreplayable log aside and open the last checkpointed state.

    A database that opens is not touched (opened read-only, which writes nothing). One whose log
    does not replay gets that log renamed to <db>.wal.unreplayable-<YYYYmmdd-HHMMSS> beside it
    (never deleted: it holds the changes since the last checkpoint) and is then opened as the
    app opens it. Raises RecoverError while another process holds the database, and for what
    setting the log aside cannot mend (a damaged file, a newer schema).
    """
    path = Path(database).absolute()
    if not path.is_file():
        raise RecoverError(f"no database at {path}")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        problem = db.open_error(path, exc)
        if problem.kind == "in_use":
            raise RecoverError(f"{problem}; nothing was changed") from None
        if problem.kind != "log":
            raise RecoverError(
                f"database {path} cannot be opened and it is not its log: the file itself is "
                f"damaged or not a DuckDB database ({db.duckdb_reason(exc)}); restore a backup with "
                f"`python -m kpi restore BACKUP --db {path}`; nothing was changed"
            ) from None
    else:
        try:
            version = db.schema_version(con)
            if version > db.SCHEMA_VERSION:
                raise RecoverError(
                    f"database {path} opens, but has schema version {version}, newer than this "
                    f"program's {db.SCHEMA_VERSION}: upgrade Commitboard; nothing was changed"
                )
            if version == 0:
                raise RecoverError(
                    f"database {path} opens, but holds no Commitboard data; nothing was changed"
                )
            return _state(con, path)
        finally:
            con.close()
    return _set_aside_and_open(path)


def _set_aside_and_open(path: Path) -> Recovered:
    wal = path.with_name(path.name + ".wal")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(SET_ASIDE.format(name=path.name, stamp=stamp))
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(SET_ASIDE.format(name=path.name, stamp=f"{stamp}-{n}"))
    try:
        with db.held(path):  # nobody opens it (and meets the log) while it is moved
            size = wal.stat().st_size
            os.replace(wal, aside)
            db.fsync(path.parent)
    except db.StoreError as exc:
        raise RecoverError(f"{exc}; nothing was changed") from None
    try:
        con = db.connect(path)
    except db.StoreError as exc:
        # The checkpointed state does not open either: put everything back as it was.
        if not wal.exists():
            os.replace(aside, wal)
        raise RecoverError(
            f"database {path} does not open without its log either ({exc}); restore a backup "
            f"with `python -m kpi restore BACKUP --db {path}`; the log was put back"
        ) from None
    try:
        return _state(con, path, aside, size)
    finally:
        con.close()


def _state(
    con: duckdb.DuckDBPyConnection, path: Path, aside: Path | None = None, size: int = 0
) -> Recovered:
    contacts, newest = con.execute("select count(*), max(contact_date) from contacts").fetchone()
    last = con.execute(
        "select name, imported_at from imported_files order by imported_at desc, id desc limit 1"
    ).fetchone()
    return Recovered(path, int(contacts), newest, tuple(last) if last else None, aside, size)
