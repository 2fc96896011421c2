"""Why a row is rejected or a file cannot be read: codes with parameters, worded per language in
kpi/texts/reasons.py.

A rejected row keeps its reasons as "code:parameter" text (`missing:rep`, `bad_shape:too_long`):
that is what the rejects table has always held, so every database stays readable. A file that
cannot be read raises FileUnreadable with a code and named parameters.
"""

from __future__ import annotations

from kpi import i18n

# A rejected row: code -> what its parameter is ("field": a column of kpi.fields).
ROW: dict[str, str] = {
    "missing": "field",
    "bad_date": "field",
    "future_date": "field",
    "bad_enum": "field",
    "bad_bool": "field",
    "bad_decimal": "field",
    "negative": "field",
    "ambiguous_decimal": "field",
    "too_many_decimals": "field",
    "bad_level": "field",
    "status_without_commitment": "field",
    "duplicate_id": "field",
    "bad_shape": "shape",  # the line itself is broken: one of SHAPES
    "not_found": "",  # the form: the contact was deleted meanwhile
}

# How a line can be broken (the parameter of bad_shape).
SHAPES: tuple[str, ...] = ("too_many_fields", "too_few_fields", "unterminated_quote", "too_long")

# A file that cannot be read at all: code -> its named parameters.
FILE: dict[str, tuple[str, ...]] = {
    "no_such_file": (),
    "is_folder": (),
    "cannot_open": ("error",),
    "old_xls": (),
    "not_xlsx": (),
    "broken_xlsx": ("error",),
    "unsupported_type": ("suffix",),
    "empty_file": (),
    "empty_sheet": (),
    "binary": ("line",),
    "undecodable": (),
    "utf16_damaged": (),
    "missing_columns": ("columns",),
    "column_twice": ("column", "first", "second"),
    "unknown_mapping": ("name",),  # kpi import --mapping NAME: no mapping saved by that name
    "mapping_mismatch": ("name", "columns"),  # the file lacks columns the named mapping reads
}


def row_reason_text(reason: str, lang: str = i18n.DEFAULT_LANG) -> str:
    """One stored reject reason ("code:parameter") as a sentence; anything else (a reason stored
    by a version that wrote sentences, a code this version does not know) is shown as it is."""
    code, _, arg = reason.partition(":")
    if code == "bad_shape":
        if arg in SHAPES:
            return i18n.t(f"reason_shape_{arg}", lang)
        return "CSV: " + arg.replace("_", " ")
    if code not in ROW:
        return reason
    return i18n.t(f"reason_{code}", lang, field=i18n.field_label(arg, lang) if arg else "")


def file_reason_text(code: str, params: dict[str, object], lang: str = i18n.DEFAULT_LANG) -> str:
    """Why a file cannot be read, as a sentence."""
    return i18n.t(f"reason_file_{code}", lang, **params)


class FileUnreadable(Exception):
    """A file that cannot be read as a contact log at all: .code and .params say why; str() is the
    English sentence (the command line prints it)."""

    def __init__(self, code: str, **params: object) -> None:
        if FILE.get(code) != tuple(params):
            raise ValueError(
                f"FileUnreadable({code!r}) takes {FILE.get(code)}, got {tuple(params)}"
            )
        self.code = code
        self.params = params
        super().__init__(file_reason_text(code, params, "en"))

    def text(self, lang: str) -> str:
        """The reason in lang."""
        return file_reason_text(self.code, self.params, lang)
