"""Texts in both languages: why a file cannot be read, in Dutch on the import page."""

from __future__ import annotations

import pytest

from kpi import db, i18n, ingest


def _reason(tmp_path, name: str, data: bytes | None) -> str:
    path = tmp_path / name
    if data is None:
        path.mkdir()
    else:
        path.write_bytes(data)
    con = db.connect(tmp_path / "t.duckdb")
    try:
        with pytest.raises(ingest.FileUnreadable) as caught:
            ingest.import_file(con, path)
    finally:
        con.close()
    return str(caught.value)


@pytest.mark.parametrize(
    ("name", "data", "dutch"),
    [
        ("empty.csv", b"", "leeg bestand: geen kopregel"),
        ("folder.csv", None, "is een map, geen bestand"),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0",
            "oud Excel-formaat .xls: sla het werkblad op als .xlsx of CSV",
        ),
        (
            "notes.pdf",
            b"%PDF-1.4\n",
            "bestandstype .pdf wordt niet ondersteund: gebruik .csv of .xlsx",
        ),
        (
            "bin.csv",
            b"contact_date,rep\n\x00\x01\n",
            "binaire gegevens (NUL-tekens, eerst op regel 2)",
        ),
        ("cols.csv", b"datum,klant\n2026-01-01,Acme\n", "geen contactlog: kolom(men) "),
        (
            "twice.csv",
            b"rep,medewerker,contact_date,account,channel\n",
            "kolom rep komt twee keer voor",
        ),
    ],
)
def test_every_unreadable_file_reason_has_a_dutch_text(tmp_path, name, data, dutch):
    english = _reason(tmp_path, name, data)
    assert i18n.unreadable_text(english, "en") == english
    assert i18n.unreadable_text(english, "nl").startswith(dutch), english


def test_a_reason_without_a_dutch_text_is_shown_as_it_is():
    assert i18n.unreadable_text("something new went wrong", "nl") == "something new went wrong"
