"""Commitboard: the router. Page config, who is using the app, the language, and the pages."""

import streamlit as st

from views import common

st.set_page_config(page_title="Commitboard", page_icon="🤝", layout="wide")

common.start_run()
lang = common.language_switch()
viewer = common.current_viewer()
common.keep_language_choice()

PAGES = {
    "dashboard": st.Page(
        "views/dashboard.py",
        title=common.t("page_dashboard"),
        icon=":material/monitoring:",
        url_path="dashboard",
        default=True,
    ),
    "evidence": st.Page(
        "views/evidence.py",
        title=common.t("page_evidence"),
        icon=":material/insights:",
        url_path="evidence",
    ),
    "log_contact": st.Page(
        "views/log_contact.py",
        title=common.t("page_log_contact"),
        icon=":material/edit_note:",
        url_path="log",
    ),
    "reflection": st.Page(
        "views/reflection.py",
        title=common.t("page_reflection"),
        icon=":material/self_improvement:",
        url_path="reflection",
    ),
    "training": st.Page(
        "views/training.py",
        title=common.t("page_training"),
        icon=":material/school:",
        url_path="training",
    ),
    "import": st.Page(
        "views/importer.py",
        title=common.t("page_import"),
        icon=":material/upload_file:",
        url_path="import",
    ),
    "goals": st.Page(
        "views/goals.py",
        title=common.t("page_goals"),
        icon=":material/flag:",
        url_path="goals",
    ),
    "roster": st.Page(
        "views/roster.py",
        title=common.t("page_roster"),
        icon=":material/badge:",
        url_path="roster",
    ),
}

# Only the pages this viewer may open are registered for the session: any other URL is
# "page not found", whatever is typed.
st.navigation([PAGES[name] for name in common.pages_for(viewer)]).run()
