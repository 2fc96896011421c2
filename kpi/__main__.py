"""The command line: python -m kpi import|summary|evidence|goals|mappings|rejects|roster|demo|backup|restore|recover."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb

from kpi import (
    backup,
    db,
    evidence,
    goals,
    i18n,
    ingest,
    lake,
    mapping,
    metrics,
    recover,
    settings,
)
from kpi.reasons import row_reason_text
from kpi.roster import RosterError, load_roster

EXIT_OK, EXIT_ERROR, EXIT_UNREADABLE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(f"not a number of days (1 or more): {text!r}")
    return days


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kpi",
        description="Commitboard: contact logs into DuckDB, and the commitment KPIs next to activity.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument(
            "--db",
            help="database file, or ducklake:postgres:<connection> for a shared lake"
            " (default: $COMMITBOARD_DB or data/commitboard.duckdb)",
        )
        return p

    p = add(
        "import", "import contact logs (CSV or XLSX); rows that break a rule are kept as rejects"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--mapping",
        metavar="NAME",
        help="read the files with this saved column mapping (made on the Import page)",
    )
    p.add_argument("files", nargs="+", metavar="FILE")

    p = add("mappings", "the saved column mappings of other exports: list them, or remove one")
    p.add_argument("action", choices=("list", "remove"))
    p.add_argument("name", nargs="?", metavar="NAME", help="the mapping to remove")

    p = add("summary", "the 12 KPIs for a window and filters")
    p.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--rep", help="a rep's e-mail or name")
    p.add_argument("--team", help="a team on the roster")
    p.add_argument("--json", action="store_true", help="print one JSON object with the 12 keys")

    p = add("evidence", "does commitment pay? quick against considered quotes, and what followed")
    p.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--rep", help="the quoting rep's e-mail or name")
    p.add_argument("--team", help="a team on the roster (of the quoting rep)")
    p.add_argument(
        "--horizon",
        type=_days,
        default=evidence.DEFAULT_HORIZON,
        metavar="DAYS",
        help="days after a quote in which revenue on its account counts (default: %(default)s)",
    )
    p.add_argument("--as-of", dest="as_of", type=_date, metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("goals", help="set, remove and list goals on KPIs")
    goal_sub = p.add_subparsers(dest="goal_command", required=True)

    def add_goal(name: str, help_text: str, scoped: bool = True) -> argparse.ArgumentParser:
        g = goal_sub.add_parser(name, help=help_text, description=help_text)
        g.add_argument(
            "--db",
            help="database file, or ducklake:postgres:<connection> for a shared lake"
            " (default: $COMMITBOARD_DB or data/commitboard.duckdb)",
        )
        if scoped:
            g.add_argument("--kpi", required=True, choices=metrics.KPI_KEYS)
            scope = g.add_mutually_exclusive_group()
            scope.add_argument("--team", help="a team on the roster (default: everyone)")
            scope.add_argument("--rep", help="one rep's e-mail or roster name")
        return g

    g = add_goal("set", "set the goal on a KPI for everyone, a team or a rep (replaces it)")
    g.add_argument(
        "--target",
        type=float,
        required=True,
        metavar="X",
        help="in the KPI's own unit: ratios 0..1, counts, euros",
    )
    g.add_argument("--period", required=True, choices=goals.PERIODS)
    add_goal("remove", "remove the goal on a KPI for everyone, a team or a rep")
    g = add_goal("list", "every goal with its value in the current period", scoped=False)
    g.add_argument("--as-of", dest="as_of", type=_date, metavar="YYYY-MM-DD", help="default: today")
    g.add_argument("--json", action="store_true", help="print a JSON list")

    p = add("rejects", "rejected rows with file, line and reasons")
    p.add_argument(
        "--csv",
        nargs="?",
        const="-",
        metavar="FILE",
        help="write a CSV to fix in Excel and import again (to FILE, or stdout)",
    )
    p.add_argument("--lang", choices=i18n.LANGS, default="en")

    p = add("roster", "load the team roster from a CSV with columns email,name,team,role")
    p.add_argument("file", metavar="FILE")

    p = add("demo", "fill the database with demo contacts that tell the story")
    p.add_argument(
        "--contacts",
        type=int,
        default=int(settings.get("COMMITBOARD_DEMO_CONTACTS")),
        metavar="N",
        help="how many contacts (default: $COMMITBOARD_DEMO_CONTACTS or 20000)",
    )
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--if-empty", action="store_true", help="only when the database has no contacts")

    p = add("backup", "copy the database to DEST, also while the app runs (it makes the copy)")
    p.add_argument("dest", metavar="DEST", help="a new file, or a folder for a dated file in it")
    p.add_argument("--force", action="store_true", help="replace DEST if it exists")
    p.add_argument(
        "--wait",
        type=float,
        default=backup.ANSWER_SECONDS,
        metavar="SECONDS",
        help="how long a running app may take to answer (default: %(default)g)",
    )

    p = add("restore", "replace the database with a backup; stop the app first")
    p.add_argument("source", metavar="SRC", help="a backup made by `backup`")

    add(
        "recover",
        "a database whose log does not replay: set that log aside (kept) and open the last "
        "saved state; a database that opens is left as it is",
    )

    p = add(
        "maintain",
        "a DuckLake store's care, nightly from cron: write small inline writes out, merge small "
        "files, expire old snapshots, delete files nothing uses",
    )
    p.add_argument(
        "--keep-days",
        type=int,
        default=lake.KEEP_DAYS,
        metavar="DAYS",
        help="how long old snapshots and unused files are kept (default: %(default)d)",
    )
    return parser


def _table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# What an import is doing, as a terminal shows it (the stages import_file reports).
_STAGES = {"reading": "reading", "validating": "checking every row", "writing": "saving"}


@contextmanager
def stage_line(name: str) -> Iterator[ingest.Progress | None]:
    """A progress callback that shows what an import of `name` is doing on one line of a
    terminal (a file of millions of rows takes a while), the line cleared when the import ends,
    also by an error; None when stderr is not a terminal, so that scripts and pipes read the
    results only."""
    stream = sys.stderr
    if not stream.isatty():
        yield None
        return
    shown = [""]

    def show(_fraction: float, stage: str) -> None:
        text = f"{name}: {_STAGES[stage]}..." if stage in _STAGES else ""
        if text != shown[0]:
            end = "\r" if not text else ""
            print("\r" + text.ljust(len(shown[0])) + end, end="", file=stream, flush=True)
            shown[0] = text

    try:
        yield show
    finally:
        show(1.0, "done")


def cmd_import(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    results: list[ingest.FileResult] = []
    unreadable: list[dict[str, object]] = []
    status = EXIT_OK
    if args.mapping is not None and mapping.get_mapping(con, args.mapping) is None:
        saved = ", ".join(m.name for m in mapping.mappings(con)) or "none"
        print(
            f"error: there is no saved mapping named {args.mapping!r} (saved: {saved})",
            file=sys.stderr,
        )
        return EXIT_ERROR
    for name in args.files:
        try:
            with stage_line(name) as progress:
                results.append(
                    ingest.import_file(con, name, mapping_name=args.mapping, progress=progress)
                )
        except ingest.FileUnreadable as exc:
            print(f"error: {name}: {exc}", file=sys.stderr)
            unreadable.append(
                {"path": name, "code": exc.code, "params": exc.params, "reason": str(exc)}
            )
            status = EXIT_UNREADABLE
    if args.json:
        print(
            json.dumps(
                {
                    "accepted": sum(r.accepted for r in results),
                    "rejected": sum(r.rejected for r in results),
                    "not_contacts": sum(r.not_contacts for r in results),
                    "files": [
                        {
                            "path": r.path,
                            "accepted": r.accepted,
                            "rejected": r.rejected,
                            "not_contacts": r.not_contacts,
                            "not_contacts_by_kind": r.not_contacts_by_kind,
                            "layout": r.layout,
                            "skipped": r.skipped,
                        }
                        for r in results
                    ],
                    "unreadable": unreadable,
                }
            )
        )
    else:
        for r in results:
            if r.skipped:
                print(f"{r.path}: skipped (this content was imported before)")
                continue
            extra = f" ({r.updated} updated)" if r.updated else ""
            apart = ""
            if r.not_contacts:
                kinds = ", ".join(f"{n} {kind}" for kind, n in r.not_contacts_by_kind.items())
                apart = f", {r.not_contacts} not a contact ({kinds})"
            crm = f" [{r.layout} export]" if r.layout != "commitboard" else ""
            print(
                f"{r.path}{crm}: {r.rows_read} rows read, {r.accepted} accepted{extra},"
                f" {r.rejected} rejected{apart}"
            )
            if r.ignored_columns:
                print(f"  ignored columns: {', '.join(r.ignored_columns)}")
        if any(r.rejected for r in results):
            print("see the rejected rows with: python -m kpi rejects")
    return status


def _fmt(key: str, value: float | int | None) -> str:
    if value is None:
        return "–"
    if key in metrics.RATIO_KEYS:
        return i18n.fmt_pct(value, "en", 1)
    if key == "revenue":
        return i18n.fmt_money(value, "en", 2)
    if key == "avg_commitment":
        return i18n.fmt_number(value, "en", 2)
    return i18n.fmt_number(value, "en")


def cmd_summary(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    window = metrics.Window(args.start, args.end)
    filters = metrics.Filters(reps=(args.rep,) if args.rep else (), team=args.team)
    kpis = metrics.summary(con, window, filters)
    if args.json:
        print(json.dumps(kpis))
        return EXIT_OK
    print(_table([(k, _fmt(k, kpis[k])) for k in metrics.ACTIVITY_KEYS], ["activity", "value"]))
    print()
    commitment = metrics.COMMITMENT_KEYS + metrics.COVERAGE_KEYS
    print(_table([(k, _fmt(k, kpis[k])) for k in commitment], ["commitment", "value"]))
    return EXIT_OK


def cmd_evidence(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    window = metrics.Window(args.start, args.end)
    filters = metrics.Filters(reps=(args.rep,) if args.rep else (), team=args.team)
    found = evidence.evidence(con, window, filters, horizon=args.horizon, as_of=args.as_of)
    if args.json:
        result = found.as_dict()
        for group in evidence.GROUPS:
            result[group] = {key: result[group][key] for key in evidence.GROUP_KEYS}
        print(json.dumps(result))
        return EXIT_OK
    print(f"quotes decided by {found.as_of} (horizon {found.horizon_days} days)")
    rows = []
    for group in evidence.GROUPS:
        values = getattr(found, group)
        low, high = values["win_rate_low"], values["win_rate_high"]
        interval = "–" if low is None else f"{_pct(low)} – {_pct(high)}"
        rows.append(
            (
                group,
                values["quotes"],
                values["won"],
                _pct(values["win_rate"]),
                interval,
                i18n.fmt_money(values["revenue_per_quote"], "en", 2),
            )
        )
    print(
        _table(
            rows,
            ["quotes", "count", "won", "win rate", "95% interval", "revenue per quote"],
        )
    )
    lift = "–" if found.lift is None else i18n.fmt_number(found.lift, "en", 2)
    print(f"\nlift (considered / quick win rate): {lift}")
    print(f"open quotes (less than {found.horizon_days} days old): {found.open_quotes}")
    return EXIT_OK


def _pct(value: float | None) -> str:
    return i18n.fmt_pct(value, "en", 1)


def cmd_goals(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    by = f"command line ({getpass.getuser()})"
    try:
        if args.goal_command == "set":
            done = goals.set_goal(
                con, args.kpi, args.target, args.period, team=args.team, rep=args.rep, by=by
            )
            scope = args.team or args.rep or "everyone"
            print(f"goal {done}: {args.kpi} for {scope}")
            return EXIT_OK
        if args.goal_command == "remove":
            goals.remove_goal(con, args.kpi, team=args.team, rep=args.rep, by=by)
            print(f"goal removed: {args.kpi}")
            return EXIT_OK
    except goals.GoalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    found = goals.status(con, args.as_of)
    if args.json:
        print(json.dumps(found, default=str))
        return EXIT_OK
    if not found:
        print("no goals")
        return EXIT_OK
    rows = [
        (
            g["kpi"],
            g["team"] or g["rep"] or "everyone",
            ("≤ " if g["kpi"] in goals.AT_MOST else "≥ ") + _fmt(g["kpi"], g["target"]),
            f"{g['period']} {g['start']} – {g['end']}",
            _fmt(g["kpi"], g["value"]),
            {True: "yes", False: "no", None: "–"}[g["met"]],
        )
        for g in found
    ]
    print(_table(rows, ["kpi", "for", "target", "period", "value", "met"]))
    return EXIT_OK


def cmd_mappings(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    if args.action == "remove":
        if not args.name:
            print("error: name the mapping to remove", file=sys.stderr)
            return EXIT_ERROR
        try:
            mapping.remove_mapping(con, args.name, by=f"command line ({getpass.getuser()})")
        except mapping.MappingError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        print(f"mapping removed: {args.name}")
        return EXIT_OK
    frame = mapping.mappings_frame(con)
    if frame.empty:
        print("no saved mappings")
        return EXIT_OK
    rows = [
        (r.name, r.columns, r.saved_by, f"{r.saved_at:%Y-%m-%d %H:%M}")
        for r in frame.itertuples(index=False)
    ]
    print(_table(rows, ["name", "columns", "saved by", "saved at"]))
    return EXIT_OK


def cmd_rejects(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    if args.csv:
        if args.csv == "-":
            n = ingest.write_rejects_csv(con, sys.stdout, lang=args.lang)
        else:
            with open(args.csv, "w", encoding="utf-8-sig", newline="") as out:
                n = ingest.write_rejects_csv(con, out, lang=args.lang)
            print(f"{n} rejected rows written to {args.csv}; fix them and import that file again")
        return EXIT_OK
    frame = ingest.rejects_frame(con)
    if frame.empty:
        print("no rejected rows")
        return EXIT_OK
    rows = [
        (r.file, r.line, "; ".join(row_reason_text(x, args.lang) for x in r.reasons))
        for r in frame.itertuples()
    ]
    print(_table(rows, ["file", "line", "reasons"]))
    return EXIT_OK


def cmd_roster(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    try:
        n = load_roster(con, args.file, by=f"command line ({getpass.getuser()})")
    except (RosterError, UnicodeDecodeError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"roster loaded: {n} people")
    return EXIT_OK


def cmd_demo(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    from kpi import demo

    if args.if_empty and not demo.is_empty(con):
        return EXIT_OK
    if args.contacts < 1:
        print("error: --contacts must be at least 1", file=sys.stderr)
        return EXIT_ERROR

    def progress(fraction: float, _message: str) -> None:
        print(f"\rdemo data: {fraction:4.0%}", end="", file=sys.stderr, flush=True)

    n = demo.generate(con, contacts=args.contacts, seed=args.seed, progress=progress)
    print(file=sys.stderr)
    print(f"demo data: {n} contacts")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    if db.is_lake(args.db):
        made = lake.backup(db.target(args.db), args.dest, force=args.force)
        print(f"backup written: {made.path} ({made.contacts} contacts, one snapshot of the lake)")
        return EXIT_OK
    made = backup.backup(db.db_path(args.db), args.dest, force=args.force, wait=args.wait)
    by = f", made by the running app (PID {made.made_by_pid})" if made.made_by_pid else ""
    print(f"backup written: {made.path} ({made.contacts} contacts{by})")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    if db.is_lake(args.db):
        made, kept = lake.restore(args.source, db.target(args.db))
        print(f"restored {made.contacts} contacts from {args.source} into the lake")
        print(f"what the lake held before is kept as {kept}")
        return EXIT_OK
    made = backup.restore(args.source, db.db_path(args.db))
    kept = backup.before_restore_path(made.path)
    print(f"restored {made.contacts} contacts from {args.source} into {made.path}")
    if kept.exists():
        print(f"the database it replaced is kept as {kept}")
    return EXIT_OK


def cmd_maintain(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    done = lake.maintain(con, keep_days=args.keep_days)
    print(
        f"maintained in {done.seconds:.1f} s: snapshots {done.snapshots_before} -> "
        f"{done.snapshots_after}, {done.files_removed} unused files deleted"
    )
    return EXIT_OK


def cmd_recover(args: argparse.Namespace) -> int:
    if db.is_lake(args.db):
        print("error: recover is for a database file; a lake's commits are all or nothing")
        return EXIT_ERROR
    try:
        found = recover.recover(db.db_path(args.db))
    except recover.RecoverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if found.set_aside is None:
        print(f"database {found.path} opens fine: nothing to recover, nothing changed")
    else:
        print(
            f"database {found.path}: its log did not replay and was set aside as "
            f"{found.set_aside.name} ({found.set_aside_bytes:,} bytes, kept: it holds the "
            "changes made after the last checkpoint, which are not in the database now)"
        )
    newest = found.newest_contact.isoformat() if found.newest_contact else "none"
    last = (
        f"{found.last_import[0]} at {found.last_import[1]:%Y-%m-%d %H:%M:%S}"
        if found.last_import
        else "none"
    )
    print(f"it holds {found.contacts:,} contacts, the newest dated {newest}; last import: {last}")
    if found.set_aside is not None:
        print("the app starts normally again; import again what was imported after that")
    return EXIT_OK


# These open the database themselves: it may be held by the app.
FILE_COMMANDS = {"backup": cmd_backup, "restore": cmd_restore, "recover": cmd_recover}

COMMANDS = {
    "import": cmd_import,
    "summary": cmd_summary,
    "evidence": cmd_evidence,
    "goals": cmd_goals,
    "mappings": cmd_mappings,
    "rejects": cmd_rejects,
    "roster": cmd_roster,
    "demo": cmd_demo,
    "maintain": cmd_maintain,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in FILE_COMMANDS:
        return _run_file_command(args)
    try:
        con = db.connect(args.db)
    except db.StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        return COMMANDS[args.command](con, args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (duckdb.Error, OSError, ValueError, db.StoreError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: {db.redact(first)}", file=sys.stderr)  # a lake's password never shown
        return EXIT_ERROR
    finally:
        con.close()


def _run_file_command(args: argparse.Namespace) -> int:
    try:
        return FILE_COMMANDS[args.command](args)
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (duckdb.Error, OSError, ValueError, db.StoreError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: {db.redact(first)}", file=sys.stderr)  # a lake's password never shown
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
