"""`make bench`: every benchmark in bench/, one after another; figures go to bench/RESULTS.md by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ["bench_import.py", "--rows", "1000000"],
    ["bench_demo.py", "--contacts", "1000000"],
    ["bench_dashboard.py"],
]


def main() -> int:
    failed = 0
    for name, *args in BENCHES:
        script = HERE / name
        if not script.exists():
            print(f"== {name}: missing", flush=True)
            failed += 1
            continue
        print(f"== {name} {' '.join(args)}", flush=True)
        failed += (
            subprocess.run([sys.executable, str(script), *args], cwd=HERE.parent).returncode != 0
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
