"""The charts of the evidence page: win rates with their intervals, and revenue in the days after."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kpi import i18n
from kpi.charts import LIGHT, Palette, _count_axis, _formatted, _share_axis, _themed

GROUPS = ("quick", "considered")
EVENTS = ("advance", "quick_quote")


def _group_colours(colours: Palette) -> dict[str, str]:
    return {"quick": colours.warning, "considered": colours.primary}


def _event_colours(colours: Palette) -> dict[str, str]:
    return {"advance": colours.primary, "quick_quote": colours.warning}


def win_rates(frame: pd.DataFrame, lang: str, colours: Palette = LIGHT) -> alt.LayerChart:
    """Per group with enough decided quotes: its win rate (a dot) inside its 95% Wilson interval
    (a bar). `frame` is evidence.win_rate_frame()."""
    data = frame[frame["enough"]].copy()
    group_colours = _group_colours(colours)
    labels = {g: i18n.t(f"ev_{g}", lang) for g in GROUPS}
    data["label"] = data["group"].map(labels)
    data["rate_text"] = _formatted(data["win_rate"], lambda v: i18n.fmt_pct(v, lang, 1))
    data["interval_text"] = [
        f"{i18n.fmt_pct(low, lang, 1)} – {i18n.fmt_pct(high, lang, 1)}"
        for low, high in zip(data["win_rate_low"], data["win_rate_high"], strict=True)
    ]
    colour = alt.Color(
        "label:N",
        scale=alt.Scale(
            domain=[labels[g] for g in GROUPS], range=[group_colours[g] for g in GROUPS]
        ),
        legend=None,
    )
    y = alt.Y("label:N", sort=[labels[g] for g in GROUPS], axis=alt.Axis(title=None))
    tooltip = [
        alt.Tooltip("label:N", title=""),
        alt.Tooltip("rate_text:N", title=i18n.t("ev_win_rate", lang)),
        alt.Tooltip("interval_text:N", title="95%"),
        alt.Tooltip("quotes:Q", title=i18n.t("ev_col_quotes", lang, group="").strip(": ")),
    ]
    interval = (
        alt.Chart(data)
        .mark_bar(height=14, opacity=0.3, cornerRadius=3)
        .encode(
            x=alt.X(
                "win_rate_low:Q",
                axis=_share_axis(i18n.t("ev_win_rate", lang)),
                scale=alt.Scale(domain=[0, 1]),
            ),
            x2=alt.X2("win_rate_high:Q"),
            y=y,
            color=colour,
            tooltip=tooltip,
        )
    )
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=120, opacity=1)
        .encode(x=alt.X("win_rate:Q"), y=y, color=colour, tooltip=tooltip)
    )
    text = (
        alt.Chart(data)
        .mark_text(dy=-14, color=colours.text, fontSize=12)
        .encode(x=alt.X("win_rate:Q"), y=y, text=alt.Text("rate_text:N"))
    )
    chart = _themed(
        alt.layer(interval, dots, text), i18n.t("ev_chart_title", lang), 140, lang, colours
    )
    # A fixed height with a title drew both rows on top of each other in Streamlit 1.67 (the
    # plot squeezed to a few pixels); a height per row keeps them apart.
    chart.height = alt.Step(44)
    return chart


def revenue_after(frame: pd.DataFrame, lang: str, colours: Palette = LIGHT) -> alt.Chart:
    """Cumulative revenue per account over the days after its first advance, next to after its
    first quick quote. `frame` is evidence.revenue_curves()."""
    event_colours = _event_colours(colours)
    labels = {e: i18n.t(f"ev_event_{e}", lang) for e in EVENTS}
    data = frame.assign(label=frame["event"].map(labels))
    data["revenue_text"] = _formatted(
        data["revenue_per_account"], lambda v: i18n.fmt_money(v, lang)
    )
    title = i18n.t("ev_revenue_per_account", lang)
    chart = (
        alt.Chart(data)
        .mark_line(interpolate="step-after", strokeWidth=2.5)
        .encode(
            x=alt.X("day_after:Q", axis=alt.Axis(title=i18n.t("ev_days_after", lang))),
            y=alt.Y("revenue_per_account:Q", axis=_count_axis(f"{title} (€)")),
            color=alt.Color(
                "label:N",
                scale=alt.Scale(
                    domain=[labels[e] for e in EVENTS], range=[event_colours[e] for e in EVENTS]
                ),
                legend=alt.Legend(title=None),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=""),
                alt.Tooltip("day_after:Q", title=i18n.t("ev_days_after", lang)),
                alt.Tooltip("revenue_text:N", title=title),
                alt.Tooltip("accounts:Q", title=i18n.t("ev_accounts", lang)),
            ],
        )
    )
    return _themed(chart, i18n.t("ev_curves_title", lang), 300, lang, colours)
