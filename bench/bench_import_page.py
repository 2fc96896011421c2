"""The Import page in Chromium: 1,000 rows from the upload until the page shows them imported.

For each size, the app (`streamlit run app.py`) runs on a copy of bench/out/<size>.duckdb
(demo contacts with rollups). Each run opens /import in a new browser tab, waits for the page,
then the clock starts: the file (1,000 new contacts, ids not seen before) is chosen in the
uploader, the Import button is clicked as soon as the preview shows, and the clock stops when
the result says "Result: <name>" with 1,000 accepted. Reported per run: upload until preview,
click until result, and the whole (the goal: 2 s at 10M). The first run follows the server's
start (its imports of pandas, DuckDB's first reads): reported apart. `--sizes 100k,1m,10m`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import benchlib
from bench_dashboard import CHROMIUM, CHROMIUM_ARGS, PAGE_PROBE, Page, streamlit_server
from bench_import import fresh, make_csv
from benchlib import OUT, ROOT, fmt

SMALL = 1_000
SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def one_import(browser, url: str, path: Path) -> dict[str, float]:
    """Open the page, then upload `path`, click Import, wait for the result; seconds per step."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    context.add_init_script(PAGE_PROBE)
    tab = context.new_page()
    tab.set_default_timeout(180_000)
    try:
        tab.goto(url + "/import?lang=en", wait_until="commit")
        tab.locator(".st-key-imp_upload input[type=file]").wait_for(state="attached")
        tab.wait_for_function(SETTLED)
        started = time.perf_counter()
        tab.locator(".st-key-imp_upload input[type=file]").set_input_files(str(path))
        tab.locator(".st-key-imp_preview_box", has_text=path.name).wait_for()
        tab.locator(".st-key-imp_go button").wait_for()
        previewed = time.perf_counter()
        tab.locator(".st-key-imp_go button").click()
        result = tab.locator(".st-key-imp_result", has_text=f"Result: {path.name}")
        result.wait_for()
        done = time.perf_counter()
        accepted = tab.locator(".st-key-imp_result_accepted [data-testid='stMetricValue']")
        assert accepted.inner_text() == f"{SMALL:,}", accepted.inner_text()
    finally:
        context.close()
    return {
        "upload to preview": previewed - started,
        "click to result": done - previewed,
        "upload to result": done - started,
    }


def time_size(size: str, runs: int, tmp: Path) -> list[dict[str, float]]:
    from playwright.sync_api import sync_playwright

    target = tmp / f"page-{size}.duckdb"
    fresh(target)
    shutil.copyfile(benchlib.ensure_db(size), target)
    out = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        page = Page(script=ROOT / "app.py", metrics=0, charts=0)
        try:
            with streamlit_server(page, target) as server:
                for run in range(runs + 1):  # run 0 follows the server's start
                    path = tmp / f"upload-{size}-{run}.csv"
                    make_csv(path, SMALL, first=70_000_000 + run * SMALL)
                    figures = one_import(browser, server.url, path)
                    figures["loadavg_1min"] = os.getloadavg()[0]
                    out.append(figures)
                    shown = ", ".join(f"{k} {v:.2f} s" for k, v in figures.items() if "to" in k)
                    print(f"  {size} run {run}: {shown}", flush=True)
        finally:
            browser.close()
    return out


def report(figures: dict) -> str:
    lines = [
        f"started {figures['started']}, load average {figures['loadavg_at_start']}",
        "",
        "| size | first after start: upload to result, s | upload to preview, s"
        " | click to result, s | upload to result, s |",
        "|---|---:|---:|---:|---:|",
    ]
    for size, runs in figures["sizes"].items():
        first, rest = runs[0], runs[1:]
        cells = [fmt([r[k] for r in rest]) for k in ("upload to preview", "click to result")]
        cells.append(fmt([r["upload to result"] for r in rest]))
        lines.append(f"| {size} | {first['upload to result']:.2f} | " + " | ".join(cells) + " |")
    lines += ["", benchlib.describe_load(figures["other_load"])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="database sizes (default 100k,1m)")
    parser.add_argument("--runs", type=int, default=5, help="imports per size after the first")
    parser.add_argument("--json", type=Path, default=OUT / "import_page.json")
    args = parser.parse_args(argv)
    load = benchlib.OtherLoad()
    figures = benchlib.begin(sizes={})
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        for size in benchlib.sizes(args.sizes):
            with load.measure():
                figures["sizes"][size] = time_size(size, args.runs, Path(folder))
    benchlib.finish(args.json, figures, load)
    print(report(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
