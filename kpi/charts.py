"""Pure functions from a kpi DataFrame to an Altair chart, all in the app's one theme."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import altair as alt
import pandas as pd

from kpi import i18n

# Channels: Altair turns every string or dict it gets as an encoding channel into a channel
# object by re-indexing its whole schema (milliseconds each, many per chart), so every channel
# here is written as the channel object itself: alt.X("x:Q"), not "x:Q". Same spec, faster.

# The app's colours; PRIMARY is primaryColor in .streamlit/config.toml.
PRIMARY = "#0F6E56"
PRIMARY_SOFT = "#A8D5C5"
WARNING = "#C4572A"
WARNING_SOFT = "#F6E3D8"
MUTED = "#9AA7A2"
TEXT = "#1C2B27"
GRID = "#E4EAE8"
# Levels 0..4 of the ladder: grey for no commitment, deepening green towards a joint plan.
LEVEL_COLOURS: tuple[str, ...] = ("#C9D1CE", "#A8D5C5", "#5FAE95", "#2E8B70", PRIMARY)

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}


def theme() -> dict[str, object]:
    """The Vega-Lite config every chart of the app carries."""
    return {
        "view": {"stroke": None},
        "axis": {
            "labelColor": TEXT,
            "titleColor": TEXT,
            "gridColor": GRID,
            "domainColor": GRID,
            "tickColor": GRID,
            "titleFontWeight": "normal",
            "labelFontSize": 11,
            "titleFontSize": 12,
        },
        "legend": {"labelColor": TEXT, "titleColor": TEXT, "orient": "bottom"},
        "title": {"anchor": "start", "color": TEXT, "fontSize": 14, "fontWeight": "bold"},
        "range": {
            "category": [PRIMARY, WARNING, MUTED, "#2E8B70", "#E0A458", "#5B7F95"],
            "ramp": [PRIMARY_SOFT, PRIMARY],
            "heatmap": list(LEVEL_COLOURS),
        },
        "mark": {"color": PRIMARY},
    }


@cache
def _config() -> alt.Config:
    # Built (and validated by Altair) once; the dashboard draws six charts on every run.
    return alt.Config(**theme())


class _Checked:
    """to_dict() without validating the spec against the Vega-Lite schema, unless asked to.

    Streamlit calls to_dict() on every run of a page, and validation is most of its cost (tens
    of milliseconds for the quadrant). Every spec this module builds is validated in the tests
    instead (tests/kpi/test_chart_specs.py), so a page run need not do it again.
    """

    def to_dict(self, validate: bool = False, **kwargs: object) -> dict:
        return super().to_dict(validate, **kwargs)


class _CheckedChart(_Checked, alt.Chart):
    pass


class _CheckedLayerChart(_Checked, alt.LayerChart):
    pass


_CHECKED: dict[type, type] = {alt.Chart: _CheckedChart, alt.LayerChart: _CheckedLayerChart}


def _themed(chart: alt.TopLevelMixin, title: str, height: int) -> alt.TopLevelMixin:
    # Set in place on the chart just built: .properties() would deep-copy the whole chart
    # (tens of thousands of objects for the quadrant) once per property.
    chart.title = title
    chart.height = height
    chart.config = _config()
    # The same chart as a _Checked one (Altair's own setattr would store it as a property).
    object.__setattr__(chart, "__class__", _CHECKED[type(chart)])
    return chart


def _text(key: str, lang: str) -> str:
    return i18n.t(key, lang)


def _formatted(values: pd.Series, fmt: Callable[[object], str]) -> pd.Series:
    """A column of display text (tooltips show numbers the way the language writes them)."""
    return values.astype(object).map(lambda v: fmt(None if pd.isna(v) else v)).astype(str)


def _count_axis(title: str, lang: str, **kwargs: object) -> alt.Axis:
    """An axis of whole numbers with the language's thousands separator."""
    if lang == "nl":
        # Vega formats the English way; swap the separator so 1.250 reads as Dutch.
        expr = "replace(format(datum.value, ',d'), regexp(',', 'g'), '.')"
        return alt.Axis(title=title, labelExpr=expr, tickMinStep=1, **kwargs)
    return alt.Axis(title=title, format=",d", tickMinStep=1, **kwargs)


def _share_axis(title: str, **kwargs: object) -> alt.Axis:
    return alt.Axis(title=title, format=".0%", **kwargs)


def _week_labels(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame ordered by week, with an ISO week label as Dutch teams count weeks."""
    out = frame.sort_values(["iso_year", "iso_week"]).reset_index(drop=True)
    out["week_label"] = [
        i18n.iso_week_label(int(y), int(w), lang)
        for y, w in zip(out["iso_year"], out["iso_week"], strict=True)
    ]
    return out


def level_name(level: int, lang: str) -> str:
    """'2 · Customer acts': the ladder level with its number, for axes and legends."""
    return f"{level} · {i18n.t(f'level_{level}', lang)}"


# -- the charts -----------------------------------------------------------------------------------


def rep_quadrant(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Per rep: contacts (x) against advance rate (y), sized by quotes, coloured by quick quotes.

    `frame` is metrics.kpi_frame(by="rep"). Rules at the team medians split the plane; the
    bottom-right quadrant (many contacts, little real commitment) is shaded and labelled.
    """
    data = frame.loc[
        :, ["rep_name", "contacts", "advance_rate", "quotes", "quick_quote_share", "revenue"]
    ]
    data = data.assign(
        contacts_text=_formatted(data["contacts"], lambda v: i18n.fmt_number(v, lang)),
        advance_text=_formatted(data["advance_rate"], lambda v: i18n.fmt_pct(v, lang)),
        quick_text=_formatted(data["quick_quote_share"], lambda v: i18n.fmt_pct(v, lang)),
        revenue_text=_formatted(data["revenue"], lambda v: i18n.fmt_money(v, lang)),
    )
    x_title = _text("kpi_contacts", lang)
    y_title = _text("kpi_advance_rate", lang)
    quick_title = _text("kpi_quick_quote_share", lang)
    # Room to the right of the busiest rep, so their dot and name stay inside the plot.
    most = float(data["contacts"].max()) if not data.empty else 0.0
    x_end = most * 1.12
    x_scale = alt.Scale(domain=[0, x_end], nice=False) if most > 0 else alt.Scale(zero=True)
    x = alt.X("contacts:Q", axis=_count_axis(x_title, lang), scale=x_scale)
    y = alt.Y("advance_rate:Q", axis=_share_axis(y_title), scale=alt.Scale(zero=True))

    points = (
        alt.Chart(data)
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "quotes:Q",
                title=_text("kpi_quotes", lang),
                scale=alt.Scale(range=[60, 900], zero=True),
                legend=None,
            ),
            # A channel object, not the dict alt.condition() gives (see Channels above).
            color=alt.ColorValue(
                **alt.condition(
                    "isValid(datum.quick_quote_share)",
                    alt.Color(
                        "quick_quote_share:Q",
                        title=quick_title,
                        scale=alt.Scale(domain=[0, 1], range=[PRIMARY, "#E0A458", WARNING]),
                        legend=alt.Legend(format=".0%", orient="right", gradientLength=160),
                    ),
                    alt.value(MUTED),
                )
            ),
            tooltip=[
                alt.Tooltip("rep_name:N", title=_text("dash_col_rep", lang)),
                alt.Tooltip("contacts_text:N", title=x_title),
                alt.Tooltip("advance_text:N", title=y_title),
                alt.Tooltip("quotes:Q", title=_text("kpi_quotes", lang)),
                alt.Tooltip("quick_text:N", title=quick_title),
                alt.Tooltip("revenue_text:N", title=_text("kpi_revenue", lang)),
            ],
        )
    )
    names = (
        alt.Chart(data)
        .mark_text(align="left", dx=9, dy=-6, fontSize=11, color=TEXT)
        .encode(x=x, y=y, text=alt.Text("rep_name:N"))
    )
    layers: list[alt.Chart] = [points, names]

    ranked = data.dropna(subset=["advance_rate"])
    if not ranked.empty:
        mid_x = float(ranked["contacts"].median())
        mid_y = float(ranked["advance_rate"].median())
        top_y = float(ranked["advance_rate"].max())
        zone = pd.DataFrame(
            {
                "x": [mid_x],
                "x2": [x_end],
                "y": [0.0],
                "y2": [mid_y],
                "label": [_text("dash_quadrant_ticking", lang)],
            }
        )
        shade = (
            alt.Chart(zone)
            .mark_rect(color=WARNING_SOFT, opacity=0.6)
            .encode(x=alt.X("x:Q"), x2=alt.X2("x2:Q"), y=alt.Y("y:Q"), y2=alt.Y2("y2:Q"))
        )
        # Each quadrant's name sits in its top right corner, clear of the points below it.
        ticking = (
            alt.Chart(zone)
            .mark_text(align="right", baseline="top", dy=5, color=WARNING, fontWeight="bold")
            .encode(x=alt.X("x2:Q"), y=alt.Y("y2:Q"), text=alt.Text("label:N"))
        )
        building_label = _text("dash_quadrant_building", lang)
        building = (
            alt.Chart(pd.DataFrame({"x": [x_end], "y": [top_y], "label": [building_label]}))
            .mark_text(align="right", baseline="bottom", dy=-8, color=PRIMARY, fontWeight="bold")
            .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("label:N"))
        )
        rules = pd.DataFrame({"mid_x": [mid_x], "mid_y": [mid_y]})
        rule = alt.Chart(rules).mark_rule(color=MUTED, strokeDash=[4, 4])
        vertical = rule.encode(x=alt.X("mid_x:Q"))
        horizontal = rule.encode(y=alt.Y("mid_y:Q"))
        layers = [shade, vertical, horizontal, *layers, ticking, building]
    return _themed(alt.layer(*layers), _text("dash_chart_quadrant", lang), height=400)


def _weekly_bars_and_share(
    data: pd.DataFrame,
    lang: str,
    *,
    count: str,
    count_title: str,
    bar_mark: dict,
    share: str,
    share_title: str,
    colour: str,
    tooltip: list,
) -> alt.LayerChart:
    """A count per ISO week as bars (left axis) with a 0..1 share as a line (right axis)."""
    x = alt.X(
        "week_label:N",
        sort=list(data["week_label"]),
        axis=alt.Axis(title=_text("dash_week", lang), labelAngle=-45, labelOverlap="greedy"),
    )
    tooltip = [alt.Tooltip("week_label:N", title=_text("dash_week", lang)), *tooltip]
    bars = (
        alt.Chart(data)
        .mark_bar(**bar_mark)
        .encode(
            x=x,
            y=alt.Y(f"{count}:Q", axis=_count_axis(count_title, lang, titleColor=MUTED)),
            tooltip=tooltip,
        )
    )
    line = (
        alt.Chart(data)
        .transform_filter(f"isValid(datum.{share})")
        .mark_line(color=colour, strokeWidth=2.5, point=alt.OverlayMarkDef(color=colour))
        .encode(
            x=x,
            y=alt.Y(
                f"{share}:Q",
                axis=_share_axis(share_title, orient="right", titleColor=colour),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=tooltip,
        )
    )
    return alt.layer(bars, line, resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")))


def weekly_advance_calls(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Calls (bars, left axis) and advance rate (line, right axis) per ISO week.

    `frame` is metrics.kpi_frame(by="week").
    """
    data = _week_labels(frame, lang)[["week_label", "calls", "advance_rate", "contacts"]]
    data = data.assign(
        advance_text=_formatted(data["advance_rate"], lambda v: i18n.fmt_pct(v, lang)),
        calls_text=_formatted(data["calls"], lambda v: i18n.fmt_number(v, lang)),
    )
    calls_title = _text("kpi_calls", lang)
    advance_title = _text("kpi_advance_rate", lang)
    chart = _weekly_bars_and_share(
        data,
        lang,
        count="calls",
        count_title=calls_title,
        bar_mark={"color": PRIMARY_SOFT, "opacity": 0.8},
        share="advance_rate",
        share_title=advance_title,
        colour=PRIMARY,
        tooltip=[
            alt.Tooltip("calls_text:N", title=calls_title),
            alt.Tooltip("advance_text:N", title=advance_title),
        ],
    )
    return _themed(chart, _text("dash_chart_weekly", lang), height=300)


def ladder_chart(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Contacts per commitment level as horizontal bars; `frame` is metrics.ladder()."""
    total = float(frame["contacts_count"].sum()) if not frame.empty else 0.0
    levels = [int(v) for v in frame["commitment_level"]]
    data = pd.DataFrame(
        {
            "commitment_level": levels,
            "level_name": [level_name(v, lang) for v in levels],
            "contacts_count": frame["contacts_count"].astype(int).to_list(),
        }
    )
    data["share"] = data["contacts_count"] / total if total else 0.0
    data["label"] = [
        f"{i18n.fmt_number(n, lang)} ({i18n.fmt_pct(s, lang)})" if total else ""
        for n, s in zip(data["contacts_count"], data["share"], strict=True)
    ]
    order = [level_name(v, lang) for v in range(len(LEVEL_COLOURS))]
    y = alt.Y(
        "level_name:N", sort=order, axis=alt.Axis(title=None, labelLimit=220, labelOverlap=False)
    )
    count_title = _text("kpi_contacts", lang)
    bars = (
        alt.Chart(data)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            x=alt.X("contacts_count:Q", axis=_count_axis(count_title, lang)),
            y=y,
            color=alt.Color(
                "level_name:N",
                scale=alt.Scale(domain=order, range=list(LEVEL_COLOURS)),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("level_name:N", title=_text("dash_level", lang)),
                alt.Tooltip("label:N", title=count_title),
            ],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, color=TEXT, fontSize=11)
        .encode(x=alt.X("contacts_count:Q"), y=y, text=alt.Text("label:N"))
    )
    return _themed(alt.layer(bars, labels), _text("dash_chart_ladder", lang), height=220)


def quick_quotes_trend(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Weekly share of quotes that were quick (line), over the quotes sent (bars).

    `frame` is metrics.kpi_frame(by="week"); weeks without quotes have no share.
    """
    data = _week_labels(frame, lang)[["week_label", "quotes", "quick_quotes"]]
    quotes = data["quotes"].astype(float)
    data["quick_share"] = (data["quick_quotes"] / quotes.where(quotes > 0)).astype(float)
    data["share_text"] = _formatted(data["quick_share"], lambda v: i18n.fmt_pct(v, lang))
    share_title = _text("kpi_quick_quote_share", lang)
    quotes_title = _text("kpi_quotes", lang)
    chart = _weekly_bars_and_share(
        data,
        lang,
        count="quotes",
        count_title=quotes_title,
        bar_mark={"color": GRID},
        share="quick_share",
        share_title=share_title,
        colour=WARNING,
        tooltip=[
            alt.Tooltip("quotes:Q", title=quotes_title),
            alt.Tooltip("quick_quotes:Q", title=_text("dash_quick_count", lang)),
            alt.Tooltip("share_text:N", title=share_title),
        ],
    )
    return _themed(chart, _text("dash_chart_quick", lang), height=300)


def follow_through_by_rep(frame: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Share of kept commitments per rep, best first; reps with nothing kept or broken left out.

    `frame` is metrics.kpi_frame(by="rep").
    """
    data = frame.loc[:, ["rep_name", "follow_through"]].dropna(subset=["follow_through"])
    data = data.sort_values(["follow_through", "rep_name"], ascending=[False, True])
    data["follow_text"] = _formatted(data["follow_through"], lambda v: i18n.fmt_pct(v, lang))
    title = _text("kpi_follow_through", lang)
    y = alt.Y(
        "rep_name:N",
        sort=list(data["rep_name"]),
        axis=alt.Axis(title=None, labelLimit=180, labelOverlap=False),
    )
    bars = (
        alt.Chart(data)
        .mark_bar(color=PRIMARY, cornerRadiusEnd=3)
        .encode(
            x=alt.X("follow_through:Q", axis=_share_axis(title), scale=alt.Scale(domain=[0, 1])),
            y=y,
            tooltip=[
                alt.Tooltip("rep_name:N", title=_text("dash_col_rep", lang)),
                alt.Tooltip("follow_text:N", title=title),
            ],
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, color=TEXT, fontSize=11)
        .encode(x=alt.X("follow_through:Q"), y=y, text=alt.Text("follow_text:N"))
    )
    chart = alt.layer(bars, labels)
    return _themed(chart, _text("dash_chart_follow", lang), height=26 * max(len(data), 1) + 40)


def month_label(month_start: object, lang: str) -> str:
    """'Mar 2026' / 'mrt 2026'."""
    stamp = pd.Timestamp(month_start)
    return f"{MONTHS.get(lang, MONTHS['en'])[stamp.month - 1]} {stamp.year}"


def account_levels_heatmap(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """Accounts (rows) by month (columns), coloured by the highest level reached that month.

    `frame` is metrics.account_levels().
    """
    data = frame.sort_values("month_start").reset_index(drop=True)
    months = list(dict.fromkeys(data["month_start"]))
    data = pd.DataFrame(
        {
            "account": data["account"].astype(str),
            "month_label": [month_label(m, lang) for m in data["month_start"]],
            "level_name": [level_name(int(v), lang) for v in data["max_level"]],
        }
    )
    order = [level_name(v, lang) for v in range(len(LEVEL_COLOURS))]
    account_title = i18n.field_label("account", lang)
    month_title = _text("dash_month", lang)
    level_title = _text("dash_highest_level", lang)
    chart = (
        alt.Chart(data)
        .mark_rect(cornerRadius=2, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "month_label:N",
                sort=[month_label(m, lang) for m in months],
                axis=alt.Axis(title=month_title, labelAngle=-45),
            ),
            y=alt.Y(
                "account:N",
                sort="ascending",
                axis=alt.Axis(title=account_title, labelLimit=200, labelOverlap=False),
            ),
            color=alt.Color(
                "level_name:N",
                title=level_title,
                scale=alt.Scale(domain=order, range=list(LEVEL_COLOURS)),
                legend=alt.Legend(orient="right", symbolType="square"),
            ),
            tooltip=[
                alt.Tooltip("account:N", title=account_title),
                alt.Tooltip("month_label:N", title=month_title),
                alt.Tooltip("level_name:N", title=level_title),
            ],
        )
    )
    # The height covers title and month labels too (Streamlit fits the whole chart).
    height = 22 * max(data["account"].nunique(), 1) + 110
    return _themed(chart, _text("dash_chart_accounts", lang), height=height)
