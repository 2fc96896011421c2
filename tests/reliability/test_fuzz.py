"""A short fuzz run of the importer in the suite; `make fuzz` runs the long one."""

from __future__ import annotations

import pytest

from kpi import db, ingest
from tests.reliability.fuzz_import import run

HEADER = "contact_date,rep,account,channel\n2026-03-31,anna,Acme,phone\n"


def known(failure: str) -> bool:
    """The damaged-UTF-16 bug below, until ingest is fixed (its xfail test then says so)."""
    return "(utf-16, mangled=True): UnicodeDecodeError" in failure


def test_generated_files_keep_every_promise(tmp_path):
    stats, failures = run(files=25, seed=12, folder=tmp_path)
    assert [f for f in failures if not known(f)] == []
    assert stats.files == 25
    assert stats.rows_read == stats.accepted + stats.rejected
    assert stats.accepted and stats.rejected  # the run did exercise both


@pytest.mark.xfail(
    strict=True,
    reason="ingest trusts a UTF-16 BOM without decoding the whole file: a cut or damaged "
    "UTF-16 file raises UnicodeDecodeError (a traceback on the import page; exit 1, not 2, on "
    "the command line). Found by the fuzz run; the fix belongs in ingest._detect_encoding.",
)
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
