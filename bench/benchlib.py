"""What every benchmark in bench/ shares: the demo databases, the machine, its load, the figures."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SIZES: dict[str, int] = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
QUICK_SIZES = ("100k", "1m")


def sizes(text: str) -> list[str]:
    """'100k,1m' -> ['100k', '1m'], each one of SIZES."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SIZES]
    if unknown:
        raise SystemExit(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    return names


# -- the databases --------------------------------------------------------------------------------


def db_file(size: str) -> Path:
    return OUT / f"{size}.duckdb"


def ensure_db(size: str, rebuild: bool = False, rollups: bool = True) -> Path:
    """bench/out/<size>.duckdb: SIZES[size] demo contacts made with the app's own command (once),
    with the rollups of kpi.rollups installed as the schema migration will install them."""
    import duckdb

    path = db_file(size)
    contacts = SIZES[size]
    if path.exists() and not rebuild:
        with duckdb.connect(str(path), read_only=True) as con:
            fresh = con.execute("select count(*) from contacts").fetchone()[0] == contacts
    else:
        fresh = False
    if not fresh:
        for stale in (path, path.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        command = [sys.executable, "-m", "kpi", "demo", "--db", str(path), "--contacts"]
        subprocess.run([*command, str(contacts)], cwd=ROOT, check=True)
        print(f"built {path} in {time.perf_counter() - started:.1f} s", flush=True)
    if rollups:
        install_rollups(path)
    return path


def install_rollups(path: Path) -> float | None:
    """Install the rollups when the file has none; the seconds it took (None: already there)."""
    sys.path.insert(0, str(ROOT))
    from kpi import db
    from kpi import rollups as kpi_rollups

    con = db.connect(path)
    con.execute("set enable_progress_bar = false")
    try:
        if kpi_rollups.installed(con):
            if not kpi_rollups.current(con):
                kpi_rollups.rebuild(con)
            return None
        started = time.perf_counter()
        kpi_rollups.install(con)
        seconds = time.perf_counter() - started
        print(f"rollups installed in {path.name} in {seconds:.1f} s", flush=True)
        return seconds
    finally:
        con.close()


# -- the machine and its load ---------------------------------------------------------------------


def machine() -> dict[str, str]:
    import duckdb
    import streamlit

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory[1].split()[1] if len(memory) > 1 else "?",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "streamlit": streamlit.__version__,
    }


def _cpu_ticks() -> dict[int, tuple[str, int, int]]:
    """pid -> (command, parent pid, user + system clock ticks) for every process we can read."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks[int(entry.name)] = (
            command or stat[stat.index("(") : stat.rindex(")") + 1],
            int(fields[1]),
            int(fields[11]) + int(fields[12]),
        )
    return ticks


def _ours(ticks: dict[int, tuple[str, int, int]]) -> set[int]:
    """This process and everything it started (servers, Chromium, Playwright's driver)."""
    mine = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, (_, parent, _) in ticks.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return mine


class OtherLoad:
    """CPU seconds used by processes that are not this benchmark, inside measure() blocks."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.wall = 0.0
        self.loadavg: list[float] = []

    @contextmanager
    def measure(self) -> Iterator[None]:
        before, started = _cpu_ticks(), time.monotonic()
        try:
            yield
        finally:
            after = _cpu_ticks()
            self.wall += time.monotonic() - started
            self.loadavg.append(os.getloadavg()[0])
            hz = os.sysconf("SC_CLK_TCK")
            for pid in set(after) - _ours(after):
                command, _, used = after[pid]
                spent = (used - before.get(pid, (command, 0, 0))[2]) / hz
                if spent > 0:
                    name = " ".join(command.split()[:3])[:90]
                    self.seconds[name] = self.seconds.get(name, 0.0) + spent

    def summary(self, top: int = 6) -> dict[str, object]:
        busiest = sorted(self.seconds.items(), key=lambda kv: -kv[1])[:top]
        total = sum(self.seconds.values())
        cores = os.cpu_count() or 1
        return {
            "cpu_seconds": round(total, 1),
            "share_of_machine": round(total / max(self.wall * cores, 1e-9), 2),
            "busiest": [[name, round(seconds, 1)] for name, seconds in busiest],
            "loadavg_1min": spread(self.loadavg) if self.loadavg else None,
        }


def describe_load(other: dict[str, object]) -> str:
    """One line on what else ran while a benchmark measured."""
    line = (
        f"other processes used {other['cpu_seconds']} CPU s "
        f"({other['share_of_machine']:.0%} of the machine)"
    )
    if other.get("loadavg_1min"):
        load = other["loadavg_1min"]
        line += f", 1-minute load {load['median']:.1f} ({load['min']:.1f}–{load['max']:.1f})"
    if other["busiest"]:
        line += "; busiest: " + "; ".join(f"{n} ({s} s)" for n, s in other["busiest"])
    return line


# -- figures --------------------------------------------------------------------------------------


def spread(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def fmt(values: list[float], unit: float = 1.0, digits: int = 2) -> str:
    s = spread([v * unit for v in values])
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def ratios(numerators: list[float], denominators: list[float]) -> list[float]:
    """Pairwise ratios of measurements taken in alternation (each pair shares the moment's load)."""
    return [n / d for n, d in zip(numerators, denominators, strict=True) if d > 0]


def save_json(path: Path, figures: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, default=str))


def begin(**fields: object) -> dict:
    """A benchmark's figures as it starts: the machine, the time and the load, and `fields`."""
    return {
        "machine": machine(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "loadavg_at_start": os.getloadavg(),
        **fields,
    }


def finish(path: Path, figures: dict, load: OtherLoad) -> None:
    """What else ran meanwhile and the load at the end into `figures`, saved to `path`."""
    figures["other_load"] = load.summary()
    figures["loadavg_at_end"] = os.getloadavg()
    save_json(path, figures)


# -- the lake store (issue 15) --------------------------------------------------------------------

STORES = ("file", "lake")


def stores(text: str) -> list[str]:
    """'both' -> ['file', 'lake']; 'file' or 'lake' -> that one."""
    chosen = list(STORES) if text == "both" else [text]
    if any(store not in STORES for store in chosen):
        raise SystemExit(f"unknown store {text!r}; choose file, lake or both")
    return chosen


@dataclass(frozen=True)
class Lake:
    """A DuckLake store: its catalog (`ducklake:postgres:...`) and its data folder."""

    spec: str
    data_path: Path

    def env(self) -> dict[str, str]:
        """What a process needs in its environment to open this lake as its store."""
        return {"COMMITBOARD_DB": self.spec, "COMMITBOARD_DATA_PATH": str(self.data_path)}


@contextmanager
def postgres(durable: bool = True) -> Iterator[object]:
    """A throw-away PostgreSQL (tests/pgcluster.py) for the lakes of one benchmark run. With
    durable (the default) it syncs its commits to disk as a production server does; the test
    cluster itself starts with fsync and synchronous_commit off."""
    sys.path.insert(0, str(ROOT))
    from tests.pgcluster import PgCluster

    cluster = PgCluster()
    try:
        if durable:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                cluster._run(
                    "psql", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", cluster.user,
                    "-d", "postgres", "-qc", f"alter system set {setting} = on",
                )  # fmt: skip
            cluster._run("pg_ctl", "-D", str(cluster.data), "reload")
        yield cluster
    finally:
        cluster.stop()


def lake_from_file(cluster, source: Path, name: str = "bench") -> tuple[Lake, float]:
    """A new lake in `cluster` holding what the database file `source` holds, made as a team
    moving to the lake makes it (`python -m kpi restore FILE --db ducklake:...`); the lake and
    the seconds that command took, process start to exit."""
    import shutil

    database = cluster.new_database(name)
    data_path = OUT / f"lake-{database}"
    shutil.rmtree(data_path, ignore_errors=True)
    lake = Lake(f"ducklake:postgres:{cluster.dsn(database)}", data_path)
    env = os.environ | lake.env()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kpi", "restore", str(source), "--db", lake.spec],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    for kept in source.parent.glob("lake-before-restore-*.duckdb"):  # the empty lake's backup
        kept.unlink()
    return lake, seconds


def drop_lake(lake: Lake) -> None:
    """The lake's data folder deleted (its catalog goes with the cluster)."""
    import shutil

    shutil.rmtree(lake.data_path, ignore_errors=True)


def maintain_process(lake: Lake) -> dict[str, object]:
    """`python -m kpi maintain` on the lake (what cron runs): seconds from start to exit, and
    what it said (its own in-process seconds among it)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "maintain", "--db", lake.spec],
        cwd=ROOT,
        env=os.environ | lake.env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return {"seconds": time.perf_counter() - started, "said": done.stdout.strip()}


def timing(con, spent: dict[str, list[float]]):
    """`con` (a file's DuckDB connection or a LakeConnection, which it stays: db.on_lake holds)
    with every statement it runs timed into spent[statement]: where a kpi call's time goes."""
    sys.path.insert(0, str(ROOT))
    from kpi import db

    def timed(execute):
        def run(sql, *args, **kwargs):
            started = time.perf_counter()
            try:
                return execute(sql, *args, **kwargs)
            finally:
                key = " ".join(str(sql).split())[:140]
                spent.setdefault(key, []).append(time.perf_counter() - started)

        return run

    if db.on_lake(con):

        class TimedLake(db.LakeConnection):
            def execute(self, sql, *args, **kwargs):
                return timed(self._con.execute)(sql, *args, **kwargs)

            def cursor(self):
                return timing(super().cursor(), spent)

        return TimedLake(con._con, writers_take_turns=con.writers_take_turns, known=con.known)

    class Timed:
        def __init__(self, inner) -> None:
            self._inner = inner

        def execute(self, sql, *args, **kwargs):
            return timed(self._inner.execute)(sql, *args, **kwargs)

        def cursor(self):
            return Timed(self._inner.cursor())

        def __getattr__(self, name: str):
            return getattr(self._inner, name)

    return Timed(con)


def costliest(spent: dict[str, list[float]], calls: int, top: int = 10) -> list[dict[str, object]]:
    """The statements that took most time in all, as ms per call of the work profiled."""
    rows = sorted(spent.items(), key=lambda kv: -sum(kv[1]))[:top]
    return [
        {"sql": sql, "ms_per_call": sum(times) * 1000 / calls, "runs_per_call": len(times) / calls}
        for sql, times in rows
    ]
