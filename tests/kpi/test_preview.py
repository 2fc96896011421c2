"""The import page's engine: the quick look at an upload, rejected rows, the contact log as CSV."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io

import openpyxl
import pytest

from kpi import db, ingest, metrics, preview

TODAY = dt.date(2026, 6, 30)
HEADER = "datum;medewerker;klant;kanaal;commitment_niveau;commitment_omschrijving"


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_preview_csv_semicolon_bom_and_first_rows_only():
    lines = [HEADER] + [f"0{1 + i % 9}-06-2026;anna@x.nl;Café {i};bezoek;0;" for i in range(100)]
    data = codecs.BOM_UTF8 + "\r\n".join(lines).encode("utf-8")
    frame = preview.preview(data, "log.csv", rows=5)
    assert list(frame.columns) == HEADER.split(";")
    assert frame.attrs["headers"] == HEADER.split(";")
    assert len(frame) == 5
    assert frame.iloc[0].tolist() == ["01-06-2026", "anna@x.nl", "Café 0", "bezoek", "0", ""]


def test_preview_windows_1252_comma_quotes_and_short_rows():
    text = 'contact_date,rep,account,channel,notes\n2026-06-01,anna,"Zoë, B.V.",phone\n\n2026-06-02,bram,Acme,visit,"twee\nregels"\n'
    frame = preview.preview(text.encode("cp1252"), "log.txt")
    assert frame.values.tolist() == [
        ["2026-06-01", "anna", "Zoë, B.V.", "phone", ""],  # padded; the import rejects it
        ["2026-06-02", "bram", "Acme", "visit", "twee\nregels"],
    ]


def test_preview_tab_separated_utf16():
    text = "contact_date\trep\taccount\tchannel\n2026-06-01\tanna\tAcme\tphone\n"
    frame = preview.preview(text.encode("utf-16"), "log.csv")
    assert frame.values.tolist() == [["2026-06-01", "anna", "Acme", "phone"]]


def test_preview_reads_only_the_head_of_a_big_file():
    row = "2026-06-01;anna@x.nl;" + "x" * 200 + ";bezoek;0;\n"
    data = (HEADER + "\n" + row * 200_000).encode()  # about 45 MB
    frame = preview.preview(data, "big.csv")
    assert len(frame) == 20


def test_preview_repeated_and_blank_headers_get_showable_names():
    frame = preview.preview(b"klant;;klant\nAcme;x;Beta\n", "f.csv")
    assert list(frame.columns) == ["klant", "(2)", "klant (2)"]
    assert frame.attrs["headers"] == ["klant", "", "klant"]


def test_preview_xlsx_skips_blank_rows_and_empty_columns():
    data = xlsx_bytes(
        [
            [None, None],
            ["datum", "klant", None, None],
            [dt.datetime(2026, 6, 1), "Acme", None, None],
            [dt.datetime(2026, 6, 2), 12.0],
        ]
    )
    frame = preview.preview(data, "log.xlsx")
    assert list(frame.columns) == ["datum", "klant"]
    assert frame.values.tolist() == [["2026-06-01", "Acme"], ["2026-06-02", "12"]]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.csv"),
        (b"\n\nrest", "blank_header.csv"),
        (b"\x00\x01\x02binary\x00", "data.csv"),
        (b"datum;klant\nAcme;\x00\n", "nul_on_line_2.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls"),
        (b"datum,klant\n", "old.xls"),
        (b"%PDF-1.4", "report.pdf"),
        (b"not a zip at all", "sheet.xlsx"),
        (b"PK\x03\x04broken zip", "sheet.xlsx"),
        (b"datum;klant\n\x81\x8d\x8f\x90\x9d;x\n", "undecodable.csv"),
    ],
)
def test_preview_refuses_what_the_import_refuses_with_the_same_words(tmp_path, data, name):
    with pytest.raises(ingest.FileUnreadable) as seen:
        preview.preview(data, name)
    con = db.connect(tmp_path / "t.duckdb")
    with pytest.raises(ingest.FileUnreadable) as imported:
        ingest.import_bytes(con, data, name)
    assert str(seen.value) == str(imported.value)
    assert con.execute("select count(*) from imported_files").fetchone()[0] == 0


def test_check_columns_recognises_dutch_and_english_headers():
    check = preview.check_columns(["Datum", " medewerker ", "account", "kanaal", "extra", "_line"])
    assert check.recognised == {
        "Datum": "contact_date",
        "medewerker": "rep",
        "account": "account",
        "kanaal": "channel",
    }
    assert check.ignored == ["extra"]  # columns starting with _ are ours: silently skipped


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (["datum", "klant", "kanaal"], "not a contact log: missing column(s) rep (medewerker)"),
        (["datum", "rep", "medewerker", "klant", "kanaal"], "column rep appears twice"),
    ],
)
def test_check_columns_raises_as_the_import_would(headers, message):
    with pytest.raises(
        ingest.FileUnreadable, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        preview.check_columns(headers)


def test_format_table_lists_every_column_in_dutch():
    table = preview.format_table("nl")
    assert list(table.columns) == ["Kolom", "Nederlandse naam", "Betekenis", "Verplicht", "Waarden"]
    row = table[table["Kolom"] == "channel"].iloc[0]
    assert (row["Nederlandse naam"], row["Verplicht"]) == ("kanaal", "ja")
    assert "phone/telefoon" in row["Waarden"]


# -- after an import -------------------------------------------------------------------------------


@pytest.fixture
def imported(con, tmp_path):
    data = (
        "contact_id,datum,medewerker,klant,kanaal,omzet,commitment_niveau,commitment_omschrijving,notities\n"
        'A1,2026-06-01,anna@x.nl,"Zoë, B.V.",bezoek,"1.234,50",2,Zoekt uit,"regel 1\nregel 2"\n'
        "A2,2026-13-01,anna@x.nl,Acme,bezoek,,0,,\n"
        "A3,2026-06-02,bram@x.nl,Acme,fax,,1,,\n"
        "A4,2026-06-03,bram@x.nl,Acme,telefoon,,0,,\n"
    ).encode()
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.rejected) == (2, 2)
    return con, result


def test_rejected_rows_in_the_users_language(imported):
    con, result = imported
    rows = preview.rejected_rows(con, result.file_id, "nl")
    assert rows["line"].tolist() == [4, 5]  # A1's note takes lines 2 and 3
    assert rows["reasons"].tolist() == [
        "Datum: geen datum (gebruik 31-03-2026 of 2026-03-31)",
        "Kanaal: geen toegestane waarde; Commitment is verplicht",
    ]
    assert rows["raw"].iloc[1] == "A3,2026-06-02,bram@x.nl,Acme,fax,,1,,"
    assert len(preview.rejected_rows(con, result.file_id, "en", limit=1)) == 1


def test_rejects_csv_has_a_bom_and_imports_again_once_fixed(imported, tmp_path):
    con, result = imported
    data = preview.rejects_csv(con, result.file_id, "en")
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["contact_id"], r["_line"]) for r in rows] == [("A2", "4"), ("A3", "5")]
    assert rows[0]["_reasons"] == "Date: not a date (use 2026-03-31 or 31-03-2026)"
    fixed = data.replace(b"2026-13-01", b"2026-06-01").replace(b",fax,", b",phone,")
    fixed = fixed.replace(b",1,,", b",1,Belt terug,")
    again = ingest.import_bytes(con, fixed, "upload-rejected.csv")
    assert (again.accepted, again.rejected, again.ignored_columns) == (2, 0, [])


def test_in_dutch_the_rejects_csv_has_semicolons_and_imports_again_once_fixed(imported):
    """Dutch Excel splits a CSV on semicolons; a comma file opened as one column."""
    con, result = imported
    data = preview.rejects_csv(con, result.file_id, "nl")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("contact_id;contact_date;rep;account;")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [(r["contact_id"], r["_line"]) for r in rows] == [("A2", "4"), ("A3", "5")]
    assert rows[1]["_reasons"] == "Kanaal: geen toegestane waarde; Commitment is verplicht"
    fixed = data.replace(b"2026-13-01", b"2026-06-01").replace(b";fax;", b";telefoon;")
    fixed = fixed.replace(b";1;;", b";1;Belt terug;")
    again = ingest.import_bytes(con, fixed, "upload-afgekeurd.csv")
    assert (again.accepted, again.rejected, again.ignored_columns) == (2, 0, [])


def test_in_dutch_the_export_has_semicolons_and_decimal_commas_and_reads_back(imported, tmp_path):
    con, _ = imported
    data = preview.export_contacts_csv(con, "nl")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == list(ingest.F.FIELD_NAMES)
    assert (rows[0]["account"], rows[0]["revenue"]) == ("Zoë, B.V.", "1234,50")
    copy = db.connect(tmp_path / "copy.duckdb")
    result = ingest.import_bytes(copy, data, "contactmomenten.csv")
    assert (result.accepted, result.rejected) == (2, 0)
    assert metrics.summary(copy) == metrics.summary(con)
    with pytest.raises(ValueError, match="unknown language"):
        preview.export_contacts_csv(con, "de")


def test_export_contacts_csv_reads_back_as_the_same_log(imported, tmp_path):
    con, _ = imported
    data = preview.export_contacts_csv(con)
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(ingest.F.FIELD_NAMES)
    assert [r["contact_id"] for r in rows] == ["A1", "A4"]
    assert (rows[0]["account"], rows[0]["revenue"], rows[0]["notes"]) == (
        "Zoë, B.V.",
        "1234.50",
        "regel 1\nregel 2",
    )
    copy = db.connect(tmp_path / "copy.duckdb")
    result = ingest.import_bytes(copy, data, "contacts.csv")
    assert (result.accepted, result.rejected) == (2, 0)
    assert metrics.summary(copy) == metrics.summary(con)
    assert preview.contacts_count(copy) == 2


def test_export_of_an_empty_log_is_just_the_header(con):
    data = preview.export_contacts_csv(con)
    assert data.decode("utf-8-sig").strip() == ",".join(ingest.F.FIELD_NAMES)
    assert preview.contacts_count(con) == 0
