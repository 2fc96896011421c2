"""Downloads: CSV as Dutch and English Excel read it, and an .xlsx with formatted columns."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from kpi import exports

FRAME = pd.DataFrame(
    {
        "Accountmanager": ["Anna de Vries", "Cees"],
        "Voortgangsratio": [0.375, None],
        "Omzet": [1500.5, 0.0],
        "Contactmomenten": [4, 2],
    }
)


def test_dutch_csv_uses_semicolons_and_decimal_commas_with_a_bom():
    data = exports.frame_to_csv_bytes(FRAME, "nl")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "Accountmanager;Voortgangsratio;Omzet;Contactmomenten",
        "Anna de Vries;0,375;1500,5;4",
        "Cees;;0,0;2",
    ]


def test_english_csv_uses_commas():
    lines = exports.frame_to_csv_bytes(FRAME, "en").decode("utf-8-sig").splitlines()
    assert lines[1] == "Anna de Vries,0.375,1500.5,4"


def test_xlsx_keeps_numbers_and_formats_shares_and_money():
    data = exports.frame_to_xlsx_bytes(
        FRAME,
        sheet="Per accountmanager",
        percent_columns=["Voortgangsratio"],
        money_columns=["Omzet"],
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Per accountmanager"]
    ws = book.active
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert values == [
        ["Accountmanager", "Voortgangsratio", "Omzet", "Contactmomenten"],
        ["Anna de Vries", 0.375, 1500.5, 4],
        ["Cees", None, 0, 2],
    ]
    assert ws["B2"].number_format == "0.0%"
    assert ws["C2"].number_format.startswith("€")
    assert ws.freeze_panes == "A2"


def test_xlsx_sheet_name_is_made_safe_and_an_empty_frame_still_opens():
    data = exports.frame_to_xlsx_bytes(
        FRAME.iloc[0:0], sheet="Per rep: all / every KPI [2026] long"
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Per rep all  every KPI 2026 lon"]
    assert [c.value for c in book.active[1]] == list(FRAME.columns)
