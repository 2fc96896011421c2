"""The write path for one contact (the form uses it): same rules as an import, one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb
import pandas as pd

from kpi import fields as F
from kpi import rollups
from kpi.db import bump_version, conflict, transaction
from kpi.ingest import UPDATE_SET, update_set, validate, write_validated


class ConflictError(Exception):
    """Someone else changed the same contact at the same moment; nothing was saved."""


@dataclass
class SaveResult:
    id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: object) -> str | None:
    """A form value as the text an import file would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


_STAGE_COLUMNS = ", ".join(f"{name} varchar" for name in F.FIELD_NAMES)
_STAGE_VALUES = ", ".join(f"${name}" for name in F.FIELD_NAMES)


def _stage_one(cur: duckdb.DuckDBPyConnection, values: dict[str, object]) -> None:
    unknown = set(values) - set(F.FIELD_NAMES)
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
    cur.execute(
        f"""
        create or replace temp table stage (
            __line integer, __shape varchar, __raw varchar, __kind varchar, {_STAGE_COLUMNS})
        """
    )
    cur.execute(
        f"insert into stage values (1, null, null, null, {_STAGE_VALUES})",
        {name: _text(values.get(name)) for name in F.FIELD_NAMES},
    )


def _errors(cur: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    reasons = cur.execute("select reasons from validated").fetchone()[0]
    errors: dict[str, list[str]] = {}
    for reason in reasons:
        code, _, column = reason.partition(":")
        errors.setdefault(column, []).append(code)
    return errors


# The form's writes in this process take turns with the other writes (kpi.db.transaction):
# 20 reps saving at the same moment wait about a second for the last one
# (tests/reliability/test_concurrency.py). A conflict with a writer elsewhere (another app
# server on a lake) is done again there; ConflictError when that keeps failing.


def _retrying(cur: duckdb.DuckDBPyConnection, work):
    """Run work(cur) in one retrying transaction; ConflictError when every try conflicted."""
    try:
        return transaction(cur, work)
    except duckdb.Error as exc:
        if not conflict(exc):
            raise
        raise ConflictError(str(exc).splitlines()[0]) from None


def _update_one(
    cur: duckdb.DuckDBPyConnection, contact: int, columns: str, rep_key: str | None
) -> SaveResult:
    """Set `columns` (an SQL set list of our own, reading the row of `validated` as v) on one
    contact, only the rep's own when rep_key is given, with its rollups, in one transaction."""

    def write(c: duckdb.DuckDBPyConnection) -> SaveResult:
        change = rollups.Change(c, [contact])
        rows = c.execute(
            f"""
            update contacts set {columns}, updated_at = current_timestamp
            from validated as v
            where contacts.id = $id and ($rep_key is null or contacts.rep_key = $rep_key)
            """,
            {"id": contact, "rep_key": rep_key},
        ).fetchone()[0]  # rows changed (a lake has no RETURNING for an update)
        if not rows:
            return SaveResult(errors={"": ["not_found"]})
        change.done()
        bump_version(c)
        return SaveResult(id=contact)

    return _retrying(cur, write)


def save_contact(
    con: duckdb.DuckDBPyConnection, values: dict[str, object], *, today: dt.date | None = None
) -> SaveResult:
    """Validate and save one new contact; errors per field (codes as in reject reasons) when invalid."""
    cur = con.cursor()
    try:
        _stage_one(cur, values)
        validate(cur, today=today)
        errors = _errors(cur)
        if errors:
            return SaveResult(errors=errors)

        def write(c: duckdb.DuckDBPyConnection) -> SaveResult:
            change = rollups.Change(c)
            _, _, base = write_validated(c, source="form", file_id=None)
            new_id = base + 1  # the form's one row is line 1 of `stage`
            change.done([new_id])  # (reserving the id moved the data version)
            return SaveResult(id=new_id)

        return _retrying(cur, write)
    finally:
        cur.close()


def update_contact(
    con: duckdb.DuckDBPyConnection,
    contact: int,
    values: dict[str, object],
    *,
    rep_key: str | None = None,
    today: dt.date | None = None,
) -> SaveResult:
    """Replace the fields of one contact (only the rep's own when rep_key is given)."""
    cur = con.cursor()
    try:
        _stage_one(cur, values)
        validate(cur, today=today)
        errors = _errors(cur)
        if errors:
            return SaveResult(errors=errors)

        columns = f"""{UPDATE_SET}, rep_key = lower(trim(v.rep)),
            account_key = lower(trim(v.account))"""
        return _update_one(cur, contact, columns, rep_key)
    finally:
        cur.close()


# What a rep adds to a contact from a CRM export (DOMAIN.md): the commitment and the two
# questions. Recording them changes these columns only (and the status that follows the level).
COMMITMENT_FIELDS: tuple[str, ...] = (
    "commitment_level",
    "commitment",
    "commitment_due",
    "would_repeat",
    "reflection",
    "lesson",
)


def record_commitment(
    con: duckdb.DuckDBPyConnection,
    contact: int,
    values: dict[str, object],
    *,
    rep_key: str | None = None,
    today: dt.date | None = None,
) -> SaveResult:
    """Record the level, commitment and the two questions on one contact (only the rep's own when
    rep_key is given): the COMMITMENT_FIELDS given in `values` change, nothing else; its other
    columns stay as the CRM's export brought them. A level must be chosen:
    missing:commitment_level otherwise."""
    unknown = set(values) - set(COMMITMENT_FIELDS) - {"rep"}  # rep: kpi.access adds it
    if unknown:
        raise ValueError(f"not a commitment field: {', '.join(sorted(unknown))}")
    values = {name: values[name] for name in COMMITMENT_FIELDS if name in values}
    if values.get("commitment_level") is None:
        return SaveResult(errors={"commitment_level": ["missing"]})
    cur = con.cursor()
    try:
        row = cur.execute(
            f"select {_AS_TEXT} from contacts where id = $id"
            " and ($rep_key is null or rep_key = $rep_key)",
            {"id": contact, "rep_key": rep_key},
        ).fetchone()
        if row is None:
            return SaveResult(errors={"": ["not_found"]})
        # Validated as the whole contact would be, so the rules across columns hold (a level 1+
        # needs a commitment); written only in COMMITMENT_FIELDS.
        stored = {f.name: plain for f, plain in zip(F.FIELDS, row, strict=True)}
        _stage_one(cur, stored | values)
        validate(cur, today=today)
        errors = _errors(cur)
        if errors:
            return SaveResult(errors=errors)

        return _update_one(cur, contact, update_set(values), rep_key)
    finally:
        cur.close()


def waiting_contacts(con: duckdb.DuckDBPyConnection, rep_key: str, limit: int = 50) -> pd.DataFrame:
    """A rep's contacts still waiting for the commitment and the two questions (from a CRM's
    export, level not recorded), the newest first; total_count says how many in all."""
    return (
        con.cursor()
        .execute(
            """
            with waiting as (
                select id, contact_date, account, contact_person, channel, notes from contacts
                where rep_key = lower(trim($rep)) and commitment_level is null
            )
            -- Counted apart, not with count(*) over (): see kpi.training's _NO_WINDOW_COUNT.
            select id, contact_date, account, contact_person, channel::varchar as channel, notes,
                   (select count(*) from waiting) as total_count
            from waiting
            order by contact_date desc, id desc limit $limit
            """,
            {"rep": rep_key, "limit": limit},
        )
        .df()
    )


def delete_contact(
    con: duckdb.DuckDBPyConnection, contact: int, *, rep_key: str | None = None
) -> bool:
    """Delete one contact (only the rep's own when rep_key is given); False when nothing matched."""
    cur = con.cursor()
    try:

        def write(c: duckdb.DuckDBPyConnection) -> bool:
            change = rollups.Change(c, [contact])
            rows = c.execute(
                "delete from contacts where id = $id and ($rep_key is null or rep_key = $rep_key)",
                {"id": contact, "rep_key": rep_key},
            ).fetchone()[0]  # rows deleted
            if rows:
                change.done()
                bump_version(c)
            return bool(rows)

        return _retrying(cur, write)
    finally:
        cur.close()


def set_commitment_status(
    con: duckdb.DuckDBPyConnection, contact: int, status: str, *, rep_key: str | None = None
) -> str | None:
    """Mark an open commitment kept or broken.

    Returns None when done, else the status someone else set first (the caller tells the user).
    """
    if status not in ("kept", "broken", "open"):
        raise ValueError(f"unknown status {status!r}")
    cur = con.cursor()
    try:

        def write(c: duckdb.DuckDBPyConnection) -> str | None:
            change = rollups.Change(c, [contact])
            rows = c.execute(
                """
                    update contacts set commitment_status = $status, updated_at = current_timestamp
                    where id = $id and commitment_status = 'open'
                      and ($rep_key is null or rep_key = $rep_key)
                    """,
                {"id": contact, "status": status, "rep_key": rep_key},
            ).fetchone()[0]  # rows changed
            if rows:
                change.done()
                bump_version(c)
                return None
            now = c.execute(
                "select commitment_status from contacts where id = ?", [contact]
            ).fetchone()
            return now[0] if now and now[0] else "missing"

        return _retrying(cur, write)
    finally:
        cur.close()


def open_commitments(
    con: duckdb.DuckDBPyConnection, rep_key: str, until: dt.date | None = None
) -> pd.DataFrame:
    """A rep's open commitments (from contacts up to `until`, when given), the earliest due first."""
    return rollups.read(
        con,
        _OPEN_COMMITMENTS.format(source="open_commitments", open="true"),
        _OPEN_COMMITMENTS.format(source="contacts", open="commitment_status = 'open'"),
        {"rep": rep_key, "until": until},
    )


# From the contacts, or from the rollups' copy of the open commitments (kpi.rollups).
_OPEN_COMMITMENTS = """
    select id, contact_date, account, contact_person, commitment_level, commitment,
           commitment_due
    from {source}
    where rep_key = lower(trim($rep)) and {open}
      and ($until is null or contact_date <= $until)
    order by commitment_due nulls last, contact_date, id
"""


# Every field, the enum columns as text (a pandas Categorical would refuse values it does not
# list, e.g. an empty string where a page fills in a blank).
_AS_TEXT = ", ".join(
    f"{f.name}::varchar as {f.name}" if f.kind == "enum" else f.name for f in F.FIELDS
)


def recent_contacts(con: duckdb.DuckDBPyConnection, rep_key: str, limit: int = 20) -> pd.DataFrame:
    """A rep's latest contacts, newest first, with every field (for editing)."""
    return (
        con.cursor()
        .execute(
            f"""
            select id, {_AS_TEXT}
            from contacts where rep_key = lower(trim($rep))
            order by contact_date desc, id desc limit $limit
            """,
            {"rep": rep_key, "limit": limit},
        )
        .df()
    )


def accounts(con: duckdb.DuckDBPyConnection, rep_key: str | None = None) -> list[str]:
    """Known account names (the spelling of each account's latest contact), the rep's own first
    when given, then the most contacted."""
    rows = rollups.read(
        con,
        _ACCOUNTS.format(
            name="arg_max(account, last_contact)", count="sum(contacts)", source="account_month"
        ),
        _ACCOUNTS.format(
            name="any_value(account order by contact_date desc)",
            count="count(*)",
            source="contacts",
        ),
        {"rep": rep_key or ""},
        fetch=lambda result: result.fetchall(),
    )
    return [r[0] for r in rows]


# From the contacts, or from their counts per rep, account and month (kpi.rollups).
_ACCOUNTS = """
    select {name} as account
    from {source} group by account_key
    order by max(case when rep_key = lower(trim($rep)) then 1 else 0 end) desc,
             {count} desc, account
    limit 5000
"""
