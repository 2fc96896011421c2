"""Hostile text for every text field, and a database where it shows on every page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kpi import contacts, db
from kpi import fields as F
from kpi.markdown import WORD_JOINER

LONG = ("Een heel lang verhaal over de klant, " * 3000)[:100_000].strip()

# name -> text. Each is stored exactly (ends trimmed, as every value is) and shown as text.
HOSTILE: dict[str, str] = {
    "quotes": "O'Brien & \"de\" klant's `tick` ‘krul’ „laag“ \\ backslash",
    "sql": "'); drop table contacts; --",
    "html": '<b>vet</b> <img src=x onerror="alert(1)"> &amp; &lt;tag&gt; <a href="http://x.example">a</a>',
    "script": "<script>alert('xss')</script>",
    "markdown": "**bold** _em_ [link](http://x.example) `code` ~~gone~~ :red[red] :material/home: $x^2$ <u>u</u>",
    "blocks": "# heading\n> quote\n- item\n1. first\n| a | b |\n|---|---|\n```\nfence\n```",
    "emoji": "👍🏽 🇳🇱 👨‍👩‍👧 ✅ 🤝",
    "rtl": "مرحبا بالعالم — שלום עולם — Klant ‫mixed‬",
    "invisible": "zero\u200bwidth\u200c joiner\u200d marks\u200e\u200f bom\ufeff override\u202egnirts",
    "control": "bell\x07 esc\x1b[31mred\x1b[0m vt\x0b ff\x0c us\x1f del\x7f",
    "formula": '=HYPERLINK("http://x.example","klik")',
    "phone": "+31 6 1234 5678",
    "long": LONG,
}

# Pieces of the texts above that would turn into markup if passed on unescaped (escaped, their
# first character has a backslash before it, or they are broken up).
MARKUP = (
    "<script",
    "<img",
    "<b>",
    "<u>",
    "<a href",
    "**bold**",
    "_em_",
    "[link](",
    "`code`",
    "`tick`",
    "~~gone~~",
    "$x^2$",
    "&amp;",
    "&lt;",
)
# Streamlit's own Markdown additions: plain text in any other Markdown viewer.
STREAMLIT_MARKUP = (":red[", ":material/home:")
RAW_LINE_START = re.compile(r"(^|\n)(# heading|> quote|- item|1\. first|\| a \| b \||```)")


def unescaped_markup(markdown: str, streamlit: bool = False) -> list[str]:
    """The hostile pieces that appear in markdown as markup, not escaped."""
    pieces = MARKUP + (STREAMLIT_MARKUP if streamlit else ())
    found = [p for p in pieces if re.search(r"(?<!\\)" + re.escape(p), markdown)]
    return found + [m[2] for m in RAW_LINE_START.finditer(markdown)]


# Every short hostile text in one, each on its own line (so the line-start ones count as such).
COMBO = "\n".join(text for name, text in HOSTILE.items() if name != "long")

TEXT_FIELDS = tuple(f.name for f in F.FIELDS if f.kind == "text")


def md_text(source: str) -> str:
    """What a Markdown viewer shows for escaped text: backslash escapes and word joiners gone,
    white space as one space."""
    text = source.replace(WORD_JOINER, "")
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return " ".join(text.split())


def one_line(text: str) -> str:
    return " ".join(text.split())


def stored_form(text: str) -> str:
    """What is stored for a text: the same, without white space at the ends."""
    return text.strip(F.WHITESPACE)


def hostile_contact(name: str, text: str, day: dt.date, level: int) -> dict[str, object]:
    """One contact with `text` in every text field (the contact id says which text it is)."""
    values: dict[str, object] = {field: text for field in TEXT_FIELDS}
    values |= {
        "contact_id": f"hostile-{name}",
        "contact_date": day,
        "channel": "visit",
        "contact_role": "board",
        "commitment_level": level,
        "commitment_due": day - dt.timedelta(days=1) if level else None,
        "would_repeat": "partly",
        "quote_sent": True,
        "quote_amount": 1250.5,
        "share_for_training": True,
    }
    return values


def build(path: Path, today: dt.date, *, long: bool = True) -> dict[str, int]:
    """A database where every hostile text (and COMBO, all of them at once) is rep, account,
    person, commitment, reflection, lesson and notes of contacts in the last full week, an earlier one at level 0 (so the
    account has momentum), and an overdue open commitment; the roster gives a hostile name and
    team to one more rep (long=False leaves the 100 kB text out, for a lighter page). Returns
    name -> contact id of the newest contact with that text."""
    last_week = today - dt.timedelta(days=7)
    con = db.connect(path)
    ids: dict[str, int] = {}
    try:
        for name, text in (HOSTILE | {"combo": COMBO}).items():
            if name == "long" and not long:
                continue
            early = hostile_contact(name, text, last_week - dt.timedelta(days=200), 0)
            early["contact_id"] = f"hostile-{name}-early"
            assert contacts.save_contact(con, early, today=today).ok
            result = contacts.save_contact(
                con, hostile_contact(name, text, last_week, 3), today=today
            )
            assert result.ok, result.errors
            ids[name] = result.id
        con.execute(
            "insert into roster (email, email_key, name, team, role) values (?, ?, ?, ?, 'rep')",
            ["roster@example.nl", "roster@example.nl", HOSTILE["markdown"], HOSTILE["html"]],
        )
        values = hostile_contact("roster", "plain words", last_week, 2)
        values["rep"] = "roster@example.nl"
        assert contacts.save_contact(con, values, today=today).ok
    finally:
        con.close()
    return ids
