"""The contact log's columns, their Dutch aliases and allowed values (DOMAIN.md, one table)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    nl: str | None
    kind: str  # text, date, enum, bool, decimal, level
    required: bool = False
    enum: str | None = None


FIELDS: tuple[Field, ...] = (
    Field("contact_id", None, "text"),
    Field("contact_date", "datum", "date", required=True),
    Field("rep", "medewerker", "text", required=True),
    Field("account", "klant", "text", required=True),
    Field("contact_person", "contactpersoon", "text"),
    Field("contact_role", "rol", "enum", enum="role"),
    Field("channel", "kanaal", "enum", required=True, enum="channel"),
    Field("appointment_planned", "afspraak_gepland", "bool"),
    Field("quote_sent", "offerte_verstuurd", "bool"),
    Field("quote_amount", "offertebedrag", "decimal"),
    Field("revenue", "omzet", "decimal"),
    Field("commitment_level", "commitment_niveau", "level"),
    Field("commitment", "commitment_omschrijving", "text"),
    Field("commitment_due", "commitment_deadline", "date"),
    Field("commitment_status", None, "enum", enum="status"),
    Field("would_repeat", "zelfde_aanpak", "enum", enum="repeat"),
    Field("reflection", "reflectie", "text"),
    Field("lesson", "les", "text"),
    Field("share_for_training", "delen_in_training", "bool"),
    Field("notes", "notities", "text"),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)

# header (case-folded, trimmed) -> canonical name
HEADER_ALIASES: dict[str, str] = {f.name: f.name for f in FIELDS} | {
    f.nl: f.name for f in FIELDS if f.nl
}

# canonical value -> accepted spellings (case-folded, trimmed); canonical first.
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "role": {
        "staff": ("staff", "medewerker"),
        "manager": ("manager",),
        "decision_maker": ("decision_maker", "beslisser"),
        "board": ("board", "directie"),
    },
    "channel": {
        "phone": ("phone", "telefoon"),
        "visit": ("visit", "bezoek"),
        "video": ("video",),
        "email": ("email", "e-mail"),
        "event": ("event", "evenement"),
        "social": ("social",),
    },
    "status": {
        "open": ("open",),
        "kept": ("kept", "nagekomen"),
        "broken": ("broken", "niet_nagekomen"),
    },
    "repeat": {
        "yes": ("yes", "ja"),
        "partly": ("partly", "deels"),
        "no": ("no", "nee"),
    },
}

BOOL_TRUE: tuple[str, ...] = ("true", "yes", "ja", "j", "y", "1")
BOOL_FALSE: tuple[str, ...] = ("false", "no", "nee", "n", "0")

LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4)
ADVANCE_LEVEL = 2  # level 2 and up is "real commitment" (an Advance)

ROSTER_ROLES: tuple[str, ...] = ("director", "rep", "trainer", "admin")

# What "trimmed" takes off both ends, in SQL and in Python alike.
WHITESPACE = " \t\r\n\u00a0"


def enum_aliases(enum: str) -> dict[str, str]:
    """Every accepted spelling of an enum -> its canonical value."""
    return {alias: value for value, aliases in ENUMS[enum].items() for alias in aliases}


def canonical_header(header: str) -> str | None:
    """The canonical column for a header as found in a file, or None when unknown."""
    return HEADER_ALIASES.get(header.strip(WHITESPACE).lower())


def has_text(column: str) -> str:
    """SQL that is true when `column` holds more than spaces: what
    `nullif(trim(column), '') is not null` says (DuckDB's trim() takes Unicode spaces off, not
    tabs or line breaks), without calling trim() on a value that starts with a visible ASCII
    character or a control character. trim() looks up the class of every character: on 10M
    contacts it made the lists of lessons and commitments scan four times as long."""
    return (
        f"(case when {column} is null then false"
        f" when ascii({column}) between 1 and 31 or ascii({column}) between 33 and 127 then true"
        f" else nullif(trim({column}), '') is not null end)"
    )
