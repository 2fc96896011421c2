"""Contact logs (CSV, XLSX) into DuckDB: every row validated in SQL, accepted or kept as a reject."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd

from kpi import crm, mapping, rollups
from kpi import fields as F
from kpi.db import bump_version, reserve, transaction
from kpi.reasons import FileUnreadable, row_reason_text

Progress = Callable[[float, str], None]

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ""}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (";", ",", "\t")
CHUNK = 1 << 24
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


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
    layout: str = "commitboard"  # or the CRM whose export it is (kpi.crm)
    # Rows that are no conversation with a customer (a call not answered, a meeting planned),
    # by kind: counted apart, never dropped; rows_read = accepted + rejected + not_contacts.
    not_contacts_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def not_contacts(self) -> int:
        return sum(self.not_contacts_by_kind.values())


# ---------------------------------------------------------------------------------------------
# Validation: one SQL statement over a staging table of raw text, shared by imports and the form.
# ---------------------------------------------------------------------------------------------


_ISO_DATE = "'\\d{4}-\\d{2}-\\d{2}'"
_DUTCH_DATE = "'\\d{2}-\\d{2}-\\d{4}|\\d{2}/\\d{2}/\\d{4}'"
_DUTCH_FORMATS = "['%d-%m-%Y', '%d/%m/%Y']"
_AMOUNT_OK = "'\\d+(\\.\\d{1,2})?'"


def _decimal_norm(d: str) -> str:
    """Cleaned amount text d normalised to 1234.56, or 'ambiguous', 'negative', 'bad'."""
    return (
        f"case when {d} is null then null"
        f" when regexp_full_match({d}, '\\d+([.,]\\d{{1,2}})?') then replace({d}, ',', '.')"
        f" when regexp_full_match({d}, '-.*') then 'negative'"
        f" when regexp_full_match({d}, '[1-9]\\d{{0,2}}[.,]\\d{{3}}') then 'ambiguous'"
        f" when regexp_full_match({d}, '\\d+[.,]\\d+') then replace({d}, ',', '.')"
        f" when regexp_full_match({d}, '\\d{{1,3}}(\\.\\d{{3}})+(,\\d+)?')"
        f" then replace(replace({d}, '.', ''), ',', '.')"
        f" when regexp_full_match({d}, '\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?') then replace({d}, ',', '')"
        " else 'bad' end"
    )


# Whether a value may start or end with WHITESPACE. A cheap test of its first character and its
# last bytes rather than a regular expression: run on every value of every column, a regular
# expression cost more than all the parsing. A control character other than tab, CR or LF also
# passes it (harmless: trim() then leaves the value as it is).
_EDGE_WS = (
    "(ascii({v}) <= 32 or ascii({v}) = 160"
    + "".join(f" or ends_with({{v}}, chr({ord(ch)}))" for ch in F.WHITESPACE)
    + ")"
)


def _trimmed(v: str) -> str:
    """Value v trimmed of WHITESPACE, null when nothing is left."""
    # trim() is costly on every value; most values have nothing to trim.
    return (
        f"case when {_EDGE_WS.format(v=v)} then nullif(trim({v}, $ws), '') else nullif({v}, '') end"
    )


# Kinds with a short list of spellings. A value that already is one (lower case, nothing to trim)
# is taken as it is; only other values are trimmed and lower-cased, inside the CASE, which DuckDB
# evaluates only for the rows that get that far.
_VOCABULARY = ("enum", "bool", "level")


def _build_validation_sql() -> str:
    # Layers, so each value is trimmed and cleaned once (DuckDB does not share work between the
    # branches of a CASE): t trims (all but _VOCABULARY kinds), c cleans and takes each
    # _VOCABULARY value that already is a spelling as it is (e_), w trims the others (only
    # those: a CASE evaluates its branch for the rows that get there), p parses, x gives each
    # reason, the last select types and lists the reasons. Each expression is written once:
    # planning this statement is most of a form save's validation (one row), and written out
    # where used it was 25k characters and 19 ms, now 16k and 11 ms. The work per row of a
    # large file stays the same.
    trimmed: list[str] = []
    cleaned: list[str] = []
    unparsed: list[str] = []
    parsed: list[str] = []
    typed: list[str] = []
    reasons: list[str] = []
    for f in F.FIELDS:
        c = f.name
        if f.kind in _VOCABULARY:
            trimmed.append(f"s.{c} as v_{c}")
            unparsed.append(f"case when e_{c} is null then {_trimmed(f'v_{c}')} end as w_{c}")
            # Where a value parsed as it is its trimmed value is never looked at: p_ holds.
            r = f"w_{c}"
        else:
            trimmed.append(f"{_trimmed(f's.{c}')} as r_{c}")
            r = f"r_{c}"
        if f.kind == "text":
            typed.append(f"r_{c} as {c}")
        elif f.kind == "date":
            # An ISO date is cast, which is faster than strptime and gives the same dates.
            parsed.append(
                f"case when regexp_full_match(r_{c}, {_ISO_DATE}) then try_cast(r_{c} as date)"
                f" when regexp_full_match(r_{c}, {_DUTCH_DATE})"
                f" then try_strptime(r_{c}, {_DUTCH_FORMATS})::date end as p_{c}"
            )
            typed.append(f"p_{c} as {c}")
            reasons.append(f"case when r_{c} is not null and p_{c} is null then 'bad_date:{c}' end")
        elif f.kind == "enum":
            spelling = f"map($enum_{f.enum}_k, $enum_{f.enum}_v)"
            cleaned.append(f"{spelling}[v_{c}] as e_{c}")
            parsed.append(f"coalesce(e_{c}, {spelling}[lower({r})]) as p_{c}")
            typed.append(f"p_{c} as {c}")
            reasons.append(f"case when p_{c} is null and {r} is not null then 'bad_enum:{c}' end")
        elif f.kind == "bool":
            cleaned.append(
                f"case when v_{c} in $bool_true then true when v_{c} in $bool_false then false"
                f" end as e_{c}"
            )
            parsed.append(
                f"coalesce(e_{c}, case when lower({r}) in $bool_true then true"
                f" when lower({r}) in $bool_false then false end) as p_{c}"
            )
            typed.append(f"coalesce(p_{c}, false) as {c}")
            reasons.append(f"case when p_{c} is null and {r} is not null then 'bad_bool:{c}' end")
        elif f.kind == "decimal":
            cleaned.append(
                f"nullif(replace(replace(replace(r_{c}, '€', ''), ' ', ''), chr(160), ''), '')"
                f" as d_{c}"
            )
            parsed.append(f"{_decimal_norm(f'd_{c}')} as p_{c}")
            typed.append(
                f"case when regexp_full_match(p_{c}, {_AMOUNT_OK})"
                f" then try_cast(p_{c} as decimal(18, 2)) end as {c}"
            )
            reasons.append(
                f"case when p_{c} = 'negative' then 'negative:{c}'"
                f" when p_{c} = 'ambiguous' then 'ambiguous_decimal:{c}'"
                f" when p_{c} = 'bad' then 'bad_decimal:{c}'"
                f" when r_{c} is not null and d_{c} is null then 'bad_decimal:{c}'"
                f" when p_{c} is not null and not regexp_full_match(p_{c}, {_AMOUNT_OK})"
                f" then 'too_many_decimals:{c}'"
                f" when p_{c} is not null and try_cast(p_{c} as decimal(18, 2)) is null"
                f" then 'bad_decimal:{c}' end"
            )
        elif f.kind == "level":
            # Empty is 0 in a file with the column; a file without it (a CRM's export) leaves
            # the level not recorded (DOMAIN.md).
            cleaned.append(
                f"case when strlen(v_{c}) = 1 and v_{c} between '0' and '4'"
                f" then v_{c}::tinyint end as e_{c}"
            )
            parsed.append(
                f"coalesce(e_{c}, case when {r} is null then if($has_level, 0, null)"
                f" when regexp_full_match({r}, '[0-4]') then {r}::tinyint end) as p_{c}"
            )
            typed.append(f"p_{c} as {c}")
            reasons.append(f"case when p_{c} is null and {r} is not null then 'bad_level:{c}' end")
        if f.required:
            missing = f"p_{c} is null and {r} is null" if f.kind in _VOCABULARY else f"{r} is null"
            reasons.append(f"case when {missing} then 'missing:{c}' end")
    reasons += [
        "case when p_contact_date > $today then 'future_date:contact_date' end",
        "case when p_commitment_level >= 1 and r_commitment is null then 'missing:commitment' end",
        "case when p_commitment_level = 0 and p_commitment_status is not null"
        " then 'status_without_commitment:commitment_status' end",
    ]
    xs = [f"x_{i}" for i in range(len(reasons))]  # each reason, named once
    return f"""
    create or replace temp table validated as
    with t as (
        select s.__line, s.__raw, s.__shape, s.__kind, {", ".join(trimmed)}
        from (<source>) as s
    ),
    c as (select *, {", ".join(cleaned)} from t),
    w as (select *, {", ".join(unparsed)} from c),
    p as (select *, {", ".join(parsed)} from w),
    x as (select *, {", ".join(f"{r} as x_{i}" for i, r in enumerate(reasons))} from p)
    select __line as line, __raw as raw,
        {", ".join(typed)},
        case when __shape is null then __kind end as not_contact,
        -- null for a row that is not a contact: neither accepted nor rejected
        case when __shape is not null then ['bad_shape:' || __shape]
             when __kind is not null then null
             -- most rows break no rule: skip building a list for them
             when coalesce({", ".join(xs)}) is null then []::varchar[]
             else list_filter([{", ".join(xs)}], r -> r is not null) end as reasons
    from x
    """


_VALIDATION_TEMPLATE = _build_validation_sql()


def _validation_params(today: dt.date) -> dict[str, object]:
    params: dict[str, object] = {
        "has_level": True,
        "bool_true": list(F.BOOL_TRUE),
        "bool_false": list(F.BOOL_FALSE),
        "today": today,
        "ws": F.WHITESPACE,
    }
    for name in F.ENUMS:
        aliases = F.enum_aliases(name)
        params[f"enum_{name}_k"] = list(aliases)
        params[f"enum_{name}_v"] = list(aliases.values())
    return params


def validate(
    con: duckdb.DuckDBPyConnection,
    source: str = "select * from stage",
    params: dict[str, object] | None = None,
    today: dt.date | None = None,
) -> None:
    """Validate `source` into temp table `validated`: typed values and every reason per row.

    The source gives raw text per canonical column plus __line, __raw, __shape (a CSV
    structure problem) and __kind (the kind of a row that is not a contact, which then has no
    reasons: null). Contact ids repeated within the source are rejected, all of them. Parameter
    has_level false: the source has no commitment_level column (levels not recorded).
    """
    con.execute(
        _VALIDATION_TEMPLATE.replace("<source>", source),
        _validation_params(today or dt.date.today()) | (params or {}),
    )
    con.execute(
        """
        update validated set reasons = list_append(reasons, 'duplicate_id:contact_id')
        where reasons is not null and contact_id in (
            select contact_id from validated where contact_id is not null and reasons is not null
            group by contact_id having count(*) > 1)
        """
    )


# Columns written to contacts from `validated`, in one place for insert and update.
_INSERT_COLS = ", ".join(F.FIELD_NAMES)
_STATUS = "case when {v}commitment_level >= 1 then coalesce({v}commitment_status, 'open') end"
_SELECT_COLS = ", ".join(
    _STATUS.format(v="") if c == "commitment_status" else c for c in F.FIELD_NAMES
)


def update_set(columns: Iterable[str] = F.FIELD_NAMES) -> str:
    """The SET list that updates a contact from `validated` (as v) with the given columns, and
    only those: an upsert changes only the columns its file has (DOMAIN.md), so next week's
    CRM export never erases a level, commitment or answer a rep recorded meanwhile. The
    status follows the level as on insert, from the file's status or else the one stored."""
    have = set(columns)
    sets = [f"{c} = v.{c}" for c in F.FIELD_NAMES if c in have and c != "contact_id"]
    if "commitment_level" in have or "commitment_status" in have:
        level = "v." if "commitment_level" in have else "contacts."
        status = "v." if "commitment_status" in have else "contacts."
        sets = [s for s in sets if not s.startswith("commitment_status ")]
        sets.append(
            f"commitment_status = case when {level}commitment_level >= 1"
            f" then coalesce({status}commitment_status, 'open') end"
        )
    return ", ".join(sets)


UPDATE_SET = update_set()
# The matching key of a rep or account: trimmed and case-folded. trim() is slow (it looks up each
# character's Unicode class), and a validated value is already trimmed of WHITESPACE: for plain
# ASCII (as many bytes as characters) there is nothing left for trim() to take off.
_KEY = "lower(case when strlen({v}) = length({v}) then {v} else trim({v}) end)"


# The contacts an import's accepted rows replace (write_validated updates them by contact_id).
_REPLACED = (
    "contact_id in (select contact_id from validated"
    " where len(reasons) = 0 and contact_id is not null)"
)


def write_validated(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    file_id: int | None,
    columns: Iterable[str] = F.FIELD_NAMES,
) -> tuple[int, int, int]:
    """Write the accepted rows of `validated` to contacts: (inserted, updated, base); a new
    row's id is base + its line (so the first line's is the first number reserved).
    A contact the file updates changes only in `columns`, the ones the file has."""
    params = {"source": source, "file_id": file_id}
    # Matching on contact_id costs a join over the whole file; skip it when it cannot match.
    # The file's side first: a form's contact rarely has an id, and on a lake the contacts'
    # side costs 15 ms more per save.
    may_match = (
        con.execute(
            "select exists (select 1 from validated where contact_id is not null)"
        ).fetchone()[0]
        and con.execute(
            "select exists (select 1 from contacts where contact_id is not null)"
        ).fetchone()[0]
    )
    updated = 0
    new_only = ""
    if may_match:
        updated = con.execute(
            f"""
            update contacts set {update_set(columns)},
                rep_key = {_KEY.format(v="v.rep")}, account_key = {_KEY.format(v="v.account")},
                source = $source, file_id = $file_id, line = v.line, updated_at = current_timestamp
            from validated as v
            where len(v.reasons) = 0 and v.contact_id is not null
              and contacts.contact_id = v.contact_id
            """,
            params,
        ).fetchone()[0]
        new_only = (
            "and (v.contact_id is null or v.contact_id not in ("
            "select contact_id from contacts where contact_id is not null))"
        )
    # A number for each line of the file, rejected and updated rows too (a gap in the ids costs
    # nothing): a row's id is the base plus its line, which is unique within a file (a record
    # over several lines has its first one). No window function: row_number() over () on a
    # few rows sometimes breaks DuckDB 1.5.5 (kpi.training._NO_WINDOW_COUNT).
    first, last = con.execute("select min(line), max(line) from validated").fetchone()
    if first is None:
        return 0, int(updated), 0
    base = reserve(con, "contact_id", last - first + 1) - first + 1
    inserted = con.execute(
        f"""
        insert into contacts (id, {_INSERT_COLS}, rep_key, account_key, source, file_id, line)
        select $base + line, {_SELECT_COLS}, {_KEY.format(v="rep")},
            {_KEY.format(v="account")}, $source, $file_id, line
        from validated as v
        where len(v.reasons) = 0 {new_only}
        """,
        params | {"base": base},
    ).fetchone()[0]
    return int(inserted), int(updated), base


# ---------------------------------------------------------------------------------------------
# Reading files.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Layout:
    delimiter: str
    headers: list[str]  # as found in the file
    mapping: dict[int, str]  # file column index -> canonical field
    ignored: list[str]
    crm: crm.Match | None = None  # a CRM's export (then mapping is empty)

    @property
    def name(self) -> str:
        return self.crm.name if self.crm else "commitboard"

    def fields(self) -> set[str]:
        """The canonical columns the file gives (an upsert changes only these)."""
        return self.crm.fields() if self.crm else set(self.mapping.values())


def sniff_delimiter(header_line: str) -> str:
    counts = {d: 0 for d in DELIMITERS}
    in_quotes = False
    for ch in header_line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best


def read_layout(
    headers: list[str],
    delimiter: str,
    saved: Sequence[crm.CrmLayout] = (),
    forced: bool = False,
) -> _Layout:
    """How the import reads a file with these headers: a known CRM's export, a saved mapping's
    layout (kpi.mapping; `forced`: saved[0], named on the command line), or our own columns."""
    known = crm.recognise(headers, saved, forced)
    if known is not None:
        return _Layout(delimiter, headers, {}, known.ignored, known)
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
                "column_twice", column=name, first=seen[name], second=header.strip()
            )
        seen[name] = header.strip()
        mapping[i] = name
    missing = [n for n in F.REQUIRED if n not in seen]
    if missing:
        wanted = ", ".join(f"{n} ({F.BY_NAME[n].nl})" if F.BY_NAME[n].nl else n for n in missing)
        raise FileUnreadable("missing_columns", columns=wanted)
    return _Layout(delimiter, headers, mapping, ignored)


def _detect_encoding(path: Path) -> tuple[str, str, int, bool]:
    """One pass over the file: (sha256, encoding, newline count, ends with newline).

    Runs on a thread of its own (see _import), so it reports no progress.
    """
    digest = hashlib.sha256()
    newlines = 0
    last = b""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    head = b""
    nul_line = None
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if not head:
                head = chunk[:4096]
            digest.update(chunk)
            if nul_line is None and b"\x00" in chunk:
                nul_line = newlines + chunk.count(b"\n", 0, chunk.index(b"\x00")) + 1
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
            # Plain ASCII needs no decoding, unless a character was split across chunks.
            if is_utf8 and not (chunk.isascii() and not utf8.getstate()[0]):
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A BOM promises UTF-16; a cut or damaged file breaks that promise only further on.
        utf16 = codecs.getincrementaldecoder("utf-16")()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(CHUNK):
                    utf16.decode(chunk)
            utf16.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FileUnreadable("utf16_damaged") from None
        encoding = "utf-16"
    elif nul_line is not None:
        raise FileUnreadable("binary", line=nul_line)
    elif is_utf8:
        encoding = "utf-8-sig"
    else:
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(CHUNK):
                    chunk.decode("cp1252")
        except UnicodeDecodeError:
            raise FileUnreadable("undecodable") from None
        encoding = "cp1252"
    return digest.hexdigest(), encoding, newlines, last == b"\n"


def _read_header(path: Path, encoding: str) -> tuple[str, list[str]]:
    with path.open("r", encoding=encoding, newline="") as fh:
        first = fh.readline()
    first = first.rstrip("\r\n")
    if not first.strip():
        raise FileUnreadable("empty_file")
    delimiter = sniff_delimiter(first)
    headers = next(csv.reader([first], delimiter=delimiter))
    return delimiter, headers


def _quote(value: str, delimiter: str) -> str:
    if any(ch in value for ch in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


_NULL = "null::varchar"  # a canonical column the layout does not give


def _layout_params(con: duckdb.DuckDBPyConnection, layout: _Layout) -> dict[str, object]:
    """What validating a file of this layout binds beyond the file: whether it has levels at
    all, and a CRM layout's vocabularies and roster names."""
    has_level = "commitment_level" in layout.fields()
    return {"has_level": has_level} | (crm.params(con, layout.crm) if layout.crm else {})


def _with_date_order(
    con: duckdb.DuckDBPyConnection, layout: _Layout, reader: str, params: dict[str, object]
) -> _Layout:
    """The layout with its locale dates' order as the file's dates tell it (kpi.crm)."""
    sql = crm.date_order_sql(layout.crm, reader) if layout.crm is not None else None
    if sql is None:
        return layout
    month_first = bool(con.execute(sql, params).fetchone()[0])
    return replace(layout, crm=replace(layout.crm, month_first=month_first))


def _source(
    layout: _Layout, reader: str, line: str, raw: str, shape: str, bound: Iterable[str] = ()
) -> str:
    """A select over `reader` giving the canonical columns (and __kind) from file columns
    c0..cN; `bound` names the _layout_params() given."""
    if layout.crm is not None:
        exprs = crm.select_list(layout.crm, set(bound))
        cols = ", ".join(f"{exprs.get(f.name) or _NULL} as {f.name}" for f in F.FIELDS)
        cols += f", {exprs['__kind']} as __kind"
    else:
        by_name = {name: i for i, name in layout.mapping.items()}
        cols = ", ".join(
            f"c{by_name[f.name]} as {f.name}" if f.name in by_name else f"null::varchar as {f.name}"
            for f in F.FIELDS
        )
        cols += ", null::varchar as __kind"
    # DuckDB reads an empty field as null: a row of only delimiters is skipped like a blank line.
    every = ", ".join(f"c{i}" for i in range(len(layout.headers)))
    return (
        f"select {line} as __line, {raw} as __raw, {shape} as __shape, {cols}"
        f" from {reader} where coalesce({every}) is not null"
    )


# The longest line a contact can come from: 20 million characters (a long note pasted into a
# cell). A longer line is one reject that keeps the first TOO_LONG_KEPT characters (what an
# Excel cell holds), and the rest of the file goes in.
LINE_LIMIT = 20_000_000
TOO_LONG_KEPT = 32_000
# DuckDB reads UTF-8 files straight with lines up to LINE_LIMIT bytes. The buffer size is given
# as well: with only max_line_size raised, DuckDB 1.5 cuts the file into batches that make it
# write the imported rows to disk twice, the second time single-threaded when the database is
# closed (0.6 s for 1M rows, measured). A file it cannot read so goes the careful way, staged
# with line, raw text and fields in one row: that reader allows twice the length.
_CSV_SIZES = f"max_line_size = {LINE_LIMIT}, buffer_size = {LINE_LIMIT * 8 // 5}"
_STAGE_SIZES = f"max_line_size = {2 * LINE_LIMIT + 1_000_000}, buffer_size = {LINE_LIMIT * 16 // 5}"
# Python's csv module (the careful way) refuses fields over 128 kB unless told otherwise.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
_READ_FILE = f"""
    read_csv($path, delim = $delim, quote = '"', escape = '"', header = false, skip = 1,
             columns = $columns, auto_detect = false, null_padding = false, strict_mode = true,
             store_rejects = true, {_CSV_SIZES})
"""


def _read_file_params(path: Path, layout: _Layout) -> dict[str, object]:
    return {
        "path": str(path),
        "delim": layout.delimiter,
        "columns": {f"c{i}": "VARCHAR" for i in range(len(layout.headers))},
    }


def _utf8_layout(path: Path, saved: Sequence[crm.CrmLayout], forced: bool) -> _Layout | None:
    """The file's layout when its header reads as UTF-8 and names the required columns, else None
    (_import reads it again once the encoding is known, and reports any problem then)."""
    try:
        delimiter, headers = _read_header(path, "utf-8-sig")
        return read_layout(headers, delimiter, saved, forced)
    except (UnicodeDecodeError, FileUnreadable):
        return None


def _validate_fast(
    con: duckdb.DuckDBPyConnection, path: Path, layout: _Layout, today: dt.date | None
) -> bool:
    """Validate a CSV as UTF-8 straight from the file, in parallel, into `validated`.

    Runs before the encoding and line count are known; _number_lines decides afterwards whether
    the result can be used. False, with nothing kept, when DuckDB cannot read the file so.
    """
    try:
        layout = _with_date_order(con, layout, _READ_FILE, _read_file_params(path, layout))
        extra = _layout_params(con, layout)
        validate(
            con,
            _source(layout, _READ_FILE, "null::integer", "null::varchar", "null::varchar", extra),
            _read_file_params(path, layout) | extra,
            today,
        )
    except duckdb.Error:  # not a CSV DuckDB can read as UTF-8: the careful path decides
        con.execute("drop table if exists validated")
        return False
    return True


def _number_lines(con: duckdb.DuckDBPyConnection, path: Path, layout: _Layout, lines: int) -> bool:
    """Give each record in `validated` its line, k + 2 for record k, when every record is one
    well-formed physical line; otherwise drop `validated` and return False (the careful path
    takes over)."""
    n = len(layout.headers)
    params = _read_file_params(path, layout)
    # Blank lines and line breaks inside quotes make records and lines disagree; DuckDB skips
    # blank lines and reports malformed ones in reject_errors.
    records = con.execute("select count(*) from validated").fetchone()[0]
    malformed = con.execute("select count(*) from reject_errors").fetchone()[0]
    all_blank = 0
    if records + 1 != lines and not malformed:
        # Rows of only delimiters are skipped like blank lines but are still physical lines.
        every = ", ".join(f"c{i}" for i in range(n))
        all_blank = con.execute(
            f"select count(*) from {_READ_FILE} where coalesce({every}) is null", params
        ).fetchone()[0]
    if malformed or records + all_blank + 1 != lines or all_blank:
        con.execute("drop table validated")
        return False
    con.execute("update validated set line = rowid + 2")
    return True


class _Broken(list):
    """A record the CSV parser could not split: one item, the raw text; .shape says why."""

    shape = "unterminated_quote"


def _records_csv(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first line, fields) per record; an unterminated quote swallows the rest of the file, so
    that rest comes back as one _Broken record (kept whole as a reject, never guessed apart)."""
    with path.open("r", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        start = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                rest = _raw_lines_from(path, encoding, start)
                yield start, _Broken([rest])
                return
            yield start, record
            start = reader.line_num + 1


def _raw_lines_from(path: Path, encoding: str, first: int) -> str:
    with path.open("r", encoding=encoding, newline="") as fh:
        return "".join(text for number, text in enumerate(fh, start=1) if number >= first)


def cell_text(value: object) -> str:
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
        raise FileUnreadable("broken_xlsx", error=type(exc).__name__) from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in row]
    finally:
        book.close()


def _validate_careful(
    con: duckdb.DuckDBPyConnection,
    records: Iterable[tuple[int, list[str]]],
    layout: _Layout,
    tmpdir: Path,
    today: dt.date | None,
) -> None:
    """Validate any records through a normalised temp CSV carrying each record's own line."""
    n = len(layout.headers)
    out = tmpdir / "stage.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=",", lineterminator="\n")
        for line, record in records:
            if not record or not any(record):
                continue
            if layout.crm is not None and layout.crm.is_footer(record):
                continue  # a report's totals and notices: no data
            if isinstance(record, _Broken):
                writer.writerow([line, record.shape, _kept(record[0]), *([""] * n)])
                continue
            raw = layout.delimiter.join(_quote(v, layout.delimiter) for v in record)
            if len(raw) > LINE_LIMIT:
                writer.writerow([line, "too_long", _kept(raw), *([""] * n)])
            elif len(record) == n:
                writer.writerow([line, "", raw, *record])
            else:  # a structure problem: only the raw text is kept
                shape = "too_many_fields" if len(record) > n else "too_few_fields"
                writer.writerow([line, shape, raw, *([""] * n)])
    columns = {"__l": "INTEGER", "__s": "VARCHAR", "__r": "VARCHAR"} | {
        f"c{i}": "VARCHAR" for i in range(n)
    }
    reader = f"""read_csv($path, delim = ',', quote = '"', escape = '"', header = false,
                          columns = $columns, auto_detect = false, strict_mode = true,
                          {_STAGE_SIZES})"""
    layout = _with_date_order(con, layout, reader, {"path": str(out), "columns": columns})
    extra = _layout_params(con, layout)
    source = _source(layout, reader, "__l", "__r", "nullif(__s, '')", extra)
    # Structure-problem rows are all empty fields; keep them anyway (they are rejects).
    source = source.replace(" where coalesce(", " where __s is not null or coalesce(")
    validate(con, source, {"path": str(out), "columns": columns} | extra, today)


def validate_records(
    con: duckdb.DuckDBPyConnection,
    records: Iterable[tuple[int, list[str]]],
    layout: _Layout,
    tmpdir: Path,
    today: dt.date | None = None,
) -> None:
    """Validate (line, fields) records of a file with this layout into temp table `validated`,
    writing nothing: the Import page's preview of a mapping on a file's first rows."""
    _validate_careful(con, records, layout, tmpdir, today)


def _kept(raw: str) -> str:
    """The raw text a reject keeps: all of it, unless the line is over LINE_LIMIT."""
    return raw if len(raw) <= LINE_LIMIT else raw[:TOO_LONG_KEPT] + " …"


def _raw_lines(path: Path, encoding: str, wanted: set[int]) -> dict[int, str]:
    """The physical lines with the given numbers (1-based), read in one pass."""
    found: dict[int, str] = {}
    last = max(wanted, default=0)
    with path.open("r", encoding=encoding, newline="") as fh:
        for number, text in enumerate(fh, start=1):
            if number in wanted:
                found[number] = text.rstrip("\r\n")
            if number >= last:
                break
    return found


def _write_rejects(
    con: duckdb.DuckDBPyConnection,
    file_id: int,
    layout: _Layout,
    raw_of: Callable[[set[int]], dict[int, str]] | None,
) -> int:
    """Keep every rejected row of `validated` with its line, raw text, fields and reasons."""
    rows = con.execute(
        "select line, raw, reasons from validated where len(reasons) > 0 order by line"
    ).fetchall()
    if not rows:
        return 0
    if raw_of is not None:
        texts = raw_of({line for line, _, _ in rows})
        rows = [(line, texts.get(line, ""), reasons) for line, _, reasons in rows]
    names = [layout.mapping.get(i) for i in range(len(layout.headers))]
    records = []
    for line, raw, reasons in rows:
        keys: list[str] = []
        values: list[str] = []
        if not reasons[0].startswith("bad_shape:"):
            fields = next(csv.reader([raw or ""], delimiter=layout.delimiter), [])
            for name, value in zip(names, fields, strict=False):
                if name:
                    keys.append(name)
                    values.append(value)
        records.append((file_id, line, raw, keys, values, reasons))
    base = reserve(con, "reject_id", len(records))
    records = [(base + n, *record) for n, record in enumerate(records, start=1)]
    frame = pd.DataFrame(records, columns=["id", "file_id", "line", "raw", "k", "v", "reasons"])
    con.register("rejects_in", frame)
    try:
        con.execute(
            """
            insert into rejects (id, file_id, line, raw, fields, reasons)
            select id, file_id, line, raw, map(k, v), reasons from rejects_in
            """
        )
    finally:
        con.unregister("rejects_in")
    return len(records)


def _check_path(path: Path) -> str:
    if not path.exists():
        raise FileUnreadable("no_such_file")
    if path.is_dir():
        raise FileUnreadable("is_folder")
    try:
        with path.open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise FileUnreadable("cannot_open", error=exc.strerror or str(exc)) from None
    suffix = path.suffix.lower()
    if magic.startswith(ZIP_MAGIC):
        return "xlsx"
    if magic.startswith(OLE_MAGIC) or suffix == ".xls":
        raise FileUnreadable("old_xls")
    if suffix in XLSX_SUFFIXES:
        raise FileUnreadable("not_xlsx")
    if suffix not in TEXT_SUFFIXES:
        raise FileUnreadable("unsupported_type", suffix=suffix)
    if not magic:
        raise FileUnreadable("empty_file")
    return "csv"


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike[str],
    *,
    name: str | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    mapping_name: str | None = None,
) -> FileResult:
    """Import one file as one transaction; with `mapping_name`, read with that saved mapping.

    Raises FileUnreadable, having written nothing, when the file cannot be read at all.
    """
    path = Path(path)
    report = progress or (lambda _f, _m: None)
    result = FileResult(path=str(path), name=name or path.name)
    kind = _check_path(path)
    cur = con.cursor()  # temp tables stay private to this import
    try:
        saved = mapping.layouts_for_import(cur, mapping_name)
        with tempfile.TemporaryDirectory(prefix="commitboard-") as tmp:
            _import(cur, path, kind, Path(tmp), result, report, today, saved)
    finally:
        cur.execute("drop table if exists validated")
        cur.close()
    report(1.0, "skipped" if result.skipped else "done")
    return result


def _import(
    cur: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    tmpdir: Path,
    result: FileResult,
    report: Progress,
    today: dt.date | None,
    saved: tuple[list[crm.CrmLayout], bool] = ([], False),
) -> None:
    """import_file's work on the import's own cursor, filling in `result`; `saved`: the saved
    mappings' layouts and whether the first is forced (kpi.mapping.layouts_for_import)."""
    raw_of = None
    report(0.0, "reading")
    if kind == "xlsx":
        digest = _sha256(path)
        records = _records_xlsx(path)
        header = next((r for r in records if any(v.strip() for v in r[1])), None)
        if header is None:
            raise FileUnreadable("empty_sheet")
        layout = read_layout([str(h) for h in header[1]], ",", *saved)
    else:
        # The pass over the file in Python (hash, encoding, line count) runs on a thread while
        # DuckDB already validates the file as UTF-8, the usual case: hashlib and DuckDB both
        # release the GIL, and the file is read twice from the page cache. A file then found to
        # be imported before, not UTF-8 or irregular throws that validation away.
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(_detect_encoding, path)
            early = _utf8_layout(path, *saved)
            fast = early is not None and _validate_fast(cur, path, early, today)
            digest, encoding, newlines, ends_nl = scan.result()
        delimiter, headers = _read_header(path, encoding)
        layout = read_layout(headers, delimiter, *saved)
    result.ignored_columns = layout.ignored
    result.layout = layout.name
    if cur.execute("select 1 from imported_files where sha256 = ?", [digest]).fetchone():
        result.skipped = True
        return
    report(0.25, "validating")
    if kind == "xlsx":
        _validate_careful(cur, records, layout, tmpdir, today)
    else:
        lines = newlines + (0 if ends_nl else 1)
        fast = fast and encoding == "utf-8-sig" and _number_lines(cur, path, layout, lines)
        if fast:
            raw_of = lambda wanted: _raw_lines(path, encoding, wanted)  # noqa: E731
        else:
            recs = _records_csv(path, encoding, layout.delimiter)
            next(recs)  # the header
            _validate_careful(cur, recs, layout, tmpdir, today)
    report(0.6, "writing")

    def write(c: duckdb.DuckDBPyConnection) -> None:
        file_id = reserve(c, "file_id", 1) + 1
        # The rollups change with the rows, in this transaction: by the rows the file replaces
        # (their old values) and by every row it writes, all of which carry its file_id.
        change = rollups.BulkChange(c, _REPLACED)
        inserted, updated, _ = write_validated(
            c, source="import", file_id=file_id, columns=layout.fields()
        )
        change.done("file_id = $file_id", {"file_id": file_id})
        rejected = _write_rejects(c, file_id, layout, raw_of)
        result.file_id = file_id
        result.accepted = inserted + updated
        result.updated = updated
        result.rejected = rejected
        result.not_contacts_by_kind = dict(
            c.execute(
                "select not_contact, count(*) from validated where not_contact is not null"
                " group by all order by all"
            ).fetchall()
        )
        result.rows_read = result.accepted + result.rejected + result.not_contacts
        c.execute(
            "insert into imported_files (id, path, name, sha256, rows_read, accepted, updated,"
            " rejected, not_contacts) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                file_id,
                str(path),
                result.name,
                digest,
                result.rows_read,
                result.accepted,
                updated,
                result.rejected,
                result.not_contacts,
            ],
        )
        bump_version(c)

    with rollups.WRITES:  # no form save can come between (and conflict on the rollups)
        transaction(cur, write)


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


def csv_delimiter(lang: str) -> str:
    """The field separator of the CSV files we write for people: what their Excel splits on."""
    return ";" if lang == "nl" else ","


def write_rejects_csv(
    con: duckdb.DuckDBPyConnection,
    out: io.TextIOBase,
    file_id: int | None = None,
    lang: str = "en",
) -> int:
    """Write rejected rows as a CSV a person can fix in Excel and import again; returns rows
    written. In Dutch the fields are separated by semicolons, which Dutch Excel splits on (it
    reads a comma file as one column); the import reads either."""
    rows = con.execute(
        """
        select f.name, r.line, r.reasons, r.raw, r.fields
        from rejects as r join imported_files as f on f.id = r.file_id
        where $file_id is null or r.file_id = $file_id
        order by f.imported_at, r.file_id, r.line
        """,
        {"file_id": file_id},
    ).fetchall()
    writer = csv.writer(out, delimiter=csv_delimiter(lang), lineterminator="\r\n")
    writer.writerow([*F.FIELD_NAMES, "_file", "_line", "_reasons", "_raw"])
    for name, line, reasons, raw, values in rows:
        values = values or {}
        writer.writerow(
            [values.get(f, "") or "" for f in F.FIELD_NAMES]
            + [
                name,
                line,
                "; ".join(row_reason_text(r, lang) for r in reasons),
                raw if not values else "",
            ]
        )
    return len(rows)
