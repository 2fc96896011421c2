"""Every page opens in a real browser, and each is kept as a screenshot."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot, wait_ready

pytestmark = pytest.mark.browser

PAGES = ["dashboard", "log", "reflection", "training", "import"]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_error(demo_server, page, path):
    page.goto(f"{demo_server.url}/{path}?lang=en")
    wait_ready(page)
    page.wait_for_selector("h1")
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, f"page-{path}")
