"""Real sign-in for browser tests: oidc-provider-mock on localhost, `streamlit run` with an [auth]
secrets file from a temp folder, and the OpenID Connect flow clicked through in Chromium.

Use from a conftest (importing a fixture there registers it for the folder):

    from tests.e2e.oidc import oidc_provider  # noqa: F401

    @pytest.fixture(scope="module")
    def auth_server(oidc_provider, tmp_path_factory):
        server = AuthServer(ROOT / "app.py", oidc_provider, tmp_path_factory.mktemp("auth"),
                            env={"COMMITBOARD_DB": ...})
        yield server
        server.stop()

and in a test: `with fresh_tab(browser) as tab: sign_in(tab, auth_server, "anna@x.nl", "Anna")`.
Recipe, timings and gotchas: docs/auth-notes.md.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.request
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e.conftest import (
    ROOT,
    RUN_COUNTER,
    VIEWPORT,
    free_port,
    streamlit_command,
    wait_ready,
)

# The address every URL in the flow uses. Streamlit's redirect_uri, the browser's address bar and
# the provider's issuer must agree on the host, or the session cookie that carries the OAuth
# state is not sent back to /oauth2callback. 127.0.0.1 would do as well; mixing the two does not.
HOST = "localhost"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
CLIENT_ID = "commitboard-e2e"
# The mock accepts any client secret unless clients must register; Streamlit insists on one.
CLIENT_SECRET = "e2e-secret-not-checked-by-the-mock"
# Proxies from the environment must never see the back-channel call (code -> token).
NO_PROXY = {"NO_PROXY": "localhost,127.0.0.1", "no_proxy": "localhost,127.0.0.1"}
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# -- the identity provider ---------------------------------------------------------------------


@dataclass(frozen=True)
class OidcProvider:
    """oidc-provider-mock, running in a thread of the test process."""

    url: str

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def add_user(self, sub: str, **claims: object) -> None:
        """Register (or replace) the claims the provider puts in the ID token for `sub`.

        Without this, the mock signs in any typed `sub` with only {"email": sub}. Standard
        claims are filtered by scope: Streamlit asks for "openid email profile", so email,
        email_verified, name, given_name, family_name, preferred_username ... come through;
        non-standard claims (e.g. "roles") always do.
        """
        request = urllib.request.Request(
            f"{self.url}/users/{quote(sub, safe='')}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with _DIRECT.open(request, timeout=10) as response:
            if response.status != 204:
                raise RuntimeError(f"oidc-provider-mock refused user {sub!r}: {response.status}")


@contextmanager
def run_provider() -> Iterator[OidcProvider]:
    """The mock provider on a free localhost port (port 0: no race) until the block ends."""
    # Authlib puts an "always" filter for its deprecation warnings in front of pytest's own on
    # import, so the mock's imports (authlib.jose, httpx) would warn in every run.
    import authlib.deprecate  # noqa: F401

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import oidc_provider_mock

    # require_nonce: fail loudly should Streamlit ever stop sending a nonce.
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        yield OidcProvider(f"http://{HOST}:{server.server_port}")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """One mock provider for the whole session; users are added per test with add_user()."""
    with run_provider() as provider:
        yield provider


# -- the app -----------------------------------------------------------------------------------


def secrets_toml(
    app_url: str,
    provider: OidcProvider,
    *,
    client_id: str = CLIENT_ID,
    client_secret: str = CLIENT_SECRET,
    cookie_secret: str | None = None,
) -> str:
    """The [auth] section Streamlit needs to sign in against `provider` (flat: the "default"
    provider, so st.login() takes no argument)."""
    values = {
        "redirect_uri": f"{app_url}/oauth2callback",
        "cookie_secret": cookie_secret or secrets.token_hex(32),
        "client_id": client_id,
        "client_secret": client_secret,
        "server_metadata_url": provider.metadata_url,
    }
    # A JSON string is a valid TOML basic string.
    lines = [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "[auth]\n" + "\n".join(lines) + "\n"


def write_secrets(path: Path, app_url: str, provider: OidcProvider, **kwargs: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets_toml(app_url, provider, **kwargs), encoding="utf-8")
    return path


class AuthServer:
    """`streamlit run <script>` on a free port with its own secrets file in `workdir`.

    `--secrets.files` replaces Streamlit's search path (~/.streamlit and ./.streamlit), so the
    repo's .streamlit/secrets.toml, if a developer has one, is never read. `provider=None`
    starts the app with an empty secrets file: no [auth], as on a fresh install.
    """

    def __init__(
        self,
        script: Path,
        provider: OidcProvider | None,
        workdir: Path,
        env: Mapping[str, str] | None = None,
        timeout: float = 60,
    ) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.provider = provider
        workdir.mkdir(parents=True, exist_ok=True)
        self.secrets_path = workdir / "secrets.toml"
        if provider is None:
            self.secrets_path.write_text("", encoding="utf-8")
        else:
            write_secrets(self.secrets_path, self.url, provider)
        self.log = workdir / "streamlit.log"
        self.proc = subprocess.Popen(
            streamlit_command(script, self.port, "--secrets.files", str(self.secrets_path)),
            cwd=ROOT,  # the repo's .streamlit/config.toml (theme) applies, as in production
            env=os.environ | NO_PROXY | dict(env or {}),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self._wait(timeout)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            try:
                with _DIRECT.open(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"streamlit did not start in {timeout}s: {self.log.read_text()[-2000:]}")

    def page_url(self, path: str = "") -> str:
        return f"{self.url}/{path}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- the browser -------------------------------------------------------------------------------


def local_only(context) -> None:
    """Abort every request that would leave localhost. The mock's pages link Pico CSS on a CDN;
    without this the browser tries the network (and waits for it when DNS is slow)."""
    context.route(
        lambda url: (urlsplit(url).hostname or "") not in LOCAL_HOSTS,
        lambda route: route.abort(),
    )


@contextmanager
def fresh_tab(browser) -> Iterator[object]:
    """A tab in a new browser context: no cookies, so nobody is signed in yet."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.add_init_script(RUN_COUNTER)
    local_only(context)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.js_errors = []
    tab.on("pageerror", lambda error: tab.js_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()


def sign_in(
    tab,
    server: AuthServer,
    email: str,
    name: str,
    *,
    sub: str | None = None,
    path: str | None = None,
    login_key: str = "login",
    logout_key: str = "logout",
    **claims: object,
) -> None:
    """Sign in through the real flow: app -> provider's form -> /oauth2callback -> app.

    The user is registered with the provider first (sub defaults to the e-mail address), so
    st.user carries `email`, `name` and any extra `claims`. `login_key`/`logout_key` are the
    widget keys of the app's buttons; returns once the logout button is shown. The flow starts
    on the current page when the tab shows this app and `path` is None, else on `path` ("" is
    the root). Streamlit lands on the app's root page after the callback, whatever the start.
    """
    assert server.provider is not None, "this server has no [auth]"
    provider = server.provider
    sub = sub or email
    provider.add_user(sub, email=email, name=name, **claims)
    if path is not None or not tab.url.startswith(server.url):
        tab.goto(server.page_url(path or ""))
    wait_ready(tab)
    tab.locator(f".st-key-{login_key} button").click()
    # The click reruns the script; st.login() sends the browser to /auth/login, which redirects
    # to the provider's authorization form (a plain HTML form: one "sub" field).
    tab.wait_for_url(f"{provider.url}/oauth2/authorize?**")
    tab.get_by_placeholder("sub").fill(sub)
    tab.get_by_role("button", name="Authorize", exact=True).click()
    # POST -> 302 /oauth2callback?code=... (Streamlit swaps the code for tokens, sets its cookie)
    # -> 302 to the app's root.
    tab.wait_for_url(f"{server.url}/")
    tab.locator(f".st-key-{logout_key} button").wait_for()
    wait_ready(tab)


def sign_out(tab, *, login_key: str = "login", logout_key: str = "logout") -> None:
    """Click the app's logout button and go through the provider's end-session page.

    st.logout() sends the browser to /auth/logout, which clears Streamlit's cookies and, since
    the mock advertises an end_session_endpoint, redirects there; its "End session" button
    posts back to /oauth2callback (no state: Streamlit logs a warning and goes to the root).
    """
    tab.locator(f".st-key-{logout_key} button").click()
    tab.wait_for_url("**/oauth2/end_session?**")
    tab.get_by_role("button", name="End session").click()
    tab.locator(f".st-key-{login_key} button").wait_for()
    wait_ready(tab)
