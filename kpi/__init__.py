"""Commitboard engine: contact logs in DuckDB and the commitment KPIs; never imports streamlit."""
