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
