"""Does commitment pay? Quick against considered quotes, with the counts behind every number."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi import evidence, evidence_charts, metrics
from kpi.evidence import EvidenceTables
from kpi.metrics import Filters, Window
from views.common import (
    colours,
    date_format,
    download_buttons,
    fmt_date,
    fmt_money,
    fmt_number,
    fmt_pct,
    lang,
    query,
    show_table,
    t,
)
from views.evidence_view import headline

WINDOWS: tuple[str, ...] = ("all", "year", "last_year", "custom")
# The horizons whose outcomes the rollups keep (kpi.rollups.HORIZONS): each reads without a scan.
HORIZONS: tuple[int, ...] = evidence.HORIZONS


# -- pickers ----------------------------------------------------------------------------------


def pick_window(span: dict, today: dt.date) -> Window:
    labels = {kind: t(f"ev_window_{kind}") for kind in WINDOWS}
    kind = st.selectbox(
        t("ev_window"), options=list(WINDOWS), format_func=labels.get, key="ev_window"
    )
    if kind == "all":
        return Window()
    if kind == "year":
        return Window(dt.date(today.year, 1, 1), today)
    if kind == "last_year":
        return Window(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))
    start_col, end_col = st.columns(2)
    start = start_col.date_input(
        t("ev_from"), value=span["first"] or today, format=date_format(), key="ev_from"
    )
    end = end_col.date_input(
        t("ev_to"), value=span["last"] or today, format=date_format(), key="ev_to"
    )
    return Window(min(start, end), max(start, end))


def pick_horizon() -> int:
    return st.select_slider(
        t("ev_horizon"),
        options=list(HORIZONS),
        value=evidence.DEFAULT_HORIZON,
        format_func=lambda days: t("ev_horizon_days", days=days),
        help=t("ev_horizon_help"),
        key="ev_horizon",
    )


def pick_team() -> str | None:
    teams = {None: t("ev_all_teams")} | {team: team for team in query(metrics.teams)}
    return st.selectbox(t("ev_team"), options=list(teams), format_func=teams.get, key="ev_team")


# -- the tables -------------------------------------------------------------------------------


def table_headers(first: dict[str, str]) -> dict[str, str]:
    headers = dict(first)
    for group in evidence.GROUPS:
        name = t(f"ev_group_{group}")
        for key in evidence.GROUP_KEYS:
            headers[f"{group}_{key}"] = t(f"ev_col_{key}", group=name)
    headers["lift"] = t("ev_lift")
    headers["open_quotes"] = t("ev_open")
    return headers


def column_config(headers: dict[str, str]) -> dict:
    """Labels (and the lift's help); the numbers are written by show_table in the language."""
    config: dict = {}
    for column, label in headers.items():
        if column == "lift":
            config[column] = st.column_config.Column(label, help=t("ev_lift_help"))
        else:
            config[column] = st.column_config.Column(label, pinned=column == "rep_name")
    return config


def column_formats(headers: dict[str, str]) -> dict:
    """How a person reads each number, as the cards above write it: shares, euros, the lift."""
    formats: dict = {}
    for column in headers:
        if column.endswith(("win_rate", "win_rate_low", "win_rate_high")):
            formats[column] = lambda v: fmt_pct(v, 1)
        elif column.endswith("revenue_per_quote"):
            formats[column] = fmt_money
        elif column == "lift":
            formats[column] = lambda v: f"{fmt_number(v, 2)}×"
    return formats


def evidence_table(name: str, frame: pd.DataFrame, first: dict[str, str]) -> None:
    """A table per rep or per team, with its CSV and Excel download."""
    headers = table_headers(first)
    table = evidence.masked(frame).loc[:, list(headers)]
    show_table(
        table,
        column_formats(headers),
        hide_index=True,
        column_config=column_config(headers),
        key=f"ev_table_{name}",
    )
    export = table.rename(columns=headers)
    stem = f"{t('ev_file_stem')}-{t(f'ev_tab_{name}').lower().replace(' ', '-')}"
    download_buttons(
        export,
        stem,
        t("ev_sheet"),
        f"ev_{name}",
        percent_columns=[v for k, v in headers.items() if "win_rate" in k],
        money_columns=[v for k, v in headers.items() if k.endswith("revenue_per_quote")],
    )


def tables(found: EvidenceTables) -> None:
    st.caption(t("ev_table_caption", needed=evidence.MIN_QUOTES))
    teams_tab, reps_tab = st.tabs([t("ev_tab_teams"), t("ev_tab_reps")])
    with teams_tab:
        evidence_table("teams", found.per_team, {"team": t("ev_col_team")})
    with reps_tab:
        evidence_table(
            "reps", found.per_rep, {"rep_name": t("ev_col_rep"), "team": t("ev_col_team")}
        )


def curves(window: Window, filters: Filters, horizon: int, today: dt.date) -> None:
    with st.container(border=True):
        frame = query(evidence.revenue_curves, window, filters, horizon=horizon, as_of=today)
        if frame.empty:
            st.subheader(t("ev_curves_title"))
            st.info(t("ev_curves_empty"), icon=":material/hourglass_empty:")
        else:
            st.altair_chart(
                evidence_charts.revenue_after(frame, lang(), colours()), width="stretch"
            )
        st.caption(t("ev_curves_caption"))


# -- the page ---------------------------------------------------------------------------------


def render() -> None:
    st.title(t("page_evidence"))
    st.caption(t("ev_caption"))
    today = dt.date.today()
    span = query(metrics.contact_span)
    window_col, horizon_col, team_col = st.columns([2, 3, 2])
    with window_col:
        window = pick_window(span, today)
    with horizon_col:
        horizon = pick_horizon()
    with team_col:
        filters = Filters(team=pick_team())
    st.caption(
        t(
            "ev_as_of",
            start=fmt_date(window.start or span["first"]),
            end=fmt_date(window.end or span["last"]),
            as_of=fmt_date(today),
            days=horizon,
        )
    )
    found: EvidenceTables = query(
        evidence.evidence_tables, window, filters, horizon=horizon, as_of=today
    )
    total = found.total
    if not (total.quick["quotes"] + total.considered["quotes"] + total.open_quotes):
        st.info(t("ev_no_quotes"), icon=":material/request_quote:")
        return
    headline(total)
    curves(window, filters, horizon, today)
    tables(found)


render()
