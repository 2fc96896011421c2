"""The store: schema version and the data version every cache is keyed on."""

from __future__ import annotations

import datetime as dt

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
