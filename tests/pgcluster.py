"""A throw-away PostgreSQL cluster for the tests: its own folder, its own free port, gone after.

PostgreSQL refuses to run as root, so as root (CI, the development machines) the cluster
belongs to the `postgres` user that Debian's package creates; as anyone else it is the
caller's own. `make test` installs the server programs (scripts/ensure-postgres.sh).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def server_programs() -> Path:
    """The folder holding initdb and pg_ctl: $COMMITBOARD_PG_BIN, Debian's, or on the PATH."""
    candidates = [os.environ.get("COMMITBOARD_PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    on_path = shutil.which("initdb")
    candidates += [str(Path(on_path).parent)] if on_path else []
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise RuntimeError(
        "no PostgreSQL server programs (initdb, pg_ctl): run `make test`, which installs them,"
        " or set COMMITBOARD_PG_BIN"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    """initdb + pg_ctl start on 127.0.0.1:<free port>, trust authentication, no fsync (a test
    cluster: a crash of the machine may lose it, and nothing is kept)."""

    def __init__(self) -> None:
        self.bin = server_programs()
        self.as_root = os.geteuid() == 0
        # Not under pytest's tmp_path: its parents are root's alone, and the server runs as
        # `postgres`.
        self.folder = Path(tempfile.mkdtemp(prefix="commitboard-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")
        if self.as_root:
            shutil.chown(self.folder, user="postgres")
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", self.user, "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq connection string, as `ducklake:postgres:` takes it."""
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user={self.user}"

    def new_database(self, prefix: str = "lake", template: str | None = None) -> str:
        """A fresh database (a copy of `template` when given); its name."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        copy = ["-T", template] if template else []
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, *copy, name
        )  # fmt: skip
        return name

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
