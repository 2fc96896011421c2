"""Spike: st.login signs in for real, against oidc-provider-mock on localhost, in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import errors_shown, rerun, wait_ready
from tests.e2e.oidc import (
    AuthServer,
    fresh_tab,
    oidc_provider,  # noqa: F401 (a fixture: importing it registers it)
    sign_in,
    sign_out,
)

pytestmark = [
    pytest.mark.browser,
    # The mock provider runs in this process; its token endpoint warns about Authlib 1.8.
    pytest.mark.filterwarnings("ignore:get_jwt_config"),
]

SPIKE_APP = Path(__file__).with_name("spike_app.py")


@pytest.fixture(scope="module")
def spike_server(oidc_provider, tmp_path_factory):  # noqa: F811 (the fixture imported above)
    server = AuthServer(SPIKE_APP, oidc_provider, tmp_path_factory.mktemp("signin"))
    yield server
    server.stop()


def texts(tab) -> list[str]:
    return [text.strip() for text in tab.locator('[data-testid="stText"]').all_inner_texts()]


def test_sign_in_sign_out_and_a_second_user(browser, spike_server):
    with fresh_tab(browser) as tab:
        tab.goto(spike_server.url)
        wait_ready(tab)
        assert "auth configured: True" in texts(tab)
        assert "not signed in" in texts(tab)

        sign_in(tab, spike_server, "anna@x.nl", "Anna de Vries")  # from the page shown
        shown = texts(tab)
        assert shown[:4] == [
            "auth configured: True",
            "email: anna@x.nl",
            "name: Anna de Vries",
            "sub: anna@x.nl",
        ]
        # st.user is the ID token's claims plus what Streamlit adds (is_logged_in, provider).
        keys = set(shown[4].removeprefix("keys: ").split(", "))
        assert {"email", "name", "sub", "is_logged_in", "provider", "iss", "exp"} <= keys

        # The identity cookie outlives the session: a reload is still Anna.
        tab.reload()
        wait_ready(tab)
        expect(tab.get_by_text("email: anna@x.nl")).to_be_visible()

        sign_out(tab)
        # sign_out ends on a fresh page load, i.e. a new session that found no identity cookie.
        assert "not signed in" in texts(tab)
        assert not any(text.startswith("email:") for text in texts(tab))
        assert not [c for c in tab.context.cookies() if c["name"].startswith("_streamlit_user")]
        assert errors_shown(tab) == []
        assert tab.js_errors == []

    with fresh_tab(browser) as tab:
        sign_in(tab, spike_server, "bram@x.nl", "Bram Jansen", sub="user-0002")
        assert "email: bram@x.nl" in texts(tab)
        assert "name: Bram Jansen" in texts(tab)
        assert "sub: user-0002" in texts(tab)
        assert not any("anna" in text for text in texts(tab))


def test_without_auth_section_login_shows_an_error(browser, tmp_path):
    """An app without [auth]: st.user has no is_logged_in, and st.login() raises
    StreamlitAuthError, which Streamlit shows on the page (no redirect happens)."""
    server = AuthServer(SPIKE_APP, None, tmp_path)
    try:
        with fresh_tab(browser) as tab:
            tab.goto(server.url)
            wait_ready(tab)
            assert texts(tab)[:2] == ["auth configured: False", "not signed in"]
            rerun(tab, tab.locator(".st-key-login button").click)
            assert tab.url.startswith(server.url)
            [error] = errors_shown(tab)
            assert re.search(r"StreamlitAuthError", error)
            assert "configure credentials" in error
    finally:
        server.stop()
