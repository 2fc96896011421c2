"""The smallest app that signs in with st.login: used only by tests/e2e/test_signin_spike.py."""

from __future__ import annotations

import streamlit as st


def auth_configured() -> bool:
    """Whether the secrets have an [auth] section; False (not an exception) without any file."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets file at all
        return False


st.title("Sign-in spike")
st.text(f"auth configured: {auth_configured()}")

# st.user has no is_logged_in at all when [auth] is missing, so read it with get().
if st.user.get("is_logged_in", False):
    st.text(f"email: {st.user.get('email')}")
    st.text(f"name: {st.user.get('name')}")
    st.text(f"sub: {st.user.get('sub')}")
    st.text(f"keys: {', '.join(sorted(st.user.to_dict()))}")
    st.button("Log out", key="logout", on_click=st.logout)
else:
    st.text("not signed in")
    st.button("Log in", key="login", on_click=st.login)
