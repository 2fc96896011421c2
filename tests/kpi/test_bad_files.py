"""Bad files through the command line: exit 2 with one line, or 0 with the rows kept as rejects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEADER = "contact_date,rep,account,channel,notes\n"
GOOD = "2026-03-31,anna,Acme,phone,ok\n"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def counts(dbfile: Path) -> tuple[int, int, int]:
    import duckdb

    con = duckdb.connect(str(dbfile), read_only=True)
    try:
        return con.execute(
            "select (select count(*) from contacts), (select count(*) from rejects),"
            " (select count(*) from imported_files)"
        ).fetchone()
    finally:
        con.close()


def make(tmp_path: Path, name: str, content: bytes | None) -> Path:
    path = tmp_path / name
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    return path


UNREADABLE = [
    ("empty.csv", b"", "empty file"),
    ("binary.csv", bytes(range(256)) * 8, "binary data"),
    ("nul.csv", (HEADER + "2026-03-31,a,b,phone,x\x00y\n").encode(), "NUL bytes, first on line 2"),
    ("report.pdf", (HEADER + GOOD).encode(), "unsupported file type .pdf"),
    ("sheet.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel .xls"),
    ("cp.csv", b"datum;klant\n\x81\x8d\x8f\x90\x9d\n", "cannot decode"),
    ("folder", None, "is a folder"),
]


@pytest.mark.parametrize(("name", "content", "reason"), UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_unreadable_file_exits_2_and_changes_nothing(tmp_path, name, content, reason):
    dbfile = tmp_path / "db.duckdb"
    assert (
        cli("import", "--db", str(dbfile), str(ROOT / "tests/data/kpi_small.csv")).returncode == 0
    )
    before = counts(dbfile)
    path = make(tmp_path, name, content)
    proc = cli("import", "--db", str(dbfile), str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert counts(dbfile) == before


READABLE = [
    ("header_only.csv", HEADER.encode(), 0, 0),
    ("utf16.csv", (HEADER + GOOD).encode("utf-16"), 1, 0),
    ("crlf.csv", (HEADER + GOOD + "2026-03-31,a,b,fax,x\n").replace("\n", "\r\n").encode(), 1, 1),
    ("unbalanced.csv", (HEADER + '2026-03-31,a,b,phone,"open\n' + GOOD).encode(), 0, 1),
    (
        "bigfield.csv",
        (HEADER + "2026-03-31,a,b,phone," + "x" * 5_000_000 + "\n" + GOOD).encode(),
        2,
        0,
    ),
    ("wrong_ext.txt", (HEADER + GOOD).encode(), 1, 0),
]


@pytest.mark.parametrize(
    ("name", "content", "accepted", "rejected"), READABLE, ids=[r[0] for r in READABLE]
)
def test_readable_file_exits_0_with_every_row_accounted(
    tmp_path, name, content, accepted, rejected
):
    dbfile = tmp_path / "db.duckdb"
    path = make(tmp_path, name, content)
    proc = cli("import", "--db", str(dbfile), "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["accepted"], out["rejected"]) == (accepted, rejected)
    assert counts(dbfile)[:2] == (accepted, rejected)


def test_unbalanced_quote_keeps_the_rest_of_the_file_in_the_reject(tmp_path):
    import duckdb

    dbfile = tmp_path / "db.duckdb"
    path = make(tmp_path, "q.csv", (HEADER + GOOD + '2026-03-31,a,b,phone,"open\n' + GOOD).encode())
    assert cli("import", "--db", str(dbfile), str(path)).returncode == 0
    con = duckdb.connect(str(dbfile), read_only=True)
    line, raw, reasons = con.execute("select line, raw, reasons from rejects").fetchone()
    con.close()
    assert (line, reasons) == (3, ["bad_shape:unterminated_quote"])
    assert raw == '2026-03-31,a,b,phone,"open\n' + GOOD


def test_database_in_use_by_another_process_is_named(tmp_path):
    dbfile = tmp_path / "db.duckdb"
    assert (
        cli("import", "--db", str(dbfile), str(ROOT / "tests/data/kpi_small.csv")).returncode == 0
    )
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(dbfile)!r}); print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        proc = cli("summary", "--db", str(dbfile))
        assert proc.returncode == 1
        line = proc.stderr.strip()
        assert "in use" in line and f"PID {holder.pid}" in line and "Traceback" not in line
        assert len(line.splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert cli("summary", "--db", str(dbfile)).returncode == 0
    assert os.path.exists(dbfile)
