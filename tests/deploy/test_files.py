"""The deployment files agree with the app and with each other: what the image starts and asks,
what compose.yaml sets, where the proxy sends visitors. There is no Docker on the development
machines, so these read the files (tests/deploy/files.py) instead of running them."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.deploy import files
from tests.deploy.files import ROOT

# Settings the app reads that a team's service does not set, and why.
NOT_FOR_THE_SERVICE = {
    "COMMITBOARD_DEMO_CONTACTS": "only `kpi demo` reads it (make run's demo data)",
}
LAKE_SETTINGS: set[str] = set()  # the store reads COMMITBOARD_DATA_PATH itself now (kpi/db.py)


def step(instruction: str) -> str:
    found = [rest for name, rest in files.dockerfile() if name == instruction]
    assert len(found) == 1, f"{len(found)} {instruction} in the Dockerfile"
    return found[0]


def exposed_port() -> str:
    return step("EXPOSE").split("/")[0]


def image_command() -> list[str]:
    return files.exec_form(step("CMD"))


# --- the image ------------------------------------------------------------------------------------


def test_the_image_starts_the_app_as_make_run_does_on_every_address():
    _, recipe = files.make_recipe("run")
    started = next(line for line in recipe if "serve.py" in line)
    script = next(word for word in started.split() if word.endswith("serve.py"))
    command = image_command()
    assert command[:2] == ["python", script]
    assert files.option(command, "--server.address") == "0.0.0.0"
    assert files.option(command, "--server.port") == exposed_port()
    assert files.option(command, "--server.headless") == "true"


def test_the_image_installs_the_requirements_make_installs_all_pinned():
    prerequisites, _ = files.make_recipe("run")
    installed_by = next(p for p in prerequisites if p.endswith(".app-installed"))
    _, recipe = files.make_recipe(installed_by)
    made = [f for line in recipe for f in files.requirements_files(line)]
    runs = [rest for name, rest in files.dockerfile() if name == "RUN"]
    imaged = [f for rest in runs for f in files.requirements_files(rest)]
    assert made == imaged == ["requirements.txt"]
    copied = [rest.split()[0] for name, rest in files.dockerfile() if name == "COPY"]
    assert "requirements.txt" in copied  # before the install, so the layer is cached
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    unpinned = [ln for ln in lines if ln.strip() and not ln.startswith("#") and "==" not in ln]
    assert unpinned == []


def test_the_image_health_check_asks_a_route_serve_py_serves_with_python():
    check = files.exec_form(step("HEALTHCHECK").split("CMD", 1)[1])
    # The slim image has no curl or wget; python is there.
    assert check[0] == "python"
    url = re.search(r"http://[^'\"]+", " ".join(check)).group(0)
    port, path = re.fullmatch(r"http://(?:127\.0\.0\.1|localhost):(\d+)(/\S*)", url).groups()
    assert port == exposed_port()
    assert path in files.routes_of_serve_py()


def test_the_image_runs_the_app_as_a_user_of_its_own():
    user = step("USER")
    assert user.split(":")[0] not in ("root", "0")
    names = [name for name, _ in files.dockerfile()]
    assert names.index("USER") < names.index("CMD")


@pytest.mark.parametrize(
    "path",
    [".git/HEAD", ".venv/bin/python", ".env", ".streamlit/secrets.toml", "bench/out/x.json",
     "data/commitboard.duckdb", "data/commitboard.duckdb.wal", "team.duckdb",
     "tests/screenshots/a.png", "kpi/__pycache__/db.cpython-311.pyc"],
)  # fmt: skip
def test_the_image_leaves_out_local_state_and_secrets(path):
    assert files.dockerignored(path)


def test_the_image_holds_every_file_the_app_runs_from():
    tracked = subprocess.run(
        ["git", "ls-files", "app.py", "kpi", "views", "scripts", ".streamlit", "data",
         "requirements.txt", "pyproject.toml"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert "kpi/db.py" in tracked and "data/sample_roster.csv" in tracked
    assert [path for path in tracked if files.dockerignored(path)] == []


# --- compose.yaml ---------------------------------------------------------------------------------


def test_the_service_sets_every_setting_the_app_reads():
    read = files.settings_read_by_the_source()
    assert set(NOT_FOR_THE_SERVICE) <= read  # the exceptions are still real
    spec = files.compose()
    for name, service in files.app_services(spec).items():
        named = set(service["environment"])
        assert read - set(NOT_FOR_THE_SERVICE) - named == set(), name
        assert LAKE_SETTINGS - named == set(), name
        # And nothing set that the app does not read (a misspelt name is silently ignored).
        ours = {key for key in named if key.startswith("COMMITBOARD_")}
        assert ours - read - LAKE_SETTINGS == set(), name


def test_two_replicas_share_one_lake_in_the_postgres_service():
    spec = files.compose()
    apps = files.app_services(spec)
    assert len(apps) >= 2
    postgres = spec["services"]["postgres"]
    stores = set()
    for name, service in apps.items():
        env = service["environment"]
        target = env["COMMITBOARD_DB"]
        info = files.conninfo(target)
        assert info["host"] == "postgres", name
        assert info["dbname"] == postgres["environment"]["POSTGRES_DB"], name
        assert info["user"] == postgres["environment"]["POSTGRES_USER"], name
        # The data files on a named volume (kept when the container goes) mounted in each.
        data_path = env["COMMITBOARD_DATA_PATH"]
        volume = next(
            source
            for mount, source in files.mounts(service).items()
            if data_path.rstrip("/") == mount or data_path.startswith(mount.rstrip("/") + "/")
        )
        assert volume in spec["volumes"], name
        stores.add((target, data_path, volume))
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy", name
    assert len(stores) == 1, stores


def test_postgres_keeps_its_data_and_says_when_it_is_ready():
    postgres = files.compose()["services"]["postgres"]
    assert postgres["image"] == "postgres:15"
    data = files.mounts(postgres)["/var/lib/postgresql/data"]
    assert data in files.compose()["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_no_password_is_committed():
    spec = files.compose()
    required = r"\$\{POSTGRES_PASSWORD:\?[^}]+\}"
    assert re.fullmatch(required, spec["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"])
    for name, service in files.app_services(spec).items():
        assert re.fullmatch(required, service["environment"]["PGPASSWORD"]), name
        # libpq reads PGPASSWORD: the conninfo (which a failed attach repeats in its error,
        # and /healthz shows) holds none.
        assert "password" not in files.conninfo(service["environment"]["COMMITBOARD_DB"]), name
    example = (ROOT / ".env.example").read_text()
    assert re.search(r"^POSTGRES_PASSWORD=$", example, re.MULTILINE)
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0


def test_maintenance_is_a_one_shot_on_the_same_lake():
    spec = files.compose()
    maintain = spec["services"]["maintain"]
    assert maintain["command"] == ["python", "-m", "kpi", "maintain"]
    assert maintain["profiles"]  # not started by `docker compose up`
    assert maintain["restart"] == "no"
    app = next(iter(files.app_services(spec).values()))
    assert maintain["environment"] == app["environment"]
    assert files.mounts(maintain) == files.mounts(app)


# --- the proxy ------------------------------------------------------------------------------------


def proxy_location() -> files.Directive:
    """The nginx location that passes requests to the app."""
    conf = files.nginx()
    found = [loc for loc in conf.all("location") if loc.all("proxy_pass")]
    assert len(found) == 1
    return found[0]


def upstream() -> files.Directive:
    conf = files.nginx()
    name = proxy_location().one("proxy_pass").args[0].removeprefix("http://")
    return next(block for block in conf.all("upstream") if block.args == [name])


def test_the_proxy_is_the_deploy_config_in_front_of_the_replicas():
    spec = files.compose()
    proxy = spec["services"]["proxy"]
    assert files.mounts(proxy)["/etc/nginx/conf.d/default.conf"] == "./deploy/nginx.conf"
    for name in files.app_services(spec):
        assert proxy["depends_on"][name]["condition"] == "service_healthy"


def test_the_proxy_sends_to_every_replica_on_the_port_the_image_exposes():
    servers = {server.args[0] for server in upstream().all("server")}
    expected = {f"{name}:{exposed_port()}" for name in files.app_services(files.compose())}
    assert servers == expected


def test_the_proxy_keeps_each_visitor_on_one_replica_by_a_cookie():
    block = upstream()
    hashed = block.one("hash").args
    assert hashed[1:] == ["consistent"]  # a replica that goes moves only its own visitors
    assert not block.all("ip_hash")  # one office behind one address would be one replica
    conf = files.nginx()
    # The key: the visitor's cookie, or a new random one on the first request ...
    key_map = next(m for m in conf.all("map") if m.args[1] == hashed[0])
    cookie = key_map.args[0].removeprefix("$cookie_")
    assert key_map.args[0] == f"$cookie_{cookie}"
    assert {d.name: d.args[0] for d in key_map.children} == {
        "": "$request_id",
        "default": key_map.args[0],
    }
    # ... which the first response sets, so the next requests (the websocket) hash the same.
    set_cookie = next(d for d in proxy_location().all("add_header") if d.args[0] == "Set-Cookie")
    value_map = next(m for m in conf.all("map") if m.args[1] == set_cookie.args[1])
    assert value_map.args[0] == key_map.args[0]
    new_value = {d.name: d.args[0] for d in value_map.children}[""]
    assert new_value.startswith(f"{cookie}=$request_id;")
    assert "always" in set_cookie.args


def test_the_proxy_passes_websockets_on_and_keeps_them_open():
    location = proxy_location()
    assert location.one("proxy_http_version").args == ["1.1"]
    headers = {d.args[0].lower(): d.args[1] for d in location.all("proxy_set_header")}
    assert headers["upgrade"] == "$http_upgrade"
    upgrade_map = next(m for m in files.nginx().all("map") if m.args[1] == headers["connection"])
    assert upgrade_map.args[0] == "$http_upgrade"
    assert {d.name: d.args[0] for d in upgrade_map.children}["default"] == "upgrade"
    # nginx closes a proxied connection idle for 60 s by default: a page left open would lose
    # its session.
    assert files.nginx_seconds(location.one("proxy_read_timeout").args[0]) >= 3600


def test_env_example_names_every_variable_compose_yaml_takes_from_env():
    text = (ROOT / "compose.yaml").read_text()
    taken = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^([A-Z0-9_]+)=", example, re.MULTILINE))
    assert taken == named
