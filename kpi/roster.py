"""The team roster: who is who (e-mail, display name, team, role)."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import duckdb
import pandas as pd

from kpi import preferences
from kpi.db import bump_version, reserve, transaction
from kpi.fields import ROSTER_ROLES

ROSTER_COLUMNS: tuple[str, ...] = ("email", "name", "team", "role")


class RosterError(Exception):
    """A roster file that cannot be loaded, or a change that cannot be made.

    The message names the line and the problem; `code` says which problem for the UI's texts
    (email_invalid, name_empty, role_invalid, exists, not_found, last_admin, file).
    """

    def __init__(self, message: str, code: str = "file") -> None:
        super().__init__(message)
        self.code = code


def parse_roster(text: str) -> list[tuple[str, str, str | None, str]]:
    """Rows of a roster CSV (`,` or `;`), checked whole: any bad line fails the file."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    headers = [h.strip().casefold() for h in reader.fieldnames or []]
    missing = [c for c in ROSTER_COLUMNS if c not in headers]
    if missing:
        raise RosterError(
            f"roster needs columns {', '.join(ROSTER_COLUMNS)}; missing {', '.join(missing)}"
        )
    reader.fieldnames = headers
    rows: list[tuple[str, str, str | None, str]] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for line, rec in enumerate(reader, start=2):
        email = (rec.get("email") or "").strip()
        name = (rec.get("name") or "").strip()
        team = (rec.get("team") or "").strip() or None
        role = (rec.get("role") or "").strip().casefold()
        if not email and not name and not role:
            continue
        if not email:
            problems.append(f"line {line}: email is empty")
        if not name:
            problems.append(f"line {line}: name is empty")
        if role not in ROSTER_ROLES:
            problems.append(f"line {line}: role {role!r} is not one of {', '.join(ROSTER_ROLES)}")
        key = email.casefold()
        if key and key in seen:
            problems.append(f"line {line}: {email} is already on line {seen[key]}")
        seen[key] = line
        rows.append((email, name, team, role))
    if problems:
        raise RosterError("; ".join(problems[:5]) + (" ..." if len(problems) > 5 else ""))
    return rows


def load_roster(
    con: duckdb.DuckDBPyConnection, path: str | os.PathLike[str], by: str = "command line"
) -> int:
    """Replace the roster with the file's rows; returns how many people are on it."""
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"{path}: no such file")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="strict")
    rows = parse_roster(text)
    return replace_roster(con, rows, by=f"{by}: {path.name}")


def replace_roster(
    con: duckdb.DuckDBPyConnection,
    rows: list[tuple[str, str, str | None, str]],
    by: str = "command line",
) -> int:
    """Replace the whole roster in one transaction, and log it."""

    def work(c: duckdb.DuckDBPyConnection) -> int:
        c.execute("delete from roster")
        if rows:
            c.executemany(
                "insert into roster values (?, lower(trim(?)), ?, ?, ?)",
                [(e, e, n, t, r) for e, n, t, r in rows],
            )
        _log(c, by, "replace", None, None, f"{len(rows)} people")
        bump_version(c)
        return len(rows)

    return transaction(con.cursor(), work)


def roster_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The roster, by team and name."""
    return (
        con.cursor()
        .execute("select email, name, team, role from roster order by team nulls last, name")
        .df()
    )


# -- one person at a time (the roster page), every change logged --------------------------------

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _describe(name: str, team: str | None, role: str) -> str:
    return " · ".join((name, team or "–", role))


def _log(
    c: duckdb.DuckDBPyConnection,
    by: str,
    action: str,
    email: str | None,
    before: str | None,
    after: str | None,
) -> None:
    c.execute(
        "insert into roster_changes (id, changed_by, action, email, before_value, after_value) "
        "values (?, ?, ?, ?, ?, ?)",
        [reserve(c, "roster_change", 1) + 1, by, action, email, before, after],
    )


def _checked(
    email: str, name: str, team: str | None, role: str
) -> tuple[str, str, str | None, str]:
    email, name, team, role = email.strip(), name.strip(), (team or "").strip() or None, role
    if not EMAIL_RE.match(email):
        raise RosterError(f"{email!r} is not an e-mail address", "email_invalid")
    if not name:
        raise RosterError("name is empty", "name_empty")
    if role not in ROSTER_ROLES:
        raise RosterError(f"role {role!r} is not one of {', '.join(ROSTER_ROLES)}", "role_invalid")
    return email, name, team, role


def _person(c: duckdb.DuckDBPyConnection, email: str) -> tuple[str, str, str | None, str] | None:
    return c.execute(
        "select email, name, team, role from roster where email_key = lower(trim(?))", [email]
    ).fetchone()


def _keep_an_admin(c: duckdb.DuckDBPyConnection, email: str) -> None:
    """Once there is an admin, the last one cannot go: nobody could manage the roster then."""
    others = c.execute(
        "select count(*) from roster where role = 'admin' and email_key <> lower(trim(?))", [email]
    ).fetchone()[0]
    if not others:
        raise RosterError(f"{email} is the last admin", "last_admin")


def add_person(
    con: duckdb.DuckDBPyConnection,
    email: str,
    name: str,
    team: str | None,
    role: str,
    *,
    by: str,
) -> None:
    """Put one person on the roster (their e-mail must be new)."""
    email, name, team, role = _checked(email, name, team, role)

    def work(c: duckdb.DuckDBPyConnection) -> None:
        if _person(c, email):
            raise RosterError(f"{email} is already on the roster", "exists")
        c.execute(
            "insert into roster values (?, lower(trim(?)), ?, ?, ?)",
            [email, email, name, team, role],
        )
        _log(c, by, "add", email, None, _describe(name, team, role))
        bump_version(c)

    transaction(con.cursor(), work)


def update_person(
    con: duckdb.DuckDBPyConnection,
    email: str,
    name: str,
    team: str | None,
    role: str,
    *,
    by: str,
) -> bool:
    """Change one person's name, team or role; False when nothing changed."""
    email, name, team, role = _checked(email, name, team, role)

    def work(c: duckdb.DuckDBPyConnection) -> bool:
        current = _person(c, email)
        if current is None:
            raise RosterError(f"{email} is not on the roster", "not_found")
        if (current[1], current[2], current[3]) == (name, team, role):
            return False
        if current[3] == "admin" and role != "admin":
            _keep_an_admin(c, email)
        c.execute(
            "update roster set name = ?, team = ?, role = ? where email_key = lower(trim(?))",
            [name, team, role, email],
        )
        _log(c, by, "change", current[0], _describe(*current[1:]), _describe(name, team, role))
        bump_version(c)
        return True

    return transaction(con.cursor(), work)


def remove_person(con: duckdb.DuckDBPyConnection, email: str, *, by: str) -> None:
    """Take one person off the roster. Their contacts stay; they just lose access."""

    def work(c: duckdb.DuckDBPyConnection) -> None:
        current = _person(c, email)
        if current is None:
            raise RosterError(f"{email} is not on the roster", "not_found")
        if current[3] == "admin":
            _keep_an_admin(c, email)
        c.execute("delete from roster where email_key = lower(trim(?))", [email])
        preferences.forget(c, email)
        _log(c, by, "remove", current[0], _describe(*current[1:]), None)
        bump_version(c)

    transaction(con.cursor(), work)


def change_log(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The newest roster changes first: when, who, what, whom, before and after."""
    return (
        con.cursor()
        .execute(
            "select changed_at, changed_by, action, email, before_value, after_value "
            "from roster_changes order by id desc limit ?",
            [limit],
        )
        .df()
    )
