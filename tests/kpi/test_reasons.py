"""Reasons as codes: every code the engine can give has a text in both languages, and a page
shows it in the user's language; reasons stored by older versions still show."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import openpyxl
import pytest

from kpi import db, i18n, ingest, preview, reasons

KPI = Path(reasons.__file__).parent


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _all_codes() -> list[tuple[str, set[str]]]:
    """(text key, the placeholders its text must have) for every code in kpi.reasons."""
    keys = [(f"reason_{code}", {param} if param == "field" else set()) for code, param in reasons.ROW.items() if code != "bad_shape"]  # fmt: skip
    keys += [(f"reason_shape_{shape}", set()) for shape in reasons.SHAPES]
    keys += [(f"reason_file_{code}", set(params)) for code, params in reasons.FILE.items()]
    return keys


@pytest.mark.parametrize(("key", "placeholders"), _all_codes())
def test_every_code_has_a_text_in_both_languages(key, placeholders):
    texts = i18n.TEXTS.get(key, {})
    for lang in i18n.LANGS:
        assert texts.get(lang, "").strip(), f"{key} has no {lang} text"
        assert _placeholders(texts[lang]) == placeholders, (key, lang)


def test_a_code_without_a_dutch_text_fails_that_test(monkeypatch):
    # What the test above would meet if someone added a code with an English text only.
    monkeypatch.setitem(reasons.FILE, "new_problem", ())
    monkeypatch.setitem(i18n.TEXTS, "reason_file_new_problem", {"en": "a new problem"})
    with pytest.raises(AssertionError, match="reason_file_new_problem has no nl text"):
        test_every_code_has_a_text_in_both_languages("reason_file_new_problem", set())


def test_every_reason_text_belongs_to_a_code():
    known = {key for key, _ in _all_codes()}
    assert {key for key in i18n.TEXTS if key.startswith("reason_")} == known


def _validation_codes() -> set[str]:
    sql = ingest._VALIDATION_TEMPLATE + Path(ingest.__file__).read_text(encoding="utf-8")
    return set(re.findall(r"'([a-z_]+):", sql))


def test_every_row_code_in_the_validation_sql_is_known():
    found = _validation_codes()
    assert "missing" in found and "bad_shape" in found  # the scan sees the SQL
    assert found <= set(reasons.ROW)


def _unreadable_calls() -> list[tuple[str, str, tuple[str, ...]]]:
    calls = []
    for path in sorted(KPI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "FileUnreadable":  # fmt: skip
                assert node.args and isinstance(node.args[0], ast.Constant), ast.unparse(node)
                calls.append((path.name, node.args[0].value, tuple(k.arg for k in node.keywords)))
    return calls


def test_every_file_reason_the_engine_raises_is_a_known_code_with_its_parameters():
    calls = _unreadable_calls()
    assert len(calls) > 20  # ingest and preview both
    for where, code, params in calls:
        assert reasons.FILE.get(code) == params, (where, code, params)


def test_a_file_reason_with_wrong_parameters_is_refused():
    with pytest.raises(ValueError):
        reasons.FileUnreadable("binary")
    with pytest.raises(ValueError):
        reasons.FileUnreadable("no such file")


def _empty_xlsx() -> bytes:
    import io

    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# One file per code the engine can give for a whole file (cannot_open needs a file root may not
# read: root reads everything, so the AST test above covers it).
UNREADABLE = [
    ("missing.csv", None, "no_such_file", "bestand bestaat niet"),
    ("folder.csv", "dir", "is_folder", "is een map, geen bestand"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old_xls", "oud Excel-formaat .xls: sla het werkblad op als .xlsx of CSV"),
    ("fake.xlsx", b"just text", "not_xlsx", "geen leesbaar .xlsx-bestand"),
    ("broken.xlsx", b"PK\x03\x04garbage", "broken_xlsx", "geen leesbaar .xlsx-bestand (BadZipFile)"),
    ("notes.pdf", b"%PDF-1.4\n", "unsupported_type", "bestandstype .pdf wordt niet ondersteund: gebruik .csv of .xlsx"),
    ("empty.csv", b"", "empty_file", "leeg bestand: geen kopregel"),
    ("empty.xlsx", "xlsx", "empty_sheet", "leeg werkblad: geen kopregel"),
    ("bin.csv", b"contact_date,rep\n\x00\x01\n", "binary", "binaire gegevens (NUL-tekens, eerst op regel 2): geen CSV- of XLSX-contactlog"),
    ("odd.csv", b"contact_date,rep\n\x81\xff\n", "undecodable", "de tekens in het bestand zijn niet te lezen: sla het op als CSV in UTF-8 of Windows-1252"),
    ("cut.csv", b"\xff\xfec\x00,\x00\x00\xd8", "utf16_damaged", "het bestand is niet te lezen als UTF-16 (het is afgebroken of beschadigd): sla het opnieuw op"),
    ("cols.csv", b"datum,klant\n2026-01-01,Acme\n", "missing_columns", "geen contactlog: kolom(men) rep (medewerker), channel (kanaal) ontbreken"),
    ("twice.csv", b"rep,medewerker,contact_date,account,channel\n", "column_twice", "kolom rep komt twee keer voor (als 'rep' en 'medewerker')"),
]  # fmt: skip


def _raised(tmp_path, name: str, data: bytes | str | None) -> reasons.FileUnreadable:
    path = tmp_path / name
    if data == "dir":
        path.mkdir()
    elif data == "xlsx":
        path.write_bytes(_empty_xlsx())
    elif data is not None:
        path.write_bytes(data)
    con = db.connect(tmp_path / "t.duckdb")
    try:
        with pytest.raises(ingest.FileUnreadable) as caught:
            ingest.import_file(con, path)
    finally:
        con.close()
    return caught.value


@pytest.mark.parametrize(("name", "data", "code", "dutch"), UNREADABLE)
def test_every_unreadable_file_gives_its_code_and_both_texts(tmp_path, name, data, code, dutch):
    exc = _raised(tmp_path, name, data)
    assert exc.code == code
    assert exc.text("nl") == dutch
    assert str(exc) == exc.text("en") != dutch


def test_every_file_code_has_an_example_file():
    # A file read with a saved mapping: tests/kpi/test_mapping.py gives those two.
    by_mapping = {"unknown_mapping", "mapping_mismatch"}
    assert {code for *_, code, _ in UNREADABLE} == set(reasons.FILE) - {"cannot_open"} - by_mapping


def test_the_preview_gives_the_same_codes_as_the_import():
    with pytest.raises(ingest.FileUnreadable) as caught:
        preview.preview(b"contact_date,rep\n\x00\x01\n", "bin.csv")
    assert (caught.value.code, caught.value.params) == ("binary", {"line": 2})


@pytest.mark.parametrize(
    ("stored", "en", "nl"),
    [
        ("missing:rep", "Rep is required", "Accountmanager is verplicht"),
        ("bad_enum:channel", "Channel: not one of the allowed values", "Kanaal: geen toegestane waarde"),
        ("bad_shape:too_long", "the line is longer than 20 million characters; only its start is kept here", "de regel is langer dan 20 miljoen tekens; alleen het begin staat hier"),
        ("not_found", "this contact no longer exists", "dit contactmoment bestaat niet meer"),
        # Older or unknown reasons are shown as they were stored, never hidden.
        ("Channel: not one of the allowed values", "Channel: not one of the allowed values", "Channel: not one of the allowed values"),
        ("bad_shape:odd_thing", "CSV: odd thing", "CSV: odd thing"),
    ],
)  # fmt: skip
def test_a_stored_reason_reads_in_each_language(stored, en, nl):
    assert reasons.row_reason_text(stored, "en") == en
    assert reasons.row_reason_text(stored, "nl") == nl
