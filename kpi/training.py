"""The training page's engine: shared stories, lessons by theme, ladder examples, hidden names, handouts."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TypeVar

import duckdb

from kpi import i18n
from kpi.fields import ADVANCE_LEVEL, LEVELS, has_text
from kpi.markdown import escape_markdown

# The filter pieces every KPI query uses; shared so "rep", "team" and "period" mean the same here.
from kpi.metrics import (
    ALL,
    FILTERED_SQL,
    REP_DIM_SQL,
    Filters,
    Window,
    query_params,
)
from kpi.rollups import QUICK_FLAGS, QUICK_QUOTE_DAYS

STORY_LIMIT = 200  # newest shared stories fetched: more than any training session shows
LESSON_LIMIT = 2000  # newest lessons on the wall; the count of all of them is reported too
EXAMPLES_PER_LEVEL = 3
HANDOUT_LESSONS_PER_THEME = 10  # a handout lists the most frequent lessons, the count says the rest

# Rolling periods (days back from today, None = all time): a training looks at recent stories.
PERIODS: dict[str, int | None] = {"90d": 90, "365d": 365, "all": None}
DEFAULT_PERIOD = "90d"
ALL_TIME = Window()


def period_window(kind: str, today: dt.date) -> Window:
    """The window of a named rolling period ending today."""
    days = PERIODS[kind]
    if days is None:
        return ALL_TIME
    return Window(today - dt.timedelta(days=days - 1), today)


# ---------------------------------------------------------------------------------------------
# What the page shows: stories, lessons, ladder examples.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One contact a rep offered for training, with everything a story card tells."""

    id: int
    contact_date: dt.date
    rep_name: str
    account: str
    contact_person: str | None
    contact_role: str | None
    channel: str
    appointment_planned: bool
    quote_sent: bool
    quote_amount: float | None
    quick_quote: bool
    commitment_level: int
    commitment: str | None
    commitment_status: str | None
    would_repeat: str | None
    reflection: str | None
    lesson: str | None
    notes: str | None


@dataclass(frozen=True)
class Lesson:
    """One lesson learned, with the contact it came from (for hiding names)."""

    text: str
    contact_date: dt.date
    rep_name: str
    account: str
    contact_person: str | None


@dataclass(frozen=True)
class Example:
    """A real commitment text at a ladder level."""

    level: int
    commitment: str
    account: str
    contact_person: str | None
    shared: bool


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


# _NO_WINDOW_COUNT: "how many in all" next to a capped list is a count of its own, never
# count(*) over (). In DuckDB 1.5.5 such a window over a handful of rows now and then fails with
# an internal error ("Attempted to access index 0 within vector of size 0", in
# WindowLocalSourceState::Finalize), after which DuckDB refuses every further query on that
# database until it is opened again: 1 in 25 fresh databases of the 8 test contacts hit it within
# 20 calls of lessons(). tests/kpi/test_training_engine.py::test_the_lists_never_count_with_a_window.


def shared_stories(
    con: duckdb.DuckDBPyConnection,
    window: Window = ALL_TIME,
    filters: Filters = ALL,
    levels: tuple[int, ...] = (),
    limit: int = STORY_LIMIT,
) -> tuple[list[Story], int]:
    """The newest contacts offered for training (at most `limit`), and how many there are in all."""
    # Only the newest `limit` are fetched, so only their quotes are checked for being quick:
    # against the advances of their own accounts (any rep, any date; the ASOF join takes the
    # latest one up to each quote), not every quote of the window.
    cur = con.cursor().execute(
        f"""
        with {REP_DIM_SQL}, {FILTERED_SQL},
        found as (
            select * from c
            where c.share_for_training
              and (len($levels) = 0 or list_contains($levels, c.commitment_level))
        ),
        -- The newest first by date and id alone, then their whole rows: a sort that carries
        -- every column of every shared contact of the window took twice as long (10M: 0.47 s).
        newest as (select id from found order by contact_date desc, id desc limit $limit),
        top as (select * from contacts semi join newest using (id)),
        q as (select id, rep_key, account_key, contact_date from top where quote_sent),
        adv as (
            select account_key, contact_date from contacts
            where commitment_level >= $advance and account_key in (select account_key from q)
        ),
        quick as ({QUICK_FLAGS})
        -- Counted apart, not with count(*) over (): see _NO_WINDOW_COUNT.
        select t.id, t.contact_date, coalesce(r.name, t.rep) as rep_name, t.account,
               nullif(trim(t.contact_person), '') as contact_person,
               t.contact_role::varchar as contact_role, t.channel::varchar as channel,
               t.appointment_planned, t.quote_sent, t.quote_amount::double as quote_amount,
               coalesce(quick.is_quick, false) as quick_quote,
               t.commitment_level::integer as commitment_level,
               nullif(trim(t.commitment), '') as commitment,
               t.commitment_status::varchar as commitment_status,
               t.would_repeat::varchar as would_repeat,
               nullif(trim(t.reflection), '') as reflection,
               nullif(trim(t.lesson), '') as lesson, nullif(trim(t.notes), '') as notes,
               (select count(*) from found) as total
        from top as t left join quick using (id) left join rep_dim as r on r.key = t.rep_key
        order by t.contact_date desc, t.id desc
        """,
        query_params(
            window,
            filters,
            advance=ADVANCE_LEVEL,
            quick_days=QUICK_QUOTE_DAYS,
            levels=list(levels),
            limit=limit,
        ),
    )
    rows = _rows(cur)
    total = int(rows[0].pop("total")) if rows else 0
    for row in rows[1:]:
        row.pop("total")
    return [Story(**row) for row in rows], total


def lessons(
    con: duckdb.DuckDBPyConnection,
    window: Window = ALL_TIME,
    filters: Filters = ALL,
    limit: int = LESSON_LIMIT,
    shared_only: bool = False,
) -> tuple[list[Lesson], int]:
    """The newest non-empty lessons (at most `limit`), and how many there are; with shared_only
    only those of contacts offered for training (what reps and trainers may see)."""
    cur = con.cursor().execute(
        f"""
        with {REP_DIM_SQL}, {FILTERED_SQL},
        found as (
            select trim(c.lesson) as text, c.contact_date, coalesce(r.name, c.rep) as rep_name,
                   c.account, nullif(trim(c.contact_person), '') as contact_person, c.id
            from c left join rep_dim as r on r.key = c.rep_key
            where {has_text("c.lesson")}
              and (not $shared_only or c.share_for_training)
        )
        -- Counted apart, not with count(*) over (): see _NO_WINDOW_COUNT.
        select text, contact_date, rep_name, account, contact_person,
               (select count(*) from found) as total
        from found
        order by contact_date desc, id desc
        limit $limit
        """,
        query_params(window, filters, limit=limit, shared_only=shared_only),
    )
    rows = _rows(cur)
    total = int(rows[0]["total"]) if rows else 0
    return [Lesson(**{k: v for k, v in row.items() if k != "total"}) for row in rows], total


def ladder_examples(
    con: duckdb.DuckDBPyConnection,
    window: Window = ALL_TIME,
    filters: Filters = ALL,
    per_level: int = EXAMPLES_PER_LEVEL,
    shared_only: bool = False,
) -> list[Example]:
    """Up to `per_level` different commitment texts per level: shared contacts first, newest first
    (with shared_only, only contacts offered for training)."""
    # The inner qualify keeps a few candidates per level, so de-duplicating texts stays cheap.
    cur = con.cursor().execute(
        f"""
        with {REP_DIM_SQL}, {FILTERED_SQL},
        -- The candidates ranked on narrow columns, then their texts fetched: sorting every
        -- commitment of the window with its texts took 0.6 s at 10M contacts, this 0.37 s.
        ranked as (
            select id from c
            where {has_text("commitment")} and (not $shared_only or share_for_training)
            qualify row_number() over (
                partition by commitment_level
                order by share_for_training desc, contact_date desc, id desc) <= $candidates
        ),
        candidates as (
            select commitment_level::integer as level, trim(commitment) as commitment, account,
                   nullif(trim(contact_person), '') as contact_person,
                   share_for_training as shared, contact_date, id
            from contacts semi join ranked using (id)
        ),
        distinct_texts as (
            select * from candidates
            qualify row_number() over (
                partition by level, lower(commitment)
                order by shared desc, contact_date desc, id desc) = 1
        )
        select level, commitment, account, contact_person, shared from distinct_texts
        qualify row_number() over (
            partition by level order by shared desc, contact_date desc, id desc) <= $per_level
        order by level, shared desc, contact_date desc, id desc
        """,
        query_params(
            window,
            filters,
            candidates=10 * per_level,
            per_level=per_level,
            shared_only=shared_only,
        ),
    )
    return [Example(**row) for row in _rows(cur)]


# ---------------------------------------------------------------------------------------------
# The lessons wall: themes by keyword.
# ---------------------------------------------------------------------------------------------

# A lesson belongs to the FIRST theme (in this order) with a keyword at the start of one of its
# words, case-insensitively ("offert" matches "offerte" and "offertes", not "aanvraagofferte").
THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("quoting", ("offert", "offre", "prijs", "korting", "quot", "price", "pricing", "discount")),
    ("decision_makers", ("beslis", "directie", "directeur", "decision", "decide", "director", "board")),
    ("follow_up", ("opvolg", "terugbel", "terugkom", "afspra", "samenvatting", "follow", "call back", "appointment", "summary")),
    ("commitment", ("commitment", "toezeg", "huiswerk", "datum", "onderneem", "pilot", "eigenaar", "commit", "homework", "deadline", "owner")),
    ("listening", ("luister", "doorvra", "vraag", "vrag", "probleem", "listen", "ask", "question", "problem")),
    ("preparation", ("voorbereid", "voorberei", "onderzoek", "inzicht", "nalez", "prepar", "research", "insight")),
    ("mistakes", ("fout", "vergis", "mistake", "error", "failure")),
)  # fmt: skip
OTHER_THEME = "other"
THEME_KEYS: tuple[str, ...] = tuple(key for key, _ in THEMES) + (OTHER_THEME,)

_THEME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + ")", re.IGNORECASE))
    for key, words in THEMES
)


def theme_of(text: str) -> str:
    """The theme of a lesson: the first theme whose keyword starts a word in it, else 'other'."""
    for key, pattern in _THEME_PATTERNS:
        if pattern.search(text):
            return key
    return OTHER_THEME


@dataclass(frozen=True)
class ThemeGroup:
    """One theme on the wall: how many lessons, and each different lesson text with its count."""

    key: str
    count: int
    items: list[tuple[str, int]]  # (lesson text, how often), most frequent first, then newest


def theme_wall(texts: Iterable[str]) -> list[ThemeGroup]:
    """Lessons (newest first) grouped by theme, in the order of THEMES; empty themes left out."""
    counts: dict[str, Counter[str]] = {key: Counter() for key in THEME_KEYS}
    for text in texts:
        counts[theme_of(text)][text] += 1
    # Counter.most_common keeps first-seen order among equal counts: newest first.
    return [ThemeGroup(key, sum(c.values()), c.most_common()) for key, c in counts.items() if c]


# ---------------------------------------------------------------------------------------------
# Hiding customer names.
# ---------------------------------------------------------------------------------------------

# Words inside Dutch (and a few other) surnames that are no name on their own.
PARTICLES = frozenset(
    "de der den van het 't ter ten te op in aan bij la le du di da del von vd v/d".split()
)


class _Named(Protocol):
    @property
    def account(self) -> str: ...

    @property
    def contact_person(self) -> str | None: ...


N = TypeVar("N", bound=_Named)


def _letters(number: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: as spreadsheet columns count."""
    out = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


# No real name is longer: a longer "name" (pasted text) is matched as a plain alternative, since
# the trie below recurses once per letter. Only names of at most NAME_WORDS words are also hidden
# by their tails ("de Vries"): for a long text that would be quadratic in its length.
TRIE_CHARS = 200
NAME_WORDS = 6


def _spaced(word: str) -> str:
    return r"\s+".join(re.escape(part) for part in word.split(" "))


def _trie_regex(words: Iterable[str]) -> str:
    """One regex for many words, shaped as a trie: with thousands of names a plain a|b|c tries
    every name at every position; this tries one letter at a time. Optional tails are greedy, so
    "Bakker Logistiek B.V." wins over "Bakker"; a space matches any run of white space."""
    words = list(words)
    longest_first = sorted((w for w in words if len(w) > TRIE_CHARS), key=len, reverse=True)
    trie: dict[str, dict] = {}
    for word in (w for w in words if len(w) <= TRIE_CHARS):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def build(node: dict[str, dict]) -> str:
        branches = [
            (r"\s+" if ch == " " else re.escape(ch)) + build(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")" if len(branches) > 1 or "" in node else branches[0]
        return body + "?" if "" in node else body

    pattern = build(trie) if trie else "(?!)"
    if longest_first:
        pattern = "(?:" + "|".join([*map(_spaced, longest_first), pattern]) + ")"
    return pattern


class Anonymiser:
    """Neutral labels for accounts ("Customer A") and people ("Contact 1") in first-seen order.

    Keep one per browser session so the same account keeps its label all session long; the
    labels follow `lang`, which may change between uses.
    """

    def __init__(self, lang: str = i18n.DEFAULT_LANG) -> None:
        self.lang = lang
        self._accounts: dict[str, int] = {}
        self._persons: dict[str, int] = {}
        # Every spelling to remove from free text (case-folded) -> ("account" | "person", number).
        self._spellings: dict[str, tuple[str, int]] = {}
        self._pattern: re.Pattern[str] | None = None

    @staticmethod
    def _key(name: str | None) -> str:
        return " ".join((name or "").split()).casefold()

    def _label(self, kind: str, number: int) -> str:
        if kind == "account":
            return i18n.t("train_anon_account", self.lang, letter=_letters(number))
        return i18n.t("train_anon_person", self.lang, number=number + 1)

    def _remember(self, spelling: str, kind: str, number: int) -> None:
        if spelling and spelling not in self._spellings:
            self._spellings[spelling] = (kind, number)
            self._pattern = None

    def label_account(self, name: str) -> str:
        """The account's label; a new account gets the next letter."""
        key = self._key(name)
        if key not in self._accounts:
            self._accounts[key] = len(self._accounts)
            self._remember(key, "account", self._accounts[key])
        return self._label("account", self._accounts[key])

    def label_person(self, name: str | None) -> str | None:
        """The person's label (None for no person); a new person gets the next number."""
        key = self._key(name)
        if not key:
            return None
        if key not in self._persons:
            number = self._persons[key] = len(self._persons)
            self._remember(key, "person", number)
            words = key.split()
            # "Hans de Vries" is also written "de Vries", "Vries" or "Hans".
            if len(words) <= NAME_WORDS:
                for i in range(1, len(words)):
                    self._remember(" ".join(words[i:]), "person", number)
            for word in words:
                if word not in PARTICLES and len(word) > 1:
                    self._remember(word, "person", number)
        return self._label("person", self._persons[key])

    def register(self, items: Iterable[_Named]) -> None:
        """Give every account and person in items a label (in order) before any text is shown."""
        for item in items:
            self.label_account(item.account)
            self.label_person(item.contact_person)

    def scrub(self, text: str | None) -> str | None:
        """The text with every known account and person name (whole words, any case) replaced."""
        if not text or not self._spellings:
            return text
        if self._pattern is None:
            self._pattern = re.compile(
                r"(?<!\w)" + _trie_regex(self._spellings) + r"(?!\w)", re.IGNORECASE
            )

        def label(match: re.Match[str]) -> str:
            found = self._spellings.get(" ".join(match[0].split()).casefold())
            return self._label(*found) if found else i18n.t("train_anon_name", self.lang)

        return self._pattern.sub(label, text)

    def _named(self, item: N) -> N:
        self.register([item])
        return replace(
            item,
            account=self.label_account(item.account),
            contact_person=self.label_person(item.contact_person),
        )

    def story(self, story: Story) -> Story:
        """The story with labels for names, in its fields and in its free text."""
        named = self._named(story)
        return replace(
            named,
            commitment=self.scrub(story.commitment),
            reflection=self.scrub(story.reflection),
            lesson=self.scrub(story.lesson),
            notes=self.scrub(story.notes),
        )

    def lesson(self, lesson: Lesson) -> Lesson:
        return replace(self._named(lesson), text=self.scrub(lesson.text) or "")

    def example(self, example: Example) -> Example:
        return replace(self._named(example), commitment=self.scrub(example.commitment) or "")


# ---------------------------------------------------------------------------------------------
# What a story card says, shared by the page and both handouts.
# ---------------------------------------------------------------------------------------------

SECTIONS: tuple[str, ...] = ("situation", "approach", "commitment", "reflection", "lesson")


def level_label(level: int, lang: str) -> str:
    """'Level 3 · Access'."""
    return i18n.t("train_level_label", lang, level=level, name=i18n.t(f"level_{level}", lang))


def story_sections(story: Story, lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The card as (section key, [(label, value)]) in SECTIONS order; empty values left out."""

    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    def field(name: str) -> str:
        return i18n.field_label(name, lang)

    def yes_no(value: bool) -> str:
        return t("train_yes") if value else t("train_no")

    person = story.contact_person or ""
    if story.contact_role:
        role = t(f"contact_role_{story.contact_role}").lower()
        person = f"{person} ({role})" if person else role
    quote = yes_no(story.quote_sent)
    if story.quote_sent and story.quote_amount is not None:
        quote += f" ({i18n.fmt_money(story.quote_amount, lang)})"
    commitment = level_label(story.commitment_level, lang)
    repeat = t(f"repeat_{story.would_repeat}").lower() if story.would_repeat else ""
    sections: dict[str, list[tuple[str, str]]] = {
        "situation": [
            (field("account"), story.account),
            (field("contact_person"), person),
            (field("channel"), t(f"channel_{story.channel}").lower()),
            (field("contact_date"), i18n.fmt_date(story.contact_date, lang)),
            (field("rep"), story.rep_name),
            (field("notes"), story.notes or ""),
        ],
        "approach": [
            (field("appointment_planned"), yes_no(story.appointment_planned)),
            (field("quote_sent"), quote),
            (t("train_quick_quote"), t("train_quick_quote_note") if story.quick_quote else ""),
        ],
        "commitment": [
            (field("commitment_level"), commitment),
            (field("commitment"), story.commitment or ""),
            (
                field("commitment_status"),
                t(f"status_{story.commitment_status}").lower() if story.commitment_status else "",
            ),
        ],
        "reflection": [
            (field("would_repeat"), repeat),
            (field("reflection"), story.reflection or ""),
        ],
        "lesson": [(field("lesson"), story.lesson or "")],
    }
    return [(key, [(k, v) for k, v in sections[key] if v]) for key in SECTIONS]


def story_title(story: Story, lang: str) -> str:
    """'Customer A · 2026-03-31': the card's heading."""
    return f"{story.account} · {i18n.fmt_date(story.contact_date, lang)}"


# ---------------------------------------------------------------------------------------------
# The handout: one list of blocks, written out as Markdown or as PDF.
# ---------------------------------------------------------------------------------------------

Block = tuple[str, ...]  # ("h1" | "h2" | "h3" | "p" | "bullet", text) or ("field", label, value)


def _handout_blocks(
    stories: Sequence[Story],
    lesson_texts: Sequence[Lesson],
    lang: str,
    anonymiser: Anonymiser | None,
    today: dt.date,
) -> list[Block]:
    def t(key: str, **values: object) -> str:
        return i18n.t(key, lang, **values)

    if anonymiser is not None:
        anonymiser.register([*stories, *lesson_texts])
        stories = [anonymiser.story(s) for s in stories]
        lesson_texts = [anonymiser.lesson(item) for item in lesson_texts]
    blocks: list[Block] = [
        ("h1", t("train_handout_title")),
        ("p", t("train_handout_subtitle", date=i18n.fmt_date(today, lang), stories=len(stories))),
    ]
    for i, story in enumerate(stories, start=1):
        blocks.append(
            ("h2", t("train_story_of", i=i, n=len(stories)) + " · " + story_title(story, lang))
        )
        for key, lines in story_sections(story, lang):
            if lines:
                blocks.append(("h3", t(f"train_section_{key}")))
                blocks += [("field", label, value) for label, value in lines]
    wall = theme_wall(item.text for item in lesson_texts)
    if wall:
        blocks.append(("h2", t("train_lessons_title")))
        for group in wall:
            blocks.append(("h3", f"{t(f'train_theme_{group.key}')} ({group.count})"))
            blocks += [
                ("bullet", text if times == 1 else f"{text} (×{times})")
                for text, times in group.items[:HANDOUT_LESSONS_PER_THEME]
            ]
    blocks.append(("h2", t("train_ladder_title")))
    blocks += [("field", level_label(level, lang), t(f"level_{level}_help")) for level in LEVELS]
    return blocks


def _md(text: str) -> str:
    # A handout is read in any Markdown viewer, not Streamlit: no word joiners needed.
    return escape_markdown(text, streamlit=False)


def _with_colon(label: str) -> str:
    """'Notes:' but 'Same way next time?' as it is."""
    return label if label.endswith(("?", ":")) else label + ":"


def handout_markdown(
    stories: Sequence[Story],
    lesson_texts: Sequence[Lesson],
    lang: str,
    anonymiser: Anonymiser | None = None,
    today: dt.date | None = None,
) -> str:
    """The session as a Markdown document; names replaced by labels when an anonymiser is given."""
    out: list[str] = []
    for kind, *text in _handout_blocks(
        stories, lesson_texts, lang, anonymiser, today or dt.date.today()
    ):
        if kind == "field":
            label, value = _md(_with_colon(text[0])), _md(text[1])
            out.append(f"- **{label}** {value}")
            continue
        if kind != "bullet" and out and out[-1].startswith("- "):
            out.append("")
        body = _md(text[0])
        prefix = {"h1": "# ", "h2": "## ", "h3": "### ", "bullet": "- ", "p": ""}[kind]
        out.append(prefix + body)
        if kind != "bullet":
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# The handout's fonts, from pip packages under the SIL Open Font License (free to embed and ship),
# the first the main one, the others loaded only for a handout that needs them: Fira Sans for
# Latin (Polish, Turkish, Czech, Vietnamese...), Greek and Cyrillic; Cardo for Hebrew (and the
# PDF_MARK); Amiri for Arabic. fpdf2 embeds only the glyphs a handout uses, and shapes Arabic and
# Hebrew with HarfBuzz (uharfbuzz). All three come as static fonts: Noto Sans is only packaged as
# a variable font, and fpdf2 took 4 s to make a regular and a bold out of it for every handout.
PDF_FONTS: dict[str, tuple[str, str]] = {
    "fira": ("FiraSans-Regular.ttf", "FiraSans-Bold.ttf"),
    "cardo": ("Cardo-Regular.ttf", "Cardo-Bold.ttf"),
    "amiri": ("Amiri-Regular.ttf", "Amiri-Bold.ttf"),
}
PDF_MARK = "\ufffd"  # drawn where no font has the letters: emoji, Chinese, Japanese...


def _font_files() -> dict[str, tuple[Path, Path]]:
    import fontpkg_amiri
    import fontpkg_cardo
    import fontpkg_fira_sans

    roots = {
        "fira": fontpkg_fira_sans.ROOT,
        "cardo": fontpkg_cardo.ROOT,
        "amiri": fontpkg_amiri.ROOT,
    }
    return {
        family: (roots[family] / "files" / regular, roots[family] / "files" / bold)
        for family, (regular, bold) in PDF_FONTS.items()
    }


@functools.cache
def _cmaps() -> dict[str, frozenset[int]]:
    """Per family, the characters it draws in both regular and bold."""
    from fontTools.ttLib import TTFont  # fpdf2's own dependency

    return {
        family: frozenset(
            TTFont(regular, lazy=True).getBestCmap().keys()
            & TTFont(bold, lazy=True).getBestCmap().keys()
        )
        for family, (regular, bold) in _font_files().items()
    }


@functools.cache
def _drawable() -> frozenset[int]:
    return frozenset().union(*_cmaps().values())


def _families(texts: Iterable[str]) -> list[str]:
    """The main family and the fallbacks these texts need: each one loaded costs 0.1-0.2 s."""
    cmaps = _cmaps()
    main, *fallbacks = PDF_FONTS
    needed = {ord(ch) for text in texts for ch in text} - cmaps[main]
    return [main, *(family for family in fallbacks if needed & cmaps[family])]


def _needs_shaping(text: str) -> bool:
    """Right-to-left letters (turned, Arabic joined) or combining marks (placed) need HarfBuzz;
    other text is drawn as it is, several times faster."""
    return not text.isascii() and any(
        unicodedata.bidirectional(ch) in ("R", "AL", "AN") or unicodedata.combining(ch)
        for ch in text
    )


def _invisible(ch: str) -> bool:
    """Joiners, direction marks and variation selectors: they draw nothing of their own."""
    return unicodedata.category(ch) == "Cf" or "\ufe00" <= ch <= "\ufe0f"


def _undrawable_runs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of characters no handout font can draw."""
    drawable = _drawable()
    start = None
    for i, ch in enumerate(text):
        if _invisible(ch):
            continue  # part of the run it is in (a joined emoji), starts none
        missing = not (ord(ch) in drawable or ch.isspace() or unicodedata.category(ch) == "Cc")
        if missing and start is None:
            start = i
        elif not missing and start is not None:
            yield start, i
            start = None
    if start is not None:
        yield start, len(text)


def pdf_text(text: str) -> str:
    """The text as the PDF draws it: each run of characters no font has becomes one PDF_MARK,
    and a joiner or variation selector no font has is left out (it draws nothing)."""
    out: list[str] = []
    done = 0
    for start, end in _undrawable_runs(text):
        out.append(text[done:start])
        out.append(PDF_MARK)
        done = end
    out.append(text[done:])
    drawable = _drawable()
    return "".join(ch for ch in "".join(out) if not (_invisible(ch) and ord(ch) not in drawable))


def undrawable(texts: Iterable[str]) -> list[str]:
    """The runs of characters the PDF shows as PDF_MARK, each once, in order of appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for start, end in _undrawable_runs(text):
            seen.setdefault(text[start:end], None)
    return list(seen)


def handout_pdf_missing(
    stories: Sequence[Story],
    lesson_texts: Sequence[Lesson],
    lang: str,
    anonymiser: Anonymiser | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """What the PDF handout cannot draw (shown there as PDF_MARK), for a note on the page."""
    blocks = _handout_blocks(stories, lesson_texts, lang, anonymiser, today or dt.date.today())
    return undrawable(text for _, *texts in blocks for text in texts)


def handout_pdf(
    stories: Sequence[Story],
    lesson_texts: Sequence[Lesson],
    lang: str,
    anonymiser: Anonymiser | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The same handout as a PDF (A4) with the fonts embedded; see PDF_FONTS and PDF_MARK."""
    from fpdf import FPDF  # imported here: only the handout pays for it

    blocks = [
        (kind, *map(pdf_text, texts))
        for kind, *texts in _handout_blocks(
            stories, lesson_texts, lang, anonymiser, today or dt.date.today()
        )
    ]
    pdf = FPDF(format="A4")
    main, *fallbacks = _families(text for _, *texts in blocks for text in texts)
    files = _font_files()
    for family in (main, *fallbacks):
        pdf.add_font(family, "", files[family][0])
        pdf.add_font(family, "B", files[family][1])
    pdf.set_fallback_fonts(fallbacks)

    def text(value: str) -> str:
        # The handout reads left to right; a right-to-left name inside it is shaped and turned.
        pdf.set_text_shaping(_needs_shaping(value), direction="ltr")
        return value

    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(i18n.t("train_handout_title", lang))
    pdf.add_page()
    sizes = {"h1": 18, "h2": 14, "h3": 11}
    for kind, *values in blocks:
        pdf.set_x(pdf.l_margin)
        if kind in sizes:
            pdf.ln(3 if kind == "h3" else 5)
            pdf.set_font(main, "B", sizes[kind])
            pdf.multi_cell(0, sizes[kind] * 0.5, text(values[0]))
            pdf.ln(1)
        elif kind == "field":
            pdf.set_font(main, "B", 10)
            pdf.write(5, text(_with_colon(values[0]) + " "))
            pdf.set_font(main, "", 10)
            pdf.write(5, text(values[1]))
            pdf.ln(6)
        elif kind == "bullet":
            pdf.set_font(main, "", 10)
            pdf.multi_cell(0, 5, text("• " + values[0]))
        else:
            pdf.set_font(main, "", 10)
            pdf.multi_cell(0, 5, text(values[0]))
    return bytes(pdf.output())
