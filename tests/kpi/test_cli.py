"""The command line as a person uses it: whole processes, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import pty
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
    assert out.stderr == ""  # no progress line for a pipe (stage_line)
    assert "bad.csv: 1 rows read, 0 accepted, 1 rejected" in out.stdout

    run("roster", "--db", dbfile, str(DATA / "roster_small.csv"))
    summary = json.loads(run("summary", "--db", dbfile, "--json", "--team", "Team Zuid").stdout)
    assert list(summary) == [*metrics.KPI_KEYS, "recorded_share"]
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


def on_a_terminal(*args: str) -> tuple[subprocess.CompletedProcess, str]:
    """The command with its stderr on a pseudo-terminal, as a person at a shell has it: the
    process, and what the terminal was sent (stdout stays a pipe)."""
    terminal, its_end = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kpi", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=its_end,
            text=True,
            timeout=120,
        )
    finally:
        os.close(its_end)
    sent = b""
    try:
        while chunk := os.read(terminal, 4096):
            sent += chunk
    except OSError:  # Linux: EIO once the other end is closed and all is read
        pass
    finally:
        os.close(terminal)
    return proc, sent.decode()


def test_a_terminal_sees_what_an_import_is_doing_and_the_line_goes_after(dbfile, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n")  # unreadable once read: no required column
    good = str(DATA / "kpi_small.csv")
    proc, shown = on_a_terminal("import", "--db", dbfile, good, str(bad))
    assert proc.returncode == 2
    assert f"{good}: 8 rows read, 8 accepted, 0 rejected" in proc.stdout
    assert "..." not in proc.stdout
    # Each stage in turn on one line, overwritten in place, and the line cleared after.
    stages = [f"{good}: {s}..." for s in ("reading", "checking every row", "saving")]
    frames = [frame.strip() for frame in shown.split("\r")]
    assert [f for f in frames if f.startswith(good)] == stages
    assert frames[frames.index(stages[-1]) + 1] == ""
    # The second file's error starts on a line cleared of its "reading...".
    reading = frames.index(f"{bad}: reading...")
    assert frames[reading + 1] == "" and frames[reading + 2].startswith(f"error: {bad}: ")
    assert "Traceback" not in shown


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


def test_evidence_json_contract(dbfile):
    """The keys a script relies on; kpi_small.csv as of 2026-12-31 with a 30-day horizon: Acme's
    three quotes and Beta's one are decided, Gamma's quote (2026-05-01) is followed by Cees'
    order the next day."""
    run("import", "--db", dbfile, str(DATA / "kpi_small.csv"))
    out = run(
        "evidence", "--db", dbfile, "--json", "--horizon", "30", "--as-of", "2026-12-31"
    ).stdout
    found = json.loads(out)
    assert list(found) == ["horizon_days", "as_of", "quick", "considered", "lift", "open_quotes"]
    keys = ["quotes", "won", "win_rate", "win_rate_low", "win_rate_high", "revenue_per_quote"]
    assert list(found["quick"]) == keys and list(found["considered"]) == keys
    assert (found["horizon_days"], found["as_of"], found["open_quotes"]) == (30, "2026-12-31", 0)
    # Quick: C02 (Acme, 36 days after the advance: considered), C04 (91 days after), C06 (Beta,
    # after Bram's level 3 two weeks before: considered), C07 (Gamma, no advance before): quick.
    assert (found["quick"]["quotes"], found["quick"]["won"]) == (2, 1)
    assert found["quick"]["revenue_per_quote"] == pytest.approx(250.25)
    assert (found["considered"]["quotes"], found["considered"]["won"]) == (3, 0)
    assert found["considered"]["win_rate_low"] == 0.0 and found["lift"] == 0.0

    nothing = json.loads(
        run(
            "evidence", "--db", dbfile, "--json", "--from", "2020-01-01", "--to", "2020-12-31"
        ).stdout
    )
    assert nothing["quick"]["win_rate"] is None and nothing["lift"] is None
    assert nothing["horizon_days"] == 180

    text = run("evidence", "--db", dbfile, "--as-of", "2026-12-31").stdout
    assert "considered" in text and "lift (considered / quick win rate): 0.00" in text

    bad = run("evidence", "--db", dbfile, "--horizon", "0", check_code=2)
    assert "not a number of days" in bad.stderr


def test_goals_set_list_remove(dbfile):
    run("import", "--db", dbfile, str(DATA / "kpi_small.csv"))
    run("roster", "--db", dbfile, str(DATA / "roster_small.csv"))
    goal = ("goals", "set", "--db", dbfile, "--kpi")
    out = run(*goal, "contacts", "--target", "3", "--period", "year", "--rep", "anna@x.nl")
    assert out.stdout == "goal set: contacts for anna@x.nl\n"
    run(*goal, "quick_quote_share", "--target", "0.5", "--period", "year", "--team", "Team Zuid")
    run(*goal, "follow_through", "--target", "0.8", "--period", "week")
    again = run(*goal, "contacts", "--target", "5", "--period", "year", "--rep", "ANNA@x.nl")
    assert again.stdout == "goal change: contacts for ANNA@x.nl\n"

    listed = json.loads(
        run("goals", "list", "--db", dbfile, "--as-of", "2026-06-30", "--json").stdout
    )
    assert listed == [
        {
            "kpi": "follow_through",
            "target": 0.8,
            "period": "week",
            "team": None,
            "rep": None,
            "start": "2026-06-29",
            "end": "2026-07-05",
            "value": None,
            "met": None,
        },
        {
            "kpi": "quick_quote_share",
            "target": 0.5,
            "period": "year",
            "team": "Team Zuid",
            "rep": None,
            "start": "2026-01-01",
            "end": "2026-12-31",
            "value": 1.0,
            "met": False,
        },
        {
            "kpi": "contacts",
            "target": 5.0,
            "period": "year",
            "team": None,
            "rep": "ANNA@x.nl",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "value": 4,
            "met": False,
        },
    ]
    table = run("goals", "list", "--db", dbfile, "--as-of", "2026-06-30").stdout
    assert "quick_quote_share  Team Zuid  ≤ 50.0%" in table

    run("goals", "remove", "--db", dbfile, "--kpi", "contacts", "--rep", "anna@x.nl")
    gone = run(
        "goals", "remove", "--db", dbfile, "--kpi", "contacts", "--rep", "anna@x.nl", check_code=1
    )
    assert gone.stderr == "error: there is no goal on contacts for rep: anna@x.nl\n"
    bad = run(*goal, "advance_rate", "--target", "40", "--period", "month", check_code=1)
    assert "a share from 0 to 1" in bad.stderr
    left = json.loads(run("goals", "list", "--db", dbfile, "--json").stdout)
    assert [g["kpi"] for g in left] == ["follow_through", "quick_quote_share"]
