"""How each figure grows from 100k to 10M contacts: a Markdown table and an Altair chart.

Reads what the benchmarks last wrote (bench/out/queries.json, save.json, commands.json,
import_page.json, dashboard*.json) and writes bench/growth.md (the table, for bench/RESULTS.md) and the chart as
bench/growth.vl.json (its Vega-Lite spec) and bench/growth.html (the spec in a page); a PNG as
well when vl-convert is installed. `python bench/growth.py`.
"""

from __future__ import annotations

import json
import statistics
import sys

from benchlib import OUT, ROOT, SIZES, ratios

HERE = ROOT / "bench"

# (figure, unit, goal or None): the rows of the table, in order.
FIGURES: tuple[tuple[str, str, str | None], ...] = (
    ("kpi summary, in process", "ms", None),
    ("kpi summary / bare SQL, in process", "x", "≤ 1.2"),
    ("dashboard queries, in process", "ms", None),
    ("dashboard queries / bare SQL, in process", "x", "≤ 1.2"),
    ("dashboard queries scanning the contacts (no rollups)", "ms", None),
    ("kpi summary --json, whole process", "s", None),
    ("kpi summary / bare DuckDB, whole processes", "x", "≤ 2"),
    # A new database, not one of the sizes: the 1M-row file of bench_commands.py, in the 1m column.
    ("kpi import of 1M rows into a new database, whole process", "s", None),
    (
        "kpi import of 1M rows into a new database / bare DuckDB, whole processes",
        "x",
        "≤ 1.5 (2 required)",
    ),
    ("kpi import of 1,000 rows, whole process", "s", "< 1 at 10M, ≤ 1.5 × 100k"),
    ("kpi import of 1,000 rows / bare DuckDB, whole processes", "x", None),
    ("kpi import of 1,000 rows, in process (file closed)", "s", None),
    ("Import page, 1,000 rows, upload to result shown", "s", "≤ 2 at 10M"),
    ("save a contact, p50", "ms", None),
    ("save a contact, p95", "ms", "≤ 100"),
    ("dashboard, first visit after a server start", "s", "1.5 at 1M, 3 at 10M"),
    ("dashboard, first visit, server started by scripts/serve.py", "s", "1.5 at 1M, 3 at 10M"),
    ("the same, a browser that opened the app before", "s", "1.5 at 1M, 3 at 10M"),
    ("dashboard, warm navigation", "s", "1.5 at 1M, 3 at 10M"),
    ("dashboard, filter change", "s", "0.5 at 1M, 1 at 10M"),
    ("floor page, first visit", "s", None),
    ("app peak memory, all of the dashboard used, scripts/serve.py", "MB", "≤ 1024"),
    ("app peak memory, the same, plain streamlit run app.py", "MB", "≤ 1024"),
)

# Rows of the table that do not grow with the database (left out of the chart).
NOT_GROWING = frozenset(name for name, _, _ in FIGURES if "into a new database" in name)


def load(name: str) -> dict:
    path = OUT / name
    return json.loads(path.read_text()) if path.exists() else {}


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def collect() -> dict[str, dict[str, float | None]]:
    """figure -> size -> median value."""
    queries, save, commands = load("queries.json"), load("save.json"), load("commands.json")
    import_page = load("import_page.json")
    pages: dict = {"sizes": {}}
    # bench_dashboard.py may have run per size (--json dashboard-<size>.json): the newest wins.
    for path in sorted(OUT.glob("dashboard*.json"), key=lambda p: p.stat().st_mtime):
        pages["sizes"] |= json.loads(path.read_text()).get("sizes", {})
    table: dict[str, dict[str, float | None]] = {name: {} for name, _, _ in FIGURES}
    for size, per in queries.get("sizes", {}).items():
        summary = per["in_process"]["summary (all time)"]
        total = per["in_process"]["dashboard total"]
        scan = per["in_process_scan"]["dashboard total"]
        proc = per["whole_process"]
        table["kpi summary, in process"][size] = median(summary["kpi"]) * 1000
        table["kpi summary / bare SQL, in process"][size] = median(
            ratios(summary["kpi"], summary["bare"])
        )
        table["dashboard queries, in process"][size] = median(total["kpi"]) * 1000
        table["dashboard queries / bare SQL, in process"][size] = median(
            ratios(total["kpi"], total["bare"])
        )
        table["dashboard queries scanning the contacts (no rollups)"][size] = (
            median(scan["kpi"]) * 1000
        )
        table["kpi summary --json, whole process"][size] = median(proc["kpi"])
        table["kpi summary / bare DuckDB, whole processes"][size] = median(
            ratios(proc["kpi"], proc["bare"])
        )
    for size, per in commands.get("sizes", {}).items():
        whole = per["kpi, whole process"]
        table["kpi import of 1,000 rows, whole process"][size] = median(whole)
        table["kpi import of 1,000 rows / bare DuckDB, whole processes"][size] = median(
            ratios(whole, per["bare, whole process"])
        )
        table["kpi import of 1,000 rows, in process (file closed)"][size] = median(
            per["kpi, in process"]
        )
    new = commands.get("new_database", {})
    if new.get("rows") == 1_000_000:
        kpi, bare = new["times"]["kpi, whole process"], new["times"]["bare, whole process"]
        table["kpi import of 1M rows into a new database, whole process"]["1m"] = median(kpi)
        table["kpi import of 1M rows into a new database / bare DuckDB, whole processes"]["1m"] = (
            median(ratios(kpi, bare))
        )
    for size, runs in import_page.get("sizes", {}).items():
        table["Import page, 1,000 rows, upload to result shown"][size] = median(
            [r["upload to result"] for r in runs[1:]]  # run 0 follows the server's start
        )
    for size, per in save.get("sizes", {}).items():
        table["save a contact, p50"][size] = per["p50_ms"]["with rollups"]
        table["save a contact, p95"][size] = per["p95_ms"]["with rollups"]
    for size, per in pages.get("sizes", {}).items():
        runs = per["pages"]

        def seconds(page: str, kind: str, runs: dict = runs) -> float | None:
            return median([r[kind]["seconds"] for r in runs.get(page, []) if kind in r])

        table["dashboard, first visit after a server start"][size] = seconds("dashboard", "cold")
        table["dashboard, first visit, server started by scripts/serve.py"][size] = seconds(
            "dashboard, scripts/serve.py", "cold"
        )
        table["the same, a browser that opened the app before"][size] = seconds(
            "dashboard, scripts/serve.py", "returning"
        )
        table["dashboard, warm navigation"][size] = seconds("dashboard", "warm")
        table["dashboard, filter change"][size] = seconds("dashboard", "filter")
        table["floor page, first visit"][size] = seconds("floor", "cold")
        for page, figure in (
            ("dashboard, scripts/serve.py", "app peak memory, all of the dashboard used, "),
            ("dashboard", "app peak memory, the same, plain streamlit run app.py"),
        ):
            toured = [r["peak_rss_mb"] for r in runs.get(page, []) if "tour" in r]
            name = next(n for n, _, _ in FIGURES if n.startswith(figure))
            table[name][size] = max(toured, default=None)
    return table


def markdown(table: dict[str, dict[str, float | None]]) -> str:
    sizes = list(SIZES)
    lines = [
        "| figure | unit | " + " | ".join(sizes) + " | goal |",
        "|---|---|" + "---:|" * len(sizes) + "---|",
    ]
    for name, unit, goal in FIGURES:
        cells = []
        for size in sizes:
            value = table[name].get(size)
            digits = 0 if unit in ("ms", "MB") and value and value >= 10 else 2
            cells.append("–" if value is None else f"{value:.{digits}f}")
        lines.append(f"| {name} | {unit} | " + " | ".join(cells) + f" | {goal or ''} |")
    return "\n".join(lines)


def chart(table: dict[str, dict[str, float | None]]):
    import altair as alt
    import pandas as pd

    rows = [
        {"figure": f"{name} ({unit})", "contacts": SIZES[size], "value": value}
        for name, unit, _ in FIGURES
        if name not in NOT_GROWING
        for size, value in table[name].items()
        if value is not None
    ]
    data = pd.DataFrame(rows, columns=["figure", "contacts", "value"])
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("contacts:Q", scale=alt.Scale(type="log"), title="contacts in the database"),
            y=alt.Y("value:Q", title=None),
            tooltip=["figure:N", "contacts:Q", "value:Q"],
        )
        .properties(width=220, height=140)
        .facet(facet=alt.Facet("figure:N", title=None), columns=3)
        .resolve_scale(y="independent")
        .properties(title="How each figure grows from 100k to 10M contacts")
    )


def main() -> int:
    table = collect()
    text = markdown(table)
    (HERE / "growth.md").write_text(text + "\n")
    growth = chart(table)
    (HERE / "growth.vl.json").write_text(growth.to_json(indent=1) + "\n")
    growth.save(str(HERE / "growth.html"))
    try:
        growth.save(str(HERE / "growth.png"))
    except Exception as exc:  # vl-convert missing: the spec and the page are there
        print(f"no PNG ({type(exc).__name__}): the chart is in growth.html and growth.vl.json")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
