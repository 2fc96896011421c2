"""The enum columns (channel, role, status, same-way answer) reach the pages as plain text.

DuckDB hands an enum to pandas as a Categorical, which refuses any value outside its list (a
page filling in "" for a blank would fail) and sorts by the list, not the alphabet; every query
that returns one casts it to text."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi import contacts, reflection, training

CONTACT = {
    "contact_date": "2026-06-03",
    "rep": "anna@x.nl",
    "account": "Delta",
    "contact_role": "beslisser",
    "channel": "bezoek",
    "commitment_level": "2",
    "commitment": "Klant zoekt uit wat de volumes zijn",
    "would_repeat": "deels",
    "reflection": "Eerder doorvragen",
    "lesson": "Laat de klant het probleem zelf benoemen",
    "share_for_training": "ja",
}


def _no_categoricals(frame: pd.DataFrame) -> list[str]:
    return [name for name, dtype in frame.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]


def test_frames_and_stories_carry_the_enum_columns_as_text(con):
    assert contacts.save_contact(con, CONTACT, today=dt.date(2026, 6, 30)).errors == {}
    week = reflection.weekly_summary(con, "anna@x.nl", 2026, 23)
    frames = {
        "contacts": week.contacts,
        "answers": week.answers,
        "lessons": week.lessons,
        "changes": week.changes,
        "recent": contacts.recent_contacts(con, "anna@x.nl"),
    }
    for name, frame in frames.items():
        assert _no_categoricals(frame) == [], name
    assert week.contacts.loc[0, ["channel", "commitment_status", "would_repeat"]].tolist() == [
        "visit",
        "open",
        "partly",
    ]
    assert week.answers["would_repeat"].tolist() == ["yes", "partly", "no", "unanswered"]
    assert week.answers["contacts_count"].tolist() == [0, 1, 0, 0]
    recent = frames["recent"].iloc[0]
    assert (recent["contact_role"], recent["channel"]) == ("decision_maker", "visit")
    stories, total = training.shared_stories(con)
    assert total == 1
    story = stories[0]
    assert (story.contact_role, story.channel, story.commitment_status, story.would_repeat) == (
        "decision_maker",
        "visit",
        "open",
        "partly",
    )
    assert all(type(v) is str for v in (story.contact_role, story.channel, story.would_repeat))
