"""Two app servers on one DuckLake store, in Chromium (issue 15): a contact saved on one is
counted on the other at its next page load, and a command-line import made while both run
shows on both."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from kpi import db, demo
from tests.e2e.conftest import DEMO_CONTACTS, DEMO_SEED, Server, navigate, open_page, rerun, warm_up
from tests.e2e.test_flows import (
    NEW_ACCOUNT,
    alert_texts,
    dashboard_week,
    fill_account,
    fill_contact_but_account,
)

pytestmark = pytest.mark.browser
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def team(pg, tmp_path_factory, browser):
    """A lake with the demo contacts and two servers on it (A and B), as a team runs them."""
    folder = tmp_path_factory.mktemp("lake-team")
    spec = f"ducklake:postgres:{pg.dsn(pg.new_database('team'))}"
    env = {"COMMITBOARD_DB": spec, "COMMITBOARD_DATA_PATH": str(folder / "data")}
    con = db.connect(spec, data_path=folder / "data")
    try:
        demo.generate(con, contacts=DEMO_CONTACTS, seed=DEMO_SEED, today=dt.date.today())
    finally:
        con.close()
    servers = [Server(folder / f"{name}.duckdb", env=env) for name in ("a", "b")]
    try:
        for server in servers:
            warm_up(browser, server)
        yield spec, env, servers
    finally:
        for server in servers:
            server.stop()


def contacts_this_week(tab, server) -> int:
    open_page(tab, server, "")
    week = dashboard_week(tab)
    return int(week["Contacts"].replace(",", "")) if week else 0


def test_a_contact_saved_on_one_server_is_counted_on_the_other(team, page):
    _, _, (server_a, server_b) = team
    before = contacts_this_week(page, server_b)

    open_page(page, server_a, "")
    navigate(page, "Log a contact")
    fill_contact_but_account(page)
    fill_account(page, NEW_ACCOUNT)
    rerun(page, page.locator(".st-key-log_save button").click)
    assert alert_texts(page.locator('[data-testid="stMain"]')) == [
        f"Saved: contact with {NEW_ACCOUNT} at level 2 · Customer acts."
    ]

    # B's next page load counts it: its caches are keyed on the version every server shares.
    assert contacts_this_week(page, server_b) == before + 1
    assert contacts_this_week(page, server_a) == before + 1


def test_an_import_from_the_command_line_while_both_run_shows_on_both(team, page, tmp_path):
    spec, env, (server_a, server_b) = team
    before = contacts_this_week(page, server_a)
    today = dt.date.today().isoformat()
    csv = tmp_path / "week.csv"
    csv.write_text(
        "contact_date,rep,account,channel,commitment_level,commitment\n"
        + "".join(
            f"{today},sanne.dejong@prospex.example,E2E Lake {n},phone,1,Belt terug\n"
            for n in range(5)
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "import", "--db", spec, str(csv)],
        cwd=ROOT,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert contacts_this_week(page, server_a) == before + 5
    assert contacts_this_week(page, server_b) == before + 5
