"""Dutch and English texts, and numbers, money and dates the way each language writes them."""

from __future__ import annotations

import datetime as dt
import math
import re

LANGS: tuple[str, ...] = ("nl", "en")
DEFAULT_LANG = "nl"

# Column names as people read them (the canonical names stay the file format).
FIELD_LABELS: dict[str, dict[str, str]] = {
    "contact_id": {"en": "Contact id", "nl": "Contact-id"},
    "contact_date": {"en": "Date", "nl": "Datum"},
    "rep": {"en": "Rep", "nl": "Accountmanager"},
    "account": {"en": "Account", "nl": "Klant"},
    "contact_person": {"en": "Contact person", "nl": "Contactpersoon"},
    "contact_role": {"en": "Role", "nl": "Rol"},
    "channel": {"en": "Channel", "nl": "Kanaal"},
    "appointment_planned": {"en": "Appointment planned", "nl": "Afspraak gepland"},
    "quote_sent": {"en": "Quote sent", "nl": "Offerte verstuurd"},
    "quote_amount": {"en": "Quote amount", "nl": "Offertebedrag"},
    "revenue": {"en": "Revenue", "nl": "Omzet"},
    "commitment_level": {"en": "Commitment level", "nl": "Commitmentniveau"},
    "commitment": {"en": "Commitment", "nl": "Commitment"},
    "commitment_due": {"en": "Commitment due", "nl": "Commitment-deadline"},
    "commitment_status": {"en": "Commitment status", "nl": "Status commitment"},
    "would_repeat": {"en": "Same way next time?", "nl": "Zelfde aanpak?"},
    "reflection": {"en": "Reflection", "nl": "Reflectie"},
    "lesson": {"en": "Lesson learned", "nl": "Geleerde les"},
    "share_for_training": {"en": "Share for training", "nl": "Delen in training"},
    "notes": {"en": "Notes", "nl": "Notities"},
}

# Reasons a row is rejected: "code:field" in the database, a sentence for people.
REASONS: dict[str, dict[str, str]] = {
    "missing": {"en": "{field} is required", "nl": "{field} is verplicht"},
    "bad_date": {
        "en": "{field}: not a date (use 2026-03-31 or 31-03-2026)",
        "nl": "{field}: geen datum (gebruik 31-03-2026 of 2026-03-31)",
    },
    "future_date": {"en": "{field} is after today", "nl": "{field} ligt na vandaag"},
    "bad_enum": {
        "en": "{field}: not one of the allowed values",
        "nl": "{field}: geen toegestane waarde",
    },
    "bad_bool": {"en": "{field}: use yes/no", "nl": "{field}: gebruik ja/nee"},
    "bad_decimal": {"en": "{field}: not an amount", "nl": "{field}: geen bedrag"},
    "negative": {"en": "{field} cannot be negative", "nl": "{field} kan niet negatief zijn"},
    "ambiguous_decimal": {
        "en": "{field}: ambiguous amount (1.234 could be 1234 or 1,234); write 1234 or 1.234,00",
        "nl": "{field}: dubbelzinnig bedrag (1.234 kan 1234 of 1,234 zijn); schrijf 1234 of 1.234,00",
    },
    "too_many_decimals": {
        "en": "{field}: at most 2 decimals",
        "nl": "{field}: hoogstens 2 decimalen",
    },
    "bad_level": {
        "en": "{field}: a whole number 0 to 4",
        "nl": "{field}: een geheel getal van 0 tot 4",
    },
    "status_without_commitment": {
        "en": "{field} given but commitment level is 0",
        "nl": "{field} ingevuld maar commitmentniveau is 0",
    },
    "duplicate_id": {
        "en": "{field} appears more than once in this file",
        "nl": "{field} komt vaker voor in dit bestand",
    },
    "not_found": {
        "en": "this contact no longer exists",
        "nl": "dit contactmoment bestaat niet meer",
    },
}

SHAPES: dict[str, dict[str, str]] = {
    "too_many_fields": {
        "en": "the line has more fields than the header",
        "nl": "de regel heeft meer velden dan de kopregel",
    },
    "unterminated_quote": {
        "en": 'a quote (") is opened here and never closed: the rest of the file is kept in this row',
        "nl": 'hier opent een aanhalingsteken (") dat nooit sluit: de rest van het bestand staat in deze regel',
    },
    "too_few_fields": {
        "en": "the line has fewer fields than the header",
        "nl": "de regel heeft minder velden dan de kopregel",
    },
    "too_long": {
        "en": "the line is longer than 20 million characters; only its start is kept here",
        "nl": "de regel is langer dan 20 miljoen tekens; alleen het begin staat hier",
    },
}


def field_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """A column's name for people."""
    return FIELD_LABELS.get(name, {}).get(lang, name)


def reason_text(reason: str, lang: str = DEFAULT_LANG) -> str:
    """One stored reject reason as a sentence."""
    code, _, arg = reason.partition(":")
    if code == "bad_shape":
        shape = SHAPES.get(arg)
        return shape[lang] if shape else ("CSV: " + arg.replace("_", " "))
    template = REASONS.get(code, {}).get(lang)
    if template is None:
        return reason
    return template.format(field=field_label(arg, lang) if arg else "")


# Why a whole file cannot be read (kpi.ingest.FileUnreadable): the engine words it in English for
# the command line; the import page shows it in Dutch through these patterns. A message without a
# pattern is shown as it is, so a new reason is never hidden.
UNREADABLE_NL: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (r"^not a contact log: missing column\(s\) (.+)$", r"geen contactlog: kolom(men) \1 ontbreken"),
        (r"^column (\S+) appears twice \(as (.+) and (.+)\)$", r"kolom \1 komt twee keer voor (als \2 en \3)"),
        (r"^binary data \(NUL bytes, first on line (\d+)\): not a CSV or XLSX contact log$",
         r"binaire gegevens (NUL-tekens, eerst op regel \1): geen CSV- of XLSX-contactlog"),
        (r"^cannot decode the file: save it as UTF-8 or Windows-1252 CSV$",
         "de tekens in het bestand zijn niet te lezen: sla het op als CSV in UTF-8 of Windows-1252"),
        (r"^cannot decode the file as UTF-16 \(it is cut or damaged\): save it again$",
         "het bestand is niet te lezen als UTF-16 (het is afgebroken of beschadigd): sla het opnieuw op"),
        (r"^empty file: no header line$", "leeg bestand: geen kopregel"),
        (r"^empty sheet: no header row$", "leeg werkblad: geen kopregel"),
        (r"^no such file$", "bestand bestaat niet"),
        (r"^is a folder, not a file$", "is een map, geen bestand"),
        (r"^cannot open: (.+)$", r"kan niet worden geopend: \1"),
        (r"^old Excel \.xls format: save the sheet as \.xlsx or CSV$",
         "oud Excel-formaat .xls: sla het werkblad op als .xlsx of CSV"),
        (r"^not a readable \.xlsx file(.*)$", r"geen leesbaar .xlsx-bestand\1"),
        (r"^unsupported file type (\S+): use \.csv or \.xlsx$",
         r"bestandstype \1 wordt niet ondersteund: gebruik .csv of .xlsx"),
    )
)  # fmt: skip


def unreadable_text(message: str, lang: str = DEFAULT_LANG) -> str:
    """Why a file cannot be read, in the user's language."""
    if lang == "nl":
        for pattern, template in UNREADABLE_NL:
            if pattern.match(message):
                return pattern.sub(template, message)
    return message


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """1.234,5 in Dutch, 1,234.5 in English; '–' for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_money(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """€ 1.234 in Dutch, €1,234 in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = fmt_number(value, lang, decimals)
    return f"€ {number}" if lang == "nl" else f"€{number}"


def fmt_pct(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """A 0..1 ratio as 12% (en) or 12% (nl, with a decimal comma when decimals are asked)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return fmt_number(100 * value, lang, decimals) + "%"


def fmt_date(value: dt.date | None, lang: str = DEFAULT_LANG) -> str:
    """31-03-2026 in Dutch, 2026-03-31 in English."""
    if value is None:
        return "–"
    return value.strftime("%d-%m-%Y") if lang == "nl" else value.isoformat()


def iso_week_label(year: int, week: int, lang: str = DEFAULT_LANG) -> str:
    """'wk 14 2026' in Dutch, '2026-W14' in English."""
    return f"wk {week} {year}" if lang == "nl" else f"{year}-W{week:02d}"


def _all_texts() -> dict[str, dict[str, str]]:
    from kpi.texts import (
        access,
        common,
        dashboard,
        evidence,
        importer,
        log_contact,
        reflection,
        training,
    )

    merged: dict[str, dict[str, str]] = {}
    for module in (
        common,
        dashboard,
        log_contact,
        reflection,
        training,
        importer,
        access,
        evidence,
    ):
        for key, value in module.TEXTS.items():
            if key in merged:
                raise KeyError(f"text key {key!r} defined twice ({module.__name__})")
            merged[key] = value
    return merged


TEXTS: dict[str, dict[str, str]] = _all_texts()


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text for key in lang (English when missing), with {placeholders} filled."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
