"""SIGKILL an import at random moments, many times: the figures behind bench/RELIABILITY.md.

    python bench/crash_trials.py [--trials 20] [--rows 200000] [--seed 1]

Each trial copies a database holding tests/data/kpi_small.csv, starts `python -m kpi import` of
a big file, kills it (SIGKILL) at a random moment within the time a whole import takes, opens
the database again and imports the file again. It prints where each kill landed and whether
the file was wholly in or wholly out; any other state is a failure. The same kill for every
other write path (a new database, an upgrade, the form, the roster, backup, restore):
tests/reliability/crash_matrix.py, `make crash`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kpi import db, ingest  # noqa: E402
from tests.reliability import test_crash  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    test_crash.BIG_ROWS = args.rows
    with tempfile.TemporaryDirectory(prefix="commitboard-crash-") as tmp:
        folder = Path(tmp)
        big = folder / "big.csv"
        accepted, rejected = test_crash.write_big(big)
        base = folder / "base.duckdb"
        con = db.connect(base)
        ingest.import_file(con, test_crash.SMALL)
        con.close()
        start = test_crash.counts(base)
        whole_in = (start[0] + accepted, start[1] + rejected, start[2] + 1)

        def run(kill_after: float | None) -> tuple[int, float]:
            shutil.copy(base, folder / "trial.duckdb")
            (folder / "trial.duckdb.wal").unlink(missing_ok=True)
            began = time.monotonic()
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kpi",
                    "import",
                    "--db",
                    str(folder / "trial.duckdb"),
                    str(big),
                ],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if kill_after is not None:
                time.sleep(kill_after)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
            return proc.wait(), time.monotonic() - began

        _, whole = run(None)
        print(f"{args.rows} rows ({accepted} good, {rejected} bad); a whole import: {whole:.1f} s")
        tally = {"in": 0, "out": 0, "finished first": 0}
        for trial in range(1, args.trials + 1):
            at = rng.uniform(0.3, whole * 1.05)
            code, _ = run(at)
            after = test_crash.counts(folder / "trial.duckdb")
            if after not in (start, whole_in):
                print(f"trial {trial}: FAILED, killed at {at:.2f} s: {after}")
                return 1
            state = "in" if after == whole_in else "out"
            tally[state if code == -signal.SIGKILL else "finished first"] += 1
            con = db.connect(folder / "trial.duckdb")
            result = ingest.import_file(con, big)
            con.close()
            assert test_crash.counts(folder / "trial.duckdb") == whole_in
            print(
                f"trial {trial}: kill at {at:.2f} s (exit {code}) -> wholly {state}; "
                f"again: {'skipped' if result.skipped else f'{result.accepted} accepted'}"
            )
        print(
            f"{args.trials} kills: {tally['out']} wholly out, {tally['in']} wholly in, "
            f"{tally['finished first']} finished before the kill; torn 0, lost 0"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
