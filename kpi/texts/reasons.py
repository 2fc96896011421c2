"""Texts of the reasons in kpi/reasons.py: a rejected row, a broken line, a file that cannot be read."""

TEXTS: dict[str, dict[str, str]] = {
    # A rejected row ({field} is the column's name for people).
    "reason_missing": {"en": "{field} is required", "nl": "{field} is verplicht"},
    "reason_bad_date": {
        "en": "{field}: not a date (use 2026-03-31 or 31-03-2026)",
        "nl": "{field}: geen datum (gebruik 31-03-2026 of 2026-03-31)",
    },
    "reason_future_date": {"en": "{field} is after today", "nl": "{field} ligt na vandaag"},
    "reason_bad_enum": {
        "en": "{field}: not one of the allowed values",
        "nl": "{field}: geen toegestane waarde",
    },
    "reason_bad_bool": {"en": "{field}: use yes/no", "nl": "{field}: gebruik ja/nee"},
    "reason_bad_decimal": {"en": "{field}: not an amount", "nl": "{field}: geen bedrag"},
    "reason_negative": {
        "en": "{field} cannot be negative",
        "nl": "{field} kan niet negatief zijn",
    },
    "reason_ambiguous_decimal": {
        "en": "{field}: ambiguous amount (1.234 could be 1234 or 1,234); write 1234 or 1.234,00",
        "nl": "{field}: dubbelzinnig bedrag (1.234 kan 1234 of 1,234 zijn); schrijf 1234 of 1.234,00",
    },
    "reason_too_many_decimals": {
        "en": "{field}: at most 2 decimals",
        "nl": "{field}: hoogstens 2 decimalen",
    },
    "reason_bad_level": {
        "en": "{field}: a whole number 0 to 4",
        "nl": "{field}: een geheel getal van 0 tot 4",
    },
    "reason_status_without_commitment": {
        "en": "{field} given but commitment level is 0",
        "nl": "{field} ingevuld maar commitmentniveau is 0",
    },
    "reason_duplicate_id": {
        "en": "{field} appears more than once in this file",
        "nl": "{field} komt vaker voor in dit bestand",
    },
    "reason_not_found": {
        "en": "this contact no longer exists",
        "nl": "dit contactmoment bestaat niet meer",
    },
    # A broken line (reason bad_shape).
    "reason_shape_too_many_fields": {
        "en": "the line has more fields than the header",
        "nl": "de regel heeft meer velden dan de kopregel",
    },
    "reason_shape_unterminated_quote": {
        "en": 'a quote (") is opened here and never closed: the rest of the file is kept in this row',
        "nl": 'hier opent een aanhalingsteken (") dat nooit sluit: de rest van het bestand staat in deze regel',
    },
    "reason_shape_too_few_fields": {
        "en": "the line has fewer fields than the header",
        "nl": "de regel heeft minder velden dan de kopregel",
    },
    "reason_shape_too_long": {
        "en": "the line is longer than 20 million characters; only its start is kept here",
        "nl": "de regel is langer dan 20 miljoen tekens; alleen het begin staat hier",
    },
    # A file that cannot be read at all.
    "reason_file_no_such_file": {"en": "no such file", "nl": "bestand bestaat niet"},
    "reason_file_is_folder": {"en": "is a folder, not a file", "nl": "is een map, geen bestand"},
    "reason_file_cannot_open": {
        "en": "cannot open: {error}",
        "nl": "kan niet worden geopend: {error}",
    },
    "reason_file_old_xls": {
        "en": "old Excel .xls format: save the sheet as .xlsx or CSV",
        "nl": "oud Excel-formaat .xls: sla het werkblad op als .xlsx of CSV",
    },
    "reason_file_not_xlsx": {
        "en": "not a readable .xlsx file",
        "nl": "geen leesbaar .xlsx-bestand",
    },
    "reason_file_broken_xlsx": {
        "en": "not a readable .xlsx file ({error})",
        "nl": "geen leesbaar .xlsx-bestand ({error})",
    },
    "reason_file_unsupported_type": {
        "en": "unsupported file type {suffix}: use .csv or .xlsx",
        "nl": "bestandstype {suffix} wordt niet ondersteund: gebruik .csv of .xlsx",
    },
    "reason_file_empty_file": {
        "en": "empty file: no header line",
        "nl": "leeg bestand: geen kopregel",
    },
    "reason_file_empty_sheet": {
        "en": "empty sheet: no header row",
        "nl": "leeg werkblad: geen kopregel",
    },
    "reason_file_binary": {
        "en": "binary data (NUL bytes, first on line {line}): not a CSV or XLSX contact log",
        "nl": "binaire gegevens (NUL-tekens, eerst op regel {line}): geen CSV- of XLSX-contactlog",
    },
    "reason_file_undecodable": {
        "en": "cannot decode the file: save it as UTF-8 or Windows-1252 CSV",
        "nl": "de tekens in het bestand zijn niet te lezen: sla het op als CSV in UTF-8 of Windows-1252",
    },
    "reason_file_utf16_damaged": {
        "en": "cannot decode the file as UTF-16 (it is cut or damaged): save it again",
        "nl": "het bestand is niet te lezen als UTF-16 (het is afgebroken of beschadigd): sla het opnieuw op",
    },
    "reason_file_missing_columns": {
        "en": "not a contact log: missing column(s) {columns}",
        "nl": "geen contactlog: kolom(men) {columns} ontbreken",
    },
    "reason_file_column_twice": {
        "en": "column {column} appears twice (as {first!r} and {second!r})",
        "nl": "kolom {column} komt twee keer voor (als {first!r} en {second!r})",
    },
    "reason_file_unknown_mapping": {
        "en": "there is no saved mapping named {name!r}",
        "nl": "er is geen opgeslagen koppeling met de naam {name!r}",
    },
    "reason_file_mapping_mismatch": {
        "en": "the mapping {name!r} reads column(s) this file does not have: {columns}",
        "nl": "de koppeling {name!r} leest kolom(men) die dit bestand niet heeft: {columns}",
    },
}
