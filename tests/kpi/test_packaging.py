"""`pip install .` gives a `commitboard` command that works away from the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pip_install_gives_the_commitboard_command(tmp_path, small):
    # Installed from a copy: building in the checkout would leave build/ and *.egg-info there.
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "tests", "bench", "data"))
    prefix = tmp_path / "prefix"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--prefix", str(prefix), str(source)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    site = next(prefix.glob("lib/python*/site-packages"))
    assert sorted(p.name for p in site.iterdir() if not p.name.endswith("dist-info")) == ["kpi"]
    # The dependencies it declares are the app's pins, read from requirements.txt.
    metadata = next(site.glob("commitboard-*.dist-info")).joinpath("METADATA").read_text()
    pins = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert [f"Requires-Dist: {pin}" in metadata for pin in pins] == [True] * len(pins)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = os.environ | {"PYTHONPATH": str(site)}
    env.pop("COMMITBOARD_DB", None)
    database = tmp_path / "test.duckdb"  # the `small` fixture's contacts
    small.close()
    shown = subprocess.run(
        [str(prefix / "bin" / "commitboard"), "summary", "--db", str(database), "--json"],
        cwd=elsewhere, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert '"contacts": 8' in shown.stdout
    # Without --db an installed command keeps its database in the working folder's data/.
    subprocess.run(
        [str(prefix / "bin" / "commitboard"), "summary"],
        cwd=elsewhere, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    assert (elsewhere / "data" / "commitboard.duckdb").is_file()
