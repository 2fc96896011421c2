"""What the reliability tests share: the command line as a process, a stand-in app, table dumps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("meta", "contacts", "imported_files", "rejects", "roster")


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m kpi ...` as a person runs it."""
    return subprocess.run(
        [sys.executable, "-m", "kpi", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The error a command printed: exactly one line, no traceback."""
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (whatever the schema version), in a stable order; read-only, so
    the file is not changed."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'main' order by table_name"
            ).fetchall()
        ]
        assert set(TABLES) <= set(tables), tables
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables}
    finally:
        con.close()


class AppLike:
    """tests/reliability/app_like.py in its own process: holds the database like the app and
    (with threads) saves contacts; the lines it printed are collected in .lines."""

    def __init__(self, database: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.app_like", str(database), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for(lambda lines: "ready" in lines, 60)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def saved(self) -> set[str]:
        """The marker (stored in notes) of every save the process saw confirmed."""
        return {line.split(" ", 2)[2] for line in list(self.lines) if line.startswith("saved ")}

    def wait_for(self, done: Callable[[list[str]], bool], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not done(list(self.lines)):
            if self.proc.poll() is not None:
                raise AssertionError(f"app_like exited: {self.proc.stderr.read()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; last lines {self.lines[-5:]}")
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: no cleanup, no checkpoint, as a crash or the OOM killer would."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=10)

    def __enter__(self) -> AppLike:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
