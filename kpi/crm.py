"""CRM activity exports (HubSpot, Salesforce, Pipedrive) as they come: each layout is data (its
headers and value vocabularies), turned into SQL over the file's text columns (DOMAIN.md,
"Contacts from a CRM export")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from kpi import fields as F
from kpi.fields import WHITESPACE
from kpi.reasons import FileUnreadable

# What a CRM column can stand for. Each becomes SQL over one file column (or null when absent).
ROLES: tuple[str, ...] = (
    "id",  # the CRM's own id of the activity
    "date",  # when it was (planned), date and maybe a time
    "done_date",  # when it was marked done (Pipedrive): preferred over date
    "owner",  # the rep: an e-mail, a display name or a CRM user id
    "account",
    "person",
    "subject",
    "type",  # call, meeting, email, task ...
    "subtype",  # Salesforce Data Loader: TaskSubtype / EventSubtype, when Type is empty
    "status",  # Salesforce: Completed or not yet
    "outcome",  # how a call or meeting went: No answer, Scheduled, No show ...
    "done",  # Pipedrive: Done / To do
    "notes",
)
# A type's value: one of these channels is a contact; any other value names a kind of row that
# is not a contact.
CHANNELS: tuple[str, ...] = ("phone", "visit", "video", "email")
CONTACT = ""  # in a status vocabulary: the row is a contact
UNKNOWN_KIND = "other_activity"  # an activity type no vocabulary knows: not a contact

_CALL_ATTEMPTS = {
    "no answer": "call_attempt",
    "busy": "call_attempt",
    "left voicemail": "call_attempt",
    "wrong number": "call_attempt",
}


@dataclass(frozen=True)
class Vocabulary:
    """Values of a status-like column (case-folded) -> CONTACT or the kind of not-a-contact;
    `other` for any other non-empty value. An empty value is a contact."""

    values: dict[str, str]
    other: str = CONTACT


@dataclass(frozen=True)
class CrmLayout:
    """One CRM's export: recognised when every `signature` header is there (case-folded, with or
    without `prefix`); `headers` maps a header to its role (the first of a role in the file
    counts); `kind_headers` tells a file's one activity type by a column it has (HubSpot writes
    one type per file); `types` maps an activity type to a channel or a not-a-contact kind."""

    source: str
    signature: tuple[str, ...]
    headers: dict[str, str]
    types: dict[str, str]
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    kind_headers: dict[str, str] = field(default_factory=dict)
    prefix: str = ""
    footers: tuple[str, ...] = ()  # rows that are no data (a report's totals and notices)
    # Dates in the user's locale: day first (nl, en-GB) or month first (en-US), told per file
    # (date_order_sql), or fixed by a saved mapping (month_first not None).
    locale_dates: bool = False
    month_first: bool | None = None
    # A saved mapping (kpi.mapping) is recognised by exactly its file's headers, not by a
    # signature among others; `label` is its name as the import result shows it.
    exact: bool = False
    label: str = ""
    channels: tuple[str, ...] = CHANNELS  # the type values that are a contact
    file_kind: str | None = None  # every row's activity type when no column tells it


_COMMON_TYPES = {"call": "phone", "meeting": "visit", "email": "email", "task": "task"}

HUBSPOT = CrmLayout(
    source="hubspot",
    signature=("record id", "activity date", "activity assigned to"),
    headers={
        "record id": "id",
        "activity date": "date",
        "activity assigned to": "owner",
        "associated company": "account",
        "associated contact": "person",
        "call title": "subject",
        "meeting name": "subject",
        "email subject": "subject",
        "task title": "subject",
        "activity type": "type",
        "call outcome": "outcome",
        "meeting outcome": "outcome",
        "call notes": "notes",
        "meeting description": "notes",
        "email body": "notes",
        "note body": "notes",
    },
    types=_COMMON_TYPES | {"note": "note"},
    vocabularies={
        "outcome": Vocabulary(
            _CALL_ATTEMPTS
            | {
                "scheduled": "planned",
                "rescheduled": "planned",
                "no show": "cancelled",
                "canceled": "cancelled",
                "cancelled": "cancelled",
            }
        )
    },
    kind_headers={
        "call outcome": "call",
        "call title": "call",
        "meeting outcome": "meeting",
        "meeting name": "meeting",
        "email subject": "email",
        "task title": "task",
        "note body": "note",
    },
)
# A report ("Details Only", CSV or XLSX).
SALESFORCE_REPORT = CrmLayout(
    source="salesforce",
    signature=("assigned", "subject", "date", "company / account"),
    headers={
        "activity id": "id",
        "assigned": "owner",
        "subject": "subject",
        "date": "date",
        "company / account": "account",
        "contact": "person",
        "type": "type",
        "status": "status",
        "call result": "outcome",
        "comments": "notes",
    },
    types=_COMMON_TYPES | {"event": "visit", "other": UNKNOWN_KIND},
    vocabularies={
        "status": Vocabulary({"completed": CONTACT}, other="planned"),
        "outcome": Vocabulary(_CALL_ATTEMPTS),
    },
    locale_dates=True,
    footers=(
        r"Grand Totals \(\d+ records?\)",
        r"Confidential Information - Do Not Distribute",
        r"Copyright \(c\) .*salesforce\.com, inc\..*",
    ),
)
# A Data Loader export of Task or Event (API names; their case differs between versions).
SALESFORCE_DATA_LOADER = CrmLayout(
    source="salesforce",
    signature=("id", "ownerid", "activitydate"),
    headers={
        "id": "id",
        "ownerid": "owner",
        "activitydate": "date",
        "accountid": "account",
        "whatid": "account",
        "whoid": "person",
        "subject": "subject",
        "type": "type",
        "tasksubtype": "subtype",
        "eventsubtype": "subtype",
        "status": "status",
        "calldisposition": "outcome",
        "description": "notes",
    },
    types=_COMMON_TYPES | {"event": "visit", "listemail": "mass_email", "other": UNKNOWN_KIND},
    vocabularies={
        "status": Vocabulary({"completed": CONTACT}, other="planned"),
        "outcome": Vocabulary(_CALL_ATTEMPTS),
    },
)
PIPEDRIVE = CrmLayout(
    source="pipedrive",
    signature=("subject", "type", "done", "assigned to user"),
    prefix="activity - ",
    headers={
        "id": "id",
        "subject": "subject",
        "type": "type",
        "note": "notes",
        "due date": "date",
        "marked as done time": "done_date",
        "assigned to user": "owner",
        "organization": "account",
        "contact person": "person",
        "done": "done",
    },
    types=_COMMON_TYPES | {"lunch": "visit", "deadline": "deadline"},
    vocabularies={
        "done": Vocabulary(
            {
                "done": CONTACT,
                "to do": "planned",
                "true": CONTACT,
                "false": "planned",
                "1": CONTACT,
                "0": "planned",
            }
        )
    },
)
LAYOUTS: tuple[CrmLayout, ...] = (HUBSPOT, SALESFORCE_REPORT, SALESFORCE_DATA_LOADER, PIPEDRIVE)
# The order in which a row's kinds are looked at: what it is, then whether it happened.
_KIND_ORDER: tuple[str, ...] = ("status", "done", "outcome")


@dataclass(frozen=True)
class Match:
    """A file recognised as a CRM layout: which column holds each role, the file's one activity
    type when its columns tell it, and the headers no role takes."""

    layout: CrmLayout
    columns: dict[str, int]
    file_kind: str | None
    ignored: list[str]
    month_first: bool = False  # its locale dates put the month first (see date_order_sql)

    @property
    def source(self) -> str:
        return self.layout.source

    @property
    def name(self) -> str:
        """What the import result calls the layout: the CRM, or the saved mapping's name."""
        return self.layout.label or self.layout.source

    def is_footer(self, record: list[str]) -> bool:
        """Whether a record is one of the layout's footer rows (one cell filled, a known text)."""
        cells = [v.strip(WHITESPACE) for v in record if v and v.strip(WHITESPACE)]
        return len(cells) == 1 and any(re.fullmatch(p, cells[0]) for p in self.layout.footers)

    def fields(self) -> set[str]:
        """The canonical columns this file gives; an upsert changes only these."""
        given = {"contact_id", "contact_date", "rep", "account", "channel"}
        if "person" in self.columns:
            given.add("contact_person")
        if "subject" in self.columns or "notes" in self.columns:
            given.add("notes")
        # A saved mapping may give Commitboard's own columns as well (revenue, a level ...).
        return given | (set(self.columns) & set(F.FIELD_NAMES))


def _key(header: str, prefix: str) -> str:
    key = header.strip(WHITESPACE).lower()
    return key[len(prefix) :] if prefix and key.startswith(prefix) else key


def recognise(
    headers: list[str], saved: Sequence[CrmLayout] = (), forced: bool = False
) -> Match | None:
    """The CRM layout whose signature headers the file has, else the saved mapping made for
    exactly these headers (newest first in `saved`), or None. `forced`: the file is read with
    saved[0], whatever else its headers say; FileUnreadable when a column it maps is not there."""
    if forced:
        wanted = {key for key in saved[0].headers}
        missing = sorted(wanted - {_key(h, "") for h in headers})
        if missing:
            raise FileUnreadable(
                "mapping_mismatch", name=saved[0].label, columns=", ".join(missing)
            )
    candidates = saved[:1] if forced else (*LAYOUTS, *saved)
    for layout in candidates:
        keys = [_key(h, layout.prefix) for h in headers]
        if layout.exact and not forced:
            if set(layout.signature) != {k for k in keys if k}:
                continue
        elif not set(layout.signature) <= set(keys):
            continue
        columns: dict[str, int] = {}
        ignored: list[str] = []
        for i, key in enumerate(keys):
            role = layout.headers.get(key)
            if role is None or role in columns:
                if headers[i].strip(WHITESPACE):
                    ignored.append(headers[i].strip(WHITESPACE))
                continue
            columns[role] = i
        file_kind = next(
            (kind for h, kind in layout.kind_headers.items() if h in keys), layout.file_kind
        )
        return Match(layout, columns, file_kind, ignored, bool(layout.month_first))
    return None


def params(con: duckdb.DuckDBPyConnection, match: Match) -> dict[str, object]:
    """The values the SQL of select_list() binds: the layout's vocabularies and the roster's
    names (a small table: read once per import)."""
    layout = match.layout
    out: dict[str, object] = {
        "crm_source": layout.source,
        "crm_file_kind": match.file_kind,
        "crm_type_k": list(layout.types),
        "crm_type_v": list(layout.types.values()),
        "crm_channels": list(layout.channels),
        "crm_unknown": UNKNOWN_KIND,
    }
    for role in _KIND_ORDER:
        vocabulary = layout.vocabularies.get(role)
        if vocabulary is not None and role in match.columns:
            out[f"crm_{role}_k"] = list(vocabulary.values)
            out[f"crm_{role}_v"] = list(vocabulary.values.values())
            out[f"crm_{role}_other"] = vocabulary.other
    # A name two people share on the roster matches neither: the rep stays as the CRM wrote it.
    names: dict[str, str | None] = {}
    for name, email in con.execute("select name, email from roster order by email_key").fetchall():
        key = name.strip(WHITESPACE).lower()
        names[key] = None if key in names else email
    names = {key: email for key, email in names.items() if email is not None}
    if names:
        out["crm_names_k"] = list(names)
        out["crm_names_v"] = list(names.values())
    return out


def date_order_sql(match: Match, reader: str) -> str | None:
    """SQL over `reader` (file columns c0..cN) that says whether the file's locale dates put the
    month first: some date's second number is over 12 and no date's first one is. Otherwise the
    day comes first (nl, en-GB), and a date that is no date that way is rejected; a file whose
    every day is 12 or less reads day first (a Dutch team's export). None for a layout without
    locale dates."""
    if not match.layout.locale_dates or "date" not in match.columns:
        return None
    if match.layout.month_first is not None:  # a saved mapping says which
        return None
    part = (
        "try_cast(regexp_extract(d, '^(\\d{{1,2}})[-/.](\\d{{1,2}})[-/.]\\d{{4}}', {n}) as integer)"
    )
    return (
        f"select coalesce(bool_or({part.format(n=2)} > 12), false)"
        f" and not coalesce(bool_or({part.format(n=1)} > 12), false)"
        f" from (select trim(c{match.columns['date']}) as d from {reader})"
    )


def _date(text: str, month_first: bool = False) -> str:
    """SQL: a CRM's date text as ISO text (its time of day dropped): ISO with a time, a locale
    date with the day first (5-3-2026, 05/03/2026, 5.3.2026; the month first when told), or an
    Excel serial number (an .xlsx cell without a date format). Anything else stays as it is:
    the validation rejects it as a bad date."""
    formats = (
        "['%m-%d-%Y', '%m/%d/%Y', '%m.%d.%Y']"
        if month_first
        else "['%d-%m-%Y', '%d/%m/%Y', '%d.%m.%Y']"
    )
    return (
        f"case when {text} is null then null"
        f" when regexp_full_match({text}, '\\d{{4}}-\\d{{2}}-\\d{{2}}([ T].*)?') then left({text}, 10)"
        f" when regexp_full_match({text}, '\\d{{1,2}}[-/.]\\d{{1,2}}[-/.]\\d{{4}}([ ,T].*)?')"
        f" then coalesce(try_strptime(regexp_extract({text}, '^[0-9./-]+'),"
        f" {formats})::date::varchar, "
        f"{text})"
        f" when regexp_full_match({text}, '\\d{{5}}(\\.\\d+)?')"
        f" then (date '1899-12-30' + floor({text}::double)::integer)::varchar"
        f" else {text} end"
    )


def select_list(match: Match, bound: set[str]) -> dict[str, str]:
    """SQL per canonical column (text, as a file would hold it) and for `__kind` (the kind of a
    row that is not a contact, else null), over file columns c0..cN. `bound` names the params()
    given, so SQL is only written for what was bound."""
    cols = match.columns

    def raw(role: str) -> str:
        return f"nullif(trim(c{cols[role]}, $ws), '')" if role in cols else "null::varchar"

    def low(role: str) -> str:
        return f"lower({raw(role)})"

    kind_type = f"coalesce({low('type')}, {low('subtype')}, $crm_file_kind)"
    type_value = f"map($crm_type_k, $crm_type_v)[{kind_type}]"
    channel = f"case when list_contains($crm_channels, {type_value}) then {type_value} end"
    kinds = [
        f"case when {kind_type} is null or {type_value} is null then $crm_unknown"
        f" when not list_contains($crm_channels, {type_value}) then {type_value} end"
    ]
    for role in _KIND_ORDER:
        if f"crm_{role}_k" in bound:
            value = low(role)
            kinds.append(
                f"nullif(case when {value} is null then ''"
                f" else coalesce(map($crm_{role}_k, $crm_{role}_v)[{value}], $crm_{role}_other)"
                " end, '')"
            )
    date_text = f"coalesce({raw('done_date')}, {raw('date')})"
    # An activity dated after today has not happened yet, whatever its status says (a Data
    # Loader export of Event has no status at all).
    kinds.append(
        f"case when try_cast({_date(date_text, match.month_first)} as date) > $today then 'planned' end"
    )
    owner = raw("owner")
    rep = (
        f"case when strpos({owner}, '@') > 0 then {owner}"
        f" else coalesce(map($crm_names_k, $crm_names_v)[lower({owner})], {owner}) end"
        if "crm_names_k" in bound
        else owner
    )
    # Without an id (a report without "Activity ID"), the row's own content makes one: the same
    # activity in two overlapping exports is then one contact.
    made = (
        "md5(concat_ws('|', "
        + ", ".join(
            f"coalesce({part}, '')"
            for part in (
                _date(date_text, match.month_first),
                f"lower({owner})",
                low("account"),
                raw("subject"),
                kind_type,
            )
        )
        + "))"
    )
    # A saved mapping's columns of Commitboard's own fields go in as the file has them, for
    # the validation to read as it reads our own files (dates in the mapping's order).
    own = {
        name: _date(raw(name), match.month_first) if F.BY_NAME[name].kind == "date" else raw(name)
        for name in cols
        if name in F.BY_NAME
    }
    return own | {
        "contact_id": f"$crm_source || ':' || coalesce({raw('id')}, {made})",
        "contact_date": _date(date_text, match.month_first),
        "rep": rep,
        "account": raw("account"),
        "contact_person": raw("person"),
        "channel": channel,
        "notes": f"nullif(concat_ws(' | ', {raw('subject')}, {raw('notes')}), '')",
        "__kind": f"coalesce({', '.join(kinds)})",
    }
