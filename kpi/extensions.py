"""DuckDB extensions from their PyPI packages, loaded from the installed files: never downloaded.

DuckDB would fetch a missing extension from its own servers at run time (auto-install) and load
one by itself when a query needs it (auto-load). Commitboard switches both off and loads each
extension it uses from the file its `duckdb-extension-*` package (pinned to DuckDB's version in
requirements.txt) installed, so a machine without internet runs exactly what was tested.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import duckdb

# Extension name -> the package that ships it. The postgres scanner's file only loads under the
# name postgres_scanner (its package is duckdb-extension-postgres-scanner).
PACKAGES: dict[str, str] = {
    "ducklake": "duckdb_extension_ducklake",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
}
# Passed to duckdb.connect: nothing installed or loaded behind our back.
OFFLINE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class ExtensionMissing(Exception):
    """An extension's package is not installed, or was built for another DuckDB version."""


def path(name: str) -> Path:
    """The extension file for this DuckDB version; raises ExtensionMissing with what to install."""
    package = PACKAGES[name]
    wanted = f"pip install {package.replace('_', '-')}=={duckdb.__version__}"
    try:
        module = importlib.import_module(package)
    except ImportError:
        raise ExtensionMissing(f"DuckDB extension {name} is not installed: {wanted}") from None
    folder = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    found = folder / f"{name}.duckdb_extension"
    if not found.is_file():
        raise ExtensionMissing(
            f"DuckDB extension {name} is not there for DuckDB {duckdb.__version__}: {wanted}"
        )
    return found


def load(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """LOAD each extension from its package's file, with auto-install and auto-load off."""
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set autoload_known_extensions = false")
    for name in names:
        con.execute("load " + sql_string(str(path(name))))


def sql_string(text: str) -> str:
    """`text` as an SQL string literal, for the statements that take no parameters (LOAD,
    ATTACH): quotes doubled, nothing else to escape in DuckDB's string syntax."""
    return "'" + text.replace("'", "''") + "'"
