"""AppTest fixtures: the real app.py on a fresh database with demo data, one page at a time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kpi import db, demo, ingest, roster

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(autouse=True)
def fresh_caches():
    """st.cache_data and st.cache_resource live as long as the process; every test starts clean."""
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> Path:
    """A database with 3,000 demo contacts up to today, used by the app through COMMITBOARD_DB."""
    path = tmp_path / "app.duckdb"
    con = db.connect(path)
    demo.generate(con, contacts=3000, seed=1, today=dt.date.today())
    con.close()
    monkeypatch.setenv("COMMITBOARD_DB", str(path))
    monkeypatch.setenv("COMMITBOARD_LANG", "en")
    return path


@pytest.fixture
def small_db(tmp_path, monkeypatch) -> Path:
    """A database with only tests/data/kpi_small.csv and its roster (known numbers)."""
    path = tmp_path / "small.duckdb"
    con = db.connect(path)
    ingest.import_file(con, DATA / "kpi_small.csv", today=dt.date(2026, 6, 30))
    roster.load_roster(con, DATA / "roster_small.csv")
    con.close()
    monkeypatch.setenv("COMMITBOARD_DB", str(path))
    monkeypatch.setenv("COMMITBOARD_LANG", "en")
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("COMMITBOARD_DB", str(path))
    monkeypatch.setenv("COMMITBOARD_LANG", "en")
    return path


def open_page(
    page: str, *, role: str = "director", rep: str | None = None, lang: str | None = None
) -> AppTest:
    """Run app.py as `role` (and rep key), then switch to pages/<page>.py and run it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    # Hermetic: no [auth] (demo mode), whatever secrets file the developer has.
    at.secrets = {}
    if lang:
        at.query_params["lang"] = lang
    at.session_state["act_as"] = role
    if rep:
        at.session_state["act_as_rep"] = rep
    at.run()
    assert not at.exception, at.exception
    at.switch_page(f"views/{page}.py").run()
    return at


# What app.py needs to see to switch sign-in on. AppTest hands these to the script as st.secrets;
# Streamlit's own login code never runs in AppTest (tests/e2e/test_signin.py signs in for real).
AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test",
        "client_id": "test",
        "client_secret": "test",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
    }
}


def open_as(
    email: str | None, *, page: str | None = None, lang: str | None = None, **claims: object
) -> AppTest:
    """Run app.py with sign-in on, as `email` (None: signed out), then switch to views/<page>.py."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets = AUTH_SECRETS
    if lang:
        at.query_params["lang"] = lang
    at.user = (
        {"is_logged_in": True, "email": email, "sub": email, **claims}
        if email is not None
        else {"is_logged_in": False}
    )
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"views/{page}.py").run()
    return at


DASH_TABS = {"team": ":material/groups:", "trends": ":material/show_chart:",
             "reps": ":material/table_chart:", "relationships": ":material/diversity_3:"}  # fmt: skip


def open_tab(at: AppTest, name: str, lang: str = "en") -> AppTest:
    """Open one of the dashboard's tabs (only the open tab is drawn) and run again."""
    from kpi import i18n

    at.session_state["dash_tabs"] = f"{DASH_TABS[name]} {i18n.t(f'dash_tab_{name}', lang)}"
    return at.run()


@dataclass
class TileShown:
    """A KPI tile of the dashboard (views/tiles.py) as the page's HTML has it."""

    key: str
    label: str = ""
    value: str = ""
    help: str = ""
    delta: str = ""  # "" when there is nothing to compare with
    tone: str = ""  # the delta's colour: good, bad or off
    trend_points: int = 0


class _TileParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tiles: list[TileShown] = []
        self._field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        test_id = found.get("data-testid")
        if test_id == "cbKpi":
            self.tiles.append(TileShown(key=found["data-kpi"] or ""))
        elif test_id in ("cbKpiLabel", "cbKpiValue", "cbKpiDelta"):
            self._field = test_id.removeprefix("cbKpi").lower()
        elif "data-tone" in found:
            self.tiles[-1].tone = found["data-tone"] or ""
        elif "data-help" in found:
            self.tiles[-1].help = found["data-help"] or ""
        elif tag == "polyline":
            self.tiles[-1].trend_points = len((found["points"] or "").split())

    def handle_endtag(self, tag: str) -> None:
        self._field = None

    def handle_data(self, data: str) -> None:
        if self._field:
            tile = self.tiles[-1]
            setattr(tile, self._field, getattr(tile, self._field) + data)


def kpi_tiles(at: AppTest) -> dict[str, TileShown]:
    """The dashboard's KPI tiles by their shown name, read from the page's Markdown."""
    parser = _TileParser()
    for block in at.markdown:
        if 'data-testid="cbKpi"' in block.value:
            parser.feed(block.value)
    return {tile.label: tile for tile in parser.tiles}


def display_values(element) -> pd.DataFrame:
    """The text a table shows in each cell (views.common.show_table writes it), not its values."""
    from streamlit import dataframe_util

    return dataframe_util.convert_arrow_bytes_to_pandas_df(
        element.proto.arrow_data.styler.display_values
    )
