"""The DuckDB store: where the database lives, its schema, and migrations."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import duckdb

from kpi import rollups

_CHECKOUT = Path(__file__).resolve().parent.parent
# In a checkout, data/ beside app.py; installed (`pip install .`), data/ in the working folder.
DEFAULT_DB = (
    (_CHECKOUT if (_CHECKOUT / "app.py").exists() else Path()) / "data" / "commitboard.duckdb"
)
SCHEMA_VERSION = 7


class StoreError(Exception):
    """A problem with the database file that a person can act on."""


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database path: explicit argument, else $COMMITBOARD_DB, else data/commitboard.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("COMMITBOARD_DB")
    return Path(env) if env else DEFAULT_DB


def limit_memory(con: duckdb.DuckDBPyConnection, limit: str) -> None:
    """Cap how much memory DuckDB keeps for this database's data and running queries (e.g.
    '512MB'); it spills the rest to disk. The cap holds for every connection to the same file in
    this process. Raises StoreError for a value DuckDB does not understand."""
    try:
        con.execute("set memory_limit = ?", [limit])
    except duckdb.Error as exc:
        raise StoreError(f"memory limit {limit!r}: {_first_line(exc)}") from None


# Each step takes the schema from version i to i + 1 and runs inside one transaction.
_V1 = """
create table meta (key varchar primary key, value varchar not null);

-- Bumped by every write; the UI keys its caches on it.
create sequence data_version_seq start 1;

create sequence contact_id_seq start 1;
create table contacts (
    id bigint not null default nextval('contact_id_seq'),
    contact_id varchar,
    contact_date date not null,
    rep varchar not null,
    rep_key varchar not null,
    account varchar not null,
    account_key varchar not null,
    contact_person varchar,
    contact_role varchar,
    channel varchar not null,
    appointment_planned boolean not null default false,
    quote_sent boolean not null default false,
    quote_amount decimal(18, 2),
    revenue decimal(18, 2),
    commitment_level tinyint not null default 0,
    commitment varchar,
    commitment_due date,
    commitment_status varchar,
    would_repeat varchar,
    reflection varchar,
    lesson varchar,
    share_for_training boolean not null default false,
    notes varchar,
    source varchar not null,
    file_id bigint,
    line integer,
    created_at timestamp not null default current_timestamp,
    updated_at timestamp not null default current_timestamp
);

create sequence file_id_seq start 1;
create table imported_files (
    id bigint not null,
    path varchar not null,
    name varchar not null,
    sha256 varchar not null,
    rows_read bigint not null,
    accepted bigint not null,
    updated bigint not null,
    rejected bigint not null,
    imported_at timestamp not null default current_timestamp
);

create sequence reject_id_seq start 1;
create table rejects (
    id bigint not null default nextval('reject_id_seq'),
    file_id bigint not null,
    line integer not null,
    raw varchar,
    fields map(varchar, varchar),
    reasons varchar[] not null
);

create table roster (
    email varchar not null,
    email_key varchar not null,
    name varchar not null,
    team varchar,
    role varchar not null
);
"""

# v2: who changed the roster, what and when (the roster page and `python -m kpi roster`).
_V2 = """
create sequence roster_change_seq start 1;
create table roster_changes (
    id bigint not null default nextval('roster_change_seq'),
    changed_at timestamp not null default current_timestamp,
    changed_by varchar not null,
    action varchar not null,          -- add, change, remove, replace
    email varchar,                    -- the person changed; null for a whole-roster replace
    before_value varchar,             -- "name · team · role" before, null when added
    after_value varchar               -- and after, null when removed
);
"""

# v3: the rollups (kpi/rollups.py), created and filled from the contacts already there.
# v4: what a signed-in person keeps across sign-ins (kpi/preferences.py): their language.
_V4 = """
create table preferences (
    email_key varchar primary key,    -- lower-case, trimmed, as the roster's email_key
    lang varchar not null,            -- nl or en
    updated_at timestamp not null default current_timestamp
);
"""
# v5: the four columns with a fixed list of values (DOMAIN.md) stored as DuckDB enums, a byte per
# value: writing an import of 1M contacts takes 0.2 s less than with text, and the KPIs compare
# bytes. Every value in them passed validation, so the conversion cannot meet a stranger. Their
# values are written out here, not taken from kpi.fields, so this step stays what it was. Kept
# in mind where they are read: an enum orders by its list and comes out of .df() as a pandas
# Categorical, so the queries that return one cast it to varchar.
_V5 = """
create type channel_value as enum ('phone', 'visit', 'video', 'email', 'event', 'social');
create type contact_role_value as enum ('staff', 'manager', 'decision_maker', 'board');
create type commitment_status_value as enum ('open', 'kept', 'broken');
create type would_repeat_value as enum ('yes', 'partly', 'no');
alter table contacts alter column channel type channel_value;
alter table contacts alter column contact_role type contact_role_value;
alter table contacts alter column commitment_status type commitment_status_value;
alter table contacts alter column would_repeat type would_repeat_value;
"""
# v7: goals on any KPI (kpi/goals.py) and their log of changes (who, what, when). Plain tables,
# no sequence or key, so they carry over to a DuckLake store as they are; the log is ordered by
# the number each change is given in its transaction.
_V7 = """
create table goals (
    kpi varchar not null,
    target double not null,
    period varchar not null,          -- week, month, quarter, year
    team varchar,                     -- the scope: a team, a rep, or neither (everyone)
    rep varchar,
    set_by varchar not null,
    set_at timestamp not null default current_timestamp
);
create table goal_changes (
    seq bigint not null,
    changed_at timestamp not null default current_timestamp,
    changed_by varchar not null,
    action varchar not null,          -- set, change, remove
    kpi varchar not null,
    scope varchar not null,           -- "everyone", "team: Noord", "rep: anna@x.nl"
    before_value varchar,             -- "≥ 0.4 per month", null when set
    after_value varchar               -- and after, null when removed
);
"""
# v6: one more rollup, the contacts per rep, account and month (kpi/rollups.py, account_month),
# filled from the contacts there are: the relationship lists, the heatmap and the form's list of
# accounts read it instead of every contact (10M contacts: 4 s, once).
MIGRATIONS: list[str | Callable[[duckdb.DuckDBPyConnection], None]] = [
    _V1,
    _V2,
    rollups.create,
    _V4,
    _V5,
    rollups.count_months,
    _V7,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database; 0 when it is empty."""
    has_meta = con.execute(
        "select count(*) from information_schema.tables where table_name = 'meta' and table_schema = 'main'"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute("select value from meta where key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema up to date, one transaction per step; returns the version reached."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {version} is newer than this program ({SCHEMA_VERSION}); upgrade Commitboard"
        )
    while version < SCHEMA_VERSION:
        con.execute("begin transaction")
        try:
            step = MIGRATIONS[version]
            step(con) if callable(step) else con.execute(step)
            con.execute(
                "insert or replace into meta values ('schema_version', ?)", [str(version + 1)]
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        version += 1
    return version


def connect(
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database and migrate it; raises StoreError with a clear reason."""
    target = db_path(path)
    if str(target) != ":memory:":
        if target.exists() and target.is_dir():
            raise StoreError(f"{target} is a folder, not a database file")
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), read_only=read_only)
    except duckdb.IOException as exc:
        raise StoreError(_explain_io_error(target, exc)) from None
    except duckdb.Error as exc:
        raise StoreError(f"cannot open database {target}: {_first_line(exc)}") from None
    if not read_only:
        migrate(con)
        # After a file is reopened DuckDB reports a sequence's last_value as the next value to
        # hand out, and the first nextval() returns that same number: the first write after a
        # start would leave data_version() unchanged and caches stale. One bump on open puts the
        # sequence past that (tests/kpi/test_db.py::test_every_write_after_a_reopen_...).
        bump_version(con)
    return con


def _program(pid: int) -> str:
    """' (streamlit run app.py)' for a process we can see, else ''."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return ""
    words = [
        Path(a.decode(errors="replace")).name if i == 0 else a.decode(errors="replace")
        for i, a in enumerate(argv)
        if a
    ]
    command = " ".join(words)
    return f" ({command[:80]})" if command else ""


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _explain_io_error(target: Path, exc: Exception) -> str:
    text = str(exc)
    if "lock" in text.lower():
        # DuckDB names the holder as "(PID 1234)"; keep that part, it tells the user what to stop.
        holder = ""
        match = re.search(r"PID (\d+)", text)
        if match:
            holder = f" by PID {match.group(1)}{_program(int(match.group(1)))}"
        return (
            f"database {target} is in use{holder}: stop that program (the app?) first, "
            "or import through the app's Import page"
        )
    return f"cannot open database {target}: {_first_line(exc)}"


def bump_version(con: duckdb.DuckDBPyConnection) -> None:
    """Mark that data changed (call inside the writing transaction)."""
    con.execute("select nextval('data_version_seq')").fetchone()


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever contacts, rejects or the roster change."""
    return int(
        con.cursor()
        .execute(
            "select last_value from duckdb_sequences() where sequence_name = 'data_version_seq'"
        )
        .fetchone()[0]
        or 0
    )


def transaction(
    con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], object]
):
    """Run work(con) in one transaction: all of it or nothing."""
    con.execute("begin transaction")
    try:
        result = work(con)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    # Sequences are not transactional: another session sees the bump made inside `work` before
    # the commit, and may cache what it reads then under that version. A second bump, after the
    # data is visible, makes sure the newest version always means committed data.
    bump_version(con)
    return result
