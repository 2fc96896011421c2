"""In a real browser: the director sets a goal on the Goals page and sees it on the dashboard's
tile, and the evidence page draws its charts without errors."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (
    errors_shown,
    navigate,
    open_page,
    raw_text_keys,
    rerun,
    screenshot,
    visible_text,
    wait_for_charts,
)

pytestmark = pytest.mark.browser


def test_set_a_goal_and_see_it_on_the_dashboard_tile(demo_server, page):
    open_page(page, demo_server, "goals")
    assert page.locator("h1", has_text="Goals").count() == 1
    page.locator(".st-key-goals_kpi").click()
    rerun(page, page.get_by_role("option", name="Advance rate", exact=True).click)
    target = page.locator(".st-key-goals_target input")
    target.fill("35")
    rerun(page, lambda: target.press("Enter"))
    rerun(page, page.locator(".st-key-goals_save button").click)
    assert "Goal set." in visible_text(page)

    navigate(page, "Dashboard")
    goal = page.locator('[data-testid="cbKpi"][data-kpi="advance_rate"] [data-testid="cbKpiGoal"]')
    shown = goal.inner_text().strip()
    match = re.fullmatch(r"([✓○]) Goal at least 35% per month: (\d+)% so far", shown)
    assert match, shown
    assert (match[1] == "✓") == (int(match[2]) >= 35)
    # Only the tile with a goal has the line.
    assert page.locator('[data-testid="cbKpiGoal"]').count() == 1
    assert errors_shown(page) == [] and page.js_errors == []
    screenshot(page, "dashboard-goal", full_page=False)


def test_the_evidence_page_in_dutch(demo_server, page):
    open_page(page, demo_server, "evidence", lang="nl")
    wait_for_charts(page, 2)
    text = visible_text(page)
    assert "Loont commitment?" in text and "Winstkans" in text and "Lift" in text
    assert raw_text_keys(text) == []
    assert errors_shown(page) == [] and page.js_errors == []
    screenshot(page, "evidence")
