"""The dashboard's queries (compare, contact_span) on tests/data/kpi_small.csv, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import metrics
from kpi.metrics import Filters, Window

D = dt.date
APRIL = Window(D(2026, 4, 1), D(2026, 4, 30))


def test_compare_april_with_the_30_days_before(small):
    # April: C03 and C04, two phone quotes at level 0 (C04 quick, C03 saved by C01's level 2 on
    # 2026-01-05, exactly 90 days before). The 30 days before (2 to 31 March): only C06, a phone
    # call at level 1 with a 1000 order and a quote saved by C05's level 3 on 1 March.
    result = metrics.compare(small, APRIL)
    assert result.current["contacts"] == 2
    assert result.previous is not None
    assert result.previous["contacts"] == 1
    assert result.previous["revenue"] == pytest.approx(1000.0)
    expected = {
        "contacts": 1,
        "calls": 1,
        "appointments": 0,
        "quotes": 1,
        "revenue": -1000.0,
        "commitment_rate": -1.0,
        "advance_rate": 0.0,
        "avg_commitment": -1.0,
        "follow_through": None,  # neither window has a kept or broken commitment
        "quick_quote_share": 0.5,
        "reflection_rate": -1.0,
        "learning_moments": 0,
    }
    assert {key: result.change(key) for key in metrics.KPI_KEYS} == {
        k: (pytest.approx(v) if isinstance(v, float) else v) for k, v in expected.items()
    }


def test_compare_an_open_window_has_no_previous(small):
    result = metrics.compare(small, Window())
    assert result.previous is None
    assert result.current == metrics.summary(small)
    assert result.change("contacts") is None


def test_compare_with_filters_applies_them_to_both_windows(small):
    # Bram: C04 in April; nothing of his in 2-31 March (C05 is on 1 March).
    result = metrics.compare(small, APRIL, Filters(reps=("bram@x.nl",)))
    assert result.current["contacts"] == 1
    assert result.previous is not None and result.previous["contacts"] == 0
    assert result.previous["advance_rate"] is None
    assert result.change("contacts") == 1
    assert result.change("advance_rate") is None  # a ratio against an empty window


def test_contact_span(small):
    assert metrics.contact_span(small) == {
        "contacts": 8,
        "first": D(2026, 1, 5),
        "last": D(2026, 5, 2),
    }


def test_contact_span_of_an_empty_database(con):
    assert metrics.contact_span(con) == {"contacts": 0, "first": None, "last": None}


COUNTS = {"contacts", "calls", "appointments", "quotes", "learning_moments", "quick_quotes"}


def expected_types(keys: dict[str, str]) -> dict[str, str]:
    kpis = {k: "int64" if k in COUNTS else "float64" for k in metrics.FRAME_KPIS}
    return keys | kpis


@pytest.mark.parametrize(
    "window", [APRIL, Window(D(2030, 1, 1), D(2030, 3, 31))], ids=["april", "empty"]
)
def test_the_dashboards_frames_have_the_same_columns_and_types_with_or_without_rows(small, window):
    """dashboard_kpis builds its frames from plain columns (not .df()); the page's charts and
    tables rely on these types, also for a window without contacts."""
    result = metrics.dashboard_kpis(small, window)
    weekly = {"iso_year": "int64", "iso_week": "int64", "week_start": "datetime64[us]"}
    per_rep = {"rep_key": "str", "rep_name": "str", "team": "str"}
    assert dict(result.weekly.dtypes.astype(str)) == expected_types(weekly)
    assert dict(result.per_rep.dtypes.astype(str)) == expected_types(per_rep)
    assert len(result.weekly) == (2 if window == APRIL else 0)  # C03 and C04, weeks 14 and 15
    assert result.per_rep.equals(
        metrics.kpi_frame(small, window, by="rep").rename(columns={"rep_team": "team"})
    )
