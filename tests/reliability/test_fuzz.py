"""A short fuzz run of the importer in the suite; `make fuzz` runs the long one."""

from __future__ import annotations

import pytest

from kpi import db, ingest
from tests.reliability.fuzz_import import run

HEADER = "contact_date,rep,account,channel\n2026-03-31,anna,Acme,phone\n"


def test_generated_files_keep_every_promise(tmp_path):
    stats, failures = run(files=25, seed=12, folder=tmp_path)
    assert failures == []
    assert stats.files == 25
    assert stats.rows_read == stats.accepted + stats.rejected
    assert stats.accepted and stats.rejected  # the run did exercise both


@pytest.mark.parametrize("damage", ["cut", "odd byte"])
def test_a_damaged_utf16_file_is_refused_as_unreadable(tmp_path, damage):
    data = HEADER.encode("utf-16")
    data = data[:-1] if damage == "cut" else data[:20] + b"\x00\xd8" + data[20:]
    path = tmp_path / "damaged.csv"
    path.write_bytes(data)
    con = db.connect(tmp_path / "db.duckdb")
    try:
        with pytest.raises(ingest.FileUnreadable):
            ingest.import_file(con, path)
        assert con.execute("select count(*) from contacts").fetchone()[0] == 0
    finally:
        con.close()
