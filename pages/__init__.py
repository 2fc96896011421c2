"""The app's pages; app.py lists them with st.Page, so Streamlit must never scan this folder.

Streamlit treats a folder named `pages/` beside the entry script as a legacy multipage app until
app.py has called st.navigation once in the server's life: on a fresh server a deep link such as
/dashboard would run that page *without* app.py (no language, no viewer, no access checks).
Importing this package switches that off, and `common.require_router()` reruns any page that
was started that way through app.py.
"""

from streamlit.runtime.pages_manager import PagesManager

PagesManager.uses_pages_directory = False
