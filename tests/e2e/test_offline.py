"""Nothing a visitor's browser asks for leaves the app's own address: every page, every
dashboard tab, both languages. A team behind a firewall, or with no internet at all, gets the
whole app; and no visit tells a third party that someone opened Commitboard."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from kpi import access, i18n
from tests.e2e.conftest import (
    RUN_COUNTER,
    VIEWPORT,
    act_as,
    errors_shown,
    navigate,
    open_page,
    rerun,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Every page but the dashboard (where the visit starts), in the admin's menu order: an admin
# may open every page, and a page added later is visited too.
PAGES = [f"page_{name}" for name in access.PAGES_BY_ROLE[access.ADMIN] if name != "dashboard"]
DASHBOARD_TABS = ["dash_tab_trends", "dash_tab_reps", "dash_tab_relationships", "dash_tab_team"]


def outside(url: str) -> bool:
    """A request to anything but this machine (data: and blob: URLs never leave the browser)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "chrome-extension"}:
        return False
    return parts.hostname not in LOCAL


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_request_leaves_the_apps_address(demo_server, browser, lang):
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.add_init_script(RUN_COUNTER)
    asked: list[str] = []

    def guard(route) -> None:
        # Refused rather than let through: the test must not depend on a network, and a page
        # that waits for an outside answer would show it as a hang, not as a pass.
        if outside(route.request.url):
            asked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    try:
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        open_page(tab, demo_server, "", lang)
        wait_for_charts(tab, 2)
        for key in DASHBOARD_TABS:
            label = i18n.t(key, lang)
            rerun(tab, tab.get_by_role("tab", name=label).click)
        act_as(tab, i18n.t("role_admin", lang))
        for key in PAGES:
            navigate(tab, i18n.t(key, lang))
            assert errors_shown(tab) == [], key
        # The favicon and fonts are asked for lazily: give them a moment before looking.
        tab.wait_for_timeout(500)
    finally:
        context.close()
    assert asked == []
