"""Hostile text in every text field: stored byte-exact through the import and the form, and in
every export either given back exactly (the files the import reads back) or shown as text."""

from __future__ import annotations

import csv
import datetime as dt
import html.parser
import io
import re

import openpyxl
import pandas as pd
import pytest

from kpi import contacts, db, exports, ingest, preview, reflection, training
from kpi import fields as F
from kpi.markdown import WORD_JOINER, escape_markdown
from tests.reliability.hostile import (
    HOSTILE,
    TEXT_FIELDS,
    build,
    md_text,
    one_line,
    stored_form,
    unescaped_markup,
)

TODAY = dt.date(2026, 6, 30)
COLUMNS = (*TEXT_FIELDS, "contact_date", "channel", "commitment_level", "would_repeat")
EXCEL_CELL_LIMIT = 32_767  # characters; Excel itself holds no more in one cell


def hostile_csv(delimiter: str = ",", channel: str = "visit") -> bytes:
    """One row per hostile text, that text in every text field (the contact id too)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for text in HOSTILE.values():
        writer.writerow([*(text for _ in TEXT_FIELDS), "2026-03-31", channel, "2", "no"])
    return out.getvalue().encode("utf-8")


def stored_texts(con) -> dict[str, dict[str, str]]:
    """contact_id -> {text field: value} of every contact."""
    rows = con.execute(f"select {', '.join(TEXT_FIELDS)} from contacts").fetchall()
    return {row[0]: dict(zip(TEXT_FIELDS, row, strict=True)) for row in rows}


def expected() -> dict[str, dict[str, str]]:
    return {
        stored_form(text): {field: stored_form(text) for field in TEXT_FIELDS}
        for text in HOSTILE.values()
    }


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_an_import_stores_every_hostile_text_exactly(con, tmp_path, delimiter):
    path = tmp_path / "hostile.csv"
    path.write_bytes(hostile_csv(delimiter))
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.rows_read, result.accepted, result.rejected) == (len(HOSTILE), len(HOSTILE), 0)
    assert stored_texts(con) == expected()


def test_the_form_stores_every_hostile_text_exactly(con):
    texts = HOSTILE | {"nul": "before\x00after"}  # a browser can send one; a file cannot
    for text in texts.values():
        values = {field: text for field in TEXT_FIELDS}
        values |= {"contact_date": "2026-03-31", "channel": "visit", "commitment_level": 1}
        assert contacts.save_contact(con, values, today=TODAY).ok
    assert stored_texts(con) == {
        stored_form(t): {f: stored_form(t) for f in TEXT_FIELDS} for t in texts.values()
    }
    # An edit stores it exactly too (the contact id is kept: an edit does not change it).
    first, contact_id = con.execute(
        "select id, contact_id from contacts order by id limit 1"
    ).fetchone()
    row = {f: HOSTILE["script"] for f in TEXT_FIELDS}
    row |= {"contact_date": "2026-03-31", "channel": "visit"}
    assert contacts.update_contact(con, first, row, today=TODAY).ok
    edited = con.execute(
        f"select {', '.join(TEXT_FIELDS)} from contacts where id = ?", [first]
    ).fetchone()
    assert edited == (contact_id, *[HOSTILE["script"]] * (len(TEXT_FIELDS) - 1))


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_contact_log_export_gives_back_every_text_exactly(con, tmp_path):
    """The export is the file the import reads back, so it holds the bytes as stored: a text
    that starts with = + - @ is not changed either (see bench/RELIABILITY.md)."""
    path = tmp_path / "hostile.csv"
    path.write_bytes(hostile_csv())
    ingest.import_file(con, path, today=TODAY)
    data = preview.export_contacts_csv(con)
    rows = read_csv(data)
    assert {r["contact_id"]: {f: r[f] for f in TEXT_FIELDS} for r in rows} == expected()

    export = tmp_path / "export.csv"
    export.write_bytes(data)
    again = db.connect(tmp_path / "again.duckdb")
    result = ingest.import_file(again, export, today=TODAY)
    assert (result.accepted, result.rejected) == (len(HOSTILE), 0)
    assert stored_texts(again) == expected()
    again.close()


def test_the_reject_file_gives_back_every_text_exactly(con, tmp_path):
    """Rows rejected for their channel: the fix-file holds each field as the file had it, so
    fixing the channel and importing it again stores every text exactly."""
    path = tmp_path / "hostile.csv"
    path.write_bytes(hostile_csv(channel="fax"))
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.rejected) == (0, len(HOSTILE))
    rows = read_csv(preview.rejects_csv(con, result.file_id, "en"))
    assert [{f: r[f] for f in TEXT_FIELDS} for r in rows] == [
        {f: text for f in TEXT_FIELDS} for text in HOSTILE.values()
    ]

    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([r | {"channel": "visit"} for r in rows])
    result = ingest.import_file(con, fixed, today=TODAY)
    assert (result.accepted, result.rejected) == (len(HOSTILE), 0)
    assert stored_texts(con) == expected()


def report_frame() -> pd.DataFrame:
    """The dashboard's per-rep table, with every hostile text as a rep's name."""
    return pd.DataFrame(
        {
            "Rep": list(HOSTILE.values()) + ["-", "@home", "+"],
            "Contacts": range(len(HOSTILE) + 3),
            "Commitment rate": [0.5] * (len(HOSTILE) + 3),
        }
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_report_csv_never_hands_a_spreadsheet_a_formula(lang):
    frame = report_frame()
    delimiter = ";" if lang == "nl" else ","
    text = exports.frame_to_csv_bytes(frame, lang).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[1:]
    names = [row[0] for row in rows]
    for shown, name in zip(names, frame["Rep"], strict=True):
        if name.startswith(("=", "+", "-", "@")):
            assert shown == "'" + name  # read as text, not run
        else:
            assert shown == name
    assert [row[1] for row in rows] == [str(n) for n in frame["Contacts"]]  # numbers untouched


def test_a_report_xlsx_holds_text_as_text():
    with pytest.warns(UserWarning, match="truncated to 32767"):  # the 100 kB name: Excel's limit
        data = exports.frame_to_xlsx_bytes(report_frame())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)  # no formula, no link
    assert all(cell.hyperlink is None for cell in cells)
    assert [cell.value for cell in cells] == [
        _xlsx_text(name)[:EXCEL_CELL_LIMIT] for name in report_frame()["Rep"]
    ]


def _xlsx_text(text: str) -> str:
    # XML cannot hold most control characters: xlsxwriter writes them as _xHHHH_, which Excel
    # shows as the character again (openpyxl leaves the escape as it is).
    return re.sub(r"[\x00-\x08\x0b-\x1f]", lambda m: f"_x{ord(m[0]):04X}_", text)


# -- Markdown and HTML downloads ----------------------------------------------------------------


def assert_markdown_shows_text_only(document: str) -> None:
    assert not unescaped_markup(document)
    shown = md_text(document)
    missing = [name for name, text in HOSTILE.items() if one_line(text) not in shown]
    assert not missing, missing


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    build(path, TODAY)
    con = db.connect(path)
    yield con
    con.close()


def test_the_training_handouts_show_hostile_text_as_text(hostile_db):
    stories, _ = training.shared_stories(hostile_db)
    lessons, _ = training.lessons(hostile_db)
    assert len(stories) >= len(HOSTILE)
    assert_markdown_shows_text_only(training.handout_markdown(stories, lessons, "en", today=TODAY))
    # Names hidden: the labels replace them, and what is left is still only text.
    hidden = training.handout_markdown(
        stories, lessons, "nl", anonymiser=training.Anonymiser("nl"), today=TODAY
    )
    assert not unescaped_markup(hidden)
    # The PDF takes about a second per 100 kB field (fpdf2 lays out every word), so the long
    # text is left out here; every other hostile text goes through its fonts and line breaks.
    short = [story for story in stories if len(story.account) < 1000]
    assert len(short) == len(stories) - 2
    pdf = training.handout_pdf(short, lessons[:0], "en", today=TODAY)
    assert pdf.startswith(b"%PDF")


class _Html(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)

    def handle_data(self, data) -> None:
        self.text.append(data)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_weekly_summary_shows_hostile_text_as_text(hostile_db, name):
    """Each hostile text is a rep: their summary of the week, as Markdown and as HTML."""
    rep = stored_form(HOSTILE[name])
    year, week, _ = (TODAY - dt.timedelta(days=7)).isocalendar()
    summary = reflection.weekly_summary(hostile_db, rep, year, week)
    assert len(summary.contacts) == 1
    markdown = reflection.weekly_summary_markdown(summary, "en")
    assert not unescaped_markup(markdown)
    assert one_line(HOSTILE[name]) in md_text(markdown)

    page = _Html()
    page.feed(reflection.weekly_summary_html(summary, "en"))
    ours = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "table", "thead"}
    assert page.tags <= ours | {"tr", "th", "tbody", "td"}
    assert one_line(HOSTILE[name]) in one_line("".join(page.text))


def test_every_text_field_is_covered():
    """A new text field in the contact log must be added to these tests' rows."""
    assert set(TEXT_FIELDS) == {f.name for f in F.FIELDS if f.kind == "text"}
    assert "rep" in TEXT_FIELDS and "account" in TEXT_FIELDS and "notes" in TEXT_FIELDS


@pytest.mark.parametrize("pair", ["--", "->", "<-", "<=", ">="])
def test_streamlit_typography_cannot_change_a_reps_words(pair):
    """Streamlit shows "--" as a dash, "->" as an arrow, "<=" as a sign, even escaped; seen in
    Chromium (tests/e2e/test_reliability_browser.py). A word joiner between the two keeps them."""
    text = f"a {pair} b {pair}"
    for escaped in (escape_markdown(text), escape_markdown(text, inline=True)):
        read = re.sub(r"\\(.)", r"\1", escaped)  # what Markdown leaves after its escapes
        assert pair not in read
        assert read.replace(WORD_JOINER, "") == text
    assert WORD_JOINER not in escape_markdown(text, streamlit=False)  # a download: as it is
