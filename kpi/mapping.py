"""Saved column mappings: any other export's layout, mapped once by a person, stored by name and
recognised by its headers after that (DOMAIN.md, "Contacts from a CRM export")."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from kpi import crm
from kpi import fields as F
from kpi.db import bump_version, transaction
from kpi.fields import WHITESPACE
from kpi.reasons import FileUnreadable

# What a file's column can be mapped to: Commitboard's own fields, and two a CRM export has that
# are no field of ours: the activity's subject (kept in the notes) and whether it was done.
EXTRA_TARGETS: tuple[str, ...] = ("subject", "status")
TARGETS: tuple[str, ...] = tuple(n for n in F.FIELD_NAMES if n != "commitment_status") + (
    EXTRA_TARGETS
)
# The targets read as a CRM reads them (kpi.crm's roles); the rest go in as our own files have
# them. `channel` is the activity type, its values translated (a value mapping).
_ROLE_OF: dict[str, str] = {
    "contact_id": "id",
    "contact_date": "date",
    "rep": "owner",
    "account": "account",
    "contact_person": "person",
    "channel": "type",
    "subject": "subject",
    "status": "status",
    "notes": "notes",
}
# An activity type's value becomes one of our channels or a kind of row that is not a contact.
CHANNELS: tuple[str, ...] = tuple(F.ENUMS["channel"])
NOT_A_CONTACT: tuple[str, ...] = ("task", "note", "deadline", crm.UNKNOWN_KIND)
TYPE_VALUES: tuple[str, ...] = CHANNELS + NOT_A_CONTACT
# A status's value: the activity was done (a contact), or it is planned or cancelled (not yet,
# or never, a contact).
STATUS_VALUES: tuple[str, ...] = ("done", "planned", "cancelled")
# A status value the mapping does not list (a later file's new word) is not a contact: counted
# apart under this kind, so the import result shows it, never taken for a conversation.
UNMAPPED_STATUS = "unmapped_status"


class MappingError(Exception):
    """A mapping that cannot be saved or removed; `code` names why for the UI's texts
    (name_missing, target_unknown, target_twice, required, value_unknown, not_found)."""

    def __init__(self, message: str, code: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Mapping:
    """A file's columns mapped to Commitboard's fields, with its value translations.

    headers: every header of the file it was made for (a file with the same ones, in any order
    and case, is read with it); columns: header -> target (TARGETS); channels: an activity type
    (case-folded) -> a channel or a kind of not-a-contact; statuses: a status value
    (case-folded) -> done, planned or cancelled; month_first: dates like 03/05/2026 are
    month-day (else day-month); fixed_channel: the channel of every row when no column says.
    """

    name: str
    headers: tuple[str, ...]
    columns: dict[str, str]
    channels: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    month_first: bool = False
    fixed_channel: str | None = None

    @property
    def source(self) -> str:
        """The prefix of the contact ids it makes: the name, lower-case, letters and digits."""
        return re.sub(r"[^0-9a-z]+", "-", self.name.strip(WHITESPACE).lower()).strip("-") or "map"

    @property
    def headers_key(self) -> str:
        return headers_key(self.headers)

    def to_json(self) -> str:
        return json.dumps(
            {
                "headers": list(self.headers),
                "columns": self.columns,
                "channels": self.channels,
                "statuses": self.statuses,
                "month_first": self.month_first,
                "fixed_channel": self.fixed_channel,
            },
            ensure_ascii=False,  # the columns in the file's order
        )

    @classmethod
    def from_json(cls, name: str, text: str) -> Mapping:
        spec = json.loads(text)
        return cls(
            name=name,
            headers=tuple(spec["headers"]),
            columns=dict(spec["columns"]),
            channels=dict(spec.get("channels", {})),
            statuses=dict(spec.get("statuses", {})),
            month_first=bool(spec.get("month_first", False)),
            fixed_channel=spec.get("fixed_channel"),
        )

    def layout(self) -> crm.CrmLayout:
        """The mapping as kpi.crm reads an export: the same SQL as the known CRMs' layouts."""
        types = {alias: value for alias, value in F.enum_aliases("channel").items()}
        types |= {k.strip(WHITESPACE).lower(): v for k, v in self.channels.items()}
        statuses = {
            k.strip(WHITESPACE).lower(): crm.CONTACT if v == "done" else v
            for k, v in self.statuses.items()
        }
        return crm.CrmLayout(
            source=self.source,
            signature=tuple(sorted({_key(h) for h in self.headers if _key(h)})),
            headers={_key(h): _ROLE_OF.get(t, t) for h, t in self.columns.items()},
            types=types,
            vocabularies={"status": crm.Vocabulary(statuses, other=UNMAPPED_STATUS)},
            file_kind=self.fixed_channel,
            locale_dates=True,
            month_first=self.month_first,
            exact=True,
            label=self.name,
            channels=CHANNELS,
        )


def _key(header: str) -> str:
    return header.strip(WHITESPACE).lower()


def headers_key(headers: Iterable[str]) -> str:
    """How a file is recognised by a saved mapping: its headers, case-folded and trimmed, in
    any order (blank ones left out)."""
    return "\x1f".join(sorted({_key(h) for h in headers if _key(h)}))


def check(mapping: Mapping) -> Mapping:
    """The mapping, trimmed, when it can be saved; MappingError otherwise."""
    name = mapping.name.strip(WHITESPACE)
    if not name:
        raise MappingError("a mapping needs a name", "name_missing")
    known = {_key(h) for h in mapping.headers}
    columns: dict[str, str] = {}
    for header, target in mapping.columns.items():
        if not target:
            continue
        if target not in TARGETS:
            raise MappingError(f"{target!r} is no field to map to", "target_unknown", field=target)
        if _key(header) not in known:
            raise MappingError(
                f"{header!r} is no column of the file", "target_unknown", field=header
            )
        if target in columns.values():
            raise MappingError(f"two columns are mapped to {target}", "target_twice", field=target)
        columns[header.strip(WHITESPACE)] = target
    given = set(columns.values()) | ({"channel"} if mapping.fixed_channel else set())
    missing = [n for n in F.REQUIRED if n not in given]
    if missing:
        raise MappingError(
            f"no column is mapped to {', '.join(missing)}", "required", fields=", ".join(missing)
        )
    if mapping.fixed_channel is not None and mapping.fixed_channel not in CHANNELS:
        raise MappingError(f"{mapping.fixed_channel!r} is no channel", "value_unknown")
    for value in mapping.channels.values():
        if value not in TYPE_VALUES:
            raise MappingError(f"{value!r} is no channel or kind", "value_unknown")
    for value in mapping.statuses.values():
        if value not in STATUS_VALUES:
            raise MappingError(f"{value!r} is not done, planned or cancelled", "value_unknown")
    return Mapping(
        name=name,
        headers=tuple(h.strip(WHITESPACE) for h in mapping.headers),
        columns=columns,
        channels={_key(k): v for k, v in mapping.channels.items() if _key(k)},
        statuses={_key(k): v for k, v in mapping.statuses.items() if _key(k)},
        month_first=mapping.month_first,
        fixed_channel=None if "channel" in columns.values() else mapping.fixed_channel,
    )


# -- the store -----------------------------------------------------------------------------------


def save_mapping(con: duckdb.DuckDBPyConnection, mapping: Mapping, *, by: str) -> str:
    """Save the mapping under its name (case-insensitive), replacing one of that name; returns
    "saved" or "replaced". MappingError when it cannot be used (see check())."""
    mapping = check(mapping)

    def work(c: duckdb.DuckDBPyConnection) -> str:
        removed = _remove(c, mapping.name)
        c.execute(
            "insert into crm_mappings (name, name_key, headers_key, spec, saved_by)"
            " values (?, ?, ?, ?, ?)",
            [mapping.name, _key(mapping.name), mapping.headers_key, mapping.to_json(), by],
        )
        bump_version(c)
        return "replaced" if removed else "saved"

    return transaction(con.cursor(), work)


def _remove(c: duckdb.DuckDBPyConnection, name: str) -> int:
    """Delete the mapping of that name; how many there were. Counted first, not with RETURNING,
    so the statement is one a DuckLake catalog takes too."""
    found = c.execute("select count(*) from crm_mappings where name_key = ?", [_key(name)])
    count = int(found.fetchone()[0])
    if count:
        c.execute("delete from crm_mappings where name_key = ?", [_key(name)])
    return count


def remove_mapping(con: duckdb.DuckDBPyConnection, name: str, *, by: str) -> None:
    """Remove the mapping of that name; MappingError(not_found) when there is none. Contacts
    imported with it stay."""

    def work(c: duckdb.DuckDBPyConnection) -> None:
        if not _remove(c, name):
            raise MappingError(f"there is no mapping named {name!r}", "not_found", name=name)
        bump_version(c)

    transaction(con.cursor(), work)


def mappings(con: duckdb.DuckDBPyConnection) -> list[Mapping]:
    """Every saved mapping, the newest first (the first one made for a file's headers wins)."""
    rows = (
        con.cursor()
        .execute("select name, spec from crm_mappings order by saved_at desc, name_key")
        .fetchall()
    )
    return [Mapping.from_json(name, spec) for name, spec in rows]


def get_mapping(con: duckdb.DuckDBPyConnection, name: str) -> Mapping | None:
    row = (
        con.cursor()
        .execute("select name, spec from crm_mappings where name_key = ?", [_key(name)])
        .fetchone()
    )
    return Mapping.from_json(*row) if row else None


def mappings_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The saved mappings as the Import page lists them: name, the columns mapped (header →
    field), who saved it and when."""
    rows = (
        con.cursor()
        .execute(
            "select name, spec, saved_by, saved_at from crm_mappings order by name_key",
        )
        .fetchall()
    )
    return pd.DataFrame(
        [
            (
                name,
                ", ".join(f"{h} → {t}" for h, t in Mapping.from_json(name, spec).columns.items()),
                by,
                at,
            )
            for name, spec, by, at in rows
        ],
        columns=["name", "columns", "saved_by", "saved_at"],
    )


def layouts_for_import(
    con: duckdb.DuckDBPyConnection, name: str | None = None
) -> tuple[list[crm.CrmLayout], bool]:
    """The saved mappings an import recognises files by, and whether the first one is forced
    (`kpi import --mapping NAME`); FileUnreadable(unknown_mapping) for a name not saved."""
    if name is None:
        return [m.layout() for m in mappings(con)], False
    found = get_mapping(con, name)
    if found is None:
        raise FileUnreadable("unknown_mapping", name=name)
    return [found.layout()], True


# -- suggestions ---------------------------------------------------------------------------------

# Words in a header that suggest a field, Dutch and English (a header equal to our own column
# or its Dutch name, or to a known CRM's, is taken first). Looked for as whole words, in order.
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("id", "contact_id"),
    ("nummer", "contact_id"),
    ("nr", "contact_id"),
    ("datum", "contact_date"),
    ("date", "contact_date"),
    ("dag", "contact_date"),
    ("when", "contact_date"),
    ("wanneer", "contact_date"),
    ("medewerker", "rep"),
    ("verkoper", "rep"),
    ("accountmanager", "rep"),
    ("eigenaar", "rep"),
    ("owner", "rep"),
    ("rep", "rep"),
    ("user", "rep"),
    ("gebruiker", "rep"),
    ("toegewezen", "rep"),
    ("assigned", "rep"),
    ("klant", "account"),
    ("relatie", "account"),
    ("bedrijf", "account"),
    ("organisatie", "account"),
    ("organization", "account"),
    ("company", "account"),
    ("account", "account"),
    ("contactpersoon", "contact_person"),
    ("persoon", "contact_person"),
    ("person", "contact_person"),
    ("contact", "contact_person"),
    ("soort", "channel"),
    ("type", "channel"),
    ("kanaal", "channel"),
    ("channel", "channel"),
    ("activiteit", "channel"),
    ("onderwerp", "subject"),
    ("subject", "subject"),
    ("titel", "subject"),
    ("title", "subject"),
    ("status", "status"),
    ("afgerond", "status"),
    ("done", "status"),
    ("notities", "notes"),
    ("notitie", "notes"),
    ("opmerkingen", "notes"),
    ("opmerking", "notes"),
    ("omschrijving", "notes"),
    ("verslag", "notes"),
    ("notes", "notes"),
    ("comments", "notes"),
    ("description", "notes"),
    ("omzet", "revenue"),
    ("revenue", "revenue"),
    ("offertebedrag", "quote_amount"),
)
_ROLE_TARGET = {role: target for target, role in _ROLE_OF.items()}


def suggest(headers: Sequence[str]) -> dict[str, str | None]:
    """A first guess per header (a target, or None to leave it out); each target at most once,
    the first header that suggests it."""
    guesses: dict[str, str | None] = {}
    taken: set[str] = set()

    def guess(header: str) -> str | None:
        own = F.canonical_header(header)
        if own and own in TARGETS:
            return own
        key = _key(header)
        for layout in crm.LAYOUTS:
            role = layout.headers.get(key.removeprefix(layout.prefix))
            if role in _ROLE_TARGET:
                return _ROLE_TARGET[role]
        words = re.findall(r"[0-9a-z]+", key)
        for word, target in _HEADER_WORDS:
            if word in words:
                return target
        return None

    for header in headers:
        target = guess(header) if _key(header) else None
        if target in taken:
            target = None
        if target:
            taken.add(target)
        guesses[header] = target
    return guesses


# An activity type's words -> what it is, looked for inside the value (Dutch and English).
_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("video", "video"),
    ("teams", "video"),
    ("zoom", "video"),
    ("bel", "phone"),
    ("call", "phone"),
    ("telefo", "phone"),
    ("phone", "phone"),
    ("mail", "email"),
    ("bezoek", "visit"),
    ("visit", "visit"),
    ("meeting", "visit"),
    ("afspraak", "visit"),
    ("lunch", "visit"),
    ("event", "event"),
    ("evenement", "event"),
    ("beurs", "event"),
    ("social", "social"),
    ("linkedin", "social"),
    ("taak", "task"),
    ("task", "task"),
    ("notitie", "note"),
    ("note", "note"),
    ("deadline", "deadline"),
)
_STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("annul", "cancelled"),
    ("cancel", "cancelled"),
    ("no show", "cancelled"),
    ("afgezegd", "cancelled"),
    ("niet gedaan", "planned"),
    ("not done", "planned"),
    ("to do", "planned"),
    ("te doen", "planned"),
    ("gepland", "planned"),
    ("planned", "planned"),
    ("scheduled", "planned"),
    ("open", "planned"),
    ("afgerond", "done"),
    ("gedaan", "done"),
    ("voltooid", "done"),
    ("completed", "done"),
    ("done", "done"),
    ("klaar", "done"),
)


def suggest_type(value: str) -> str:
    """A first guess for an activity type's value: a channel, or a kind of not-a-contact."""
    key = _key(value)
    aliases = F.enum_aliases("channel")
    if key in aliases:
        return aliases[key]
    for word, target in _TYPE_WORDS:
        if word in key:
            return target
    return crm.UNKNOWN_KIND


def suggest_status(value: str) -> str:
    """A first guess for a status value; yes/true/1 read as done, no/false/0 as planned."""
    key = _key(value)
    if key in F.BOOL_TRUE:
        return "done"
    if key in F.BOOL_FALSE:
        return "planned"
    for word, target in _STATUS_WORDS:
        if word in key:
            return target
    return "planned"


def suggest_month_first(dates: Iterable[str]) -> bool:
    """Whether dates like 03/05/2026 put the month first: some second number is over 12 and no
    first one is (as kpi.crm tells it for a Salesforce report); else the day comes first."""
    firsts, seconds = [], []
    for text in dates:
        found = re.match(r"\s*(\d{1,2})[-/.](\d{1,2})[-/.]\d{4}", text or "")
        if found:
            firsts.append(int(found[1]))
            seconds.append(int(found[2]))
    return any(n > 12 for n in seconds) and not any(n > 12 for n in firsts)
