"""What a director reads, in a real browser: one number format on a page (Dutch UI, English
browser), no None in any table, rep names that do not collide, partial weeks marked; and both
light and dark themes readable (issues 18 and 19)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re

import pytest

from kpi import charts, demo, i18n, metrics
from tests.e2e.conftest import (
    ROOT,
    RUN_COUNTER,
    SCREENSHOTS,
    VIEWPORT,
    act_as,
    choose,
    errors_shown,
    metric,
    navigate,
    open_page,
    rerun,
    screenshot,
    wait_for_charts,
    wait_ready,
)

pytestmark = pytest.mark.browser

UPDATE_DOCS = os.environ.get("COMMITBOARD_UPDATE_DOCS") == "1"

# Streamlit's tables are drawn on a canvas (glide-data-grid); the text a user reads there is
# what the page hands to fillText. This records it per canvas, from the first frame on.
CANVAS_TEXT = """
(() => {
    const original = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
        const canvas = this.canvas;
        if (canvas) (canvas.__texts || (canvas.__texts = new Set())).add(String(text));
        return original.call(this, text, ...rest);
    };
})();
"""
MISSING_WORDS = {"None", "none", "nan", "NaN", "NaT", "null", "<NA>"}
REP_NAMES = frozenset(rep.name for rep in demo.REPS)


def new_tab(browser, *, locale: str = "en-US", scheme: str = "light"):
    context = browser.new_context(
        viewport=VIEWPORT, locale=locale, color_scheme=scheme, accept_downloads=True
    )
    context.add_init_script(RUN_COUNTER)
    context.add_init_script(CANVAS_TEXT)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    return context, tab


def open_tab(tab, name: str, lang: str) -> None:
    """Open one of the dashboard's tabs (only the open one is drawn)."""
    label = i18n.t(f"dash_tab_{name}", lang)
    rerun(tab, tab.get_by_role("tab", name=re.compile(re.escape(label))).click)


def table_texts(tab, scope: str = '[data-testid="stApp"]') -> list[set[str]]:
    """The texts drawn in each table on the page (a table draws on more than one canvas), with
    every expander opened, each table scrolled into view and waited for until it has drawn."""
    wait_ready(tab)
    closed = tab.locator(f'{scope} [data-testid="stExpander"] details:not([open]) > summary')
    # The first closed one each time: an opened expander leaves the list, so a list taken
    # beforehand would point past its end once two were closed (the Import page has two).
    for _ in range(closed.count()):
        closed.first.click()
    texts = []
    for table in tab.locator(f'{scope} [data-testid="stDataFrame"]').all():
        if not table.is_visible():
            continue
        table.scroll_into_view_if_needed()
        drawn = """(table) => [...table.querySelectorAll('canvas')]
            .flatMap((c) => [...(c.__texts || [])])"""
        # Scrolled through, down and across: a grid draws only the cells in its view.
        table.evaluate(
            f"""async (table) => {{
                const frames = () => new Promise((r) =>
                    requestAnimationFrame(() => requestAnimationFrame(r)));
                while (({drawn})(table).length <= 2) await new Promise((r) => setTimeout(r, 50));
                const scroller = table.querySelector('.dvn-scroller');
                if (!scroller) return;
                for (let top = 0; ; top += scroller.clientHeight / 2) {{
                    for (let left = 0; ; left += scroller.clientWidth / 2) {{
                        scroller.scrollTo(left, top);
                        await frames();
                        if (left + scroller.clientWidth >= scroller.scrollWidth) break;
                    }}
                    if (top + scroller.clientHeight >= scroller.scrollHeight) break;
                }}
                scroller.scrollTo(0, 0);
            }}"""
        )
        texts.append(set(table.evaluate(drawn)))
    return texts


def chart_texts(tab, title: str) -> list[str]:
    """The texts of the Vega chart with this title (axes, labels, marks), as drawn."""
    chart = tab.locator('[data-testid="stVegaLiteChart"]').filter(
        has=tab.locator("svg text", has_text=title)
    )
    chart.first.locator("svg text").first.wait_for()
    return [t.strip() for t in chart.first.locator("svg text").all_text_contents()]


# -- 1. one number format on a page --------------------------------------------------------------


def test_every_number_follows_the_chosen_language_not_the_browser(demo_server, browser):
    """Dutch UI in an English (en-US) browser: tiles, the per-rep table, chart axes and labels
    write 0,85, 88,8%, 1.234 and mrt 2026; nothing is written the English way."""
    context, tab = new_tab(browser, locale="en-US")
    try:
        open_page(tab, demo_server, "", "nl")
        choose(tab, "dash_window", i18n.t("dash_window_all", "nl"))
        assert re.fullmatch(r"\d,\d\d", metric(tab, "Gemiddeld niveau"))
        assert re.fullmatch(r"\d\.\d{3}", metric(tab, "Contactmomenten"))  # 3.000 or so

        # The ladder's axis and bar labels: thousands with a dot, by Vega's own nl locale.
        wait_for_charts(tab, 2)
        ladder = chart_texts(tab, i18n.t("dash_chart_ladder", "nl"))
        assert any(re.fullmatch(r"\d\.\d{3}", text) for text in ladder), ladder
        assert not any(re.fullmatch(r"\d,\d{3}", text) for text in ladder), ladder

        open_tab(tab, "reps", "nl")
        [per_rep] = table_texts(tab)
        shares = [text for text in per_rep if re.fullmatch(r"\d+[.,]\d%", text)]
        assert shares and all("," in text for text in shares), sorted(per_rep)
        assert any(re.fullmatch(r"\d,\d\d", text) for text in per_rep)  # gemiddeld niveau
        assert any(re.fullmatch(r"€ \d{1,3}(\.\d{3})+", text) for text in per_rep)  # omzet
        assert not any(re.fullmatch(r"\d+\.\d+%|\d\.\d\d|€[\d,]+(\.\d+)?", t) for t in per_rep)

        # The table's CSV in Dutch: semicolons and decimal commas, as Dutch Excel reads it.
        with tab.expect_download() as download:
            tab.locator(".st-key-dash_csv button").click()
        lines = download.value.path().read_text(encoding="utf-8-sig").splitlines()
        assert lines[0].startswith("Accountmanager;")
        assert re.search(r";0,\d+;", lines[1]) and not re.search(r";0\.\d+;", lines[1]), lines[1]

        open_tab(tab, "relationships", "nl")
        months = chart_texts(tab, i18n.t("dash_chart_accounts", "nl"))
        assert "mrt 2026" in months or any(re.fullmatch(r"mrt \d{4}", m) for m in months), months
        assert not any(re.fullmatch(r"(Mar|May|Oct) \d{4}", m) for m in months)
        assert errors_shown(tab) == []

        # The reflection page's trend: months named by Vega's nl locale too.
        open_page(tab, demo_server, "reflection", "nl")
        wait_for_charts(tab, 1)
        trend = chart_texts(tab, i18n.t("refl_axis_week", "nl"))
        assert {"mrt", "okt"} & set(trend) and not {"Mar", "Oct"} & set(trend), trend
    finally:
        context.close()


# -- 2. no None in any table ---------------------------------------------------------------------

IMPORT_WITH_GAPS = (
    "contact_date,rep,account,contact_person,channel,commitment_level,commitment,quote_amount\n"
    "2024-03-04,bas.hendriks@prospex.example,E2E Gaps Alfa,,phone,0,,\n"
    "2024-03-05,bas.hendriks@prospex.example,E2E Gaps Beta,,fax,2,Zoekt het uit,\n"
)


def assert_no_missing_words(tables: list[set[str]], where: str) -> None:
    shown = sorted({text for texts in tables for text in texts} & MISSING_WORDS)
    assert shown == [], f"{where}: a table shows {shown}"


def test_no_table_shows_none_nan_or_null(demo_server, browser):
    """Every table the app shows, on every page, as the director and the admin."""
    context, tab = new_tab(browser)
    seen = {}
    try:
        open_page(tab, demo_server, "", "nl")
        choose(tab, "dash_window", i18n.t("dash_window_all", "nl"))
        for name in ("reps", "relationships"):
            open_tab(tab, name, "nl")
            seen[f"dashboard {name}"] = table_texts(tab)

        open_page(tab, demo_server, "log", "nl")
        seen["log"] = table_texts(tab)
        open_page(tab, demo_server, "reflection", "nl")
        seen["reflection"] = table_texts(tab)
        open_page(tab, demo_server, "training", "nl")
        seen["training"] = table_texts(tab)
        open_page(tab, demo_server, "evidence", "nl")
        seen["evidence"] = table_texts(tab)

        open_page(tab, demo_server, "import", "nl")
        tab.locator(".st-key-imp_upload input[type=file]").set_input_files(
            files=[
                {"name": "gaps.csv", "mimeType": "text/csv", "buffer": IMPORT_WITH_GAPS.encode()}
            ]
        )
        tab.locator(".st-key-imp_preview_box", has_text="gaps.csv").wait_for()
        rerun(tab, tab.locator(".st-key-imp_go button").click)
        tab.locator(".st-key-imp_result").wait_for()
        seen["import"] = table_texts(tab)

        open_page(tab, demo_server, "", "nl")
        act_as(tab, i18n.t("role_admin", "nl"))
        navigate(tab, i18n.t("page_roster", "nl"))
        seen["roster"] = table_texts(tab)
    finally:
        context.close()
    counts = {where: len(tables) for where, tables in seen.items()}
    # The walk saw the tables it meant to: per rep; momentum and overdue; recent contacts;
    # the reflection's tables; the format, the preview and the rejected rows; people and log.
    assert counts["dashboard reps"] == 1 and counts["dashboard relationships"] == 2, counts
    assert counts["log"] >= 1 and counts["reflection"] >= 1 and counts["evidence"] >= 1, counts
    assert counts["import"] == 3 and counts["roster"] >= 1, counts
    for where, tables in seen.items():
        assert_no_missing_words(tables, where)
    # A missing value is shown as the dash (the overdue list has commitments without a person).
    assert any("–" in texts for texts in seen["dashboard relationships"] + seen["import"])


# -- 3. names that do not collide ----------------------------------------------------------------


def name_boxes(tab, names: frozenset[str]) -> dict[str, dict]:
    """The boxes of the rep names the quadrant (the first chart) draws."""
    chart = tab.locator('[data-testid="stVegaLiteChart"]').first
    boxes = {}
    for text in chart.locator("svg text").all():
        content = text.text_content().strip()
        if content in names:
            boxes[content] = text.bounding_box()
    return boxes


def overlap(a: dict, b: dict) -> float:
    """The area two boxes share, in square pixels."""
    width = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    height = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return max(width, 0) * max(height, 0)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_rep_names_in_the_quadrant_do_not_overlap(demo_server, browser, lang):
    context, tab = new_tab(browser)
    try:
        open_page(tab, demo_server, "", lang)
        wait_for_charts(tab, 2)
        tab.locator('[data-testid="stVegaLiteChart"]').first.locator(
            "svg text", has_text=i18n.t("dash_quadrant_building", lang)
        ).wait_for()
        boxes = name_boxes(tab, REP_NAMES)
        assert len(boxes) >= 10, sorted(boxes)
        touching = [
            (a, b, round(overlap(boxes[a], boxes[b])))
            for a, b in itertools.combinations(sorted(boxes), 2)
            if overlap(boxes[a], boxes[b]) > 1
        ]
        assert touching == []
        tab.locator('[data-testid="stVegaLiteChart"]').first.screenshot(
            path=str(SCREENSHOTS / f"quadrant-{lang}.png")
        )
    finally:
        context.close()


def test_a_rep_sees_only_their_own_name_in_the_quadrant(demo_server, browser):
    context, tab = new_tab(browser)
    try:
        open_page(tab, demo_server, "", "en")
        act_as(tab, "Rep")
        own = tab.locator(".st-key-act_as_rep input").input_value()
        wait_for_charts(tab, 1)
        shown = name_boxes(tab, REP_NAMES)
        assert set(shown) == {own}
    finally:
        context.close()


# -- 4. partial weeks marked ---------------------------------------------------------------------


def test_partial_weeks_are_marked_in_the_weekly_charts(demo_server, browser):
    """This quarter: its first week is cut short unless the quarter starts on a Monday, and
    this week unless today is a Sunday. Their bars are drawn hollow and dashed, their labels end
    in *, and the chart says why."""
    today = dt.date.today()
    quarter = metrics.window_for("quarter", today)
    first_week = quarter.start - dt.timedelta(days=quarter.start.weekday())
    this_week = today - dt.timedelta(days=today.weekday())
    period = (quarter.start, today, today)
    partial = {week for week in {first_week, this_week} if charts.week_days(week, *period) < 7}
    context, tab = new_tab(browser)
    try:
        open_page(tab, demo_server, "", "nl")
        open_tab(tab, "trends", "nl")
        wait_for_charts(tab, 2)
        title = i18n.t("dash_chart_weekly", "nl")
        texts = chart_texts(tab, title)
        note = i18n.t("dash_partial_weeks", "nl")
        chart = (
            tab.locator('[data-testid="stVegaLiteChart"]')
            .filter(has=tab.locator("svg text", has_text=title))
            .first
        )
        dashed = chart.locator('path[stroke-dasharray="4,3"]').count()
        first_label = i18n.iso_week_label(*quarter.start.isocalendar()[:2], "nl")
        if partial:
            assert note in texts
            assert dashed == len(partial)
        else:
            assert note not in texts and dashed == 0
        assert (first_label + "*" in texts) == (first_week in partial), texts
        screenshot(tab, "trends-partial-weeks-nl")
        if UPDATE_DOCS:
            chart.screenshot(path=str(ROOT / "docs" / "screenshot-partial-weeks.png"))
    finally:
        context.close()


# -- light and dark ------------------------------------------------------------------------------


def rgb(css: str) -> tuple[float, float, float, float]:
    """'rgb(1, 2, 3)' / 'rgba(1, 2, 3, 0.5)' / '#010203' as (r, g, b, alpha)."""
    if css.startswith("#"):
        return (*(int(css[i : i + 2], 16) for i in (1, 3, 5)), 1.0)
    parts = [float(p) for p in re.findall(r"[\d.]+", css)]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fore: str, back: str) -> float:
    """WCAG contrast ratio of a (possibly translucent) colour on an opaque background."""
    *f, alpha = rgb(fore)
    b = rgb(back)[:3]
    blended = tuple(alpha * x + (1 - alpha) * y for x, y in zip(f, b, strict=True))
    light, dark = sorted((luminance(blended), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


EFFECTIVE_BACKGROUND = """(el) => {
    for (let node = el; node; node = node.parentElement) {
        const bg = getComputedStyle(node).backgroundColor;
        if (bg && bg !== 'transparent' && !bg.endsWith(', 0)')) return bg;
    }
    return 'rgb(255, 255, 255)';
}"""


def assert_tiles_readable(tab) -> None:
    values = tab.locator('[data-testid="cbKpiValue"]')
    assert values.count() == 12
    for value in values.all():
        fore = value.evaluate("(el) => getComputedStyle(el).color")
        back = value.evaluate(EFFECTIVE_BACKGROUND)
        assert contrast(fore, back) >= 4.5, (value.inner_text(), fore, back)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_both_themes_keep_tiles_and_charts_readable(demo_server, browser, scheme):
    theme = charts.PALETTES[scheme]
    context, tab = new_tab(browser, scheme=scheme)
    try:
        open_page(tab, demo_server, "", "nl")
        wait_for_charts(tab, 2)
        app = tab.locator('[data-testid="stApp"]')
        assert rgb(app.evaluate(EFFECTIVE_BACKGROUND))[:3] == rgb(theme.background)[:3]

        # Every tile's value against what is behind it: WCAG AA for text (4.5:1).
        assert_tiles_readable(tab)

        # No chart text is invisible: every text Vega draws stands out from the chart's
        # background (3:1, WCAG's bar for large text and graphics; axis labels reach 4.5:1).
        tab.locator('[data-testid="stVegaLiteChart"] svg text', has_text="%)").first.wait_for()
        weak = []
        for chart in tab.locator('[data-testid="stVegaLiteChart"]').all():
            back = chart.evaluate(EFFECTIVE_BACKGROUND)
            drawn = chart.locator("svg text").evaluate_all(
                """(texts) => texts.filter((t) => t.textContent.trim()).map((t) => {
                    const style = getComputedStyle(t);
                    const alpha = parseFloat(style.fillOpacity || '1') * parseFloat(style.opacity || '1');
                    const fill = style.fill.startsWith('rgb(')
                        ? style.fill.replace('rgb(', 'rgba(').replace(')', `, ${alpha})`)
                        : style.fill;
                    return [t.textContent.trim(), fill, t.closest('.role-axis-label') !== null];
                })"""
            )
            assert drawn
            for text, fill, is_axis_label in drawn:
                ratio = contrast(fill, back)
                if ratio < (4.5 if is_axis_label else 3.0):
                    weak.append((text, fill, back, round(ratio, 2)))
        assert weak == []

        # The theme menu is there: light, dark or the system's.
        tab.locator('[data-testid="stMainMenu"]').click()
        menu = tab.locator('[data-testid="stMainMenuList"]')
        menu.wait_for()
        lines = {line.strip() for line in menu.inner_text().splitlines()}
        assert {"Light", "Dark", "System"} <= lines, lines
        # Switching theme there keeps the tiles readable at once, before any script run.
        other = "light" if scheme == "dark" else "dark"
        menu.get_by_text(other.capitalize()).first.click()
        red, green, blue = (int(c) for c in rgb(charts.PALETTES[other].background)[:3])
        tab.wait_for_function(
            """(expected) => getComputedStyle(document.querySelector('[data-testid="stApp"]'))
                .backgroundColor === expected""",
            arg=f"rgb({red}, {green}, {blue})",
        )
        assert_tiles_readable(tab)
        assert errors_shown(tab) == []
    finally:
        context.close()
