"""The evidence's headline, shared by its page and the training page: a card per kind of quote,
the lift, the open quotes and the win rates with their intervals."""

from __future__ import annotations

import streamlit as st

from kpi import evidence, evidence_charts
from kpi.evidence import Evidence
from views.common import colours, fmt_money, fmt_number, fmt_pct, lang, t


def interval_text(values: dict) -> str:
    return t(
        "ev_interval",
        low=fmt_pct(values["win_rate_low"], 1),
        high=fmt_pct(values["win_rate_high"], 1),
    )


def group_card(group: str, values: dict) -> None:
    """One group's win rate, interval, counts and revenue per quote; below MIN_QUOTES decided
    quotes a plain "not enough data yet" instead of the rate."""
    with st.container(border=True, key=f"ev_card_{group}"):
        st.subheader(t(f"ev_{group}"))
        st.caption(t(f"ev_{group}_caption"))
        enough = values["quotes"] >= evidence.MIN_QUOTES
        rate_col, revenue_col = st.columns(2)
        if enough:
            rate_col.metric(
                t("ev_win_rate"),
                fmt_pct(values["win_rate"], 1),
                help=t("ev_win_rate_help"),
            )
            rate_col.caption(interval_text(values), help=t("ev_interval_help"))
        else:
            rate_col.info(
                t("ev_not_enough", quotes=fmt_number(values["quotes"]), needed=evidence.MIN_QUOTES),
                icon=":material/hourglass_empty:",
            )
        revenue_col.metric(
            t("ev_revenue_per_quote"),
            fmt_money(values["revenue_per_quote"]) if enough else "–",
            help=t("ev_revenue_per_quote_help"),
        )
        st.caption(
            t("ev_counts", won=fmt_number(values["won"]), quotes=fmt_number(values["quotes"]))
        )


def story(ev: Evidence) -> str | None:
    """The finding in one sentence, when both groups have enough quotes and a lift."""
    quick, considered = ev.quick, ev.considered
    if min(quick["quotes"], considered["quotes"]) < evidence.MIN_QUOTES or ev.lift is None:
        return None
    pays = ev.lift > 1 and considered["revenue_per_quote"] > quick["revenue_per_quote"]
    return t(
        "ev_story_pays" if pays else "ev_story_not",
        lift=fmt_number(ev.lift, 1),
        considered=fmt_money(considered["revenue_per_quote"]),
        quick=fmt_money(quick["revenue_per_quote"]),
    )


def headline(ev: Evidence) -> None:
    sentence = story(ev)
    if sentence:
        st.success(sentence, icon=":material/insights:")
    quick_col, considered_col = st.columns(2)
    with quick_col:
        group_card("quick", ev.quick)
    with considered_col:
        group_card("considered", ev.considered)
    enough = min(ev.quick["quotes"], ev.considered["quotes"]) >= evidence.MIN_QUOTES
    lift_col, open_col, chart_col = st.columns([1, 1, 3])
    lift_col.metric(
        t("ev_lift"),
        t("ev_lift_value", value=fmt_number(ev.lift, 2)) if enough and ev.lift is not None else "–",
        help=t("ev_lift_help"),
    )
    open_col.metric(t("ev_open"), fmt_number(ev.open_quotes), help=t("ev_open_help"))
    frame = evidence.win_rate_frame(ev)
    if frame["enough"].any():
        with chart_col:
            st.altair_chart(evidence_charts.win_rates(frame, lang(), colours()), width="stretch")
