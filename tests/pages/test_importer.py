"""The import page as a director uses it: upload, preview, import, rejected rows, export.

Streamlit 1.67's AppTest can upload files (at.file_uploader(...).set_value), so the whole flow
runs here; what a real browser adds (the download itself) is left to the Playwright tests.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from kpi import db
from tests.pages.conftest import DATA, open_page

SMALL = (DATA / "kpi_small.csv").read_bytes()
BAD_LINES = (
    b"C09,2026-13-01,anna@x.nl,Acme,phone,,,,,,,,\nC10,2026-05-03,anna@x.nl,Acme,fax,,,,,,,,\n"
)


def contact_count(path) -> int:
    con = db.connect(path)
    try:
        return con.execute("select count(*) from contacts").fetchone()[0]
    finally:
        con.close()


def upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader(key="imp_upload").set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def texts(at, kind: str) -> list[str]:
    return [element.value for element in at.get(kind)]


def test_empty_page_says_what_to_do(empty_db):
    at = open_page("importer")
    assert not at.exception
    assert at.title[0].value == "Import"
    assert "Choose a CSV or Excel file above" in " ".join(texts(at, "info"))
    assert "The contact log is still empty" in " ".join(texts(at, "info"))
    assert at.file_uploader(key="imp_upload").allowed_type == [".csv", ".txt", ".xlsx"]
    assert not [b for b in at.button if b.key == "imp_go"]


def test_upload_preview_import_and_rejected_rows(empty_db):
    at = upload(open_page("importer"), "small.csv", SMALL + BAD_LINES)
    preview = preview_frame(at)
    assert len(preview) == 10 and list(preview.columns)[:3] == ["contact_id", "contact_date", "rep"]
    assert any(
        c.startswith("Columns recognised: contact_id, contact_date") for c in texts(at, "caption")
    )
    assert contact_count(empty_db) == 0  # a preview writes nothing

    at.button(key="imp_go").click().run()
    assert not at.exception
    assert at.get("progress")[0].value == 100
    assert texts(at, "warning") == ["Rows read: 10 · Accepted: 8 (updated: 0) · Rejected: 2"]
    assert [(m.label, m.value) for m in at.metric] == [
        ("Rows read", "10"),
        ("Accepted", "8"),
        ("Updated", "0"),
        ("Rejected", "2"),
    ]
    rejects = rejects_frame(at)
    assert rejects["line"].tolist() == [10, 11]
    assert rejects["reasons"].tolist() == [
        "Date: not a date (use 2026-03-31 or 31-03-2026)",
        "Channel: not one of the allowed values",
    ]
    assert at.download_button(key="imp_rejects_download").label == "Download rejected rows (CSV)"
    assert contact_count(empty_db) == 8
    # data_changed(): the export box counts the new contacts in the same run.
    assert any("All 8 contacts" in c for c in texts(at, "caption"))

    # The same file again: recognised, nothing changes.
    at.button(key="imp_go").click().run()
    assert any("was imported before" in i for i in texts(at, "info"))
    assert contact_count(empty_db) == 8


@pytest.fixture
def dutch(monkeypatch):
    """Dutch as the app's default language (not ?lang=nl: AppTest formats the sidebar's role
    picker outside the run, in the default language, and would not find the Dutch label)."""
    monkeypatch.setenv("COMMITBOARD_LANG", "nl")


def preview_frame(at):
    """The preview table (AppTest does not expose a dataframe's key): the one after the format."""
    return at.dataframe[1].value


def rejects_frame(at):
    return at.dataframe[2].value


def test_a_clean_file_in_dutch_with_ignored_columns(empty_db, dutch):
    data = (
        "datum;medewerker;klant;kanaal;commitment_niveau;commitment_omschrijving;regio\n"
        "31-05-2026;anna@x.nl;Acme;bezoek;2;Zoekt volumes uit;Noord\n"
    ).encode("cp1252")
    at = upload(open_page("importer"), "log.csv", data)
    assert at.title[0].value == "Importeren"
    assert any("datum → contact_date" in c for c in texts(at, "caption"))
    assert any("worden genegeerd: regio" in w for w in texts(at, "warning"))
    at.button(key="imp_go").click().run()
    assert texts(at, "success") == [
        "Regels gelezen: 1 · Geaccepteerd: 1 (bijgewerkt: 0) · Afgewezen: 0 Alle regels zijn geaccepteerd."
    ]
    assert len(at.dataframe) == 2  # the format and the preview: no rejected rows


def test_rejection_reasons_in_dutch(empty_db, dutch):
    at = upload(open_page("importer"), "small.csv", SMALL + BAD_LINES)
    at.button(key="imp_go").click().run()
    assert rejects_frame(at)["reasons"].tolist() == [
        "Datum: geen datum (gebruik 31-03-2026 of 2026-03-31)",
        "Kanaal: geen toegestane waarde",
    ]
    assert at.download_button(key="imp_rejects_download").label == "Download afgewezen regels (CSV)"


def test_xlsx_upload(empty_db):
    book = openpyxl.Workbook()
    book.active.append(["datum", "medewerker", "klant", "kanaal"])
    book.active.append(["2026-05-31", "anna@x.nl", "Acme", "telefoon"])
    out = io.BytesIO()
    book.save(out)
    at = upload(open_page("importer"), "log.xlsx", out.getvalue(), "application/vnd.ms-excel")
    assert preview_frame(at).values.tolist() == [["2026-05-31", "anna@x.nl", "Acme", "telefoon"]]
    at.button(key="imp_go").click().run()
    assert [(m.label, m.value) for m in at.metric][1] == ("Accepted", "1")
    assert contact_count(empty_db) == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "data.csv",
            b"datum;klant\n\x00\x01\x02\x00binary",
            "binary data (NUL bytes, first on line 2): not a CSV or XLSX contact log",
        ),
        ("sheet.xlsx", b"not a zip", "not a readable .xlsx file"),
        ("empty.csv", b"", "empty file: no header line"),
    ],
)
def test_unreadable_file_shows_one_line_and_writes_nothing(empty_db, name, data, reason):
    at = upload(open_page("importer"), name, data)
    assert texts(at, "error") == [f"{name} cannot be imported: {reason}. Nothing was saved."]
    assert not [b for b in at.button if b.key == "imp_go"]
    assert contact_count(empty_db) == 0


def test_a_file_the_import_refuses_after_a_good_preview_writes_nothing(empty_db):
    row = b"2026-05-31,anna@x.nl,Acme,phone\n"
    data = b"contact_date,rep,account,channel\n" + row * 5000 + b"\x00\n"  # past the quick look
    at = upload(open_page("importer"), "log.csv", data)
    assert len(preview_frame(at)) == 20 and not at.error
    at.button(key="imp_go").click().run()
    assert texts(at, "error") == [
        "log.csv cannot be imported: binary data (NUL bytes, first on line 5002): not a CSV or"
        " XLSX contact log. Nothing was saved."
    ]
    assert not at.get("progress") and not at.metric
    assert contact_count(empty_db) == 0


def test_missing_column_shows_the_preview_but_no_import(empty_db):
    at = upload(open_page("importer"), "log.csv", b"datum;klant;kanaal\n31-05-2026;Acme;bezoek\n")
    assert len(preview_frame(at)) == 1
    assert texts(at, "error") == [
        "log.csv cannot be imported: not a contact log: missing column(s) rep (medewerker). Nothing was saved."
    ]
    assert at.button(key="imp_go").disabled


def test_export_is_prepared_on_request(small_db):
    at = open_page("importer")
    assert any("All 8 contacts" in c for c in texts(at, "caption"))
    assert not [d for d in at.download_button if d.key == "imp_export_download"]
    at.button(key="imp_prepare_export").click().run()
    assert not at.exception
    assert at.download_button(key="imp_export_download").label == "Download contacts (CSV)"


def test_a_hubspot_export_is_recognised_and_its_non_contacts_counted_apart(empty_db):
    data = (DATA / "crm" / "hubspot_calls.csv").read_bytes()
    at = upload(open_page("importer"), "calls.csv", data)
    assert any(
        c.startswith("Columns recognised: Record ID → id, Activity date → date")
        for c in texts(at, "caption")
    )
    assert any("will be ignored: Call direction" in w for w in texts(at, "warning"))
    at.button(key="imp_go").click().run()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [
        ("Rows read", "6"),
        ("Accepted", "2"),
        ("Updated", "0"),
        ("Rejected", "1"),
        ("Not a contact", "3"),
    ]
    captions = texts(at, "caption")
    assert "Not a contact: 3 call attempts." in captions
    assert any(c.startswith("Recognised as an activity export of HubSpot.") for c in captions)
    assert contact_count(empty_db) == 2


# A home-made Dutch sheet (as in tests/kpi/test_mapping.py): no column of ours, no CRM's layout.
SHEET = (
    b"Nr;Datum;Verkoper;Klant;Soort;Afgerond;Onderwerp\n"
    b"1;03/02/2026;anna@x.nl;Bakkerij de Vries;Telefoongesprek;ja;Offerte besproken\n"
    b"2;04/02/2026;bram@x.nl;Acme BV;Bezoek;ja;Kennismaking\n"
    b"3;05/02/2026;anna@x.nl;Acme BV;Taak;ja;Offerte maken\n"
    b"4;06/02/2026;anna@x.nl;Gamma;Bezoek;nee;Lunch\n"
    b"5;31/02/2026;anna@x.nl;Gamma;Telefoongesprek;ja;Terugbellen\n"
    b"6;08/02/2026;bram@x.nl;Delta;Beurs;ja;Stand\n"
)


def by_label(widgets, label: str):
    (found,) = [w for w in widgets if w.label == label]
    return found


def test_an_unknown_layout_is_mapped_previewed_saved_and_then_recognised(empty_db):
    at = upload(open_page("importer"), "activiteiten.csv", SHEET)
    assert at.button(key="imp_go").disabled
    # Each column with a first guess.
    guesses = {s.label: s.value for s in at.selectbox if s.key.startswith("imp_map_col_")}
    assert guesses == {
        "Nr": "contact_id",
        "Datum": "contact_date",
        "Verkoper": "rep",
        "Klant": "account",
        "Soort": "channel",
        "Afgerond": "status",
        "Onderwerp": "subject",
    }
    # Each activity type and status value with a guess the director can change.
    assert by_label(at.selectbox, "Telefoongesprek").value == "phone"
    assert by_label(at.selectbox, "Taak").value == "task"
    assert by_label(at.selectbox, "Beurs").value == "event"
    assert by_label(at.selectbox, "nee").value == "planned"
    assert at.radio(key="imp_map_month_first").value is False  # 31/02 puts the day first
    by_label(at.selectbox, "Beurs").set_value("other_activity").run()
    table = at.dataframe[2].value  # after the format table and the file's preview
    assert table["Outcome"].tolist() == [
        "contact",
        "contact",
        "not a contact: tasks",
        "not a contact: planned",
        "rejected",
        "not a contact: other activities",
    ]
    assert table["Reasons"].tolist()[4] == "Date: not a date (use 2026-03-31 or 31-03-2026)"
    assert table["Channel"].tolist()[:2] == ["Phone", "Visit"]
    assert contact_count(empty_db) == 0  # the preview writes nothing

    at.text_input(key="imp_map_name").input("Activiteiten")
    at.button(key="imp_map_save").click().run()
    assert not at.exception
    assert texts(at, "success") == [
        "Mapping Activiteiten saved: this file and the next ones with the same columns are read"
        " with it."
    ]
    assert "Read with the saved mapping Activiteiten." in texts(at, "caption")
    assert (
        "Columns recognised: Nr → contact_id, Datum → contact_date, Verkoper → rep,"
        " Klant → account, Soort → channel, Afgerond → status, Onderwerp → subject"
    ) in texts(at, "caption")
    assert not [s for s in at.selectbox if s.key.startswith("imp_map_col_")]  # asked no more
    at.button(key="imp_go").click().run()
    assert [(m.label, m.value) for m in at.metric] == [
        ("Rows read", "6"),
        ("Accepted", "2"),
        ("Updated", "0"),
        ("Rejected", "1"),
        ("Not a contact", "3"),
    ]
    captions = texts(at, "caption")
    assert "Not a contact: 1 other activities, 1 planned, 1 tasks." in captions
    assert any(c.startswith("Read with the saved mapping Activiteiten.") for c in captions)
    assert contact_count(empty_db) == 2


def test_a_mapping_without_a_required_field_says_which_and_saves_nothing(empty_db):
    at = upload(open_page("importer"), "activiteiten.csv", SHEET)
    by_label(at.selectbox, "Verkoper").set_value("").run()  # leave out
    assert "Map a column to each of Rep (rep) to see the preview and save." in texts(at, "info")
    assert not [b for b in at.button if b.key == "imp_map_save"]


def test_saved_mappings_are_listed_and_removed(empty_db):
    at = upload(open_page("importer"), "activiteiten.csv", SHEET)
    at.text_input(key="imp_map_name").input("Activiteiten")
    at.button(key="imp_map_save").click().run()
    listed = at.dataframe[-1].value
    assert listed["name"].tolist() == ["Activiteiten"]
    assert listed["columns"][0].startswith("Nr → contact_id, Datum → contact_date")
    assert listed["saved_by"].tolist() == ["demo: director"]
    at.selectbox(key="imp_maplist_pick").set_value("Activiteiten").run()
    at.button(key="imp_maplist_remove").click().run()
    assert not at.exception
    assert "Mapping Activiteiten removed. The contacts imported with it stay." in texts(
        at, "success"
    )
    # The file is not known any more: the mapping step asks again.
    assert [s for s in at.selectbox if s.key.startswith("imp_map_col_")]


def test_a_rep_may_not_save_a_mapping():
    from kpi import access, mapping

    rep = access.Viewer(role="rep", rep_key="anna@x.nl")
    with pytest.raises(access.AccessDenied):
        access.authorize(rep, mapping.save_mapping, (None,), {})


def test_a_mapping_is_removed_without_a_file_chosen(empty_db):
    from kpi import mapping

    con = db.connect(empty_db)
    mapping.save_mapping(
        con,
        mapping.Mapping(
            name="Oud",
            headers=("Datum", "Wie", "Klant"),
            columns={"Datum": "contact_date", "Wie": "rep", "Klant": "account"},
            fixed_channel="phone",
        ),
        by="admin@x.nl",
    )
    con.close()
    at = open_page("importer")
    assert at.dataframe[-1].value["name"].tolist() == ["Oud"]
    at.selectbox(key="imp_maplist_pick").set_value("Oud").run()
    at.button(key="imp_maplist_remove").click().run()
    assert texts(at, "success") == ["Mapping Oud removed. The contacts imported with it stay."]
    assert "No mappings saved yet." in " ".join(texts(at, "caption"))
