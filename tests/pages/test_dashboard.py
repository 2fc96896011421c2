"""The dashboard as a user sees it: both KPI groups, exact numbers, Dutch, filters, empty states."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kpi import db, ingest
from tests.pages.conftest import display_values, kpi_tiles, open_page, open_tab

D = dt.date
# The whole of tests/data/kpi_small.csv (contacts from 2026-01-05 to 2026-05-02).
ALL_SMALL = (D(2026, 1, 1), D(2026, 5, 31))


def metrics_shown(at) -> dict[str, str]:
    return {label: tile.value for label, tile in kpi_tiles(at).items()}


def deltas_shown(at) -> dict[str, str]:
    return {label: tile.delta for label, tile in kpi_tiles(at).items()}


def texts(at) -> str:
    parts = [
        e.value for kind in ("subheader", "caption", "info", "title") for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def dutch(monkeypatch):
    """Dutch as the app's default too: AppTest calls widgets' format_func (common.py's role
    picker looks its labels up by language) outside a script run, where the URL's lang is unset."""
    monkeypatch.setenv("COMMITBOARD_LANG", "nl")


def custom_window(at, start: dt.date, end: dt.date):
    at.selectbox(key="dash_window").set_value("custom").run()
    at.date_input(key="dash_from").set_value(start)
    at.date_input(key="dash_to").set_value(end)
    return at.run()


def test_demo_data_shows_both_groups_charts_and_tables(app_db):
    at = open_page("dashboard")
    assert not at.exception
    assert at.title[0].value == "Dashboard"
    headers = [h.value for h in at.subheader]
    assert "Commitment" in headers and "Activity" in headers
    shown = metrics_shown(at)
    assert len(shown) == 12
    assert {"Contacts", "Calls", "Quotes", "Revenue", "Advance rate", "Quick quotes"} <= set(shown)
    assert all(value != "–" for key, value in shown.items() if key != "Follow-through")
    assert at.selectbox(key="dash_window").value == "quarter"  # demo data runs up to today
    # Only the open tab is drawn: the team tab's three charts first, then each tab on a click.
    assert len(at.get("vega_lite_chart")) == 3
    assert not at.dataframe
    assert len(open_tab(at, "trends").get("vega_lite_chart")) == 2
    assert len(open_tab(at, "reps").dataframe) == 1  # the per-rep table
    relations = open_tab(at, "relationships")
    assert len(relations.dataframe) >= 1 and len(relations.get("vega_lite_chart")) == 1


def test_small_data_shows_the_hand_computed_values(small_db):
    at = custom_window(open_page("dashboard"), *ALL_SMALL)
    assert not at.exception
    assert metrics_shown(at) == {
        "Commitment rate": "50%",
        "Advance rate": "38%",  # 3 of 8
        "Average level": "1.25",
        "Follow-through": "50%",
        "Quick quotes": "40%",  # 2 of 5
        "Reflection rate": "62%",  # 5 of 8, rounded half to even
        "Learning moments": "3",
        "Contacts": "8",
        "Calls": "5",
        "Appointments": "2",
        "Quotes": "5",
        "Revenue": "€1,500",
    }
    # The 151 days before hold no contacts: counts rise from zero, ratios have nothing to compare.
    changes = deltas_shown(at)
    assert changes["Contacts"] == "+8"
    assert changes["Revenue"] == "+€1,500"
    assert changes["Advance rate"] == ""
    assert "2026-01-01 to 2026-05-31" in texts(at)
    helps = {label: tile.help for label, tile in kpi_tiles(at).items()}
    assert helps["Quick quotes"].startswith("Share of quotes sent without real commitment")
    assert all(helps.values())
    # A trend line through each ISO week that has a value: 7 weeks with contacts (W02, W07,
    # W09, W11, W14, W15, W18), 5 with quotes, 2 in which a commitment was settled.
    points = {label: tile.trend_points for label, tile in kpi_tiles(at).items()}
    assert (points["Contacts"], points["Quick quotes"], points["Follow-through"]) == (7, 5, 2)


def test_changes_against_the_previous_window_in_points(small_db):
    # April (C03, C04) against 2 to 31 March (C06): see tests/kpi/test_metrics_dashboard.py.
    at = custom_window(open_page("dashboard"), D(2026, 4, 1), D(2026, 4, 30))
    changes = deltas_shown(at)
    assert changes["Contacts"] == "+1"
    assert changes["Revenue"] == "-€1,000"
    assert changes["Commitment rate"] == "-100.0 pts"
    assert changes["Quick quotes"] == "+50.0 pts"
    assert changes["Advance rate"] == "0.0 pts"  # unchanged: grey, no arrow
    assert changes["Follow-through"] == ""
    tones = {label: tile.tone for label, tile in kpi_tiles(at).items()}
    assert tones["Quick quotes"] == "bad"  # more quick quotes is bad news: red
    assert tones["Contacts"] == "good"
    assert tones["Revenue"] == "bad"
    assert tones["Advance rate"] == "off"


def test_dutch_labels_and_number_formats(small_db, dutch):
    at = open_page("dashboard", lang="nl")  # all time: every contact of the small data set
    assert not at.exception
    shown = metrics_shown(at)
    assert shown["Contactmomenten"] == "8"
    assert shown["Snelle offertes"] == "40%"
    assert shown["Omzet"] == "€ 1.500"
    assert shown["Gemiddeld niveau"] == "1,25"
    headers = [h.value for h in at.subheader]
    assert "Activiteit" in headers and "Commitment" in headers
    assert at.selectbox(key="dash_window").label == "Periode"
    assert at.selectbox(key="dash_window").value == "all"

    at = custom_window(at, D(2026, 4, 1), D(2026, 4, 30))
    assert "01-04-2026 t/m 30-04-2026" in texts(at)
    changes = deltas_shown(at)
    assert changes["Snelle offertes"] == "+50,0 %-punt"
    assert changes["Omzet"] == "-€ 1.000"


def test_default_window_shows_data_when_this_quarter_is_empty(small_db):
    # The small data set ends in May 2026; "this quarter" would be empty, so all time is chosen.
    at = open_page("dashboard")
    assert at.selectbox(key="dash_window").value == "all"
    assert metrics_shown(at)["Contacts"] == "8"
    assert set(deltas_shown(at).values()) == {""}  # nothing before all time


def test_rep_and_team_filters(small_db):
    at = open_page("dashboard")
    at.multiselect(key="dash_reps").set_value(["bram@x.nl"]).run()
    assert metrics_shown(at)["Contacts"] == "2"
    assert metrics_shown(at)["Quick quotes"] == "100%"
    at.multiselect(key="dash_reps").set_value([]).run()
    at.selectbox(key="dash_team").set_value("Team Noord").run()
    assert metrics_shown(at)["Contacts"] == "4"
    assert metrics_shown(at)["Revenue"] == "€1,000"


def test_per_rep_table_has_a_row_per_rep_with_all_kpis(small_db):
    at = open_tab(open_page("dashboard"), "reps")
    table = at.dataframe[0].value
    assert len(table) == 3
    assert list(table["rep_name"])[:2] == ["Anna de Vries", "Bram Jansen"]
    assert list(table["contacts"]) == [4, 2, 2]
    assert list(table["advance_rate"]) == [0.25, 0.5, 0.5]
    # Written by the app in the chosen language, not by Streamlit in the browser's locale.
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["advance_rate"]["type_config"] == {"type": "number"}
    shown = display_values(at.dataframe[0])
    assert list(shown["advance_rate"]) == ["25.0%", "50.0%", "50.0%"]
    assert at.dataframe[0].proto.placeholder == "–"
    assert {
        "commitment_rate",
        "advance_rate",
        "avg_commitment",
        "follow_through",
        "quick_quote_share",
        "reflection_rate",
        "learning_moments",
        "contacts",
        "calls",
        "appointments",
        "quotes",
        "revenue",
    } <= set(table.columns)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel"]


def test_relationship_views(small_db):
    # In May only Gamma climbs (nothing before, level 4 now); C08's commitment has no due date.
    at = custom_window(open_page("dashboard"), D(2026, 5, 1), D(2026, 5, 31))
    momentum = open_tab(at, "relationships").dataframe[0].value
    assert list(momentum["account"]) == ["Gamma"]
    assert list(momentum["level_in_window"]) == ["4 · Joint plan"]
    assert "No open commitment is past its due date." in texts(at)


def test_empty_window_says_what_to_do(small_db):
    at = open_page("dashboard")
    at.selectbox(key="dash_window").set_value("quarter").run()
    assert not at.exception
    assert not kpi_tiles(at)
    assert "No contacts in this period" in at.info[0].value


def test_empty_database_says_what_to_do(empty_db):
    at = open_page("dashboard")
    assert not at.exception
    assert not kpi_tiles(at)
    assert not at.get("vega_lite_chart")
    assert "There are no contacts yet" in at.info[0].value
    assert "import" in at.info[0].value


def test_swapped_dates_are_put_in_order(small_db):
    at = custom_window(open_page("dashboard"), D(2026, 5, 31), D(2026, 1, 1))
    assert metrics_shown(at)["Contacts"] == "8"
    assert "swapped" in texts(at)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_rep_sees_only_their_own_numbers(small_db, lang, monkeypatch):
    monkeypatch.setenv("COMMITBOARD_LANG", lang)  # see the `dutch` fixture
    at = open_page("dashboard", role="rep", rep="bram@x.nl", lang=lang)
    assert not at.exception
    assert not at.multiselect  # no picking colleagues
    contacts = "Contacts" if lang == "en" else "Contactmomenten"
    assert metrics_shown(at)[contacts] == "2"
    at = open_tab(at, "reps", lang)
    assert list(at.dataframe[0].value["rep_name"]) == ["Bram Jansen"]


def test_the_open_tab_stays_open_when_the_language_changes(small_db):
    at = open_tab(open_page("dashboard"), "reps")
    assert len(at.dataframe) == 1
    at.segmented_control(key="lang_switch").set_value("nl").run()
    assert not at.exception
    assert at.session_state["dash_tabs"].endswith("Per accountmanager")
    assert len(at.dataframe) == 1  # still the per-rep table, now in Dutch


def test_the_app_caps_duckdbs_memory(small_db, monkeypatch):
    """Uncapped, DuckDB may take 80% of the machine and the app went past 1 GB with 10M contacts
    (bench/RESULTS.md); the app's connection sets COMMITBOARD_MEMORY_LIMIT (default 512MB)."""
    import duckdb

    at = open_page("dashboard")
    assert not at.exception
    with duckdb.connect(str(small_db)) as same_database:  # shares the app's database instance
        limit = same_database.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "488.2 MiB"


def test_a_memory_limit_duckdb_does_not_understand_is_one_clear_error(small_db, monkeypatch):
    monkeypatch.setenv("COMMITBOARD_MEMORY_LIMIT", "plenty")
    at = open_page("dashboard")
    assert not at.exception
    assert "memory limit 'plenty'" in at.error[0].value
    assert not kpi_tiles(at)


def test_per_rep_table_in_dutch_writes_numbers_the_dutch_way(small_db):
    at = open_tab(open_page("dashboard", lang="nl"), "reps")
    shown = display_values(at.dataframe[0])
    assert list(shown["advance_rate"]) == ["25,0%", "50,0%", "50,0%"]
    assert list(shown["avg_commitment"])[0].count(",") == 1
    assert all(v.startswith("€ ") for v in shown["revenue"])


def test_commitment_kpis_say_on_what_share_of_contacts_they_stand(small_db):
    """8 contacts with a level, then 2 calls from a HubSpot export without one: the rates are
    those of the 8, and the dashboard says they stand on 80% of the contacts."""
    export = small_db.parent / "calls.csv"
    export.write_text(
        "Record ID,Activity date,Activity assigned to,Associated Company,Call outcome\n"
        "1,2026-05-01 10:00,Anna de Vries,Acme,Connected\n"
        "2,2026-05-02 11:00,Anna de Vries,Acme,Connected\n",
        encoding="utf-8",
    )
    con = db.connect(small_db)
    ingest.import_file(con, export, today=D(2026, 6, 30))
    con.close()
    at = custom_window(open_page("dashboard"), *ALL_SMALL)
    assert not at.exception
    shown = metrics_shown(at)
    assert (shown["Commitment rate"], shown["Contacts"], shown["Calls"]) == ("50%", "10", "7")
    assert (
        "The commitment KPIs count the contacts whose level is recorded: 80% of the contacts in"
        " this period. The rest came from a CRM export and wait for their rep."
    ) in texts(at)


@pytest.mark.parametrize(
    ("lang", "label", "shares"),
    [
        ("en", "Level recorded", ["66.7%", "100.0%", "100.0%"]),
        ("nl", "Niveau vastgelegd", ["66,7%", "100,0%", "100,0%"]),
    ],
)
def test_per_rep_table_says_on_what_share_of_each_reps_contacts_the_rates_stand(
    small_db, lang, label, shares
):
    """Anna's 4 contacts with a level and 2 HubSpot calls without one: her rates stand on 4 of
    6 contacts, the others' on all of theirs; written as the tiles write shares."""
    export = small_db.parent / "calls.csv"
    export.write_text(
        "Record ID,Activity date,Activity assigned to,Associated Company,Call outcome\n"
        "1,2026-05-01 10:00,Anna de Vries,Acme,Connected\n"
        "2,2026-05-02 11:00,Anna de Vries,Acme,Connected\n",
        encoding="utf-8",
    )
    con = db.connect(small_db)
    ingest.import_file(con, export, today=D(2026, 6, 30))
    con.close()
    at = custom_window(open_page("dashboard", lang=lang), *ALL_SMALL)
    at = open_tab(at, "reps", lang)
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["rep_name"])[0] == "Anna de Vries"
    assert list(table["recorded_share"]) == pytest.approx([4 / 6, 1.0, 1.0])
    assert list(display_values(at.dataframe[0])["recorded_share"]) == shares
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["recorded_share"]["label"] == label
    # Beside the commitment KPIs it qualifies, before the activity counts.
    columns = list(table.columns)
    assert columns.index("learning_moments") + 1 == columns.index("recorded_share")
