"""Saved column mappings (DOMAIN.md, "Contacts from a CRM export", last rule): any other layout
mapped once, saved by name, recognised by its headers after that, and usable by name from the
command line."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kpi import contacts, db, ingest, mapping, roster
from kpi.mapping import Mapping, MappingError

TODAY = dt.date(2026, 6, 30)
D = dt.date
ROSTER = [
    ("anouk@x.nl", "Anouk Peters", "Noord", "rep"),
    ("bram@x.nl", "Bram Smit", "Zuid", "rep"),
]
# A home-made Dutch sheet: no column of ours, no CRM's layout.
HEADERS = (
    "Nr",
    "Datum",
    "Verkoper",
    "Klant",
    "Contactpersoon",
    "Soort",
    "Afgerond",
    "Onderwerp",
    "Omzet",
)
SHEET = (
    ";".join(HEADERS) + "\n"
    "1;03/02/2026;Anouk Peters;Bakkerij de Vries;Jan de Vries;Telefoongesprek;ja;Offerte besproken;\n"
    "2;04/02/2026;bram@x.nl;Acme BV;Piet Jansen;Bezoek;ja;Kennismaking;1.250,00\n"
    "3;05/02/2026;Anouk Peters;Acme BV;;Taak;ja;Offerte maken;\n"
    "4;06/02/2026;Anouk Peters;Gamma;;Bezoek;nee;Lunch;\n"
    "5;31/02/2026;Anouk Peters;Gamma;;Telefoongesprek;ja;Terugbellen;\n"
    "6;07/02/2026;;Gamma;;Telefoongesprek;ja;;\n"
    "7;08/02/2026;Bram Smit;Delta;;Beurs;ja;;\n"
)
# The same sheet with a column more: not the headers the mapping was made for.
WITH_REGION = "".join(
    line + (";Regio\n" if i == 0 else ";Noord\n") for i, line in enumerate(SHEET.splitlines())
)
KLANTSHEET = Mapping(
    name="Klantsheet",
    headers=HEADERS,
    columns={
        "Nr": "contact_id",
        "Datum": "contact_date",
        "Verkoper": "rep",
        "Klant": "account",
        "Contactpersoon": "contact_person",
        "Soort": "channel",
        "Afgerond": "status",
        "Onderwerp": "subject",
        "Omzet": "revenue",
    },
    channels={"Telefoongesprek": "phone", "Bezoek": "visit", "Taak": "task"},
    statuses={"ja": "done", "nee": "planned"},
)


@pytest.fixture
def con(con):
    roster.replace_roster(con, ROSTER)
    return con


def write(tmp_path, text: str, name: str = "sheet.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored(con) -> list[tuple]:
    return con.execute(
        "select contact_id, contact_date, rep, account, contact_person, channel::varchar,"
        " commitment_level, revenue, notes from contacts order by contact_id"
    ).fetchall()


def rejects(con) -> list[tuple]:
    return con.execute("select line, reasons from rejects order by line").fetchall()


def test_an_unknown_layout_is_not_read_until_it_is_mapped(con, tmp_path):
    with pytest.raises(ingest.FileUnreadable) as caught:
        ingest.import_file(con, write(tmp_path, SHEET), today=TODAY)
    assert caught.value.code == "missing_columns"


def test_a_saved_mapping_reads_the_next_file_with_those_headers(con, tmp_path):
    assert mapping.save_mapping(con, KLANTSHEET, by="anna@x.nl") == "saved"
    result = ingest.import_file(con, write(tmp_path, SHEET), today=TODAY)
    assert result.layout == "Klantsheet"
    assert (result.rows_read, result.accepted, result.rejected) == (7, 2, 2)
    # A task, a visit not done and a kind the mapping does not list: not a contact.
    assert result.not_contacts_by_kind == {"other_activity": 1, "planned": 1, "task": 1}
    assert stored(con) == [
        (
            "klantsheet:1",
            D(2026, 2, 3),
            "anouk@x.nl",  # the roster name, stored as that person's e-mail
            "Bakkerij de Vries",
            "Jan de Vries",
            "phone",
            None,  # no level column: not recorded
            None,
            "Offerte besproken",
        ),
        (
            "klantsheet:2",
            D(2026, 2, 4),
            "bram@x.nl",
            "Acme BV",
            "Piet Jansen",
            "visit",
            None,
            Decimal("1250.00"),
            "Kennismaking",
        ),
    ]
    assert rejects(con) == [(6, ["bad_date:contact_date"]), (7, ["missing:rep"])]
    raw = con.execute("select raw from rejects where line = 6").fetchone()[0]
    assert raw == "5;31/02/2026;Anouk Peters;Gamma;;Telefoongesprek;ja;Terugbellen;"


def test_same_headers_in_another_order_and_case_are_recognised_but_not_others(con, tmp_path):
    mapping.save_mapping(con, KLANTSHEET, by="anna@x.nl")
    shuffled = "klant;DATUM;verkoper;Soort;Nr;Afgerond;Onderwerp;Omzet;Contactpersoon\n"
    shuffled += "Acme BV;09/02/2026;Bram Smit;Bezoek;8;ja;Demo;;Piet\n"
    result = ingest.import_file(con, write(tmp_path, shuffled), today=TODAY)
    assert (result.layout, result.accepted) == ("Klantsheet", 1)
    assert stored(con)[0][:6] == (
        "klantsheet:8",
        D(2026, 2, 9),
        "bram@x.nl",
        "Acme BV",
        "Piet",
        "visit",
    )
    extra = WITH_REGION
    with pytest.raises(ingest.FileUnreadable) as caught:
        ingest.import_file(con, write(tmp_path, extra, "extra.csv"), today=TODAY)
    assert caught.value.code == "missing_columns"


def test_a_mapping_named_on_the_command_line_reads_a_file_with_more_columns(con, tmp_path):
    mapping.save_mapping(con, KLANTSHEET, by="anna@x.nl")
    extra = WITH_REGION
    result = ingest.import_file(con, write(tmp_path, extra), today=TODAY, mapping_name="KLANTSHEET")
    assert (result.accepted, result.rejected, result.not_contacts) == (2, 2, 3)
    fewer = "Nr;Datum;Verkoper;Klant\n1;03/02/2026;Anouk Peters;Acme BV\n"
    with pytest.raises(ingest.FileUnreadable) as caught:
        ingest.import_file(con, write(tmp_path, fewer, "fewer.csv"), mapping_name="Klantsheet")
    assert caught.value.code == "mapping_mismatch"
    assert caught.value.text("nl") == (
        "de koppeling 'Klantsheet' leest kolom(men) die dit bestand niet heeft:"
        " afgerond, contactpersoon, omzet, onderwerp, soort"
    )
    with pytest.raises(ingest.FileUnreadable) as caught:
        ingest.import_file(con, write(tmp_path, SHEET, "x.csv"), mapping_name="Onbekend")
    assert str(caught.value) == "there is no saved mapping named 'Onbekend'"
    assert caught.value.text("nl") == "er is geen opgeslagen koppeling met de naam 'Onbekend'"


def test_month_first_dates_a_fixed_channel_and_levels_a_mapping_gives(con, tmp_path):
    """An export of calls only, US dates, with a level column: an empty level is 0 there, as in
    any file that has the column; without an id the row's content makes one."""
    calls = Mapping(
        name="US calls",
        headers=("When", "Who", "Company", "Level", "Promise"),
        columns={
            "When": "contact_date",
            "Who": "rep",
            "Company": "account",
            "Level": "commitment_level",
            "Promise": "commitment",
        },
        month_first=True,
        fixed_channel="phone",
    )
    mapping.save_mapping(con, calls, by="anna@x.nl")
    text = (
        "When,Who,Company,Level,Promise\n"
        "03/05/2026,bram@x.nl,Acme BV,2,Sends the figures\n"
        "03/13/2026,bram@x.nl,Acme BV,,\n"
    )
    result = ingest.import_file(con, write(tmp_path, text), today=TODAY)
    assert (result.layout, result.accepted, result.rejected) == ("US calls", 2, 0)
    rows = con.execute(
        "select contact_date, channel::varchar, commitment_level, commitment,"
        " starts_with(contact_id, 'us-calls:') from contacts order by contact_date"
    ).fetchall()
    assert rows == [
        (D(2026, 3, 5), "phone", 2, "Sends the figures", True),
        (D(2026, 3, 13), "phone", 0, None, True),
    ]


def test_a_status_the_mapping_does_not_list_is_not_a_contact(con, tmp_path):
    mapping.save_mapping(con, KLANTSHEET, by="anna@x.nl")
    text = SHEET.splitlines()[0] + "\n9;10/02/2026;Bram Smit;Acme BV;;Bezoek;misschien;;\n"
    result = ingest.import_file(con, write(tmp_path, text), today=TODAY)
    assert (result.accepted, result.not_contacts_by_kind) == (0, {"unmapped_status": 1})


def test_the_next_export_with_a_mapping_keeps_what_the_rep_recorded(con, tmp_path):
    mapping.save_mapping(con, KLANTSHEET, by="anna@x.nl")
    ingest.import_file(con, write(tmp_path, SHEET), today=TODAY)
    contact = con.execute("select id from contacts where contact_id = 'klantsheet:2'").fetchone()[0]
    done = contacts.record_commitment(
        con,
        contact,
        {"commitment_level": 2, "commitment": "Stuurt cijfers", "lesson": "Vraag door"},
    )
    assert done.ok
    again = SHEET.replace("Kennismaking;1.250,00", "Kennismaking en demo;1.300,00")
    result = ingest.import_file(con, write(tmp_path, again, "again.csv"), today=TODAY)
    assert result.updated == 2
    assert con.execute(
        "select commitment_level, commitment, lesson, notes, revenue from contacts where id = ?",
        [contact],
    ).fetchone() == (2, "Stuurt cijfers", "Vraag door", "Kennismaking en demo", Decimal("1300.00"))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": "  "}, "name_missing"),
        ({"columns": {**KLANTSHEET.columns, "Klant": None}}, "required"),
        ({"columns": {**KLANTSHEET.columns, "Omzet": "account"}}, "target_twice"),
        ({"columns": {**KLANTSHEET.columns, "Omzet": "salary"}}, "target_unknown"),
        ({"channels": {"Bezoek": "teleport"}}, "value_unknown"),
        ({"statuses": {"ja": "maybe"}}, "value_unknown"),
    ],
)
def test_a_mapping_that_cannot_read_a_contact_is_not_saved(con, change, code):
    from dataclasses import replace

    with pytest.raises(MappingError) as caught:
        mapping.save_mapping(con, replace(KLANTSHEET, **change), by="anna@x.nl")
    assert caught.value.code == code
    assert mapping.mappings(con) == []


def test_saving_under_a_name_again_replaces_it_and_removing_leaves_the_contacts(con, tmp_path):
    mapping.save_mapping(con, KLANTSHEET, by="anna@x.nl")
    ingest.import_file(con, write(tmp_path, SHEET), today=TODAY)
    version = db.data_version(con)
    changed = Mapping(**{**KLANTSHEET.__dict__, "name": "klantsheet ", "month_first": True})
    assert mapping.save_mapping(con, changed, by="bram@x.nl") == "replaced"
    assert db.data_version(con) > version  # the Import page's list is cached on it
    assert [(m.name, m.month_first) for m in mapping.mappings(con)] == [("klantsheet", True)]
    frame = mapping.mappings_frame(con)
    assert list(frame["name"]) == ["klantsheet"]
    assert frame["columns"][0].startswith("Nr → contact_id, Datum → contact_date")
    assert list(frame["saved_by"]) == ["bram@x.nl"]
    mapping.remove_mapping(con, "KlantSheet", by="anna@x.nl")
    assert mapping.mappings(con) == []
    assert con.execute("select count(*) from contacts").fetchone()[0] == 2
    with pytest.raises(MappingError) as caught:
        mapping.remove_mapping(con, "Klantsheet", by="anna@x.nl")
    assert caught.value.code == "not_found"


def test_suggestions_for_dutch_and_crm_like_headers():
    assert mapping.suggest([*HEADERS, "Regio", "Opmerkingen", "Assigned to user"]) == {
        "Nr": "contact_id",
        "Datum": "contact_date",
        "Verkoper": "rep",
        "Klant": "account",
        "Contactpersoon": "contact_person",
        "Soort": "channel",
        "Afgerond": "status",
        "Onderwerp": "subject",
        "Omzet": "revenue",
        "Regio": None,
        "Opmerkingen": "notes",
        "Assigned to user": None,  # rep is taken by Verkoper already
    }
    assert [
        mapping.suggest_type(v) for v in ("Telefoongesprek", "Bezoek", "Taak", "Beurs", "?")
    ] == [
        "phone",
        "visit",
        "task",
        "event",
        "other_activity",
    ]
    assert [mapping.suggest_status(v) for v in ("ja", "Nee", "Geannuleerd", "Afgerond")] == [
        "done",
        "planned",
        "cancelled",
        "done",
    ]
    assert mapping.suggest_month_first(["03/05/2026", "03/13/2026"]) is True
    assert mapping.suggest_month_first(["03/05/2026", "13/03/2026"]) is False


def test_the_table_is_plain_for_a_lake(con):
    """No key, sequence or default from a sequence: DuckLake takes it as it is (issue 15)."""
    assert (
        con.execute(
            "select count(*) from duckdb_constraints() where table_name = 'crm_mappings'"
            " and constraint_type not in ('NOT NULL')"
        ).fetchone()[0]
        == 0
    )
    assert (
        "nextval"
        not in con.execute(
            "select sql from duckdb_tables() where table_name = 'crm_mappings'"
        ).fetchone()[0]
    )


def test_cli_import_with_a_saved_mapping_and_the_list_of_mappings(tmp_path, capsys):
    from kpi.__main__ import main

    path = tmp_path / "x.duckdb"
    con = db.connect(path)
    roster.replace_roster(con, ROSTER)
    mapping.save_mapping(con, KLANTSHEET, by="anna@x.nl")
    con.close()
    extra = write(tmp_path, WITH_REGION)
    assert main(["import", "--db", str(path), "--json", "--mapping", "Klantsheet", str(extra)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["accepted"], out["rejected"], out["not_contacts"]) == (2, 2, 3)
    assert out["files"][0]["layout"] == "Klantsheet"
    assert main(["import", "--db", str(path), "--mapping", "Onbekend", str(extra)]) == 1
    captured = capsys.readouterr()
    assert captured.err == "error: there is no saved mapping named 'Onbekend' (saved: Klantsheet)\n"
    assert captured.out == ""
    assert main(["mappings", "list", "--db", str(path)]) == 0
    assert "Klantsheet  Nr → contact_id" in capsys.readouterr().out
    assert main(["mappings", "remove", "Klantsheet", "--db", str(path)]) == 0
    assert main(["mappings", "list", "--db", str(path)]) == 0
    assert capsys.readouterr().out.endswith("no saved mappings\n")


def test_a_version_8_database_gets_the_mappings_table_and_keeps_its_contacts(tmp_path):
    from tests.conftest import database_at_version

    path = tmp_path / "v8.duckdb"
    raw = database_at_version(path, 8)
    raw.execute(
        "insert into contacts (contact_date, rep, rep_key, account, account_key, channel,"
        " commitment_level, source) values (date '2026-06-01', 'a', 'a', 'X', 'x', 'phone',"
        " null, 'import')"
    )
    raw.execute("checkpoint")
    raw.close()
    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert mapping.mappings(con) == []
    assert con.execute("select commitment_level, account from contacts").fetchall() == [(None, "X")]
    mapping.save_mapping(con, KLANTSHEET, by="anna@x.nl")
    con.close()
    con = db.connect(path)  # reopened: the table and its row were written for good
    assert [m.name for m in mapping.mappings(con)] == ["Klantsheet"]
    con.close()
