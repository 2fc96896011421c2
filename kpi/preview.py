"""The import page's engine: a quick look at an uploaded file, its rejected rows, the contact log as CSV."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pandas as pd

from kpi import crm, i18n, ingest
from kpi import fields as F
from kpi import mapping as M
from kpi.reasons import row_reason_text

# Read as a quick look only: the import itself reads the whole file again.
HEAD_BYTES = 1 << 16
MAX_HEAD_BYTES = 1 << 22
REJECTS_SHOWN = 1000
UTF8_BOM = codecs.BOM_UTF8


def _kind(data: bytes, name: str) -> str:
    """'csv' or 'xlsx', with the same verdicts (and words) as ingest's check of a file on disk."""
    suffix = Path(name).suffix.lower()
    magic = data[:8]
    if magic.startswith(ingest.ZIP_MAGIC):
        return "xlsx"
    if magic.startswith(ingest.OLE_MAGIC) or suffix == ".xls":
        raise ingest.FileUnreadable("old_xls")
    if suffix in ingest.XLSX_SUFFIXES:
        raise ingest.FileUnreadable("not_xlsx")
    if suffix not in ingest.TEXT_SUFFIXES:
        raise ingest.FileUnreadable("unsupported_type", suffix=suffix)
    if not magic:
        raise ingest.FileUnreadable("empty_file")
    return "csv"


def _head_text(data: bytes, rows: int) -> str:
    """The first complete lines of a text file (at least rows + 1 when they fit), decoded."""
    size = HEAD_BYTES
    head = data[:size]
    while head.count(b"\n") <= rows and size < min(len(data), MAX_HEAD_BYTES):
        size *= 4
        head = data[:size]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        return text if len(head) == len(data) else text[: text.rfind("\n") + 1] or text
    if b"\x00" in head:
        line = head.count(b"\n", 0, head.index(b"\x00")) + 1
        raise ingest.FileUnreadable("binary", line=line)
    if len(head) < len(data) and b"\n" in head:
        # A cut inside a UTF-8 character would look like a decoding error: cut after a newline.
        head = head[: head.rfind(b"\n") + 1]
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return head.decode("cp1252")
    except UnicodeDecodeError:
        raise ingest.FileUnreadable("undecodable") from None


def _csv_records(data: bytes, rows: int) -> list[list[str]]:
    return [record for _, record in _numbered_csv_records(data, rows)]


def _numbered_csv_records(data: bytes, rows: int) -> list[tuple[int, list[str]]]:
    """(first line, fields) of the header and up to `rows` records after it."""
    text = _head_text(data, rows)
    first = text.split("\n", 1)[0].rstrip("\r")
    if not first.strip():
        raise ingest.FileUnreadable("empty_file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=ingest.sniff_delimiter(first))
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            if record and any(v.strip() for v in record):
                records.append((start, record))
            start = reader.line_num + 1
            if len(records) > rows:
                break
    except csv.Error:
        pass  # a quoted field cut off at the end of the quick look: show what came before it
    return records


def _xlsx_records(data: bytes, rows: int) -> list[list[str]]:
    return [record for _, record in _numbered_xlsx_records(data, rows)]


def _numbered_xlsx_records(data: bytes, rows: int) -> list[tuple[int, list[str]]]:
    import openpyxl  # imported here: only .xlsx uploads pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ingest.FileUnreadable("broken_xlsx", error=type(exc).__name__) from None
    try:
        records: list[tuple[int, list[str]]] = []
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            record = [ingest.cell_text(v) for v in row]
            if any(v.strip() for v in record):
                records.append((number, record))
            if len(records) > rows:
                break
    finally:
        book.close()
    if not records:
        raise ingest.FileUnreadable("empty_sheet")
    # Formatted but empty cells to the right of the header are no columns.
    width = max(i + 1 for i, v in enumerate(records[0][1]) if v.strip())
    return [(n, r[:width]) for n, r in records]


def _numbered(data: bytes, name: str, rows: int) -> list[tuple[int, list[str]]]:
    if _kind(data, name) == "xlsx":
        return _numbered_xlsx_records(data, rows)
    return _numbered_csv_records(data, rows)


def _unique(headers: list[str]) -> list[str]:
    """Column names a table can show: blank ones numbered, repeated ones suffixed (2), (3)."""
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers, start=1):
        name = header.strip() or f"({i})"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def preview(data: bytes, name: str, rows: int = 20) -> pd.DataFrame:
    """The header and first rows of an uploaded file, as text; the headers as found are in
    .attrs["headers"]. Raises ingest.FileUnreadable when the import could not read it either."""
    records = _xlsx_records(data, rows) if _kind(data, name) == "xlsx" else _csv_records(data, rows)
    headers = records[0]
    width = len(headers)
    body = [(r + [""] * width)[:width] for r in records[1 : rows + 1]]
    frame = pd.DataFrame(body, columns=_unique(headers), dtype=str)
    frame.attrs["headers"] = headers
    return frame


@dataclass(frozen=True)
class ColumnCheck:
    """How the import will read a file's header."""

    recognised: dict[str, str]  # header as found -> canonical column
    ignored: list[str]


def check_columns(headers: list[str], saved: list[M.Mapping] | None = None) -> ColumnCheck:
    """Which headers the import recognises and ignores, with the saved mappings it knows; raises
    ingest.FileUnreadable as the import would (a required column missing, a column twice)."""
    layout = ingest.read_layout(headers, ",", [m.layout() for m in saved or ()])
    chosen = {m.name: m for m in saved or ()}.get(layout.crm.layout.label) if layout.crm else None
    if chosen is not None:  # a saved mapping: its columns by the fields they were mapped to
        return ColumnCheck(dict(chosen.columns), layout.ignored)
    if layout.crm is not None:  # a CRM's export: its columns by what they stand for
        given = sorted((i, role) for role, i in layout.crm.columns.items())
        return ColumnCheck({headers[i].strip(): role for i, role in given}, layout.ignored)
    return ColumnCheck(
        {headers[i].strip(): name for i, name in sorted(layout.mapping.items())}, layout.ignored
    )


def recognised_by(headers: list[str], saved: list[M.Mapping]) -> str | None:
    """The name of the saved mapping the import reads a file with these headers by, or None (our
    own columns, a known CRM, or nothing it knows)."""
    match = crm.recognise(headers, [m.layout() for m in saved])
    return (match.layout.label or None) if match is not None else None


def column_values(data: bytes, name: str, column: int, rows: int = 1000) -> list[str]:
    """The different values (trimmed, case-folded alike) of one column in the file's first rows,
    in the order they first come: what the mapping step translates (activity types, statuses)."""
    found: dict[str, str] = {}
    for _, record in _numbered(data, name, rows)[1:]:
        value = record[column].strip(F.WHITESPACE) if column < len(record) else ""
        if value and value.lower() not in found:
            found[value.lower()] = value
    return list(found.values())


# What the mapping step's preview shows of each row, beside its line and outcome.
MAPPED_COLUMNS: tuple[str, ...] = (
    "contact_id",
    "contact_date",
    "rep",
    "account",
    "contact_person",
    "channel",
    "commitment_level",
    "revenue",
    "notes",
)


def mapped_preview(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    name: str,
    mapping: M.Mapping,
    lang: str,
    rows: int = 20,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """The file's first rows as the import would read them with `mapping` (not saved yet):
    line, outcome (contact, not_contact or rejected), the kind of a row that is not a contact,
    the contact's columns and the reasons of a reject in `lang`. Nothing is written. Raises
    mapping.MappingError when the mapping cannot read a contact yet (a required field missing)."""
    mapping = M.check(replace(mapping, name=mapping.name.strip(F.WHITESPACE) or "preview"))
    numbered = _numbered(data, name, rows)
    headers = numbered[0][1]
    layout = ingest.read_layout(headers, ",", [mapping.layout()], forced=True)
    cur = con.cursor()  # the temp tables stay private to this look
    try:
        with tempfile.TemporaryDirectory(prefix="commitboard-mapping-") as tmp:
            ingest.validate_records(cur, numbered[1:], layout, Path(tmp), today)
        columns = ", ".join(
            f"{c}::varchar as {c}" if F.BY_NAME[c].kind == "enum" else c for c in MAPPED_COLUMNS
        )
        found = cur.execute(
            f"select line, not_contact, reasons, {columns} from validated order by line"
        ).fetchall()
    finally:
        cur.execute("drop table if exists validated")
        cur.close()
    shown = []
    for line, kind, reasons, *values in found:
        outcome = "not_contact" if kind else "rejected" if reasons else "contact"
        why = "; ".join(row_reason_text(r, lang) for r in reasons or ())
        shown.append((line, outcome, kind, *values, why))
    return pd.DataFrame(shown, columns=["line", "outcome", "kind", *MAPPED_COLUMNS, "reasons"])


def format_table(lang: str) -> pd.DataFrame:
    """The file format for people: each column, its Dutch header, required or not, what it holds."""
    examples = {
        "text": "",
        "date": "2026-03-31, 31-03-2026",
        "bool": "ja/nee, yes/no",
        "decimal": "1234,56 · 1.234,56 · 1234.56",
        "level": "0, 1, 2, 3, 4",
    }
    rows = []
    for f in F.FIELDS:
        if f.enum:
            values = ", ".join(
                "/".join(dict.fromkeys(aliases)) for aliases in F.ENUMS[f.enum].values()
            )
        else:
            values = examples[f.kind]
        rows.append(
            {
                i18n.t("imp_col_column", lang): f.name,
                i18n.t("imp_col_dutch", lang): f.nl or "",
                i18n.t("imp_col_label", lang): i18n.field_label(f.name, lang),
                i18n.t("imp_col_required", lang): i18n.t(
                    "imp_required_yes" if f.required else "imp_required_no", lang
                ),
                i18n.t("imp_col_values", lang): values,
            }
        )
    return pd.DataFrame(rows)


def rejected_rows(
    con: duckdb.DuckDBPyConnection, file_id: int, lang: str, limit: int = REJECTS_SHOWN
) -> pd.DataFrame:
    """The first `limit` rejected rows of one imported file: line, every reason as a sentence, raw text."""
    rows = (
        con.cursor()
        .execute(
            "select line, reasons, raw from rejects where file_id = ? order by line limit ?",
            [file_id, limit],
        )
        .fetchall()
    )
    return pd.DataFrame(
        [
            (line, "; ".join(row_reason_text(r, lang) for r in reasons), raw or "")
            for line, reasons, raw in rows
        ],
        columns=["line", "reasons", "raw"],
    )


def rejects_csv(con: duckdb.DuckDBPyConnection, file_id: int, lang: str) -> bytes:
    """One file's rejected rows as a CSV to fix and import again; UTF-8 with BOM so Excel reads it."""
    out = io.StringIO()
    ingest.write_rejects_csv(con.cursor(), out, file_id, lang)
    return out.getvalue().encode("utf-8-sig")


def contacts_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many contacts the log holds."""
    return int(con.cursor().execute("select count(*) from contacts").fetchone()[0])


def _export_sql(lang: str) -> str:
    """The contacts in the canonical columns; in Dutch, amounts with a decimal comma (DuckDB's
    CSV writer has no decimal separator option; the import reads both)."""
    columns = [
        f"replace({f.name}::varchar, '.', ',') as {f.name}"
        if lang == "nl" and f.kind == "decimal"
        else f.name
        for f in F.FIELDS
    ]
    return f"select {', '.join(columns)} from contacts order by contact_date, id"


def export_contacts_csv(con: duckdb.DuckDBPyConnection, lang: str = "en") -> bytes:
    """The whole contact log as CSV in the canonical columns (the import reads it back), UTF-8
    with BOM; in Dutch with semicolons and decimal commas, as Dutch Excel reads it. DuckDB
    writes it to a temp file, so no row passes through Python."""
    if lang not in i18n.LANGS:
        raise ValueError(f"unknown language {lang!r}")
    with tempfile.TemporaryDirectory(prefix="commitboard-export-") as tmp:
        path = Path(tmp) / "contacts.csv"
        # COPY takes no bound parameter for its target; the path is ours, quotes are doubled.
        # The select and the separator are built from constants of kpi.fields and this module.
        target = str(path).replace("'", "''")
        delimiter = ingest.csv_delimiter(lang)
        con.cursor().execute(
            f"copy ({_export_sql(lang)}) to '{target}' (header, delimiter '{delimiter}')"
        )
        return UTF8_BOM + path.read_bytes()
