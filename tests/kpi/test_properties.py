"""Property-based tests of the parsers: they never crash and accept exactly the documented forms."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import db, fields
from kpi.ingest import validate

TODAY = dt.date(2026, 6, 30)
BASE = {"contact_date": "2026-03-31", "rep": "a", "account": "b", "channel": "phone"}
SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def con():
    connection = db.connect(":memory:")
    yield connection
    connection.close()


def parse(con, column: str, values: list[str | None]) -> list[tuple[object, list[str]]]:
    """Each value in `column` of an otherwise valid row: (stored value, reasons)."""
    cur = con.cursor()
    cols = ", ".join(f"{name} varchar" for name in fields.FIELD_NAMES)
    cur.execute(
        f"create or replace temp table stage (__line integer, __shape varchar, __raw varchar, __kind varchar, {cols})"
    )
    rows = []
    for i, value in enumerate(values):
        row = {**BASE, column: value}
        rows.append([i, None, None, None, *[row.get(name) for name in fields.FIELD_NAMES]])
    placeholders = ", ".join("?" for _ in range(4 + len(fields.FIELD_NAMES)))
    cur.executemany(f"insert into stage values ({placeholders})", rows)
    validate(cur, today=TODAY)
    out = cur.execute(f"select {column}, reasons from validated order by line").fetchall()
    cur.close()
    return out


text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)


@SETTINGS
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    st.sampled_from(["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]),
)
def test_documented_dates_are_accepted(con, day, form):
    [(value, reasons)] = parse(
        con, "contact_date", [day.strftime(form) if day.year >= 1000 else day.isoformat()]
    )
    assert reasons == [] and value == day


DATE_FORMS = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}-\d{2}-\d{4}|\d{2}/\d{2}/\d{4}")


@SETTINGS
@given(st.lists(text, min_size=1, max_size=20))
def test_any_text_as_date_is_parsed_or_rejected_never_guessed(con, values):
    for raw, (value, reasons) in zip(values, parse(con, "commitment_due", values), strict=True):
        if raw.strip(fields.WHITESPACE) == "":
            assert value is None and reasons == []
        elif reasons:
            assert reasons == ["bad_date:commitment_due"]
        else:
            assert DATE_FORMS.fullmatch(raw.strip(fields.WHITESPACE)), raw


@SETTINGS
@given(
    st.decimals(
        min_value=0,
        max_value=Decimal("9999999999"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_documented_amount_forms_are_accepted(con, amount):
    plain = f"{amount:.2f}"
    integer, cents = plain.split(".")
    grouped = f"{int(integer):,}"
    forms = [
        plain,
        plain.replace(".", ","),
        grouped.replace(",", ".") + "," + cents,
        grouped + "." + cents,
        "€ " + plain,
    ]
    for form, (value, reasons) in zip(forms, parse(con, "revenue", forms), strict=True):
        assert reasons == [], form
        assert value == amount, form


AMOUNT = re.compile(r"\d+([.,]\d{1,2})?|\d{1,3}(\.\d{3})+(,\d{1,2})?|\d{1,3}(,\d{3})+(\.\d{1,2})?")


@SETTINGS
@given(
    st.lists(
        st.one_of(text, st.from_regex(r"-?[€ ]?[0-9.,]{1,12}", fullmatch=True)),
        min_size=1,
        max_size=20,
    )
)
def test_any_text_as_amount_is_parsed_or_rejected(con, values):
    for raw, (value, reasons) in zip(values, parse(con, "quote_amount", values), strict=True):
        cleaned = raw.replace("€", "").replace(" ", "").replace("\xa0", "").strip()
        if cleaned == "" and raw.strip(fields.WHITESPACE) == "":
            assert value is None and reasons == []
        elif reasons:
            assert len(reasons) == 1 and reasons[0].endswith(":quote_amount")
            assert value is None
        else:
            assert AMOUNT.fullmatch(cleaned), raw
            assert value is not None and value >= 0


@SETTINGS
@given(
    st.lists(
        st.one_of(text, st.sampled_from(fields.BOOL_TRUE + fields.BOOL_FALSE)),
        min_size=1,
        max_size=20,
    )
)
def test_booleans(con, values):
    for raw, (value, reasons) in zip(values, parse(con, "quote_sent", values), strict=True):
        key = raw.strip(fields.WHITESPACE).lower()
        if key == "":
            assert (value, reasons) == (False, [])
        elif raw.strip(fields.WHITESPACE).lower() in fields.BOOL_TRUE:
            assert (value, reasons) == (True, [])
        elif raw.strip(fields.WHITESPACE).lower() in fields.BOOL_FALSE:
            assert (value, reasons) == (False, [])
        else:
            assert reasons == ["bad_bool:quote_sent"]


ALIASES = fields.enum_aliases("channel")


@SETTINGS
@given(
    st.lists(
        st.one_of(
            text,
            st.sampled_from(list(ALIASES)).map(lambda a: a.upper()),
            st.sampled_from(list(ALIASES)).map(lambda a: f"  {a} "),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_enums(con, values):
    for raw, (value, reasons) in zip(values, parse(con, "channel", values), strict=True):
        key = raw.strip(fields.WHITESPACE).lower()
        if key == "":
            assert reasons == ["missing:channel"]
        elif key in ALIASES:
            assert (value, reasons) == (ALIASES[key], [])
        else:
            assert reasons == ["bad_enum:channel"]


@SETTINGS
@given(
    st.lists(st.one_of(text, st.sampled_from(list(fields.HEADER_ALIASES))), min_size=1, max_size=8)
)
def test_headers_map_exactly_the_documented_names(headers):
    for header in headers:
        name = fields.canonical_header(header)
        if header.strip(fields.WHITESPACE).lower() in fields.HEADER_ALIASES:
            assert name == fields.HEADER_ALIASES[header.strip(fields.WHITESPACE).lower()]
        else:
            assert name is None
        assert (
            fields.canonical_header(f"  {header.upper()} ") == name
            or header.upper().casefold() != header.casefold()
        )


# Every character trim() might treat specially, and then some: ASCII, Latin-1, the Unicode
# spaces, zero-width and ideographic characters.
_EDGES = [chr(c) for c in (*range(0, 256), 0x1680, *range(0x2000, 0x2010), 0x2028, 0x2029)]
_EDGES += [chr(c) for c in (0x202F, 0x205F, 0x3000, 0xFEFF, 0x4E00)]


# Without lone surrogates: no text reaches DuckDB with one (a file is decoded, a browser sends
# UTF-8), and DuckDB cannot take one as a parameter (hypothesis found '\ud800', a test failure
# that said nothing of has_text).
_TEXT = st.text(st.sampled_from(_EDGES) | st.characters(exclude_categories=("Cs",)), max_size=6)


@SETTINGS
@given(st.lists(_TEXT, max_size=40))
def test_has_text_says_what_trim_says(con, texts):
    """kpi.fields.has_text skips trim() for most values; it must never answer otherwise."""
    values = [*texts, "", None, *_EDGES, *(ch * 3 for ch in _EDGES)]
    rows = con.execute(
        f"select {fields.has_text('t')}, nullif(trim(t), '') is not null"
        " from unnest($values::varchar[]) as v(t)",
        {"values": values},
    ).fetchall()
    assert [fast for fast, _ in rows] == [slow for _, slow in rows]
