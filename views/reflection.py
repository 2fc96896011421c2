"""Reflection: one rep's own trend, answers and lessons, and a printable weekly summary."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from kpi import charts, goals, metrics, reflection
from kpi.i18n import field_label, iso_week_label
from views.common import fmt_date, fmt_number, fmt_pct, lang, query, show_table, t, viewer
from views.goal_texts import fmt_value, met_text, target_text

PERIODS: tuple[str, ...] = ("week", "month", "quarter", "year")
TREND_KPIS: tuple[str, ...] = ("commitment_rate", "advance_rate", "reflection_rate")
# Lower is better for these, so a rise shows red.
LOWER_IS_BETTER: frozenset[str] = frozenset({"quick_quote_share"})
COUNT_KEYS: frozenset[str] = frozenset({"contacts", "learning_moments"})
TWELVE_MONTHS = dt.timedelta(days=365)


def kpi_text(key: str, value: float | int | None) -> str:
    return reflection.format_kpi(key, value, lang())


def level_name(level: object) -> str:
    return reflection.level_label(level, lang())


def answer_name(answer: object) -> str:
    return reflection.answer_label(answer, lang())


def dates(column: pd.Series) -> list[str]:
    return [fmt_date(None if pd.isna(d) else pd.Timestamp(d).date()) for d in column]


def delta(key: str, now: float | int | None, before: float | int | None) -> dict[str, object]:
    """st.metric's delta arguments: the change (percentage points for ratios) and its colour."""
    if now is None or before is None:
        return {"delta": None}
    change = now - before
    decimals = 1 if key == "avg_commitment" else 0
    if key in metrics.RATIO_KEYS:
        change = round(100 * change)
    else:
        change = round(change, decimals)
    sign = "+" if change > 0 else ""
    text = sign + fmt_number(change, decimals)
    if key in metrics.RATIO_KEYS:
        text = t("refl_points", value=text)
    if change == 0:
        return {"delta": text, "delta_color": "off", "delta_arrow": "off"}
    if key in COUNT_KEYS:
        # This period is still running, so fewer contacts than a whole period is no verdict.
        return {"delta": text, "delta_color": "off"}
    return {"delta": text, "delta_color": "inverse" if key in LOWER_IS_BETTER else "normal"}


def pick_rep() -> str | None:
    """The rep whose page this is: a rep sees only themself; others pick (key refl_rep)."""
    who = viewer()
    if who.role == "rep":
        return who.rep_key
    reps = query(metrics.reps)
    if reps.empty:
        return None
    names = dict(zip(reps["rep_key"], reps["rep_name"], strict=True))
    rep = st.selectbox(
        t("refl_rep_label"),
        options=list(names),
        format_func=lambda k: names.get(k, k),
        help=t("refl_rep_help"),
        key="refl_rep",
    )
    return rep


def period_section(rep: str, today: dt.date) -> None:
    with st.container(border=True):
        head, choice = st.columns([3, 2], vertical_alignment="center")
        head.subheader(t("refl_period_title"))
        kind = choice.segmented_control(
            t("refl_period_label"),
            options=list(PERIODS),
            format_func={p: t(f"refl_period_{p}") for p in PERIODS}.__getitem__,
            default="quarter",
            required=True,
            label_visibility="collapsed",
            key="refl_period",
        )
        comparison = query(reflection.compare_periods, rep, kind or "quarter", today)
        st.caption(
            t(
                "refl_period_caption",
                start=fmt_date(comparison.window.start),
                end=fmt_date(comparison.window.end),
                prev_start=fmt_date(comparison.previous_window.start),
                prev_end=fmt_date(comparison.previous_window.end),
            )
        )
        keys = reflection.OWN_KPIS
        for row in (keys[:4], keys[4:]):
            for column, key in zip(st.columns(len(row)), row, strict=True):
                now, before = comparison.current[key], comparison.previous[key]
                column.metric(
                    t(f"kpi_{key}"),
                    kpi_text(key, now),
                    **delta(key, now, before),
                    delta_description=t("refl_previous", value=kpi_text(key, before)),
                    help=t(f"kpi_{key}_help"),
                    border=True,
                )


def rep_team(rep: str) -> str | None:
    """The team of the rep whose page this is (the viewer's own for a rep)."""
    who = viewer()
    if who.role == "rep":
        return who.team
    reps = query(metrics.reps)
    teams = dict(zip(reps["rep_key"], reps["team"], strict=True))
    team = teams.get(rep)
    return team if isinstance(team, str) else None


def goals_section(rep: str, today: dt.date) -> None:
    """The goals set for this rep and for their team, and where each stands this period:
    against the target, never against a colleague."""
    team = rep_team(rep)
    found = query(goals.for_rep, rep, team, today)
    if not found:
        return
    with st.container(border=True, key="refl_goals"):
        st.subheader(t("goals_mine_title"), icon=":material/flag:")
        st.caption(t("goals_mine_caption"))
        columns = st.columns(3)
        for i, goal in enumerate(found):
            kpi_name = t(f"kpi_{goal['kpi']}")
            scope = (
                t("goals_mine_for_me")
                if goal["rep"]
                else t("goals_mine_for_team", team=goal["team"])
            )
            period = t(f"goals_period_{goal['period']}")
            with columns[i % 3]:
                st.metric(
                    f"{kpi_name} · {scope}",
                    fmt_value(goal["kpi"], goal["value"]),
                    help=t("goals_value_help"),
                    border=True,
                )
                st.caption(f"{target_text(goal)} / {period} · {met_text(goal['met'])}")
                reaching = goal["kpi"] not in goals.AT_MOST and goal["target"]
                if reaching and goal["value"] is not None:
                    st.progress(min(float(goal["value"]) / goal["target"], 1.0))


# Months named by Vega in the chart's locale (kpi.charts.locale), a January by its year.
MONTH_LABELS = (
    "month(datum.value) == 0 ? timeFormat(datum.value, '%Y') : timeFormat(datum.value, '%b')"
)


def trend_section(rep: str, today: dt.date) -> None:
    st.subheader(t("refl_trend_title"))
    st.caption(t("refl_trend_caption"))
    trend = query(reflection.weekly_trend, rep, today)
    if trend.empty:
        st.info(t("refl_trend_empty"), icon=":material/show_chart:")
    else:
        long = trend.melt(
            id_vars=["iso_year", "iso_week", "week_start", "contacts"],
            value_vars=list(TREND_KPIS),
            var_name="kpi",
            value_name="value",
        )
        long["kpi"] = [t(f"kpi_{k}") for k in long["kpi"]]
        long["week"] = [
            iso_week_label(int(y), int(w), lang())
            for y, w in zip(long["iso_year"], long["iso_week"], strict=True)
        ]
        chart = (
            alt.Chart(long)
            .mark_line(point=True)
            .encode(
                x=alt.X(
                    "week_start:T",
                    title=t("refl_axis_week"),
                    axis=alt.Axis(
                        tickCount={"interval": "month", "step": 1}, labelExpr=MONTH_LABELS
                    ),
                ),
                y=alt.Y(
                    "value:Q", title=None, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
                ),
                color=alt.Color("kpi:N", title=None, legend=alt.Legend(orient="bottom")),
                tooltip=[
                    alt.Tooltip("week:N", title=t("refl_axis_week")),
                    alt.Tooltip("kpi:N", title=t("refl_sum_kpi")),
                    alt.Tooltip("value:Q", title=t("refl_sum_value"), format=".0%"),
                    alt.Tooltip("contacts:Q", title=t("kpi_contacts")),
                ],
            )
            .properties(height=280)
            .configure(locale=charts.locale(lang()))
        )
        st.altair_chart(chart, width="stretch")

    st.markdown(f"**{t('refl_quarters_title')}**")
    frame = query(reflection.quarters, rep, today)
    this_quarter = len(frame) - 1
    table = pd.DataFrame(
        {
            t("refl_quarter"): [
                t("refl_quarter_label", quarter=q, year=y)
                + (f" ({t('refl_this_quarter')})" if i == this_quarter else "")
                for i, (q, y) in enumerate(zip(frame["quarter"], frame["year"], strict=True))
            ],
            **{
                t(f"kpi_{key}"): [kpi_text(key, None if pd.isna(v) else v) for v in frame[key]]
                for key in reflection.OWN_KPIS
            },
        }
    ).iloc[::-1]
    show_table(table, hide_index=True, width="stretch")


def answers_section(rep: str, window: metrics.Window) -> None:
    st.subheader(t("question_repeat"))
    st.caption(t("refl_answers_caption"))
    frame = query(reflection.answers, rep, window)
    total = int(frame["contacts_count"].sum())
    if total == 0:
        st.info(t("refl_answers_empty"), icon=":material/chat:")
        return
    for column, row in zip(st.columns(len(frame)), frame.to_dict("records"), strict=True):
        share = None if pd.isna(row["share"]) else float(row["share"])
        column.metric(
            answer_name(row["would_repeat"]),
            fmt_pct(share),
            delta=t(
                "refl_of_contacts", count=fmt_number(row["contacts_count"]), total=fmt_number(total)
            ),
            delta_color="off",
            delta_arrow="off",
            border=True,
        )

    changes = query(reflection.changes, rep, window)
    st.markdown(f"**{t('refl_sum_changes')}**")
    if changes.empty:
        st.info(t("refl_changes_empty"), icon=":material/thumb_up:")
    else:
        show_table(
            pd.DataFrame(
                {
                    field_label("contact_date", lang()): dates(changes["contact_date"]),
                    field_label("account", lang()): changes["account"],
                    field_label("would_repeat", lang()): [
                        answer_name(a) for a in changes["would_repeat"]
                    ],
                    t("refl_would_change"): [
                        t("refl_no_reflection") if pd.isna(r) else r for r in changes["reflection"]
                    ],
                    field_label("commitment_level", lang()): [
                        level_name(n) for n in changes["commitment_level"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def lessons_section(rep: str, window: metrics.Window) -> None:
    st.subheader(t("refl_lessons_title"))
    frame = query(reflection.lessons, rep, window)
    if frame.empty:
        st.info(t("refl_lessons_empty"), icon=":material/lightbulb:")
        return
    st.caption(t("refl_lessons_caption", count=fmt_number(len(frame))))
    show_table(
        pd.DataFrame(
            {
                field_label("contact_date", lang()): dates(frame["contact_date"]),
                field_label("account", lang()): frame["account"],
                field_label("lesson", lang()): frame["lesson"],
                field_label("share_for_training", lang()): [
                    t("refl_yes") if s else "" for s in frame["share_for_training"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def summary_table(frame: pd.DataFrame, columns: dict[str, object]) -> None:
    """A section of the weekly summary; columns maps a heading to a column or a list of cells."""
    if frame.empty:
        st.caption(t("refl_sum_none"))
        return
    show_table(pd.DataFrame(columns), hide_index=True, width="stretch")


def week_option(iso_year: int, iso_week: int) -> str:
    window = reflection.week_window(iso_year, iso_week)
    return t(
        "refl_week_option",
        week=iso_week_label(iso_year, iso_week, lang()),
        start=fmt_date(window.start),
        end=fmt_date(window.end),
    )


def weekly_section(rep: str, today: dt.date) -> None:
    st.subheader(t("refl_week_title"))
    st.caption(t("refl_week_caption"))
    weeks = reflection.recent_weeks(today)
    default = reflection.last_full_week(today)
    picked = st.columns([2, 3])[0].selectbox(
        t("refl_week_label"),
        options=weeks,
        index=weeks.index(default),
        format_func={w: week_option(*w) for w in weeks}.__getitem__,
        key="refl_week",
    )
    summary = query(reflection.weekly_summary, rep, picked[0], picked[1])
    stem = reflection.file_stem(summary)
    with st.container(border=True):
        left, md, page = st.columns([4, 1, 1], vertical_alignment="center")
        left.markdown(
            f"**{t('refl_sum_period', start=fmt_date(summary.start), end=fmt_date(summary.end))}**"
        )
        md.download_button(
            t("refl_download_md"),
            data=reflection.weekly_summary_markdown(summary, lang()),
            file_name=f"{stem}.md",
            mime="text/markdown",
            icon=":material/description:",
            key="refl_dl_md",
            width="stretch",
        )
        page.download_button(
            t("refl_download_html"),
            data=reflection.weekly_summary_html(summary, lang()),
            file_name=f"{stem}.html",
            mime="text/html",
            icon=":material/print:",
            help=t("refl_download_html_help"),
            key="refl_dl_html",
            width="stretch",
        )
        keys = reflection.SUMMARY_KPIS
        for row in (keys[:5], keys[5:]):
            for column, key in zip(st.columns(5), row, strict=False):
                column.metric(
                    t(f"kpi_{key}"), kpi_text(key, summary.kpis[key]), help=t(f"kpi_{key}_help")
                )
        if summary.contacts.empty:
            st.info(t("refl_week_empty"), icon=":material/event_busy:")

        label = lambda name: field_label(name, lang())  # noqa: E731
        st.markdown(f"**{t('refl_sum_realised')}**")
        realised = summary.realised
        summary_table(
            realised,
            {
                label("contact_date"): dates(realised["contact_date"]),
                label("account"): realised["account"],
                label("commitment_level"): [level_name(n) for n in realised["commitment_level"]],
                label("commitment_due"): dates(realised["commitment_due"]),
                label("commitment_status"): [
                    t(f"status_{s}") for s in realised["commitment_status"]
                ],
                label("commitment"): realised["commitment"],
            },
        )
        st.markdown(f"**{t('refl_sum_open')}**")
        still_open = summary.open_commitments
        summary_table(
            still_open,
            {
                label("commitment_due"): dates(still_open["commitment_due"]),
                label("account"): still_open["account"],
                label("commitment_level"): [level_name(n) for n in still_open["commitment_level"]],
                label("contact_date"): dates(still_open["contact_date"]),
                label("commitment"): still_open["commitment"],
            },
        )
        st.markdown(f"**{t('question_repeat')}**")
        st.text(
            " · ".join(
                f"{answer_name(a)}: {fmt_number(n)}"
                for a, n in zip(
                    summary.answers["would_repeat"], summary.answers["contacts_count"], strict=True
                )
            )
        )
        st.markdown(f"**{t('refl_sum_lessons')}**")
        lessons = summary.lessons
        summary_table(
            lessons,
            {
                label("contact_date"): dates(lessons["contact_date"]),
                label("account"): lessons["account"],
                label("lesson"): lessons["lesson"],
            },
        )
        st.markdown(f"**{t('refl_sum_changes')}**")
        changes = summary.changes
        summary_table(
            changes,
            {
                label("contact_date"): dates(changes["contact_date"]),
                label("account"): changes["account"],
                label("would_repeat"): [answer_name(a) for a in changes["would_repeat"]],
                t("refl_would_change"): [
                    t("refl_no_reflection") if pd.isna(r) else r for r in changes["reflection"]
                ],
            },
        )


# -- the page --------------------------------------------------------------------------------------

st.title(t("page_reflection"))
st.caption(t("refl_caption"))

with st.columns([2, 3])[0]:
    rep = pick_rep()
if rep is None:
    st.info(t("refl_no_reps"), icon=":material/person_search:")
    st.stop()
if viewer().role == "rep":
    st.caption(t("refl_own_page"))

today = dt.date.today()
year = metrics.Window(today - TWELVE_MONTHS + dt.timedelta(days=1), today)
trend, answers, week = st.tabs(
    [
        t("refl_tab_trend"),
        t("refl_tab_answers"),
        t("refl_tab_week"),
    ]
)
with trend:
    goals_section(rep, today)
    period_section(rep, today)
    trend_section(rep, today)
with answers:
    answers_section(rep, year)
    lessons_section(rep, year)
with week:
    weekly_section(rep, today)
