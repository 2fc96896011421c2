"""The store: schema version and the data version every cache is keyed on."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from kpi import contacts, db, evidence, metrics, rollups, roster
from tests.conftest import database_at_version

VALUES = {
    "contact_date": dt.date(2026, 6, 1),
    "rep": "anna@x.nl",
    "account": "Delta",
    "channel": "phone",
}


def test_every_write_after_a_reopen_changes_the_data_version(tmp_path):
    """DuckDB reports a reopened sequence's last_value as the next value and hands that same
    number out first; without the bump on open the first write after an app start left the
    version as it was, and the dashboard kept showing cached numbers without that contact."""
    path = tmp_path / "v.duckdb"
    con = db.connect(path)
    contacts.save_contact(con, VALUES)
    con.close()
    for _ in range(2):
        con = db.connect(path)
        seen = [db.data_version(con)]
        contacts.save_contact(con, VALUES)
        seen.append(db.data_version(con))
        roster.add_person(con, f"p{len(seen)}{seen[0]}@x.nl", "P", None, "rep", by="test")
        seen.append(db.data_version(con))
        con.close()
        assert seen[0] < seen[1] < seen[2], seen


def test_a_new_database_has_the_current_schema(tmp_path):
    con = db.connect(tmp_path / "new.duckdb")
    assert db.schema_version(con) == db.SCHEMA_VERSION
    con.close()


def test_the_data_version_moves_with_the_data_it_stands_for(con):
    """The version is a counter written in the same transaction as the data: another session
    never sees a new version before the data it stands for (it would cache old data under it),
    and sees both at once after the commit."""
    other = con.cursor()
    seen = {}

    def work(c):
        c.execute("insert into roster values ('a@x.nl', 'a@x.nl', 'A', null, 'rep')")
        db.bump_version(c)
        seen["version"] = db.data_version(other)
        seen["rows"] = other.execute("select count(*) from roster").fetchone()[0]

    before = db.data_version(other)
    db.transaction(con.cursor(), work)
    assert (seen["version"], seen["rows"]) == (before, 0)
    assert db.data_version(other) == before + 1
    assert other.execute("select count(*) from roster").fetchone()[0] == 1


def _schema(con) -> dict[str, list[tuple]]:
    """Every table's columns (name, type, nullable, default), in order."""
    rows = con.execute(
        "select table_name, column_name, data_type, is_nullable, column_default"
        " from information_schema.columns where table_catalog = current_database()"
        " and table_schema = 'main' order by table_name, ordinal_position"
    ).fetchall()
    tables: dict[str, list[tuple]] = {}
    for table, *column in rows:
        tables.setdefault(table, []).append(tuple(column))
    return tables


def test_a_new_store_has_the_schema_an_upgrade_reaches(tmp_path):
    """A new store gets today's schema directly (the lake cannot run the old steps); a file
    made by v1 and upgraded step by step must end up with exactly the same tables."""
    raw = database_at_version(tmp_path / "old.duckdb", 1)
    raw.close()
    upgraded = db.connect(tmp_path / "old.duckdb")
    new = db.connect(tmp_path / "new.duckdb")
    assert db.schema_version(upgraded) == db.schema_version(new) == db.SCHEMA_VERSION
    assert _schema(upgraded) == _schema(new)
    assert "contacts" in _schema(new) and "counters" in _schema(new)
    for con in (upgraded, new):
        # Nothing a DuckLake store refuses (docs/lake-design.md).
        assert con.execute("select count(*) from duckdb_sequences()").fetchone()[0] == 0
        assert (
            con.execute("select count(*) from duckdb_types() where not internal").fetchone()[0] == 0
        )
        assert (
            con.execute(
                "select count(*) from duckdb_constraints() where constraint_type not in ('NOT NULL')"
                " and database_name = current_database()"
            ).fetchone()[0]
            == 0
        )
        assert sorted(r[0] for r in con.execute("select name from counters").fetchall()) == sorted(
            db.COUNTER_NAMES
        )
        con.close()


def test_the_memory_limit_is_set_and_a_bad_one_is_refused(con):
    db.limit_memory(con, "300MB")
    assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"
    for bad in ("lots", "12 parsecs", "'; drop table contacts; --"):
        with pytest.raises(db.StoreError, match="memory limit"):
            db.limit_memory(con, bad)
    assert con.execute("select count(*) from contacts").fetchone()[0] == 0


# The four columns with a fixed list of values (enums in schema v5-v8, text since v9).
ENUM_COLUMNS = ("channel", "contact_role", "commitment_status", "would_repeat")


def _column_types(con) -> dict[str, str]:
    return dict(
        con.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_name = 'contacts' and column_name in ?",
            [list(ENUM_COLUMNS)],
        ).fetchall()
    )


def test_a_version_4_database_keeps_every_value_of_the_fixed_list_columns(tmp_path):
    path = tmp_path / "v4.duckdb"
    raw = database_at_version(path, 4)
    rows = [
        ("phone", "staff", "open", "yes", 1),
        ("visit", "decision_maker", "kept", "partly", 2),
        ("social", None, "broken", "no", 3),
        ("event", "board", None, None, 0),
    ]
    for channel, role, status, repeat, level in rows:
        raw.execute(
            "insert into contacts (contact_date, rep, rep_key, account, account_key, channel,"
            " contact_role, commitment_status, would_repeat, commitment_level, source)"
            " values (date '2026-06-01', 'a', 'a', 'X', 'x', ?, ?, ?, ?, ?, 'import')",
            [channel, role, status, repeat, level],
        )
    assert set(_column_types(raw).values()) == {"VARCHAR"}
    raw.close()

    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    # Enums from v5 to v8, text again from v9 (one schema with the lake): every value kept.
    assert set(_column_types(con).values()) == {"VARCHAR"}
    kept = con.execute(
        "select channel, contact_role, commitment_status, would_repeat, commitment_level"
        " from contacts order by id"
    ).fetchall()
    assert kept == rows
    con.close()


def test_a_version_5_database_gets_the_account_month_rollup_filled(tmp_path):
    path = tmp_path / "v5.duckdb"
    raw = database_at_version(path, 5)
    for day, rep, account, level in [
        ("2026-03-02", "a", "Acme", 1),
        ("2026-03-20", "a", "acme ", 3),
        ("2026-04-01", "b", "Acme", 4),
        ("2026-04-15", "a", "Bolt", 0),
    ]:
        raw.execute(
            "insert into contacts (contact_date, rep, rep_key, account, account_key, channel,"
            " commitment_level, source) values (?, ?, ?, ?, lower(trim(?)), 'phone', ?, 'import')",
            [day, rep, rep, account, account, level],
        )
    rollups.recount(raw)
    raw.execute("drop table account_month")  # as a version 5 file has the other rollups only
    raw.close()

    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert rollups.current(con)
    months = con.execute(
        "select rep_key, account_key, month, contacts, level_1, level_3, level_4, last_contact"
        " from account_month order by all"
    ).fetchall()
    assert months == [
        ("a", "acme", dt.date(2026, 3, 1), 2, 1, 1, 0, dt.date(2026, 3, 20)),
        ("a", "bolt", dt.date(2026, 4, 1), 1, 0, 0, 0, dt.date(2026, 4, 15)),
        ("b", "acme", dt.date(2026, 4, 1), 1, 0, 0, 1, dt.date(2026, 4, 1)),
    ]
    # Acme climbs from 3 (March) to 4 in April, read from the new rollup.
    april = metrics.momentum(con, metrics.Window(dt.date(2026, 4, 1), dt.date(2026, 4, 30)))
    assert april[["level_before", "level_in_window", "contacts_count"]].values.tolist() == [
        [3, 4, 1]
    ]
    con.close()


def test_a_version_8_database_gets_the_evidence_rollups_filled(tmp_path):
    path = tmp_path / "v8.duckdb"
    raw = database_at_version(path, 8)
    for day, rep, account, quote, revenue, level in [
        ("2026-01-01", "a", "Acme", True, None, 0),
        ("2026-01-20", "b", "acme ", False, 500, 0),
        ("2025-12-01", "b", "Bolt", False, None, 3),
        ("2026-01-05", "a", "Bolt", True, None, 0),
    ]:
        raw.execute(
            "insert into contacts (contact_date, rep, rep_key, account, account_key, channel,"
            " quote_sent, revenue, commitment_level, commitment, source)"
            " values (?, ?, ?, ?, lower(trim(?)), 'phone', ?, ?, ?, 'x', 'import')",
            [day, rep, rep, account, account, quote, revenue, level],
        )
    rollups.recount(raw)
    for table in ("revenue_basis", "quote_outcomes", "account_firsts"):
        raw.execute(f"drop table {table}")  # as a version 8 file has the other rollups only
    raw.close()

    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert rollups.current(con)
    d = dt.date
    assert con.execute(
        "select rep_key, contact_date, quick, quotes, won_30, revenue_30, won_365"
        " from quote_outcomes order by all"
    ).fetchall() == [
        ("a", d(2026, 1, 1), True, 1, 1, 500, 1),
        ("a", d(2026, 1, 5), False, 1, 0, 0, 0),
    ]
    assert con.execute("select * from account_firsts order by all").fetchall() == [
        ("a", "acme", d(2026, 1, 1), None, d(2026, 1, 1)),
        ("b", "bolt", d(2025, 12, 1), d(2025, 12, 1), None),
    ]
    assert con.execute("select account_key, revenue from revenue_basis").fetchall() == [
        ("acme", 500)
    ]
    ev = evidence.evidence(con, horizon=30, as_of=d(2026, 6, 1))
    assert (ev.quick["won"], ev.considered["quotes"], ev.considered["won"]) == (1, 1, 0)
    con.close()


# -- a schema change never lives only in the log (issue 13) ---------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def _leftovers(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != name)


def test_a_new_database_leaves_no_schema_change_in_its_log(tmp_path):
    """Before issue 13 the six migrations were committed into the new file's write-ahead log
    (v5's ALTER ... TYPE <enum> does not replay), and a kill before the first checkpoint made
    the file unopenable for good."""
    path = tmp_path / "new.duckdb"
    con = db.connect(path)
    assert _leftovers(tmp_path, "new.duckdb") == []  # no log, no scratch file
    assert db.schema_version(con) == db.SCHEMA_VERSION
    con.close()


@pytest.mark.parametrize("version", [None, 1, 2, 3, 4, 5])
def test_a_kill_right_after_the_schema_steps_commit_leaves_a_file_that_opens(tmp_path, version):
    """The moment the issue names: every step of the new or upgraded schema committed, the
    process killed before anything is checkpointed. A new database is then not there yet (the
    next open makes it); an older one is as it was, and is upgraded by the next open."""
    path = tmp_path / "team.duckdb"
    if version is not None:
        raw = database_at_version(path, version)
        raw.execute(
            "insert into contacts (contact_date, rep, rep_key, account, account_key, channel,"
            " commitment_level, source) values (date '2026-06-01', 'a', 'a', 'X', 'x', 'phone',"
            " 2, 'import')"
        )
        raw.close()
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys\n"
            "from kpi import db\n"
            "real = db.migrate\n"
            "def migrate(con):\n"
            "    real(con)\n"
            "    os._exit(9)  # committed, not checkpointed: as a SIGKILL there\n"
            "db.migrate = migrate\n"
            "db.connect(sys.argv[1])\n",
            str(path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == 9, killed.stderr
    assert path.exists() == (version is not None)
    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert con.execute("select count(*) from contacts").fetchone()[0] == (version is not None)
    con.close()
    assert _leftovers(tmp_path, "team.duckdb") == []  # the killed one's scratch file is gone


@pytest.mark.parametrize(
    ("setup", "kind", "words"),
    [
        ("newer", "newer", "schema version 99, newer than this program's"),
        ("foreign", "foreign", "a DuckDB file of another program"),
        ("text", "damaged", "damaged or not a DuckDB database"),
    ],
)
def test_a_database_that_cannot_be_used_is_refused_in_one_line(tmp_path, setup, kind, words):
    path = tmp_path / "team.duckdb"
    if setup == "text":
        path.write_text("contact_date,rep\n2026-01-05,anna@x.nl\n")
    else:
        raw = db.duckdb.connect(str(path))
        raw.execute("create table accounts (name varchar)")
        if setup == "newer":
            raw.execute("create table meta (key varchar primary key, value varchar not null)")
            raw.execute("insert into meta values ('schema_version', '99')")
        raw.close()
    before = path.read_bytes()
    with pytest.raises(db.StoreError) as caught:
        db.connect(path)
    assert caught.value.kind == kind
    message = str(caught.value)
    assert words in message and "python -m kpi recover --db" in message
    assert "\n" not in message and "Error:" not in message
    assert path.read_bytes() == before


def test_a_version_7_database_keeps_every_level_and_counts_them_recorded(tmp_path):
    path = tmp_path / "v7.duckdb"
    raw = database_at_version(path, 7)
    for day, rep, level in [("2026-03-02", "a", 0), ("2026-03-02", "a", 2), ("2026-03-03", "b", 4)]:
        raw.execute(
            "insert into contacts (contact_date, rep, rep_key, account, account_key, channel,"
            " commitment_level, commitment, source)"
            " values (?, ?, ?, 'Acme', 'acme', 'phone', ?, 'x', 'import')",
            [day, rep, rep, level],
        )
    rollups.recount(raw)
    # kpi_day as a version 7 file has it: without `recorded`.
    raw.execute("create table old_day as select * exclude (recorded) from kpi_day")
    raw.execute("drop table kpi_day")
    raw.execute("alter table old_day rename to kpi_day")
    raw.close()

    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert rollups.current(con)
    levels = con.execute("select commitment_level from contacts order by id").fetchall()
    assert levels == [(0,), (2,), (4,)]
    assert con.execute(
        "select rep_key, contact_date, contacts, recorded from kpi_day order by all"
    ).fetchall() == [("a", dt.date(2026, 3, 2), 2, 2), ("b", dt.date(2026, 3, 3), 1, 1)]
    fresh = db.connect(tmp_path / "new.duckdb")
    columns = "select column_name, data_type from duckdb_columns() where table_name = 'kpi_day'"
    assert con.execute(columns).fetchall() == fresh.execute(columns).fetchall()
    fresh.close()
    kpis = metrics.summary(con)
    assert (kpis["recorded_share"], kpis["commitment_rate"], kpis["avg_commitment"]) == (
        1.0,
        pytest.approx(2 / 3),
        2.0,
    )
    # A level may now be not recorded, and the rollups count it so.
    contacts.save_contact(con, VALUES, today=dt.date(2026, 6, 30))
    con.execute("update contacts set commitment_level = null where account = 'Delta'")
    rollups.rebuild(con)
    assert metrics.summary(con)["recorded_share"] == 0.75
    assert (
        con.execute("select not_contacts from imported_files").fetchall() == []
    )  # the column is there
    con.close()
