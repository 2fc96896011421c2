"""The command line as a person uses it: whole processes, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kpi import metrics

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def run(*args: str, check_code: int | None = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if check_code is not None:
        assert proc.returncode == check_code, proc.stderr
    return proc


@pytest.fixture
def dbfile(tmp_path) -> str:
    return str(tmp_path / "cli.duckdb")


def test_import_summary_rejects_roundtrip(dbfile, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("datum;medewerker;klant;kanaal\n31-03-2026;anna;Acme;fax\n")
    out = run("import", "--db", dbfile, str(DATA / "kpi_small.csv"), str(bad))
    assert "kpi_small.csv: 8 rows read, 8 accepted, 0 rejected" in out.stdout
    assert "bad.csv: 1 rows read, 0 accepted, 1 rejected" in out.stdout

    run("roster", "--db", dbfile, str(DATA / "roster_small.csv"))
    summary = json.loads(run("summary", "--db", dbfile, "--json", "--team", "Team Zuid").stdout)
    assert list(summary) == list(metrics.KPI_KEYS)
    assert summary["contacts"] == 2 and summary["quick_quote_share"] == 1.0

    empty = json.loads(
        run(
            "summary", "--db", dbfile, "--json", "--from", "2020-01-01", "--to", "2020-01-31"
        ).stdout
    )
    assert empty["commitment_rate"] is None and empty["contacts"] == 0

    text = run("summary", "--db", dbfile, "--rep", "ANNA@x.nl").stdout
    assert (
        "contacts" in text and "commitment_rate" in text and "–" not in text.split("commitment")[0]
    )

    listing = run("rejects", "--db", dbfile).stdout
    assert "bad.csv  2" in listing and "Channel: not one of the allowed values" in listing

    fix = tmp_path / "fix.csv"
    run("rejects", "--db", dbfile, "--csv", str(fix))
    assert "fax" in fix.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing.csv", "no such file"),
        (".", "is a folder"),
    ],
)
def test_unreadable_file_exits_2_with_one_line(dbfile, tmp_path, target, message):
    path = tmp_path / target if target != "." else tmp_path
    proc = run("import", "--db", dbfile, str(path), check_code=2)
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_bad_arguments_and_bad_roster(dbfile, tmp_path):
    proc = run("summary", "--db", dbfile, "--from", "31-03-2026", check_code=2)
    assert "not a date" in proc.stderr
    roster = tmp_path / "r.csv"
    roster.write_text("email,name,team,role\na@x.nl,A,T,boss\n")
    proc = run("roster", "--db", dbfile, str(roster), check_code=2)
    assert "line 2: role 'boss'" in proc.stderr and "Traceback" not in proc.stderr


def test_database_that_is_not_a_database(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("this is not a database")
    proc = run("summary", "--db", str(junk), check_code=1)
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
