"""Does commitment pay? Every definition of DOMAIN.md's section on small known contacts."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpi import evidence, ingest, metrics, roster
from kpi.evidence import Z
from kpi.metrics import Filters, Window

D = dt.date
HEADER = "contact_date,rep,account,channel,quote_sent,revenue,commitment_level,commitment\n"


LATER = D(2026, 12, 31)


def load(con, tmp_path, lines: str, today: dt.date = LATER) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(HEADER + lines, encoding="utf-8")
    result = ingest.import_file(con, path, today=today)
    assert result.rejected == 0, ingest.rejects_frame(con).to_dict("records")


def counts(ev: evidence.Evidence) -> tuple:
    """(quick quotes, quick won, considered quotes, considered won, open quotes)."""
    return (
        ev.quick["quotes"],
        ev.quick["won"],
        ev.considered["quotes"],
        ev.considered["won"],
        ev.open_quotes,
    )


# Each case: contacts, the call's arguments, and (quick quotes, quick won, considered quotes,
# considered won, open quotes).
CASES = {
    "quote exactly H days before as_of is decided, a day later open": (
        "2026-01-01,a,X,phone,ja,,0,\n2026-01-02,a,Y,phone,ja,,0,\n",
        {"horizon": 30, "as_of": D(2026, 1, 31)},
        (1, 0, 0, 0, 1),
    ),
    "revenue on the quote's own day is not counted": (
        "2026-01-01,a,X,phone,ja,500,0,\n2026-01-01,a,X,visit,nee,700,0,\n",
        {"horizon": 30, "as_of": D(2026, 6, 1)},
        (1, 0, 0, 0, 0),
    ),
    "revenue on day H is counted": (
        "2026-01-01,a,X,phone,ja,,0,\n2026-01-31,a,X,visit,nee,700,0,\n",
        {"horizon": 30, "as_of": D(2026, 6, 1)},
        (1, 1, 0, 0, 0),
    ),
    "revenue on day H + 1 is not": (
        "2026-01-01,a,X,phone,ja,,0,\n2026-02-01,a,X,visit,nee,700,0,\n",
        {"horizon": 30, "as_of": D(2026, 6, 1)},
        (1, 0, 0, 0, 0),
    ),
    "another rep's revenue on the same account counts for the quote's rep": (
        "2026-01-01,a,X,phone,ja,,0,\n2026-01-10,b,X,visit,nee,700,0,\n",
        {"horizon": 30, "as_of": D(2026, 6, 1), "filters": Filters(reps=("A",))},
        (1, 1, 0, 0, 0),
    ),
    "the filter is on the quote's rep, not on who brought the revenue": (
        "2026-01-01,a,X,phone,ja,,0,\n2026-01-10,b,X,visit,nee,700,0,\n",
        {"horizon": 30, "as_of": D(2026, 6, 1), "filters": Filters(reps=("b",))},
        (0, 0, 0, 0, 0),
    ),
    "account spelling variants are one account": (
        "2026-01-01,a,Acme BV,phone,ja,,0,\n2026-01-10,b,  ACME bv ,visit,nee,700,0,\n",
        {"horizon": 30, "as_of": D(2026, 6, 1)},
        (1, 1, 0, 0, 0),
    ),
    "another rep's advance 90 days before makes a quote considered": (
        "2025-10-03,b,X,visit,nee,,2,Zoekt uit\n2026-01-01,a,X,phone,ja,,0,\n",
        {"horizon": 30, "as_of": D(2026, 6, 1), "filters": Filters(reps=("a",))},
        (0, 0, 1, 0, 0),
    ),
    "91 days before it does not": (
        "2025-10-02,b,X,visit,nee,,2,Zoekt uit\n2026-01-01,a,X,phone,ja,,0,\n",
        {"horizon": 30, "as_of": D(2026, 6, 1), "filters": Filters(reps=("a",))},
        (1, 0, 0, 0, 0),
    ),
    "the window is on the quote's date; revenue after the window still counts": (
        "2026-01-01,a,X,phone,ja,,0,\n2026-02-10,a,X,visit,nee,700,0,\n"
        "2026-03-01,a,Y,phone,ja,,0,\n",
        {"horizon": 60, "as_of": D(2026, 12, 1), "window": Window(D(2026, 1, 1), D(2026, 1, 31))},
        (1, 1, 0, 0, 0),
    ),
}


@pytest.mark.parametrize(("lines", "kwargs", "expected"), CASES.values(), ids=CASES.keys())
def test_definitions(con, tmp_path, lines, kwargs, expected):
    load(con, tmp_path, lines)
    assert counts(evidence.evidence(con, **kwargs)) == expected


def test_revenue_per_quote_sums_each_quotes_own_revenue(con, tmp_path):
    """Two quotes on one account share an order: each is judged on its own, so the order counts
    for both; a considered quote without revenue still counts in the denominator."""
    load(
        con,
        tmp_path,
        "2026-01-01,a,X,phone,ja,,0,\n"
        "2026-01-05,a,X,phone,ja,,0,\n"
        "2026-01-20,b,X,visit,nee,1000,0,\n"
        "2026-01-01,a,Y,visit,ja,,3,Plan\n"
        "2026-01-01,a,Z,visit,ja,,2,Data\n"
        "2026-02-15,a,Z,visit,nee,3000,0,\n",
    )
    ev = evidence.evidence(con, horizon=60, as_of=D(2026, 6, 1))
    assert counts(ev) == (2, 2, 2, 1, 0)
    assert ev.quick["revenue_per_quote"] == 1000.0
    assert ev.considered["revenue_per_quote"] == 1500.0
    assert ev.quick["win_rate"] == 1.0 and ev.considered["win_rate"] == 0.5
    assert ev.lift == 0.5


def test_no_quotes_gives_nulls_not_zeros(con, tmp_path):
    load(con, tmp_path, "2026-01-01,a,X,phone,nee,100,0,\n")
    ev = evidence.evidence(con, horizon=30, as_of=D(2026, 6, 1)).as_dict()
    assert ev == {
        "horizon_days": 30,
        "as_of": "2026-06-01",
        "quick": dict.fromkeys(evidence.GROUP_KEYS) | {"quotes": 0, "won": 0, "open_quotes": 0},
        "considered": dict.fromkeys(evidence.GROUP_KEYS)
        | {"quotes": 0, "won": 0, "open_quotes": 0},
        "lift": None,
        "open_quotes": 0,
    }


@pytest.mark.parametrize(
    ("won", "quotes", "low", "high"),
    [
        (0, 0, None, None),
        (0, 10, 0.0, Z * Z / (10 + Z * Z)),
        (10, 10, 10 / (10 + Z * Z), 1.0),
        (0, 1, 0.0, Z * Z / (1 + Z * Z)),
        (5, 10, 0.236593090, 0.763406910),
    ],
)
def test_wilson_interval(won, quotes, low, high):
    found = evidence.wilson(won, quotes)
    if low is None:
        assert found == (None, None)
    else:
        assert found == (pytest.approx(low, abs=1e-9), pytest.approx(high, abs=1e-9))
    if won == 0 and quotes:
        assert found[0] == 0.0  # exactly, not 4.9e-17
    if won == quotes and quotes:
        assert found[1] == 1.0


@pytest.mark.parametrize(
    ("considered", "quick", "expected"),
    [
        (0.5, 0.25, 2.0),
        (0.5, 0.0, None),  # a quick win rate of 0: no lift, not infinity
        (0.0, 0.0, None),
        (None, 0.25, None),
        (0.5, None, None),
        (0.0, 0.25, 0.0),
    ],
)
def test_lift(considered, quick, expected):
    assert evidence.lift(considered, quick) == expected


def test_lift_with_a_quick_win_rate_of_zero_on_data(con, tmp_path):
    load(
        con,
        tmp_path,
        "2026-01-01,a,X,phone,ja,,0,\n2026-01-01,a,Y,visit,ja,,2,Data\n"
        "2026-01-10,a,Y,visit,nee,500,0,\n",
    )
    ev = evidence.evidence(con, horizon=30, as_of=D(2026, 6, 1))
    assert (ev.quick["win_rate"], ev.considered["win_rate"], ev.lift) == (0.0, 1.0, None)
    assert ev.quick["win_rate_low"] == 0.0


def test_tables_per_rep_and_team(con, tmp_path):
    load(
        con,
        tmp_path,
        "2026-01-01,anna@x.nl,X,phone,ja,,0,\n"
        "2026-01-02,bram@x.nl,Y,visit,ja,,2,Data\n"
        "2026-01-09,bram@x.nl,Y,visit,nee,400,0,\n"
        "2026-05-30,bram@x.nl,Z,phone,ja,,0,\n",
    )
    roster.replace_roster(
        con,
        [("anna@x.nl", "Anna", "Noord", "rep"), ("bram@x.nl", "Bram", "Zuid", "rep")],
    )
    tables = evidence.evidence_tables(con, horizon=30, as_of=D(2026, 6, 1))
    assert counts(tables.total) == (1, 0, 1, 1, 1)
    per_rep = tables.per_rep.set_index("rep_name")
    assert list(per_rep.index) == ["Anna", "Bram"]
    assert per_rep.loc["Anna", ["quick_quotes", "considered_quotes", "open_quotes"]].tolist() == [
        1,
        0,
        0,
    ]
    assert per_rep.loc["Bram", "considered_revenue_per_quote"] == 400.0
    assert per_rep.loc["Bram", "open_quotes"] == 1
    assert math.isnan(per_rep.loc["Anna", "considered_win_rate"])
    per_team = tables.per_team.set_index("team")
    assert per_team.loc["Zuid", "considered_won"] == 1 and per_team.loc["Noord", "quick_won"] == 0


def test_revenue_curves(con, tmp_path):
    """Cumulative revenue per account after its first advance and after its first quick quote;
    an account whose event is less than the horizon before as_of is not followed."""
    load(
        con,
        tmp_path,
        "2026-01-01,a,X,visit,nee,,2,Data\n"
        "2026-01-03,a,X,visit,nee,600,0,\n"
        "2026-01-01,a,Y,visit,nee,,3,Plan\n"
        "2026-01-01,a,Q,phone,ja,,0,\n"
        "2026-01-02,a,Q,phone,nee,100,0,\n"
        "2026-01-20,a,Q,phone,nee,900,0,\n"  # day 19: beyond the horizon of 10
        "2026-05-30,a,R,phone,ja,,0,\n",  # too recent to follow
    )
    curves = evidence.revenue_curves(con, horizon=10, as_of=D(2026, 3, 1))
    advance = curves[curves["event"] == "advance"].set_index("day_after")
    quick = curves[curves["event"] == "quick_quote"].set_index("day_after")
    assert len(advance) == len(quick) == 11
    assert advance["accounts"].iloc[0] == 2 and quick["accounts"].iloc[0] == 1
    assert advance.loc[1, "revenue_per_account"] == 0.0
    assert advance.loc[2, "revenue_per_account"] == 300.0  # 600 over X and Y
    assert advance.loc[10, "revenue_per_account"] == 300.0
    assert quick.loc[0, "revenue_per_account"] == 0.0
    assert quick.loc[10, "revenue_per_account"] == 100.0


def test_revenue_curves_without_events_is_empty(con):
    curves = evidence.revenue_curves(con)
    assert curves.empty and list(curves.columns) == [
        "event",
        "day_after",
        "revenue_per_account",
        "accounts",
    ]


def test_horizon_must_be_positive(con):
    with pytest.raises(ValueError):
        evidence.evidence(con, horizon=0)


def test_quick_is_the_dashboards_quick(con, tmp_path):
    """The quick quotes the evidence splits are exactly those quick_quote_share counts."""
    load(
        con,
        tmp_path,
        "2025-10-03,b,X,visit,nee,,2,Zoekt uit\n2026-01-01,a,X,phone,ja,,0,\n"
        "2026-01-05,a,Y,phone,ja,,0,\n2026-01-06,a,Z,visit,ja,,4,Plan\n",
    )
    ev = evidence.evidence(con, horizon=1, as_of=D(2026, 12, 1))
    kpis = metrics.summary(con)
    assert (
        ev.quick["quotes"] / (ev.quick["quotes"] + ev.considered["quotes"])
        == kpis["quick_quote_share"]
    )


def test_the_demo_data_tells_the_story(con):
    """What `make run` loads (20,000 contacts, seed 42): considered quotes are won more often
    than quick ones (28% against 24%: the demo draws revenue per contact, not per quote, so the
    difference in win rate is modest) and bring several times the revenue per quote;
    accounts earn more after their first advance than after their first quick quote. Per team
    as well."""
    from kpi import demo

    today = D(2026, 6, 30)
    demo.generate(con, contacts=20_000, seed=42, today=today)
    tables = evidence.evidence_tables(con, as_of=today)
    ev = tables.total
    assert min(ev.quick["quotes"], ev.considered["quotes"]) >= 500
    assert ev.lift > 1.1
    assert ev.considered["win_rate"] > ev.quick["win_rate"] + 0.03
    assert ev.considered["revenue_per_quote"] > 3 * ev.quick["revenue_per_quote"]
    for row in tables.per_team.itertuples():
        assert row.lift > 1 and row.considered_revenue_per_quote > row.quick_revenue_per_quote
    curves = evidence.revenue_curves(con, as_of=today)
    end = curves[curves["day_after"] == evidence.DEFAULT_HORIZON].set_index("event")
    assert (
        end.loc["advance", "revenue_per_account"]
        > 2 * end.loc["quick_quote", "revenue_per_account"]
    )


@pytest.mark.parametrize(
    ("window", "filters", "horizon"),
    [
        (Window(), Filters(), 180),
        (Window(D(2026, 1, 1), D(2026, 3, 31)), Filters(team="Team Zuid"), 60),
        (Window(D(2025, 9, 1), None), Filters(reps=("bas.hendriks@prospex.example",)), 30),
        (Window(D(2025, 11, 15), D(2026, 5, 20)), Filters(), 90),
    ],
)
def test_the_rollups_give_what_a_scan_gives(con, monkeypatch, window, filters, horizon):
    """With the rollups current the quotes and advances come from quick_basis; the numbers are
    those of a scan of the contacts, also after a save that keeps the rollups."""
    from kpi import contacts, demo, rollups

    today = D(2026, 6, 30)
    demo.generate(con, contacts=3000, seed=5, today=today)
    contacts.save_contact(
        con,
        {
            "contact_date": D(2025, 12, 1),
            "rep": "bas.hendriks@prospex.example",
            "account": demo_account(con),
            "channel": "visit",
            "commitment_level": 3,
            "commitment": "Introduces the board",
        },
    )
    assert rollups.current(con)
    kwargs = {"horizon": horizon, "as_of": today}
    with_rollups = (
        evidence.evidence_tables(con, window, filters, **kwargs),
        evidence.revenue_curves(con, window, filters, **kwargs),
    )
    with monkeypatch.context() as patch:
        patch.setattr(rollups, "current", lambda con: False)
        scanned = (
            evidence.evidence_tables(con, window, filters, **kwargs),
            evidence.revenue_curves(con, window, filters, **kwargs),
        )
    assert with_rollups[0].total == scanned[0].total
    assert with_rollups[0].total.quick["quotes"] + with_rollups[0].total.considered["quotes"] > 0
    assert with_rollups[0].per_rep.equals(scanned[0].per_rep)
    assert with_rollups[0].per_team.equals(scanned[0].per_team)
    assert with_rollups[1].equals(scanned[1])


def demo_account(con) -> str:
    """An account Bas quoted quickly in the months after 1 December 2025."""
    return con.execute(
        "select any_value(account) from contacts where rep_key = 'bas.hendriks@prospex.example'"
        " and quote_sent and contact_date between '2025-12-02' and '2026-02-28'"
    ).fetchone()[0]


# Quotes of three reps in two teams on accounts with orders on a quote's own day and exactly 30,
# 60 and 90 days after one, advances that make some considered (one by another rep, 90 days
# before), spellings that differ, and quotes too recent to be decided.
KNOWN = (
    "2025-10-03,cor@x.nl,X,visit,nee,,2,Zoekt uit\n"
    "2026-01-01,anna@x.nl,X,phone,ja,,0,\n"
    "2026-01-01,anna@x.nl,  x ,phone,ja,250,0,\n"
    "2026-01-31,bram@x.nl,X,visit,nee,700,0,\n"
    "2026-03-02,cor@x.nl,x,visit,nee,300,0,\n"
    "2026-02-01,bram@x.nl,Y,visit,nee,,3,Plan\n"
    "2026-02-15,bram@x.nl,Y,phone,ja,,0,\n"
    "2026-05-16,bram@x.nl,Y,phone,nee,1000,0,\n"
    "2026-07-01,bram@x.nl,Y,phone,ja,,0,\n"
    "2025-11-01,cor@x.nl,Z,visit,nee,,2,Data\n"
    "2026-01-31,cor@x.nl,Z,phone,ja,,0,\n"
    "2026-04-20,anna@x.nl,Z,phone,nee,50,0,\n"
    "2026-06-20,anna@x.nl,Z,phone,ja,,0,\n"
    "2026-06-25,anna@x.nl,Z,phone,nee,80,0,\n"
    "2026-11-30,cor@x.nl,Q,phone,ja,,0,\n"
)


def _both(con, monkeypatch, **kwargs) -> tuple[tuple, tuple]:
    """(evidence_tables, revenue_curves) from the rollups, and from a scan of the contacts."""
    from kpi import rollups

    assert rollups.current(con)
    kept = evidence.evidence_tables(con, **kwargs), evidence.revenue_curves(con, **kwargs)
    with monkeypatch.context() as patch:
        patch.setattr(rollups, "current", lambda con: False)
        scanned = evidence.evidence_tables(con, **kwargs), evidence.revenue_curves(con, **kwargs)
    return kept, scanned


def _same(kept: tuple, scanned: tuple) -> None:
    assert kept[0].total == scanned[0].total
    pd.testing.assert_frame_equal(kept[0].per_rep, scanned[0].per_rep)
    pd.testing.assert_frame_equal(kept[0].per_team, scanned[0].per_team)
    pd.testing.assert_frame_equal(kept[1], scanned[1])


# 30 cases of the rollups' arithmetic: on the file store only (a lake run took 4 minutes); the
# rollups are kept on a lake by the same statements, which test_rollups.py and
# test_the_rollups_give_what_a_scan_gives check on both stores.
@pytest.mark.one_store
@pytest.mark.parametrize("horizon", [30, 60, 90, 180, 365, 45])
@pytest.mark.parametrize(
    ("window", "filters"),
    [
        (Window(), Filters()),
        (Window(D(2026, 1, 1), D(2026, 1, 31)), Filters()),
        (Window(D(2026, 2, 1), None), Filters(team="Zuid")),
        (Window(None, D(2026, 6, 30)), Filters(reps=("Anna@x.nl ",))),
        (Window(D(2025, 10, 4), D(2026, 6, 30)), Filters()),
    ],
)
def test_quote_outcomes_give_what_a_scan_gives(
    con, tmp_path, monkeypatch, horizon, window, filters
):
    """The five horizons of the page read quote_outcomes, any other quick_basis; the curves read
    account_firsts for a window from a month's first day or without a start, else quick_basis; each gives what a scan of
    the contacts gives, for any window, filter and as_of, also after writes."""
    from kpi import contacts

    load(con, tmp_path, KNOWN)
    roster.replace_roster(
        con,
        [
            ("anna@x.nl", "Anna", "Noord", "rep"),
            ("bram@x.nl", "Bram", "Zuid", "rep"),
            ("cor@x.nl", "Cor", "Zuid", "rep"),
        ],
    )
    as_ofs = [D(2026, 1, 31), D(2026, 3, 2), D(2026, 7, 1), D(2026, 12, 31)]
    for as_of in as_ofs:
        _same(
            *_both(con, monkeypatch, window=window, filters=filters, horizon=horizon, as_of=as_of)
        )
    # An order moved out of a quote's horizon, an advance that makes a quote considered, a
    # quote deleted: the rollups follow.
    order = con.execute("select id from contacts where revenue = 700").fetchone()[0]
    assert contacts.update_contact(
        con,
        order,
        {
            "contact_date": D(2026, 4, 2),
            "rep": "bram@x.nl",
            "account": "X",
            "channel": "visit",
            "revenue": 700,
        },
        today=LATER,
    ).ok
    assert contacts.save_contact(
        con,
        {
            "contact_date": D(2026, 11, 1),
            "rep": "anna@x.nl",
            "account": "q",
            "channel": "visit",
            "commitment_level": 4,
            "commitment": "Pilot",
        },
        today=LATER,
    ).ok
    quote = con.execute("select id from contacts where contact_date = '2026-02-15'").fetchone()[0]
    assert contacts.delete_contact(con, quote)
    for as_of in as_ofs:
        kept, scanned = _both(
            con, monkeypatch, window=window, filters=filters, horizon=horizon, as_of=as_of
        )
        _same(kept, scanned)
    total = kept[0].total
    assert total.quick["quotes"] + total.considered["quotes"] + total.open_quotes > 0
    # and the rollups are what was read: a wrong count in them shows.
    con.execute("update quote_outcomes set quotes = quotes + 1")
    con.execute("update quick_basis set quote_sent = false")
    con.execute("update account_firsts set first_quick = null")
    con.execute("update revenue_basis set revenue = revenue * 2")
    kept, scanned = _both(
        con, monkeypatch, window=window, filters=filters, horizon=horizon, as_of=as_ofs[-1]
    )
    assert kept[0].total != scanned[0].total
    if scanned[1]["revenue_per_account"].gt(0).any():
        assert not kept[1].equals(scanned[1])
