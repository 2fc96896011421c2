"""The crash matrix: every write path killed (SIGKILL) at seeded random moments, then checked.

    python -m tests.reliability.crash_matrix [--kills 20] [--seed 1] [--paths a,b,...]

For each write path of issue 13 the files it starts from are made once. Each trial copies
them into a folder of its own, starts the process that writes, kills it and its children at a
random moment (uniform over the time an uninterrupted run takes, measured first; for a process
that repeats a change, within a few seconds of it being ready), and then checks, with the
program as it is now:
  - the database opens (db.connect, as the app and every command open it);
  - every KPI query of the dashboard runs on it;
  - the killed change is wholly there or wholly absent, and rows read = accepted + rejected for
    every imported file; the rollups, when they say they count every contact, do.
Any other state is a failure. `make crash` runs it all; tests/reliability/test_crash.py runs a
few trials of the paths a new user meets first.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpi import db, demo, ingest, metrics, rollups
from tests.reliability.app_like import contact, edited
from tests.reliability.helpers import ROOT

SMALL = ROOT / "tests" / "data" / "kpi_small.csv"
DB = "team.duckdb"


class Torn(AssertionError):
    """The killed change is there in part, or a promise about the data is broken."""


@dataclass
class Trial:
    """One run of a write path in its own folder, and what it printed."""

    folder: Path
    lines: list[str] = field(default_factory=list)
    existed: bool = True  # whether the database file was there after the kill
    notes: list[str] = field(default_factory=list)

    @property
    def db(self) -> Path:
        return self.folder / DB

    def done(self) -> list[list[str]]:
        """The words after "done" of every change the process saw confirmed."""
        return [line.split()[1:] for line in list(self.lines) if line.startswith("done ")]


@dataclass
class WritePath:
    name: str
    what: str
    make: Callable[[Path, int], None]  # (template folder, size): the files a trial starts from
    argv: Callable[[Trial], list[str]]
    check: Callable[[Trial, duckdb.DuckDBPyConnection], str]  # "in" or "out"; raises Torn
    size: int = 0  # rows, contacts or people: big enough that the write takes a while
    loop: bool = False  # repeats its change until killed: killed within `window` s of "ready"
    window: float = 3.0
    until: str | None = None  # a one-shot run ends at this output line (a server), else at exit


def kpi(*args: str) -> list[str]:
    return [sys.executable, "-m", "kpi", *args]


# -- the checks every trial gets ---------------------------------------------------------------


def dashboard_queries(con: duckdb.DuckDBPyConnection) -> None:
    """Every KPI query the dashboard makes (views/dashboard.py), over all the data there is."""
    span = metrics.contact_span(con)
    window = metrics.Window(span["first"], span["last"])
    metrics.dashboard_kpis(con, window, metrics.ALL)
    metrics.ladder(con, window, metrics.ALL)
    metrics.momentum(con, window, metrics.ALL, limit=20)
    metrics.overdue(con, metrics.ALL, today=span["last"], limit=20)
    metrics.account_levels(con, window, metrics.ALL)
    metrics.reps(con)
    metrics.teams(con)
    metrics.summary(con, window, metrics.ALL)


def promises(con: duckdb.DuckDBPyConnection) -> None:
    """What holds for every database, whatever was killed."""
    bad = con.execute(
        """
        select f.id, f.rows_read, f.accepted, f.rejected, count(r.id)
        from imported_files as f left join rejects as r on r.file_id = f.id
        group by all
        having f.rows_read <> f.accepted + f.rejected + coalesce(f.not_contacts, 0)
            or count(r.id) <> f.rejected
        """
    ).fetchall()
    if bad:
        raise Torn(f"rows read <> accepted + rejected + not a contact, or rejects missing: {bad}")
    if rollups.current(con):
        counted, there = con.execute(
            "select (select coalesce(sum(contacts), 0) from kpi_day),"
            " (select count(*) from contacts)"
        ).fetchone()
        if counted != there:
            raise Torn(f"the rollups say they are current but count {counted} of {there}")


def one(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple:
    return con.execute(sql, params).fetchone()


def either(found: object, out: object, whole: object) -> str:
    if found == out:
        return "out"
    if found == whole:
        return "in"
    raise Torn(f"neither before ({out}) nor after ({whole}): {found}")


# -- the paths ---------------------------------------------------------------------------------


def write_big(path: Path, rows: int) -> tuple[int, int]:
    from tests.reliability import test_crash

    test_crash.BIG_ROWS, saved = rows, test_crash.BIG_ROWS
    try:
        return test_crash.write_big(path)
    finally:
        test_crash.BIG_ROWS = saved


def _counts(con: duckdb.DuckDBPyConnection) -> tuple:
    return one(
        con,
        "select (select count(*) from contacts), (select count(*) from rejects),"
        " (select count(*) from imported_files)",
    )


def make_big(folder: Path, rows: int) -> None:
    accepted, rejected = write_big(folder / "big.csv", rows)
    (folder / "expected").write_text(f"{accepted} {rejected}")


def expected(trial: Trial) -> tuple[int, int]:
    accepted, rejected = (trial.folder / "expected").read_text().split()
    return int(accepted), int(rejected)


def check_new_import(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    accepted, rejected = expected(trial)
    return either(_counts(con), (0, 0, 0), (accepted, rejected, 1))


def make_existing_import(folder: Path, rows: int) -> None:
    make_big(folder, rows)
    con = db.connect(folder / DB)
    ingest.import_file(con, SMALL)
    (folder / "start").write_text(" ".join(map(str, _counts(con))))
    con.close()


def check_existing_import(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    accepted, rejected = expected(trial)
    start = tuple(int(x) for x in (trial.folder / "start").read_text().split())
    whole = (start[0] + accepted, start[1] + rejected, start[2] + 1)
    return either(_counts(con), start, whole)


def make_nothing(folder: Path, size: int) -> None:
    """A new database: no file at all."""


def check_new_demo(trial: Trial, con: duckdb.DuckDBPyConnection, size: int) -> str:
    found = one(con, "select (select count(*) from contacts), (select count(*) from roster)")
    return either(found, (0, 0), (size, len(demo.roster_rows())))


def make_version(version: int) -> Callable[[Path, int], None]:
    """A database at an older schema version with `contacts` contacts, as that version left it
    (checkpointed on close; the rollups counted from v3 on)."""

    def make(folder: Path, contacts: int) -> None:
        from tests.conftest import database_at_version

        raw = database_at_version(folder / DB, version)
        raw.execute(
            """
            insert into contacts (contact_date, rep, rep_key, account, account_key, channel,
                contact_role, commitment_level, commitment, commitment_status, would_repeat,
                quote_sent, revenue, source)
            select date '2026-01-05' + (i % 170)::int, 'Rep ' || i % 12, 'rep ' || i % 12,
                   'Account ' || i % 4000, 'account ' || i % 4000,
                   ['phone', 'visit', 'video', 'email', 'event', 'social'][i % 6 + 1],
                   ['staff', 'manager', 'decision_maker', 'board', null][i % 5 + 1],
                   i % 5, case when i % 5 > 0 then 'next step ' || i end,
                   case when i % 5 > 0 then ['open', 'kept', 'broken'][i % 3 + 1] end,
                   ['yes', 'partly', 'no', null][i % 4 + 1],
                   i % 7 = 0, case when i % 11 = 0 then i % 1000 end, 'import'
            from range(?) as t(i)
            """,
            [contacts],
        )
        if version >= 3:
            rollups.recount(raw)
            if version < 6:
                raw.execute("drop table account_month")  # v6 added it
            if version < 9:
                for table in ("revenue_basis", "quote_outcomes", "account_firsts"):
                    raw.execute(f"drop table {table}")  # v9 added them
        fingerprint = one(
            raw, "select count(*), sum(id), count(*) filter (channel = 'phone') from contacts"
        )
        (folder / "fingerprint").write_text(" ".join(map(str, fingerprint)))
        raw.close()

    return make


def check_migration(version: int) -> Callable[[Trial, duckdb.DuckDBPyConnection], str]:
    def check(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
        want = tuple(int(x) for x in (trial.folder / "fingerprint").read_text().split())
        found = one(
            con, "select count(*), sum(id), count(*) filter (channel = 'phone') from contacts"
        )
        if found != want:
            raise Torn(f"contacts before the upgrade {want}, after {found}")
        if db.schema_version(con) != db.SCHEMA_VERSION:
            raise Torn(f"schema version {db.schema_version(con)} after opening")
        return either(trial.notes.pop(0), f"version {version}", f"version {db.SCHEMA_VERSION}")

    return check


def csv_of_contacts(folder: Path, n: int, level: int) -> None:
    rows = ["contact_date,rep,account,channel,commitment_level,commitment,notes"]
    rows += [
        f"2026-03-{1 + i % 28:02d},rep{i % 5}@example.nl,Account {i % 60},visit,{level},"
        f"{'agreed a next step' if level else ''},row {i}"
        for i in range(n)
    ]
    (folder / "contacts.csv").write_text("\n".join(rows) + "\n")


def make_contacts(level: int) -> Callable[[Path, int], None]:
    def make(folder: Path, n: int) -> None:
        csv_of_contacts(folder, n, level)
        con = db.connect(folder / DB)
        ingest.import_file(con, folder / "contacts.csv")
        con.close()

    return make


def make_edited(folder: Path, n: int) -> None:
    from kpi import contacts

    con = db.connect(folder / DB)
    for _ in range(n):
        assert contacts.save_contact(con, edited(0)).ok
    con.close()


def rollups_exact(con: duckdb.DuckDBPyConnection) -> None:
    """A change through the form keeps the rollups exact in its own transaction."""
    if not rollups.current(con):
        raise Torn("the rollups no longer count exactly the contacts there are")


def check_saves(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    confirmed = {line.split(" ", 2)[2] for line in trial.lines if line.startswith("saved ")}
    rows = con.execute(
        "select notes, account, commitment from contacts where source <> 'import'"
    ).fetchall()
    notes = [r[0] for r in rows]
    if len(notes) != len(set(notes)):
        raise Torn("a save is stored twice")
    if missing := confirmed - set(notes):
        raise Torn(f"confirmed saves missing: {sorted(missing)[:3]}")
    for marker, account, commitment in rows:
        if account != contact(marker)["account"] or commitment != contact(marker)["commitment"]:
            raise Torn(f"save {marker} stored in part: {account}, {commitment}")
    rollups_exact(con)
    trial.notes.append(f"{len(confirmed)} confirmed, {len(notes)} stored")
    return "in" if len(notes) > len(confirmed) else "out"


def check_edits(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    last: dict[int, int] = {}
    for contact_id, k in trial.done():
        last[int(contact_id)] = int(k)
    in_flight = max([0, *(int(k) for _, k in trial.done())]) + 1
    rows = con.execute(
        "select id, notes, account, commitment, reflection, lesson from contacts"
    ).fetchall()
    state = "out"
    for contact_id, notes, account, commitment, reflection, lesson in rows:
        k = int(notes.removeprefix("v"))
        whole = edited(k)
        if (account, commitment, reflection, lesson) != (
            whole["account"],
            whole["commitment"],
            whole["reflection"],
            whole["lesson"],
        ):
            raise Torn(f"contact {contact_id} edited in part: {notes}, {account}, {lesson}")
        if k != last.get(contact_id, 0):
            if k != in_flight:
                raise Torn(f"contact {contact_id} holds edit {k}, confirmed {last.get(contact_id)}")
            state = "in"
    rollups_exact(con)
    return state


def _in_flight(trial: Trial, ids: list[int]) -> int | None:
    """The id the process was changing when it was killed (the next after the last done)."""
    done = [int(words[0]) for words in trial.done()]
    following = [i for i in ids if not done or i > done[-1]]
    return following[0] if following else None


def check_deletes(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    ids = list(range(1, int((trial.folder / "count").read_text()) + 1))
    there = {r[0] for r in con.execute("select id from contacts").fetchall()}
    gone = set(ids) - there
    confirmed = {int(words[0]) for words in trial.done()}
    if confirmed - gone:
        raise Torn(f"confirmed deletes still there: {sorted(confirmed - gone)[:3]}")
    extra = gone - confirmed
    if extra - {_in_flight(trial, ids)}:
        raise Torn(f"deleted without being asked: {sorted(extra)[:3]}")
    rollups_exact(con)
    return "in" if extra else "out"


def check_marks(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    ids = list(range(1, int((trial.folder / "count").read_text()) + 1))
    status = dict(con.execute("select id, commitment_status::varchar from contacts").fetchall())
    confirmed = {int(words[0]): words[1] for words in trial.done()}
    for contact_id, wanted in confirmed.items():
        if status[contact_id] != wanted:
            raise Torn(f"contact {contact_id} is {status[contact_id]}, confirmed {wanted}")
    extra = {i for i, s in status.items() if s != "open"} - set(confirmed)
    if extra - {_in_flight(trial, ids)}:
        raise Torn(f"marked without being asked: {sorted(extra)[:3]}")
    listed = {r[0] for r in con.execute("select id from open_commitments").fetchall()}
    if listed != {i for i, s in status.items() if s == "open"}:
        raise Torn("the overdue list's rollup does not hold exactly the open commitments")
    rollups_exact(con)
    return "in" if extra else "out"


def make_count(make: Callable[[Path, int], None]) -> Callable[[Path, int], None]:
    def wrapped(folder: Path, n: int) -> None:
        make(folder, n)
        (folder / "count").write_text(str(n))

    return wrapped


def check_roster_page(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    log = con.execute(
        "select email, action, after_value from roster_changes order by id"
    ).fetchall()
    people = {
        email: f"{name} · {team or '–'} · {role}"
        for email, name, team, role in con.execute(
            "select email, name, team, role from roster"
        ).fetchall()
    }
    logged: dict[str, str | None] = {}
    for email, action, after in log:
        logged[email] = None if action == "remove" else after
    if {e: v for e, v in logged.items() if v is not None} != people:
        raise Torn("the roster and its change log disagree")
    confirmed = {(words[0], words[1]) for words in trial.done()}
    if confirmed - {(action, email) for email, action, _ in log}:
        raise Torn("a confirmed roster change is not in the log")
    return "in" if len(log) > len(confirmed) else "out"


def check_languages(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    stored = dict(con.execute("select email_key, lang from preferences").fetchall())
    last: dict[str, str] = {}
    for email, lang, _ in trial.done():
        last[email] = lang
    k = max([0, *(int(words[2]) for words in trial.done())]) + 1
    flight = (f"user{k % 7}@example.nl", ("nl", "en")[k % 2])
    state = "out"
    for email, lang in stored.items():
        if lang != last.get(email):
            if (email, lang) != flight:
                raise Torn(f"{email} keeps {lang}, confirmed {last.get(email)}")
            state = "in"
    if set(last) - set(stored):
        raise Torn("a confirmed language is missing")
    return state


def make_rosters(folder: Path, people: int) -> None:
    def roster_csv(name: str, n: int, team: str) -> Path:
        lines = ["email,name,team,role"]
        lines += [f"{name}{i}@example.nl,{name.title()} {i},{team},rep" for i in range(n)]
        lines.append(f"{name}-admin@example.nl,Admin,{team},admin")
        path = folder / f"{name}.csv"
        path.write_text("\n".join(lines) + "\n")
        return path

    con = db.connect(folder / DB)
    from kpi import roster

    roster.load_roster(con, roster_csv("before", people // 2, "Team Noord"))
    roster_csv("after", people, "Team Zuid")
    con.close()


def check_roster_load(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    found = one(
        con,
        "select count(*), count(*) filter (team = 'Team Zuid'),"
        " (select count(*) from roster_changes) from roster",
    )
    people = int((trial.folder / "count").read_text())
    return either(found, (people // 2 + 1, 0, 1), (people + 1, people + 1, 2))


def make_demo_db(folder: Path, contacts: int) -> None:
    con = db.connect(folder / DB)
    demo.generate(con, contacts=contacts, seed=3)
    con.close()
    (folder / "out").mkdir()


def _fingerprint(path: Path) -> tuple | None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return one(con, "select count(*), sum(id) from contacts")
    finally:
        con.close()


def check_backup(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    source = one(con, "select count(*), sum(id) from contacts")
    if source[0] != int((trial.folder / "count").read_text()):
        raise Torn(f"the database itself changed: {source}")
    made = trial.folder / "out" / "copy.duckdb"
    leftovers = [p.name for p in (trial.folder / "out").iterdir() if p != made]
    if leftovers:
        trial.notes.append(f"left in the backup folder: {len(leftovers)} scratch file(s)")
    if not made.exists():
        return "out"
    if _fingerprint(made) != source:
        raise Torn("the backup is not a whole copy")
    return "in"


def make_restore(folder: Path, contacts: int) -> None:
    con = db.connect(folder / DB)
    demo.generate(con, contacts=contacts, seed=4)
    con.close()
    con = db.connect(folder / "backup.duckdb")
    demo.generate(con, contacts=contacts + contacts // 2, seed=5)
    con.close()
    (folder / "before").write_text(repr(_fingerprint(folder / DB)))
    (folder / "after").write_text(repr(_fingerprint(folder / "backup.duckdb")))


def check_restore(trial: Trial, con: duckdb.DuckDBPyConnection) -> str:
    found = repr(one(con, "select count(*), sum(id) from contacts"))
    return either(
        found, (trial.folder / "before").read_text(), (trial.folder / "after").read_text()
    )


def writing(template: Path) -> Callable[[Path], bool]:
    """Whether a file the template does not have is there: the database, its log, or a scratch
    file beside it (a new schema, an upgrade, a restore): the process has begun to write."""
    names = {p.name for p in template.iterdir()}
    return lambda folder: any(p.name not in names for p in folder.iterdir())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_start(trial: Trial) -> list[str]:
    """What `make run` runs on its first start (Makefile): the demo data, then the server."""
    python = sys.executable
    return [
        "sh",
        "-c",
        f"{python} -m kpi demo --db {DB} --if-empty --contacts {PATHS_BY_NAME['first_start'].size}"
        f" && COMMITBOARD_DB={DB} exec {python} {ROOT / 'scripts' / 'serve.py'}"
        f" --server.port {free_port()} --server.headless true"
        " --browser.gatherUsageStats false",
    ]


def _paths() -> list[WritePath]:
    paths = [
        WritePath(
            "new_import",
            "`kpi import` into a new database",
            make_big,
            lambda t: kpi("import", "--db", DB, "big.csv"),
            check_new_import,
            size=100_000,
        ),
        WritePath(
            "new_demo",
            "`kpi demo` into a new database",
            make_nothing,
            lambda t: kpi("demo", "--db", DB, "--contacts", "60000", "--seed", "7"),
            lambda t, c: check_new_demo(t, c, 60_000),
            size=60_000,
        ),
        WritePath(
            "first_start",
            "`make run`'s first start (demo data, then the server warms up)",
            make_nothing,
            first_start,
            lambda t, c: check_new_demo(t, c, 20_000),
            size=20_000,
            until="warmed up",
        ),
        *(
            WritePath(
                f"migrate_v{v}",
                f"upgrade from schema v{v} (`kpi summary` opens it)",
                make_version(v),
                lambda t: kpi("summary", "--db", DB),
                check_migration(v),
                size=300_000,
            )
            for v in range(1, db.SCHEMA_VERSION)
        ),
        WritePath(
            "import",
            "`kpi import` into a database with data",
            make_existing_import,
            lambda t: kpi("import", "--db", DB, "big.csv"),
            check_existing_import,
            size=130_000,
        ),
        WritePath(
            "form_save",
            "form saves (2 sessions)",
            make_contacts(0),
            lambda t: [sys.executable, "-m", "tests.reliability.app_like", DB, "--threads", "2"],
            check_saves,
            size=10,
            loop=True,
        ),
        WritePath(
            "form_edit",
            "form edits",
            make_edited,
            lambda t: [sys.executable, "-m", "tests.reliability.app_like", DB, "--work", "edit"],
            check_edits,
            size=20,
            loop=True,
        ),
        WritePath(
            "form_delete",
            "deletes from the form",
            make_count(make_contacts(0)),
            lambda t: [sys.executable, "-m", "tests.reliability.app_like", DB, "--work", "delete"],
            check_deletes,
            size=2000,
            loop=True,
        ),
        WritePath(
            "kept_broken",
            "kept / broken",
            make_count(make_contacts(2)),
            lambda t: [sys.executable, "-m", "tests.reliability.app_like", DB, "--work", "mark"],
            check_marks,
            size=2000,
            loop=True,
        ),
        WritePath(
            "roster_load",
            "`kpi roster` replacing a roster",
            make_count(make_rosters),
            lambda t: kpi("roster", "--db", DB, "after.csv"),
            check_roster_load,
            size=20_000,
        ),
        WritePath(
            "roster_page",
            "roster page: add, change, remove",
            make_contacts(0),
            lambda t: [sys.executable, "-m", "tests.reliability.app_like", DB, "--work", "roster"],
            check_roster_page,
            size=1,
            loop=True,
        ),
        WritePath(
            "language",
            "a signed-in person's language",
            make_contacts(0),
            lambda t: [
                *[sys.executable, "-m", "tests.reliability.app_like", DB],
                *["--work", "language"],
            ],
            check_languages,
            size=1,
            loop=True,
        ),
        WritePath(
            "backup",
            "`kpi backup`",
            make_count(make_demo_db),
            lambda t: kpi("backup", "--db", DB, "out/copy.duckdb"),
            check_backup,
            size=100_000,
        ),
        WritePath(
            "restore",
            "`kpi restore`",
            make_restore,
            lambda t: kpi("restore", "--db", DB, "backup.duckdb"),
            check_restore,
            size=60_000,
        ),
    ]
    return paths


PATHS = _paths()
PATHS_BY_NAME = {p.name: p for p in PATHS}


# -- running trials ----------------------------------------------------------------------------


@dataclass
class Outcome:
    state: str  # in, out, or a failure: unopenable, queries failed, torn
    killed: bool  # the process was still running when the kill came
    seconds: float  # from the start to the kill (or the end)
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.state not in ("in", "out")


def prepare(path: WritePath, root: Path, size: int | None = None) -> Path:
    """The template folder of a path, made once."""
    template = root / f"template-{path.name}"
    if not template.exists():
        template.mkdir(parents=True)
        path.make(template, path.size if size is None else size)
    return template


def trial(
    path: WritePath,
    template: Path,
    folder: Path,
    kill_at: float | None,
    when: Callable[[Path], bool] | None = None,
) -> Outcome:
    """Run the path in a copy of its template; kill it kill_at seconds after it started (a
    one-shot) or after it said "ready" (a loop), or after when(folder) first held; None lets a
    one-shot finish. Then check."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(template, folder)
    run = Trial(folder)
    proc = subprocess.Popen(
        path.argv(run),
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)},
        start_new_session=True,  # its own process group: the kill reaches its children too
    )
    reader = threading.Thread(
        target=lambda: run.lines.extend(line.rstrip() for line in proc.stdout)
    )
    reader.start()
    began = time.monotonic()
    deadline = began + 300

    def wait_for(done: Callable[[], bool]) -> None:
        while not done() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)

    if path.loop:
        wait_for(lambda: "ready" in run.lines)
        began = time.monotonic()
    if when is not None:
        wait_for(lambda: when(folder))
        began = time.monotonic()
    if kill_at is None:
        marker = path.until
        wait_for(lambda: marker is not None and any(marker in line for line in run.lines))
    else:
        wait_for(lambda: time.monotonic() - began >= kill_at)
    seconds = time.monotonic() - began
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join(timeout=30)
    if kill_at is None and path.until is None and proc.returncode != 0:
        return Outcome("failed to run", False, seconds, "\n".join(run.lines[-5:]))
    return check(path, run, killed, seconds)


def check(path: WritePath, run: Trial, killed: bool, seconds: float) -> Outcome:
    run.existed = run.db.exists()
    if path.name.startswith("migrate_v") and run.existed:
        try:  # the version the kill left, before the program opens (and upgrades) it
            raw = duckdb.connect(str(run.db), read_only=True)
        except duckdb.Error as exc:
            return Outcome("unopenable", killed, seconds, str(exc).splitlines()[0])
        try:
            run.notes.append(f"version {db.schema_version(raw)}")
        finally:
            raw.close()
    try:
        con = db.connect(run.db)
    except Exception as exc:  # noqa: BLE001 - any failure to open is what is counted
        return Outcome("unopenable", killed, seconds, str(exc).splitlines()[0])
    try:
        try:
            dashboard_queries(con)
        except Exception as exc:  # noqa: BLE001
            return Outcome("queries failed", killed, seconds, str(exc).splitlines()[0])
        try:
            promises(con)
            state = path.check(run, con)
        except Torn as exc:
            return Outcome("torn", killed, seconds, str(exc))
    finally:
        con.close()
    return Outcome(state, killed, seconds, "; ".join(run.notes))


def kill_moments(path: WritePath, whole: float, kills: int, rng: random.Random) -> list[float]:
    if path.loop:
        return [rng.uniform(0.05, path.window) for _ in range(kills)]
    return [rng.uniform(0.0, whole * 1.05) for _ in range(kills)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="kills per path (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--paths", help="comma-separated names (default: all)")
    args = parser.parse_args(argv)
    chosen = [PATHS_BY_NAME[n] for n in args.paths.split(",")] if args.paths else PATHS
    rng = random.Random(args.seed)
    rows, failures = [], 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="commitboard-crash-") as tmp:
        root = Path(tmp)
        for path in chosen:
            template = prepare(path, root)
            # A loop never ends by itself: its uninterrupted run is one of `window` seconds. A
            # one-shot is timed twice and the longer counts: on a busy machine one run can be
            # much shorter than the next, and kills all landing before the write tell nothing.
            runs = [
                trial(path, template, root / "run", path.window if path.loop else None)
                for _ in range(1 if path.loop else 2)
            ]
            for run in runs:
                if run.failed or (not path.loop and run.state != "in"):
                    print(f"{path.name}: an uninterrupted run gave {run.state}: {run.detail}")
                    return 1
            whole = max(runs, key=lambda run: run.seconds)
            tally = {"in": 0, "out": 0, "ended first": 0, "failed": 0}
            for n, at in enumerate(kill_moments(path, whole.seconds, args.kills, rng), 1):
                outcome = trial(path, template, root / "run", at)
                if outcome.failed:
                    tally["failed"] += 1
                    failures += 1
                elif not outcome.killed:
                    tally["ended first"] += 1
                else:
                    tally[outcome.state] += 1
                print(
                    f"{path.name} #{n}: kill at {at:.2f} s -> {outcome.state}"
                    f"{'' if outcome.killed else ' (had ended)'}"
                    f"{': ' + outcome.detail if outcome.detail else ''}",
                    flush=True,
                )
            rows.append((path, whole.seconds, tally))
    print()
    print(
        f"Crash matrix, seed {args.seed}, {args.kills} kills per path,"
        f" {time.monotonic() - started:.0f} s in all:"
    )
    print()
    print(
        "| write path | size | uninterrupted run (s) | kills | wholly out | wholly in |"
        " ended before the kill | unopenable, torn or failing |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for path, whole, tally in rows:
        window = f"kill within {path.window:g} s of ready" if path.loop else f"{whole:.1f}"
        print(
            f"| {path.what} | {path.size:,} | {window} | {args.kills} | {tally['out']} |"
            f" {tally['in']} | {tally['ended first']} | {tally['failed']} |"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
