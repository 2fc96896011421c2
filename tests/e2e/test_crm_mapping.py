"""Contacts from an export Commitboard does not know, in a real browser (issue 16): a director maps
a Dutch sheet on the Import page, saves the mapping and imports the file; a second file goes in
from the command line with `--mapping`; the dashboard counts them; a rep adds the commitment."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kpi import db, roster
from kpi.__main__ import main
from tests.e2e.conftest import (
    Server,
    choose,
    errors_shown,
    metric,
    navigate,
    open_page,
    rerun,
    visible_text,
    warm_up,
)
from views import import_mapping

pytestmark = pytest.mark.browser

ROSTER = [
    ("anouk@x.nl", "Anouk Peters", "Noord", "rep"),
    ("bram@x.nl", "Bram Smit", "Zuid", "rep"),
]
HEADERS = "Nr;Datum;Verkoper;Klant;Contactpersoon;Soort;Afgerond;Onderwerp"


def day(days_ago: int) -> str:
    return (dt.date.today() - dt.timedelta(days=days_ago)).strftime("%d/%m/%Y")


def first_file() -> bytes:
    """Five rows: a call and a visit (contacts), a task and a fair (not a contact, once the fair
    is mapped so), and a date that does not exist (rejected)."""
    bad = f"32/{dt.date.today():%m/%Y}"
    return (
        f"{HEADERS}\n"
        f"1;{day(9)};Anouk Peters;E2E Bakkerij;Jan;Telefoongesprek;ja;Offerte besproken\n"
        f"2;{day(8)};Bram Smit;E2E Acme;Piet;Bezoek;ja;Kennismaking\n"
        f"3;{day(8)};Anouk Peters;E2E Acme;;Taak;ja;Offerte maken\n"
        f"4;{day(7)};Bram Smit;E2E Gamma;;Beurs;ja;Stand op de beurs\n"
        f"5;{bad};Anouk Peters;E2E Gamma;;Telefoongesprek;ja;Terugbellen\n"
    ).encode()


def second_file() -> str:
    """A column more (not the headers the mapping was saved for): read by naming the mapping.
    One new call, and row 2 again (updated)."""
    return (
        f"{HEADERS};Regio\n"
        f"6;{day(6)};Anouk Peters;E2E Delta;;Telefoongesprek;ja;Terugbellen;Noord\n"
        f"2;{day(8)};Bram Smit;E2E Acme;Piet;Bezoek;ja;Kennismaking en demo;Zuid\n"
    )


@pytest.fixture
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("crm") / "crm.duckdb"
    con = db.connect(path)
    roster.replace_roster(con, ROSTER)
    con.close()
    return path


def start(browser, path) -> Server:
    server = Server(path)
    warm_up(browser, server)
    return server


def all_time(tab) -> dict[str, str]:
    choose(tab, "dash_window", "All time")
    return {label: metric(tab, label) for label in ("Contacts", "Calls", "Commitment rate")}


def result_numbers(tab) -> dict[str, str]:
    return {
        key: tab.locator(f".st-key-imp_result_{key} [data-testid='stMetricValue']").inner_text()
        for key in ("read", "accepted", "rejected", "not_contacts")
    }


def on_a_phone(browser, server: Server) -> None:
    """The short form of the other waiting contact on a 390 px wide screen: every level, every
    answer to "same way next time?" and the save button on screen."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="nl-NL", is_mobile=True, has_touch=True
    )
    try:
        tab = context.new_page()
        open_page(tab, server, "log", lang="nl")
        row = tab.locator('[class*="st-key-log_waiting_open_"]').first
        row.wait_for()
        contact = re.search(r"st-key-log_waiting_open_(\d+)", row.get_attribute("class"))[1]
        rerun(tab, row.locator("button").tap)
        shown = [
            tab.locator(f".st-key-wait{contact}_commitment_level label").filter(
                has_text=re.compile(r"^\d · ")
            ),
            tab.locator(f".st-key-wait{contact}_would_repeat button").filter(
                has_text=re.compile(r"\w")
            ),
            tab.locator(f".st-key-log_waiting_save_{contact} button"),
        ]
        assert [s.count() for s in shown] == [5, 3, 1]
        for items in shown:
            for index in range(items.count()):
                box = items.nth(index).bounding_box()
                assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= 390, (
                    items.nth(index).inner_text(),
                    box,
                )
        assert errors_shown(tab) == []
    finally:
        context.close()


def test_map_an_unknown_sheet_save_it_import_by_name_and_see_it_counted(
    browser, page, store, tmp_path
):
    server = start(browser, store)
    try:
        open_page(page, server, "import")
        rerun(
            page,
            lambda: page.locator(".st-key-imp_upload input[type=file]").set_input_files(
                files=[{"name": "week1.csv", "mimeType": "text/csv", "buffer": first_file()}]
            ),
        )
        box = page.locator(".st-key-imp_map_box")
        box.wait_for()
        assert page.locator(".st-key-imp_go button").is_disabled()
        # The guesses: each column with its field, the verb "Afgerond" as done or planned.
        guess = [page.locator(f".st-key-imp_map_col_{i} input").input_value() for i in (5, 6)]
        assert guess == ["Activity type (channel)", "Done or planned"]
        # The fair is no customer conversation for this team: not a contact.
        fair = page.locator(f".st-key-{import_mapping.value_key('type', 'Beurs')} input")
        fair.click()
        fair.fill("other")  # the list is long: narrow it as a user types
        rerun(page, page.get_by_role("option", name="Not a contact: other", exact=True).click)
        assert fair.input_value() == "Not a contact: other"
        # The preview: each row's outcome as the import would have it, the reject's reason.
        cells = box.locator('[data-testid="stDataFrame"] td')
        # The grid is drawn again after the run: wait for the fair's new outcome.
        box.locator(
            '[data-testid="stDataFrame"] td', has_text="not a contact: other activities"
        ).wait_for(state="attached")
        outcomes = [c for c in cells.all_text_contents() if re.match(r"contact|not a|rejected", c)]
        assert outcomes == [
            "contact",
            "contact",
            "not a contact: tasks",
            "not a contact: other activities",
            "rejected",
        ]
        assert "Date: not a date (use 2026-03-31 or 31-03-2026)" in cells.all_text_contents()
        name = page.locator(".st-key-imp_map_name input")
        name.fill("Activiteiten NL")
        rerun(page, lambda: name.press("Enter"))
        rerun(page, page.locator(".st-key-imp_map_save button").click)
        assert "Mapping Activiteiten NL saved" in visible_text(page)
        assert "Read with the saved mapping Activiteiten NL." in visible_text(page)
        assert page.locator(".st-key-imp_map_box").count() == 0  # not asked again

        rerun(page, page.locator(".st-key-imp_go button").click)
        page.locator(".st-key-imp_result", has_text="Result: week1.csv").wait_for()
        assert result_numbers(page) == {
            "read": "5",
            "accepted": "2",
            "rejected": "1",
            "not_contacts": "2",
        }
        assert "Not a contact: 1 other activities, 1 tasks." in visible_text(page)
        navigate(page, "Dashboard")
        assert all_time(page) == {"Contacts": "2", "Calls": "1", "Commitment rate": "–"}
        assert errors_shown(page) == []
    finally:
        server.stop()

    # The app is stopped: the command line has the database to itself.
    second = tmp_path / "week2.csv"
    second.write_text(second_file(), encoding="utf-8")
    args = ["import", "--db", str(store), "--mapping", "activiteiten nl", str(second)]
    assert main(args) == 0

    server = start(browser, store)
    try:
        open_page(page, server, "")
        assert all_time(page) == {"Contacts": "3", "Calls": "2", "Commitment rate": "–"}

        # The rep adds the commitment to the newest of their contacts from the sheet.
        navigate(page, "Log a contact")
        assert page.locator(".st-key-log_rep input").input_value() == "Anouk Peters"
        rows = page.locator('[class*="st-key-log_waiting_open_"]')
        rows.first.wait_for()
        assert rows.count() == 2
        newest = re.search(r"st-key-log_waiting_open_(\d+)", rows.first.get_attribute("class"))
        contact = newest[1]
        assert "E2E Delta" in page.locator(f".st-key-log_waiting_{contact}").inner_text()
        rerun(page, rows.first.locator("button").click)
        level = page.locator(f".st-key-wait{contact}_commitment_level")
        level.get_by_text("2 · Customer acts").click()
        page.locator(f".st-key-wait{contact}_commitment textarea").fill("Belt terug met cijfers")
        rerun(page, page.locator(f".st-key-log_waiting_save_{contact} button").click)
        assert "Recorded: E2E Delta at level 2 · Customer acts." in visible_text(page)
        assert page.locator('[class*="st-key-log_waiting_open_"]').count() == 1

        on_a_phone(browser, server)

        navigate(page, "Dashboard")
        assert all_time(page) == {"Contacts": "3", "Calls": "2", "Commitment rate": "100%"}
        assert (
            "The commitment KPIs count the contacts whose level is recorded: 33% of the"
            " contacts in this period."
        ) in visible_text(page)
        assert errors_shown(page) == []
    finally:
        server.stop()
