"""Every setting Commitboard reads from the environment, with its default and help, in one table."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "COMMITBOARD_DB",
        "data/commitboard.duckdb",
        "The store: a DuckDB database file, or a DuckLake catalog in PostgreSQL as"
        " `ducklake:postgres:dbname=… host=… user=…` (several app servers on one store);"
        " `--db` on the command line wins over it.",
    ),
    Setting(
        "COMMITBOARD_DATA_PATH",
        "",
        "Where a DuckLake store keeps its data files: a folder every app server shares, or an"
        " `s3://` URL. Only for `COMMITBOARD_DB=ducklake:postgres:…`.",
    ),
    Setting(
        "COMMITBOARD_LANG",
        "nl",
        "The app's language until a user picks one: `nl` (Dutch) or `en` (English).",
    ),
    Setting(
        "COMMITBOARD_DEMO_CONTACTS",
        "20000",
        "How many demo contacts `make run` creates when the database is empty.",
    ),
    Setting(
        "COMMITBOARD_MEMORY_LIMIT",
        "512MB",
        "How much memory DuckDB may use in the app (e.g. `512MB`, `2GB`); it spills the rest to"
        " disk. Keeps the app process under 1 GB with 10M contacts.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    """The setting's value from the environment, else its default."""
    return os.environ.get(name) or _BY_NAME[name].default
