"""Tables as files people open: CSV the way each language's Excel reads it, and .xlsx."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pandas as pd

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> object:
    """Text a spreadsheet shows as text, not runs: a leading quote before a formula start (the
    quote spreadsheets read as "this is text"); anything that is not text is left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def frame_to_csv_bytes(frame: pd.DataFrame, lang: str = "nl") -> bytes:
    """UTF-8 with a BOM (so Excel detects it); Dutch Excel expects `;` and a decimal comma.

    The file is a report to open in a spreadsheet, so text cells that would run as a formula
    (a rep named "=HYPERLINK(...)") get a leading quote; numbers stay numbers.
    """
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if text_columns:
        frame = frame.assign(**{c: frame[c].map(spreadsheet_text) for c in text_columns})
    if lang == "nl":
        text = frame.to_csv(index=False, sep=";", decimal=",")
    else:
        text = frame.to_csv(index=False)
    return text.encode("utf-8-sig")


def frame_to_xlsx_bytes(
    frame: pd.DataFrame,
    sheet: str = "Sheet1",
    percent_columns: Iterable[str] = (),
    money_columns: Iterable[str] = (),
) -> bytes:
    """One sheet with a frozen, filterable header; shares as percentages, money in euros.

    Excel shows the numbers in the reader's own locale, so the bytes are the same for nl and en;
    only the headers (the frame's column names) are translated by the caller.
    """
    percent, money = set(percent_columns), set(money_columns)
    buffer = io.BytesIO()
    # Excel allows at most 31 characters in a sheet name and none of []:*?/\
    safe_sheet = "".join(ch for ch in sheet if ch not in "[]:*?/\\")[:31] or "Sheet1"
    # Text stays text: xlsxwriter would otherwise write "=..." as a live formula and turn
    # "http://..." into a link.
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        frame.to_excel(writer, sheet_name=safe_sheet, index=False)
        book, ws = writer.book, writer.sheets[safe_sheet]
        formats = {
            "percent": book.add_format({"num_format": "0.0%"}),
            "money": book.add_format({"num_format": "€ #,##0.00"}),
        }
        for i, name in enumerate(frame.columns):
            width = max([len(str(name)), *(len(str(v)) for v in frame[name].head(200))]) + 2
            kind = "percent" if name in percent else "money" if name in money else None
            ws.set_column(i, i, min(width, 40), formats[kind] if kind else None)
        ws.freeze_panes(1, 0)
        if len(frame.columns):
            ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    return buffer.getvalue()
