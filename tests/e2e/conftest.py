"""Real-browser fixtures: the app served by `streamlit run` on a free port, driven by Chromium."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kpi import db, demo, fields

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 1400, "height": 1000}
DEMO_CONTACTS = 3000
DEMO_SEED = 3
# Counts finished script runs, so a test can wait for the run its click caused (the state
# attribute alone still says "notRunning" for a moment after the click). A record's oldValue is
# used, not the attribute now: a short run may start and end before the observer is called.
RUN_COUNTER = """
window.__stRuns = 0;
new MutationObserver((changes) => {
    for (const change of changes) {
        if (change.oldValue === 'running') window.__stRuns++;
    }
}).observe(document, {
    attributes: true, attributeOldValue: true, subtree: true,
    attributeFilter: ['data-test-script-state'],
});
"""


def chromium_path() -> str | None:
    """Debian's Chromium when present (or $COMMITBOARD_CHROMIUM); None lets Playwright pick its own."""
    for candidate in (
        os.environ.get("COMMITBOARD_CHROMIUM"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(script: Path, port: int, *extra: str) -> list[str]:
    """`streamlit run script` on 127.0.0.1:port, headless, no file watcher, no usage stats."""
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", *extra,
    ]  # fmt: skip


class Server:
    """A `streamlit run app.py` process on its own database."""

    def __init__(self, db_path: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = db_path
        self.log = db_path.with_suffix(".log")
        full_env = (
            os.environ | {"COMMITBOARD_DB": str(db_path), "COMMITBOARD_LANG": "en"} | (env or {})
        )
        self.proc = subprocess.Popen(
            streamlit_command(ROOT / "app.py", self.port),
            cwd=ROOT,
            env=full_env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"streamlit did not start in {timeout}s: {self.log.read_text()[-2000:]}")

    def page_url(self, path: str = "", lang: str = "en") -> str:
        """The address of a page ("" is the dashboard, the default page) in a language."""
        return f"{self.url}/{path}?lang={lang}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def make_demo_db(path: Path, today: dt.date | None = None) -> Path:
    """A DuckDB file with the demo contacts the browser tests run on (same seed every time)."""
    con = db.connect(path)
    try:
        demo.generate(con, contacts=DEMO_CONTACTS, seed=DEMO_SEED, today=today or dt.date.today())
    finally:
        con.close()
    return path


def launch_browser() -> Iterator[object]:
    """Chromium through Playwright, for the session: the `browser` fixture (tests/conftest.py,
    one for every folder: two sync Playwrights at once refuse to start)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        path = chromium_path()
        try:
            instance = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        except Exception as exc:  # a clear message instead of a skip: CI must have a browser
            pytest.fail(f"no Chromium for browser tests ({exc}); run `make browser`")
        yield instance
        instance.close()


def warm_up(browser, server: Server) -> None:
    """Open the app once, so the tests meet a server past its first script run.

    That first run is special (see test_smoke.test_first_visit_on_a_fresh_server): Streamlit
    still treats pages/ as a legacy pages folder then. It is tested on its own; every other
    test should not depend on whether it happens to be the first on its server.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = context.new_page()
        tab.goto(server.page_url())
        wait_ready(tab)
    finally:
        context.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, browser) -> Iterator[Server]:
    """The app on 3,000 demo contacts up to today."""
    path = make_demo_db(tmp_path_factory.mktemp("e2e") / "demo.duckdb")
    server = Server(path)
    try:
        warm_up(browser, server)
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh tab in its own browser context; JavaScript errors of the app end up in
    `tab.js_errors` (a test asserts on them where it matters)."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB", accept_downloads=True)
    context.add_init_script(RUN_COUNTER)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.js_errors = []
    tab.on("pageerror", lambda error: tab.js_errors.append(str(error)))
    yield tab
    context.close()


# -- waiting for Streamlit ---------------------------------------------------------------------


def wait_ready(tab) -> None:
    """Until the page is connected to its session, Streamlit has finished running the script
    and every placeholder is filled (what Streamlit's own browser tests wait for)."""
    tab.wait_for_selector('[data-testid="stApp"]', state="attached")
    tab.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
                && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]');
        }""",
        timeout=60_000,
    )


# How long an action may go without the script run it should cause before it is done once
# more. Now and then a click on a ready page gets no run at all (CI, 27 Nov: the login button of
# the sign-in spike, a page without any code of ours; session 3 saw the same in other tests):
# the request seems lost between Streamlit's browser side and its server, and Streamlit's own
# browser tests wait extra time after every run for such reasons. A person would click again;
# the test does too, once, and prints that it did.
ACTION_GRACE_MS = 10_000
_SCRIPT_STATE = """document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-script-state')"""
# What the page shows and what its inputs hold. A click that did cause a run the counter missed
# (or whose run only started after the grace time, on a loaded CI machine) changes this; doing
# such a click once more would do it twice ("Next" twice: CI, 6 Dec, story 4 instead of 3).
_PAGE_STATE = """(() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return '';
    const inputs = [...app.querySelectorAll('input, textarea')]
        .map(i => i.type === 'checkbox' || i.type === 'radio' ? String(i.checked) : i.value);
    return app.innerText + '\u0000' + inputs.join('\u0001');
})()"""


def _unchanged(tab, runs: int, shown: str) -> bool:
    """True when, for a few more seconds, neither a run is counted nor the page changes."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        tab.wait_for_function(
            f"([n, shown]) => (window.__stRuns || 0) > n || {_PAGE_STATE} !== shown",
            arg=[runs, shown],
            timeout=5_000,
        )
    except PlaywrightTimeout:
        return True
    return False


def rerun(tab, action: Callable[[], object]) -> None:
    """Do `action` (a click, an upload ...) and wait until the script run it causes is done."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = tab.evaluate("window.__stRuns || 0")
    shown = tab.evaluate(_PAGE_STATE)
    action()
    try:
        tab.wait_for_function(
            "n => (window.__stRuns || 0) > n", arg=before, timeout=ACTION_GRACE_MS
        )
    except PlaywrightTimeout:
        idle = tab.evaluate(_SCRIPT_STATE) == "notRunning"  # else a run is under way, only slow
        if idle and _unchanged(tab, before, shown):
            print(f"no script run {ACTION_GRACE_MS} ms after the action; doing it once more")
            action()
            tab.wait_for_function("n => (window.__stRuns || 0) > n", arg=before, timeout=30_000)
        elif not idle:
            tab.wait_for_function("n => (window.__stRuns || 0) > n", arg=before, timeout=30_000)
        else:
            print("the page changed after the action without a run being counted; not redoing it")
    wait_ready(tab)


def open_page(tab, server: Server, path: str = "", lang: str = "en") -> None:
    tab.goto(server.page_url(path, lang))
    wait_ready(tab)


def document_language(tab, expected: str) -> str:
    """The page's <html lang>, once it is `expected` (or after 5 s, whatever it is then: the app
    sets it with a script of its own after the first run)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        tab.wait_for_function(
            "lang => document.documentElement.lang === lang", arg=expected, timeout=5_000
        )
    except PlaywrightTimeout:
        pass
    return tab.evaluate("document.documentElement.lang")


def navigate(tab, title: str) -> None:
    """Click a page in the sidebar navigation and wait for its title."""
    rerun(tab, tab.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click)
    tab.locator("h1", has_text=title).first.wait_for()


def choose(tab, key: str, option: str) -> None:
    """Pick `option` (its label) in the selectbox with widget key `key`."""
    tab.locator(f".st-key-{key}").click()
    rerun(tab, tab.get_by_role("option", name=option, exact=True).click)


def act_as(tab, role_label: str) -> None:
    """Demo mode: choose who the user acts as in the sidebar."""
    choose(tab, "act_as", role_label)


# -- reading what a user sees ------------------------------------------------------------------


def metric(tab, label: str) -> str:
    """The shown value of the dashboard's KPI tile (views/tiles.py) with exactly this name."""
    box = tab.locator('[data-testid="cbKpi"]').filter(
        has=tab.locator('[data-testid="cbKpiLabel"]', has_text=re.compile(rf"^{re.escape(label)}$"))
    )
    return box.locator('[data-testid="cbKpiValue"]').inner_text().strip()


def visible_text(tab, selector: str = '[data-testid="stApp"]') -> str:
    """The text of the app as a user reads it once the page has settled: without the names of
    Material icons (they are ligatures, so 'arrow_back' would otherwise read as text).

    It waits for the script run to end and every lazily loaded widget to be drawn first: right
    after a reload the metrics can be on screen while the multiselect next to them is still a
    skeleton without its label (a CI run failed on exactly that)."""
    wait_ready(tab)
    return tab.evaluate(
        """(selector) => {
            const root = document.querySelector(selector);
            if (!root) return '';
            // Material icons are spans marked translate="no" (ligatures such as 'arrow_back').
            const icons = '[translate="no"], [data-testid="stIconMaterial"]';
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const parts = [];
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const parent = node.parentElement;
                if (!parent || parent.closest(icons) || parent.closest('style, script, template, noscript')) continue;
                parts.push(node.textContent);
            }
            return parts.join('\\n');
        }""",
        selector,
    )


# A text key that is shown instead of its text (a missing translation): snake_case words that
# are not the canonical column names a user may legitimately see on the import page.
_SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.@-])")


def raw_text_keys(text: str) -> list[str]:
    return sorted({word for word in _SNAKE.findall(text) if word not in fields.FIELD_NAMES})


def errors_shown(tab) -> list[str]:
    """Exceptions Streamlit shows on the page, and dialogs such as "Page not found"."""
    return [
        *tab.locator('[data-testid="stException"]').all_inner_texts(),
        *tab.get_by_role("dialog").all_inner_texts(),
    ]


def wait_for_charts(tab, count: int = 1) -> None:
    """Until `count` Vega charts have drawn their SVG."""
    tab.wait_for_function(
        "n => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] svg').length >= n",
        arg=count,
    )


def screenshot(tab, name: str, full_page: bool = True) -> Path:
    """tests/screenshots/<name>.png; a full page is the whole scrolled content of the app."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    if not full_page:
        tab.screenshot(path=str(target))
        return target
    # Streamlit scrolls inside <main>, not the document: grow the window to the content instead.
    size = tab.viewport_size
    height = tab.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0"
    )
    tab.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 12_000)}
    )
    try:
        # Two animation frames: the app has laid itself out at the new size.
        tab.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        tab.screenshot(path=str(target))
    finally:
        tab.set_viewport_size(size)
    return target
