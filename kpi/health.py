"""What a load balancer asks before it sends a visitor: does the store answer?"""

from __future__ import annotations

import os
import threading

import duckdb

from kpi import db

# A lake's connection for the checks, opened once per process: attaching a lake takes about
# half a second, a query on it a few milliseconds. Replaced when a check fails on it.
_LAKE: dict[str, object] = {}
_LAKE_LOCK = threading.Lock()


def check(path: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """The store's schema version and contact count, read without writing anything.

    Raises db.StoreError (a missing or unreadable database, one held by another program, a
    lake that does not answer) or duckdb.Error. In the app's process DuckDB hands out the
    database the app already has open (one instance per file and configuration), so a check
    costs a query, not an open."""
    spec = db.target(path)
    if db.is_lake(spec):
        return _check_lake(spec)
    target = db.db_path(spec)
    if not target.is_file():
        raise db.StoreError(f"database {target} does not exist")
    try:
        con = duckdb.connect(str(target))
    except duckdb.Error as exc:
        raise db.StoreError(str(exc).strip().splitlines()[0]) from None
    try:
        return _answer(con)
    finally:
        con.close()


def _answer(con) -> dict[str, object]:
    version = db.schema_version(con)
    contacts = con.execute("select count(*) from contacts").fetchone()[0] if version else 0
    return {"schema_version": version, "contacts": int(contacts)}


def _check_lake(spec: str) -> dict[str, object]:
    with _LAKE_LOCK:
        con = _LAKE.get(spec)
        if con is None:
            con = _LAKE[spec] = db.connect(spec, read_only=True)
    cur = con.cursor()
    try:
        return _answer(cur)
    except duckdb.Error as exc:
        with _LAKE_LOCK:
            if _LAKE.get(spec) is con:
                del _LAKE[spec]  # the next check attaches anew
        raise db.StoreError(
            f"the lake {db.describe(spec)} does not answer: {db.duckdb_reason(exc)}"
        ) from None
    finally:
        cur.close()
