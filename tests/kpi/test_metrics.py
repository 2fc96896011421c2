"""Every KPI of DOMAIN.md on tests/data/kpi_small.csv, whose values are worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi import ingest, metrics
from kpi.metrics import Filters, Window

D = dt.date
ALL_TIME = {
    "contacts": 8,
    "calls": 5,  # C02 (telefoon), C03, C04, C06, C08
    "appointments": 2,  # C01, C08
    "quotes": 5,  # C02, C03, C04, C06, C07
    "revenue": 1500.50,
    "commitment_rate": 4 / 8,  # levels 2,0,0,0,3,1,0,4
    "advance_rate": 3 / 8,
    "avg_commitment": 10 / 8,
    "follow_through": 1 / 2,  # C01 kept, C05 broken
    "quick_quote_share": 2 / 5,  # C04 (91 days after C01), C07 (no commitment ever)
    "reflection_rate": 5 / 8,
    "learning_moments": 3,  # C02 partly, C05 no + lesson, C08 lesson
}
EMPTY = {
    "contacts": 0,
    "calls": 0,
    "appointments": 0,
    "quotes": 0,
    "revenue": 0.0,
    "commitment_rate": None,
    "advance_rate": None,
    "avg_commitment": None,
    "follow_through": None,
    "quick_quote_share": None,
    "reflection_rate": None,
    "learning_moments": 0,
}


def approx(expected: dict) -> dict:
    return {k: (pytest.approx(v) if isinstance(v, float) else v) for k, v in expected.items()}


@pytest.mark.parametrize(
    ("window", "filters", "expected"),
    [
        pytest.param(Window(), Filters(), ALL_TIME, id="all-time"),
        pytest.param(
            Window(D(2020, 1, 1), D(2020, 12, 31)), Filters(), EMPTY, id="empty-window-nulls"
        ),
        pytest.param(
            Window(D(2026, 4, 1), D(2026, 4, 30)),
            Filters(),
            EMPTY
            | {
                "contacts": 2,
                "calls": 2,
                "quotes": 2,
                "commitment_rate": 0.0,
                "advance_rate": 0.0,
                "avg_commitment": 0.0,
                "quick_quote_share": 0.5,
                "reflection_rate": 0.0,
            },
            id="april-90-vs-91-days",
        ),
        pytest.param(
            Window(),
            Filters(team="team noord"),
            {
                "contacts": 4,
                "calls": 3,
                "appointments": 1,
                "quotes": 3,
                "revenue": 1000.0,
                "commitment_rate": 0.5,
                "advance_rate": 0.25,
                "avg_commitment": 0.75,
                "follow_through": 1.0,
                "quick_quote_share": 0.0,
                "reflection_rate": 0.75,
                "learning_moments": 1,
            },
            id="team-filter-case-insensitive",
        ),
        pytest.param(
            Window(),
            Filters(reps=("BRAM@x.nl ",)),
            {
                "contacts": 2,
                "calls": 1,
                "appointments": 0,
                "quotes": 1,
                "revenue": 0.0,
                "commitment_rate": 0.5,
                "advance_rate": 0.5,
                "avg_commitment": 1.5,
                "follow_through": 0.0,
                "quick_quote_share": 1.0,
                "reflection_rate": 0.5,
                "learning_moments": 1,
            },
            id="rep-filter-case-and-space",
        ),
        pytest.param(
            Window(),
            Filters(reps=("Cees",)),
            {
                "contacts": 2,
                "calls": 1,
                "appointments": 1,
                "quotes": 1,
                "revenue": 500.5,
                "commitment_rate": 0.5,
                "advance_rate": 0.5,
                "avg_commitment": 2.0,
                "follow_through": None,
                "quick_quote_share": 1.0,
                "reflection_rate": 0.5,
                "learning_moments": 1,
            },
            id="rep-not-on-roster",
        ),
        pytest.param(
            Window(D(2026, 3, 15), D(2026, 3, 15)),
            Filters(),
            EMPTY
            | {
                "contacts": 1,
                "calls": 1,
                "quotes": 1,
                "revenue": 1000.0,
                "commitment_rate": 1.0,
                "advance_rate": 0.0,
                "avg_commitment": 1.0,
                "quick_quote_share": 0.0,
                "reflection_rate": 1.0,
            },
            id="quote-saved-by-other-reps-commitment-outside-window",
        ),
        pytest.param(Window(), Filters(team="Nobody"), EMPTY, id="unknown-team"),
    ],
)
def test_summary(small, window, filters, expected):
    result = metrics.summary(small, window, filters)
    # Every contact of the small file has its level recorded (the file has the column).
    assert result.pop("recorded_share") == (1.0 if expected["contacts"] else None)
    assert result == approx(expected)


def test_summary_has_the_twelve_keys_and_recorded_share(small):
    assert tuple(metrics.summary(small)) == (*metrics.KPI_KEYS, "recorded_share")
    assert len(metrics.KPI_KEYS) == 12


def test_quick_quote_boundary_is_90_days(con, tmp_path):
    """A level-2 contact exactly 90 days before a quote saves it; 91 days does not."""
    path = tmp_path / "q.csv"
    path.write_text(
        "contact_date,rep,account,channel,quote_sent,commitment_level,commitment\n"
        "2026-01-01,a,X,visit,nee,2,Zoekt uit\n"
        "2026-04-01,a,X,phone,ja,0,\n"  # 90 days later: not quick
        "2026-01-01,a,Y,visit,nee,2,Zoekt uit\n"
        "2026-04-02,a,Y,phone,ja,0,\n"  # 91 days later: quick
        "2026-05-01,b,Z,phone,ja,2,Stuurt data\n",  # the quote's own contact has level 2
        encoding="utf-8",
    )
    ingest.import_file(con, path, today=D(2026, 6, 1))
    assert metrics.summary(con)["quick_quote_share"] == pytest.approx(1 / 3)
    per_week = metrics.kpi_frame(con, by="week")
    assert list(zip(per_week["iso_week"], per_week["quick_quotes"], strict=True)) == [
        (1, 0),
        (14, 1),
        (18, 0),
    ]


def test_per_rep_frame(small):
    frame = metrics.kpi_frame(small, by="rep").set_index("rep_key")
    assert list(frame.index) == ["anna@x.nl", "bram@x.nl", "cees"]
    assert frame.loc["anna@x.nl", "rep_name"] == "Anna de Vries"
    assert frame.loc["anna@x.nl", "team"] == "Team Noord"
    assert pd.isna(frame.loc["cees", "team"])
    assert list(frame["contacts"]) == [4, 2, 2]
    assert frame.loc["bram@x.nl", "quick_quote_share"] == 1.0


def test_per_week_uses_iso_weeks(small):
    frame = metrics.kpi_frame(small, by="week")
    # 2026-01-05 is Monday of ISO week 2; 2026-04-05 is a Sunday (week 14), 04-06 a Monday (week 15)
    weeks = list(zip(frame["iso_year"], frame["iso_week"], strict=True))
    assert weeks[0] == (2026, 2)
    assert (2026, 14) in weeks and (2026, 15) in weeks
    assert frame["contacts"].sum() == 8


def test_ladder_lists_every_level(small):
    frame = metrics.ladder(small)
    assert list(frame["commitment_level"]) == [0, 1, 2, 3, 4]
    assert list(frame["contacts_count"]) == [4, 1, 1, 1, 1]
    empty = metrics.ladder(small, Window(D(2020, 1, 1), D(2020, 1, 2)))
    assert list(empty["contacts_count"]) == [0, 0, 0, 0, 0]


def test_momentum(small):
    # In May only Gamma moves: nothing before, level 4 now. Acme and Beta have no May contacts.
    frame = metrics.momentum(small, Window(D(2026, 5, 1), D(2026, 5, 31)))
    assert frame[["account", "level_before", "level_in_window"]].values.tolist() == [
        ["Gamma", 0, 4]
    ]
    # In April Acme reached only 0 after a 2 before: no momentum.
    assert metrics.momentum(small, Window(D(2026, 4, 1), D(2026, 4, 30))).empty


def test_overdue_lists_open_commitments_past_due(con):
    from kpi import contacts

    base = {
        "contact_date": D(2026, 5, 1),
        "rep": "a",
        "account": "X",
        "channel": "visit",
        "commitment_level": 2,
        "commitment": "Zoekt uit",
    }
    late = contacts.save_contact(
        con, base | {"commitment_due": D(2026, 5, 10)}, today=D(2026, 6, 1)
    )
    contacts.save_contact(con, base | {"commitment_due": D(2026, 7, 10)}, today=D(2026, 6, 1))
    kept = contacts.save_contact(con, base | {"commitment_due": D(2026, 5, 3)}, today=D(2026, 6, 1))
    assert contacts.set_commitment_status(con, kept.id, "kept") is None
    frame = metrics.overdue(con, today=D(2026, 6, 1))
    assert list(frame["id"]) == [late.id]
    assert int(frame["days_overdue"].iloc[0]) == 22


def test_previous_window():
    assert Window(D(2026, 4, 1), D(2026, 4, 30)).previous() == Window(D(2026, 3, 2), D(2026, 3, 31))
    assert Window().previous() is None


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        ("week", D(2026, 11, 26), Window(D(2026, 11, 23), D(2026, 11, 29))),
        ("week", D(2027, 1, 1), Window(D(2026, 12, 28), D(2027, 1, 3))),
        ("month", D(2026, 2, 10), Window(D(2026, 2, 1), D(2026, 2, 28))),
        ("quarter", D(2026, 11, 26), Window(D(2026, 10, 1), D(2026, 12, 31))),
        ("year", D(2026, 11, 26), Window(D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_window_for(kind, today, expected):
    assert metrics.window_for(kind, today) == expected


def test_a_rep_is_known_by_e_mail_before_a_name_that_reads_the_same(con, tmp_path):
    """rep_dim matches a contact's rep by e-mail and by name; where one roster row's e-mail is
    another row's name (typed into the wrong column), the e-mail's row decides the team."""
    from kpi import roster

    people = tmp_path / "roster.csv"
    people.write_text(
        "email,name,team,role\njan@x.nl,Jan,Team Noord,rep\nkees@x.nl,jan@x.nl,Team Zuid,rep\n"
    )
    roster.load_roster(con, people)
    log = tmp_path / "log.csv"
    log.write_text("contact_date,rep,account,channel\n2026-06-01,jan@x.nl,A,phone\n")
    ingest.import_file(con, log)
    north = metrics.summary(con, Window(), Filters(team="Team Noord"))
    south = metrics.summary(con, Window(), Filters(team="Team Zuid"))
    assert (north["contacts"], south["contacts"]) == (1, 0)
