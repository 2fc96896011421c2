"""Hostile text on every page (AppTest of the real app): shown as text, never as markup.

Every element Streamlit renders as Markdown (bodies, labels, help, options of radios and button
groups) is checked for hostile pieces that are not escaped; nothing with user text may allow
HTML; and the hostile texts do show, as plain text or as escaped Markdown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest

from kpi import db
from kpi.i18n import t
from kpi.markdown import escape_markdown
from tests.pages.conftest import fresh_caches, open_page, open_tab  # noqa: F401 (autouse)
from tests.reliability.hostile import (
    COMBO,
    HOSTILE,
    build,
    md_text,
    one_line,
    stored_form,
    unescaped_markup,
)

# Element types whose body Streamlit renders as Markdown; st.text, st.code, tables and the
# values of select boxes are shown as they are.
MARKDOWN_BODIES = {"Markdown", "Heading", "Alert", "Toast", "Badge"}
# Words of the hostile texts: none may reach an element that renders HTML.
HOSTILE_WORDS = ("xss", "x.example", "onerror", "bold", "O'Brien", "drop table", "heading")
COMBO_KEY = stored_form(COMBO).casefold()


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "hostile.duckdb"
    build(path, dt.date.today())
    return path


@pytest.fixture
def hostile_db(hostile_file, tmp_path, monkeypatch):
    """A fresh copy per test: a page test may save, and the app holds no file between tests."""
    path = tmp_path / "hostile.duckdb"
    path.write_bytes(hostile_file.read_bytes())
    monkeypatch.setenv("COMMITBOARD_DB", str(path))
    monkeypatch.setenv("COMMITBOARD_LANG", "en")
    return path


def _walk(node) -> Iterator[object]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def rendered(at) -> tuple[list[str], list[str], list[str]]:
    """(Markdown sources, sources allowed to hold HTML, plain texts) of everything on the page."""
    markdown: list[str] = []
    html: list[str] = []
    plain: list[str] = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = proto.DESCRIPTOR.name
        fields = {f.name: value for f, value in proto.ListFields()}
        if kind == "Html" or fields.get("allow_html"):
            html.append(str(fields.get("body", "")))
        if kind in MARKDOWN_BODIES:
            markdown.append(fields.get("body", ""))
        elif "body" in fields and isinstance(fields["body"], str):
            plain.append(fields["body"])
        for name in ("label", "help", "placeholder"):
            if isinstance(fields.get(name), str):
                markdown.append(fields[name])
        if kind == "Radio":
            markdown += list(fields.get("options", [])) + list(fields.get("captions", []))
        elif kind == "ButtonGroup":
            markdown += [option.content for option in fields.get("options", [])]
        elif kind in ("Selectbox", "Multiselect"):
            plain += list(fields.get("options", []))
    for table in at.dataframe:
        plain += [str(v) for v in table.value.astype(str).to_numpy().ravel()]
        plain += [str(c) for c in table.value.columns]
    return markdown, html, plain


def assert_shown_as_text(at, expected: tuple[str, ...] = ()) -> None:
    assert not at.exception, at.exception
    markdown, html, plain = rendered(at)
    bad = {src[:80]: unescaped_markup(src, streamlit=True) for src in markdown}
    assert not {k: v for k, v in bad.items() if v}, "user text rendered as Markdown"
    assert not [h for h in html if any(word in h for word in HOSTILE_WORDS)], "user text as HTML"
    shown = " ".join([md_text(m) for m in markdown] + [one_line(p) for p in plain])
    missing = [one_line(text)[:60] for text in expected if one_line(text) not in shown]
    assert not missing, missing


SHORT = tuple(text for name, text in HOSTILE.items() if name != "long")


@pytest.mark.parametrize("tab", ["team", "trends", "reps", "relationships"])
def test_dashboard(hostile_db, tab):
    """Only the open tab is drawn: each in turn. Reps (the roster name too) and accounts show in
    the per-rep table and the relationship lists."""
    at = open_tab(open_page("dashboard"), tab)
    assert at.session_state["dash_tabs"].endswith(t(f"dash_tab_{tab}", "en"))
    shown = {"reps": (COMBO, HOSTILE["long"], HOSTILE["markdown"]), "relationships": (COMBO,)}
    assert_shown_as_text(at, shown.get(tab, ()))


def test_log_page_shows_a_hostile_reps_commitments_and_saves_hostile_text(hostile_db):
    at = open_page("log_contact")
    at.selectbox(key="log_rep").set_value(COMBO_KEY).run()
    assert_shown_as_text(at, (COMBO,))
    assert any(COMBO in text.value for text in at.text)  # the open commitment, as plain text

    # The form: hostile text in every text box, saved exactly, confirmed without markup.
    at.selectbox(key="log_account").set_value(HOSTILE["markdown"])
    at.text_input(key="log_contact_person").input(HOSTILE["html"])
    at.button_group(key="log_channel").set_value("visit")
    at.radio(key="log_commitment_level").set_value(2)
    for name in ("commitment", "reflection", "lesson", "notes"):
        at.text_area(key=f"log_{name}").input(COMBO)
    at.button(key="log_save").click().run()
    assert_shown_as_text(at)
    assert [s.value for s in at.success] == [
        f"Saved: contact with {escape_markdown(HOSTILE['markdown'], inline=True)} at level 2 · "
        "Customer acts."
    ]
    con = db.connect(hostile_db)
    saved = con.execute(
        "select account, contact_person, commitment, reflection, lesson, notes from contacts"
        " where rep_key = ? and contact_date = current_date",
        [COMBO_KEY],
    ).fetchall()
    con.close()
    assert saved == [(HOSTILE["markdown"], HOSTILE["html"], *[stored_form(COMBO)] * 4)]


def test_reflection_page(hostile_db):
    at = open_page("reflection")
    at.selectbox(key="refl_rep").set_value(COMBO_KEY).run()
    assert_shown_as_text(at, (COMBO,))


@pytest.mark.parametrize("role", ["director", "trainer"])
def test_training_page(hostile_db, role):
    """As director with names shown: the stories' texts in escaped Markdown. As trainer, names
    hidden (the 100 kB name included): labels replace them, and the rest stays text."""
    at = open_page("training", role=role)
    at.selectbox(key="train_period").set_value("all").run()
    assert_shown_as_text(at, SHORT if role == "director" else ())


def test_import_page_with_a_hostile_file(hostile_db):
    name = "[link](http://x.example) **bold** <script>alert('xss')</script>.csv"
    header = ["contact_date", "rep", "account", "channel", "notes", "**extra** <b>x</b>"]
    rows = [
        ["2026-03-31", COMBO, HOSTILE["markdown"], "visit", COMBO, HOSTILE["script"]],
        ["2026-03-31", COMBO, HOSTILE["html"], "fax", HOSTILE["blocks"], HOSTILE["markdown"]],
    ]
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    at = open_page("importer")
    at.file_uploader(key="imp_upload").set_value((name, out.getvalue().encode(), "text/csv")).run()
    assert_shown_as_text(at, (name, "**extra** <b>x</b>", HOSTILE["markdown"]))
    at.button(key="imp_go").click().run()
    assert_shown_as_text(at, (name, HOSTILE["blocks"]))  # the rejected row's raw text
    assert [m.value for m in at.metric][:4] == ["2", "1", "0", "1"]


def test_roster_page(hostile_db):
    """The roster lists people by the names and teams someone typed in."""
    at = open_page("roster", role="admin")
    assert_shown_as_text(at, (HOSTILE["markdown"], HOSTILE["html"]))
