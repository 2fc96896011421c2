"""The DuckDB store: where the database lives, its schema, and migrations."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from kpi import rollups

_CHECKOUT = Path(__file__).resolve().parent.parent
# In a checkout, data/ beside app.py; installed (`pip install .`), data/ in the working folder.
DEFAULT_DB = (
    (_CHECKOUT if (_CHECKOUT / "app.py").exists() else Path()) / "data" / "commitboard.duckdb"
)
SCHEMA_VERSION = 9


class StoreError(Exception):
    """A problem with the database file that a person can act on; `kind` says which, for a
    page that explains it in the user's language: log (a log that does not replay), damaged,
    foreign, newer (schema), in_use, or other."""

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


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


def _v8(con: duckdb.DuckDBPyConnection) -> None:
    """v8: contacts from a CRM export (DOMAIN.md): a commitment level may be not recorded (null;
    the contacts there are keep theirs), kpi_day counts the recorded ones per rep and day, and
    an import keeps how many of its rows were not a contact."""
    con.execute("alter table contacts alter column commitment_level drop not null")
    con.execute("alter table imported_files add column not_contacts bigint default 0")
    rollups.count_recorded(con)


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
    # v9: the evidence page's rollups (kpi/rollups.py: revenue_basis, quote_outcomes,
    # account_firsts), filled from the contacts there are.
    rollups.count_evidence,
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
    """Open the database, creating or upgrading it first if need be; raises StoreError with a
    clear one-line reason (and StoreError.kind for the app) when it cannot be used."""
    target = db_path(path)
    if str(target) == ":memory:":
        con = duckdb.connect(":memory:", read_only=read_only)
        if not read_only:
            migrate(con)
            bump_version(con)
        return con
    if target.exists() and target.is_dir():
        raise StoreError(f"{target} is a folder, not a database file")
    if read_only and not target.exists():
        raise StoreError(f"no database at {target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not read_only and (not target.exists() or target.stat().st_size == 0):
        _build_beside(target, None)
    con = _open(target, read_only)
    version = _checked_version(con, target)
    if not read_only and version < SCHEMA_VERSION:
        # Written out before the file is copied, so the copy holds every committed change.
        con.execute("checkpoint")
        con.close()
        _build_beside(target, version)
        con = _open(target, read_only)
        version = _checked_version(con, target)
    if not read_only:
        # After a file is reopened DuckDB reports a sequence's last_value as the next value to
        # hand out, and the first nextval() returns that same number: the first write after a
        # start would leave data_version() unchanged and caches stale. One bump on open puts the
        # sequence past that (tests/kpi/test_db.py::test_every_write_after_a_reopen_...).
        bump_version(con)
    return con


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
