"""deploy/nginx.conf at work: a local nginx in front of two `scripts/serve.py` servers, as
compose.yaml puts the proxy in front of app1 and app2. Each replica has a database of its own
here (the lake is not needed to see where the proxy sends a request): its contact count,
which /healthz reports, tells which replica answered."""

from __future__ import annotations

import datetime as dt
import http.cookies
import json
import urllib.error
import urllib.request

import pytest

from kpi import db, demo
from tests.deploy import files
from tests.deploy.local import AppServer, LocalProxy
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


@pytest.mark.browser
def test_the_app_runs_through_the_proxy_on_the_visitors_replica(layout, browser):
    proxy = layout["proxy"].url
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    try:
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        tab.goto(proxy + "/?lang=en")
        # Connected: the websocket (/_stcore/stream) went through nginx, upgraded.
        wait_ready(tab)
        shown = metric(tab, "Contacts")
        route = next(c["value"] for c in context.cookies() if c["name"] == COOKIE)
        name = replica_of(health(proxy, route)[0])
        # The same page straight from the replica the cookie names shows the same figure; the
        # other replica (twice the contacts) another.
        for replica, same in ((name, True), (next(n for n in CONTACTS if n != name), False)):
            direct = context.new_page()
            direct.set_default_timeout(60_000)
            direct.goto(layout[replica].url + "/?lang=en")
            wait_ready(direct)
            assert (metric(direct, "Contacts") == shown) is same, replica
            direct.close()
    finally:
        context.close()


def test_a_replica_that_stops_hands_its_visitors_to_the_other(layout):
    # Runs last in this module: it stops a replica.
    proxy = layout["proxy"].url
    routes = {}
    for _ in range(40):  # a new visitor each time, until one has landed on each replica
        contacts, route = health(proxy)
        routes.setdefault(replica_of(contacts), route)
    assert set(routes) == {"app1", "app2"}
    layout["app1"].stop()
    with pytest.raises(urllib.error.URLError):
        health(layout["app1"].url)
    # app1's visitor is answered by app2 (nginx tries the next replica), app2's still by app2.
    assert health(proxy, routes["app1"])[0] == CONTACTS["app2"]
    assert health(proxy, routes["app2"])[0] == CONTACTS["app2"]
