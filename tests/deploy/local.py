"""The compose layout with local processes: deploy/nginx.conf run by a local nginx in front of
app servers on local ports, and those servers (`scripts/serve.py`, as the image starts them).

Used by tests/deploy/test_proxy.py and scripts/local_team.py. Debian's nginx (`apt-get install
nginx-light`, scripts/ensure-nginx.sh) is older than the image's: the config's `resolve` (and
its resolver, Docker's DNS) is left out here, nothing else changes.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.deploy import files
from tests.deploy.files import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_program() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def site_config(ports: dict[str, int], listen: int) -> str:
    """deploy/nginx.conf with each app service's `server name:port` at 127.0.0.1:ports[name]
    and `listen` on 127.0.0.1; `resolve` and `resolver` dropped (see the module docstring)."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text = re.sub(r"^\s*resolver\s[^;]*;\n", "", text, flags=re.MULTILINE)

    def local(match: re.Match) -> str:
        host = match.group(1)
        return f"server 127.0.0.1:{ports.pop(host)}{match.group(2).replace(' resolve', '')};"

    ports = dict(ports)
    text = re.sub(r"server ([a-z0-9_-]+):\d+((?:\s[^;]*)?);", local, text)
    assert not ports, f"not in deploy/nginx.conf's upstream: {sorted(ports)}"
    return re.sub(r"listen\s+\d+;", f"listen 127.0.0.1:{listen};", text)


class LocalProxy:
    """nginx with the site config above, in `folder`, in the foreground of its own process."""

    def __init__(self, ports: dict[str, int], folder: Path, listen: int | None = None) -> None:
        program = nginx_program()
        if program is None:
            raise RuntimeError("no nginx: run scripts/ensure-nginx.sh (Debian: nginx-light)")
        self.port = listen or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "site.conf").write_text(site_config(ports, self.port))
        # Run as root, nginx's workers are `nobody`: their temporary folders must be theirs too.
        temp = folder / "temp"
        temp.mkdir(exist_ok=True)
        temp.chmod(0o777)
        (folder / "nginx.conf").write_text(
            f"pid {folder}/nginx.pid;\n"
            "worker_processes 1;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            f"    access_log {folder}/access.log;\n"
            f"    client_body_temp_path {temp}/body;\n"
            f"    proxy_temp_path {temp}/proxy;\n"
            f"    fastcgi_temp_path {temp}/fastcgi;\n"
            f"    uwsgi_temp_path {temp}/uwsgi;\n"
            f"    scgi_temp_path {temp}/scgi;\n"
            f"    include {folder}/site.conf;\n"
            "}\n"
        )
        self.log = folder / "error.log"
        command = [
            program,
            "-p",
            str(folder),
            "-c",
            str(folder / "nginx.conf"),
            "-e",
            str(self.log),
        ]
        self.proc = subprocess.Popen([*command, "-g", "daemon off;"])
        wait_for(self.url + "/nginx-is-up", self.proc, self.log, accept_any_status=True)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class AppServer:
    """`python scripts/serve.py` (the image's command) on 127.0.0.1:port with these settings."""

    def __init__(self, env: dict[str, str], log: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log = log
        argv = files.exec_form(
            next(rest for name, rest in files.dockerfile() if name == "CMD")
        )  # the image's command, on a local address and port
        argv = [sys.executable, *argv[1:]]
        argv[argv.index("--server.address") + 1] = "127.0.0.1"
        argv[argv.index("--server.port") + 1] = str(self.port)
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=os.environ | env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self.url + "/healthz", self.proc, log, timeout=120)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wait_for(
    url: str, proc: subprocess.Popen, log: Path, timeout: float = 30, accept_any_status=False
) -> None:
    """Until `url` answers 200 (or anything, with accept_any_status); raises with the log's
    tail when the process ends or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} ended: {_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            if accept_any_status:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s: {_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text()[-2000:] if log.exists() else "(no log)"
