"""What a load balancer asks before it sends a visitor: does the store answer?"""

from __future__ import annotations

import os

import duckdb

from kpi import db


def check(path: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """The store's schema version and contact count, read without writing anything.

    Raises db.StoreError (a missing or unreadable database, one held by another program) or
    duckdb.Error. In the app's process DuckDB hands out the database the app already has open
    (one instance per file and configuration), so a check costs a query, not an open."""
    target = db.db_path(path)
    if not target.is_file():
        raise db.StoreError(f"database {target} does not exist")
    try:
        con = duckdb.connect(str(target))
    except duckdb.Error as exc:
        raise db.StoreError(str(exc).strip().splitlines()[0]) from None
    try:
        version = db.schema_version(con)
        contacts = con.execute("select count(*) from contacts").fetchone()[0] if version else 0
    finally:
        con.close()
    return {"schema_version": version, "contacts": int(contacts)}
