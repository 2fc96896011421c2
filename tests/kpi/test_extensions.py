"""The DuckLake store's extensions load from their pip packages' files, offline, and a lake with
its catalog in a real PostgreSQL (a throw-away cluster) works across processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from kpi import extensions
from tests.pgcluster import PgCluster


@pytest.fixture(scope="module")
def pg():
    cluster = PgCluster()
    yield cluster
    cluster.stop()


def test_each_extension_loads_from_its_package_file_with_downloads_off():
    con = duckdb.connect(config=extensions.OFFLINE)
    extensions.load(con, "postgres_scanner", "ducklake")
    rows = con.execute(
        "select extension_name, loaded, install_mode from duckdb_extensions()"
        " where extension_name in ('ducklake', 'postgres_scanner') order by 1"
    ).fetchall()
    assert [(name, loaded) for name, loaded, _ in rows] == [
        ("ducklake", True),
        ("postgres_scanner", True),
    ]
    settings = dict(
        con.execute(
            "select name, value from duckdb_settings()"
            " where name in ('autoinstall_known_extensions', 'autoload_known_extensions')"
        ).fetchall()
    )
    assert settings == {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }


def test_a_missing_package_says_what_to_install(monkeypatch):
    monkeypatch.setitem(extensions.PACKAGES, "ducklake", "duckdb_extension_not_there")
    with pytest.raises(
        extensions.ExtensionMissing, match="pip install duckdb-extension-not-there=="
    ):
        extensions.path("ducklake")


def test_a_lake_in_postgres_is_shared_by_two_processes(pg, tmp_path):
    dsn = pg.dsn(pg.new_database())
    data = tmp_path / "lake"
    catalog, folder = f"ducklake:postgres:{dsn}", f"{data}/"
    con = duckdb.connect(config=extensions.OFFLINE)
    extensions.load(con, "postgres_scanner", "ducklake")
    q = extensions.sql_string
    con.execute(f"attach {q(catalog)} as lake (data_path {q(folder)})")
    con.execute("create table lake.t (n bigint not null, name varchar)")
    con.execute("insert into lake.t values (1, 'één'), (2, 'Łukasz')")
    other = subprocess.run(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, duckdb
            from kpi import extensions
            con = duckdb.connect(config=extensions.OFFLINE)
            extensions.load(con, "postgres_scanner", "ducklake")
            q = extensions.sql_string
            con.execute(f"attach {q(sys.argv[1])} as lake (data_path {q(sys.argv[2])})")
            con.execute("insert into lake.t values (3, 'from the other process')")
            print(con.execute("select count(*) from lake.t").fetchone()[0])
        """), catalog, folder],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert other.stdout.strip() == "3"
    assert con.execute("select n, name from lake.t order by n").fetchall() == [
        (1, "één"),
        (2, "Łukasz"),
        (3, "from the other process"),
    ]
