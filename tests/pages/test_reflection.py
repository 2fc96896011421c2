"""The Reflection page: one rep's own trend, answers and lessons, and the weekly summary."""

from __future__ import annotations

import datetime as dt
import re

from kpi import contacts, db, reflection
from tests.pages.conftest import open_page


def add_contact(path, rep: str, day: dt.date | None = None, **values: object) -> None:
    con = db.connect(path)
    try:
        base = {
            "contact_date": day or dt.date.today(),
            "rep": rep,
            "account": "Delta NV",
            "channel": "visit",
        }
        result = contacts.save_contact(con, base | values)
        assert result.ok, result.errors
    finally:
        con.close()


def add_lesson(path, rep: str, lesson: str) -> None:
    add_contact(
        path, rep, would_repeat="no", reflection="Eerst de beslisser spreken", lesson=lesson
    )


def frames(at) -> list:
    return [df.value for df in at.dataframe]


def cells(at) -> set[str]:
    return {str(v) for frame in frames(at) for v in frame.to_numpy().ravel()}


def test_renders_for_a_rep_on_demo_data(app_db):
    at = open_page("reflection")
    assert not at.exception
    assert at.title[0].value == "Reflection"
    rep = at.selectbox(key="refl_rep")
    assert rep.value is not None
    labels = [m.label for m in at.metric]
    for label in ("Advance rate", "Commitment rate", "Reflection rate", "Yes, the same way"):
        assert label in labels
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    assert at.selectbox(key="refl_week").value == reflection.last_full_week(dt.date.today())


def test_shows_the_picked_reps_lessons_and_changes(small_db):
    add_lesson(small_db, "eva@x.nl", "Nooit een offerte zonder commitment")
    add_contact(small_db, "eva@x.nl", would_repeat="yes")
    add_lesson(small_db, "anna@x.nl", "Anna's eigen les")
    at = open_page("reflection")
    at.selectbox(key="refl_rep").set_value("eva@x.nl").run()
    assert not at.exception
    shown = cells(at)
    assert "Nooit een offerte zonder commitment" in shown
    assert "Eerst de beslisser spreken" in shown  # what Eva would change
    assert "Delta NV" in shown
    assert "Anna's eigen les" not in shown
    answers = {m.label: m.value for m in at.metric}
    assert answers["No, differently"] == "50%"
    assert answers["Yes, the same way"] == "50%"
    assert answers["Not answered"] == "0%"


def test_a_rep_sees_only_themself(small_db):
    add_lesson(small_db, "bram@x.nl", "Bram's les")
    add_lesson(small_db, "anna@x.nl", "Anna's les")
    at = open_page("reflection", role="rep", rep="anna@x.nl")
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "refl_rep"]
    # Even a forged choice does not switch to a colleague.
    at.session_state["refl_rep"] = "bram@x.nl"
    at.run()
    shown = cells(at)
    assert "Anna's les" in shown
    assert "Bram's les" not in shown


def test_weekly_summary_of_the_last_full_week_and_its_downloads(small_db):
    year, week = reflection.last_full_week(dt.date.today())
    monday = reflection.week_window(year, week).start
    add_contact(
        small_db,
        "anna@x.nl",
        monday,
        commitment_level=2,
        commitment="Klant verzamelt de volumes per vestiging",
        lesson="Vraag naar de volumes",
    )
    add_contact(
        small_db,
        "anna@x.nl",
        monday - dt.timedelta(days=1),
        commitment_level=1,
        commitment="Week ervoor",
    )
    at = open_page("reflection")
    assert at.selectbox(key="refl_rep").value == "anna@x.nl"
    assert at.selectbox(key="refl_week").value == (year, week)
    shown = cells(at)
    assert "Klant verzamelt de volumes per vestiging" in shown  # realised this week
    assert "Week ervoor" in shown  # still open, from before the week
    week_contacts = [m.value for m in at.metric if m.label == "Contacts"][-1]
    assert week_contacts == "1"
    downloads = {b.key: b for b in at.get("download_button")}
    assert downloads["refl_dl_md"].label == "Text"
    assert downloads["refl_dl_md"].proto.url.endswith(".md")
    assert downloads["refl_dl_html"].label == "Print"
    assert downloads["refl_dl_html"].proto.url.endswith(".html")


def test_empty_database(empty_db):
    at = open_page("reflection")
    assert not at.exception
    assert "No contacts yet" in at.info[0].value


def test_dutch_labels(small_db):
    at = open_page("reflection")
    at.button_group(key="lang_switch").set_value("nl").run()
    assert not at.exception
    assert at.title[0].value == "Reflectie"
    assert [tab.label for tab in at.tabs] == [
        ":material/trending_up: Mijn trend",
        ":material/psychology: Antwoorden en lessen",
        ":material/print: Weekoverzicht",
    ]
    labels = [m.label for m in at.metric]
    assert "Voortgangsratio" in labels
    assert "Ja, op dezelfde manier" in labels
    assert at.get("download_button")[1].label == "Printen"
    assert "K1 2026" in cells(at)
    week = at.selectbox(key="refl_week").options[1]
    assert re.fullmatch(r"wk \d+ \d{4} \(\d\d-\d\d-\d{4} t/m \d\d-\d\d-\d{4}\)", week), week
