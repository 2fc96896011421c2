"""CRM exports in as they come (DOMAIN.md, "Contacts from a CRM export"): each known layout from
a small file written the way that CRM writes it, and each rule of the section."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kpi import contacts, crm, ingest, metrics, roster
from kpi.fields import FIELD_NAMES

DATA = Path(__file__).resolve().parent.parent / "data" / "crm"
TODAY = dt.date(2026, 6, 30)
D = dt.date
ROSTER = [
    ("anouk@x.nl", "Anouk Peters", "Noord", "rep"),
    ("bram@x.nl", "Bram Smit", "Zuid", "rep"),
]


@pytest.fixture
def con(con):
    roster.replace_roster(con, ROSTER)
    return con


def stored(con) -> list[tuple]:
    return con.execute(
        "select contact_id, contact_date, rep, account, contact_person, channel::varchar,"
        " commitment_level from contacts order by contact_date, contact_id"
    ).fetchall()


def imported(con, name: str | Path) -> ingest.FileResult:
    result = ingest.import_file(con, DATA / name, today=TODAY)
    assert result.rows_read == result.accepted + result.rejected + result.not_contacts
    return result


# Per layout: the file, the layout recognised, rows read, accepted, rejected, not a contact by
# kind, and the contacts stored (id, date, rep, account, person, channel, level not recorded).
LAYOUTS = [
    pytest.param(
        "hubspot_calls.csv",  # BOM, CRLF, every value quoted, `Activity date` with a time
        "hubspot",
        (6, 2, 1),
        {"call_attempt": 3},  # No answer, Busy, Left voicemail
        [
            ("hubspot:51001", D(2026, 3, 2), "anouk@x.nl", "Bakkerij de Vries", "Jan de Vries"),
            ("hubspot:51003", D(2026, 3, 3), "bram@x.nl", "Acme BV", "Piet Jansen"),
        ],
        id="hubspot-calls",
    ),
    pytest.param(
        "hubspot_meetings.csv",
        "hubspot",
        (5, 1, 0),
        {"planned": 2, "cancelled": 2},  # Scheduled, Rescheduled; No show, Canceled
        [("hubspot:61001", D(2026, 3, 9), "anouk@x.nl", "Bakkerij de Vries", "Jan de Vries")],
        id="hubspot-meetings",
    ),
    pytest.param(
        "salesforce_report_w10.csv",  # quoted, day-first dates, footer rows, no Activity ID
        "salesforce",
        (5, 2, 0),
        {"call_attempt": 1, "other_activity": 1, "planned": 1},
        [
            (None, D(2026, 3, 2), "anouk@x.nl", "Bakkerij de Vries", "Jan de Vries"),
            (None, D(2026, 3, 4), "anouk@x.nl", "Acme BV", "Piet Jansen"),
        ],
        id="salesforce-report",
    ),
    pytest.param(
        "salesforce_dataloader_task.csv",  # upper-case API names, user and record ids
        "salesforce",
        (4, 2, 0),
        {"task": 1, "planned": 1},
        [
            (
                "salesforce:00T5g00000AbCdEAAV",
                D(2026, 3, 2),
                "0055g00000XyZ12AAB",
                "0015g00000Acme1AAA",
                "0035g00000Piet1AAA",
            ),
            (
                "salesforce:00T5g00000AbCdFAAV",
                D(2026, 3, 3),
                "0055g00000XyZ12AAB",
                "0015g00000Acme1AAA",
                None,
            ),
        ],
        id="salesforce-data-loader",
    ),
    pytest.param(
        "salesforce_dataloader_event.csv",  # Event: no status; one dated after today
        "salesforce",
        (3, 2, 0),
        {"planned": 1},
        [
            (
                "salesforce:00U5g00000Ev001AAA",
                D(2026, 3, 9),
                "0055g00000XyZ12AAB",
                "0015g00000Acme1AAA",
                "0035g00000Piet1AAA",
            ),
            (
                "salesforce:00U5g00000Ev002AAA",
                D(2026, 3, 10),
                "0055g00000XyZ12AAB",
                "0015g00000Acme1AAA",
                None,
            ),
        ],
        id="salesforce-data-loader-event",
    ),
    pytest.param(
        "pipedrive_plain.csv",  # Done / To do; the date it was marked done, else its due date
        "pipedrive",
        (6, 3, 0),
        {"planned": 1, "task": 1, "deadline": 1},
        [
            ("pipedrive:7001", D(2026, 3, 2), "anouk@x.nl", "Bakkerij de Vries", "Jan de Vries"),
            ("pipedrive:7002", D(2026, 3, 4), "bram@x.nl", "Acme BV", "Piet Jansen"),
            ("pipedrive:7006", D(2026, 3, 6), "anouk@x.nl", "Acme BV", "Piet Jansen"),
        ],
        id="pipedrive-plain",
    ),
    pytest.param(
        "pipedrive_prefixed.csv",  # `Activity - ` headers, another entity's column beside them
        "pipedrive",
        (2, 2, 0),
        {},
        [
            ("pipedrive:7003", D(2026, 3, 25), "anouk@x.nl", "Acme BV", "Piet Jansen"),
            ("pipedrive:7007", D(2026, 3, 26), "bram@x.nl", "Zeeland Zorg", None),
        ],
        id="pipedrive-prefixed",
    ),
]


@pytest.mark.parametrize(("name", "layout", "counts", "apart", "rows"), LAYOUTS)
def test_each_layout_is_recognised_and_read(con, name, layout, counts, apart, rows):
    result = imported(con, name)
    assert (result.layout, (result.rows_read, result.accepted, result.rejected)) == (
        layout,
        counts,
    )
    assert result.not_contacts_by_kind == apart
    found = stored(con)
    assert all(f[0].startswith(f"{layout}:") for f in found)
    # (a report without an id column: its ids are made from the rows, tested below)
    assert [(f[0] if r[0] else None, *f[1:5]) for r, f in zip(rows, found, strict=True)] == rows
    assert all(f[6] is None for f in found)  # no CRM records a commitment level


def test_channels_from_the_activity_kind(con):
    imported(con, "pipedrive_plain.csv")
    imported(con, "salesforce_dataloader_task.csv")
    imported(con, "salesforce_dataloader_event.csv")
    channels = dict(con.execute("select contact_id, channel::varchar from contacts").fetchall())
    assert channels == {
        "pipedrive:7001": "phone",  # call
        "pipedrive:7002": "visit",  # lunch
        "pipedrive:7006": "email",
        "salesforce:00T5g00000AbCdEAAV": "phone",  # Type Call
        "salesforce:00T5g00000AbCdFAAV": "email",  # Type empty, TaskSubtype Email
        "salesforce:00U5g00000Ev001AAA": "visit",  # Type Meeting
        "salesforce:00U5g00000Ev002AAA": "visit",  # Type empty, EventSubtype Event
    }


def test_footer_rows_of_a_report_are_no_data_but_other_short_rows_are_rejects(con, tmp_path):
    text = (DATA / "salesforce_report_w10.csv").read_text(encoding="utf-8")
    extra = tmp_path / "report.csv"
    extra.write_text(text + '"Grand Totals, but not the footer"\r\n', encoding="utf-8")
    result = ingest.import_file(con, extra, today=TODAY)
    assert (result.rows_read, result.rejected) == (6, 1)
    assert con.execute("select reasons from rejects").fetchone()[0] == ["bad_shape:too_few_fields"]


def test_the_crm_id_is_kept_with_its_source_and_the_same_row_makes_the_same_id(con):
    imported(con, "salesforce_report_w10.csv")
    ids = {r[0] for r in con.execute("select contact_id from contacts").fetchall()}
    assert all(len(i) == len("salesforce:") + 32 for i in ids)


def test_a_salesforce_report_exported_twice_with_overlapping_weeks(con):
    first = imported(con, "salesforce_report_w10.csv")
    second = imported(con, "salesforce_report_w11.csv")
    # Week 10's meeting is in both files: one contact, updated; the rest of week 11 is new.
    assert (first.accepted, second.accepted, second.updated) == (2, 3, 1)
    assert second.not_contacts_by_kind == {"other_activity": 1}
    assert [(r[1], r[3], r[5]) for r in stored(con)] == [
        (D(2026, 3, 2), "Bakkerij de Vries", "phone"),
        (D(2026, 3, 4), "Acme BV", "visit"),
        (D(2026, 3, 10), "Acme BV", "email"),
        (D(2026, 3, 12), "Zeeland Zorg", "phone"),
    ]


def test_a_planned_meeting_that_a_later_export_brings_done(con):
    first = imported(con, "pipedrive_plain.csv")
    assert first.not_contacts_by_kind["planned"] == 1
    assert "pipedrive:7003" not in {r[0] for r in stored(con)}
    second = imported(con, "pipedrive_prefixed.csv")
    assert (second.accepted, second.updated) == (2, 0)
    row = con.execute(
        "select contact_date, channel::varchar, notes from contacts"
        " where contact_id = 'pipedrive:7003'"
    ).fetchone()
    assert row == (D(2026, 3, 25), "visit", "Demo | Showed the planner")


def test_owner_names_are_matched_to_the_roster(con, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "Record ID,Activity date,Activity assigned to,Associated Company,Call outcome\n"
        "1,2026-03-02 09:00,  ANOUK peters ,Acme,Connected\n"  # trimmed, case-folded
        "2,2026-03-02 10:00,Anouk Peters-de Wit,Acme,Connected\n"  # no roster name: as it is
        "3,2026-03-02 11:00,Bram@X.nl,Acme,Connected\n",  # an e-mail stays an e-mail
        encoding="utf-8",
    )
    ingest.import_file(con, path, today=TODAY)
    assert [(r[0], r[2]) for r in stored(con)] == [
        ("hubspot:1", "anouk@x.nl"),
        ("hubspot:2", "Anouk Peters-de Wit"),
        ("hubspot:3", "Bram@X.nl"),
    ]
    # A name two people share matches neither.
    roster.replace_roster(con, [*ROSTER, ("anouk.p@x.nl", "Anouk Peters", "Zuid", "rep")])
    path.write_text(
        "Record ID,Activity date,Activity assigned to,Associated Company,Call outcome\n"
        "4,2026-03-03 09:00,Anouk Peters,Acme,Connected\n",
        encoding="utf-8",
    )
    ingest.import_file(con, path, today=TODAY)
    assert stored(con)[-1][:3] == ("hubspot:4", D(2026, 3, 3), "Anouk Peters")
    # The matched rep is the same rep as the form's contacts: one row per rep.
    per_rep = metrics.kpi_frame(con, by="rep")
    assert sorted(per_rep["rep_key"]) == [
        "anouk peters",
        "anouk peters-de wit",
        "anouk@x.nl",
        "bram@x.nl",
    ]


def record_on_the_form(con, contact_id: str, **answers: object) -> None:
    """What the log page's edit does: the stored row, with the rep's answers, saved whole."""
    cur = con.execute(
        f"select id, {', '.join(FIELD_NAMES)} from contacts where contact_id = ?", [contact_id]
    )
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone(), strict=True))
    values = {name: row[name] for name in FIELD_NAMES} | answers
    result = contacts.update_contact(con, row["id"], values, rep_key="anouk@x.nl", today=TODAY)
    assert result.ok, result.errors


ANSWERS = {
    "commitment_level": 2,
    "commitment": "Sends last year's figures",
    "commitment_due": D(2026, 3, 20),
    "would_repeat": "partly",
    "reflection": "Ask for the decision maker earlier",
    "lesson": "Bring the case study",
}


def test_a_recorded_commitment_survives_the_next_export(con, tmp_path):
    imported(con, "hubspot_calls.csv")
    record_on_the_form(con, "hubspot:51001", **ANSWERS)
    assert metrics.summary(con)["recorded_share"] == 0.5
    # Next week's export: the same call, its notes and company written anew in the CRM.
    text = (DATA / "hubspot_calls.csv").read_text(encoding="utf-8-sig")
    text = text.replace("Wants a demo, asked for pricing", "Demo booked").replace(
        '"Bakkerij de Vries","Jan de Vries","Intro call"', '"Bakkerij De Vries BV","Jan","Intro"'
    )
    path = tmp_path / "hubspot_calls_next.csv"
    path.write_text(text, encoding="utf-8-sig")
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.updated) == (2, 2)
    row = con.execute(
        "select account, contact_person, notes, commitment_level, commitment, commitment_due,"
        " commitment_status::varchar, would_repeat::varchar, reflection, lesson"
        " from contacts where contact_id = 'hubspot:51001'"
    ).fetchone()
    assert row == (
        "Bakkerij De Vries BV",
        "Jan",
        "Intro | Demo booked",
        2,
        "Sends last year's figures",
        D(2026, 3, 20),
        "open",
        "partly",
        "Ask for the decision maker earlier",
        "Bring the case study",
    )
    assert metrics.summary(con)["commitment_rate"] == 1.0


def test_a_commitboard_file_updates_only_its_own_columns(con, tmp_path):
    """The rule holds for any file: one without the answers leaves them as they are."""
    first = tmp_path / "a.csv"
    first.write_text(
        "contact_id,contact_date,rep,account,channel,commitment_level,commitment,would_repeat,"
        "quote_sent\nx1,2026-03-02,anouk@x.nl,Acme,phone,3,Board meeting,yes,ja\n",
        encoding="utf-8",
    )
    ingest.import_file(con, first, today=TODAY)
    contacts.set_commitment_status(
        con, con.execute("select id from contacts").fetchone()[0], "kept"
    )
    second = tmp_path / "b.csv"
    second.write_text(
        "contact_id,contact_date,rep,account,channel\nx1,2026-03-03,anouk@x.nl,Acme,visit\n",
        encoding="utf-8",
    )
    ingest.import_file(con, second, today=TODAY)
    assert con.execute(
        "select contact_date, channel::varchar, commitment_level, commitment,"
        " commitment_status::varchar, would_repeat::varchar, quote_sent from contacts"
    ).fetchone() == (D(2026, 3, 3), "visit", 3, "Board meeting", "kept", "yes", True)


@pytest.mark.parametrize("path", ["rollups", "scan"])
def test_a_file_without_commitment_level_next_to_one_with_it(con, tmp_path, monkeypatch, path):
    with_level = tmp_path / "form_export.csv"
    with_level.write_text(
        "contact_date,rep,account,channel,commitment_level,commitment\n"
        "2026-03-02,anouk@x.nl,Acme,phone,2,Sends figures\n"
        "2026-03-03,anouk@x.nl,Bolt,visit,,\n"  # empty in a file with the column: level 0
        "2026-03-04,bram@x.nl,Bolt,visit,4,Pilot with dates\n",
        encoding="utf-8",
    )
    ingest.import_file(con, with_level, today=TODAY)
    imported(con, "pipedrive_plain.csv")  # three contacts, no levels
    if path == "scan":  # the KPIs counted from the contacts, as when the rollups are behind
        monkeypatch.setattr(metrics.rollups, "current", lambda _con: False)
    levels = [
        r[0] for r in con.execute("select commitment_level from contacts order by id").fetchall()
    ]
    assert levels == [2, 0, 4, None, None, None]
    kpis = metrics.summary(con)
    assert kpis["contacts"] == 6
    assert kpis["recorded_share"] == pytest.approx(3 / 6)
    assert kpis["commitment_rate"] == pytest.approx(2 / 3)
    assert kpis["advance_rate"] == pytest.approx(2 / 3)
    assert kpis["avg_commitment"] == pytest.approx(6 / 3)
    assert kpis["calls"] == 2  # the activity KPIs count every contact
    assert list(metrics.ladder(con)["contacts_count"]) == [1, 0, 1, 0, 1]
    # Only the CRM's contacts: nothing recorded, the commitment KPIs undefined, not 0.
    crm_only = metrics.summary(con, metrics.Window(D(2026, 3, 4), D(2026, 3, 6)), metrics.Filters())
    assert crm_only["recorded_share"] == pytest.approx(1 / 3)
    bram = metrics.summary(con, filters=metrics.Filters(reps=("bram@x.nl",)))
    assert bram["contacts"] == 2
    assert bram["commitment_rate"] == 1.0
    bram_crm = metrics.summary(con, metrics.Window(D(2026, 3, 4), D(2026, 3, 4)))
    assert bram_crm["recorded_share"] == 0.5
    none_recorded = metrics.summary(con, metrics.Window(D(2026, 3, 5), D(2026, 3, 6)))
    assert none_recorded["contacts"] == 1
    assert none_recorded["recorded_share"] == 0.0
    assert none_recorded["commitment_rate"] is None
    assert none_recorded["advance_rate"] is None
    assert none_recorded["avg_commitment"] is None


def test_xlsx_with_excel_serial_dates(con, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Subject", "Type", "Due date", "Done", "Marked as done time",
                  "Assigned to user", "Organization"])  # fmt: skip
    serial = (D(2026, 3, 2) - D(1899, 12, 30)).days
    sheet.append([8001, "Call", "call", serial, "Done", serial + 0.6, "Bram Smit", "Acme BV"])
    sheet.append([8002, "Visit", "meeting", serial + 1, "To do", None, "Bram Smit", "Acme BV"])
    sheet.append([8003, "Mail", "email", dt.datetime(2026, 3, 4, 9, 30), "Done", None,
                  "Bram Smit", "Acme BV"])  # fmt: skip
    path = tmp_path / "activities.xlsx"
    book.save(path)
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.layout, result.accepted, result.not_contacts_by_kind) == (
        "pipedrive",
        2,
        {"planned": 1},
    )
    assert [(r[0], r[1], r[2]) for r in stored(con)] == [
        ("pipedrive:8001", D(2026, 3, 2), "bram@x.nl"),
        ("pipedrive:8003", D(2026, 3, 4), "bram@x.nl"),
    ]


def test_cli_import_json_counts_the_rows_that_are_not_contacts(tmp_path, capsys):
    from kpi.__main__ import main

    files = [str(DATA / "hubspot_calls.csv"), str(DATA / "pipedrive_plain.csv")]
    code = main(["import", "--db", str(tmp_path / "x.duckdb"), "--json", *files])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (out["accepted"], out["rejected"], out["not_contacts"]) == (5, 1, 6)
    assert [
        (f["layout"], f["accepted"], f["rejected"], f["not_contacts"], f["not_contacts_by_kind"])
        for f in out["files"]
    ] == [
        ("hubspot", 2, 1, 3, {"call_attempt": 3}),
        ("pipedrive", 3, 0, 3, {"deadline": 1, "planned": 1, "task": 1}),
    ]


def test_layouts_are_data():
    """Each layout names only known roles, and its types only channels or kinds."""
    for layout in crm.LAYOUTS:
        assert set(layout.signature) <= set(layout.headers)
        assert set(layout.headers.values()) <= set(crm.ROLES)
        assert set(layout.vocabularies) <= set(crm.ROLES)
        for value in layout.types.values():
            assert value in crm.CHANNELS or value.isidentifier()


def test_a_salesforce_report_as_xlsx_with_its_footer(con, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Assigned", "Subject", "Date", "Company / Account", "Contact", "Type", "Status"])
    sheet.append(["Anouk Peters", "Call", dt.datetime(2026, 3, 2), "Acme BV", "Piet", "Call",
                  "Completed"])  # fmt: skip
    sheet.append(["Bram Smit", "Visit", "5-3-2026", "Acme BV", None, "Meeting", "Completed"])
    sheet.append([])
    sheet.append(["Grand Totals (2 records)"])
    sheet.append(["Confidential Information - Do Not Distribute"])
    sheet.append(["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."])
    path = tmp_path / "report.xlsx"
    book.save(path)
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.layout, result.rows_read, result.accepted, result.rejected) == (
        "salesforce",
        2,
        2,
        0,
    )
    assert [(r[1], r[2], r[5]) for r in stored(con)] == [
        (D(2026, 3, 2), "anouk@x.nl", "phone"),
        (D(2026, 3, 5), "bram@x.nl", "visit"),
    ]


@pytest.mark.parametrize(
    ("dates", "stored_dates", "rejected"),
    [
        # en-US: the month first, told by a day over 12 in the second place
        (["3/5/2026", "3/15/2026 10:30 AM"], [D(2026, 3, 5), D(2026, 3, 15)], 0),
        # nl / en-GB: the day first
        (["05/03/2026", "15/03/2026"], [D(2026, 3, 5), D(2026, 3, 15)], 0),
        # nothing tells: the day first, as a Dutch team's export
        (["5-3-2026", "6-3-2026"], [D(2026, 3, 5), D(2026, 3, 6)], 0),
        # both orders in one file: read day first, the date that is none so is rejected
        (["15/03/2026", "3/15/2026"], [D(2026, 3, 15)], 1),
    ],
    ids=["month-first", "day-first", "undecided", "mixed"],
)
def test_a_reports_locale_dates_in_the_order_the_file_tells(
    con, tmp_path, dates, stored_dates, rejected
):
    path = tmp_path / "report.csv"
    rows = "".join(
        f'"Anouk Peters","Call {i}","{d}","Acme BV","Call","Completed"\r\n'
        for i, d in enumerate(dates)
    )
    path.write_text(
        '"Assigned","Subject","Date","Company / Account","Type","Status"\r\n' + rows,
        encoding="utf-8",
    )
    result = ingest.import_file(con, path, today=TODAY)
    assert result.rejected == rejected
    assert [r[1] for r in stored(con)] == stored_dates


def test_a_rep_records_the_commitment_layer_on_their_crm_contacts_only(con):
    """The log page's list: a rep's contacts with no level, newest first; recording changes the
    columns given and nothing else, only on the rep's own contact, and needs a level."""
    imported(con, "hubspot_calls.csv")
    imported(con, "hubspot_meetings.csv")
    waiting = contacts.waiting_contacts(con, "anouk@x.nl")
    assert list(waiting["account"]) == [
        "Bakkerij de Vries",
        "Bakkerij de Vries",
    ]
    assert [d.date() for d in waiting["contact_date"]] == [D(2026, 3, 9), D(2026, 3, 2)]
    assert list(waiting["total_count"]) == [2, 2]
    newest = int(waiting["id"][0])
    before = con.execute("select * exclude (updated_at) from contacts where id = ?", [newest])
    before = before.fetchone()
    assert not contacts.record_commitment(con, newest, {"commitment": "x"}).ok
    assert contacts.record_commitment(
        con, newest, {"commitment_level": 1, "commitment": "Belt terug"}, rep_key="bram@x.nl"
    ).errors == {"": ["not_found"]}
    missing = contacts.record_commitment(con, newest, {"commitment_level": 1}, rep_key="anouk@x.nl")
    assert missing.errors == {"commitment": ["missing"]}
    done = contacts.record_commitment(
        con,
        newest,
        {"commitment_level": 1, "commitment": "Belt terug", "would_repeat": "yes"},
        rep_key="anouk@x.nl",
    )
    assert done.ok
    names = [d[0] for d in con.execute("select * exclude (updated_at) from contacts").description]
    after = con.execute(
        "select * exclude (updated_at) from contacts where id = ?", [newest]
    ).fetchone()
    changed = {n for n, a, b in zip(names, before, after, strict=True) if a != b}
    assert changed == {"commitment_level", "commitment", "commitment_status", "would_repeat"}
    assert list(contacts.waiting_contacts(con, "anouk@x.nl")["total_count"]) == [1]
    assert metrics.summary(con)["recorded_share"] == pytest.approx(1 / 3)
