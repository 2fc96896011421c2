"""The importer page."""

import streamlit as st

from pages.common import t

st.title(t("page_importer"))
