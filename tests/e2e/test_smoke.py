"""Every page opens in a real browser in both languages, and each is kept as a screenshot."""

from __future__ import annotations

import os

import pytest

from kpi import i18n
from tests.e2e.conftest import (
    ROOT,
    RUN_COUNTER,
    SCREENSHOTS,
    VIEWPORT,
    Server,
    act_as,
    document_language,
    errors_shown,
    open_page,
    raw_text_keys,
    rerun,
    screenshot,
    visible_text,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

# url path -> the text key of its title; the dashboard is the default page, at the root.
PAGES = {
    "": "page_dashboard",
    "log": "page_log_contact",
    "reflection": "page_reflection",
    "training": "page_training",
    "import": "page_import",
    "evidence": "page_evidence",
    "goals": "page_goals",
}
# The README's pictures of the dashboard, in the light and in the dark theme.
README_SHOTS = {
    "light": ROOT / "docs" / "screenshot-dashboard.png",
    "dark": ROOT / "docs" / "screenshot-dashboard-dark.png",
}
# The picture in docs/ is tracked by git: it is only rewritten when asked for, so a test run
# leaves the tree clean (COMMITBOARD_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/e2e -k readme).
UPDATE_DOCS = os.environ.get("COMMITBOARD_UPDATE_DOCS") == "1"


def check_page(tab, title: str) -> None:
    """The page shows its title, no exception, no text key instead of a text, no JS error."""
    assert tab.locator("h1").first.inner_text().strip() == title
    assert errors_shown(tab) == []
    assert raw_text_keys(visible_text(tab)) == []
    assert tab.js_errors == []


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_without_error(demo_server, page, path, lang):
    open_page(page, demo_server, path, lang)
    check_page(page, i18n.t(PAGES[path], lang))
    assert f"lang={lang}" in page.url
    assert document_language(page, lang) == lang  # what a screen reader pronounces it as
    if path == "":
        wait_for_charts(page, 2)  # the team tab: the quadrant and the ladder
    screenshot(page, f"page-{path or 'dashboard'}-{lang}")
    if path == "training":
        # Presenter mode: one story on the stage, the first of them.
        rerun(page, page.locator(".st-key-train_presenter label").click)
        page.locator(".st-key-train_stage").wait_for()
        check_page(page, i18n.t("page_training", lang))
        position = page.locator(".st-key-train_story_position").inner_text()
        assert position.startswith(i18n.t("train_story_of", lang, i=1, n="").strip())
        screenshot(page, f"page-training-presenter-{lang}")


@pytest.mark.parametrize("scheme", list(README_SHOTS))
def test_readme_screenshot(demo_server, browser, scheme):
    """The README's pictures: the dashboard in English, both KPI groups and the team charts below
    them (a window 1,400 wide; tall enough for the charts, the empty top cut off), in a browser
    set to a light and to a dark colour scheme. Written to tests/screenshots/, and to docs/
    with COMMITBOARD_UPDATE_DOCS=1."""
    shot = README_SHOTS[scheme]
    target = shot if UPDATE_DOCS else SCREENSHOTS / f"readme-{shot.name}"
    context = browser.new_context(
        viewport={"width": 1400, "height": 1520}, locale="en-GB", color_scheme=scheme
    )
    try:
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        open_page(tab, demo_server, "", "en")
        wait_for_charts(tab, 2)  # the quadrant and the ladder on the first tab
        # Vega draws its marks after the SVG appears; the ladder's bar labels come last.
        tab.locator('[data-testid="stVegaLiteChart"] svg text', has_text="%)").first.wait_for()
        tab.locator('[data-testid="cbKpiValue"]').nth(11).wait_for()
        tab.mouse.move(1, 1)
        box = tab.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
        assert box is not None
        bottom = box["y"] + box["height"] + 12  # just below the quadrant, before its caption
        assert bottom <= 1520, "the quadrant no longer fits the picture"
        target.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(
            path=str(target), clip={"x": 0, "y": 60, "width": 1400, "height": bottom - 60}
        )
    finally:
        context.close()
    assert target.stat().st_size < 400_000


def test_first_visit_on_a_fresh_server(tmp_path, browser):
    """The first person on a just-started server: a deep link works, the sidebar answers.

    Fails at the time of writing. Streamlit decides on its first script run whether the folder
    pages/ next to app.py is a legacy pages folder; pages/__init__.py switches that off, but only
    once app.py has imported it, in that first run. So the first session (1) gets a "Page not
    found" dialog on a deep link such as /log, and (2) loses its first choice in the sidebar
    ("act as" jumps back to the director): the sidebar widgets get new ids on the second run.
    """
    server = Server(tmp_path / "fresh.duckdb")  # an empty database is enough
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.add_init_script(RUN_COUNTER)
    problems = []
    try:
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        open_page(tab, server, "log", "en")
        assert tab.locator("h1").first.inner_text() == "Log a contact"
        dialogs = tab.get_by_role("dialog").all_inner_texts()
        if dialogs:
            problems.append(f"a deep link shows the dialog {dialogs[0]!r}")
            tab.keyboard.press("Escape")
            tab.get_by_role("dialog").wait_for(state="detached")
        act_as(tab, "Trainer")
        shown = tab.locator(".st-key-act_as input").input_value()
        if shown != "Trainer":
            problems.append(f"choosing 'Trainer' in 'act as' left {shown!r}")
    finally:
        context.close()
        server.stop()
    assert problems == [], "first visit on a fresh server: " + "; ".join(problems)
