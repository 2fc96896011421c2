"""Contact logs (CSV, XLSX) into DuckDB: every row validated in SQL, accepted or kept as a reject."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from kpi import fields as F
from kpi.db import bump_version, transaction
from kpi.i18n import reason_text

Progress = Callable[[float, str], None]

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ""}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (";", ",", "\t")
CHUNK = 1 << 24
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class FileUnreadable(Exception):
    """A file that cannot be read as a contact log at all; the message is one line for a person."""


@dataclass
class FileResult:
    path: str
    name: str
    rows_read: int = 0
    accepted: int = 0
    updated: int = 0
    rejected: int = 0
    skipped: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    file_id: int | None = None


# ---------------------------------------------------------------------------------------------
# Validation: one SQL statement over a staging table of raw text, shared by imports and the form.
# ---------------------------------------------------------------------------------------------


def _v(col: str) -> str:
    return f"nullif(trim(s.{col}), '')"


def _date_expr(col: str) -> str:
    v = _v(col)
    return (
        f"case when regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') then try_strptime({v}, '%Y-%m-%d')"
        f" when regexp_full_match({v}, '\\d{{2}}-\\d{{2}}-\\d{{4}}') then try_strptime({v}, '%d-%m-%Y')"
        f" when regexp_full_match({v}, '\\d{{2}}/\\d{{2}}/\\d{{4}}') then try_strptime({v}, '%d/%m/%Y')"
        " end::date"
    )


def _decimal_norm(col: str) -> str:
    """The decimal text normalised to 1234.56, 'ambiguous', 'negative' or null when unreadable."""
    d = f"replace(replace(replace({_v(col)}, '€', ''), ' ', ''), chr(160), '')"
    return (
        f"case when {d} is null or {d} = '' then null"
        f" when regexp_full_match({d}, '-.*') then 'negative'"
        f" when regexp_full_match({d}, '\\d+') then {d}"
        f" when regexp_full_match({d}, '[1-9]\\d{{0,2}}[.,]\\d{{3}}') then 'ambiguous'"
        f" when regexp_full_match({d}, '\\d+[.,]\\d+') then replace({d}, ',', '.')"
        f" when regexp_full_match({d}, '\\d{{1,3}}(\\.\\d{{3}})+(,\\d+)?') then replace(replace({d}, '.', ''), ',', '.')"
        f" when regexp_full_match({d}, '\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?') then replace({d}, ',', '')"
        " else 'bad' end"
    )


def _bool_expr(col: str) -> str:
    v = f"lower({_v(col)})"
    return f"case when {v} in $bool_true then true when {v} in $bool_false then false end"


def _build_validation_sql() -> str:
    # p: each field as trimmed raw text (r_*) and parsed; the outer select names every reason.
    inner: list[str] = []
    typed: list[str] = []
    reasons: list[str] = []
    dec_ok = "'\\d+(\\.\\d{1,2})?'"
    for f in F.FIELDS:
        c, v = f.name, _v(f.name)
        inner.append(f"{v} as r_{c}")
        if f.kind == "text":
            typed.append(f"r_{c} as {c}")
        elif f.kind == "date":
            inner.append(f"{_date_expr(c)} as p_{c}")
            typed.append(f"p_{c} as {c}")
            reasons.append(f"case when r_{c} is not null and p_{c} is null then 'bad_date:{c}' end")
        elif f.kind == "enum":
            inner.append(f"map($enum_{f.enum}_k, $enum_{f.enum}_v)[lower({v})] as p_{c}")
            typed.append(f"p_{c} as {c}")
            reasons.append(f"case when r_{c} is not null and p_{c} is null then 'bad_enum:{c}' end")
        elif f.kind == "bool":
            inner.append(f"{_bool_expr(c)} as p_{c}")
            typed.append(f"coalesce(p_{c}, false) as {c}")
            reasons.append(f"case when r_{c} is not null and p_{c} is null then 'bad_bool:{c}' end")
        elif f.kind == "decimal":
            inner.append(f"{_decimal_norm(c)} as p_{c}")
            typed.append(
                f"case when regexp_full_match(p_{c}, {dec_ok}) then try_cast(p_{c} as decimal(18, 2)) end as {c}"
            )
            reasons.append(
                f"case when p_{c} = 'negative' then 'negative:{c}'"
                f" when p_{c} = 'ambiguous' then 'ambiguous_decimal:{c}'"
                f" when p_{c} = 'bad' then 'bad_decimal:{c}'"
                f" when p_{c} is not null and not regexp_full_match(p_{c}, {dec_ok}) then 'too_many_decimals:{c}'"
                f" when p_{c} is not null and try_cast(p_{c} as decimal(18, 2)) is null then 'bad_decimal:{c}'"
                " end"
            )
        elif f.kind == "level":
            typed.append(
                f"case when r_{c} is null then 0 when regexp_full_match(r_{c}, '[0-4]')"
                f" then r_{c}::tinyint end as {c}"
            )
            reasons.append(
                f"case when r_{c} is not null and not regexp_full_match(r_{c}, '[0-4]')"
                f" then 'bad_level:{c}' end"
            )
        if f.required:
            reasons.append(f"case when r_{c} is null then 'missing:{c}' end")
    reasons += [
        "case when p_contact_date > $today then 'future_date:contact_date' end",
        "case when regexp_full_match(coalesce(r_commitment_level, '0'), '[1-4]') and r_commitment is null"
        " then 'missing:commitment' end",
        "case when coalesce(r_commitment_level, '0') = '0' and p_commitment_status is not null"
        " then 'status_without_commitment:commitment_status' end",
        "case when r_contact_id is not null and count(r_contact_id) over (partition by r_contact_id) > 1"
        " then 'duplicate_id:contact_id' end",
    ]
    return f"""
    create or replace temp table validated as
    with p as (
        select s.__line, s.__raw, s.__fields, s.__shape,
            {", ".join(inner)}
        from stage as s
        where not s.__blank
    )
    select __line as line, __raw as raw, __fields as fields,
        {", ".join(typed)},
        case when __shape is not null then ['bad_shape:' || __shape]
             else list_filter([{", ".join(reasons)}], r -> r is not null) end as reasons
    from p
    """


VALIDATION_SQL = _build_validation_sql()


def _validation_params(today: dt.date) -> dict[str, object]:
    params: dict[str, object] = {
        "bool_true": list(F.BOOL_TRUE),
        "bool_false": list(F.BOOL_FALSE),
        "today": today,
    }
    for name in F.ENUMS:
        aliases = F.enum_aliases(name)
        params[f"enum_{name}_k"] = list(aliases)
        params[f"enum_{name}_v"] = list(aliases.values())
    return params


def validate_stage(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> None:
    """Turn temp table `stage` (raw text) into temp table `validated` (typed values + reasons)."""
    con.execute(VALIDATION_SQL, _validation_params(today or dt.date.today()))


# Columns written to contacts from `validated`, in one place for insert and update.
CONTACT_COLUMNS: tuple[str, ...] = F.FIELD_NAMES
_INSERT_COLS = ", ".join(CONTACT_COLUMNS)
_SELECT_COLS = ", ".join(
    "case when commitment_level >= 1 then coalesce(commitment_status, 'open') end"
    if c == "commitment_status"
    else c
    for c in CONTACT_COLUMNS
)
UPDATE_SET = ", ".join(
    f"{c} = v.{c}"
    if c != "commitment_status"
    else "commitment_status = case when v.commitment_level >= 1 then coalesce(v.commitment_status, 'open') end"
    for c in CONTACT_COLUMNS
    if c != "contact_id"
)


def write_validated(
    con: duckdb.DuckDBPyConnection, *, source: str, file_id: int | None
) -> tuple[int, int, list[int]]:
    """Write the accepted rows of `validated` to contacts; returns (inserted, updated, new ids)."""
    updated = con.execute(
        f"""
        update contacts set {UPDATE_SET},
            rep_key = lower(trim(v.rep)), account_key = lower(trim(v.account)),
            source = $source, file_id = $file_id, line = v.line, updated_at = current_timestamp
        from validated as v
        where len(v.reasons) = 0 and v.contact_id is not null and contacts.contact_id = v.contact_id
        """,
        {"source": source, "file_id": file_id},
    ).fetchone()[0]
    new_ids = con.execute(
        f"""
        insert into contacts ({_INSERT_COLS}, rep_key, account_key, source, file_id, line)
        select {_SELECT_COLS}, lower(trim(rep)), lower(trim(account)), $source, $file_id, line
        from validated as v
        where len(v.reasons) = 0
          and (v.contact_id is null
               or not exists (select 1 from contacts c where c.contact_id = v.contact_id))
        order by line
        returning id
        """,
        {"source": source, "file_id": file_id},
    ).fetchall()
    return len(new_ids), int(updated), [r[0] for r in new_ids]


# ---------------------------------------------------------------------------------------------
# Reading files into the staging table.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Layout:
    delimiter: str
    headers: list[str]  # as found in the file
    mapping: dict[int, str]  # file column index -> canonical field
    ignored: list[str]


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: 0 for d in DELIMITERS}
    in_quotes = False
    for ch in header_line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best


def _layout(headers: list[str], delimiter: str) -> _Layout:
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    ignored: list[str] = []
    for i, header in enumerate(headers):
        name = F.canonical_header(header)
        if name is None:
            if header.strip() and not header.strip().startswith("_"):
                ignored.append(header.strip())
            continue
        if name in seen:
            raise FileUnreadable(
                f"column {name} appears twice (as {seen[name]!r} and {header.strip()!r})"
            )
        seen[name] = header.strip()
        mapping[i] = name
    missing = [n for n in F.REQUIRED if n not in seen]
    if missing:
        wanted = ", ".join(f"{n} ({F.BY_NAME[n].nl})" if F.BY_NAME[n].nl else n for n in missing)
        raise FileUnreadable(f"not a contact log: missing column(s) {wanted}")
    return _Layout(delimiter, headers, mapping, ignored)


def _detect_encoding(path: Path, progress: Progress) -> tuple[str, str, int, bool]:
    """One pass over the file: (sha256, encoding, newline count, ends with newline)."""
    size = path.stat().st_size
    digest = hashlib.sha256()
    newlines = 0
    last = b""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    head = b""
    done = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if not head:
                head = chunk[:4096]
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            done += len(chunk)
            progress(0.2 * done / max(size, 1), "reading")
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif is_utf8:
        encoding = "utf-8-sig"
    else:
        if b"\x00" in head:
            raise FileUnreadable("binary file, not a CSV or XLSX contact log")
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(CHUNK):
                    chunk.decode("cp1252")
        except UnicodeDecodeError:
            raise FileUnreadable(
                "cannot decode the file: save it as UTF-8 or Windows-1252 CSV"
            ) from None
        encoding = "cp1252"
    if b"\x00" in head and encoding != "utf-16":
        raise FileUnreadable("binary file, not a CSV or XLSX contact log")
    return digest.hexdigest(), encoding, newlines, last == b"\n"


def _read_header(path: Path, encoding: str) -> tuple[str, list[str]]:
    with path.open("r", encoding=encoding, newline="") as fh:
        first = fh.readline()
    first = first.rstrip("\r\n")
    if not first.strip():
        raise FileUnreadable("empty file: no header line")
    delimiter = _sniff_delimiter(first)
    headers = next(csv.reader([first], delimiter=delimiter))
    return delimiter, headers


def _quote(value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _canonical_select(layout: _Layout) -> str:
    """Select list turning file columns c0..cN into the canonical columns plus the __fields map."""
    by_name = {name: i for i, name in layout.mapping.items()}
    cols = [
        f"c{by_name[f.name]} as {f.name}" if f.name in by_name else f"null::varchar as {f.name}"
        for f in F.FIELDS
    ]
    values = ", ".join(f"c{i}" for i in sorted(layout.mapping))
    return ", ".join(cols) + f", map($names, [{values}]) as __fields"


def _raw_expr(n_cols: int) -> str:
    """The record re-joined with its delimiter, quoted where needed: the raw text a person sees."""
    parts = ", ".join(
        f"case when regexp_matches(coalesce(c{i}, ''), $needs_quote)"
        f" then '\"' || replace(c{i}, '\"', '\"\"') || '\"' else coalesce(c{i}, '') end"
        for i in range(n_cols)
    )
    return f"concat_ws($delim, {parts})"


def _blank_expr(n_cols: int) -> str:
    return " and ".join(f"nullif(trim(c{i}), '') is null" for i in range(n_cols))


_READ_CSV = """
    read_csv($path, delim = $delim, quote = '"', escape = '"', header = false, skip = $skip,
             columns = $columns, auto_detect = false, null_padding = false, strict_mode = true,
             store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans',
             max_line_size = 20000000)
"""


def _stage_fast(
    con: duckdb.DuckDBPyConnection, path: Path, layout: _Layout, newlines: int, ends_nl: bool
) -> bool:
    """Stage a regular UTF-8 CSV straight through DuckDB; False when line numbers would not be exact."""
    n = len(layout.headers)
    con.execute("drop table if exists csv_rejects")
    con.execute("drop table if exists csv_reject_scans")
    con.execute(
        f"create or replace temp table stage_raw as select * from {_READ_CSV}",
        {
            "path": str(path),
            "delim": layout.delimiter,
            "skip": 1,
            "columns": {f"c{i}": "VARCHAR" for i in range(n)},
        },
    )
    good = con.execute("select count(*) from stage_raw").fetchone()[0]
    bad = con.execute("select count(distinct line) from csv_rejects").fetchone()[0]
    lines = newlines + (0 if ends_nl else 1)
    if good + bad + 1 != lines:
        return False  # blank lines or line breaks inside fields: line numbers need the careful path
    if bad:
        numbered = """
            with good_lines as (
                select l.range as line, row_number() over (order by l.range) - 1 as k
                from range(2, $lines + 1) as l
                where l.range not in (select line from csv_rejects)
            )
            select g.line::integer as __line, s.*
            from (select rowid as k, * from stage_raw) as s join good_lines as g using (k)
        """
    else:
        numbered = "select (rowid + 2)::integer as __line, * from stage_raw"
    con.execute(
        f"""
        create or replace temp table stage as
        select __line, null::varchar as __shape, {_canonical_select(layout)},
               ({_blank_expr(n)}) as __blank, {_raw_expr(n)} as __raw
        from ({numbered})
        """,
        _stage_params(layout) | ({"lines": lines} if bad else {}),
    )
    # Records DuckDB could not split into the header's columns: kept with their raw line.
    con.execute(
        """
        insert into stage (__line, __shape, __raw, __blank)
        select line,
               case when bool_or(error_type = 'TOO MANY COLUMNS') then 'too_many_fields'
                    when bool_or(error_type = 'MISSING COLUMNS') then 'too_few_fields'
                    else replace(lower(min(error_type)), ' ', '_') end,
               any_value(csv_line), false
        from csv_rejects group by line
        """
    )
    return True


def _stage_params(layout: _Layout) -> dict[str, object]:
    return {
        "names": [layout.mapping[i] for i in sorted(layout.mapping)],
        "delim": layout.delimiter,
        "needs_quote": "[" + ("\\t" if layout.delimiter == "\t" else layout.delimiter) + '"\\n\\r]',
    }


def _records_csv(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        start = 1
        for record in reader:
            yield start, record
            start = reader.line_num + 1


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            return value.isoformat(sep=" ")
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _records_xlsx(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # imported here: only .xlsx imports pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileUnreadable(f"not a readable .xlsx file ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in row]
    finally:
        book.close()


def _stage_careful(
    con: duckdb.DuckDBPyConnection,
    records: Iterable[tuple[int, list[str]]],
    layout: _Layout,
    tmpdir: Path,
) -> None:
    """Stage any records through a normalised temp CSV that carries each record's own line number."""
    n = len(layout.headers)
    out = tmpdir / "stage.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=",", lineterminator="\n")
        for line, record in records:
            if not record or all(not v.strip() for v in record):
                continue
            shape = None
            if len(record) != n:
                shape = "too_many_fields" if len(record) > n else "too_few_fields"
            raw = layout.delimiter.join(_quote(v, layout.delimiter) for v in record)
            padded = (record + [""] * n)[:n]
            writer.writerow([line, shape or "", raw, *padded])
    columns = {"__line": "INTEGER", "__shape": "VARCHAR", "__raw": "VARCHAR"} | {
        f"c{i}": "VARCHAR" for i in range(n)
    }
    con.execute(
        f"""
        create or replace temp table stage as
        select __line, nullif(__shape, '') as __shape, {_canonical_select(layout)},
               false as __blank, __raw
        from read_csv($path, delim = ',', quote = '"', escape = '"', header = false,
                      columns = $columns, auto_detect = false, strict_mode = true,
                      max_line_size = 20000000)
        """,
        {"names": _stage_params(layout)["names"], "path": str(out), "columns": columns},
    )


# ---------------------------------------------------------------------------------------------
# The import itself.
# ---------------------------------------------------------------------------------------------


def _check_path(path: Path) -> str:
    if not path.exists():
        raise FileUnreadable("no such file")
    if path.is_dir():
        raise FileUnreadable("is a folder, not a file")
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise FileUnreadable(f"cannot open: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if magic.startswith(ZIP_MAGIC):
        return "xlsx"
    if magic.startswith(OLE_MAGIC) or suffix == ".xls":
        raise FileUnreadable("old Excel .xls format: save the sheet as .xlsx or CSV")
    if suffix in XLSX_SUFFIXES:
        raise FileUnreadable("not a readable .xlsx file")
    if suffix not in TEXT_SUFFIXES:
        raise FileUnreadable(f"unsupported file type {suffix}: use .csv or .xlsx")
    if not magic:
        raise FileUnreadable("empty file: no header line")
    return "csv"


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> FileResult:
    """Import one file as one transaction; raises FileUnreadable (and writes nothing) when it cannot be read."""
    path = Path(path)
    report = progress or (lambda _f, _m: None)
    result = FileResult(path=str(path), name=name or path.name)
    kind = _check_path(path)
    with tempfile.TemporaryDirectory(prefix="commitboard-") as tmp:
        tmpdir = Path(tmp)
        if kind == "xlsx":
            digest = _sha256(path)
            records = _records_xlsx(path)
            header = next((r for r in records if any(v.strip() for v in r[1])), None)
            if header is None:
                raise FileUnreadable("empty sheet: no header row")
            layout = _layout([str(h) for h in header[1]], ",")
        else:
            digest, encoding, newlines, ends_nl = _detect_encoding(path, report)
            delimiter, headers = _read_header(path, encoding)
            layout = _layout(headers, delimiter)
            records = None
        result.ignored_columns = layout.ignored
        if con.execute("select 1 from imported_files where sha256 = ?", [digest]).fetchone():
            result.skipped = True
            report(1.0, "skipped")
            return result
        report(0.25, "validating")
        if kind == "xlsx":
            _stage_careful(con, records, layout, tmpdir)
        elif encoding != "utf-8-sig" or not _stage_fast(con, path, layout, newlines, ends_nl):
            recs = _records_csv(path, encoding, layout.delimiter)
            next(recs)  # the header
            _stage_careful(con, recs, layout, tmpdir)
        validate_stage(con, today)
        report(0.6, "writing")

        def write(c: duckdb.DuckDBPyConnection) -> None:
            file_id = c.execute("select nextval('file_id_seq')").fetchone()[0]
            inserted, updated, _ = write_validated(c, source="import", file_id=file_id)
            rejected = c.execute(
                """
                insert into rejects (file_id, line, raw, fields, reasons)
                select $file_id, line, raw, fields, reasons from validated
                where len(reasons) > 0 order by line
                """,
                {"file_id": file_id},
            ).fetchone()[0]
            bump_version(c)
            result.file_id = file_id
            result.accepted = inserted + updated
            result.updated = updated
            result.rejected = int(rejected)
            result.rows_read = result.accepted + result.rejected
            c.execute(
                "insert into imported_files values (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
                [
                    file_id,
                    str(path),
                    result.name,
                    digest,
                    result.rows_read,
                    result.accepted,
                    updated,
                    result.rejected,
                ],
            )

        transaction(con, write)
        con.execute("drop table if exists stage")
        con.execute("drop table if exists stage_raw")
        con.execute("drop table if exists validated")
    report(1.0, "done")
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def import_bytes(
    con: duckdb.DuckDBPyConnection, data: bytes, name: str, *, progress: Progress | None = None
) -> FileResult:
    """Import an uploaded file's bytes under its original name."""
    suffix = Path(name).suffix
    with tempfile.TemporaryDirectory(prefix="commitboard-upload-") as tmp:
        target = Path(tmp) / ("upload" + suffix)
        target.write_bytes(data)
        result = import_file(con, target, name=name, progress=progress)
    result.path = name
    return result


def rejects_frame(con: duckdb.DuckDBPyConnection, file_id: int | None = None):
    """Rejected rows with their file, line, raw text and reasons (newest file first)."""
    return con.execute(
        """
        select f.name as file, r.line, r.reasons, r.raw, r.fields, f.imported_at, r.file_id
        from rejects as r join imported_files as f on f.id = r.file_id
        where $file_id is null or r.file_id = $file_id
        order by f.imported_at desc, r.file_id desc, r.line
        """,
        {"file_id": file_id},
    ).df()


def write_rejects_csv(
    con: duckdb.DuckDBPyConnection,
    out: io.TextIOBase,
    file_id: int | None = None,
    lang: str = "en",
) -> int:
    """Write rejected rows as a CSV a person can fix in Excel and import again; returns rows written."""
    rows = con.execute(
        """
        select f.name, r.line, r.reasons, r.raw, r.fields
        from rejects as r join imported_files as f on f.id = r.file_id
        where $file_id is null or r.file_id = $file_id
        order by f.imported_at, r.file_id, r.line
        """,
        {"file_id": file_id},
    ).fetchall()
    writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    writer.writerow([*F.FIELD_NAMES, "_file", "_line", "_reasons", "_raw"])
    for name, line, reasons, raw, values in rows:
        values = values or {}
        writer.writerow(
            [values.get(f, "") or "" for f in F.FIELD_NAMES]
            + [
                name,
                line,
                "; ".join(reason_text(r, lang) for r in reasons),
                raw if not values else "",
            ]
        )
    return len(rows)
