"""One rep's reflection: own answers, lessons and trend, and a printable weekly summary."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from kpi import i18n, metrics
from kpi.contacts import open_commitments
from kpi.fields import has_text
from kpi.markdown import escape_markdown
from kpi.metrics import Filters, Window

ANSWERS: tuple[str, ...] = ("yes", "partly", "no", "unanswered")
# The KPIs a rep compares with their own past (ratios first, then counts).
OWN_KPIS: tuple[str, ...] = (
    "commitment_rate",
    "advance_rate",
    "avg_commitment",
    "follow_through",
    "reflection_rate",
    "quick_quote_share",
    "contacts",
    "learning_moments",
)
LIST_LIMIT = 500
ALL_TIME = Window()

# One rep's contacts in a window; every query below starts from it.
_REP_CONTACTS = """
c as (
    select * from contacts
    where rep_key = lower(trim($rep))
      and ($start is null or contact_date >= $start)
      and ($end is null or contact_date <= $end)
)
"""


def _params(rep: str, window: Window, **extra: object) -> dict[str, object]:
    return {"rep": rep, "start": window.start, "end": window.end, **extra}


def answers(con: duckdb.DuckDBPyConnection, rep: str, window: Window = ALL_TIME) -> pd.DataFrame:
    """Counts of yes / partly / no / unanswered to 'would you do it the same way?', with shares."""
    return (
        con.cursor()
        .execute(
            f"""
            with {_REP_CONTACTS}
            select a.answer as would_repeat, count(c.id) as contacts_count,
                   -- not sum(...) over (): see kpi.training._NO_WINDOW_COUNT
                   count(c.id) / nullif((select count(*) from c), 0) as share
            from (values (1, 'yes'), (2, 'partly'), (3, 'no'), (4, 'unanswered')) as a(pos, answer)
            left join c on coalesce(c.would_repeat::varchar, 'unanswered') = a.answer
            group by a.pos, a.answer
            order by a.pos
            """,
            _params(rep, window),
        )
        .df()
    )


def lessons(
    con: duckdb.DuckDBPyConnection, rep: str, window: Window = ALL_TIME, limit: int = LIST_LIMIT
) -> pd.DataFrame:
    """The rep's written lessons, newest first."""
    return (
        con.cursor()
        .execute(
            f"""
            with {_REP_CONTACTS}
            select id, contact_date, account, contact_person, commitment_level,
                   would_repeat::varchar as would_repeat, lesson, share_for_training
            from c
            where {has_text("lesson")}
            order by contact_date desc, id desc
            limit $limit
            """,
            _params(rep, window, limit=limit),
        )
        .df()
    )


def changes(
    con: duckdb.DuckDBPyConnection, rep: str, window: Window = ALL_TIME, limit: int = LIST_LIMIT
) -> pd.DataFrame:
    """Contacts the rep would do differently (answer no or partly) and what they would change."""
    return (
        con.cursor()
        .execute(
            f"""
            with {_REP_CONTACTS}
            select id, contact_date, account, contact_person, commitment_level,
                   would_repeat::varchar as would_repeat, nullif(trim(reflection), '') as reflection
            from c
            where would_repeat in ('no', 'partly')
            order by contact_date desc, id desc
            limit $limit
            """,
            _params(rep, window, limit=limit),
        )
        .df()
    )


def weekly_trend(
    con: duckdb.DuckDBPyConnection, rep: str, today: dt.date, weeks: int = 52
) -> pd.DataFrame:
    """The rep's KPIs per ISO week over the last `weeks` weeks (this week included)."""
    this_week = metrics.window_for("week", today)
    window = Window(this_week.start - dt.timedelta(weeks=weeks - 1), this_week.end)
    return metrics.kpi_frame(con, window, Filters(reps=(rep,)), by="week")


def quarter_windows(today: dt.date, count: int) -> list[Window]:
    """This calendar quarter and the `count - 1` before it, oldest first."""
    windows = [metrics.window_for("quarter", today)]
    while len(windows) < count:
        windows.append(metrics.window_for("quarter", windows[-1].start - dt.timedelta(days=1)))
    return windows[::-1]


def quarters(
    con: duckdb.DuckDBPyConnection, rep: str, today: dt.date, count: int = 5
) -> pd.DataFrame:
    """The rep's KPIs per calendar quarter: this quarter and the ones before it, oldest first."""
    rows = []
    for window in quarter_windows(today, count):
        kpis = metrics.summary(con, window, Filters(reps=(rep,)))
        rows.append(
            {
                "year": window.start.year,
                "quarter": (window.start.month - 1) // 3 + 1,
                "quarter_start": window.start,
                "quarter_end": window.end,
                **{key: kpis[key] for key in OWN_KPIS},
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Comparison:
    """The rep's KPIs in a calendar period and in the period just before it."""

    window: Window
    previous_window: Window
    current: dict[str, float | int | None]
    previous: dict[str, float | int | None]


def compare_periods(
    con: duckdb.DuckDBPyConnection, rep: str, kind: str, today: dt.date
) -> Comparison:
    """This week/month/quarter/year against the whole previous one, for one rep."""
    window = metrics.window_for(kind, today)
    previous = metrics.window_for(kind, window.start - dt.timedelta(days=1))
    filters = Filters(reps=(rep,))
    return Comparison(
        window,
        previous,
        metrics.summary(con, window, filters),
        metrics.summary(con, previous, filters),
    )


def last_full_week(today: dt.date) -> tuple[int, int]:
    """The ISO year and week of the last complete week before today's."""
    iso = (today - dt.timedelta(days=7)).isocalendar()
    return iso.year, iso.week


def recent_weeks(today: dt.date, count: int = 26) -> list[tuple[int, int]]:
    """ISO (year, week) pairs from this week back, newest first."""
    weeks = []
    for back in range(count):
        iso = (today - dt.timedelta(weeks=back)).isocalendar()
        weeks.append((iso.year, iso.week))
    return weeks


def week_window(iso_year: int, iso_week: int) -> Window:
    """Monday to Sunday of an ISO week."""
    start = dt.date.fromisocalendar(iso_year, iso_week, 1)
    return Window(start, start + dt.timedelta(days=6))


# -- the weekly summary --------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklySummary:
    """Everything on one rep's printable summary of one ISO week."""

    rep: str
    rep_name: str
    iso_year: int
    iso_week: int
    start: dt.date
    end: dt.date
    kpis: dict[str, float | int | None]
    contacts: pd.DataFrame = field(repr=False)
    realised: pd.DataFrame = field(repr=False)
    open_commitments: pd.DataFrame = field(repr=False)
    answers: pd.DataFrame = field(repr=False)
    lessons: pd.DataFrame = field(repr=False)
    changes: pd.DataFrame = field(repr=False)


def rep_name(con: duckdb.DuckDBPyConnection, rep: str) -> str:
    """The rep's display name: the roster name (by e-mail or name), else as last logged, else the key."""
    row = (
        con.cursor()
        .execute(
            """
            select coalesce(
                (select min(name) from roster
                 where email_key = lower(trim($rep)) or lower(trim(name)) = lower(trim($rep))),
                (select arg_max(rep, contact_date) from contacts where rep_key = lower(trim($rep))),
                $rep)
            """,
            {"rep": rep},
        )
        .fetchone()
    )
    return str(row[0])


def _week_contacts(con: duckdb.DuckDBPyConnection, rep: str, window: Window) -> pd.DataFrame:
    return (
        con.cursor()
        .execute(
            f"""
            with {_REP_CONTACTS}
            select id, contact_date, account, contact_person, channel::varchar as channel,
                   commitment_level, commitment, commitment_due,
                   commitment_status::varchar as commitment_status,
                   would_repeat::varchar as would_repeat
            from c order by contact_date, id
            """,
            _params(rep, window),
        )
        .df()
    )


def weekly_summary(
    con: duckdb.DuckDBPyConnection, rep: str, iso_year: int, iso_week: int
) -> WeeklySummary:
    """One rep's ISO week: KPIs, contacts, commitments realised, still open, answers, lessons."""
    window = week_window(iso_year, iso_week)
    contacts = _week_contacts(con, rep, window)
    return WeeklySummary(
        rep=rep,
        rep_name=rep_name(con, rep),
        iso_year=iso_year,
        iso_week=iso_week,
        start=window.start,
        end=window.end,
        kpis=metrics.summary(con, window, Filters(reps=(rep,))),
        contacts=contacts,
        realised=contacts[contacts["commitment_level"] >= 1].reset_index(drop=True),
        open_commitments=open_commitments(con, rep, until=window.end),
        answers=answers(con, rep, window),
        lessons=lessons(con, rep, window),
        changes=changes(con, rep, window),
    )


SUMMARY_KPIS: tuple[str, ...] = (
    "contacts",
    "commitment_rate",
    "advance_rate",
    "avg_commitment",
    "reflection_rate",
    "learning_moments",
    "quotes",
    "quick_quote_share",
    "revenue",
)


def format_kpi(key: str, value: float | int | None, lang: str) -> str:
    """A KPI value as people read it in lang."""
    if key in metrics.RATIO_KEYS:
        return i18n.fmt_pct(value, lang)
    if key == "revenue":
        return i18n.fmt_money(value, lang)
    if key == "avg_commitment":
        return i18n.fmt_number(value, lang, 1)
    return i18n.fmt_number(value, lang)


def _value(value: object) -> object:
    """A cell of a query result as plain Python: None for missing, a date for a timestamp."""
    if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _rows(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{k: _value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def level_label(level: object, lang: str) -> str:
    """A ladder level as people read it: '2 · Customer acts'."""
    return f"{level} · {i18n.t(f'level_{level}', lang)}"


def answer_label(answer: object, lang: str) -> str:
    """An answer to 'would you do it the same way?'; no answer (None, NaN) reads 'Not answered'."""
    known = answer if isinstance(answer, str) and answer in ANSWERS else "unanswered"
    return i18n.t(f"refl_answer_{known}", lang)


def file_stem(summary: WeeklySummary) -> str:
    """A safe file name for a summary's downloads: commitboard-<rep>-<year>-W<week>."""
    rep = re.sub(r"[^a-z0-9]+", "-", summary.rep.split("@")[0].casefold()).strip("-") or "rep"
    return f"commitboard-{rep}-{summary.iso_year}-W{summary.iso_week:02d}"


def _sections(summary: WeeklySummary, lang: str) -> list[tuple[str, list[list[str]], list[str]]]:
    """The summary as (heading, rows of plain cells, header) in reading order; user text unescaped."""
    t = i18n.t
    date = i18n.fmt_date

    def text(value: object) -> str:
        return " ".join(str(value).split()) if value is not None else ""

    kpis = [
        [t(f"kpi_{key}", lang), format_kpi(key, summary.kpis[key], lang)] for key in SUMMARY_KPIS
    ]
    contacts = [
        [
            date(r["contact_date"], lang),
            text(r["account"]),
            text(r["contact_person"]),
            level_label(r["commitment_level"], lang),
            answer_label(r["would_repeat"], lang),
        ]
        for r in _rows(summary.contacts)
    ]
    realised = [
        [
            date(r["contact_date"], lang),
            text(r["account"]),
            level_label(r["commitment_level"], lang),
            text(r["commitment"]),
            date(r["commitment_due"], lang) if r["commitment_due"] else "",
        ]
        for r in _rows(summary.realised)
    ]
    still_open = [
        [
            date(r["commitment_due"], lang) if r["commitment_due"] else "",
            text(r["account"]),
            level_label(r["commitment_level"], lang),
            text(r["commitment"]),
            date(r["contact_date"], lang),
        ]
        for r in _rows(summary.open_commitments)
    ]
    answered = [
        [answer_label(r["would_repeat"], lang), i18n.fmt_number(r["contacts_count"], lang)]
        for r in _rows(summary.answers)
    ]
    learned = [
        [date(r["contact_date"], lang), text(r["account"]), text(r["lesson"])]
        for r in _rows(summary.lessons)
    ]
    changed = [
        [
            date(r["contact_date"], lang),
            text(r["account"]),
            answer_label(r["would_repeat"], lang),
            text(r["reflection"]),
        ]
        for r in _rows(summary.changes)
    ]
    col = i18n.field_label
    return [
        (t("refl_sum_kpis", lang), kpis, [t("refl_sum_kpi", lang), t("refl_sum_value", lang)]),
        (
            t("refl_sum_contacts", lang),
            contacts,
            [
                col("contact_date", lang),
                col("account", lang),
                col("contact_person", lang),
                col("commitment_level", lang),
                col("would_repeat", lang),
            ],
        ),
        (
            t("refl_sum_realised", lang),
            realised,
            [
                col("contact_date", lang),
                col("account", lang),
                col("commitment_level", lang),
                col("commitment", lang),
                col("commitment_due", lang),
            ],
        ),
        (
            t("refl_sum_open", lang),
            still_open,
            [
                col("commitment_due", lang),
                col("account", lang),
                col("commitment_level", lang),
                col("commitment", lang),
                col("contact_date", lang),
            ],
        ),
        (
            t("question_repeat", lang),
            answered,
            [t("refl_sum_answer", lang), t("kpi_contacts", lang)],
        ),
        (
            t("refl_sum_lessons", lang),
            learned,
            [col("contact_date", lang), col("account", lang), col("lesson", lang)],
        ),
        (
            t("refl_sum_changes", lang),
            changed,
            [
                col("contact_date", lang),
                col("account", lang),
                col("would_repeat", lang),
                col("reflection", lang),
            ],
        ),
    ]


def _title(summary: WeeklySummary, lang: str) -> tuple[str, str]:
    title = i18n.t(
        "refl_sum_title",
        lang,
        week=i18n.iso_week_label(summary.iso_year, summary.iso_week, lang),
        name=summary.rep_name,
    )
    period = i18n.t(
        "refl_sum_period",
        lang,
        start=i18n.fmt_date(summary.start, lang),
        end=i18n.fmt_date(summary.end, lang),
    )
    return title, period


def _md(value: str) -> str:
    return escape_markdown(value, streamlit=False, inline=True)


def weekly_summary_markdown(summary: WeeklySummary, lang: str) -> str:
    """The weekly summary as a Markdown file that also reads well as plain text."""
    title, period = _title(summary, lang)
    lines = [f"# {_md(title)}", "", period, ""]
    for heading, rows, header in _sections(summary, lang):
        lines += [f"## {heading}", ""]
        if not rows:
            lines += [f"_{i18n.t('refl_sum_none', lang)}_", ""]
            continue
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


_PRINT_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #ccc; }
p.period { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.25rem 0.5rem;
         border-bottom: 1px solid #e5e5e5; }
th { background: #f4f4f4; }
p.none { color: #777; font-style: italic; }
table.narrow { width: auto; min-width: 40%; }
td.short { white-space: nowrap; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               tr { break-inside: avoid; } }
"""


def _td(cell: str) -> str:
    # Dates, numbers and short labels read better on one line; prose may wrap.
    short = ' class="short"' if len(cell) <= 12 else ""
    return f"<td{short}>{html.escape(cell)}</td>"


def weekly_summary_html(summary: WeeklySummary, lang: str) -> str:
    """The weekly summary as one self-contained HTML page that prints cleanly."""
    esc = html.escape
    title, period = _title(summary, lang)
    parts = [
        "<!doctype html>",
        f'<html lang="{esc(lang)}"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_PRINT_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="period">{esc(period)}</p>',
    ]
    for heading, rows, header in _sections(summary, lang):
        parts.append(f"<h2>{esc(heading)}</h2>")
        if not rows:
            parts.append(f'<p class="none">{esc(i18n.t("refl_sum_none", lang))}</p>')
            continue
        parts.append('<table class="narrow">' if len(header) == 2 else "<table>")
        parts.append("<thead><tr>")
        parts += [f"<th>{esc(h)}</th>" for h in header]
        parts.append("</tr></thead><tbody>")
        for row in rows:
            parts.append("<tr>" + "".join(_td(cell) for cell in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts)
