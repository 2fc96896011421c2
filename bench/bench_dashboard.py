"""The director's dashboard in Chromium, at each database size, against the floor Streamlit sets.

1. Uses bench/out/<size>.duckdb (demo contacts, rollups installed; built once, see benchlib).
2. Times every kpi call the dashboard makes, cold (a fresh DuckDB connection per call, the OS
   file cache warm) and warm (again on the same connection).
3. Starts the app on that database and measures in Chromium, from navigation start until every
   metric (with its trend line) and every chart of the first tab is drawn and the script has
   finished: cold (fresh server, first visit of a browser that never opened the app),
   returning (fresh server, a browser that opened the app before: its cache holds Streamlit's
   scripts), warm (the same tab navigating to the page again) and a filter change (a team
   picked, until the page settles). Servers: `streamlit run app.py` as shipped,
   `scripts/serve.py` (modules imported and the app run once before anyone visits), a minimal
   page showing one metric from one query (the floor Streamlit sets), and on request another
   checkout (--compare-root). After the filter change, the Relationships
   tab is opened and timed until its lists and chart are drawn (the tabs run only when open),
   and then, with that tab open, the window is changed to this year (a filter change there).
   Each server's peak memory (VmHWM) is recorded, and --tour also clicks through every tab
   and window (all time included) for the peak memory of a session that uses all of it.

With `--store lake` or `both` (issue 15) the dashboard is also served on a DuckLake store holding
the same data (the file copied in by `python -m kpi restore FILE --db ducklake:...`, catalog in a
throw-away PostgreSQL that syncs its commits, data files in bench/out/lake-*), each run
measuring the pages of both stores in turn, so that each pair shares the moment's load.

Every figure is the median of --runs runs, with min and max; the machine's load is recorded too,
as other work may run at the same time. `python bench/bench_dashboard.py --help`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import benchlib
from benchlib import OUT, ROOT, OtherLoad, fmt

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
RELATIONSHIPS_TAB = 3  # its index; it shows the momentum and overdue lists and ...
RELATIONSHIPS_CHARTS = 1  # ... the heatmap of the most active accounts

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
# placeholder is left, `metrics` KPI tiles are shown (st.metric, whose trend lines must be drawn
# too, or the dashboard's own tiles of views/tiles.py, which come with theirs), and the visible
# tab (or the page, without tabs) has `charts` charts drawn.
PAGE_DRAWN = """
({metrics, charts, since}) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    const states = window.__states;
    if (!states.some(([s, t]) => s === 'running' && t >= since)) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    const tiles = '[data-testid="stMetric"], [data-testid="cbKpi"]';  // st.metric or our tile
    if (document.querySelectorAll(tiles).length < metrics) return false;
    const drawn = (el) => el.querySelector('svg, canvas') !== null;
    if (![...document.querySelectorAll('[data-testid="stMetricChart"]')].every(drawn)) return false;
    const panels = [...document.querySelectorAll('[data-testid="stTabPanel"]')];
    const scope = panels.find((p) => p.offsetParent !== null) || document;
    const shown = [...scope.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    if (shown.length < charts || !shown.every(drawn)) return false;
    return performance.now();
}
"""


# -- the page, in Chromium ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Page:
    """A page to measure: its script, what it shows, the team to pick (None: no filter), and
    how its server is started (`launcher`: scripts/serve.py of the script's checkout)."""

    script: Path
    metrics: int
    charts: int
    team: str | None = None
    launcher: bool = False
    options: tuple[str, ...] = ()
    store_env: tuple[tuple[str, str], ...] = ()  # a lake: COMMITBOARD_DB and its data path


@dataclass
class Server:
    url: str
    pid: int

    def peak_rss_mb(self) -> float | None:
        """The server process's peak resident memory so far (VmHWM), in MB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else None


@contextmanager
def streamlit_server(page: Page, db_path: Path, port: int | None = None) -> Iterator[Server]:
    """The page's server on `port` (default: a free one) until the block ends. With the
    launcher, the block starts once its warm-up is done (a server is started long before its
    first visitor)."""
    port = port or free_port()
    log = OUT / f"{page.script.stem}-{port}.log"
    env = os.environ | {"COMMITBOARD_DB": str(db_path), "COMMITBOARD_LANG": "en"}
    env |= dict(page.store_env)
    flags = ["--server.port", str(port), "--server.address", "127.0.0.1"]
    flags += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    flags += ["--server.fileWatcherType", "none", *(f"--{option}" for option in page.options)]
    cwd = page.script.parent
    if page.launcher:
        command = [sys.executable, str(cwd / "scripts" / "serve.py"), *flags]
    else:
        command = [sys.executable, "-m", "streamlit", "run", str(page.script), *flags]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    text = log.read_text()
                    if not page.launcher or "warmed up" in text or "warm-up skipped" in text:
                        break
            except OSError:
                pass
            time.sleep(0.1)
        yield Server(url, proc.pid)
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
        PAGE_DRAWN, arg={"metrics": metrics, "charts": charts, "since": since}, timeout=180_000
    ).json_value()
    states = tab.evaluate("window.__states")
    running = next(t for s, t in states if s == "running" and t >= since)
    finished = next(t for s, t in states if s == "notRunning" and t >= running)
    return {"running": running, "finished": finished, "drawn": drawn}


def wait_settled(tab) -> None:
    """After a click that may or may not rerun the script: until no run is going on."""
    tab.wait_for_timeout(300)
    tab.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]');
        }""",
        timeout=180_000,
    )


class PageFailed(Exception):
    """The page did not get drawn in time (an error on it, or a hung server)."""


def pick(tab, key: str, option: str) -> None:
    # Scrolled into view first: a select that Playwright scrolls to as it clicks (the page is
    # scrolled down to an open tab) closes its list again at once.
    tab.locator(f".st-key-{key}").scroll_into_view_if_needed()
    tab.wait_for_timeout(300)
    tab.locator(f".st-key-{key}").click()
    tab.get_by_role("option", name=option, exact=True).click()


def measure_page(browser, url: str, page: Page, tour: bool) -> dict[str, dict[str, float]]:
    """Cold and warm navigation to `url`, (given a team) picking that team, and with `tour`
    every tab and the longer windows (for the memory a whole session takes)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    context.add_init_script(PAGE_PROBE)
    tab = context.new_page()
    tab.set_default_timeout(180_000)
    out = {}
    kind = "cold"
    try:
        for kind in ("cold", "warm"):
            tab.goto(url + "/?lang=en", wait_until="commit")
            marks = wait_drawn(tab, page.metrics, page.charts, since=0.0)
            out[kind] = {"seconds": marks["drawn"] / 1000, **phases(marks, start=0.0)}
        if page.team:
            kind = "filter"
            pick(tab, "dash_team", page.team)
            pressed = tab.evaluate("window.__pressed")
            marks = wait_drawn(tab, page.metrics, page.charts, since=pressed)
            out["filter"] = {"seconds": (marks["drawn"] - pressed) / 1000, **phases(marks, pressed)}
            chosen = tab.locator(".st-key-dash_team input").input_value()
            assert chosen == page.team, f"the team filter shows {chosen!r}, not {page.team!r}"
        if page.team:  # the dashboard: its last tab, with the relationship lists
            kind = "relationships"
            tab.get_by_role("tab").nth(RELATIONSHIPS_TAB).click()
            pressed = tab.evaluate("window.__pressed")
            marks = wait_drawn(tab, page.metrics, RELATIONSHIPS_CHARTS, since=pressed)
            out[kind] = {"seconds": (marks["drawn"] - pressed) / 1000, **phases(marks, pressed)}
            kind = "relationships, year"
            pick(tab, "dash_window", "This year")
            pressed = tab.evaluate("window.__pressed")
            marks = wait_drawn(tab, page.metrics, RELATIONSHIPS_CHARTS, since=pressed)
            out[kind] = {"seconds": (marks["drawn"] - pressed) / 1000, **phases(marks, pressed)}
        if tour and page.team:
            kind = "tour"
            started = time.perf_counter()
            for window in ("All time", "This year", "This quarter"):
                pick(tab, "dash_window", window)
                wait_settled(tab)
                for index in range(tab.get_by_role("tab").count()):
                    tab.get_by_role("tab").nth(index).click()
                    wait_settled(tab)
            out["tour"] = {"seconds": time.perf_counter() - started}
    except PlaywrightTimeout as exc:
        shot = OUT / f"failed-{dt.datetime.now():%H%M%S}.png"
        tab.screenshot(path=str(shot), full_page=True)
        errors = tab.locator('[data-testid="stException"]').all_inner_texts()
        raise PageFailed(f"{kind}: {str(exc).splitlines()[0]}; {shot}; errors: {errors}") from None
    finally:
        context.close()
    return out


def measure_returning(browser, page: Page, db_path: Path) -> dict[str, float]:
    """The first visit to a freshly started server from a browser that has opened the app
    before: the usual first visit of a day. A browser visits one server, which is then stopped;
    a new server starts on the same address and the same browser opens the page again, its cache
    holding Streamlit's scripts (the "cold" measure starts from a browser that never saw them)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    port = free_port()
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    context.add_init_script(PAGE_PROBE)
    tab = context.new_page()
    tab.set_default_timeout(180_000)
    try:
        for _visit in ("earlier", "returning"):
            with streamlit_server(page, db_path, port) as server:
                tab.goto(server.url + "/?lang=en", wait_until="commit")
                marks = wait_drawn(tab, page.metrics, page.charts, since=0.0)
            tab.goto("about:blank")
    except PlaywrightTimeout as exc:
        raise PageFailed(f"returning: {str(exc).splitlines()[0]}") from None
    finally:
        context.close()
    return {"seconds": marks["drawn"] / 1000, **phases(marks, start=0.0)}


def phases(marks: dict[str, float], start: float) -> dict[str, float]:
    """Where the time went: until the script started, the script, drawing after it finished."""
    return {
        "to_script": (marks["running"] - start) / 1000,
        "script": (marks["finished"] - marks["running"]) / 1000,
        "after_script": (marks["drawn"] - marks["finished"]) / 1000,
    }


def pages_to_measure(
    app_root: Path, db_path: Path, args: argparse.Namespace, lake: benchlib.Lake | None = None
) -> dict[str, Page]:
    """The dashboard (as shipped, and started by scripts/serve.py) and the floor, then any
    experiment asked for, all measured in each run (so they share the moment's load). Given a
    lake, the dashboard on it too; with --store lake, on it alone (and the floor)."""
    from kpi import db, metrics

    con = db.connect(db_path, read_only=True)
    team = (metrics.teams(con) or [None])[0]
    con.close()
    baseline = OUT / "baseline_app.py"
    baseline.write_text(BASELINE_APP)
    dashboard = Page(app_root / "app.py", DASHBOARD_METRICS, FIRST_TAB_CHARTS, team)
    pages = {
        "dashboard": dashboard,
        "dashboard, scripts/serve.py": replace(dashboard, launcher=True),
        "floor": Page(baseline, metrics=1, charts=0),
    }
    if args.compare_root:
        root = args.compare_root.resolve()
        pages[f"dashboard at {root}"] = replace(dashboard, script=root / "app.py")
        pages[f"dashboard at {root}, scripts/serve.py"] = replace(
            dashboard, script=root / "app.py", launcher=True
        )
    if args.option:
        pages[f"dashboard, {' '.join(args.option)}"] = replace(
            dashboard, options=tuple(args.option)
        )
    if lake is not None:
        on_lake = replace(dashboard, store_env=tuple(lake.env().items()))
        lake_pages = {
            "dashboard on the lake": on_lake,
            "dashboard on the lake, scripts/serve.py": replace(on_lake, launcher=True),
        }
        if args.store == "lake":
            return {**lake_pages, "floor": pages["floor"]}
        # In pairs, file then lake, so that each pair is measured at nearly the same moment.
        pages = {
            "dashboard": pages.pop("dashboard"),
            "dashboard on the lake": lake_pages["dashboard on the lake"],
            "dashboard, scripts/serve.py": pages.pop("dashboard, scripts/serve.py"),
            "dashboard on the lake, scripts/serve.py": lake_pages[
                "dashboard on the lake, scripts/serve.py"
            ],
            **pages,
        }
    return pages


def time_pages(
    db_path: Path, pages: dict[str, Page], runs: int, load: OtherLoad, tour: bool
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
                    try:
                        with streamlit_server(page, db_path) as server, load.measure():
                            figures = measure_page(browser, server.url, page, tour and run == 0)
                            figures["peak_rss_mb"] = server.peak_rss_mb()
                        with load.measure():
                            figures["returning"] = measure_returning(browser, page, db_path)
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
                    print(
                        f"run {run + 1}/{runs} {name}: {shown}, "
                        f"peak RSS {figures['peak_rss_mb']:.0f} MB",
                        flush=True,
                    )
        finally:
            browser.close()
    return results, failed


# -- the report ---------------------------------------------------------------------------------


MEASURES = ("cold", "returning", "warm", "filter", "relationships", "relationships, year")


def report(figures: dict) -> str:
    lines = []
    for size, per_size in figures["sizes"].items():
        pages = per_size["pages"]
        lines += [
            f"### {size}",
            "",
            "| page | measure | seconds | until script runs | script | drawing after it |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for name, runs in pages.items():
            for kind in MEASURES:
                if not runs or kind not in runs[0]:
                    continue
                cells = [
                    fmt([r[kind][part] for r in runs])
                    for part in ("seconds", "to_script", "script", "after_script")
                ]
                lines.append(f"| {name} | {kind} | " + " | ".join(cells) + " |")
        lines += [
            "",
            "| page | peak RSS of the server, MB | after the tour, MB |",
            "|---|---:|---:|",
        ]
        for name, runs in pages.items():
            if not runs:
                continue
            peaks = [r["peak_rss_mb"] for r in runs if r.get("peak_rss_mb")]
            toured = [r["peak_rss_mb"] for r in runs if "tour" in r]
            lines.append(
                f"| {name} | {fmt(peaks, digits=0)} | {fmt(toured, digits=0) if toured else '–'} |"
            )
        pairs = [(n, n.replace(" on the lake", "")) for n in pages if " on the lake" in n]
        pairs = [(lake, file) for lake, file in pairs if pages.get(file) and pages[lake]]
        if pairs:
            lines += ["", "| lake / file, per run pair | measure | ratio |", "|---|---|---:|"]
        for lake, file in pairs:
            both = list(zip(pages[lake], pages[file], strict=False))  # a failed run drops a pair
            for kind in MEASURES:
                if kind in pages[lake][0] and kind in pages[file][0]:
                    paired = [(a[kind]["seconds"], b[kind]["seconds"]) for a, b in both]
                    values = benchlib.ratios([x for x, _ in paired], [y for _, y in paired])
                    lines.append(f"| {lake} | {kind} | {fmt(values)} |")
        if "restore_s" in per_size:
            lines.append(
                f"\n`kpi restore` of the file into the lake: {per_size['restore_s']:.1f} s"
            )
        for failure in per_size.get("failed_runs", []):
            lines.append(f"failed (left out above): {failure}")
        lines.append("")
    lines.append(benchlib.describe_load(figures["other_load"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1m", help="database sizes (default 1m)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (default 5)")
    parser.add_argument("--tour", action="store_true", help="also click through the whole page")
    parser.add_argument(
        "--app-root", type=Path, default=ROOT, help="the checkout whose app.py is served"
    )
    parser.add_argument(
        "--compare-root",
        type=Path,
        help="also measure the dashboard of this checkout (e.g. the code before a change)",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="SECTION.NAME=VALUE",
        help="also measure the dashboard with this Streamlit setting (repeatable)",
    )
    parser.add_argument(
        "--store",
        default="file",
        help="file, lake or both: where the dashboard's data is (default file)",
    )
    parser.add_argument("--json", type=Path, help="default bench/out/dashboard[-stores].json")
    args = parser.parse_args(argv)
    chosen = benchlib.stores(args.store)
    args.json = args.json or OUT / (
        "dashboard.json" if chosen == ["file"] else "dashboard-stores.json"
    )

    sys.path.insert(0, str(args.app_root.resolve()))
    figures = benchlib.begin(
        runs=args.runs,
        app_root=str(args.app_root),
        compare_root=str(args.compare_root or ""),
        options=args.option,
        store=args.store,
        sizes={},
    )
    load = OtherLoad()
    for size in benchlib.sizes(args.sizes):
        db_path = benchlib.ensure_db(size)
        if "lake" not in chosen:
            pages = pages_to_measure(args.app_root.resolve(), db_path, args)
            results, failed = time_pages(db_path, pages, args.runs, load, args.tour)
            figures["sizes"][size] = {"pages": results, "failed_runs": failed}
            continue
        with benchlib.postgres() as cluster:
            lake, restore_s = benchlib.lake_from_file(cluster, db_path)
            try:
                pages = pages_to_measure(args.app_root.resolve(), db_path, args, lake)
                results, failed = time_pages(db_path, pages, args.runs, load, args.tour)
            finally:
                benchlib.drop_lake(lake)
        figures["sizes"][size] = {"pages": results, "failed_runs": failed, "restore_s": restore_s}
    benchlib.finish(args.json, figures, load)
    print(json.dumps(figures["machine"]))
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
