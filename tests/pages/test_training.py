"""The training page as a user sees it: stories, hidden names, presenter mode, handouts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kpi import contacts, db, markdown, training
from tests.pages.conftest import open_page

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def page_text(at) -> str:
    """Every text a user can read on the page, with Markdown escapes and word joiners undone."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
                 "success", "error", "metric", "toggle", "button", "download_button", "tabs",
                 "expander"):  # fmt: skip
        for element in at.get(kind):
            for attr in ("value", "label", "body"):
                value = getattr(getattr(element, "proto", None), attr, None)
                if isinstance(value, str):
                    parts.append(value)
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    text = "\n".join(parts).replace(markdown.WORD_JOINER, "")
    return _ESCAPE.sub(r"\1", text)


def shown_stories(path, period: str = training.DEFAULT_PERIOD) -> list[training.Story]:
    con = db.connect(path)
    try:
        stories, _ = training.shared_stories(con, training.period_window(period, dt.date.today()))
    finally:
        con.close()
    return stories


def names(stories: list[training.Story]) -> set[str]:
    return {s.account for s in stories} | {s.contact_person for s in stories if s.contact_person}


def test_stories_lessons_and_ladder_on_demo_data(app_db):
    at = open_page("training")
    assert not at.exception
    assert at.title[0].value == "Training"
    stories = shown_stories(app_db)
    assert stories, "the demo data must hold shared stories in the last 3 months"
    text = page_text(at)
    assert f"{len(stories)} stories offered for training" in text
    headings = [h.value.replace("\\", "") for h in at.subheader]
    assert [s.account for s in stories[:3]] == headings[:3]
    # Every section of a card, the lessons wall and the ladder with its real examples.
    for label in ("Situation", "Approach", "Commitment reached", "Reflection"):
        assert f"**{label}**" in text
    assert "Quoting too fast" in text and "Keywords: offert" in text
    for level in range(5):
        assert f"#### {level} · " in text
    assert "Real examples" in text
    assert [tab.label for tab in at.tabs][:4] == [
        ":material/forum: Stories",
        ":material/lightbulb: Lessons wall",
        ":material/stairs: The ladder",
        ":material/download: Handout",
    ]
    # The director sees names by default; the handout says so.
    assert at.toggle(key="train_hide_names").value is False
    assert stories[0].account in text
    assert "Customer names are visible in the handout" in text


def test_hide_names_removes_every_name_of_the_shown_stories(app_db):
    con = db.connect(app_db)
    saved = contacts.save_contact(
        con,
        {
            "contact_date": dt.date.today(),
            "rep": "sanne.dejong@prospex.example",
            "account": "Kwekerij Zoë & Zn.",
            "contact_person": "Gerda van Dam",
            "channel": "visit",
            "commitment_level": 3,
            "commitment": "Gerda van Dam stelt ons voor aan de directie van Kwekerij Zoë & Zn.",
            "notes": "Mevrouw Van Dam belde zelf; kwekerij zoë & zn. groeit",
            "lesson": "Gerda wil eerst cijfers zien",
            "share_for_training": True,
        },
    )
    con.close()
    assert saved.ok, saved.errors
    at = open_page("training")
    stories = shown_stories(app_db, "365d")
    at.selectbox(key="train_period").set_value("365d").run()
    before = page_text(at)
    assert all(name in before for name in names(stories[: training.STORY_LIMIT][:50]))

    at.toggle(key="train_hide_names").set_value(True).run()
    assert not at.exception
    after = page_text(at)
    leaked = sorted(name for name in names(stories) if name.casefold() in after.casefold())
    assert leaked == []
    assert at.subheader[0].value == "Customer A" and "Contact 1" in after
    for name in ("Zoë", "Gerda", "Dam"):
        assert name not in after
    assert "Contact 1 stelt ons voor aan de directie van Customer A" in after
    assert "Customer names are hidden in the handout" in after


def test_labels_stay_the_same_for_the_session(app_db):
    at = open_page("training", role="trainer")
    first = [h.value for h in at.subheader]
    assert first[:2] == ["Customer A", "Customer B"]
    at.selectbox(key="train_period").set_value("all").run()
    at.selectbox(key="train_period").set_value("90d").run()
    assert [h.value for h in at.subheader] == first


@pytest.mark.parametrize(
    ("role", "hidden"), [("trainer", True), ("rep", True), ("director", False)]
)
def test_names_hidden_by_default_except_for_the_director(app_db, role, hidden):
    rep = "sanne.dejong@prospex.example" if role == "rep" else None
    at = open_page("training", role=role, rep=rep)
    assert not at.exception
    assert at.toggle(key="train_hide_names").value is hidden


def test_presenter_mode_one_story_with_next_and_previous(app_db):
    at = open_page("training")
    at.pills(key="train_levels").set_value([3, 4]).run()
    expected = [s for s in shown_stories(app_db) if s.commitment_level >= 3]
    assert len(expected) >= 2

    at.toggle(key="train_presenter").set_value(True).run()
    assert not at.exception
    assert at.toggle(key="train_hide_names").value is True  # on by default in presenter mode
    assert [h.value for h in at.header] == ["Customer A"]  # one story, large, names hidden
    assert not at.tabs and not at.pills  # no tabs, no filters (the sidebar is the router's)
    assert [w.key for w in at.selectbox] == ["act_as"]
    n = len(expected)  # the level filter still holds while its widget is hidden
    assert f"Story 1 of {n}" in page_text(at)
    assert at.button(key="train_prev").disabled

    at.button(key="train_next").click().run()
    assert f"Story 2 of {n}" in page_text(at)
    assert [h.value for h in at.header] == ["Customer B"]
    at.button(key="train_prev").click().run()
    assert f"Story 1 of {n}" in page_text(at)

    at.toggle(key="train_presenter").set_value(False).run()
    assert at.pills(key="train_levels").value == [3, 4]


def test_dutch_labels(app_db, monkeypatch):
    # Dutch as the default language rather than ?lang=nl: AppTest formats the sidebar's role
    # picker outside the run, in the default language.
    monkeypatch.setenv("COMMITBOARD_LANG", "nl")
    at = open_page("training", role="trainer")
    assert not at.exception
    text = page_text(at)
    assert at.toggle(key="train_presenter").label == "Presentatiemodus"
    assert at.toggle(key="train_hide_names").label == "Klantnamen verbergen"
    assert at.selectbox(key="train_period").value == "90d"
    for label in ("Verhalen", "Lessenmuur", "De ladder", "Hand-out", "**Situatie**",
                  "Te snel offreren", "Niveau 2 · Klant onderneemt actie", "Klant A"):  # fmt: skip
        assert label in text, label
    assert re.search(r"\d+-\d+-2\d{3}", text)  # Dutch dates
    at.selectbox(key="train_period").set_value("365d").run()  # a second run in Dutch
    assert not at.exception
    assert at.selectbox(key="train_period").value == "365d"


def test_handout_download_buttons(app_db):
    at = open_page("training")
    assert [b.key for b in at.download_button] == ["train_handout_md", "train_handout_pdf"]
    assert at.download_button(key="train_handout_md").label == "Download as Markdown"
    assert at.download_button(key="train_handout_pdf").label == "Download as PDF"


def test_empty_database_says_what_to_do(empty_db):
    at = open_page("training")
    assert not at.exception
    messages = [i.value for i in at.info]
    assert any(m.startswith("No stories offered for training") for m in messages)
    assert any(m.startswith("No lessons written down") for m in messages)
    at.toggle(key="train_presenter").set_value(True).run()
    assert not at.exception
    assert any(i.value.startswith("No stories offered") for i in at.info)


def test_the_handout_tab_names_what_the_pdf_cannot_draw(app_db):
    con = db.connect(app_db)
    saved = contacts.save_contact(
        con,
        {
            "contact_date": dt.date.today(),
            "rep": "sanne.dejong@prospex.example",
            "account": "Bloemenhuis Łódź",
            "contact_person": "Mehmet Yılmaz",
            "channel": "visit",
            "notes": "Blij met de bloemen 🌷, 王小明 belt terug",
            "share_for_training": True,
        },
    )
    con.close()
    assert saved.ok, saved.errors
    at = open_page("training")
    notes = [i.value for i in at.info if "cannot draw" in i.value]
    assert notes == [
        "The PDF's fonts cannot draw 🌷, 王小明: the PDF shows \ufffd in their place."
        " The Markdown handout keeps them."
    ]
    # Hidden names change nothing here: the characters are in the notes, not in a name.
    at.toggle(key="train_hide_names").set_value(True).run()
    assert [i.value for i in at.info if "cannot draw" in i.value] == notes


def test_the_handout_tab_has_no_font_note_when_the_pdf_draws_everything(app_db):
    at = open_page("training")
    assert not [i.value for i in at.info if "cannot draw" in i.value]
