"""The page "Does commitment pay?": the engine's numbers, shown with their counts, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import db, evidence, i18n
from kpi.metrics import Filters
from tests.pages.conftest import open_as, open_page
from tests.pages.test_roles import TEAM


def metrics_shown(at) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def test_demo_data_tells_the_story(app_db):
    """On the demo data considered quotes win more often and bring more per quote, and the page
    says so with the engine's own numbers and counts."""
    at = open_page("evidence")
    assert not at.exception
    assert at.title[0].value == "Does commitment pay?"
    con = db.connect(app_db)
    found = evidence.evidence(con, as_of=dt.date.today())
    con.close()
    quick, considered = found.quick, found.considered
    assert min(quick["quotes"], considered["quotes"]) >= evidence.MIN_QUOTES
    assert found.lift > 1.5 and considered["revenue_per_quote"] > 3 * quick["revenue_per_quote"]

    def pct(value: float) -> str:
        return i18n.fmt_pct(value, "en", 1)

    assert metrics_shown(at) == [
        ("Win rate", pct(quick["win_rate"])),
        ("Revenue per quote", i18n.fmt_money(quick["revenue_per_quote"], "en")),
        ("Win rate", pct(considered["win_rate"])),
        ("Revenue per quote", i18n.fmt_money(considered["revenue_per_quote"], "en")),
        ("Lift", f"{i18n.fmt_number(found.lift, 'en', 2)}×"),
        ("Open quotes", i18n.fmt_number(found.open_quotes, "en")),
    ]
    assert at.success[0].value.startswith("On the team's own quotes, commitment pays")
    captions = [c.value for c in at.caption]
    assert f"{quick['won']} won of {quick['quotes']} decided quotes" in captions
    assert (
        f"95% interval {pct(considered['win_rate_low'])} – {pct(considered['win_rate_high'])}"
        in captions
    )
    # Every number has its one-sentence help.
    assert all(m.help for m in at.metric)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel"] * 2


def test_the_tables_per_team_and_rep_are_the_engines(app_db):
    at = open_page("evidence")
    con = db.connect(app_db)
    tables = evidence.evidence_tables(con, as_of=dt.date.today())
    con.close()
    per_team, per_rep = at.dataframe[0].value, at.dataframe[1].value
    assert list(per_team["team"]) == ["Team Noord", "Team Zuid"]
    assert list(per_team["quick_quotes"]) == list(tables.per_team["quick_quotes"])
    assert list(per_rep["rep_name"]) == list(tables.per_rep["rep_name"])
    assert list(per_rep["considered_won"]) == list(tables.per_rep["considered_won"])
    # A rep with few quick quotes shows counts but no win rate (builders rarely quote quickly).
    few = per_rep[per_rep["quick_quotes"] < evidence.MIN_QUOTES]
    assert not few.empty and few["quick_win_rate"].isna().all() and few["lift"].isna().all()


def test_horizon_and_team_pickers(app_db):
    at = open_page("evidence")
    at.select_slider(key="ev_horizon").set_value(30).run()
    at.selectbox(key="ev_team").set_value("Team Zuid").run()
    assert not at.exception
    con = db.connect(app_db)
    found = evidence.evidence(
        con, filters=Filters(team="Team Zuid"), horizon=30, as_of=dt.date.today()
    )
    con.close()
    assert ("Open quotes", str(found.open_quotes)) in metrics_shown(at)
    assert f"{found.quick['won']} won of {found.quick['quotes']} decided quotes" in [
        c.value for c in at.caption
    ]
    assert "a quote is decided once 30 days have passed" in at.caption[1].value


def test_below_the_threshold_it_says_not_enough_data(small_db):
    at = open_page("evidence")
    assert not at.exception
    assert [i.value for i in at.info if i.value.startswith("Not enough")] == [
        "Not enough data yet: 2 decided quotes, at least 20 are needed for a win rate to mean something.",
        "Not enough data yet: 3 decided quotes, at least 20 are needed for a win rate to mean something.",
    ]
    assert ("Lift", "–") in metrics_shown(at)
    assert not at.success  # no story from five quotes


def test_dutch(app_db):
    at = open_page("evidence", lang="nl")
    assert at.title[0].value == "Loont commitment?"
    labels = [m.label for m in at.metric]
    assert labels[:2] == ["Winstkans", "Omzet per offerte"]
    assert "," in at.metric[0].value and at.metric[1].value.startswith("€ ")
    assert at.success[0].value.startswith("In de eigen offertes van het team loont commitment")


def test_no_quotes(empty_db):
    at = open_page("evidence")
    assert not at.exception
    assert "No quotes in this period yet." in [i.value for i in at.info]
    assert not at.metric


@pytest.fixture
def team_db(small_db):
    from kpi import roster

    con = db.connect(small_db)
    roster.replace_roster(con, TEAM, by="test")
    con.close()
    return small_db


@pytest.mark.parametrize("email", ["anna@x.nl", "trainer@x.nl"])
def test_only_leaders_open_it(team_db, email):
    at = open_as(email)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/evidence.py")


def test_the_training_page_shows_the_teams_evidence_without_names(app_db):
    at = open_page("training", role="trainer")
    assert not at.exception
    shown = [m.label for m in at.metric]
    assert shown[:2] == ["Win rate", "Revenue per quote"] and "Lift" in shown
    assert all(frame.value is None or "account" not in frame.value for frame in at.dataframe)
