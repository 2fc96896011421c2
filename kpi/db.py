"""The DuckDB store: where the database lives, its schema, and migrations."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from kpi import extensions, rollups

_CHECKOUT = Path(__file__).resolve().parent.parent
# In a checkout, data/ beside app.py; installed (`pip install .`), data/ in the working folder.
DEFAULT_DB = (
    (_CHECKOUT if (_CHECKOUT / "app.py").exists() else Path()) / "data" / "commitboard.duckdb"
)
SCHEMA_VERSION = 12
# A new store (a file or a lake) is made at this version directly by create_schema(), then
# brought up by the MIGRATIONS after it, which therefore run on both stores; the steps before
# it only ever upgrade database files made by older versions.
BASE_VERSION = 9
# `--db` / $COMMITBOARD_DB in this form chooses a DuckLake store whose catalog is in PostgreSQL
# (the rest is libpq's connection string); its data files go to $COMMITBOARD_DATA_PATH.
LAKE_PREFIX = "ducklake:"
LAKE = "lake"  # the name the lake is attached under, and then used as the default catalog
log = logging.getLogger("commitboard.store")


class StoreError(Exception):
    """A problem with the database file that a person can act on; `kind` says which, for a
    page that explains it in the user's language: log (a log that does not replay), damaged,
    foreign, newer (schema), in_use, or other."""

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


def target(explicit: str | os.PathLike[str] | None = None) -> str:
    """The store: explicit argument, else $COMMITBOARD_DB, else data/commitboard.duckdb. A file
    path, ':memory:', or a lake (`ducklake:postgres:dbname=... host=...`)."""
    if explicit:
        return str(explicit)
    return os.environ.get("COMMITBOARD_DB") or str(DEFAULT_DB)


def is_lake(spec: str | os.PathLike[str] | None = None) -> bool:
    """Whether the store (as target() gives it) is a DuckLake catalog."""
    return target(spec).startswith(LAKE_PREFIX)


def describe(spec: str | os.PathLike[str] | None = None) -> str:
    """The store named for people and logs: a lake's password left out."""
    return redact(target(spec))


def redact(text: str) -> str:
    """`text` with any `password=...` of a connection string replaced by ***: DuckDB repeats
    the whole string in its errors."""
    return re.sub(r"(password\s*=\s*)('[^']*'|[^\s'\"]+)", r"\1***", text, flags=re.I)


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: explicit argument, else $COMMITBOARD_DB, else data/commitboard.duckdb.
    StoreError for a lake, which has no file (the commands that work on the file ask this)."""
    spec = target(explicit)
    if is_lake(spec):
        raise StoreError(
            f"{describe(spec)} is a DuckLake store, not a database file: this works on a file only"
        )
    return Path(spec)


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


def _v8(con: duckdb.DuckDBPyConnection) -> None:
    """v8: contacts from a CRM export (DOMAIN.md): a commitment level may be not recorded (null;
    the contacts there are keep theirs), kpi_day counts the recorded ones per rep and day, and
    an import keeps how many of its rows were not a contact."""
    con.execute("alter table contacts alter column commitment_level drop not null")
    con.execute("alter table imported_files add column not_contacts bigint default 0")
    rollups.count_recorded(con)


# v9: one schema for a database file and a DuckLake store (issue 15; docs/lake-design.md). The
# lake has no sequences, no enum types and no keys, so neither has the file any more: numbers
# (contact ids, file ids, the data version) come from the `counters` table in the writing
# transaction (reserve()), the four columns with a fixed list of values are text (every value
# in them passed validation), and `meta` and `preferences` are kept unique by their writers
# (merge into). Text instead of enums cost +0.2 s on a 1M import (session 4); no measured gain
# of the enums pays for a second schema.
COUNTER_NAMES: tuple[str, ...] = (
    "contact_id",
    "file_id",
    "reject_id",
    "roster_change",
    "data_version",
)
_ENUM_COLUMNS = ("channel", "contact_role", "commitment_status", "would_repeat")


def _v9(con: duckdb.DuckDBPyConnection) -> None:
    """v9 on a database file of v8: sequences to counters, enums to text, keys dropped."""
    con.execute("create table counters (name varchar not null, value bigint not null)")
    for name, table in (
        ("contact_id", "contacts"),
        ("file_id", "imported_files"),
        ("reject_id", "rejects"),
        ("roster_change", "roster_changes"),
    ):
        con.execute(
            f"insert into counters select ?, coalesce(max(id), 0) from {table}",  # our names
            [name],
        )
    con.execute(
        "insert into counters select 'data_version', coalesce(max(last_value), 0)"
        " from duckdb_sequences() where sequence_name = 'data_version_seq'"
    )
    for table in ("contacts", "rejects", "roster_changes"):
        con.execute(f"alter table {table} alter column id drop default")
    for sequence in (
        "contact_id_seq",
        "file_id_seq",
        "reject_id_seq",
        "roster_change_seq",
        "data_version_seq",
    ):
        con.execute(f"drop sequence {sequence}")
    for column in _ENUM_COLUMNS:
        con.execute(f"alter table contacts alter column {column} type varchar")
    for enum in (
        "channel_value",
        "contact_role_value",
        "commitment_status_value",
        "would_repeat_value",
    ):
        con.execute(f"drop type {enum}")
    # A key cannot be dropped in DuckDB: the two tables are made again without one.
    for table, columns in (
        ("meta", "key varchar not null, value varchar not null"),
        (
            "preferences",
            "email_key varchar not null, lang varchar not null,"
            " updated_at timestamp not null default current_timestamp",
        ),
    ):
        con.execute(f"alter table {table} rename to {table}_v8")
        con.execute(f"create table {table} ({columns})")
        con.execute(f"insert into {table} select * from {table}_v8")
        con.execute(f"drop table {table}_v8")


# Today's schema as a new store gets it (a file or a lake): what v1-v9 leave behind, column for
# column (tests/kpi/test_db.py::test_a_new_store_has_the_schema_an_upgrade_reaches).
_SCHEMA_V9 = f"""
create table meta (key varchar not null, value varchar not null);
create table counters (name varchar not null, value bigint not null);
create table contacts (
    id bigint not null,
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
    commitment_level tinyint default 0,
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
create table imported_files (
    id bigint not null,
    path varchar not null,
    name varchar not null,
    sha256 varchar not null,
    rows_read bigint not null,
    accepted bigint not null,
    updated bigint not null,
    rejected bigint not null,
    imported_at timestamp not null default current_timestamp,
    not_contacts bigint default 0
);
create table rejects (
    id bigint not null,
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
create table roster_changes (
    id bigint not null,
    changed_at timestamp not null default current_timestamp,
    changed_by varchar not null,
    action varchar not null,
    email varchar,
    before_value varchar,
    after_value varchar
);
create table preferences (
    email_key varchar not null,
    lang varchar not null,
    updated_at timestamp not null default current_timestamp
);
{_V7}
"""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Today's schema (BASE_VERSION) in an empty store, inside the caller's transaction."""
    con.execute(_SCHEMA_V9)
    con.execute(rollups.SCHEMA)
    con.execute("insert into rollup_state values (0, 0, 0)")
    con.execute("insert into counters select unnest($names), 0", {"names": list(COUNTER_NAMES)})


# v10: mappings of other exports' columns to ours, saved by name (kpi/mapping.py). A plain table
# (no key or sequence) that carries over to a DuckLake store; a file is recognised by its
# headers_key, the mapping itself is JSON (columns, value translations, date order).
_V10 = """
create table crm_mappings (
    name varchar not null,
    name_key varchar not null,        -- lower(trim(name)): one mapping per name
    headers_key varchar not null,     -- the file's headers, case-folded, sorted, joined by \x1f
    spec varchar not null,
    saved_by varchar not null,
    saved_at timestamp not null default current_timestamp
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
    _v8,
    _v9,
    _V10,
    # v11: the evidence page's rollups (kpi/rollups.py: revenue_basis, quote_outcomes,
    # account_firsts), filled from the contacts there are.
    rollups.count_evidence,
    # v12: rollup_state's sums as decimal(38, 0) (rollups.exact_fingerprint).
    rollups.exact_fingerprint,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database; 0 when it is empty."""
    has_meta = con.execute(
        "select count(*) from information_schema.tables where table_name = 'meta'"
        " and table_schema = 'main' and table_catalog = current_database()"
    ).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute(
        "select max(value::integer) from meta where key = 'schema_version'"
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _set_version(con: duckdb.DuckDBPyConnection, version: int) -> None:
    con.execute("delete from meta where key = 'schema_version'")
    con.execute("insert into meta values ('schema_version', ?)", [str(version)])


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema up to date, one transaction per step; returns the version reached. An
    empty store gets today's schema directly (create_schema), then any later steps."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {version} is newer than this program ({SCHEMA_VERSION}); upgrade Commitboard"
        )
    while version < SCHEMA_VERSION:
        con.execute("begin transaction")
        try:
            if version == 0:
                create_schema(con)
                reached = BASE_VERSION
            else:
                step = MIGRATIONS[version]
                step(con) if callable(step) else con.execute(step)
                reached = version + 1
            _set_version(con, reached)
            con.execute("commit")
        except Exception:
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
            raise
        version = reached
    return version


def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    data_path: str | os.PathLike[str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the store, creating or upgrading it first if need be; raises StoreError with a
    clear one-line reason (and StoreError.kind for the app) when it cannot be used. A lake's
    data files go to `data_path`, else $COMMITBOARD_DATA_PATH."""
    spec = target(path)
    if is_lake(spec):
        return _connect_lake(spec, read_only=read_only, folder=data_path)
    if spec == ":memory:":
        con = duckdb.connect(":memory:", read_only=read_only)
        if not read_only:
            migrate(con)
        return con
    target_file = Path(spec)
    if target_file.exists() and target_file.is_dir():
        raise StoreError(f"{target_file} is a folder, not a database file")
    if read_only and not target_file.exists():
        raise StoreError(f"no database at {target_file}")
    target_file.parent.mkdir(parents=True, exist_ok=True)
    if not read_only and (not target_file.exists() or target_file.stat().st_size == 0):
        _build_beside(target_file, None)
    con = _open(target_file, read_only)
    version = _checked_version(con, target_file)
    if not read_only and version < SCHEMA_VERSION:
        # Written out before the file is copied, so the copy holds every committed change.
        con.execute("checkpoint")
        con.close()
        _build_beside(target_file, version)
        con = _open(target_file, read_only)
        version = _checked_version(con, target_file)
    return con


# -- the lake -----------------------------------------------------------------------------------

# What DuckLake needs besides the catalog: where the data files go. A local or shared folder,
# or an object store URL (s3://... needs the httpfs extension's package).
DATA_PATH_SETTING = "COMMITBOARD_DATA_PATH"
_REMOTE = (
    "s3://",
    "s3a://",
    "gcs://",
    "gs://",
    "r2://",
    "https://",
    "http://",
    "az://",
    "abfss://",
)
ATTACH_TRIES = 8
MIGRATE_TRIES = 8


def lake_data_path(explicit: str | os.PathLike[str] | None = None) -> str:
    """Where a lake's data files go (explicit, else $COMMITBOARD_DATA_PATH); StoreError when
    neither is set."""
    value = str(explicit or os.environ.get(DATA_PATH_SETTING, "")).strip()
    if not value:
        raise StoreError(
            f"{DATA_PATH_SETTING} is not set: a DuckLake store needs a folder (shared by every"
            " app server) or an s3:// URL for its data files"
        )
    return value


def _connect_lake(
    spec: str, *, read_only: bool, folder: str | os.PathLike[str] | None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `lake` and used as the default catalog, so
    every query of kpi/ runs on it unchanged; the schema made or upgraded first."""
    folder = lake_data_path(folder)
    remote = folder.lower().startswith(_REMOTE)
    if not remote:
        Path(folder).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config=extensions.OFFLINE)
    try:
        extensions.load(con, "postgres_scanner", "ducklake", *(["httpfs"] if remote else []))
    except extensions.ExtensionMissing as exc:
        con.close()
        raise StoreError(str(exc)) from None
    attach = (
        f"attach {extensions.sql_string(spec)} as {LAKE}"
        f" (data_path {extensions.sql_string(folder)}{', read_only' if read_only else ''})"
    )
    for attempt in range(ATTACH_TRIES):
        try:
            con.execute(attach)
            break
        except duckdb.Error as exc:
            # Two processes making a new catalog at the same moment: the loser's insert of the
            # catalog's first rows violates PostgreSQL's keys, or its CREATE TABLE finds the
            # winner's. The winner's catalog is there now, and a new attach reads it.
            text = str(exc)
            racing = "duplicate key" in text or (
                "initialize DuckLake" in text and "already exists" in text
            )
            if racing and attempt < ATTACH_TRIES - 1:
                log.info("attaching %s again after: %s", describe(spec), redact(_first_line(exc)))
                _pause(attempt)
                continue
            con.close()
            raise StoreError(
                f"cannot open the lake {describe(spec)}: {redact(duckdb_reason(exc))}", kind="lake"
            ) from None
    if spec.startswith(LAKE_PREFIX + "postgres:") and not read_only:
        # The same PostgreSQL once more, for the lock every writer takes (see transaction()).
        conninfo = spec[len(LAKE_PREFIX + "postgres:") :]
        try:
            con.execute(f"attach {extensions.sql_string(conninfo)} as {_LOCKS} (type postgres)")
        except duckdb.Error as exc:
            con.close()
            raise StoreError(
                f"cannot open the lake {describe(spec)}: {redact(duckdb_reason(exc))}", kind="lake"
            ) from None
    con = LakeConnection(con, writers_take_turns=not read_only)
    if read_only:
        return con
    for attempt in range(MIGRATE_TRIES):
        try:
            migrate(con)
            break
        except duckdb.Error as exc:
            # Another process made (or upgraded) the schema in the same moment: one of the two
            # commits loses. Whatever it made is there now; migrate() looks again.
            if attempt == MIGRATE_TRIES - 1 or not conflict(exc):
                con.close()
                raise StoreError(
                    f"cannot set up the lake {describe(spec)}: {redact(duckdb_reason(exc))}",
                    kind="lake",
                ) from None
            log.info("setting up the lake again after: %s", _first_line(exc))
            _pause(attempt)
    return con


class LakeConnection:
    """A DuckDB connection with the lake as its default catalog, and so are its cursors.

    DuckDB's USE holds for one connection, and a cursor is a new connection to the same
    database: without this, `con.cursor()` anywhere in kpi/ or the pages would look for the
    tables in the in-memory database the lake is attached to. Everything else is DuckDB's."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        writers_take_turns: bool,
        known: dict[str, object] | None = None,
    ) -> None:
        con.execute(f"use {LAKE}")
        self._con = con
        self.writers_take_turns = writers_take_turns
        # What this process found out about the lake and may reuse, shared by the connection
        # and its cursors: every statement that looks at a lake's catalog costs 10-40 ms (the
        # file's 0.5 ms), so kpi.rollups asks once what does not change by itself. A DROP
        # through any of them forgets it all.
        self.known: dict[str, object] = {} if known is None else known

    def cursor(self) -> LakeConnection:
        return LakeConnection(
            self._con.cursor(), writers_take_turns=self.writers_take_turns, known=self.known
        )

    def execute(self, query: str, parameters: object = None) -> LakeConnection:
        if query.lstrip()[:4].lower() == "drop":
            self.known.clear()
        self._con.execute(query, parameters)
        return self

    def snapshot(self) -> int:
        """The lake's snapshot this connection reads: its transaction's when one is open (then
        the lookup costs 0.2 ms, against 1.3 ms outside one). Any commit makes a new one."""
        return int(self._con.execute(f"select id from {LAKE}.current_snapshot()").fetchone()[0])

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def __enter__(self) -> LakeConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._con.close()


def conflict(exc: BaseException) -> bool:
    """Whether a write failed only because another transaction changed the same data first
    (DuckDB's optimistic concurrency, DuckLake's commit check): doing it again will work."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and (
        "conflict" in text
        or "duplicate key" in text  # PostgreSQL's, when two commits add the same catalog rows
        or "could not serialize" in text
        or "already exists" in text
        and "ducklake" in text
    )


def _pause(attempt: int, *, lake: bool = False) -> None:
    """A short, growing, random wait before trying again, so that two processes that collided
    do not collide again in step. On a lake the wait is drawn from zero up to a ceiling that
    doubles to 0.5 s ("full jitter"): a writer that keeps losing to a busy one gets its turn."""
    if lake:
        time.sleep(random.uniform(0, min(0.5, 0.02 * 2**attempt)))
    else:
        time.sleep(random.uniform(0.005, 0.025) * (2 ** min(attempt, 3)))


def checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write a database file's log into the file after a schema change (DuckDB 1.5.5 cannot
    replay every DDL from its log). A lake keeps its schema in PostgreSQL, transactionally:
    nothing to do there (CHECKPOINT on a lake compacts its files: `kpi maintain`'s work)."""
    if not on_lake(con):
        con.execute("checkpoint")


def on_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this connection's store is the lake."""
    return isinstance(con, LakeConnection)


# Writers on a lake take turns through a PostgreSQL advisory lock, held by the writing
# transaction until it commits: without it, two app servers saving as fast as they can kept
# invalidating each other's commits (every write updates the counters and the rollups, so any
# two conflict), and a save took 0.4 s on average with retries (tests/kpi/test_lake.py).
_LOCKS = "commitboard_locks"
_WRITE_LOCK = 0x636F6D6D6974  # "commit"


@contextlib.contextmanager
def _turn(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """This write's turn among every process on the lake. The lock is taken and held by a
    connection of its own, in a transaction of its own that ends only after the write's: so the
    write's snapshot of the lake is read after the previous writer committed (no conflict for
    the turn it waited for), and the next writer starts only after this one's commit is done.
    (Held in the write's own transaction, the lock was released when DuckDB committed that
    transaction's PostgreSQL part, before its lake part: 24 conflicts in 60 saves.)"""
    if not getattr(con, "writers_take_turns", False):
        yield
        return
    holder = con.cursor()
    try:
        holder.execute("begin transaction")
        holder.execute(
            f"call postgres_execute('{_LOCKS}', 'select pg_advisory_xact_lock({_WRITE_LOCK})')"
        )
        yield
    finally:
        with contextlib.suppress(duckdb.Error):
            holder.execute("rollback")  # it wrote nothing: ending it lets go of the lock
        holder.close()


# Why a schema is never changed in the database file itself: DuckDB 1.5.5 cannot replay some
# DDL from its write-ahead log (ALTER COLUMN ... TYPE <enum> of v5; DROP INDEX upstream), and
# until the next checkpoint a committed schema change lives only there, so a process killed
# in that moment left a file that never opened again (issue 13). A CHECKPOINT right after each
# step narrows that moment but cannot close it. So a new database, and an upgrade of an older
# one, is built in a scratch file beside it: every migration runs there, is checkpointed (no log
# left), and the finished file is renamed into place in one step. At every moment the database
# path holds the old file or the whole new one, never a log with DDL in it; a kill leaves at
# most a scratch file, removed by the next open. The steps stay MIGRATIONS, so a new schema
# version is still one entry there and a new database gets exactly what an upgrade gets.
_SCRATCH = "{name}.building-{pid}-{tag}"


def _build_beside(target: Path, version: int | None) -> None:
    """Bring the database at target to SCHEMA_VERSION in a scratch file beside it and rename
    that into place: a new one when version is None, else an upgrade of a checkpointed copy."""
    _remove_stale_scratch(target)
    scratch = target.with_name(
        "." + _SCRATCH.format(name=target.name, pid=os.getpid(), tag=uuid.uuid4().hex[:8])
    )
    try:
        with held(target) if version is not None else contextlib.nullcontext():
            if version is not None:
                if _wal(target).exists():  # written since our checkpoint: someone else has it
                    raise StoreError(
                        f"database {target} is in use by another program: stop it and try again",
                        kind="in_use",
                    )
                shutil.copyfile(target, scratch)
            con = duckdb.connect(str(scratch))
            try:
                migrate(con)
                con.execute("checkpoint")
            finally:
                con.close()
            if _wal(scratch).exists():
                raise StoreError(f"the new schema for {target} could not be written; try again")
            fsync(scratch)
            if version is not None or target.exists():  # an upgrade, or an empty file
                os.replace(scratch, target)
            else:
                try:
                    os.link(scratch, target)  # never over a database made meanwhile
                except FileExistsError:
                    pass  # another process made it first: theirs is opened
            fsync(target.parent)
    finally:
        scratch.unlink(missing_ok=True)
        _wal(scratch).unlink(missing_ok=True)


def _remove_stale_scratch(target: Path) -> None:
    """Scratch files of processes that were killed while building: never a database anyone
    uses (the rename is the last step), so they go."""
    pattern = "." + _SCRATCH.format(name=target.name, pid="*", tag="*")
    for leftover in target.parent.glob(pattern):
        match = re.search(r"\.building-(\d+)-", leftover.name)
        if match and not alive(int(match.group(1))):
            leftover.unlink(missing_ok=True)


def alive(pid: object) -> bool:
    """Whether a process with this id runs (someone else's counts too)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk, where the platform allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def held(target: Path) -> Iterator[None]:
    """Keep other processes from opening target while it is copied and replaced: a POSIX lock,
    the kind DuckDB takes (Windows has none; there DuckDB's own lock, taken just before, has
    to do)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(target, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreError(
                f"database {target} was opened just now by another program: stop it and try again",
                kind="in_use",
            ) from None
        yield
    finally:
        os.close(fd)


def _wal(target: Path) -> Path:
    return target.with_name(target.name + ".wal")


def _open(target: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(target), read_only=read_only)
    except duckdb.Error as exc:
        raise open_error(target, exc) from None


def _checked_version(con: duckdb.DuckDBPyConnection, target: Path) -> int:
    """The file's schema version; StoreError (and the connection closed) for a schema newer
    than this program or a DuckDB file of another program."""
    version = schema_version(con)
    problem = None
    if version > SCHEMA_VERSION:
        problem = StoreError(
            f"database {target} has schema version {version}, newer than this program's "
            f"{SCHEMA_VERSION}: upgrade Commitboard ({recover_command(target)} tells more)",
            kind="newer",
        )
    elif (
        version == 0
        and con.execute(
            "select count(*) from duckdb_tables() where database_name = current_database()"
        ).fetchone()[0]
    ):
        problem = StoreError(
            f"database {target} is a DuckDB file of another program (it has tables but no "
            f"Commitboard schema): choose another file with --db or $COMMITBOARD_DB "
            f"({recover_command(target)} tells more)",
            kind="foreign",
        )
    if problem is not None:
        con.close()
        raise problem
    return version


def recover_command(target: Path) -> str:
    """The command that explains, and where it can repairs, a database that does not open."""
    return f"`python -m kpi recover --db {target}`"


def open_error(target: Path, exc: duckdb.Error) -> StoreError:
    """A StoreError that says in one line why DuckDB could not open target and what to do;
    never DuckDB's own text for a failure that is not the user's to read (INTERNAL Error...)."""
    text = str(exc)
    if isinstance(exc, duckdb.IOException) and "lock" in text.lower():
        return StoreError(_explain_io_error(target, exc), kind="in_use")
    wal = _wal(target)
    if "replaying WAL" in text or ("WAL" in text and wal.exists()):
        return StoreError(
            f"database {target} cannot be opened: the log of its last changes ({wal.name}, "
            f"{_size(wal)}) cannot be replayed; run {recover_command(target)} to set that log "
            "aside (it is kept) and open the last saved state",
            kind="log",
        )
    return StoreError(
        f"database {target} cannot be opened: the file is damaged or not a DuckDB database "
        f"({duckdb_reason(exc)}); run {recover_command(target)} to see what can be done",
        kind="damaged",
    )


def duckdb_reason(exc: BaseException) -> str:
    """DuckDB's first line without its "IO Error:" kind of prefix."""
    return re.sub(r"^[A-Za-z ]*(Error|Exception): ", "", _first_line(exc))


def _size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "size unknown"
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{size} bytes"


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


def reserve(con: duckdb.DuckDBPyConnection, name: str, count: int) -> int:
    """Hand out `count` numbers of the counter `name` (COUNTER_NAMES) inside the caller's
    writing transaction: returns the number before the first, so the new ones are base + 1 ...
    base + count. Two transactions that reserve at the same time conflict, and one is done
    again (transaction()): no number is handed out twice, on a file or on a lake.

    It moves the data version too (bump_version), in the same statement: whatever reserves a
    number writes data, and on a lake each statement on the counters costs 5-15 ms."""
    con.execute(
        "update counters set value = value + case name when $name then $count else 1 end"
        " where name in ($name, 'data_version')",
        {"count": count, "name": name},
    )
    row = con.execute("select value from counters where name = ?", [name]).fetchone()
    if row is None:
        raise StoreError(f"the store has no counter {name!r}")
    return int(row[0]) - count


def bump_version(con: duckdb.DuckDBPyConnection) -> None:
    """Mark that data changed (call inside the writing transaction; reserve() does it too)."""
    con.execute("update counters set value = value + 1 where name = 'data_version'")


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever contacts, rejects or the roster change: committed with
    them, the same for every process on the store (a lake's app servers key their caches on
    it, so a change made on one shows on the others at their next page load)."""
    row = con.cursor().execute("select value from counters where name = 'data_version'").fetchone()
    return int(row[0]) if row else 0


# How long a write keeps being tried while it conflicts with other writers. On a file only
# a connection outside this process's turn-taking can conflict (rare, and it will not let go
# soon): 10 tries, about 1.5 s, then the conflict is the caller's (the form says so and keeps
# what was typed). On a lake other app servers and imports commit all the time, each in a
# fraction of a second: a write tries again, after a random wait that grows, for up to
# LAKE_RETRY_SECONDS (two processes saving as fast as they can: tests/kpi/test_lake.py).
RETRIES = 10
LAKE_RETRY_SECONDS = 60.0


def transaction(
    con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], object]
):
    """Run work(con) in one transaction: all of it or nothing. When another writer changed the
    same data first (another app server or `kpi import` on a lake; another connection of this
    process on a file), the transaction is rolled back and work(con) runs again from the start
    (see RETRIES), each retry logged. The writes of this process take turns (rollups.WRITES),
    so they never conflict with each other."""
    lake = on_lake(con)
    deadline = time.monotonic() + LAKE_RETRY_SECONDS
    with rollups.WRITES, _turn(con) if lake else contextlib.nullcontext():
        attempt = 0
        while True:
            con.execute("begin transaction")
            try:
                result = work(con)
                con.execute("commit")
                return result
            except BaseException as exc:
                with contextlib.suppress(duckdb.Error):
                    con.execute("rollback")  # after a failed commit there is none left
                attempt += 1
                spent = time.monotonic() >= deadline if lake else attempt >= RETRIES
                if not conflict(exc) or spent:
                    raise
                log.info("write done again after a conflict: %s", _first_line(exc))
                _pause(attempt - 1, lake=lake)
