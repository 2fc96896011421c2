"""Every parsing rule of DOMAIN.md, and the import's promises: nothing dropped, nothing guessed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kpi import ingest
from kpi.fields import FIELD_NAMES

# What a file's values become is decided in temporary tables, before the store is touched: these
# run on the file store only (their writes are the same as the other tests', on both stores).
ONE_STORE = pytest.mark.one_store

TODAY = dt.date(2026, 6, 30)
BASE = {
    "contact_date": "2026-03-31",
    "rep": "anna@x.nl",
    "account": "Acme",
    "channel": "phone",
}


def import_rows(con, tmp_path, rows, *, name="f.csv", delimiter=",", encoding="utf-8", header=None):
    header = header or list(dict.fromkeys(k for r in rows for k in r))
    lines = [delimiter.join(header)]
    for r in rows:
        lines.append(delimiter.join(str(r.get(h, "")) for h in header))
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return ingest.import_file(con, path, today=TODAY)


def one(con, tmp_path, **fields):
    """Import BASE + fields as one row; (stored row as dict or None, reasons)."""
    row = {**BASE, **fields}
    result = import_rows(con, tmp_path, [row])
    assert result.rows_read == 1
    if result.accepted:
        cur = con.execute(f"select {', '.join(FIELD_NAMES)} from contacts")
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True)), []
    reasons = con.execute("select reasons from rejects").fetchone()[0]
    return None, reasons


def q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@ONE_STORE
@pytest.mark.parametrize(
    ("column", "raw", "stored"),
    [
        ("contact_date", "2026-03-31", dt.date(2026, 3, 31)),
        ("contact_date", "31-03-2026", dt.date(2026, 3, 31)),
        ("contact_date", "31/03/2026", dt.date(2026, 3, 31)),
        ("contact_date", " 2026-03-31 ", dt.date(2026, 3, 31)),
        ("contact_date", "2024-02-29", dt.date(2024, 2, 29)),
        ("contact_date", "29-02-2024", dt.date(2024, 2, 29)),
        ("contact_date", "0999-12-31", dt.date(999, 12, 31)),
        ("commitment_due", "01-07-2026", dt.date(2026, 7, 1)),  # due dates may lie ahead
        ("appointment_planned", "ja", True),
        ("appointment_planned", "Nee", False),
        ("appointment_planned", "J", True),
        ("appointment_planned", "n", False),
        ("appointment_planned", "YES", True),
        ("appointment_planned", "no", False),
        ("appointment_planned", "y", True),
        ("appointment_planned", "TRUE", True),
        ("appointment_planned", "false", False),
        ("appointment_planned", "1", True),
        ("appointment_planned", "0", False),
        ("appointment_planned", "", False),
        ("share_for_training", "", False),
        ("revenue", "1234.56", Decimal("1234.56")),
        ("revenue", q("1234,56"), Decimal("1234.56")),
        ("revenue", q("1.234,56"), Decimal("1234.56")),
        ("revenue", q("1,234.56"), Decimal("1234.56")),
        ("revenue", q("€ 1.234,56"), Decimal("1234.56")),
        ("revenue", "€1234", Decimal("1234")),
        ("revenue", "1.234.567", Decimal("1234567")),
        ("revenue", "0.125".replace("125", "12"), Decimal("0.12")),
        ("revenue", "0", Decimal("0")),
        ("revenue", "", None),
        ("quote_amount", "12.5", Decimal("12.5")),
        ("channel", "Telefoon", "phone"),
        ("channel", " BEZOEK ", "visit"),
        ("channel", "e-mail", "email"),
        ("channel", "evenement", "event"),
        ("channel", "social", "social"),
        ("channel", "video", "video"),
        ("contact_role", "beslisser", "decision_maker"),
        ("contact_role", "Directie", "board"),
        ("contact_role", "medewerker", "staff"),
        ("contact_role", "manager", "manager"),
        ("would_repeat", "deels", "partly"),
        ("would_repeat", "JA", "yes"),
        ("would_repeat", "nee", "no"),
        ("commitment_level", "", 0),
        ("commitment_level", "0", 0),
        # Spellings that are not already lower case and trimmed take the longer way.
        ("commitment_level", " 0 ", 0),
        ("commitment_level", q("\t "), 0),
        ("appointment_planned", q(" Ja\u00a0"), True),
        ("would_repeat", q("\tdeels"), "partly"),
        ("contact_role", "BOARD", "board"),
        ("commitment_status", "", None),
    ],
)
def test_accepted_values(con, tmp_path, column, raw, stored):
    row, reasons = one(con, tmp_path, **{column: raw})
    assert reasons == []
    assert row[column] == stored


@ONE_STORE
@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"contact_date": "2026-02-30"}, "bad_date:contact_date"),
        ({"contact_date": "2025-02-29"}, "bad_date:contact_date"),
        ({"contact_date": "29/02/2025"}, "bad_date:contact_date"),
        ({"contact_date": "2026-04-31"}, "bad_date:contact_date"),
        ({"contact_date": "2026-13-01"}, "bad_date:contact_date"),
        ({"contact_date": "2026-03-31T10:00"}, "bad_date:contact_date"),
        ({"contact_date": "2026-3-31"}, "bad_date:contact_date"),
        ({"contact_date": "31.03.2026"}, "bad_date:contact_date"),
        ({"contact_date": "03/31/2026"}, "bad_date:contact_date"),
        ({"contact_date": "2026-07-01"}, "future_date:contact_date"),
        ({"contact_date": ""}, "missing:contact_date"),
        ({"rep": "  "}, "missing:rep"),
        ({"account": ""}, "missing:account"),
        ({"channel": ""}, "missing:channel"),
        ({"channel": "fax"}, "bad_enum:channel"),
        ({"contact_role": "ceo"}, "bad_enum:contact_role"),
        ({"would_repeat": "maybe"}, "bad_enum:would_repeat"),
        ({"appointment_planned": "misschien"}, "bad_bool:appointment_planned"),
        ({"quote_sent": "2"}, "bad_bool:quote_sent"),
        ({"revenue": "-5"}, "negative:revenue"),
        ({"revenue": "abc"}, "bad_decimal:revenue"),
        ({"revenue": "1.234"}, "ambiguous_decimal:revenue"),
        ({"revenue": q("1,234")}, "ambiguous_decimal:revenue"),
        ({"revenue": "1.5.5"}, "bad_decimal:revenue"),
        ({"quote_amount": "12.345.6"}, "bad_decimal:quote_amount"),
        ({"revenue": "10.123"}, "ambiguous_decimal:revenue"),
        ({"revenue": "1000.123"}, "too_many_decimals:revenue"),
        ({"commitment_level": "5"}, "bad_level:commitment_level"),
        ({"commitment_level": "2.0"}, "bad_level:commitment_level"),
        ({"commitment_level": "-1"}, "bad_level:commitment_level"),
        ({"commitment_level": "2"}, "missing:commitment"),
        ({"commitment_level": " 2 "}, "missing:commitment"),
        ({"commitment_level": " 5 "}, "bad_level:commitment_level"),
        ({"channel": q(" \t")}, "missing:channel"),
        ({"channel": " faxen "}, "bad_enum:channel"),
        ({"quote_sent": " misschien"}, "bad_bool:quote_sent"),
        (
            {"commitment_level": " 0 ", "commitment_status": "Open"},
            "status_without_commitment:commitment_status",
        ),
        (
            {"commitment_level": "0", "commitment_status": "open"},
            "status_without_commitment:commitment_status",
        ),
        (
            {"commitment_level": "1", "commitment": "x", "commitment_status": "klaar"},
            "bad_enum:commitment_status",
        ),
        ({"commitment_due": "morgen"}, "bad_date:commitment_due"),
    ],
)
def test_rejected_values(con, tmp_path, fields, reason):
    row, reasons = one(con, tmp_path, **fields)
    assert row is None
    assert reason in reasons


@ONE_STORE
@pytest.mark.parametrize("ws", [" ", "\t", "\u00a0", "\r", "\n"])
@pytest.mark.parametrize("end", ["start", "end"])
@pytest.mark.parametrize(
    ("column", "raw", "stored"),
    [
        ("notes", "zie mail", "zie mail"),
        ("channel", "Bezoek", "visit"),
        ("contact_date", "2026-03-31", dt.date(2026, 3, 31)),
    ],
)
def test_white_space_at_either_end_of_a_value_is_trimmed(
    con, tmp_path, ws, end, column, raw, stored
):
    padded = ws + raw if end == "start" else raw + ws
    row, reasons = one(con, tmp_path, **{column: q(padded)})
    assert reasons == []
    assert row[column] == stored


@ONE_STORE
@pytest.mark.parametrize(
    ("fields", "column", "stored", "reasons"),
    [
        # Only WHITESPACE is trimmed; other control characters stay and are not guessed away.
        ({"notes": "\x01zie mail\x02"}, "notes", "\x01zie mail\x02", []),
        ({"channel": "\x0bphone"}, "channel", None, ["bad_enum:channel"]),
        ({"notes": q(" \t\u00a0 ")}, "notes", None, []),
    ],
)
def test_only_white_space_is_trimmed(con, tmp_path, fields, column, stored, reasons):
    row, got = one(con, tmp_path, **fields)
    assert got == reasons
    assert (row[column] if row else None) == stored


def test_rep_and_account_keys_fold_unicode_spaces_and_case(con, tmp_path):
    """An em space or ideographic space is not WHITESPACE, so the value keeps it, but the key
    (trimmed and case-folded, as the roster matches) does not."""
    import_rows(
        con,
        tmp_path,
        [
            {**BASE, "rep": "Ånna\u2003", "account": "\u3000Café"},
            {**BASE, "rep": "ånna", "account": "CAFÉ"},
        ],
    )
    assert con.execute(
        "select count(distinct rep_key), count(distinct account_key), min(rep_key),"
        " min(account_key), count(distinct rep) from contacts"
    ).fetchone() == (1, 1, "ånna", "café", 2)


def test_progress_is_reported_from_the_calling_thread(con, tmp_path):
    """The hash and line count run on a thread of their own while DuckDB validates; progress
    (a Streamlit widget in the app) must still only be reported from the caller's thread."""
    import threading

    seen = []
    path = tmp_path / "f.csv"
    path.write_text("contact_date,rep,account,channel\n2026-03-31,a,b,phone\n")
    ingest.import_file(
        con,
        path,
        today=TODAY,
        progress=lambda _f, stage: seen.append((threading.current_thread(), stage)),
    )
    assert {thread for thread, _ in seen} == {threading.current_thread()}
    assert [stage for _, stage in seen] == ["reading", "validating", "writing", "done"]


def test_every_reason_is_listed(con, tmp_path):
    _, reasons = one(
        con, tmp_path, contact_date="gisteren", channel="fax", revenue="-1", quote_sent="?"
    )
    assert reasons == [
        "bad_date:contact_date",
        "bad_enum:channel",
        "bad_bool:quote_sent",
        "negative:revenue",
    ]


def test_commitment_status_defaults(con, tmp_path):
    rows = [
        {**BASE, "contact_id": "a", "commitment_level": "1", "commitment": "Belt terug"},
        {**BASE, "contact_id": "b", "commitment_level": "0"},
        {
            **BASE,
            "contact_id": "c",
            "commitment_level": "3",
            "commitment": "Intro",
            "commitment_status": "nagekomen",
        },
        {
            **BASE,
            "contact_id": "d",
            "commitment_level": "3",
            "commitment": "Intro",
            "commitment_status": "niet_nagekomen",
        },
    ]
    import_rows(con, tmp_path, rows)
    got = con.execute(
        "select contact_id, commitment_status from contacts order by contact_id"
    ).fetchall()
    assert got == [("a", "open"), ("b", None), ("c", "kept"), ("d", "broken")]


def test_dutch_headers_windows_1252_semicolons(con, tmp_path):
    text = (
        "Datum;Medewerker;Klant;Contactpersoon;Kanaal;Offerte_verstuurd;Omzet;Commitment_niveau;"
        "Commitment_omschrijving;Zelfde_aanpak;Les\r\n"
        "31-03-2026;Sanne;Café De Brug;José Müller;bezoek;nee;€ 1.250,00;2;Zoekt de cijfers uit;ja;"
        "Eerst luisteren – dan pas praten\r\n"
    )
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.rejected) == (1, 0)
    row = con.execute(
        "select account, contact_person, channel, revenue, lesson from contacts"
    ).fetchone()
    assert row == (
        "Café De Brug",
        "José Müller",
        "visit",
        Decimal("1250.00"),
        "Eerst luisteren – dan pas praten",
    )


@ONE_STORE
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_utf8_with_and_without_bom_any_delimiter(con, tmp_path, bom, delimiter):
    header = delimiter.join(["contact_date", "rep", "account", "channel", "notes"])
    body = delimiter.join(["2026-03-31", "anna", "Ørsted", "video", "👍 prima"])
    path = tmp_path / "f.csv"
    path.write_bytes(bom + f"{header}\n{body}\n".encode())
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.rejected) == (1, 0)
    assert con.execute("select account, notes from contacts").fetchone() == ("Ørsted", "👍 prima")


def test_windows_1252_file_keeps_its_rejects_exact(con, tmp_path):
    """DuckDB first reads every CSV as UTF-8 (the usual case) while Python works out the
    encoding; for a Windows-1252 file that first reading is thrown away, and its rejects keep
    their own line and raw text, decoded."""
    text = "datum;medewerker;klant;kanaal\r\n31-03-2026;Sanne;Café;bezoek\r\n31-03-2026;Sanne;Café;fax\r\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.rejected) == (1, 1)
    assert con.execute("select line, raw, reasons from rejects").fetchone() == (
        3,
        "31-03-2026;Sanne;Café;fax",
        ["bad_enum:channel"],
    )
    assert con.execute("select account, line from contacts").fetchone() == ("Café", 2)


@ONE_STORE
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_long_note_is_kept_whole_in_either_encoding(con, tmp_path, encoding):
    """A note of 200,000 characters (a pasted mail thread). Python's csv module refuses fields
    over 128 kB unless told otherwise; a Windows-1252 file (read by Python) then reported an
    unclosed quote and kept the rest of the file as one reject."""
    note = "Mail van Café de Zon: " + "bel ons terug. " * 13_333 + "Groet van Sanne"
    rows = [{**BASE, "notes": note}, {**BASE, "account": "Delta", "notes": "kort"}]
    result = import_rows(con, tmp_path, rows, encoding=encoding)
    assert (result.accepted, result.rejected) == (2, 0)
    assert con.execute("select notes from contacts order by line").fetchone()[0] == note


@ONE_STORE
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_line_over_20_million_characters_is_one_reject_and_the_rest_goes_in(
    con, tmp_path, encoding
):
    """Before, such a line stopped the import with a DuckDB error (exit 1, nothing in)."""
    rows = [
        BASE,
        {**BASE, "account": "Delta", "notes": "x" * (ingest.LINE_LIMIT + 1)},
        {**BASE, "account": "Zon"},
    ]
    result = import_rows(con, tmp_path, rows, encoding=encoding)
    assert (result.rows_read, result.accepted, result.rejected) == (3, 2, 1)
    line, raw, reasons = con.execute("select line, raw, reasons from rejects").fetchone()
    assert (line, reasons) == (3, ["bad_shape:too_long"])
    assert raw.startswith("2026-03-31,anna@x.nl,Delta,phone,xxx") and raw.endswith("x …")
    assert len(raw) == ingest.TOO_LONG_KEPT + 2
    accounts = con.execute("select account, line from contacts order by line").fetchall()
    assert accounts == [("Acme", 2), ("Zon", 4)]


def test_headers_match_case_and_spaces(con, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(" DATUM ,Rep, ACCOUNT,Kanaal\n2026-03-31,a,b,phone\n", encoding="utf-8")
    assert ingest.import_file(con, path, today=TODAY).accepted == 1


def test_rep_and_account_keys_fold_case_and_space(con, tmp_path):
    import_rows(
        con,
        tmp_path,
        [
            {**BASE, "rep": " Anna@X.nl ", "account": "ACME "},
            {**BASE, "rep": "anna@x.nl", "account": "acme"},
        ],
    )
    assert con.execute(
        "select count(distinct rep_key), count(distinct account_key) from contacts"
    ).fetchone() == (1, 1)


def test_upsert_by_contact_id(con, tmp_path):
    import_rows(con, tmp_path, [{**BASE, "contact_id": "X1", "notes": "eerste"}], name="a.csv")
    result = import_rows(
        con, tmp_path, [{**BASE, "contact_id": "X1", "notes": "tweede"}], name="b.csv"
    )
    assert (result.accepted, result.updated, result.rejected) == (1, 1, 0)
    assert con.execute("select count(*), any_value(notes) from contacts").fetchone() == (
        1,
        "tweede",
    )


def test_duplicate_contact_id_within_a_file_is_rejected_not_guessed(con, tmp_path):
    result = import_rows(
        con,
        tmp_path,
        [{**BASE, "contact_id": "X1", "notes": "a"}, {**BASE, "contact_id": "X1", "notes": "b"}],
    )
    assert (result.accepted, result.rejected) == (0, 2)
    assert con.execute("select list(reasons[1] order by line) from rejects").fetchone()[0] == [
        "duplicate_id:contact_id",
        "duplicate_id:contact_id",
    ]


def test_same_file_twice_adds_nothing(con, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "contact_date,rep,account,channel\n2026-03-31,a,b,phone\n2026-13-01,a,b,phone\n"
    )
    first = ingest.import_file(con, path, today=TODAY)
    second = ingest.import_file(con, path, today=TODAY)
    assert (first.accepted, first.rejected, first.skipped) == (1, 1, False)
    assert (second.accepted, second.rejected, second.skipped) == (0, 0, True)
    assert con.execute(
        "select (select count(*) from contacts), (select count(*) from rejects)"
    ).fetchone() == (1, 1)


def test_file_whose_rows_are_all_bad(con, tmp_path):
    rows = [{**BASE, "channel": "fax"}, {**BASE, "contact_date": "nooit"}, {**BASE, "rep": ""}]
    result = import_rows(con, tmp_path, rows)
    assert (result.rows_read, result.accepted, result.rejected) == (3, 0, 3)
    got = con.execute("select line, reasons from rejects order by line").fetchall()
    assert got == [(2, ["bad_enum:channel"]), (3, ["bad_date:contact_date"]), (4, ["missing:rep"])]
    assert con.execute("select count(*) from contacts").fetchone()[0] == 0


def test_rejected_row_keeps_file_line_and_raw_text(con, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        'contact_date;rep;account;channel\n2026-03-31;a;b;phone\n2026-03-31;a;"b;c";fax\n2026-03-31;a\n'
    )
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.rows_read, result.accepted, result.rejected) == (3, 1, 2)
    frame = ingest.rejects_frame(con)
    assert list(frame["file"]) == ["log.csv", "log.csv"]
    assert list(frame["line"]) == [3, 4]
    assert list(frame["raw"]) == ['2026-03-31;a;"b;c";fax', "2026-03-31;a"]
    assert [list(r) for r in frame["reasons"]] == [
        ["bad_enum:channel"],
        ["bad_shape:too_few_fields"],
    ]


def test_line_numbers_stay_exact_with_blank_lines_and_multiline_fields(con, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "contact_date,rep,account,channel,notes\n"
        '2026-03-31,a,b,phone,"twee\nregels"\n'
        "\n"
        "2026-03-31,a,b,fax,\n"
    )
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.rejected) == (1, 1)
    assert con.execute("select line from rejects").fetchone()[0] == 5
    assert con.execute("select notes, line from contacts").fetchone() == ("twee\nregels", 2)


def test_rows_read_is_accepted_plus_rejected(con, tmp_path):
    rows = [{**BASE, "channel": ["phone", "fax", "visit"][i % 3]} for i in range(30)]
    result = import_rows(con, tmp_path, rows)
    assert result.rows_read == result.accepted + result.rejected == 30
    assert (result.accepted, result.rejected) == (20, 10)


def test_reject_file_can_be_fixed_and_imported_again(con, tmp_path):
    import_rows(con, tmp_path, [{**BASE, "channel": "fax", "notes": "zie mail"}])
    out = tmp_path / "rejects.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        assert ingest.write_rejects_csv(con, fh) == 1
    text = out.read_text(encoding="utf-8")
    assert "fax" in text and "Channel: not one of the allowed values" in text
    out.write_text(text.replace("fax", "phone"), encoding="utf-8")
    result = ingest.import_file(con, out, today=TODAY)
    assert (result.accepted, result.rejected, result.ignored_columns) == (1, 0, [])
    assert con.execute("select channel, notes from contacts").fetchone() == ("phone", "zie mail")


def test_unknown_columns_are_reported_and_ignored(con, tmp_path):
    result = import_rows(con, tmp_path, [{**BASE, "kleur": "blauw"}])
    assert (result.accepted, result.ignored_columns) == (1, ["kleur"])


def test_xlsx(con, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Datum", "Medewerker", "Klant", "Kanaal", "Omzet", "Offerte_verstuurd"])
    sheet.append([dt.date(2026, 3, 31), "Anna", "Acme", "telefoon", 1234.5, True])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["31-03-2026", "Bram", "Beta", "fax", "1.234,56", "nee"])
    path = tmp_path / "log.xlsx"
    book.save(path)
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.rows_read, result.accepted, result.rejected) == (2, 1, 1)
    assert con.execute("select contact_date, revenue, quote_sent from contacts").fetchone() == (
        dt.date(2026, 3, 31),
        Decimal("1234.50"),
        True,
    )
    assert con.execute("select line, reasons from rejects").fetchone() == (4, ["bad_enum:channel"])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("empty.csv", b"", "empty file"),
        ("photo.png", b"\x89PNG\r\n", "unsupported file type .png"),
        ("old.xls", b"\xd0\xcf\x11\xe0rest", "old Excel .xls"),
        ("broken.xlsx", b"not a zip", "not a readable .xlsx"),
        ("nocols.csv", b"naam,adres\nx,y\n", "missing column(s) contact_date (datum)"),
        ("twice.csv", b"datum,contact_date,rep,account,channel\n", "appears twice"),
    ],
)
def test_unreadable_files_write_nothing(con, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(
        ingest.FileUnreadable, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        ingest.import_file(con, path, today=TODAY)
    counts = con.execute(
        "select (select count(*) from contacts), (select count(*) from rejects), (select count(*) from imported_files)"
    ).fetchone()
    assert counts == (0, 0, 0)


def test_folder_is_unreadable(con, tmp_path):
    with pytest.raises(ingest.FileUnreadable, match="folder"):
        ingest.import_file(con, tmp_path, today=TODAY)


def test_a_failing_write_leaves_nothing(con, tmp_path, monkeypatch):
    """One transaction per file: when writing fails halfway, no row of the file remains."""

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    original = ingest.write_validated

    def half(c, **kw):
        original(c, **kw)
        boom()

    monkeypatch.setattr(ingest, "write_validated", half)
    with pytest.raises(RuntimeError):
        import_rows(con, tmp_path, [BASE, {**BASE, "channel": "fax"}])
    assert con.execute(
        "select (select count(*) from contacts), (select count(*) from rejects), (select count(*) from imported_files)"
    ).fetchone() == (0, 0, 0)


NONE_APART = {"not_contacts": 0, "not_contacts_by_kind": {}, "layout": "commitboard"}


def test_json_shape_of_cli_import(tmp_path, capsys):
    from kpi.__main__ import main

    good = tmp_path / "good.csv"
    good.write_text("contact_date,rep,account,channel\n2026-03-31,a,b,phone\n2026-03-31,a,b,fax\n")
    code = main(["import", "--db", str(tmp_path / "x.duckdb"), "--json", str(good), str(good)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out == {
        "accepted": 1,
        "rejected": 1,
        "not_contacts": 0,
        "files": [
            {"path": str(good), "accepted": 1, "rejected": 1, "skipped": False} | NONE_APART,
            {"path": str(good), "accepted": 0, "rejected": 0, "skipped": True} | NONE_APART,
        ],
        "unreadable": [],
    }


def test_cli_import_json_gives_why_a_file_is_unreadable_as_code_and_english(tmp_path, capsys):
    from kpi.__main__ import main

    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4\n")
    code = main(["import", "--db", str(tmp_path / "x.duckdb"), "--json", str(bad)])
    captured = capsys.readouterr()
    assert code == 2
    assert json.loads(captured.out)["unreadable"] == [
        {
            "path": str(bad),
            "code": "unsupported_type",
            "params": {"suffix": ".pdf"},
            "reason": "unsupported file type .pdf: use .csv or .xlsx",
        }
    ]
    assert captured.err == f"error: {bad}: unsupported file type .pdf: use .csv or .xlsx\n"


def test_line_numbers_are_exact_in_a_large_file_read_in_parallel(con, tmp_path):
    """DuckDB reads big files on several threads; every reject must still name its own line."""
    import duckdb

    path = tmp_path / "big.csv"
    bad = {1_234, 98_765, 199_999}  # data rows (0-based) with a bad channel
    duckdb.connect().execute(
        f"""
        copy (
            select 'id' || i as contact_id, '2026-03-31' as contact_date, 'rep' || (i % 7) as rep,
                   'acc' || i as account,
                   case when i in (1234, 98765, 199999) then 'fax' else 'phone' end as channel
            from range(200000) as t(i)
        ) to '{path}' (header)
        """
    )
    result = ingest.import_file(con, path, today=TODAY)
    assert (result.accepted, result.rejected) == (200_000 - len(bad), len(bad))
    lines = [r[0] for r in con.execute("select line from rejects order by line").fetchall()]
    assert lines == [i + 2 for i in sorted(bad)]
    raws = [r[0] for r in con.execute("select raw from rejects order by line").fetchall()]
    assert raws[0] == "id1234,2026-03-31,rep2,acc1234,fax"
    sample = con.execute(
        "select line, account from contacts where contact_id = 'id150000'"
    ).fetchone()
    assert sample == (150_002, "acc150000")
