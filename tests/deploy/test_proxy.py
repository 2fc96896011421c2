"""deploy/nginx.conf at work: a local nginx in front of two `scripts/serve.py` servers started
with the image's command, as compose.yaml puts the proxy in front of app1 and app2; and the
image's HEALTHCHECK command run against them. Each replica has a database of its own here (the
lake is not needed to see where the proxy sends a request): its contact count, which /healthz
reports, tells which replica answered."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.cookies
import http.server
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from kpi import db, demo
from tests.deploy import files
from tests.deploy.local import AppServer, LocalProxy, free_port
from tests.e2e.conftest import VIEWPORT, metric, wait_ready

COOKIE = "commitboard_route"
CONTACTS = {"app1": 300, "app2": 600}  # by compose service name


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    """{"proxy": LocalProxy, "app1": AppServer, "app2": AppServer}."""
    folder = tmp_path_factory.mktemp("layout")
    names = sorted(files.app_services(files.compose()))
    assert names == sorted(CONTACTS)
    started = {}
    try:
        for name in names:
            path = folder / f"{name}.duckdb"
            con = db.connect(path)
            demo.generate(con, contacts=CONTACTS[name], seed=3, today=dt.date.today())
            con.close()
            env = {"COMMITBOARD_DB": str(path), "COMMITBOARD_LANG": "en"}
            started[name] = AppServer(env, folder / f"{name}.log")
        ports = {name: started[name].port for name in names}
        started["proxy"] = LocalProxy(ports, folder / "nginx")
        yield started
    finally:
        for server in started.values():
            server.stop()


def health(url: str, route: str | None = None) -> tuple[int, str | None]:
    """/healthz through `url`: (contacts, the route cookie the response sets, if any)."""
    request = urllib.request.Request(url + "/healthz")
    if route is not None:
        request.add_header("Cookie", f"{COOKIE}={route}")
    with urllib.request.urlopen(request, timeout=10) as resp:
        body = json.loads(resp.read())
        cookies = http.cookies.SimpleCookie()
        for header in resp.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    return body["contacts"], cookies[COOKIE].value if COOKIE in cookies else None


def replica_of(contacts: int) -> str:
    return next(name for name, count in CONTACTS.items() if count == contacts)


def test_every_visitor_stays_on_one_replica_and_visitors_spread_over_both(layout):
    proxy = layout["proxy"].url
    seen = set()
    for _ in range(24):  # all 24 on one replica by chance: 1 in 8 million
        first, route = health(proxy)
        assert route, "the first response sets the visitor's route cookie"
        following = [health(proxy, route) for _ in range(5)]
        # Same replica every time, and the cookie is not set again.
        assert following == [(first, None)] * 5
        seen.add(replica_of(first))
    assert seen == {"app1", "app2"}


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(60_000)
    yield context
    context.close()


def dashboard(context, url: str):
    """A new tab on the dashboard at `url`, once it is connected and drawn."""
    tab = context.new_page()
    tab.goto(url + "/?lang=en")
    wait_ready(tab)
    return tab


def contacts_shown_by(context, server) -> str:
    """The dashboard's Contacts figure, straight from one replica."""
    tab = dashboard(context, server.url)
    try:
        return metric(tab, "Contacts")
    finally:
        tab.close()


def replica_of_the_tab(context, proxy: str) -> str:
    """The replica the browser's route cookie names."""
    route = next(c["value"] for c in context.cookies() if c["name"] == COOKIE)
    return replica_of(health(proxy, route)[0])


def the_other(name: str) -> str:
    return next(n for n in CONTACTS if n != name)


@pytest.mark.browser
def test_the_app_runs_through_the_proxy_on_the_visitors_replica(layout, context):
    proxy = layout["proxy"].url
    # Connected and drawn: the websocket (/_stcore/stream) went through nginx, upgraded.
    tab = dashboard(context, proxy)
    shown = metric(tab, "Contacts")
    name = replica_of_the_tab(context, proxy)
    # The replica the cookie names shows the same figure; the other (twice the contacts) another.
    assert contacts_shown_by(context, layout[name]) == shown
    assert contacts_shown_by(context, layout[the_other(name)]) != shown


def new_visitors_until_each_replica(proxy: str, timeout: float = 30) -> dict[str, str]:
    """A route cookie that lands on each replica, from new visitors (after a replica came back,
    nginx waits its fail_timeout, 10 s, before it sends anyone there again)."""
    routes: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while set(routes) != set(CONTACTS) and time.monotonic() < deadline:
        contacts, route = health(proxy)
        routes.setdefault(replica_of(contacts), route)
    assert set(routes) == set(CONTACTS), routes
    return routes


def connection_state(tab) -> str:
    return tab.evaluate(
        """() => document.querySelector('[data-testid="stApp"]')"""
        """.getAttribute('data-test-connection-state')"""
    )


@contextlib.contextmanager
def stopped(layout, name: str):
    """With replica `name` stopped; started again after, on its port, and in the proxy's
    rotation again, so the tests do not depend on their order."""
    server = layout[name]
    server.stop()
    try:
        yield
    finally:
        layout[name] = AppServer(server.env, server.log, port=server.port)
        new_visitors_until_each_replica(layout["proxy"].url)


def test_a_replica_that_stops_hands_its_visitors_to_the_other(layout):
    proxy = layout["proxy"].url
    routes = new_visitors_until_each_replica(proxy)
    with stopped(layout, "app1"):
        with pytest.raises(urllib.error.URLError):
            health(layout["app1"].url)
        # app1's visitor is answered by app2 (nginx tries the next replica), app2's still by app2.
        assert health(proxy, routes["app1"])[0] == CONTACTS["app2"]
        assert health(proxy, routes["app2"])[0] == CONTACTS["app2"]


@pytest.mark.browser
def test_a_page_whose_replica_stops_runs_on_the_other_at_its_next_action(layout, context):
    proxy = layout["proxy"].url
    tab = dashboard(context, proxy)
    name = replica_of_the_tab(context, proxy)
    expected = contacts_shown_by(context, layout[the_other(name)])
    assert metric(tab, "Contacts") != expected
    with stopped(layout, name):
        # The open page loses its websocket and reconnects at once, through nginx, to the
        # other replica; it shows what it showed until the visitor's next action, which
        # runs the page there (measured: connected again within 1 s; the figures stay as
        # they were for 20 s, until a rerun). `r` is Streamlit's key for a rerun: the
        # message a click on any widget sends.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and metric(tab, "Contacts") != expected:
            if connection_state(tab) == "CONNECTED":
                tab.keyboard.press("r")
            time.sleep(1)
        assert metric(tab, "Contacts") == expected


class Unavailable(http.server.BaseHTTPRequestHandler):
    """Answers like a server whose store does not answer: 503 on /healthz."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(503)
        self.end_headers()
        self.wfile.write(b'{"status": "unavailable"}')

    def log_message(self, *args):
        pass


def test_the_image_health_check_passes_only_when_healthz_says_ok(layout):
    """The Dockerfile's HEALTHCHECK command itself, run against a replica, a server that
    answers 503 and a port nobody listens on."""
    check = files.exec_form(
        next(rest for name, rest in files.dockerfile() if name == "HEALTHCHECK").split("CMD", 1)[1]
    )
    image_port = re.search(r"127\.0\.0\.1:(\d+)/", " ".join(check)).group(1)

    def run_against(port: int) -> int:
        argv = [sys.executable] + [a.replace(f":{image_port}/", f":{port}/") for a in check[1:]]
        return subprocess.run(argv, capture_output=True, timeout=30).returncode

    unavailable = http.server.HTTPServer(("127.0.0.1", 0), Unavailable)
    thread = threading.Thread(target=unavailable.serve_forever, daemon=True)
    thread.start()
    try:
        assert run_against(layout["app2"].port) == 0
        assert run_against(unavailable.server_address[1]) != 0
        assert run_against(free_port()) != 0
    finally:
        unavailable.shutdown()
