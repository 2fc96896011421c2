"""Reliability in a real browser: several reps saving at once, hostile text on the training page,
a backup of the running app, and the app killed (SIGKILL) while a rep saves."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from kpi import db, ingest
from kpi.markdown import WORD_JOINER
from tests.e2e.conftest import (
    ROOT,
    RUN_COUNTER,
    VIEWPORT,
    Server,
    errors_shown,
    open_page,
    rerun,
    wait_ready,
    warm_up,
)
from tests.e2e.test_flows import alert_texts, fill_account
from tests.reliability.hostile import HOSTILE, build

pytestmark = pytest.mark.browser

TABS = 3
ROUNDS = 1  # each round: every tab sends its form before any is waited for


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, browser):
    path = tmp_path_factory.mktemp("reliability") / "hostile.duckdb"
    build(path, dt.date.today(), long=False)  # the 100 kB text is in the AppTests
    server = Server(path)
    try:
        warm_up(browser, server)
        yield server
    finally:
        server.stop()


def new_tab(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.add_init_script(RUN_COUNTER)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    return context, tab


def backup_of(server: Server, target: Path) -> Path:
    """`python -m kpi backup` while the app holds the database: the app makes the copy."""
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "backup", "--db", str(server.db_path), str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"made by the running app (PID {server.proc.pid})" in proc.stdout
    return target


def accounts_in(path: Path) -> Counter:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return Counter(r[0] for r in con.execute("select account from contacts").fetchall())
    finally:
        con.close()


def test_reps_saving_in_several_tabs_at_once_save_each_contact_once(
    hostile_server, browser, tmp_path
):
    contexts, tabs = zip(*(new_tab(browser) for _ in range(TABS)), strict=True)
    try:
        for tab in tabs:
            open_page(tab, hostile_server, "log")
        accounts = []
        for round_ in range(ROUNDS):
            names = [f"Tab {i} round {round_} B.V." for i in range(TABS)]
            for tab, name in zip(tabs, names, strict=True):
                fill_account(tab, name)
                tab.locator(".st-key-log_channel button", has_text="Visit").click()
            # Send all forms before waiting for any: the server runs the saves side by side.
            before = [tab.evaluate("window.__stRuns || 0") for tab in tabs]
            for tab in tabs:
                tab.locator(".st-key-log_save button").click()
            for tab, runs, name in zip(tabs, before, names, strict=True):
                tab.wait_for_function("n => (window.__stRuns || 0) > n", arg=runs)
                wait_ready(tab)
                assert alert_texts(tab.locator('[data-testid="stMain"]')) == [
                    f"Saved: contact with {name} at level 0 · No commitment."
                ]
            accounts += names
        for tab in tabs:
            assert errors_shown(tab) == [] and tab.dialogs == []
    finally:
        for context in contexts:
            context.close()
    stored = accounts_in(backup_of(hostile_server, tmp_path / "after-tabs.duckdb"))
    assert {name: stored[name] for name in accounts} == dict.fromkeys(accounts, 1)


def test_hostile_text_is_shown_as_text_in_the_browser(hostile_server, browser):
    """The training page renders the stories' Markdown: hostile text must come out as the
    same characters, with no tag, link, image, heading or script made from it."""
    context, tab = new_tab(browser)
    try:
        open_page(tab, hostile_server, "training")
        tab.locator(".st-key-train_period").click()
        rerun(tab, tab.get_by_role("option", name="All time", exact=True).click)
        cards = tab.locator('[data-testid="stMain"] [class*="st-key-train_card_"]')
        assert cards.count() >= len(HOSTILE)
        made = tab.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]');
                const cards = [...main.querySelectorAll('[class*="st-key-train_card_"]')];
                const inCards = (sel) => cards.flatMap((c) => [...c.querySelectorAll(sel)]);
                return {
                    scripts: [...main.querySelectorAll('script')].length,
                    images: inCards('img').map((e) => e.outerHTML),
                    links: inCards('a[href*="x.example"]').map((e) => e.outerHTML),
                    strong: inCards('strong, b, em, u, del, code').map((e) => e.textContent)
                        .filter((t) => /^(bold|em|code|gone|tick|vet|u|a)$/.test(t)),
                    headings: inCards('h1, h2, h4, h5, h6').map((e) => e.textContent),
                    lists: inCards('li, blockquote, table').length,
                };
            }"""
        )
        assert made == {
            "scripts": 0,
            "images": [],
            "links": [],
            "strong": [],
            "headings": [],
            "lists": 0,
        }
        # Word joiners (invisible) keep Streamlit from reading ":x:", "--" or "->" as its own.
        shown = tab.locator('[data-testid="stMain"]').inner_text()
        shown = " ".join(shown.replace(WORD_JOINER, "").split())
        for name in ("quotes", "sql", "html", "script", "markdown", "emoji", "rtl", "formula"):
            assert " ".join(HOSTILE[name].split()) in shown, name
        assert tab.dialogs == [] and errors_shown(tab) == []
    finally:
        context.close()


def test_sigkill_of_the_app_keeps_every_contact_a_rep_saw_saved(tmp_path, browser):
    path = tmp_path / "team.duckdb"
    con = db.connect(path)
    ingest.import_file(con, ROOT / "tests" / "data" / "kpi_small.csv", today=dt.date(2026, 6, 30))
    con.close()
    server = Server(path)
    context, tab = new_tab(browser)
    confirmed = []
    try:
        open_page(tab, server, "log")
        for i in range(2):
            name = f"Confirmed {i} B.V."
            fill_account(tab, name)
            tab.locator(".st-key-log_channel button", has_text="Phone").click()
            rerun(tab, tab.locator(".st-key-log_save button").click)
            assert alert_texts(tab.locator('[data-testid="stMain"]')) == [
                f"Saved: contact with {name} at level 0 · No commitment."
            ]
            confirmed.append(name)
        # One more save in flight: the app is killed the moment the form is sent.
        fill_account(tab, "In flight B.V.")
        tab.locator(".st-key-log_channel button", has_text="Phone").click()
        tab.locator(".st-key-log_save button").click()
        server.proc.send_signal(signal.SIGKILL)
        assert server.proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        context.close()
        server.stop()

    # Started again on the same file, the app opens it (and replays its log); then every
    # confirmed contact is there, once.
    server = Server(path)
    context, tab = new_tab(browser)
    try:
        open_page(tab, server, "log")
        assert errors_shown(tab) == []
    finally:
        context.close()
        server.stop()
    stored = accounts_in(path)
    assert {name: stored[name] for name in confirmed} == dict.fromkeys(confirmed, 1)
    assert stored["In flight B.V."] <= 1  # saved or not, never twice
