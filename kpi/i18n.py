"""Dutch and English texts, and numbers, money and dates the way each language writes them."""

from __future__ import annotations

import datetime as dt
import math

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


def field_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """A column's name for people."""
    return FIELD_LABELS.get(name, {}).get(lang, name)


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
        reasons,
        reflection,
        training,
    )

    merged: dict[str, dict[str, str]] = {}
    modules = (
        common,
        dashboard,
        log_contact,
        reflection,
        training,
        importer,
        access,
        reasons,
        evidence,
    )
    for module in modules:
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
