"""The training page: stories reps offered, lessons by theme, the ladder, a presenter mode."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpi import evidence, evidence_charts, metrics, training
from kpi.fields import LEVELS
from kpi.markdown import escape_markdown as md
from views.common import colours, fmt_date, lang, query, show_table, t, viewer
from views.evidence_view import headline

MISSING_SHOWN = 20  # characters the PDF cannot draw, named in the note above the downloads

ANONYMISER = "train_anonymiser"  # one per browser session: an account keeps its label all session
INDEX = "train_story_index"  # the story the presenter is on
CARDS = 50  # story cards in the normal view; narrower filters show older stories
WALL_ITEMS = 8  # different lessons listed per theme before "all lessons"
LEVEL_COLORS = {0: "gray", 1: "blue", 2: "green", 3: "violet", 4: "orange"}
# Presenter mode: larger type in the story area only (no user text in here).
PRESENTER_CSS = """
<style>
.st-key-train_stage [data-testid="stMarkdownContainer"] p { font-size: 1.6rem; line-height: 1.45; }
.st-key-train_stage h2 { font-size: 2.6rem; }
.st-key-train_story_position [data-testid="stMarkdownContainer"] p { font-size: 1.3rem; }
</style>
"""


def _anonymiser() -> training.Anonymiser:
    anonymiser = st.session_state.get(ANONYMISER)
    if anonymiser is None:
        anonymiser = st.session_state[ANONYMISER] = training.Anonymiser()
    anonymiser.lang = lang()
    return anonymiser


def _presenter_switched() -> None:
    # A screen is about to be shared: names go first, and the show starts at the first story.
    if st.session_state.get("train_presenter"):
        st.session_state["train_hide_names"] = True
        st.session_state[INDEX] = 0


def _step(delta: int, count: int) -> None:
    st.session_state[INDEX] = min(max(st.session_state.get(INDEX, 0) + delta, 0), count - 1)


def _filters(show: bool) -> tuple[str, str | None, tuple[int, ...]]:
    """Period, rep and levels; the widgets keep their values while presenter mode hides them."""
    if show:
        reps = query(metrics.reps)
        # Labels made now: AppTest (and Streamlit) may call format_func outside this run.
        periods = {kind: t(f"train_period_{kind}") for kind in training.PERIODS}
        rep_names = {None: t("train_rep_all")} | dict(
            zip(reps["rep_key"], reps["rep_name"], strict=True)
        )
        level_names = {level: f"{level} · {t(f'level_{level}')}" for level in LEVELS}
        period_col, rep_col, level_col = st.columns([1, 1, 2])
        period_col.selectbox(
            t("train_period"),
            options=list(periods),
            index=list(periods).index(training.DEFAULT_PERIOD),
            format_func=periods.__getitem__,
            key="train_period",
            persist_state="page",
        )
        rep_col.selectbox(
            t("train_rep"),
            options=list(rep_names),
            format_func=lambda key: rep_names.get(key, key),
            key="train_rep",
            persist_state="page",
        )
        level_col.pills(
            t("train_levels"),
            options=list(level_names),
            selection_mode="multi",
            format_func=level_names.__getitem__,
            help=t("train_levels_help"),
            key="train_levels",
            wrap=True,
            persist_state="page",
        )
    state = st.session_state
    return (
        state.get("train_period") or training.DEFAULT_PERIOD,
        state.get("train_rep"),
        tuple(sorted(state.get("train_levels") or ())),
    )


def _section(title_key: str, lines: list[tuple[str, str]]) -> str:
    """A card section as Markdown: our labels in grey, the user's words escaped."""
    body = "  \n".join(f":gray[{md(label)}] {md(value)}" for label, value in lines)
    return f"**{t(title_key)}**  \n{body}"


def _story_body(story: training.Story) -> None:
    """Situation left; approach and commitment in the middle; reflection and lesson right."""
    sections = dict(training.story_sections(story, lang()))
    columns = st.columns(3)
    for column, keys in zip(
        columns, (("situation",), ("approach", "commitment"), ("reflection", "lesson")), strict=True
    ):
        for key in keys:
            if sections[key]:
                column.markdown(_section(f"train_section_{key}", sections[key]))


def _level_badge(level: int) -> None:
    st.badge(training.level_label(level, lang()), color=LEVEL_COLORS.get(level, "gray"))


def _card(story: training.Story) -> None:
    with st.container(border=True, key=f"train_card_{story.id}"):
        head, badge = st.columns([4, 1], vertical_alignment="center")
        head.subheader(md(story.account), anchor=False)
        head.caption(f"{fmt_date(story.contact_date)} · {md(story.rep_name)}")
        with badge:
            _level_badge(story.commitment_level)
        _story_body(story)


def _presenter(stories: list[training.Story]) -> None:
    if not stories:
        st.info(t("train_no_stories"), icon=":material/info:")
        return
    count = len(stories)
    index = min(max(st.session_state.get(INDEX, 0), 0), count - 1)
    st.session_state[INDEX] = index
    st.html(PRESENTER_CSS)
    with st.container(horizontal=True, vertical_alignment="center", key="train_nav"):
        st.button(
            t("train_prev"),
            key="train_prev",
            icon=":material/arrow_back:",
            on_click=_step,
            args=(-1, count),
            disabled=index == 0,
            shortcut="Left",
        )
        with st.container(key="train_story_position", width="content"):
            st.markdown(t("train_story_of", i=index + 1, n=count))
        st.button(
            t("train_next"),
            key="train_next",
            icon=":material/arrow_forward:",
            on_click=_step,
            args=(1, count),
            disabled=index == count - 1,
            shortcut="Right",
        )
    story = stories[index]
    with st.container(border=True, key="train_stage"):
        st.header(md(story.account), anchor=False)
        _level_badge(story.commitment_level)
        _story_body(story)
    st.caption(t("train_presenter_tip"))


def _stories_tab(stories: list[training.Story], total: int) -> None:
    if not stories:
        st.info(t("train_no_stories"), icon=":material/info:")
        return
    st.caption(t("train_stories_count", total=total, shown=min(CARDS, len(stories))))
    for story in stories[:CARDS]:
        _card(story)


def _lessons_tab(lessons: list[training.Lesson], total: int) -> None:
    if not lessons:
        st.info(t("train_no_lessons"), icon=":material/info:")
        return
    caption = t("train_lessons_caption", total=total)
    if total > len(lessons):
        caption += " " + t("train_lessons_limited", shown=len(lessons))
    st.caption(caption)
    keywords = dict(training.THEMES)
    columns = st.columns(2)
    for i, group in enumerate(training.theme_wall(lesson.text for lesson in lessons)):
        with columns[i % 2].container(border=True, key=f"train_theme_{group.key}"):
            st.markdown(
                f"**{t(f'train_theme_{group.key}')}** · {t('train_theme_count', n=group.count)}"
            )
            if group.key in keywords:
                st.caption(t("train_theme_keywords", words=", ".join(keywords[group.key])))
            st.markdown(
                "\n".join(
                    f"- {md(text)}" + (f" (×{times})" if times > 1 else "")
                    for text, times in group.items[:WALL_ITEMS]
                )
            )
            if len(group.items) > WALL_ITEMS:
                with st.expander(t("train_lessons_all", n=len(group.items))):
                    show_table(
                        pd.DataFrame(
                            group.items, columns=[t("train_lesson_col"), t("train_times_col")]
                        ),
                        hide_index=True,
                    )


def _ladder_tab(examples: list[training.Example]) -> None:
    st.caption(t("train_ladder_caption"))
    for level in LEVELS:
        texts = [e.commitment for e in examples if e.level == level]
        with st.container(border=True, key=f"train_level_{level}"):
            left, right = st.columns([2, 3])
            left.markdown(f"#### {level} · {t(f'level_{level}')}")
            left.caption(t(f"level_{level}_help"))
            if texts:
                right.markdown(
                    f"**{t('train_ladder_examples')}**  \n"
                    + "\n".join(f"- {md(text)}" for text in texts)
                )
            else:
                right.caption(
                    t("train_ladder_level0" if level == 0 else "train_ladder_no_examples")
                )


def _handout_tab(
    stories: list[training.Story],
    lessons: list[training.Lesson],
    anonymiser: training.Anonymiser | None,
) -> None:
    st.caption(t("train_handout_caption", stories=len(stories)))
    if anonymiser is None:
        st.warning(t("train_handout_shown"), icon=":material/visibility:")
    else:
        st.caption(t("train_handout_hidden"))
    language = lang()
    today = dt.date.today()
    missing = training.handout_pdf_missing(stories, lessons, language, anonymiser, today)
    if missing:
        chars = ", ".join(md(run, inline=True) for run in missing[:MISSING_SHOWN])
        if len(missing) > MISSING_SHOWN:
            chars += ", …"
        st.info(
            t("train_handout_pdf_missing", chars=chars, mark=training.PDF_MARK),
            icon=":material/info:",
        )
    with st.container(horizontal=True):
        st.download_button(
            t("train_handout_md"),
            data=training.handout_markdown(stories, lessons, language, anonymiser, today),
            file_name=f"training-{today.isoformat()}.md",
            mime="text/markdown",
            icon=":material/description:",
            key="train_handout_md",
            on_click="ignore",
        )
        # The PDF is only made when someone clicks (a long selection takes a moment).
        st.download_button(
            t("train_handout_pdf"),
            data=lambda: training.handout_pdf(stories, lessons, language, anonymiser, today),
            file_name=f"training-{today.isoformat()}.pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            key="train_handout_pdf",
            on_click="ignore",
        )


def _evidence_tab(today: dt.date) -> None:
    """The team's own evidence that commitment pays: totals only, so no customer or rep is
    named (kpi.access gives a rep their team's, a trainer everyone's)."""
    st.subheader(t("ev_training_title"))
    st.caption(t("ev_caption"))
    found = query(evidence.evidence, as_of=today)
    if not (found.quick["quotes"] + found.considered["quotes"]):
        st.info(t("ev_no_quotes"), icon=":material/request_quote:")
        return
    headline(found)
    curves = query(evidence.revenue_curves, as_of=today)
    if not curves.empty:
        st.altair_chart(evidence_charts.revenue_after(curves, lang(), colours()), width="stretch")
        st.caption(t("ev_curves_caption"))


# -- the page ------------------------------------------------------------------------------------

who = viewer()
if "train_hide_names" not in st.session_state:
    # The director looks at the team's own data; anyone else may be sharing a screen.
    st.session_state["train_hide_names"] = who.role not in ("director", "admin")

st.title(t("page_training"))
if not st.session_state.get("train_presenter"):
    st.caption(t("train_caption"))
with st.container(horizontal=True, key="train_switches"):
    presenter = st.toggle(
        t("train_presenter"),
        key="train_presenter",
        help=t("train_presenter_help"),
        on_change=_presenter_switched,
    )
    hide = st.toggle(t("train_hide_names"), key="train_hide_names", help=t("train_hide_names_help"))

period, rep, levels = _filters(show=not presenter)
window = training.period_window(period, dt.date.today())
filters = metrics.Filters().with_rep(rep)
stories, story_total = query(training.shared_stories, window, filters, levels)
lessons, lesson_total = ([], 0) if presenter else query(training.lessons, window, filters)
examples = [] if presenter else query(training.ladder_examples, window, filters)

anonymiser = _anonymiser() if hide else None
if anonymiser is not None:
    # Every name on the page gets its label before any text is shown, stories first.
    anonymiser.register([*stories, *lessons, *examples])
    shown_stories = [anonymiser.story(s) for s in stories]
    shown_lessons = [anonymiser.lesson(item) for item in lessons]
    shown_examples = [anonymiser.example(e) for e in examples]
else:
    shown_stories, shown_lessons, shown_examples = stories, lessons, examples

if presenter:
    _presenter(shown_stories)
else:
    tab_stories, tab_lessons, tab_ladder, tab_handout, tab_evidence = st.tabs(
        [
            f":material/forum: {t('train_tab_stories')}",
            f":material/lightbulb: {t('train_tab_lessons')}",
            f":material/stairs: {t('train_tab_ladder')}",
            f":material/download: {t('train_tab_handout')}",
            f":material/insights: {t('page_evidence')}",
        ],
        key="train_tabs",
    )
    with tab_stories:
        _stories_tab(shown_stories, story_total)
    with tab_lessons:
        _lessons_tab(shown_lessons, lesson_total)
    with tab_ladder:
        _ladder_tab(shown_examples)
    with tab_handout:
        _handout_tab(stories, lessons, anonymiser)
    with tab_evidence:
        _evidence_tab(dt.date.today())
