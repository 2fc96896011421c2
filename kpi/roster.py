"""The team roster: who is who (e-mail, display name, team, role)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import duckdb
import pandas as pd

from kpi.db import bump_version, transaction
from kpi.fields import ROSTER_ROLES

ROSTER_COLUMNS: tuple[str, ...] = ("email", "name", "team", "role")


class RosterError(Exception):
    """A roster file that cannot be loaded; the message names the line and the problem."""


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


def load_roster(con: duckdb.DuckDBPyConnection, path: str | os.PathLike[str]) -> int:
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
    return replace_roster(con, rows)


def replace_roster(
    con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str | None, str]]
) -> int:
    """Replace the whole roster in one transaction."""

    def work(c: duckdb.DuckDBPyConnection) -> int:
        c.execute("delete from roster")
        if rows:
            c.executemany(
                "insert into roster values (?, lower(trim(?)), ?, ?, ?)",
                [(e, e, n, t, r) for e, n, t, r in rows],
            )
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
