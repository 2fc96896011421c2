"""The training engine: shared stories, lessons by theme, ladder examples, hidden names, handouts."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import replace

import pytest

from kpi import ingest, markdown, training
from kpi.metrics import Filters, Window
from kpi.training import Anonymiser, Lesson, Story

TODAY = dt.date(2026, 6, 30)

# T1, T2 and T4 are offered for training; T3 and T5 are not. T2's quote is quick (Beta never
# reached level 2), T3's is not (Acme is at level 3 that day).
CSV = """\
contact_id;datum;medewerker;klant;contactpersoon;rol;kanaal;offerte_verstuurd;offertebedrag;commitment_niveau;commitment_omschrijving;zelfde_aanpak;reflectie;les;delen_in_training;notities
T1;01-06-2026;anna@x.nl;Acme;Hans de Vries;manager;bezoek;nee;;2;Hans zoekt intern de volumes uit bij ACME;deels;Te snel over de prijs;Eerst de beslisser betrekken;ja;Acme is ontevreden over de huidige leverancier
T2;10-06-2026;bram@x.nl;Beta BV;Ingrid Bakker;directie;telefoon;ja;5000;0;;nee;;Offerte te vroeg gestuurd;ja;
T3;15-06-2026;anna@x.nl;Acme;;;bezoek;ja;1000;3;Introductie bij de directie;ja;;;nee;
T4;01-05-2026;anna@x.nl;Gamma;Jan Smit;medewerker;e-mail;nee;;1;Vervolgafspraak op 1 juni;;;Luister beter naar de klant;ja;
T5;20-06-2026;cees@x.nl;Acme;;;bezoek;nee;;2;Hans zoekt intern de volumes uit bij ACME;;;Goed voorbereid op hun cijfers;nee;
"""


@pytest.fixture
def stories_db(con, tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text(CSV, encoding="utf-8")
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.rejected) == (5, 0)
    return con


def ids(con, stories):
    """The contact_id of each story, in order."""
    by_id = dict(con.execute("select id, contact_id from contacts").fetchall())
    return [by_id[s.id] for s in stories]


# -- queries ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "filters", "levels", "expected"),
    [
        (Window(), Filters(), (), ["T2", "T1", "T4"]),
        (Window(dt.date(2026, 6, 1), dt.date(2026, 6, 30)), Filters(), (), ["T2", "T1"]),
        (Window(), Filters(reps=(" BRAM@x.nl",)), (), ["T2"]),
        (Window(), Filters(), (2,), ["T1"]),
        (Window(), Filters(), (0, 1), ["T2", "T4"]),
        (Window(), Filters(), (3, 4), []),
    ],
)
def test_shared_stories_newest_first_and_filtered(stories_db, window, filters, levels, expected):
    stories, total = training.shared_stories(stories_db, window, filters, levels)
    assert ids(stories_db, stories) == expected
    assert total == len(expected)


def test_shared_story_fields_and_quick_quote(stories_db):
    stories, _ = training.shared_stories(stories_db)
    t2, t1 = stories[0], stories[1]
    assert (t2.account, t2.contact_person, t2.contact_role, t2.channel) == (
        "Beta BV",
        "Ingrid Bakker",
        "board",
        "phone",
    )
    assert (t2.quote_sent, t2.quote_amount, t2.quick_quote) == (True, 5000.0, True)
    assert (t1.quote_sent, t1.quick_quote, t1.commitment_level) == (False, False, 2)
    assert t1.commitment == "Hans zoekt intern de volumes uit bij ACME"
    assert (t1.would_repeat, t1.reflection) == ("partly", "Te snel over de prijs")
    assert t1.notes == "Acme is ontevreden over de huidige leverancier"
    assert t1.rep_name == "anna@x.nl"


def test_a_shared_quote_is_quick_unless_its_account_advanced_in_the_90_days_before(con, tmp_path):
    """The advance may be another rep's, not shared, and before the window; only the one story
    fetched (limit 1) is checked."""
    path = tmp_path / "quotes.csv"
    path.write_text(
        "contact_id,contact_date,rep,account,channel,quote_sent,commitment_level,commitment,"
        "share_for_training\n"
        "A1,2026-03-20,cees@x.nl,Delta,visit,false,2,Proef in april,false\n"
        "Q1,2026-06-10,anna@x.nl,Delta,phone,true,0,,true\n"
        "A2,2026-01-05,cees@x.nl,Epsilon,visit,false,3,Directie erbij,false\n"
        "Q2,2026-06-09,anna@x.nl,Epsilon,phone,true,0,,true\n",
        encoding="utf-8",
    )
    assert ingest.import_file(con, path, today=TODAY).accepted == 4
    june = Window(dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    (delta,), total = training.shared_stories(con, june, limit=1)
    assert (delta.account, delta.quick_quote, total) == ("Delta", False, 2)  # 82 days after A1
    stories, _ = training.shared_stories(con, june)
    assert [(s.account, s.quick_quote) for s in stories] == [("Delta", False), ("Epsilon", True)]


def test_shared_stories_limit_keeps_the_total(stories_db):
    stories, total = training.shared_stories(stories_db, limit=1)
    assert ids(stories_db, stories) == ["T2"]
    assert total == 3


def test_lessons_are_every_non_empty_lesson_newest_first(stories_db):
    lessons, total = training.lessons(stories_db)
    assert [item.text for item in lessons] == [
        "Goed voorbereid op hun cijfers",
        "Offerte te vroeg gestuurd",
        "Eerst de beslisser betrekken",
        "Luister beter naar de klant",
    ]
    assert total == 4
    assert lessons[1].account == "Beta BV" and lessons[1].contact_person == "Ingrid Bakker"


def test_ladder_examples_distinct_texts_shared_first(stories_db):
    examples = training.ladder_examples(stories_db)
    assert [(e.level, e.commitment, e.shared) for e in examples] == [
        (1, "Vervolgafspraak op 1 juni", True),
        (2, "Hans zoekt intern de volumes uit bij ACME", True),  # T1 (shared) beats T5
        (3, "Introductie bij de directie", False),
    ]
    assert (
        training.ladder_examples(stories_db, per_level=1, filters=Filters(reps=("cees@x.nl",)))[
            0
        ].shared
        is False
    )


def test_queries_on_an_empty_database(con):
    assert training.shared_stories(con) == ([], 0)
    assert training.lessons(con) == ([], 0)
    assert training.ladder_examples(con) == []


def test_period_window():
    assert training.period_window("90d", TODAY) == Window(dt.date(2026, 4, 2), TODAY)
    assert training.period_window("365d", TODAY).start == dt.date(2025, 7, 1)
    assert training.period_window("all", TODAY) == Window()


# -- lesson themes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lesson", "theme"),
    [
        ("Te snel een offerte gestuurd", "quoting"),
        ("Niet meteen korting geven", "quoting"),
        ("We quoted before we knew the problem", "quoting"),
        ("Vraag altijd wie er beslist", "decision_makers"),  # decision makers come before listening
        ("Eerst de directeur erbij halen", "decision_makers"),
        ("Stuur dezelfde dag een samenvatting", "follow_up"),
        ("Niet teruggebeld, dus opvolging liep mis", "follow_up"),
        ("Een 'ja' zonder datum is geen commitment", "commitment"),
        ("Beter luisteren", "listening"),
        ("Meer doorvragen naar het waarom", "listening"),
        ("Ask why before you pitch", "listening"),
        ("Beter voorbereiden op hun jaarcijfers", "preparation"),
        ("Een fout delen helpt het team", "mistakes"),
        ("Telefonisch was dit te complex", "other"),
        # Keywords match at the start of a word only: "task" is no "ask", "aanvraag" no "vraag".
        ("Een task list helps", "other"),
        ("Een aanvraagformulier invullen", "other"),
        ("", "other"),
    ],
)
def test_theme_of(lesson, theme):
    assert training.theme_of(lesson) == theme


def test_theme_wall_groups_in_theme_order_and_counts_repeats():
    wall = training.theme_wall(
        [
            "Beter luisteren",
            "Te snel een offerte",
            "Beter luisteren",
            "Telefonisch was dit te complex",
            "Meer doorvragen",
        ]
    )
    assert [(g.key, g.count, g.items) for g in wall] == [
        ("quoting", 1, [("Te snel een offerte", 1)]),
        ("listening", 3, [("Beter luisteren", 2), ("Meer doorvragen", 1)]),
        ("other", 1, [("Telefonisch was dit te complex", 1)]),
    ]
    assert training.theme_wall([]) == []


def test_every_theme_has_a_name_in_both_languages():
    from kpi.i18n import TEXTS

    for key in training.THEME_KEYS:
        assert set(TEXTS[f"train_theme_{key}"]) == {"en", "nl"}


# -- hiding names ----------------------------------------------------------------------------------


def test_anonymiser_labels_in_first_seen_order_and_stays_consistent():
    anon = Anonymiser("nl")
    assert anon.label_account("Acme") == "Klant A"
    assert anon.label_account("Beta BV") == "Klant B"
    assert anon.label_account("  ACME ") == "Klant A"  # trimmed and case-folded like account_key
    assert anon.label_person("Hans de Vries") == "Contactpersoon 1"
    assert anon.label_person("Ingrid Bakker") == "Contactpersoon 2"
    assert anon.label_person("hans  de vries") == "Contactpersoon 1"
    assert anon.label_person(None) is None and anon.label_person("  ") is None
    anon.lang = "en"  # the user switched language: same numbering, English words
    assert anon.label_account("Beta BV") == "Customer B"
    assert anon.label_person("Ingrid Bakker") == "Contact 2"


def test_anonymiser_letters_go_on_after_z():
    anon = Anonymiser("en")
    labels = [anon.label_account(f"account {i}") for i in range(28)]
    assert labels[0] == "Customer A" and labels[25] == "Customer Z"
    assert labels[26:] == ["Customer AA", "Customer AB"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bakker Logistiek B.V. wil een pilot", "Customer A wil een pilot"),
        ("bakker logistiek b.v. wil", "Customer A wil"),
        ("Hans de Vries belde terug", "Contact 1 belde terug"),
        ("Meneer De Vries twijfelt", "Meneer Contact 1 twijfelt"),
        ("Hans twijfelt, Vries ook", "Contact 1 twijfelt, Contact 1 ook"),
        ("HANS  de\tVRIES belde", "Contact 1 belde"),  # any case, any white space
        ("Ingrid Bakker en Bakker Logistiek B.V.", "Contact 2 en Customer A"),
        ("Mevrouw Bakker belt", "Mevrouw Contact 2 belt"),
        # Whole words only: names inside other words stay.
        ("In januari, bij de bakkerij", "In januari, bij de bakkerij"),
        ("Hanson en Vriesland", "Hanson en Vriesland"),
        # "de" alone is no name.
        ("de klant", "de klant"),
        (None, None),
        ("", ""),
    ],
)
def test_scrub_removes_names_from_free_text(text, expected):
    anon = Anonymiser("en")
    anon.label_account("Bakker Logistiek B.V.")
    anon.label_person("Hans de Vries")
    anon.label_person("Ingrid Bakker")
    assert anon.scrub(text) == expected


def test_anonymised_story_has_labels_in_fields_and_texts(stories_db):
    stories, _ = training.shared_stories(stories_db)
    anon = Anonymiser("en")
    anon.register(stories)
    shown = [anon.story(s) for s in stories]
    t1 = shown[1]
    assert (t1.account, t1.contact_person) == ("Customer B", "Contact 2")  # T2 was seen first
    assert t1.commitment == "Contact 2 zoekt intern de volumes uit bij Customer B"
    assert t1.notes == "Customer B is ontevreden over de huidige leverancier"
    assert t1.rep_name == "anna@x.nl"  # colleagues keep their names
    assert shown[0].account == "Customer A"


def test_lesson_and_example_get_the_same_labels():
    anon = Anonymiser("nl")
    lesson = Lesson("Bij Acme eerst Hans bellen", dt.date(2026, 6, 1), "anna", "Acme", "Hans Smit")
    assert anon.lesson(lesson).text == "Bij Klant A eerst Contactpersoon 1 bellen"
    example = training.Example(2, "Hans Smit stuurt de cijfers van ACME", "Acme", "Hans Smit", True)
    shown = anon.example(example)
    assert (shown.account, shown.commitment) == (
        "Klant A",
        "Contactpersoon 1 stuurt de cijfers van Klant A",
    )


# -- escaping --------------------------------------------------------------------------------------

WJ = markdown.WORD_JOINER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gewoon tekst, met B.V. en 5.000 euro", "Gewoon tekst, met B.V. en 5.000 euro"),
        ("**vet** en _schuin_", r"\*\*vet\*\* en \_schuin\_"),
        ("# kop", r"\# kop"),
        ("1. lijst", r"1\. lijst"),
        ("- punt\n+ punt", "\\- punt  \n\\+ punt"),
        ("> citaat", r"\> citaat"),
        ("[link](http://x.nl)", f"\\[link\\](http:{WJ}//x.nl)"),
        ("<b>html</b> & &amp;", r"\<b\>html\</b\> \& \&amp;"),
        ("$5 en $6", r"\$5 en \$6"),
        (":red[rood] :material/home:", f":{WJ}red\\[rood\\] :{WJ}material/home:"),
        ("10:30 uur: goed", f"10:{WJ}30 uur: goed"),  # invisible; a colon before a space stays
        ("wie :smile: en :+1:", f"wie :{WJ}smile: en :{WJ}+1:"),
        ("WWW.x.nl of anna@x.nl", f"WWW{WJ}.x.nl of anna{WJ}@x.nl"),
        ("    ingesprongen\nregel twee", "ingesprongen  \nregel twee"),
        ("a\\b", "a\\\\b"),
        (None, ""),
    ],
)
def test_escape_markdown(text, expected):
    assert markdown.escape_markdown(text) == expected


def test_escape_markdown_outside_streamlit_leaves_colons():
    assert markdown.escape_markdown("Vraag: wie beslist?", streamlit=False) == "Vraag: wie beslist?"


# -- handouts --------------------------------------------------------------------------------------


def story(**changes) -> Story:
    base = Story(
        id=1,
        contact_date=dt.date(2026, 6, 1),
        rep_name="Anna de Wit",
        account="Bakker Logistiek B.V.",
        contact_person="Hans de Vries",
        contact_role="decision_maker",
        channel="visit",
        appointment_planned=True,
        quote_sent=True,
        quote_amount=1250.5,
        quick_quote=False,
        commitment_level=3,
        commitment="Hans introduceert ons bij de directie van Bakker Logistiek B.V.",
        commitment_status="open",
        would_repeat="partly",
        reflection="Eerder naar Hans' baas vragen",
        lesson="Café-bezoek à € 5 werkt: één idee per gesprek",
        notes="Contract loopt af",
    )
    return replace(base, **changes)


LESSONS = [
    Lesson("Hans wilde eerst een offerte", dt.date(2026, 6, 2), "Anna", "Bakker Logistiek B.V.", "Hans de Vries"),
    Lesson("Beter luisteren", dt.date(2026, 6, 3), "Bram", "Gamma", None),
]  # fmt: skip


def test_handout_markdown_tells_the_stories():
    text = training.handout_markdown(
        [story(), story(id=2, account="Gamma", contact_person=None, commitment_level=1,
                        commitment="Vervolgafspraak op 1 juli")],
        LESSONS,
        "en",
        today=TODAY,
    )  # fmt: skip
    assert text.startswith("# Training: contact stories\n")
    assert "Commitboard, 2026-06-30. 2 stories." in text
    assert "## Story 1 of 2 · Bakker Logistiek B.V. · 2026-06-01" in text
    assert (
        "- **Commitment:** Hans introduceert ons bij de directie van Bakker Logistiek B.V." in text
    )
    assert "- **Commitment level:** Level 3 · Access" in text
    assert "- **Contact person:** Hans de Vries (decision maker)" in text
    assert "- **Quote sent:** yes (€1,250)" in text
    assert "- **Same way next time?** partly" in text
    assert "## Story 2 of 2 · Gamma · 2026-06-01" in text
    assert "### Quoting too fast (1)\n\n- Hans wilde eerst een offerte\n\n" in text
    assert "### Listening and asking (1)\n\n- Beter luisteren\n\n" in text
    assert "- **Level 4 · Joint plan:**" in text


def test_handout_markdown_without_names_when_hidden():
    anon = Anonymiser("nl")
    text = training.handout_markdown([story()], LESSONS, "nl", anon, today=TODAY)
    for name in ("Bakker", "Hans", "Vries"):
        assert name not in text
    assert "## Verhaal 1 van 1 · Klant A · 01-06-2026" in text
    assert "Contactpersoon 1 introduceert ons bij de directie van Klant A" in text
    assert "- Contactpersoon 1 wilde eerst een offerte" in text
    assert "Anna de Wit" in text  # the rep is a colleague


def test_handout_markdown_escapes_user_text():
    text = training.handout_markdown(
        [story(notes="**niet vet** # geen kop")], [], "en", today=TODAY
    )
    assert r"\*\*niet vet\*\* \# geen kop" in text


def test_handout_pdf_is_a_pdf():
    data = training.handout_pdf([story(), story(id=2)], LESSONS, "nl", Anonymiser("nl"), TODAY)
    assert data.startswith(b"%PDF")
    assert len(data) > 1000
    assert training.handout_pdf([], [], "en", today=TODAY).startswith(b"%PDF")


# Names from the teams a Dutch company has: each must come out of the PDF as it went in.
WORLD_NAMES = [
    "Łukasz Żółć",  # Polish
    "Wiśniewski Sp. z o.o.",
    "Mehmet Yılmaz",  # Turkish: dotless ı
    "Ayşe Çelik",
    "Řehoř Dvořák",  # Czech
    "Γιώργος Παπαδόπουλος",  # Greek
    "Олександр Шевченко",  # Ukrainian
    "Nguyễn Văn Đức",  # Vietnamese
    "محمد العلي",  # Arabic: right to left, letters joined
    "יוסי כהן",  # Hebrew: right to left
    "Café-bezoek à € 5 “quote” – …",
]


def _pdf_lines(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]


def _rtl(word: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in word)


def _as_drawn(text: str) -> str:
    """The text in the order a PDF holds it: runs of right-to-left words turned around, as the
    page shows them left to right. Text extractors give either order, so both are accepted."""
    words, out, run = text.split(" "), [], []
    for word in [*words, ""]:
        if word and _rtl(word):
            run.append(word)
            continue
        out += reversed(run)
        run = []
        if word:
            out.append(word)
    return " ".join(out)


@pytest.mark.parametrize("name", WORLD_NAMES)
def test_the_pdf_keeps_every_letter_of_a_name(name):
    data = training.handout_pdf(
        [story(account=name, contact_person=name, contact_role=None, rep_name=name)],
        [],
        "en",
        today=TODAY,
    )
    lines = _pdf_lines(data)
    for label in ("Account", "Contact person", "Rep"):
        [line] = [line for line in lines if line.startswith(f"{label}:")]
        assert line.removeprefix(f"{label}:").strip() in (name, _as_drawn(name)), line
    assert training.handout_pdf_missing([story(account=name)], [], "en", today=TODAY) == []


@pytest.mark.parametrize(
    ("name", "drawn", "missing"),
    [
        ("Anna 😀 de Wit", "Anna \ufffd de Wit", ["😀"]),
        ("Team 👨‍👩‍👧 Noord", "Team \ufffd Noord", ["👨‍👩‍👧"]),  # one joined emoji, one mark
        ("王小明 Wang", "\ufffd Wang", ["王小明"]),  # Chinese: no font has it
    ],
)
def test_what_no_font_can_draw_shows_a_mark_and_is_named(name, drawn, missing):
    data = training.handout_pdf([story(rep_name=name)], [], "en", today=TODAY)
    [line] = [line for line in _pdf_lines(data) if line.startswith("Rep:")]
    assert line == f"Rep: {drawn}"
    assert training.handout_pdf_missing([story(rep_name=name)], [], "en", today=TODAY) == missing


def test_pdf_names_what_it_cannot_draw_only_after_hiding_names():
    hidden = story(account="Kwekerij 🌷", contact_person=None, notes="Kwekerij 🌷 belde")
    assert training.handout_pdf_missing([hidden], [], "en", today=TODAY) == ["🌷"]
    anonymiser = Anonymiser("en")
    assert training.handout_pdf_missing([hidden], [], "en", anonymiser, TODAY) == []


def test_the_pdf_embeds_only_the_glyphs_it_uses():
    dutch = training.handout_pdf([story(), story(id=2)], LESSONS, "nl", today=TODAY)
    assert len(dutch) < 60_000
    world = [story(id=i, account=name, rep_name=name) for i, name in enumerate(WORLD_NAMES)]
    assert len(training.handout_pdf(world, LESSONS, "nl", today=TODAY)) < 150_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme | Beta\nnieuwe regel", "Acme \\| Beta nieuwe regel"),
        ("  **vet**  ", "\\*\\*vet\\*\\*"),
        (None, ""),
    ],
)
def test_escape_markdown_inline_is_one_line(text, expected):
    assert markdown.escape_markdown(text, streamlit=False, inline=True) == expected


def test_the_lists_never_count_with_a_window():
    """count(*) over () on a few rows now and then breaks DuckDB 1.5.5 (an internal error, then
    every query on the database refused until it is reopened; kpi.training._NO_WINDOW_COUNT).
    No query of kpi may use a window over everything; tests/reliability/test_window_bug.py
    shows the failure itself."""
    import re
    from pathlib import Path

    empty_window = re.compile(r"\bover\s*\(\s*\)", re.IGNORECASE)
    sources = sorted((Path(training.__file__).parent).glob("*.py"))
    found = [
        f"{path.name}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if empty_window.search(line.split("--")[0].split("#")[0])
    ]
    assert found == []
