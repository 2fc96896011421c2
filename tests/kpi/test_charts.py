"""Every dashboard chart: the spec Altair produces for a small frame, in both languages, and empty."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from kpi import charts, metrics

ROOT = Path(__file__).resolve().parents[2]
NAN = float("nan")


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def rows(spec: dict, layer: dict) -> list[dict]:
    """The data rows a layer draws (Altair stores frames under spec["datasets"])."""
    data = layer.get("data") or spec.get("data")
    return spec["datasets"][data["name"]]


def layer_with(spec: dict, mark: str, **encoding_fields: str) -> dict:
    """The one layer with this mark whose encodings use these fields."""
    found = [
        layer
        for layer in layers(spec)
        if (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]) == mark
        and all(
            layer["encoding"].get(channel, {}).get("field") == field
            for channel, field in encoding_fields.items()
        )
    ]
    assert len(found) == 1, (mark, encoding_fields, [layer["mark"] for layer in layers(spec)])
    return found[0]


def per_rep() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rep_key": ["a", "b", "c"],
            "rep_name": ["Anna", "Bram", "Cees"],
            "contacts": [1234, 4, 6],
            "advance_rate": [0.1, 0.5, 0.3],
            "quotes": [5, 1, 0],
            "quick_quote_share": [0.8, 0.0, NAN],
            "follow_through": [0.25, NAN, 1.0],
            "revenue": [1500.5, 0.0, 20.0],
        }
    )


def per_week() -> pd.DataFrame:
    # Deliberately out of order: the charts sort by ISO year and week.
    return pd.DataFrame(
        {
            "iso_year": [2026, 2025],
            "iso_week": [2, 52],
            "week_start": [dt.date(2026, 1, 5), dt.date(2025, 12, 22)],
            "contacts": [10, 8],
            "calls": [7, 3],
            "advance_rate": [0.4, 0.125],
            "quotes": [4, 0],
            "quick_quotes": [2, 0],
        }
    )


def ladder() -> pd.DataFrame:
    return pd.DataFrame({"commitment_level": [0, 1, 2, 3, 4], "contacts_count": [4, 1, 1, 1, 1]})


def levels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account": ["Beta", "Acme", "Acme"],
            "month_start": [dt.date(2026, 3, 1), dt.date(2026, 5, 1), dt.date(2026, 3, 1)],
            "max_level": [1, 4, 2],
        }
    )


CHARTS = [
    (charts.rep_quadrant, per_rep),
    (charts.weekly_advance_calls, per_week),
    (charts.ladder_chart, ladder),
    (charts.quick_quotes_trend, per_week),
    (charts.follow_through_by_rep, per_rep),
    (charts.account_levels_heatmap, levels),
]
IDS = [fn.__name__ for fn, _ in CHARTS]


@pytest.mark.parametrize(("chart", "frame"), CHARTS, ids=IDS)
def test_every_chart_carries_the_app_theme(chart, frame):
    primary = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"][
        "primaryColor"
    ]
    spec = chart(frame(), "en").to_dict()
    assert spec["config"]["range"]["category"][0] == primary == charts.PRIMARY
    assert spec["config"]["view"]["stroke"] is None
    assert spec["title"]


@pytest.mark.parametrize(("chart", "frame"), CHARTS, ids=IDS)
def test_every_chart_draws_an_empty_frame_without_data(chart, frame):
    spec = chart(frame().iloc[0:0], "nl").to_dict()
    assert all(rows(spec, layer) == [] for layer in layers(spec) if "encoding" in layer)


@pytest.mark.parametrize(
    ("chart", "by"),
    [
        (charts.rep_quadrant, "rep"),
        (charts.follow_through_by_rep, "rep"),
        (charts.weekly_advance_calls, "week"),
        (charts.quick_quotes_trend, "week"),
    ],
)
def test_charts_take_kpi_frames_straight_from_an_empty_database(con, chart, by):
    chart(metrics.kpi_frame(con, by=by), "en").to_dict()


def test_empty_database_ladder_and_levels(con):
    spec = charts.ladder_chart(metrics.ladder(con), "en").to_dict()
    assert [r["label"] for r in rows(spec, spec["layer"][0])] == [""] * 5
    charts.account_levels_heatmap(metrics.account_levels(con), "en").to_dict()


def test_rep_quadrant_encodings_medians_and_ticking_boxes():
    spec = charts.rep_quadrant(per_rep(), "en").to_dict()
    points = layer_with(spec, "circle", x="contacts", y="advance_rate", size="quotes")
    assert points["encoding"]["color"]["condition"]["field"] == "quick_quote_share"
    assert points["encoding"]["color"]["value"] == charts.MUTED  # reps without quotes
    tips = [tip["field"] for tip in points["encoding"]["tooltip"]]
    assert tips[0] == "rep_name"
    drawn = {r["rep_name"]: r for r in rows(spec, points)}
    assert drawn["Anna"]["contacts_text"] == "1,234"
    assert drawn["Anna"]["quick_text"] == "80%"
    assert drawn["Cees"]["quick_text"] == "–"
    assert drawn["Anna"]["revenue_text"] == "€1,500"
    names = layer_with(spec, "text", text="rep_name")
    assert [r["rep_name"] for r in rows(spec, names)] == ["Anna", "Bram", "Cees"]
    # Rules at the medians: 6 contacts, 30% advance rate.
    vertical = layer_with(spec, "rule", x="mid_x")
    assert rows(spec, vertical) == [{"mid_x": 6.0, "mid_y": pytest.approx(0.3)}]
    layer_with(spec, "rule", y="mid_y")
    # The shaded quadrant runs from the median to the right edge, from 0 to the median rate.
    shade = layer_with(spec, "rect", x="x", x2="x2", y="y", y2="y2")
    (zone,) = rows(spec, shade)
    assert (zone["x"], zone["y"], zone["y2"]) == (6.0, 0.0, pytest.approx(0.3))
    assert zone["x2"] == pytest.approx(1234 * 1.12)
    # Its name sits in its top right corner; the empty top right quadrant is named too.
    ticking = layer_with(spec, "text", x="x2", y="y2", text="label")
    assert [r["label"] for r in rows(spec, ticking)] == ["Ticking boxes"]
    building = layer_with(spec, "text", x="x", y="y", text="label")
    assert rows(spec, building) == [
        {"x": pytest.approx(1234 * 1.12), "y": 0.5, "label": "Building relationships"}
    ]


def test_rep_quadrant_in_dutch():
    spec = charts.rep_quadrant(per_rep(), "nl").to_dict()
    assert spec["title"] == "Activiteit tegenover commitment per accountmanager"
    points = layer_with(spec, "circle", x="contacts", y="advance_rate", size="quotes")
    assert points["encoding"]["x"]["axis"]["title"] == "Contactmomenten"
    assert "replace(" in points["encoding"]["x"]["axis"]["labelExpr"]  # 1.234, not 1,234
    drawn = {r["rep_name"]: r for r in rows(spec, points)}
    assert drawn["Anna"]["contacts_text"] == "1.234"
    assert drawn["Anna"]["revenue_text"] == "€ 1.500"
    ticking = layer_with(spec, "text", x="x2", y="y2", text="label")
    assert [r["label"] for r in rows(spec, ticking)] == ["Vinkjes zetten"]
    building = layer_with(spec, "text", x="x", y="y", text="label")
    assert [r["label"] for r in rows(spec, building)] == ["Relaties bouwen"]


@pytest.mark.parametrize(
    ("lang", "labels"),
    [("en", ["2025-W52", "2026-W02"]), ("nl", ["wk 52 2025", "wk 2 2026"])],
)
def test_weekly_advance_calls_is_a_dual_axis_in_iso_weeks(lang, labels):
    spec = charts.weekly_advance_calls(per_week(), lang).to_dict()
    assert spec["resolve"] == {"scale": {"y": "independent"}}
    bars = layer_with(spec, "bar", x="week_label", y="calls")
    line = layer_with(spec, "line", x="week_label", y="advance_rate")
    assert bars["encoding"]["x"]["sort"] == labels
    assert line["encoding"]["y"]["axis"]["orient"] == "right"
    assert [(r["week_label"], r["calls"], r["advance_rate"]) for r in rows(spec, line)] == [
        (labels[0], 3, 0.125),
        (labels[1], 7, 0.4),
    ]


def test_ladder_chart_names_every_level_with_counts_and_shares():
    spec = charts.ladder_chart(ladder(), "nl").to_dict()
    bars = layer_with(spec, "bar", x="contacts_count", y="level_name")
    drawn = rows(spec, bars)
    assert [r["level_name"] for r in drawn] == [
        "0 · Geen commitment",
        "1 · Vervolg afgesproken",
        "2 · Klant onderneemt actie",
        "3 · Toegang",
        "4 · Gezamenlijk plan",
    ]
    assert [r["label"] for r in drawn] == ["4 (50%)", "1 (12%)", "1 (12%)", "1 (12%)", "1 (12%)"]
    assert bars["encoding"]["color"]["scale"]["range"] == list(charts.LEVEL_COLOURS)
    assert bars["encoding"]["y"]["sort"] == [r["level_name"] for r in drawn]


def test_quick_quotes_trend_share_per_week():
    spec = charts.quick_quotes_trend(per_week(), "en").to_dict()
    line = layer_with(spec, "line", x="week_label", y="quick_share")
    drawn = rows(spec, line)
    assert [(r["week_label"], r["quick_share"], r["share_text"]) for r in drawn] == [
        ("2025-W52", None, "–"),  # no quotes that week: no share, not 0%
        ("2026-W02", 0.5, "50%"),
    ]
    assert line["transform"] == [{"filter": "isValid(datum.quick_share)"}]
    layer_with(spec, "bar", x="week_label", y="quotes")


def test_follow_through_by_rep_best_first_without_reps_that_closed_nothing():
    spec = charts.follow_through_by_rep(per_rep(), "en").to_dict()
    bars = layer_with(spec, "bar", x="follow_through", y="rep_name")
    assert [(r["rep_name"], r["follow_text"]) for r in rows(spec, bars)] == [
        ("Cees", "100%"),
        ("Anna", "25%"),
    ]
    assert bars["encoding"]["y"]["sort"] == ["Cees", "Anna"]
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 1]


@pytest.mark.parametrize(
    ("lang", "months"), [("en", ["Mar 2026", "May 2026"]), ("nl", ["mrt 2026", "mei 2026"])]
)
def test_account_levels_heatmap(lang, months):
    spec = charts.account_levels_heatmap(levels(), lang).to_dict()
    assert spec["mark"]["type"] == "rect"
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == (
        "month_label",
        "account",
        "level_name",
    )
    assert enc["x"]["sort"] == months
    drawn = {(r["account"], r["month_label"]): r["level_name"] for r in rows(spec, spec)}
    assert drawn[("Acme", months[1])] == charts.level_name(4, lang)
    assert drawn[("Beta", months[0])].startswith("1 · ")


def test_formatted_text_never_shows_nan():
    spec = charts.rep_quadrant(per_rep().assign(advance_rate=[NAN, 0.5, 0.3]), "en").to_dict()
    points = layer_with(spec, "circle", x="contacts", y="advance_rate", size="quotes")
    anna = rows(spec, points)[0]
    assert anna["advance_text"] == "–"
    assert anna["advance_rate"] is None or math.isnan(anna["advance_rate"])
