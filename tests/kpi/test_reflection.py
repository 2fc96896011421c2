"""One rep's reflection queries and weekly summary on tests/data/kpi_small.csv (values by hand)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from kpi import contacts, reflection
from kpi.metrics import Window

D = dt.date
TODAY = D(2026, 6, 30)


def answer_counts(frame) -> dict[str, int]:
    return dict(zip(frame["would_repeat"], frame["contacts_count"], strict=True))


@pytest.mark.parametrize(
    ("rep", "window", "expected"),
    [
        # C01 ja, C02 deels, C03 -, C06 ja; the rep is matched trimmed and case-folded.
        (" Anna@X.nl ", Window(), {"yes": 2, "partly": 1, "no": 0, "unanswered": 1}),
        (
            "anna@x.nl",
            Window(D(2026, 4, 1), D(2026, 6, 30)),
            {"yes": 0, "partly": 0, "no": 0, "unanswered": 1},
        ),
        ("bram@x.nl", Window(), {"yes": 0, "partly": 0, "no": 1, "unanswered": 1}),
        ("cees", Window(), {"yes": 1, "partly": 0, "no": 0, "unanswered": 1}),
        ("nobody", Window(), {"yes": 0, "partly": 0, "no": 0, "unanswered": 0}),
    ],
)
def test_answers(small, rep, window, expected):
    frame = reflection.answers(small, rep, window)
    assert list(frame["would_repeat"]) == ["yes", "partly", "no", "unanswered"]
    assert answer_counts(frame) == expected
    total = sum(expected.values())
    for answer, share in zip(frame["would_repeat"], frame["share"], strict=True):
        if total:
            assert share == pytest.approx(expected[answer] / total)
        else:
            assert math.isnan(share)  # no contacts: a share is undefined, not 0


@pytest.mark.parametrize(
    ("rep", "expected"),
    [
        ("anna@x.nl", []),
        ("bram@x.nl", [(D(2026, 3, 1), "Beta BV", "Te snel naar de directie gegaan")]),
        ("CEES", [(D(2026, 5, 2), "Gamma", "Eerst doorvragen")]),
    ],
)
def test_lessons(small, rep, expected):
    frame = reflection.lessons(small, rep)
    got = [
        (d.date(), a, lesson)
        for d, a, lesson in zip(
            frame["contact_date"], frame["account"], frame["lesson"], strict=True
        )
    ]
    assert got == expected


def test_lessons_newest_first_and_blank_lessons_skipped(small):
    for day, lesson in ((D(2026, 6, 1), "Eerst het budget"), (D(2026, 6, 2), "   ")):
        values = {"contact_date": day, "rep": "cees", "account": "Gamma", "channel": "phone"}
        assert contacts.save_contact(small, values | {"lesson": lesson}, today=TODAY).ok
    frame = reflection.lessons(small, "cees")
    assert list(frame["lesson"]) == ["Eerst het budget", "Eerst doorvragen"]


def test_changes_are_the_no_and_partly_answers(small):
    anna = reflection.changes(small, "anna@x.nl")
    assert list(anna["account"]) == ["acme"]  # C02, as logged
    assert list(anna["would_repeat"]) == ["partly"]
    assert anna["reflection"].isna().all()
    bram = reflection.changes(small, "bram@x.nl")
    assert list(bram["would_repeat"]) == ["no"]
    assert reflection.changes(small, "cees").empty


def test_quarters_compare_the_rep_with_their_own_past(small):
    frame = reflection.quarters(small, "anna@x.nl", TODAY, count=3)
    assert list(zip(frame["year"], frame["quarter"], strict=True)) == [
        (2025, 4),
        (2026, 1),
        (2026, 2),
    ]
    assert list(frame["contacts"]) == [0, 3, 1]  # Q1: C01, C02, C06; Q2: C03
    assert math.isnan(frame["commitment_rate"][0])  # no contacts: undefined, not 0
    q1 = frame.iloc[1]
    assert q1["commitment_rate"] == pytest.approx(2 / 3)
    assert q1["advance_rate"] == pytest.approx(1 / 3)
    assert q1["follow_through"] == pytest.approx(1.0)  # C01 kept; C06 still open
    assert q1["reflection_rate"] == pytest.approx(1.0)
    assert q1["quick_quote_share"] == pytest.approx(0.0)  # C02 and C06 follow real commitment
    assert q1["learning_moments"] == 1  # C02 partly
    assert frame.iloc[2]["commitment_rate"] == pytest.approx(0.0)


def test_compare_periods_takes_the_whole_previous_calendar_period(small):
    comparison = reflection.compare_periods(small, "anna@x.nl", "quarter", D(2026, 4, 30))
    assert comparison.window == Window(D(2026, 4, 1), D(2026, 6, 30))
    assert comparison.previous_window == Window(D(2026, 1, 1), D(2026, 3, 31))
    assert comparison.current["contacts"] == 1
    assert comparison.previous["contacts"] == 3
    assert comparison.previous["advance_rate"] == pytest.approx(1 / 3)
    month = reflection.compare_periods(small, "anna@x.nl", "month", D(2026, 3, 20))
    assert month.previous_window == Window(D(2026, 2, 1), D(2026, 2, 28))
    assert (month.current["contacts"], month.previous["contacts"]) == (1, 1)  # C06; C02


def test_weekly_trend_is_per_iso_week_over_the_last_year(small):
    trend = reflection.weekly_trend(small, "anna@x.nl", TODAY)
    assert list(trend["iso_week"]) == [2, 7, 11, 14]
    assert list(trend["contacts"]) == [1, 1, 1, 1]
    assert reflection.weekly_trend(small, "anna@x.nl", D(2027, 6, 30)).empty


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 26), (2026, 47)),  # a Thursday in week 48
        (D(2026, 11, 23), (2026, 47)),  # Monday: week 47 is the last full one
        (D(2027, 1, 6), (2026, 53)),  # 2026 has 53 ISO weeks
        (D(2026, 1, 2), (2025, 52)),  # 2 January 2026 is in ISO week 1 of 2026
    ],
)
def test_last_full_week(today, expected):
    assert reflection.last_full_week(today) == expected
    assert reflection.recent_weeks(today)[1] == expected


def test_week_window_is_monday_to_sunday():
    assert reflection.week_window(2026, 1) == Window(D(2025, 12, 29), D(2026, 1, 4))
    assert reflection.week_window(2026, 53) == Window(D(2026, 12, 28), D(2027, 1, 3))


def test_weekly_summary(small):
    summary = reflection.weekly_summary(small, "cees", 2026, 18)
    assert (summary.start, summary.end) == (D(2026, 4, 27), D(2026, 5, 3))
    assert summary.rep_name == "cees"  # not on the roster: as last logged (C08)
    assert list(summary.contacts["id"]) == [7, 8]
    assert list(summary.realised["commitment"]) == ["Pilotplan met eigenaren"]
    assert list(summary.open_commitments["id"]) == [8]
    assert answer_counts(summary.answers) == {"yes": 1, "partly": 0, "no": 0, "unanswered": 1}
    assert list(summary.lessons["lesson"]) == ["Eerst doorvragen"]
    assert summary.changes.empty
    assert summary.kpis["contacts"] == 2
    assert summary.kpis["advance_rate"] == pytest.approx(0.5)


def test_weekly_summary_open_commitments_are_those_logged_up_to_the_week(small):
    # Anna, week 11: C06 (15 March) realised a commitment that is still open.
    summary = reflection.weekly_summary(small, "anna@x.nl", 2026, 11)
    assert summary.rep_name == "Anna de Vries"
    assert list(summary.realised["id"]) == [6]
    assert list(summary.open_commitments["id"]) == [6]
    earlier = reflection.weekly_summary(small, "anna@x.nl", 2026, 10)
    assert earlier.contacts.empty and earlier.open_commitments.empty
    assert earlier.kpis["contacts"] == 0


def test_weekly_summary_markdown(small):
    summary = reflection.weekly_summary(small, "cees", 2026, 18)
    en = reflection.weekly_summary_markdown(summary, "en")
    assert en.startswith("# Weekly summary 2026-W18: cees\n\n2026-04-27 to 2026-05-03\n")
    assert "| 2026-05-02 | Gamma |  | 4 · Joint plan | Yes, the same way |" in en
    assert "| Advance rate | 50% |" in en
    assert "## What you would do differently\n\n_None this week._" in en
    nl = reflection.weekly_summary_markdown(summary, "nl")
    assert nl.startswith("# Weekoverzicht wk 18 2026: cees\n\n27-04-2026 t/m 03-05-2026\n")
    assert "| 02-05-2026 | Gamma | Eerst doorvragen |" in nl
    assert "| Gemiddeld niveau | 2,0 |" in nl


def test_user_text_cannot_format_the_downloads(small):
    values = {
        "contact_date": D(2026, 4, 28),
        "rep": "cees",
        "account": "<b>Gamma</b>",
        "channel": "phone",
        "lesson": "*not bold* | [link](http://x) <script>alert(1)</script>",
    }
    assert contacts.save_contact(small, values, today=TODAY).ok
    summary = reflection.weekly_summary(small, "cees", 2026, 18)
    markdown = reflection.weekly_summary_markdown(summary, "en")
    assert r"\*not bold\* \| \[link\](http://x) \<script\>alert(1)\</script\>" in markdown
    page = reflection.weekly_summary_html(summary, "en")
    assert "<script>" not in page and "<b>Gamma</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Gamma&lt;/b&gt;" in page
    assert "@media print" in page


@pytest.mark.parametrize(
    ("rep", "stem"),
    [
        ("anna@x.nl", "commitboard-anna-2026-W18"),
        ("Marloes Kuipers", "commitboard-marloes-kuipers-2026-W18"),
        ("../../etc", "commitboard-etc-2026-W18"),
        ("@@", "commitboard-rep-2026-W18"),
    ],
)
def test_file_stem_is_safe(small, rep, stem):
    assert reflection.file_stem(reflection.weekly_summary(small, rep, 2026, 18)) == stem


@pytest.mark.parametrize(
    ("answer", "lang", "label"),
    [
        ("yes", "en", "Yes, the same way"),
        ("partly", "nl", "Deels"),
        (None, "nl", "Niet beantwoord"),
        (float("nan"), "en", "Not answered"),
    ],
)
def test_answer_label(answer, lang, label):
    assert reflection.answer_label(answer, lang) == label
