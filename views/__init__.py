"""The app's pages, one file each; app.py lists them with st.Page.

The folder is deliberately not called `pages/`: Streamlit 1.67 treats a `pages/` folder beside
the entry script as an old-style multipage app until app.py has run once in the server's life,
so the first visitor after a start could open a page without app.py (no viewer, no checks) or
hit "Page not found" (tests/e2e/test_smoke.py::test_first_visit_on_a_fresh_server).
"""
