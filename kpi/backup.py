"""Backups that are consistent while the app runs, and restores that keep the database they replace."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import threading
import time
import uuid
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from kpi import db

# The running app holds DuckDB's exclusive lock on the file, so another process cannot read it.
# The command line then leaves a request next to the database; the app's watcher thread makes
# the copy on its own connection and answers with a result file.
REQUEST_SUFFIX = ".backup-request.json"
WORKING_SUFFIX = ".backup-working.json"
RESULT_SUFFIX = ".backup-result-{id}.json"
BEFORE_RESTORE_SUFFIX = ".before-restore"
POLL_SECONDS = 0.5  # how often the app looks for a request: a stat() of one path
ANSWER_SECONDS = 15.0  # how long the command line waits for a running app to take the request
CHECKPOINT_SECONDS = 60.0  # how long a copy waits for a moment without write transactions

EXIT_ERROR, EXIT_UNREADABLE = 1, 2


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is one line for a person."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Copied:
    """What a finished backup or restore holds."""

    path: Path
    contacts: int
    schema_version: int
    made_by_pid: int | None = None  # the app process that made it, when the app held the lock


# -- the copy itself -------------------------------------------------------------------------


def _literal(text: str) -> str:
    # ATTACH takes no bound parameter for its path; the quotes are doubled.
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _partial(target: Path, what: str) -> Path:
    """A temp file beside target: a crash leaves it there, never half a file at target."""
    return target.with_name(f".{target.name}.{what}-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _remove_stale_partials(folder: Path) -> None:
    """Scratch copies left by backups that were killed (their process is gone): never a backup
    anyone can use, and a nightly schedule's clean-up does not match their names."""
    for leftover in folder.glob(".*.partial-*"):
        match = re.search(r"\.partial-(\d+)-[0-9a-f]{8}(\.wal)?$", leftover.name)
        if match and not db.alive(int(match.group(1))):
            leftover.unlink(missing_ok=True)


def _check(path: Path) -> tuple[int, int]:
    """(schema version, contacts) of a database file; BackupError when it is no Commitboard one."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise BackupError(
            f"{path} is not a readable database ({db.duckdb_reason(exc)})", 2
        ) from None
    try:
        version = db.schema_version(con)
        if version == 0:
            raise BackupError(f"{path} is not a Commitboard database (no schema version)", 2)
        if version > db.SCHEMA_VERSION:
            raise BackupError(
                f"{path} was made by a newer Commitboard (schema {version}, this one knows "
                f"{db.SCHEMA_VERSION}): upgrade Commitboard first",
                2,
            )
        contacts = con.execute("select count(*) from contacts").fetchone()[0]
    except duckdb.Error as exc:
        raise BackupError(f"{path} is not a Commitboard database ({_first_line(exc)})", 2) from None
    finally:
        con.close()
    return version, int(contacts)


def _check_target(target: Path, force: bool) -> None:
    if not target.parent.is_dir():
        raise BackupError(f"folder {target.parent} does not exist")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists: choose another name, or add --force")


def _checkpoint(cur: duckdb.DuckDBPyConnection, alias: str) -> None:
    """Write the copy's log into its file. DuckDB refuses while any write transaction of the
    app is open, and a copy left with its log beside it is not whole; the app's transactions
    are short, so try again until there is a gap (FORCE CHECKPOINT would abort them)."""
    deadline = time.monotonic() + CHECKPOINT_SECONDS
    while True:
        try:
            cur.execute(f"checkpoint {alias}")
            return
        except duckdb.TransactionException:
            if time.monotonic() > deadline:
                raise BackupError(
                    f"the database was never idle for a moment in {CHECKPOINT_SECONDS:g} s, "
                    "so the copy could not be finished; try again"
                ) from None
            time.sleep(0.02)


def copy_database(
    con: duckdb.DuckDBPyConnection, target: Path, *, force: bool = False
) -> tuple[int, int]:
    """Copy the database `con` is open on to a new file `target`, as one snapshot.

    Safe while other cursors of the same connection write: the copy is made in one transaction,
    so it holds exactly the transactions committed before it began. Written to a temp file in
    target's folder, checked, then moved into place; returns (schema version, contacts). The
    file is not opened again here (in the app DuckDB may still hold it a moment after DETACH):
    the caller checks it with `verify`.
    """
    _check_target(target, force)
    _remove_stale_partials(target.parent)
    partial = _partial(target, "partial")
    wal = partial.with_name(partial.name + ".wal")
    # SQL identifiers and ATTACH paths cannot be bound: the alias is generated here (hex only),
    # the source name is quoted by _ident and the path by _literal; no user value is pasted.
    alias = f"backup_{uuid.uuid4().hex[:12]}"
    cur = con.cursor()
    try:
        source = _ident(cur.execute("select current_database()").fetchone()[0])
        # A read-only connection attaches read-only by default; the copy must be written.
        cur.execute(f"attach {_literal(str(partial))} as {alias} (read_only false)")
        try:
            cur.execute("begin transaction")
            try:
                cur.execute(f"copy from database {source} to {alias}")
                seen, copied, version = cur.execute(
                    f"""
                    select (select count(*) from {source}.contacts),
                           (select count(*) from {alias}.contacts),
                           (select value from {alias}.meta where key = 'schema_version')
                    """
                ).fetchone()
                cur.execute("commit")
            except BaseException:
                cur.execute("rollback")
                raise
            _checkpoint(cur, alias)
        finally:
            cur.execute(f"detach {alias}")
        if copied != seen or version is None:
            raise BackupError(f"the copy holds {copied} contacts, the database {seen}")
        if wal.exists():
            raise BackupError("the copy could not be finished (its log is still open); try again")
        db.fsync(partial)
        if force:
            os.replace(partial, target)
        else:
            os.link(partial, target)  # fails, rather than overwrite, if target appeared meanwhile
            partial.unlink()
        db.fsync(target.parent)
        return int(version), int(copied)
    except FileExistsError:  # it appeared while the copy was made
        _check_target(target, force)
        raise
    except duckdb.CatalogException as exc:  # no contacts or meta table
        raise BackupError(f"not a Commitboard database ({_first_line(exc)})") from None
    finally:
        cur.close()
        partial.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)


def verify(path: Path, contacts: int) -> None:
    """Open a finished copy on its own, as the app will: a Commitboard database with exactly
    the contacts the copy said it holds."""
    _, found = _check(path)
    if found != contacts:
        raise BackupError(f"{path} holds {found} contacts, not the {contacts} copied")


# -- backup ----------------------------------------------------------------------------------


def destination(
    database: Path, dest: str | os.PathLike[str], now: dt.datetime | None = None
) -> Path:
    """Where a backup goes: DEST itself, or inside DEST when it is a folder, named
    <database name>-<YYYYmmdd-HHMMSS>.duckdb (what a nightly schedule wants)."""
    target = Path(dest).expanduser()
    if target.is_dir():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        target = target / f"{database.stem}-{stamp}.duckdb"
    target = target.absolute()
    if target.exists() and database.exists() and os.path.samefile(target, database):
        raise BackupError(f"{target} is the database itself: back it up to another file")
    return target


def backup(
    database: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    force: bool = False,
    wait: float = ANSWER_SECONDS,
) -> Copied:
    """Back up the database to dest (a file, or a folder for a dated file in it).

    When another process holds the database (the app), that process is asked to make the copy;
    it answers within `wait` seconds or the backup fails with a clear reason.
    """
    database = Path(database)
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    target = destination(database, dest)
    _check_target(target, force)  # before asking the app: the reason comes at once
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.IOException as exc:
        holder = _holder(exc)
        if holder is None:
            raise BackupError(str(db.open_error(database, exc))) from None
        return _ask_the_app(database, target, force, wait, holder)
    except duckdb.Error as exc:  # e.g. a log that does not replay: the message names `recover`
        raise BackupError(str(db.open_error(database, exc))) from None
    try:
        version, contacts = copy_database(con, target, force=force)
    finally:
        con.close()
    verify(target, contacts)
    return Copied(target, contacts, version)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _holder(exc: Exception) -> int | None:
    """The PID holding the database lock, from DuckDB's message; None when it is no lock error."""
    text = str(exc)
    if "lock" not in text.lower():
        return None
    match = re.search(r"PID (\d+)", text)
    return int(match[1]) if match else 0


def request_path(database: Path) -> Path:
    return database.with_name(database.name + REQUEST_SUFFIX)


def result_path(database: Path, request_id: str) -> Path:
    return database.with_name(database.name + RESULT_SUFFIX.format(id=request_id))


def _write_atomic(path: Path, payload: dict) -> None:
    partial = _partial(path, "tmp")
    partial.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(partial, path)


def _ask_the_app(database: Path, target: Path, force: bool, wait: float, holder: int) -> Copied:
    who = f"PID {holder}{db._program(holder)}" if holder else "another program"
    request_id = uuid.uuid4().hex
    request = request_path(database)
    payload = {
        "id": request_id,
        "destination": str(target),
        "force": force,
        "pid": os.getpid(),
        "asked_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    partial = _partial(request, "tmp")
    partial.write_text(json.dumps(payload), encoding="utf-8")
    try:
        os.link(partial, request)  # only one request at a time
    except FileExistsError:
        raise BackupError(
            f"another backup of {database} is waiting ({request}); try again in a minute"
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    answer = result_path(database, request_id)
    deadline = time.monotonic() + wait
    try:
        while True:
            if answer.exists():
                return _answered(answer, who)
            if request.exists():
                if time.monotonic() > deadline:
                    try:
                        request.unlink()  # withdrawn
                    except FileNotFoundError:
                        continue  # the app took it just now: wait for its answer
                    raise BackupError(
                        f"database {database} is in use by {who}, which did not answer the "
                        f"backup request within {wait:g} s: if it is not the Commitboard app, "
                        "stop it and run the backup again"
                    )
            elif holder and not db.alive(holder) and not answer.exists():
                raise BackupError(f"{who} stopped during the backup; {target} was not written")
            time.sleep(0.05)
    except KeyboardInterrupt:
        with contextlib.suppress(FileNotFoundError):
            if json.loads(request.read_text()).get("id") == request_id:
                request.unlink()
        raise


def _answered(answer: Path, who: str) -> Copied:
    result = json.loads(answer.read_text(encoding="utf-8"))
    answer.unlink(missing_ok=True)
    if not result.get("ok"):
        raise BackupError(f"{who} could not make the backup: {result.get('error')}")
    made = Copied(
        Path(result["path"]), int(result["contacts"]), int(result["schema_version"]), result["pid"]
    )
    verify(made.path, made.contacts)
    return made


# -- the app's side of the handshake ---------------------------------------------------------

_watchers: dict[str, threading.Thread] = {}
_connections: dict[str, weakref.ref] = {}
_watchers_lock = threading.Lock()


def serve_requests(con: duckdb.DuckDBPyConnection, path: str | os.PathLike[str]) -> None:
    """Answer `python -m kpi backup` for the database at path from a thread of this process.

    Call once the process has opened the database (the app does, for its one connection). One
    thread per database file; it ends when the connection is closed or garbage collected.
    """
    if str(path) == ":memory:":
        return
    database = Path(path).absolute()
    key = str(database)
    with _watchers_lock:
        _connections[key] = weakref.ref(con)
        running = _watchers.get(key)
        if running is not None and running.is_alive():
            return  # it serves the newest connection from now on
        thread = threading.Thread(
            target=_watch,
            args=(database,),
            name=f"commitboard-backups-{database.name}",
            daemon=True,
        )
        _watchers[key] = thread
        thread.start()


def _watch(database: Path) -> None:
    key = str(database)
    request = request_path(database)
    while True:
        time.sleep(POLL_SECONDS)
        with _watchers_lock:
            con = _connections[key]()
            if con is None:
                _watchers.pop(key, None)
                return
        if request.exists():
            try:
                con.cursor().close()
            except duckdb.ConnectionException:  # closed: a newer connection starts a new thread
                with _watchers_lock:
                    _watchers.pop(key, None)
                return
            serve_one(con, database)
        del con  # hold no reference while sleeping


def serve_one(con: duckdb.DuckDBPyConnection, database: Path) -> bool:
    """Take a waiting backup request for `database`, make the copy on `con`, answer it.

    Returns False when there was no request to take (or it was stale).
    """
    request = request_path(database)
    working = database.with_name(database.name + WORKING_SUFFIX)
    try:
        os.replace(request, working)  # taken: the command line no longer withdraws it
    except FileNotFoundError:
        return False
    try:
        payload = json.loads(working.read_text(encoding="utf-8"))
        request_id = str(payload["id"])
        if not re.fullmatch(r"[0-9a-f]{32}", request_id) or not db.alive(payload.get("pid")):
            return False  # no one is waiting for this one
        answer: dict[str, object] = {"id": request_id, "pid": os.getpid()}
        try:
            target = Path(payload["destination"])
            version, contacts = copy_database(con, target, force=bool(payload.get("force")))
            answer |= {"ok": True, "path": str(target), "contacts": contacts}
            answer |= {"schema_version": version}
        except Exception as exc:  # the command line shows the reason; the app goes on
            answer |= {"ok": False, "error": _first_line(exc)}
        _write_atomic(result_path(database, request_id), answer)
        return True
    except (OSError, ValueError, KeyError, TypeError):
        return False
    finally:
        working.unlink(missing_ok=True)


# -- restore ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _exclusive(database: Path) -> Iterator[None]:
    """Hold the database so no program opens it while it is replaced; BackupError when in use.

    DuckDB itself opens it first: that says who holds it, and replays and checkpoints a WAL
    left by a crash, so the file kept as before-restore is whole. Then a POSIX lock, the kind
    DuckDB takes, keeps the app from opening it until the new file is in place.
    """
    if not database.exists():
        yield
        return
    try:
        con = duckdb.connect(str(database))
    except duckdb.Error as exc:
        holder = _holder(exc) if isinstance(exc, duckdb.IOException) else None
        if holder is not None:
            who = f" by PID {holder}{db._program(holder)}" if holder else ""
            raise BackupError(
                f"database {database} is in use{who}: stop the app first, then restore"
            ) from None
        # A damaged file is what a restore is for: it is kept as before-restore all the same.
    else:
        try:
            con.execute("checkpoint")
        finally:
            con.close()
    try:
        import fcntl
    except ImportError:  # Windows: no POSIX locks; DuckDB's own check above has to do
        yield
        return
    fd = os.open(database, os.O_RDWR)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BackupError(
                f"database {database} was opened just now by another program: stop the app "
                "first, then restore"
            ) from None
        yield
    finally:
        os.close(fd)


def before_restore_path(database: Path) -> Path:
    return database.with_name(database.name + BEFORE_RESTORE_SUFFIX)


def _keep_aside(path: Path) -> None:
    """Move an existing file out of the way under a name with its time, so nothing is lost."""
    if not path.exists():
        return
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}-{stamp}-{n}")
    os.replace(path, aside)


def restore(source: str | os.PathLike[str], database: str | os.PathLike[str]) -> Copied:
    """Replace the database with the backup at source, atomically; refused while it is in use.

    The database it replaces is kept as <database>.before-restore (an older one of those is
    moved aside under its date), so a restore loses nothing.
    """
    source, database = Path(source), Path(database).absolute()
    if not source.exists():
        raise BackupError(f"{source}: no such file", EXIT_UNREADABLE)
    if source.is_dir():
        raise BackupError(f"{source} is a folder, not a backup file", EXIT_UNREADABLE)
    if database.exists() and os.path.samefile(source, database):
        raise BackupError(f"{source} is the database itself: nothing to restore")
    if not database.parent.is_dir():
        raise BackupError(f"folder {database.parent} does not exist")
    if database.is_dir():
        raise BackupError(f"{database} is a folder, not a database file")
    _check(source)
    with _exclusive(database):
        partial = _partial(database, "restore")
        try:
            con = duckdb.connect(str(source), read_only=True)
            try:
                # Through DuckDB, not a file copy: a WAL beside the source is then included too.
                version, contacts = copy_database(con, partial)
            finally:
                con.close()
            verify(partial, contacts)
            if database.exists():
                before = before_restore_path(database)
                _keep_aside(before)
                try:
                    os.link(database, before)
                except OSError:  # a file system without hard links
                    shutil.copy2(database, before)
                wal = database.with_name(database.name + ".wal")
                if wal.exists():  # it belongs with the old file, not the restored one
                    os.replace(wal, before.with_name(before.name + ".wal"))
            # One rename: at every moment the database path holds the old or the new file.
            os.replace(partial, database)
            db.fsync(database.parent)
        finally:
            partial.unlink(missing_ok=True)
    return Copied(database, contacts, version)
