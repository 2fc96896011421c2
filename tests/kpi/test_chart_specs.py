"""Every chart of kpi.charts is a valid Vega-Lite spec; pages skip that check, so it is made here."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import charts, demo, metrics
from kpi.metrics import Window

TODAY = dt.date(2026, 6, 30)
QUARTER = Window(dt.date(2026, 4, 1), TODAY)
EMPTY = Window(dt.date(2020, 1, 1), dt.date(2020, 1, 31))


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    from kpi import db

    con = db.connect(tmp_path_factory.mktemp("specs") / "specs.duckdb")
    demo.generate(con, contacts=2000, seed=3, today=TODAY)
    out = {}
    for name, window in (("quarter", QUARTER), ("empty", EMPTY)):
        kpis = metrics.dashboard_kpis(con, window)
        out[name] = {
            "per_rep": kpis.per_rep,
            "weekly": kpis.weekly,
            "ladder": metrics.ladder(con, window),
            "levels": metrics.account_levels(con, window),
        }
    con.close()
    return out


BUILDERS = [
    (charts.rep_quadrant, "per_rep"),
    (charts.follow_through_by_rep, "per_rep"),
    (charts.weekly_advance_calls, "weekly"),
    (charts.quick_quotes_trend, "weekly"),
    (charts.ladder_chart, "ladder"),
    (charts.account_levels_heatmap, "levels"),
]


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("window", ["quarter", "empty"])
@pytest.mark.parametrize(("build", "frame"), BUILDERS, ids=[b.__name__ for b, _ in BUILDERS])
def test_every_chart_is_a_valid_spec(frames, build, frame, window, lang):
    chart = build(frames[window][frame], lang)
    checked = chart.to_dict(validate=True)  # raises on a spec Vega-Lite would not accept
    assert chart.to_dict() == checked  # what a page gets: the same spec, unvalidated


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize(("build", "frame"), BUILDERS, ids=[b.__name__ for b, _ in BUILDERS])
def test_every_chart_is_a_valid_spec_in_the_dark_theme_with_its_period(frames, build, frame, lang):
    extra = {"period": (QUARTER.start, QUARTER.end, TODAY)} if frame == "weekly" else {}
    chart = build(frames["quarter"][frame], lang, charts.DARK, **extra)
    assert chart.to_dict() == chart.to_dict(validate=True)
