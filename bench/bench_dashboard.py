"""The director's dashboard at 1M demo contacts: its queries in process, then the real page.

1. Builds the demo database once (bench/out/1m.duckdb, git-ignored; --rebuild to redo it).
2. Times every kpi call the dashboard makes, cold (a fresh DuckDB connection per call, the OS
   file cache warm) and warm (again on the same connection).
3. Starts `streamlit run app.py` on that database and measures in Chromium, from navigation
   start until every metric (with its trend line) and every chart of the first tab is drawn and
   the script has finished: cold (fresh server, first visit), warm (the same tab navigating to
   the page again) and a filter change (a team picked, until the page settles). The same is
   measured for a minimal page showing one metric from one query: the floor Streamlit sets.

Every figure is the median of --runs runs, with min and max; the machine's load is recorded too,
as other work may run at the same time. `python bench/bench_dashboard.py --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DASHBOARD_METRICS = 12  # the 7 commitment and 5 activity tiles
FIRST_TAB_CHARTS = 3  # team tab: the quadrant, the ladder, follow-through per rep

# The floor: one query, one metric, nothing else.
BASELINE_APP = """\
import os

import duckdb
import streamlit as st


@st.cache_resource
def connection():
    return duckdb.connect(os.environ["COMMITBOARD_DB"], read_only=True)


contacts = connection().cursor().execute("select count(*) from contacts").fetchone()[0]
st.metric("Contacts", f"{contacts:,}")
"""

# Runs in the page before Streamlit does: a log of the script states and the last pointer press.
PAGE_PROBE = """
window.__states = [];
window.__pressed = null;
document.addEventListener('pointerdown', () => { window.__pressed = performance.now(); }, true);
new MutationObserver(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    const last = window.__states[window.__states.length - 1];
    if (state && (!last || last[0] !== state)) window.__states.push([state, performance.now()]);
}).observe(document, {subtree: true, childList: true, attributes: true,
                      attributeFilter: ['data-test-script-state']});
"""

# True (the time, ms since navigation start) once the script has finished (after `since`), no
# placeholder is left, `metrics` metrics are shown with their trend lines drawn, and the visible
# tab (or the page, without tabs) has `charts` charts drawn.
PAGE_DRAWN = """
({metrics, charts, since}) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const states = window.__states;
    if (!states.some(([s, t]) => s === 'running' && t >= since)) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    if (document.querySelectorAll('[data-testid="stMetric"]').length < metrics) return false;
    const drawn = (el) => el.querySelector('svg, canvas') !== null;
    if (![...document.querySelectorAll('[data-testid="stMetricChart"]')].every(drawn)) return false;
    const panels = [...document.querySelectorAll('[data-testid="stTabPanel"]')];
    const scope = panels.find((p) => p.offsetParent !== null) || document;
    const shown = [...scope.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    if (shown.length < charts || !shown.every(drawn)) return false;
    return performance.now();
}
"""


# -- the machine --------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    import duckdb
    import streamlit

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory[1].split()[1] if len(memory) > 1 else "?",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "streamlit": streamlit.__version__,
    }


def _cpu_ticks() -> dict[int, tuple[str, int, int]]:
    """pid -> (command, parent pid, user + system clock ticks) for every process we can read."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks[int(entry.name)] = (
            command or stat[stat.index("(") : stat.rindex(")") + 1],
            int(fields[1]),
            int(fields[11]) + int(fields[12]),
        )
    return ticks


def _ours(ticks: dict[int, tuple[str, int, int]]) -> set[int]:
    """This process and everything it started (servers, Chromium, Playwright's driver)."""
    mine = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, (_, parent, _) in ticks.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return mine


class OtherLoad:
    """CPU seconds used by processes that are not this benchmark, inside measure() blocks."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.wall = 0.0

    @contextmanager
    def measure(self) -> Iterator[None]:
        before, started = _cpu_ticks(), time.monotonic()
        try:
            yield
        finally:
            after = _cpu_ticks()
            self.wall += time.monotonic() - started
            hz = os.sysconf("SC_CLK_TCK")
            for pid in set(after) - _ours(after):
                command, _, used = after[pid]
                spent = (used - before.get(pid, (command, 0, 0))[2]) / hz
                if spent > 0:
                    name = " ".join(command.split()[:3])[:90]
                    self.seconds[name] = self.seconds.get(name, 0.0) + spent

    def summary(self, top: int = 6) -> dict[str, object]:
        busiest = sorted(self.seconds.items(), key=lambda kv: -kv[1])[:top]
        total = sum(self.seconds.values())
        cores = os.cpu_count() or 1
        return {
            "cpu_seconds": round(total, 1),
            "share_of_machine": round(total / max(self.wall * cores, 1e-9), 2),
            "busiest": [[name, round(seconds, 1)] for name, seconds in busiest],
        }


# -- the database ---------------------------------------------------------------------------


def ensure_db(path: Path, contacts: int, rebuild: bool) -> None:
    """The demo database with `contacts` contacts, built once with the app's own command."""
    import duckdb

    if path.exists() and not rebuild:
        with duckdb.connect(str(path), read_only=True) as con:
            if con.execute("select count(*) from contacts").fetchone()[0] == contacts:
                return
    for stale in (path, path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kpi", "demo", "--db", str(path), "--contacts", str(contacts)],
        cwd=ROOT,
        check=True,
    )
    print(f"built {path} in {time.perf_counter() - started:.1f} s", flush=True)


# -- the dashboard's queries, in process ----------------------------------------------------------


def default_window(con, today: dt.date):
    """As pages/dashboard.py picks it: this quarter up to today, or all time when it is empty."""
    from kpi import metrics

    last = metrics.contact_span(con)["last"]
    quarter = metrics.window_for("quarter", today)
    if last is None or last < quarter.start:
        return metrics.Window()
    return metrics.Window(quarter.start, min(quarter.end, today))


def dashboard_calls(window, today: dt.date) -> list[tuple[str, Callable]]:
    """The kpi calls the dashboard makes for a director, in page order: (name, fn(con))."""
    from kpi import metrics

    def call(fn, *args, **kwargs):
        return lambda con: fn(con, *args, **kwargs)

    calls = [
        ("contact_span", call(metrics.contact_span)),
        ("reps", call(metrics.reps)),
        ("teams", call(metrics.teams)),
    ]
    if hasattr(metrics, "dashboard_kpis"):
        calls.append(("dashboard_kpis", call(metrics.dashboard_kpis, window, metrics.ALL)))
    else:  # a checkout from before the one-query dashboard (for a before/after)
        calls += [
            ("compare", call(metrics.compare, window, metrics.ALL)),
            ("kpi_frame(week)", call(metrics.kpi_frame, window, metrics.ALL, by="week")),
            ("kpi_frame(rep)", call(metrics.kpi_frame, window, metrics.ALL, by="rep")),
        ]
    limit = {"limit": 200} if "limit" in metrics.momentum.__code__.co_varnames else {}
    calls += [
        ("ladder", call(metrics.ladder, window, metrics.ALL)),
        ("momentum", call(metrics.momentum, window, metrics.ALL, **limit)),
        ("overdue", call(metrics.overdue, metrics.ALL, today=today, **limit)),
        ("account_levels", call(metrics.account_levels, window, metrics.ALL)),
    ]
    return calls


def time_queries(path: Path, runs: int) -> dict[str, dict[str, list[float]]]:
    """Per call: `cold` seconds on a fresh connection and `warm` seconds on a used one."""
    from kpi import db

    today = dt.date.today()
    con = db.connect(path, read_only=True)
    window = default_window(con, today)
    con.close()
    calls = dashboard_calls(window, today)
    times: dict[str, dict[str, list[float]]] = {name: {"cold": [], "warm": []} for name, _ in calls}
    times["total"] = {"cold": [], "warm": []}
    for _ in range(runs):
        totals = {"cold": 0.0, "warm": 0.0}
        for name, fn in calls:
            con = db.connect(path, read_only=True)
            try:
                for kind in ("cold", "warm"):
                    started = time.perf_counter()
                    fn(con)
                    seconds = time.perf_counter() - started
                    times[name][kind].append(seconds)
                    totals[kind] += seconds
            finally:
                con.close()
        for kind, seconds in totals.items():
            times["total"][kind].append(seconds)
    return times


# -- the page, in Chromium ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    script: Path,
    db_path: Path,
    cwd: Path,
    preload: tuple[str, ...] = (),
    options: tuple[str, ...] = (),
) -> Iterator[str]:
    """`streamlit run script` on a free port until the block ends; yields its URL.

    `preload`: modules the server imports before it starts (an experiment: the first visit
    then does not pay for importing them); `options`: extra `section.name=value` settings.
    """
    port = free_port()
    log = OUT / f"{script.stem}-{port}.log"
    env = os.environ | {"COMMITBOARD_DB": str(db_path), "COMMITBOARD_LANG": "en"}
    flags = ["--server.port", str(port), "--server.address", "127.0.0.1"]
    flags += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    flags += ["--server.fileWatcherType", "none", *(f"--{option}" for option in options)]
    command = [sys.executable, "-m", "streamlit", "run", str(script), *flags]
    if preload:
        argv = ["streamlit", "run", str(script), *flags]
        code = f"import sys, {', '.join(preload)}\nfrom streamlit.web.cli import main\n"
        command = [sys.executable, "-c", code + f"sys.argv = {argv!r}\nmain()"]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    except BaseException:
        print(f"server log kept: {log}", flush=True)
        raise
    else:
        log.unlink(missing_ok=True)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_drawn(tab, metrics: int, charts: int, since: float) -> dict[str, float]:
    """Wait until the page is drawn; the times (ms) at which the script started, finished and
    the page was drawn, on the page's clock (0 = navigation start)."""
    drawn = tab.wait_for_function(
        PAGE_DRAWN, arg={"metrics": metrics, "charts": charts, "since": since}, timeout=120_000
    ).json_value()
    states = tab.evaluate("window.__states")
    running = next(t for s, t in states if s == "running" and t >= since)
    finished = next(t for s, t in states if s == "notRunning" and t >= running)
    return {"running": running, "finished": finished, "drawn": drawn}


class PageFailed(Exception):
    """The page did not get drawn in time (an error on it, or a hung server)."""


def measure_page(
    browser, url: str, metrics: int, charts: int, team: str | None
) -> dict[str, dict[str, float]]:
    """Cold and warm navigation to `url`, and (given a team) picking that team."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    context.add_init_script(PAGE_PROBE)
    tab = context.new_page()
    tab.set_default_timeout(120_000)
    out = {}
    kind = "cold"
    try:
        for kind in ("cold", "warm"):
            tab.goto(url + "/?lang=en", wait_until="commit")
            marks = wait_drawn(tab, metrics, charts, since=0.0)
            out[kind] = {"seconds": marks["drawn"] / 1000, **phases(marks, start=0.0)}
        if team:
            tab.locator(".st-key-dash_team").click()
            tab.get_by_role("option", name=team, exact=True).click()
            pressed = tab.evaluate("window.__pressed")
            marks = wait_drawn(tab, metrics, charts, since=pressed)
            out["filter"] = {"seconds": (marks["drawn"] - pressed) / 1000, **phases(marks, pressed)}
            chosen = tab.locator(".st-key-dash_team input").input_value()
            assert chosen == team, f"the team filter shows {chosen!r}, not {team!r}"
    except PlaywrightTimeout as exc:
        shot = OUT / f"failed-{dt.datetime.now():%H%M%S}.png"
        tab.screenshot(path=str(shot), full_page=True)
        errors = tab.locator('[data-testid="stException"]').all_inner_texts()
        raise PageFailed(f"{kind}: {str(exc).splitlines()[0]}; {shot}; errors: {errors}") from None
    finally:
        context.close()
    return out


def phases(marks: dict[str, float], start: float) -> dict[str, float]:
    """Where the time went: until the script started, the script, drawing after it finished."""
    return {
        "to_script": (marks["running"] - start) / 1000,
        "script": (marks["finished"] - marks["running"]) / 1000,
        "after_script": (marks["drawn"] - marks["finished"]) / 1000,
    }


@dataclass(frozen=True)
class Page:
    """A page to measure: its script, what it shows, the team to pick (None: no filter), and
    how its server is started."""

    script: Path
    metrics: int
    charts: int
    team: str | None = None
    preload: tuple[str, ...] = ()
    options: tuple[str, ...] = ()


def pages_to_measure(app_root: Path, db_path: Path, args: argparse.Namespace) -> dict[str, Page]:
    """The dashboard and the baseline, then any experiment asked for, all measured in each run
    (so they share the machine's load of the moment)."""
    from kpi import db, metrics

    con = db.connect(db_path, read_only=True)
    team = (metrics.teams(con) or [None])[0]
    con.close()
    baseline = OUT / "baseline_app.py"
    baseline.write_text(BASELINE_APP)
    dashboard = Page(app_root / "app.py", DASHBOARD_METRICS, FIRST_TAB_CHARTS, team)
    pages = {"dashboard": dashboard, "baseline": Page(baseline, metrics=1, charts=0)}
    if args.compare_root:
        root = args.compare_root.resolve()
        pages[f"dashboard at {root}"] = replace(dashboard, script=root / "app.py")
    if args.preload:
        modules = tuple(m.strip() for m in args.preload.split(",") if m.strip())
        pages["dashboard, modules preloaded"] = replace(dashboard, preload=modules)
    if args.option:
        pages[f"dashboard, {' '.join(args.option)}"] = replace(
            dashboard, options=tuple(args.option)
        )
    return pages


def time_pages(
    db_path: Path, pages: dict[str, Page], runs: int, load: OtherLoad
) -> tuple[dict[str, list], list[str]]:
    """Each page `runs` times, each on a fresh server; the figures, and the runs that failed."""
    from playwright.sync_api import sync_playwright

    results: dict[str, list] = {name: [] for name in pages}
    failed: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            for run in range(runs):
                for name, page in pages.items():
                    cwd = page.script.parent
                    server = streamlit_server(page.script, db_path, cwd, page.preload, page.options)
                    try:
                        with server as url, load.measure():
                            figures = measure_page(
                                browser, url, page.metrics, page.charts, page.team
                            )
                    except PageFailed as exc:
                        failed.append(f"run {run + 1} {name}: {exc}")
                        print(f"run {run + 1}/{runs} {name}: FAILED {exc}", flush=True)
                        continue
                    figures["loadavg_1min"] = os.getloadavg()[0]
                    results[name].append(figures)
                    shown = ", ".join(
                        f"{kind} {f['seconds']:.2f} s"
                        for kind, f in figures.items()
                        if isinstance(f, dict)
                    )
                    print(f"run {run + 1}/{runs} {name}: {shown}", flush=True)
        finally:
            browser.close()
    return results, failed


# -- the report ---------------------------------------------------------------------------------


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def fmt(values: list[float], unit: float = 1.0, digits: int = 2) -> str:
    s = spread([v * unit for v in values])
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def report(figures: dict) -> str:
    lines = []
    queries = figures.get("queries")
    if queries:
        lines += ["| kpi call | cold, ms | warm, ms |", "|---|---:|---:|"]
        for name, kinds in queries.items():
            cold, warm = fmt(kinds["cold"], 1000, 0), fmt(kinds["warm"], 1000, 0)
            lines.append(f"| {name} | {cold} | {warm} |")
        lines.append("")
    pages = figures.get("pages")
    if pages:
        lines += [
            "| page | measure | seconds | until script runs | script | drawing after it |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for name, runs in pages.items():
            for kind in ("cold", "warm", "filter"):
                if not runs or kind not in runs[0]:
                    continue
                cells = [
                    fmt([r[kind][part] for r in runs])
                    for part in ("seconds", "to_script", "script", "after_script")
                ]
                lines.append(f"| {name} | {kind} | " + " | ".join(cells) + " |")
        loads = [r["loadavg_1min"] for runs in pages.values() for r in runs]
        lines += ["", f"1-minute load average during the page runs: {fmt(loads)}"]
    for failure in figures.get("failed_runs", []):
        lines.append(f"failed (left out above): {failure}")
    if "other_load" in figures:
        other = figures["other_load"]
        lines.append(
            f"other processes used {other['cpu_seconds']} CPU s during the page runs "
            f"({other['share_of_machine']:.0%} of the machine); busiest: "
            + "; ".join(f"{name} ({seconds} s)" for name, seconds in other["busiest"])
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=OUT / "1m.duckdb")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument(
        "--app-root", type=Path, default=ROOT, help="the checkout whose app.py is served"
    )
    parser.add_argument(
        "--compare-root",
        type=Path,
        help="also measure the dashboard of this checkout (e.g. the code before a change)",
    )
    parser.add_argument(
        "--preload",
        default="",
        metavar="MODULES",
        help="also measure the dashboard with a server that imports these modules at start",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="SECTION.NAME=VALUE",
        help="also measure the dashboard with this Streamlit setting (repeatable)",
    )
    parser.add_argument("--json", type=Path, default=OUT / "dashboard.json")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(args.app_root.resolve()))
    OUT.mkdir(parents=True, exist_ok=True)
    db_path = args.db.resolve()
    ensure_db(db_path, args.contacts, args.rebuild)

    figures: dict[str, object] = {
        "machine": machine(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "contacts": args.contacts,
        "runs": args.runs,
        "app_root": str(args.app_root),
        "compare_root": str(args.compare_root or ""),
        "preload": args.preload,
        "options": args.option,
        "loadavg_at_start": os.getloadavg(),
    }
    if not args.skip_queries:
        figures["queries"] = time_queries(db_path, args.runs)
    if not args.skip_pages:
        load = OtherLoad()
        pages = pages_to_measure(args.app_root.resolve(), db_path, args)
        figures["pages"], figures["failed_runs"] = time_pages(db_path, pages, args.runs, load)
        figures["other_load"] = load.summary()
    figures["loadavg_at_end"] = os.getloadavg()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps(figures["machine"]))
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
