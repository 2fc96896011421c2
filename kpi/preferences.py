"""What a signed-in person chose for themself and keeps across sign-ins: their language.

Signing in goes through the identity provider and back to the app's front page, which loses the
language kept in the URL; the app then takes the language this person last picked.
"""

from __future__ import annotations

import duckdb

from kpi.db import transaction
from kpi.i18n import LANGS


def language_of(con: duckdb.DuckDBPyConnection, email: str) -> str | None:
    """The language this person last picked while signed in, or None."""
    row = (
        con.cursor()
        .execute("select lang from preferences where email_key = lower(trim(?))", [email])
        .fetchone()
    )
    return row[0] if row and row[0] in LANGS else None


def remember_language(con: duckdb.DuckDBPyConnection, email: str, lang: str) -> None:
    """Keep `lang` as this person's language; ValueError for an unknown language or no e-mail."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGS)}")
    if not email or not email.strip():
        raise ValueError("an e-mail address is needed to remember a language")

    # No key keeps one row per person (a lake has none): the write replaces it in one
    # transaction, done again if another server wrote the same person's row meanwhile.
    def write(c: duckdb.DuckDBPyConnection) -> None:
        c.execute("delete from preferences where email_key = lower(trim(?))", [email])
        c.execute(
            "insert into preferences values (lower(trim(?)), ?, current_timestamp)", [email, lang]
        )

    transaction(con.cursor(), write)


def forget(con: duckdb.DuckDBPyConnection, email: str) -> None:
    """Drop what was kept for this person (they left the roster)."""
    con.execute("delete from preferences where email_key = lower(trim(?))", [email])
