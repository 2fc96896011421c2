"""What every page shares: the connection, cached kpi calls, language, formats, the viewer."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from kpi import access, backup, charts, db, exports, i18n, metrics, preferences, settings
from kpi.access import PAGES_BY_ROLE, AccessDenied, Viewer
from kpi.markdown import escape_markdown

# The roles one can act as in demo mode, in the picker's order.
ROLES: tuple[str, ...] = access.ROLES
__all__ = ["PAGES_BY_ROLE", "ROLES", "Viewer"]
# Nobody: what a page sees if it ever ran without app.py establishing the viewer. No rule in
# kpi.access opens anything to it.
NOBODY = Viewer(role="nobody")
# What the app recovers from goes here, one line each (a reopened database, a refused sign-in).
log = logging.getLogger("commitboard.app")


# -- data -----------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    con = db.connect(path)
    # DuckDB's own default is 80% of the machine; with 10M contacts that would take the app
    # past 1 GB (bench/RESULTS.md).
    db.limit_memory(con, settings.get("COMMITBOARD_MEMORY_LIMIT"))
    if not db.is_lake(path):
        # `python -m kpi backup` cannot open the file while this process holds it, so it asks
        # us (a lake is read by any number of processes: the backup reads it itself).
        backup.serve_requests(con, path)
    return con


def start_run() -> None:
    """Called by app.py at the top of every run: this run's cursor on the one connection."""
    previous = st.session_state.pop("_cursor", None)
    if previous is not None:
        previous[2].close()
    st.session_state.pop(_RUN_VERSION, None)
    path = db.target()
    try:
        con = _connection(path)
        st.session_state["_cursor"] = (path, con, con.cursor())
    except db.StoreError as exc:
        st.error(store_error_text(exc, path), icon=":material/database_off:")
        st.stop()


def store_error_text(exc: db.StoreError, path: str) -> str:
    """What a page says when the database does not open: what is wrong and the way out, in one
    line. The language is looked up without the database (lang() may need it, signed in)."""
    chosen = st.query_params.get("lang") or st.session_state.get("lang")
    language = chosen if chosen in i18n.LANGS else settings.get("COMMITBOARD_LANG")
    key = f"db_error_{exc.kind}"
    if key not in i18n.TEXTS:
        return i18n.t("db_error", language, reason=escape_markdown(str(exc), inline=True))
    command = f"python -m kpi recover --db {path}"
    return i18n.t(key, language, db=db.describe(path), command=command)


def connection() -> duckdb.DuckDBPyConnection:
    """This run's cursor on the app's one DuckDB connection."""
    current = st.session_state.get("_cursor")
    if current is None or current[0] != db.target():
        start_run()
        current = st.session_state["_cursor"]
    return current[2]


# DuckDB failures that leave its database instance unusable: after an internal error DuckDB
# refuses every further query with a FatalException ("database has been invalidated") until
# the file is opened again. Without reopening, one such error would break the app for every
# user until it is restarted (kpi.training._NO_WINDOW_COUNT names the one we met).
# A session whose run was under way while another one closed that connection gets a
# ConnectionException ("Connection already closed") and moves on to the new one the same way.
_BROKEN = (duckdb.FatalException, duckdb.InternalException, duckdb.ConnectionException)


def _reopen(reason: BaseException) -> None:
    """Close the connection DuckDB gave up on; the next connection() opens the file again.
    Every session's cursor belongs to it and is replaced at that session's next run."""
    current = st.session_state.pop("_cursor", None)
    if current is None:
        return
    path, broken, _ = current
    log.warning("database %s opened again after: %s", path, str(reason).strip().splitlines()[0])
    try:
        broken.close()  # once its last connection is closed DuckDB lets go of the database
    except duckdb.Error:
        pass
    # Another session may have opened the new connection already; keep that one.
    try:
        if _connection(path) is not broken:
            return
    except db.StoreError:  # the file cannot be opened now: connection() will say why
        pass
    _connection.clear()


def _reopening(work: Callable[[], Any]) -> Any:
    """work(), once more on a reopened database if DuckDB gave up on the open one. Safe for
    changes too: the statement that failed ended its transaction uncommitted, and DuckDB writes
    nothing to an invalidated database."""
    try:
        return work()
    except _BROKEN as exc:
        _reopen(exc)
        return work()


# The data version this run's cached reads are keyed on: read once per run, not before each
# read (on a lake one read costs 5-10 ms, and a dashboard run makes 6-9 reads), and read again
# after a write of this run (call(), data_changed()). Another server's write is seen at the
# next run, that is, at the next page load or click.
_RUN_VERSION = "_run_data_version"


def data_version() -> int:
    """The data version of the app's database (db.data_version) as this run knows it, reopening
    the database if need be."""
    known = st.session_state.get(_RUN_VERSION)
    if known is None or known[0] != db.target():
        known = (db.target(), _reopening(lambda: db.data_version(connection())))
        st.session_state[_RUN_VERSION] = known
    return known[1]


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(
    _fn: Callable[..., Any], name: str, database: str, version: int, args: tuple, kwargs: tuple
) -> Any:
    return _fn(connection(), *args, **dict(kwargs))


def _read(fn: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> Any:
    name = f"{fn.__module__}.{fn.__qualname__}"

    def read() -> Any:
        version = data_version()
        return _cached(fn, name, db.target(), version, args, tuple(sorted(kwargs.items())))

    return _reopening(read)


def _identity(fn: Callable[..., Any], *args: Any) -> Any:
    """fn(connection, *args), unchecked and uncached: a lookup about who is using the app, made
    before there is a viewer to check against (tests/kpi/test_access.py lists which)."""
    return _reopening(lambda: fn(connection(), *args))


def _denied(exc: AccessDenied) -> None:
    st.error(t("auth_denied"), icon=":material/block:")
    st.stop()


def query(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(connection, *args, **kwargs) from kpi, as the viewer may see it (kpi.access), cached
    per database until its data changes. The cache is keyed on the narrowed arguments, so two
    viewers share a result only when they may both see all of it."""
    try:
        checked = access.authorize(viewer(), fn, args, kwargs)
    except AccessDenied as exc:
        _denied(exc)
    return checked.post(_read(fn, checked.args, checked.kwargs))


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(connection, *args, **kwargs), uncached, as the viewer may make it (kpi.access): for
    changes, and for exports too big to keep in the cache."""
    try:
        checked = access.authorize(viewer(), fn, args, kwargs)
    except AccessDenied as exc:
        _denied(exc)
    try:
        return checked.post(_reopening(lambda: fn(connection(), *checked.args, **checked.kwargs)))
    finally:
        st.session_state.pop(_RUN_VERSION, None)  # it may have written


def data_changed() -> None:
    """Call after a write; cached results are keyed on the data version, this drops stale ones."""
    st.session_state.pop(_RUN_VERSION, None)
    _cached.clear()


# -- language and formats -------------------------------------------------------------------


def lang() -> str:
    """The language this user picked (kept in the URL so a reload keeps it), else the one they
    last picked signed in, else the default."""
    chosen = st.query_params.get("lang") or st.session_state.get("lang")
    if chosen in i18n.LANGS:
        return chosen
    kept = _kept_language()
    if kept:
        return kept
    default = settings.get("COMMITBOARD_LANG")
    return default if default in i18n.LANGS else i18n.DEFAULT_LANG


def _kept_language() -> str | None:
    """The language a signed-in person picked before: signing in returns to the front page
    without the language in the URL. Looked up once per session, before the switch is drawn."""
    if "_kept_lang" not in st.session_state:
        kept = None
        if auth_configured() and st.user.get("is_logged_in", False):
            email = signed_in_email(st.user)
            kept = _identity(preferences.language_of, email) if email else None
        st.session_state["_kept_lang"] = kept
    return st.session_state["_kept_lang"]


def keep_language_choice() -> None:
    """Called by app.py once the viewer is known: a language picked while signed in is kept
    for this person's next sign-in (kpi.preferences)."""
    picked = st.session_state.pop("_lang_picked", None)
    if picked and viewer().signed_in:
        call(preferences.remember_language, email=None, lang=picked)
        st.session_state["_kept_lang"] = picked


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
        st.session_state["_lang_picked"] = choice
    st.session_state["lang"] = current
    st.query_params["lang"] = current
    _document_language(current)
    return current


# Streamlit serves every page as <html lang="en"> and 1.67 has no setting for it; screen readers
# then read Dutch with English pronunciation. st.html runs a script in the page itself (not in a
# frame) only with unsafe_allow_javascript; this one sets the language and hides its own empty
# element so the sidebar keeps its spacing. Nothing but a code from i18n.LANGS goes into it.
_DOCUMENT_LANGUAGE = """<script>
document.documentElement.lang = "LANG";
document.currentScript?.closest('[data-testid="stElementContainer"]')?.style.setProperty("display", "none");
</script>"""


def _document_language(current: str) -> None:
    if current not in i18n.LANGS:
        raise ValueError(f"not a language of the app: {current!r}")
    st.sidebar.html(_DOCUMENT_LANGUAGE.replace("LANG", current), unsafe_allow_javascript=True)


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


# What every table shows for a missing value (never None, nan, NaT or null).
MISSING = "–"


def table_formats(frame: pd.DataFrame) -> dict[str, Callable[[Any], str]]:
    """How each column of numbers or dates is written in the user's language: whole numbers
    1.234 / 1,234, other numbers with two decimals, dates 31-03-2026 / 2026-03-31."""
    formats: dict[str, Callable[[Any], str]] = {}
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype):
            continue
        if pd.api.types.is_integer_dtype(dtype):
            formats[name] = fmt_number
        elif pd.api.types.is_float_dtype(dtype):
            formats[name] = lambda v: fmt_number(v, 0 if float(v).is_integer() else 2)
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            formats[name] = lambda v: fmt_date(pd.Timestamp(v).date())
        elif pd.api.types.is_object_dtype(dtype) and any(
            isinstance(v, dt.date) for v in frame[name].head(20)
        ):
            formats[name] = lambda v: fmt_date(v) if isinstance(v, dt.date) else str(v)
    return formats


def show_table(
    frame: pd.DataFrame,
    formats: dict[str, Callable[[Any], str]] | None = None,
    **kwargs: Any,
) -> None:
    """st.dataframe with every number and date written the way the chosen language writes them
    (Streamlit's own column formats follow the browser's locale, not the language picked here)
    and a missing value as "–". The values stay numbers and dates, so the columns still sort.
    `formats` overrides the writing of some columns (percentages, money)."""
    written = table_formats(frame) | (formats or {})
    shown = frame.style.format(written, na_rep=MISSING) if written else frame
    st.dataframe(shown, placeholder=MISSING, **kwargs)


def download_buttons(
    export: pd.DataFrame,
    stem: str,
    sheet: str,
    key: str,
    percent_columns: list[str] = (),
    money_columns: list[str] = (),
) -> None:
    """A table's CSV and Excel downloads side by side. The files are written only when a
    button is clicked, not on every run of the page; the CSV in the language's own way."""
    buttons = st.container(horizontal=True)
    buttons.download_button(
        t("dash_download_csv"),
        data=partial(exports.frame_to_csv_bytes, export, lang()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=f"{key}_csv",
    )
    buttons.download_button(
        t("dash_download_xlsx"),
        data=partial(
            exports.frame_to_xlsx_bytes,
            export,
            sheet=sheet,
            percent_columns=list(percent_columns),
            money_columns=list(money_columns),
        ),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
        on_click="ignore",
        key=f"{key}_xlsx",
    )


def theme_kind() -> str:
    """The theme the viewer's browser shows, "light" or "dark", as Streamlit reports it."""
    kind = st.context.theme.type
    return kind if kind in charts.PALETTES else "light"


def colours(kind: str | None = None) -> charts.Palette:
    """The colours of the theme the viewer sees (or of the `kind` given), as
    .streamlit/config.toml defines them: the charts and the KPI tiles take theirs from it."""
    kind = kind or theme_kind()

    def option(name: str) -> str | None:
        try:
            return st.get_option(f"theme.{kind}.{name}")
        except Exception:  # an option this Streamlit does not know: keep the app's default
            return None

    return charts.palette(
        kind,
        text=option("textColor"),
        background=option("backgroundColor"),
        primary=option("primaryColor"),
    )


def date_format() -> str:
    """The format string for st.date_input in the user's language."""
    return "DD-MM-YYYY" if lang() == "nl" else "YYYY-MM-DD"


# -- who is using the app -------------------------------------------------------------------


def auth_configured() -> bool:
    """Sign-in is on when the secrets have an [auth] section; then there is no demo mode."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def current_viewer() -> Viewer:
    """Who is using the app: the signed-in person as the roster knows them, or in demo mode
    (no [auth] in the secrets) the role picked in the sidebar. Stops the run when nobody may
    see anything (signed out, or signed in but not on the roster)."""
    who = _signed_in_viewer() if auth_configured() else _demo_viewer()
    st.session_state["_viewer"] = who
    return who


def _signed_in_viewer() -> Viewer:
    st.session_state["_viewer"] = NOBODY
    if not st.user.get("is_logged_in", False):
        st.title(t("auth_title"))
        st.caption(t("auth_caption"))
        st.button(
            t("auth_sign_in"),
            key="login",
            type="primary",
            icon=":material/login:",
            on_click=st.login,
        )
        st.stop()
    email = signed_in_email(st.user)
    # Cached per data version: every roster change bumps it, so a removal counts at once.
    who = _read(access.viewer_for_email, (email,), {}) if email else None
    if who is None:
        _sign_out_button()
        if not st.session_state.get("_refusal_logged"):  # once per session, not per rerun
            st.session_state["_refusal_logged"] = True
            log.warning("sign-in refused: %s", email or "no verified e-mail address")
        if email:
            shown = escape_markdown(email, inline=True)
            st.warning(t("auth_not_on_roster", email=shown), icon=":material/person_off:")
        else:
            st.warning(t("auth_no_email"), icon=":material/person_off:")
        st.stop()
    st.sidebar.caption(t("auth_signed_in_as", name=who.label, role=t(f"role_{who.role}")))
    _sign_out_button()
    return who


def signed_in_email(user: Any) -> str | None:
    """The address to look up on the roster. Entra ID may leave out "email" for accounts
    without a mailbox; its user name (UPN) is then the address people sign in with. An address
    the provider says it has not verified is not trusted."""
    if user.get("email_verified") is False:
        return None
    return user.get("email") or user.get("preferred_username")


def _sign_out_button() -> None:
    st.sidebar.button(
        t("auth_sign_out"), key="logout", icon=":material/logout:", on_click=st.logout
    )


def _demo_viewer() -> Viewer:
    """Demo mode: the user picks a role (director by default) and, as a rep, which rep."""
    st.sidebar.info(t("demo_banner"), icon=":material/theater_comedy:")
    labels = {r: t(f"role_{r}") for r in ROLES}
    role = st.sidebar.selectbox(
        t("act_as"), options=list(ROLES), format_func=labels.__getitem__, key="act_as"
    )
    who = Viewer(role=role)
    if role == "rep":
        # Picking who one is needs the whole list, before any viewer is established.
        reps = _read(metrics.reps, (), {})
        if not reps.empty:
            names = dict(zip(reps["rep_key"], reps["rep_name"], strict=True))
            teams = dict(zip(reps["rep_key"], reps["team"], strict=True))
            rep_key = st.sidebar.selectbox(
                t("which_rep"),
                options=list(names),
                format_func=lambda k: names.get(k, k),
                key="act_as_rep",
            )
            name = names.get(rep_key)
            team = teams.get(rep_key)
            who = Viewer(
                role=role,
                rep_key=rep_key,
                name=name,
                team=team if isinstance(team, str) else None,
                keys=tuple(dict.fromkeys(k for k in (rep_key, access.key_of(name)) if k)),
            )
    return who


def viewer() -> Viewer:
    """The viewer for this run, as app.py established it (nobody, if it did not)."""
    return st.session_state.get("_viewer") or NOBODY


def pages_for(who: Viewer) -> tuple[str, ...]:
    """The pages this viewer may open."""
    return access.pages_for(who)
