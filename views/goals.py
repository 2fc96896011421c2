"""Goals: the director sets targets on any KPI, sees where each stands, and every change is logged."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi import goals, metrics
from kpi.goals import GoalError
from views.common import call, data_changed, fmt_date, query, show_table, t
from views.goal_texts import fmt_value, met_text, target_text

FLASH = "_goals_flash"
SCOPES: tuple[str, ...] = ("everyone", "team", "rep")


def flash(kind: str, message: str) -> None:
    st.session_state[FLASH] = (kind, message)


def _target() -> float:
    """The target as kpi.goals takes it: a percentage typed as 40 is the share 0.4."""
    kpi, typed = st.session_state["goals_kpi"], st.session_state.get("goals_target") or 0.0
    return typed / 100 if kpi in metrics.RATIO_KEYS else typed


def save() -> None:
    scope = st.session_state.get("goals_scope") or "everyone"
    team = st.session_state.get("goals_team") if scope == "team" else None
    rep = st.session_state.get("goals_rep") if scope == "rep" else None
    if scope != "everyone" and not (team or rep):
        flash("error", t("goals_error_no_choice"))
        return
    try:
        done = call(
            goals.set_goal,
            st.session_state["goals_kpi"],
            _target(),
            st.session_state["goals_period"],
            team=team,
            rep=rep,
        )
    except GoalError as exc:
        flash("error", t(f"goals_error_{exc.code}"))
        return
    data_changed()
    flash("success", t(f"goals_saved_{done}"))


def remove(goal: dict) -> None:
    try:
        call(goals.remove_goal, goal["kpi"], team=goal["team"], rep=goal["rep"])
    except GoalError as exc:
        flash("error", t(f"goals_error_{exc.code}"))
        return
    data_changed()
    flash("success", t("goals_removed"))


def new_goal_form() -> None:
    kpis = {key: t(f"kpi_{key}") for key in metrics.KPI_KEYS}
    periods = {period: t(f"goals_period_{period}") for period in goals.PERIODS}
    scopes = {scope: t(f"goals_scope_{scope}") for scope in SCOPES}
    with st.container(border=True, key="goals_form"):
        st.subheader(t("goals_new"), icon=":material/flag:")
        kpi_col, target_col, period_col = st.columns([3, 2, 2])
        kpi = kpi_col.selectbox(
            t("goals_kpi"), options=list(kpis), format_func=kpis.get, key="goals_kpi"
        )
        ratio = kpi in metrics.RATIO_KEYS
        target_col.number_input(
            t("goals_target") + (" (%)" if ratio else ""),
            min_value=0.0,
            max_value=100.0 if ratio else None,
            step=1.0,
            help=t(
                "goals_target_help_ratio" if ratio else "goals_target_help_count", kpi=kpis[kpi]
            ),
            key="goals_target",
        )
        period_col.selectbox(
            t("goals_period"),
            options=list(periods),
            index=list(periods).index("month"),
            format_func=periods.get,
            key="goals_period",
        )
        scope = st.segmented_control(
            t("goals_scope"),
            options=list(scopes),
            format_func=scopes.get,
            default="everyone",
            key="goals_scope",
        )
        if scope == "team":
            st.selectbox(t("goals_team"), options=query(metrics.teams), key="goals_team")
        elif scope == "rep":
            reps = query(metrics.reps)
            names = dict(zip(reps["rep_key"], reps["rep_name"], strict=True))
            st.selectbox(
                t("goals_rep"),
                options=list(names),
                format_func=lambda key: names.get(key, key),
                key="goals_rep",
            )
        st.button(
            t("goals_save"),
            type="primary",
            icon=":material/check:",
            on_click=save,
            key="goals_save",
        )


def scope_text(goal: dict, names: dict[str, str]) -> str:
    if goal["rep"]:
        return names.get(goal["rep"].strip().lower(), goal["rep"])
    return goal["team"] or t("goals_scope_everyone")


def current_goals(found: list[dict]) -> None:
    st.subheader(t("goals_current"), icon=":material/checklist:")
    if not found:
        st.info(t("goals_none"), icon=":material/flag:")
        return
    reps = query(metrics.reps)
    names = dict(zip(reps["rep_key"], reps["rep_name"], strict=True))
    widths = [3, 2, 2, 3, 2, 2, 1]
    header = st.columns(widths)
    for col, key in zip(
        header,
        ("kpi", "for", "target", "period", "value", "met"),
        strict=False,
    ):
        col.markdown(
            f"**{t(f'goals_col_{key}')}**", help=t("goals_value_help") if key == "value" else None
        )
    for i, goal in enumerate(found):
        with st.container(key=f"goals_row_{i}"):
            cols = st.columns(widths, vertical_alignment="center")
            cols[0].write(t(f"kpi_{goal['kpi']}"))
            cols[1].write(scope_text(goal, names))
            cols[2].write(target_text(goal))
            period = t(f"goals_period_{goal['period']}")
            cols[3].write(f"{period} · {_dates(goal)}")
            cols[4].write(fmt_value(goal["kpi"], goal["value"]))
            icon = {True: ":material/check_circle:", False: ":material/pending:", None: ""}
            cols[5].write(f"{icon[goal['met']]} {met_text(goal['met'])}".strip())
            cols[6].button(
                "",
                icon=":material/delete:",
                help=t("goals_remove"),
                on_click=remove,
                args=(goal,),
                key=f"goals_remove_{i}",
            )


def _dates(goal: dict) -> str:
    return f"{fmt_date(goal['start'])} – {fmt_date(goal['end'])}"


def change_log() -> None:
    log: pd.DataFrame = query(goals.change_log)
    log = log.assign(action=log["action"].map(lambda action: t(f"goals_action_{action}")))
    with st.expander(f"{t('goals_log')} ({len(log)})", icon=":material/history:"):
        st.caption(t("goals_log_caption"))
        show_table(
            log,
            # The roster's log writes its moments the same way.
            {"changed_at": lambda v: f"{fmt_date(v.date())} {v:%H:%M}"},
            hide_index=True,
            column_config={
                "changed_at": st.column_config.DatetimeColumn(t("goals_col_when")),
                "changed_by": t("goals_col_who"),
                "action": t("goals_col_action"),
                "kpi": t("goals_col_kpi"),
                "scope": t("goals_col_scope"),
                "before_value": t("goals_col_before"),
                "after_value": t("goals_col_after"),
            },
            key="goals_log",
        )


def render() -> None:
    st.title(t("page_goals"))
    st.caption(t("goals_caption"))
    message = st.session_state.pop(FLASH, None)
    if message:
        getattr(st, message[0])(message[1])
    new_goal_form()
    current_goals(query(goals.status, dt.date.today()))
    change_log()


render()
