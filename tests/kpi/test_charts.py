"""Every dashboard chart: the spec Altair produces for a small frame, in both languages, and empty."""

from __future__ import annotations

import datetime as dt
import json
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


CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


@pytest.mark.parametrize("kind", ["light", "dark"])
def test_the_palettes_are_the_themes_of_the_streamlit_config(kind):
    theme = CONFIG["theme"][kind]
    palette = charts.PALETTES[kind]
    assert (palette.text, palette.background, palette.primary) == (
        theme["textColor"],
        theme["backgroundColor"],
        theme["primaryColor"],
    )
    assert charts.palette(kind) == palette
    assert charts.palette(kind, text="#123456", primary=None).text == "#123456"
    assert charts.palette(None) == charts.LIGHT


@pytest.mark.parametrize("kind", ["light", "dark"])
@pytest.mark.parametrize(("chart", "frame"), CHARTS, ids=IDS)
def test_every_chart_carries_the_theme_it_is_drawn_in(chart, frame, kind):
    palette = charts.PALETTES[kind]
    spec = chart(frame(), "en", palette).to_dict()
    config = spec["config"]
    assert config["range"]["category"][0] == palette.primary
    assert config["background"] == palette.background
    assert config["axis"]["labelColor"] == config["title"]["color"] == palette.text
    assert config["view"]["stroke"] is None
    assert spec["title"]
    # Every text mark is written in the theme's text colour or its primary/warning colour,
    # never in the other theme's.
    marks = [layer["mark"] for layer in layers(spec) if isinstance(layer["mark"], dict)]
    texts = [mark.get("color") for mark in marks if mark["type"] == "text"]
    assert set(texts) <= {palette.text, palette.primary, palette.warning}


@pytest.mark.parametrize(("lang", "decimal", "thousands"), [("en", ".", ","), ("nl", ",", ".")])
@pytest.mark.parametrize(("chart", "frame"), CHARTS, ids=IDS)
def test_every_chart_formats_in_the_language_locale(chart, frame, lang, decimal, thousands):
    """Vega writes axes, tooltips and months itself, in the locale the chart carries."""
    config = chart(frame(), lang).to_dict()["config"]
    assert config["locale"]["number"]["decimal"] == decimal
    assert config["locale"]["number"]["thousands"] == thousands
    if lang == "nl":
        assert config["locale"]["time"]["shortMonths"][2] == "mrt"


def test_no_label_expression_swaps_separators():
    """Issue 18: no string replacement on the way to Dutch; the locale does it."""
    for chart, frame in CHARTS:
        assert "replace(" not in json.dumps(chart(frame(), "nl").to_dict())


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
    assert points["encoding"]["color"]["value"] == charts.LIGHT.muted  # reps without quotes
    tips = [tip["field"] for tip in points["encoding"]["tooltip"]]
    assert tips[0] == "rep_name"
    drawn = {r["rep_name"]: r for r in rows(spec, points)}
    assert drawn["Anna"]["contacts_text"] == "1,234"
    assert drawn["Anna"]["quick_text"] == "80%"
    assert drawn["Cees"]["quick_text"] == "–"
    assert drawn["Anna"]["revenue_text"] == "€1,500"
    names = [
        layer
        for layer in layers(spec)
        if layer["encoding"].get("text", {}).get("field") == "rep_name"
    ]
    assert sorted(r["rep_name"] for layer in names for r in rows(spec, layer)) == [
        "Anna",
        "Bram",
        "Cees",
    ]
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
        {"x": pytest.approx(1234 * 1.12), "y": 0.6, "label": "Building relationships"}
    ]  # at the top of the plot: the highest rate (50%) and a margin, in tenths


def test_rep_quadrant_in_dutch():
    spec = charts.rep_quadrant(per_rep(), "nl").to_dict()
    assert spec["title"] == "Activiteit tegenover commitment per accountmanager"
    points = layer_with(spec, "circle", x="contacts", y="advance_rate", size="quotes")
    assert points["encoding"]["x"]["axis"]["title"] == "Contactmomenten"
    assert points["encoding"]["x"]["axis"]["format"] == ",d"  # 1.234 by the nl locale
    assert spec["config"]["locale"]["number"]["thousands"] == "."
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
    assert bars["encoding"]["color"]["scale"]["range"] == list(charts.LIGHT.levels)
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


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_account_levels_heatmap(lang):
    """Months as dates, written by Vega in the locale ('mrt 2026', checked in the browser:
    tests/e2e/test_director.py), not by a month table here."""
    spec = charts.account_levels_heatmap(levels(), lang).to_dict()
    assert spec["mark"]["type"] == "rect"
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == (
        "month_start",
        "account",
        "level_name",
    )
    assert (enc["x"]["timeUnit"], enc["x"]["axis"]["format"]) == ("utcyearmonth", "%b %Y")
    drawn = {(r["account"], r["month_start"]): r["level_name"] for r in rows(spec, spec)}
    assert drawn[("Acme", "2026-05-01")] == charts.level_name(4, lang)
    assert drawn[("Beta", "2026-03-01")].startswith("1 · ")
    assert not hasattr(charts, "MONTHS") and not hasattr(charts, "month_label")


def test_formatted_text_never_shows_nan():
    spec = charts.rep_quadrant(per_rep().assign(advance_rate=[NAN, 0.5, 0.3]), "en").to_dict()
    points = layer_with(spec, "circle", x="contacts", y="advance_rate", size="quotes")
    anna = rows(spec, points)[0]
    assert anna["advance_text"] == "–"
    assert anna["advance_rate"] is None or math.isnan(anna["advance_rate"])


def clustered() -> pd.DataFrame:
    """Issue 19's box tickers: three reps with nearly the same contacts and advance rate."""
    return pd.DataFrame(
        {
            "rep_key": list("abcde"),
            "rep_name": ["Ruben Meijer", "Daan Smit", "Bas Hendriks", "Anouk Peters", "Eva Bos"],
            "contacts": [300, 305, 296, 120, 90],
            "advance_rate": [0.10, 0.11, 0.105, 0.45, 0.50],
            "quotes": [20, 22, 19, 4, 3],
            "quick_quote_share": [0.8, 0.7, 0.9, 0.1, 0.0],
            "follow_through": [0.5, 0.5, 0.5, 0.9, 0.9],
            "revenue": [0.0, 0.0, 0.0, 5000.0, 8000.0],
        }
    )


def name_boxes(frame: pd.DataFrame) -> tuple[dict, dict]:
    """Each name's and each dot's box (left, right, top, bottom) in pixels, in the narrowest
    plot the names are laid out for."""
    spec = charts.rep_quadrant(frame, "en").to_dict()
    # The last layer names the top right quadrant, in the plot's top right corner.
    corner = rows(spec, spec["layer"][-1])[0]
    x_end, y_top = corner["x"], corner["y"]
    width, height = charts.QUADRANT_MIN_WIDTH, charts.QUADRANT_MIN_PLOT_HEIGHT
    most = frame["quotes"].max()
    dots, names = {}, {}
    for row in frame.to_dict("records"):
        x, y = width * row["contacts"] / x_end, height * (1 - row["advance_rate"] / y_top)
        r = charts.dot_radius(row["quotes"], most)
        dots[row["rep_name"]] = (x - r, x + r, y - r, y + r)
    for layer in layers(spec):
        if layer["encoding"].get("text", {}).get("field") != "rep_name":
            continue
        for row in rows(spec, layer):
            x = width * row["contacts"] / x_end
            size = charts.NAME_CHAR_PX * len(row["rep_name"])
            dx = layer["mark"]["dx"]
            left = x + dx if layer["mark"]["align"] == "left" else x + dx - size
            y = height * (1 - row["name_y"] / y_top)
            half = charts.NAME_LINE_PX / 2
            names[row["rep_name"]] = (left, left + size, y - half, y + half)
    return names, dots


def overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def test_clustered_names_cover_no_name_and_no_other_dot_and_moved_ones_get_a_leader_line():
    names, dots = name_boxes(clustered())
    assert len(names) == 5
    for a, box in names.items():
        for b, other in names.items():
            assert a == b or not overlaps(box, other), (a, b)
        for b, dot in dots.items():
            assert a == b or not overlaps(box, dot), (a, b)
    spec = charts.rep_quadrant(clustered(), "en").to_dict()
    leaders = layer_with(spec, "rule", x="contacts", y="advance_rate")
    assert leaders["encoding"]["y2"]["field"] == "name_y"
    moved = {r["rep_name"] for r in rows(spec, leaders)}
    # Some of the three tickers had to move; the two builders far from them kept their place.
    assert moved & {"Ruben Meijer", "Daan Smit", "Bas Hendriks"}
    assert not moved & {"Anouk Peters", "Eva Bos"}


def test_a_name_that_would_run_off_the_plot_goes_left_of_its_point():
    frame = clustered().assign(rep_name=["R", "D", "B", "A", "A very long name indeed"])
    frame.loc[4, "contacts"] = 330
    sides = {
        layer["mark"]["align"]: [r["rep_name"] for r in rows(spec, layer)]
        for spec in [charts.rep_quadrant(frame, "en").to_dict()]
        for layer in layers(spec)
        if layer["encoding"].get("text", {}).get("field") == "rep_name"
    }
    assert "A very long name indeed" in sides["right"]


@pytest.mark.parametrize(
    ("first", "last", "today", "days"),
    [
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 9), 4),  # Thu-Sun of wk 40
        (None, None, dt.date(2026, 9, 30), 3),  # the current week, up to Wednesday
        (dt.date(2026, 9, 1), dt.date(2026, 9, 30), dt.date(2026, 12, 1), 3),  # cut at the end
        (dt.date(2026, 9, 28), None, dt.date(2026, 10, 20), 7),
    ],
)
def test_week_days_counts_the_days_of_an_iso_week_in_the_period(first, last, today, days):
    assert charts.week_days(dt.date(2026, 9, 28), first, last, today) == days


@pytest.mark.parametrize(
    ("chart", "bar"),
    [(charts.weekly_advance_calls, "calls"), (charts.quick_quotes_trend, "quotes")],
)
def test_weekly_charts_mark_weeks_the_period_or_today_cuts_short(chart, bar):
    # The period starts on Wednesday 24 Dec 2025 (5 days of week 52) and today is Wednesday
    # 7 Jan 2026 (3 days of week 2 so far).
    period = (dt.date(2025, 12, 24), None, dt.date(2026, 1, 7))
    spec = chart(per_week(), "nl", charts.LIGHT, period).to_dict()
    bars = layer_with(spec, "bar", x="week_label", y=bar)
    assert [(r["week_label"], r["days_text"], r["partial"]) for r in rows(spec, bars)] == [
        ("wk 52 2025*", "5 van 7", True),
        ("wk 2 2026*", "3 van 7", True),
    ]
    assert bars["encoding"]["fillOpacity"]["condition"]["test"] == "datum.partial"
    assert bars["encoding"]["strokeDash"]["condition"]["value"] == [4, 3]
    assert spec["title"]["subtitle"].startswith("* Een week die de periode of vandaag inkort")
    # Whole weeks: no mark, no note.
    whole = chart(per_week(), "en", charts.LIGHT, (None, None, dt.date(2026, 3, 1))).to_dict()
    assert [r["week_label"] for r in rows(whole, layers(whole)[0])] == ["2025-W52", "2026-W02"]
    assert isinstance(whole["title"], str)
