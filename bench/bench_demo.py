"""Time kpi.demo.generate for N contacts into a fresh database file and print the seconds."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=1_000_000, help="contacts to generate")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kpi import db, demo

    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp:
        con = db.connect(Path(tmp) / "bench.duckdb")
        try:
            started = time.perf_counter()
            n = demo.generate(con, contacts=args.contacts, seed=args.seed)
            seconds = time.perf_counter() - started
        finally:
            con.close()
    print(f"{n} contacts in {seconds:.2f} s ({seconds / max(n, 1) * 1e6:.2f} s per 1M)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
