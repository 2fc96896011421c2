"""What every page shares: the connection, cached kpi calls, language, formats, the viewer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import streamlit as st

from kpi import db, i18n, settings

ROLES: tuple[str, ...] = ("director", "rep", "trainer")
PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "director": ("dashboard", "log_contact", "reflection", "training", "import"),
    "admin": ("dashboard", "log_contact", "reflection", "training", "import"),
    "rep": ("dashboard", "log_contact", "reflection", "training"),
    "trainer": ("training", "dashboard"),
}


@dataclass(frozen=True)
class Viewer:
    """Who is using the app right now: a role and, for a rep, which rep (their key)."""

    role: str
    rep_key: str | None = None
    name: str | None = None


# -- data -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return db.connect(path)


def start_run() -> None:
    """Called by app.py at the top of every run: this run's cursor on the one connection."""
    previous = st.session_state.pop("_cursor", None)
    if previous is not None:
        previous[1].close()
    path = str(db.db_path())
    try:
        st.session_state["_cursor"] = (path, _connection(path).cursor())
    except db.StoreError as exc:
        st.error(t("db_error", reason=str(exc)))
        st.stop()


def connection() -> duckdb.DuckDBPyConnection:
    """This run's cursor on the app's one DuckDB connection."""
    current = st.session_state.get("_cursor")
    if current is None or current[0] != str(db.db_path()):
        start_run()
        current = st.session_state["_cursor"]
    return current[1]


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(
    _fn: Callable[..., Any], name: str, database: str, version: int, args: tuple, kwargs: tuple
) -> Any:
    return _fn(connection(), *args, **dict(kwargs))


def query(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(connection, *args, **kwargs) from kpi, cached per database until its data changes."""
    version = db.data_version(connection())
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _cached(fn, name, str(db.db_path()), version, args, tuple(sorted(kwargs.items())))


def data_changed() -> None:
    """Call after a write; cached results are keyed on the data version, this drops stale ones."""
    _cached.clear()


# -- language and formats -------------------------------------------------------------------


def lang() -> str:
    """The language this user picked (kept in the URL so a reload keeps it), else the default."""
    chosen = st.query_params.get("lang") or st.session_state.get("lang")
    if chosen in i18n.LANGS:
        return chosen
    default = settings.get("COMMITBOARD_LANG")
    return default if default in i18n.LANGS else i18n.DEFAULT_LANG


def language_switch() -> str:
    """The language picker in the sidebar; returns the language in force."""
    current = lang()
    choice = st.sidebar.segmented_control(
        i18n.t("language", current),
        options=list(i18n.LANGS),
        format_func=lambda code: {"nl": "Nederlands", "en": "English"}[code],
        default=current,
        key="lang_switch",
    )
    if choice and choice != current:
        current = choice
        _keep_choices()
    st.session_state["lang"] = current
    st.query_params["lang"] = current
    return current


def _keep_choices() -> None:
    """Keep the user's choices across a language switch.

    A select box with translated labels would otherwise match the browser's old-language label
    against the new options, find nothing and fall back to its default (a rep would become the
    director). Writing each chosen value back into session state, before the widgets are drawn
    again, makes Streamlit use the stored value. Only plain values are written back: buttons
    (True/False), uploads and table selections must not be set that way.
    """
    for key, value in list(st.session_state.items()):
        if key in ("lang_switch", "lang") or key.startswith("_") or isinstance(value, bool):
            continue
        if isinstance(value, str | int | float | list | tuple | dt.date):
            st.session_state[key] = value


def t(key: str, **values: object) -> str:
    """A UI text in the user's language."""
    return i18n.t(key, lang(), **values)


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    return i18n.fmt_number(value, lang(), decimals)


def fmt_money(value: float | None, decimals: int = 0) -> str:
    return i18n.fmt_money(value, lang(), decimals)


def fmt_pct(value: float | None, decimals: int = 0) -> str:
    return i18n.fmt_pct(value, lang(), decimals)


def fmt_date(value: dt.date | None) -> str:
    return i18n.fmt_date(value, lang())


def date_format() -> str:
    """The format string for st.date_input in the user's language."""
    return "DD-MM-YYYY" if lang() == "nl" else "YYYY-MM-DD"


# -- who is using the app -------------------------------------------------------------------


def current_viewer() -> Viewer:
    """Demo mode until sign-in is configured: the user picks a role (director by default)."""
    st.sidebar.info(t("demo_banner"), icon=":material/theater_comedy:")
    labels = {r: t(f"role_{r}") for r in ROLES}
    role = st.sidebar.selectbox(
        t("act_as"), options=list(ROLES), format_func=labels.__getitem__, key="act_as"
    )
    who = Viewer(role=role)
    if role == "rep":
        from kpi import metrics

        reps = query(metrics.reps)
        if not reps.empty:
            names = dict(zip(reps["rep_key"], reps["rep_name"], strict=True))
            rep_key = st.sidebar.selectbox(
                t("which_rep"),
                options=list(names),
                format_func=lambda k: names.get(k, k),
                key="act_as_rep",
            )
            who = Viewer(role=role, rep_key=rep_key, name=names.get(rep_key))
    st.session_state["_viewer"] = who
    return who


def viewer() -> Viewer:
    """The viewer for this run, as app.py established it."""
    return st.session_state.get("_viewer") or Viewer(role="director")


def pages_for(who: Viewer) -> tuple[str, ...]:
    """The pages this viewer may open."""
    return PAGES_BY_ROLE.get(who.role, ())
