"""The store: schema version and the data version every cache is keyed on."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import contacts, db, roster

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


def test_the_newest_data_version_always_means_committed_data(con):
    """Another session sees a bump made inside a transaction before that transaction commits,
    and could cache what it reads under that version; transaction() bumps again after."""
    other = con.cursor()
    seen = {}

    def work(c):
        c.execute("insert into roster values ('a@x.nl', 'a@x.nl', 'A', null, 'rep')")
        db.bump_version(c)
        seen["version"] = db.data_version(other)
        seen["rows"] = other.execute("select count(*) from roster").fetchone()[0]

    before = db.data_version(other)
    db.transaction(con.cursor(), work)
    assert seen["version"] > before and seen["rows"] == 0  # the bump shows, the row does not
    assert db.data_version(other) > seen["version"]  # so the version moves on after the commit


def test_the_memory_limit_is_set_and_a_bad_one_is_refused(con):
    db.limit_memory(con, "300MB")
    assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "286.1 MiB"
    for bad in ("lots", "12 parsecs", "'; drop table contacts; --"):
        with pytest.raises(db.StoreError, match="memory limit"):
            db.limit_memory(con, bad)
    assert con.execute("select count(*) from contacts").fetchone()[0] == 0
