"""The dashboard: the commitment KPIs next to the activity counts, per rep, per week, per account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from kpi import charts, goals, i18n, metrics
from kpi.metrics import Comparison, DashboardKpis, Filters, Window
from views import goal_texts, tiles
from views.common import (
    colours,
    date_format,
    download_buttons,
    fmt_date,
    fmt_money,
    fmt_number,
    fmt_pct,
    lang,
    pages_for,
    query,
    show_table,
    t,
    viewer,
)

WINDOWS: tuple[str, ...] = ("week", "month", "quarter", "year", "all", "custom")
# A rise is bad news for these KPIs, so the delta turns red when it goes up.
INVERSE_KEYS: frozenset[str] = frozenset({"quick_quote_share"})
# recorded_share beside the commitment KPIs it qualifies: a rate on 14% of a rep's contacts.
TABLE_KEYS: tuple[str, ...] = (
    metrics.COMMITMENT_KEYS + metrics.COVERAGE_KEYS + metrics.ACTIVITY_KEYS
)
# Momentum and overdue lists can run to thousands of accounts; the top of each list is what
# a director acts on, so only those rows are fetched and sent to the browser.
LIST_ROWS = 200


# -- filters ----------------------------------------------------------------------------------


def default_window(span: dict, today: dt.date) -> str:
    """This quarter, unless nothing was logged in it yet (then every contact, so data shows)."""
    last = span["last"]
    if last is None or last >= metrics.window_for("quarter", today).start:
        return "quarter"
    return "all"


def pick_window(span: dict, today: dt.date) -> Window:
    """The window picker, and two dates when the user chooses their own."""
    # Labels are fixed now, not looked up later: the language lives in the run's query params.
    labels = {kind: t(f"dash_window_{kind}") for kind in WINDOWS}
    kind = st.selectbox(
        t("dash_window"),
        options=list(WINDOWS),
        index=WINDOWS.index(default_window(span, today)),
        format_func=labels.get,
        key="dash_window",
    )
    if kind != "custom":
        return up_to(metrics.window_for(kind, today), today)
    quarter = metrics.window_for("quarter", today)
    start_col, end_col = st.columns(2)
    start = start_col.date_input(
        t("dash_from"),
        value=span["first"] or quarter.start,
        format=date_format(),
        key="dash_from",
    )
    end = end_col.date_input(
        t("dash_to"), value=span["last"] or today, format=date_format(), key="dash_to"
    )
    if start > end:
        st.caption(t("dash_swapped"))
        start, end = end, start
    return up_to(Window(start, end), today)


def up_to(window: Window, today: dt.date) -> Window:
    """The window cut off at today: no contact lies ahead, and a quarter so far is then compared
    with the equally long stretch before it rather than with a whole quarter."""
    if window.end is not None and window.start is not None and window.start <= today < window.end:
        return Window(window.start, today)
    return window


def pick_filters() -> Filters:
    """Reps and team for the director; a rep sees their team's numbers or only their own
    (kpi.access narrows whatever is asked to that)."""
    who = viewer()
    if who.role == "rep":
        scopes = {"team": t("dash_scope_team"), "me": t("dash_scope_me")}
        if not who.team:
            scopes.pop("team")
        scope = st.segmented_control(
            t("dash_scope"),
            options=list(scopes),
            format_func=scopes.__getitem__,
            default=next(iter(scopes)),
            key="dash_scope",
        )
        if scope == "me" or not who.team:
            return Filters(reps=who.all_keys)
        return Filters(team=who.team)
    reps = query(metrics.reps)
    names = dict(zip(reps["rep_key"], reps["rep_name"], strict=True))
    rep_col, team_col = st.columns([3, 2])
    chosen = rep_col.multiselect(
        t("dash_reps"),
        options=list(names),
        format_func=lambda k: names.get(k, k),
        placeholder=t("dash_all_reps"),
        key="dash_reps",
    )
    teams = {None: t("dash_all_teams")} | {team: team for team in query(metrics.teams)}
    team = team_col.selectbox(
        t("dash_team"),
        options=list(teams),
        format_func=teams.get,
        key="dash_team",
    )
    return Filters(reps=tuple(chosen), team=team)


def period_caption(window: Window) -> str:
    if window.start is None or window.end is None:
        return t("dash_period_open")
    before = window.previous()
    weeks = " – ".join(
        i18n.iso_week_label(*day.isocalendar()[:2], lang()) for day in (window.start, window.end)
    )
    return t(
        "dash_period",
        start=fmt_date(window.start),
        end=fmt_date(window.end),
        weeks=weeks,
        prev_start=fmt_date(before.start),
        prev_end=fmt_date(before.end),
    )


# -- the KPIs ---------------------------------------------------------------------------------


def fmt_kpi(key: str, value: float | int | None) -> str:
    if key in metrics.RATIO_KEYS:
        return fmt_pct(value)
    if key == "revenue":
        return fmt_money(value)
    if key == "avg_commitment":
        return fmt_number(value, 2)
    return fmt_number(value)


def fmt_change(key: str, change: float) -> str:
    """A signed change: counts and money as such, ratios in percentage points."""
    sign = "-" if change < 0 else "+" if change > 0 else ""
    size = abs(change)
    if key in metrics.RATIO_KEYS:
        return sign + t("dash_points", value=fmt_number(100 * size, 1))
    if key == "revenue":
        return sign + fmt_money(size)
    if key == "avg_commitment":
        return sign + fmt_number(size, 2)
    return sign + fmt_number(size)


def kpi_tile(
    key: str, comparison: Comparison, weekly: pd.DataFrame, goals_now: dict | None = None
) -> tiles.Tile:
    """The KPI's tile: its value, its change against the window before (green when it is good
    news, red when bad, grey and without an arrow when unchanged) and its weekly trend."""
    change = comparison.change(key)
    decimals = 3 if key in metrics.RATIO_KEYS else 2
    unchanged = change is not None and round(change, decimals) == 0
    tone, rising = "off", None
    if change is not None and not unchanged:
        rising = change > 0
        # A rise is good news except for the KPIs where it is bad (INVERSE_KEYS).
        tone = "good" if rising != (key in INVERSE_KEYS) else "bad"
    trend = weekly[key].dropna().astype(float).to_list() if key in weekly else []
    return tiles.Tile(
        key=key,
        label=t(f"kpi_{key}"),
        value=fmt_kpi(key, comparison.current[key]),
        help=t(f"kpi_{key}_help"),
        delta=None if change is None else fmt_change(key, 0.0 if unchanged else change),
        tone=tone,
        rising=rising,
        trend=tuple(trend),
        goal=goal_line(goals_now[key]) if goals_now and key in goals_now else None,
    )


def goal_line(goal: dict) -> str:
    """'✓ Goal at least 40% per month: 45% so far' (✓ met, ○ not yet, no mark when unknown)."""
    mark = {True: "✓ ", False: "○ ", None: ""}[goal["met"]]
    return mark + goal_texts.tile_text(goal)


def show_group(title: str, icon: str, keys: tuple[str, ...], rows: tuple[int, ...], **data) -> None:
    """A bordered group of KPI tiles, `rows` giving how many tiles each row holds. At most
    three to a row in the wider group and two in the narrower one: on a laptop screen (1400 px)
    four tiles left names such as "Commitmentratio" and "Contactmomenten" cut off. A short last
    row spreads out, so wide values such as revenue fit unclipped."""
    assert sum(rows) == len(keys), (rows, keys)
    with st.container(border=True):
        st.subheader(title, icon=icon)
        shown, start = [], 0
        for size in rows:
            shown.append([kpi_tile(key, **data) for key in keys[start : start + size]])
            start += size
        # One element for the whole group (views/tiles.py says why not st.metric).
        st.markdown(tiles.group_html(shown), unsafe_allow_html=True)


# -- charts and tables ------------------------------------------------------------------------


Build = Callable[..., object]  # a chart function of kpi.charts: (frame, lang, colours, ...)


@st.cache_data(show_spinner=False, max_entries=256)
def _chart(
    _build: Build,
    name: str,
    frame: pd.DataFrame,
    language: str,
    palette: charts.Palette,
    extra: tuple[tuple[str, object], ...],
) -> object:
    return _build(frame, language, palette, **dict(extra))


def draw(build: Build, frame: pd.DataFrame, **extra: object) -> None:
    """A chart of kpi.charts, built once per frame, language and theme: Altair takes its time,
    and the frames come from the query cache, so another visit or rerun draws the same charts."""
    chart = _chart(build, build.__name__, frame, lang(), colours(), tuple(sorted(extra.items())))
    st.altair_chart(chart, width="stretch")


def team_tab(per_rep: pd.DataFrame, ladder: pd.DataFrame) -> None:
    left, right = st.columns([3, 2])
    with left:
        draw(charts.rep_quadrant, per_rep)
        st.caption(t("dash_quadrant_caption"))
    with right:
        draw(charts.ladder_chart, ladder)
        if per_rep["follow_through"].notna().any():
            draw(charts.follow_through_by_rep, per_rep)
        else:
            st.info(t("dash_no_follow"), icon=":material/task_alt:")


def trends_tab(weekly: pd.DataFrame, window: Window, today: dt.date) -> None:
    # Weeks the window or today cuts short are marked in the charts (fewer days, not a dip).
    period = (window.start, window.end, today)
    left, right = st.columns(2)
    with left:
        draw(charts.weekly_advance_calls, weekly, period=period)
    with right:
        if weekly["quotes"].sum() > 0:
            draw(charts.quick_quotes_trend, weekly, period=period)
        else:
            st.info(t("dash_no_quotes"), icon=":material/request_quote:")


def kpi_column_config() -> dict:
    config: dict = {
        "rep_name": st.column_config.TextColumn(t("dash_col_rep"), pinned=True),
        "team": st.column_config.TextColumn(t("dash_col_team")),
    }
    for key in TABLE_KEYS:
        label, help_text = t(f"kpi_{key}"), t(f"kpi_{key}_help")
        config[key] = st.column_config.NumberColumn(label, help=help_text)
    return config


def kpi_formats() -> dict[str, Callable[[object], str]]:
    """The per-rep table's numbers as the tiles write them, in the chosen language (Streamlit's
    own number formats would follow the browser's locale: 88.8% next to a tile's 51%). Shares
    keep one decimal, so reps close together still differ."""
    return {key: fmt_kpi_cell(key) for key in TABLE_KEYS}


def fmt_kpi_cell(key: str) -> Callable[[object], str]:
    if key in metrics.RATIO_KEYS:
        return lambda v: fmt_pct(v, 1)
    return lambda v: fmt_kpi(key, v)


def reps_tab(per_rep: pd.DataFrame) -> None:
    st.subheader(t("dash_table_title"))
    st.caption(t("dash_table_caption"))
    table = per_rep.loc[:, ["rep_name", "team", *TABLE_KEYS]]
    show_table(
        table,
        kpi_formats(),
        hide_index=True,
        column_config=kpi_column_config(),
        key="dash_table",
    )
    headers = {"rep_name": t("dash_col_rep"), "team": t("dash_col_team")}
    headers |= {key: t(f"kpi_{key}") for key in TABLE_KEYS}
    export = table.rename(columns=headers)
    stem = t("dash_file_stem")
    download_buttons(
        export,
        stem,
        t("dash_sheet"),
        "dash",
        percent_columns=[headers[k] for k in metrics.RATIO_KEYS if k in headers],
        money_columns=[headers["revenue"]],
    )


def level_names(levels: pd.Series) -> pd.Series:
    names = {level: charts.level_name(level, lang()) for level in range(charts.LEVEL_COUNT)}
    return levels.astype(int).map(names)


def relationship_list(
    name: str, icon: str, frame: pd.DataFrame, empty_icon: str, column_config: dict
) -> None:
    """One bordered list with its count in all; `frame` holds the first LIST_ROWS rows of it
    and their total_count."""
    total = int(frame["total_count"].iloc[0]) if not frame.empty else 0
    with st.container(border=True):
        st.subheader(f"{t(f'dash_{name}_title')} ({fmt_number(total)})", icon=icon)
        st.caption(t(f"dash_{name}_caption"))
        if frame.empty:
            st.info(t(f"dash_{name}_empty"), icon=empty_icon)
            return
        show_table(
            frame.drop(columns=["total_count"]),
            hide_index=True,
            column_config=column_config,
            key=f"dash_{name}",
        )
        if total > len(frame):
            st.caption(t("dash_first_rows", shown=fmt_number(len(frame)), total=fmt_number(total)))


def relationships_tab(momentum: pd.DataFrame, overdue: pd.DataFrame, levels: pd.DataFrame) -> None:
    day = st.column_config.DateColumn

    def field(name: str) -> str:
        return i18n.field_label(name, lang())

    left, right = st.columns(2)
    with left:
        relationship_list(
            "momentum",
            ":material/trending_up:",
            momentum.assign(
                level_before=level_names(momentum["level_before"]),
                level_in_window=level_names(momentum["level_in_window"]),
            ),
            ":material/hourglass_empty:",
            {
                "account": field("account"),
                "level_before": t("dash_col_level_before"),
                "level_in_window": t("dash_col_level_now"),
                "contacts_count": t("kpi_contacts"),
                "last_contact": day(t("dash_col_last_contact")),
            },
        )
    with right:
        relationship_list(
            "overdue",
            ":material/alarm:",
            overdue.drop(columns=["id"]).assign(
                commitment_level=level_names(overdue["commitment_level"])
            ),
            ":material/check_circle:",
            {
                "rep_name": t("dash_col_rep"),
                "account": field("account"),
                "contact_person": field("contact_person"),
                "contact_date": day(field("contact_date")),
                "commitment_level": field("commitment_level"),
                "commitment": field("commitment"),
                "commitment_due": day(field("commitment_due")),
                "days_overdue": t("dash_col_days_overdue"),
            },
        )
    if not levels.empty:
        with st.container(border=True):
            draw(charts.account_levels_heatmap, levels)


# -- the page ---------------------------------------------------------------------------------


def empty_database() -> None:
    st.info(t("dash_empty_db"), icon=":material/info:")
    allowed = pages_for(viewer())
    links = [
        ("log_contact", "views/log_contact.py", ":material/edit_note:"),
        ("import", "views/importer.py", ":material/upload_file:"),
    ]
    for name, path, icon in links:
        if name in allowed:
            st.page_link(path, label=t(f"page_{name}"), icon=icon)


def render() -> None:
    who = viewer()
    st.title(t("page_dashboard"))
    st.caption(t("dash_caption_rep") if who.role == "rep" else t("dash_caption"))

    today = dt.date.today()
    span = query(metrics.contact_span)
    if not span["contacts"]:
        empty_database()
        return

    window_col, filter_col = st.columns([2, 3])
    with window_col:
        window = pick_window(span, today)
    with filter_col:
        filters = pick_filters()
    st.caption(period_caption(window))

    # The tiles, their trends and the per-rep views come from one query over the contacts.
    dashboard: DashboardKpis = query(metrics.dashboard_kpis, window, filters)
    comparison, weekly, per_rep = dashboard.comparison, dashboard.weekly, dashboard.per_rep
    if not comparison.current["contacts"]:
        st.info(t("dash_empty_window"), icon=":material/filter_alt_off:")
        return

    goals_now = query(goals.for_filters, filters, today)
    kpis = {"comparison": comparison, "weekly": weekly, "goals_now": goals_now}
    st.html(tiles.CSS + tiles.theme_css(colours("light"), colours("dark")))
    commitment_col, activity_col = st.columns([7, 5])
    with commitment_col:
        show_group(
            t("dash_group_commitment"),
            ":material/handshake:",
            metrics.COMMITMENT_KEYS,
            rows=(3, 2, 2),
            **kpis,
        )
        recorded = comparison.current["recorded_share"]
        if recorded is not None and recorded < 1:  # a rate measured on 14% must say so
            st.caption(t("dash_recorded_share", share=fmt_pct(recorded)))
    with activity_col:
        show_group(
            t("dash_group_activity"), ":material/call:", metrics.ACTIVITY_KEYS, (2, 2, 1), **kpis
        )

    # Only the open tab is drawn (on_change="rerun" makes .open tell which): the first paint
    # sends the team charts, not all ten charts and tables; a tab switch reruns on cached data.
    tabs = {
        name: f"{icon} {t(f'dash_tab_{name}')}"
        for name, icon in (
            ("team", ":material/groups:"),
            ("trends", ":material/show_chart:"),
            ("reps", ":material/table_chart:"),
            ("relationships", ":material/diversity_3:"),
        )
    }
    keep_open_tab(tabs)
    team, trends, per_rep_tab, relations = st.tabs(
        list(tabs.values()), key="dash_tabs", on_change="rerun"
    )
    if team.open:
        with team:
            team_tab(per_rep, query(metrics.ladder, window, filters))
    if trends.open:
        with trends:
            trends_tab(weekly, window, today)
    if per_rep_tab.open:
        with per_rep_tab:
            reps_tab(per_rep)
    if relations.open:
        with relations:
            relationships_tab(
                query(metrics.momentum, window, filters, limit=LIST_ROWS),
                query(metrics.overdue, filters, today=today, limit=LIST_ROWS),
                query(metrics.account_levels, window, filters),
            )


def keep_open_tab(tabs: dict[str, str]) -> None:
    """The tabs remember the open one by its label; after a language switch that label is in the
    other language, so it is put in this one (else the first tab would open)."""
    chosen = st.session_state.get("dash_tabs")
    if chosen is None or chosen in tabs.values():
        return
    for name in tabs:
        if any(chosen.endswith(" " + i18n.t(f"dash_tab_{name}", code)) for code in i18n.LANGS):
            st.session_state["dash_tabs"] = tabs[name]
            return
    del st.session_state["dash_tabs"]


render()
