"""compose.yaml's layout with local processes, to try a team's setup without Docker: `make team`.

A throw-away PostgreSQL (tests/pgcluster.py) holds the lake's catalog, a temporary folder its
data files; two `scripts/serve.py` servers (the image's command) run on 8601 and 8602 with
COMMITBOARD_DB set to the lake, and nginx with deploy/nginx.conf on 8600 in front of them
(sticky sessions), when nginx is installed (scripts/ensure-nginx.sh). The demo contacts are
loaded first when the lake is empty, as `make run` does. Ctrl-C stops everything and removes
the lake.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.deploy.local import AppServer, LocalProxy, nginx_program  # noqa: E402
from tests.pgcluster import PgCluster  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/local_team.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--ports", default="8601,8602", help="the app servers' ports")
    parser.add_argument("--proxy-port", type=int, default=8600, help="nginx's port")
    parser.add_argument("--no-demo", action="store_true", help="leave an empty lake empty")
    args = parser.parse_args(argv)
    ports = [int(p) for p in args.ports.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="commitboard-team-"))
    cluster = PgCluster()
    started: list[AppServer | LocalProxy] = []
    try:
        dsn = cluster.dsn(cluster.new_database("team"))
        env = {
            "COMMITBOARD_DB": f"ducklake:postgres:{dsn}",
            "COMMITBOARD_DATA_PATH": f"{folder / 'lake'}/",
        }
        (folder / "lake").mkdir()
        if not args.no_demo:
            subprocess.run(
                [sys.executable, "-m", "kpi", "demo", "--if-empty"],
                cwd=ROOT, env=os.environ | env, check=True,
            )  # fmt: skip
        servers = {}
        for i, port in enumerate(ports, start=1):
            servers[f"app{i}"] = AppServer(env, folder / f"app{i}.log", port=port)
            started.append(servers[f"app{i}"])
        if nginx_program():
            proxy = LocalProxy(
                {name: s.port for name, s in servers.items()}, folder / "nginx", args.proxy_port
            )
            started.append(proxy)
        else:
            proxy = None
        print("\nCommitboard for a team, with local processes (Ctrl-C stops all, lake included):")
        if proxy:
            print(f"  through the proxy  {proxy.url}   (deploy/nginx.conf: sticky sessions)")
        else:
            print("  (no nginx: scripts/ensure-nginx.sh installs it; the servers run without it)")
        for name, server in servers.items():
            print(f"  {name:<17}  {server.url}   (log: {server.log})")
        print("  the same lake for `python -m kpi ...` while they run:")
        for key, value in env.items():
            print(f"    {key}='{value}'")
        while all(s.proc.poll() is None for s in started):
            time.sleep(1)
        print("local_team: a process ended; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for process in reversed(started):
            process.stop()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
