"""The app as a service is deployed: `scripts/serve.py` (what `make run` and the container start)
serves the pages warm and answers a load balancer's health check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from kpi import db
from tests.e2e.conftest import (
    ROOT,
    VIEWPORT,
    free_port,
    make_demo_db,
    metric,
    open_page,
)

pytestmark = pytest.mark.browser


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def launched(tmp_path_factory):
    """`python scripts/serve.py` on the demo contacts, once its warm-up is done."""
    path = make_demo_db(tmp_path_factory.mktemp("service") / "demo.duckdb")
    port = free_port()
    log = path.with_suffix(".log")
    env = os.environ | {"COMMITBOARD_DB": str(path), "COMMITBOARD_LANG": "en"}
    command = [sys.executable, str(ROOT / "scripts" / "serve.py"), "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "warmed up" not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"serve.py did not warm up: {log.read_text()[-2000:]}")
        time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}", path
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_healthz_says_the_store_answers_and_what_it_holds(launched):
    url, _ = launched
    assert get(url + "/healthz") == (
        200,
        {"status": "ok", "schema_version": db.SCHEMA_VERSION, "contacts": 3000},
    )


def test_the_launched_app_serves_the_dashboard(launched, browser):
    url, _ = launched

    class Address:  # what open_page needs of a server
        def page_url(self, path: str = "", lang: str = "en") -> str:
            return f"{url}/{path}?lang={lang}"

    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    try:
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        open_page(tab, Address(), "", "en")
        # This quarter's share of the 3,000 demo contacts, as the dashboard opens.
        assert 0 < int(metric(tab, "Contacts").replace(",", "")) <= 3000
        open_page(tab, Address(), "log", "en")
        assert tab.locator("h1").first.inner_text().strip() == "Log a contact"
    finally:
        context.close()
