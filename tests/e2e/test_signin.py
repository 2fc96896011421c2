"""Real sign-in in Chromium, per role: st.login against oidc-provider-mock on localhost.

The app is the real app.py with an [auth] section, on the small data set with a roster that puts
Anna and Bram in Team Noord (Anna 4 contacts, Bram 2; Cees 2 and not on the roster). C05 (Bram,
account Beta BV, lesson "Te snel naar de directie gegaan") and C08 (Cees, account Gamma) are
offered for training.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import db, ingest, roster
from tests.e2e.conftest import (
    ROOT,
    choose,
    errors_shown,
    metric,
    navigate,
    rerun,
    screenshot,
    visible_text,
    wait_ready,
)
from tests.e2e.oidc import (
    AuthServer,
    fresh_tab,
    oidc_provider,  # noqa: F401 (a fixture: importing it registers it)
    sign_in,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:get_jwt_config")]

DATA = ROOT / "tests" / "data"
TEAM = [
    ("anna@x.nl", "Anna de Vries", "Team Noord", "rep"),
    ("bram@x.nl", "Bram Jansen", "Team Noord", "rep"),
    ("dir@x.nl", "Dirk Directeur", None, "director"),
    ("trainer@x.nl", "Tineke Trainer", None, "trainer"),
    ("admin@x.nl", "Ad Admin", None, "admin"),
]
BRAMS_LESSON = "Te snel naar de directie gegaan"


@pytest.fixture(scope="module")
def app(oidc_provider, tmp_path_factory):  # noqa: F811 (the fixture imported above)
    work = tmp_path_factory.mktemp("signin")
    path = work / "team.duckdb"
    con = db.connect(path)
    ingest.import_file(con, DATA / "kpi_small.csv", today=dt.date(2026, 6, 30))
    roster.replace_roster(con, TEAM, by="test")
    con.execute("update contacts set share_for_training = contact_id in ('C05', 'C08')")
    con.close()
    server = AuthServer(
        ROOT / "app.py",
        oidc_provider,
        work,
        env={"COMMITBOARD_DB": str(path), "COMMITBOARD_LANG": "en"},
    )
    yield server
    server.stop()


def menu(tab) -> list[str]:
    """The page names in the sidebar menu; each link's text starts with its icon's ligature
    name ("monitoring"), the page name is its last line."""
    links = tab.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return [text.strip().splitlines()[-1].strip() for text in links]


def go(tab, app, path: str) -> str:
    """Type a URL into the address bar; returns the text the app then shows."""
    tab.goto(app.page_url(path))
    wait_ready(tab)
    return visible_text(tab)


def test_signed_out_every_url_shows_only_sign_in(browser, app):
    with fresh_tab(browser) as tab:
        for path in ("", "dashboard", "reflection?rep=bram@x.nl", "import", "roster"):
            text = go(tab, app, path)
            assert "Sign in to Commitboard" in text
            assert "Contacts" not in text and BRAMS_LESSON not in text
            assert "Demo mode" not in text
            assert menu(tab) == []
        screenshot(tab, "signin")


def test_the_director_sees_everything_and_sign_out_ends_it(browser, app):
    with fresh_tab(browser) as tab:
        sign_in(tab, app, "dir@x.nl", "Dirk Directeur")
        assert menu(tab) == [
            "Dashboard",
            "Does commitment pay?",
            "Log a contact",
            "Reflection",
            "Training",
            "Import",
            "Goals",
        ]
        # the data set is from early 2026: the dashboard opens on all time
        assert metric(tab, "Contacts") == "8"
        assert "Signed in as Dirk Directeur" in visible_text(tab)
        sign_out(tab)
        text = go(tab, app, "dashboard")
        assert "Sign in to Commitboard" in text and "Contacts" not in text
        assert errors_shown(tab) == []


def test_a_rep_sees_their_team_and_nothing_of_a_colleague(browser, app):
    with fresh_tab(browser) as tab:
        sign_in(tab, app, "anna@x.nl", "Anna de Vries")
        assert menu(tab) == ["Dashboard", "Log a contact", "Reflection", "Training"]
        # the data set is from early 2026: the dashboard opens on all time
        assert metric(tab, "Contacts") == "6"  # Team Noord, not Cees
        # A colleague's reflection by URL and query parameter: still only Anna's own page.
        text = go(tab, app, "reflection?rep=bram@x.nl")
        assert "Anna de Vries" in text
        assert "Bram" not in text and BRAMS_LESSON not in text
        # Pages of other roles are not registered for her session at all.
        for path in ("import", "roster"):
            text = go(tab, app, path)
            assert "Upload" not in text and "Team roster" not in text
        screenshot(tab, "signin-rep")


def test_the_language_picked_signed_in_survives_signing_out_and_in(browser, app):
    """The provider sends the browser back to the app's root page without ?lang=; the app
    takes the language this person last picked (the app's default here is English)."""
    with fresh_tab(browser) as tab:
        sign_in(tab, app, "bram@x.nl", "Bram Jansen")
        assert metric(tab, "Contacts") == "6"
        rerun(tab, tab.locator(".st-key-lang_switch button", has_text="Nederlands").click)
        assert metric(tab, "Contactmomenten") == "6"
        sign_out(tab)
        sign_in(tab, app, "bram@x.nl", "Bram Jansen")
        assert metric(tab, "Contactmomenten") == "6"
        assert errors_shown(tab) == []


def test_the_trainer_sees_shared_stories_without_customer_names(browser, app):
    with fresh_tab(browser) as tab:
        sign_in(tab, app, "trainer@x.nl", "Tineke Trainer")
        assert menu(tab) == []  # one page: Streamlit shows no menu
        choose(tab, "train_period", "All time")
        text = visible_text(tab)
        assert "Pilotplan met eigenaren" in text  # Cees's shared story
        assert "Customer A" in text
        assert "Gamma" not in text and "Beta BV" not in text
        assert "Contacts" not in go(tab, app, "dashboard")


def test_a_stranger_sees_one_message_and_no_data(browser, app):
    with fresh_tab(browser) as tab:
        sign_in(tab, app, "stranger@elsewhere.nl", "Stranger")
        text = visible_text(tab)
        assert "not on the team roster" in text
        assert "Contacts" not in text and menu(tab) == []
        assert "Contacts" not in go(tab, app, "dashboard")


def test_the_admin_manages_the_roster_and_the_change_shows_who(browser, app):
    with fresh_tab(browser) as tab:
        sign_in(tab, app, "admin@x.nl", "Ad Admin")
        assert menu(tab)[-1] == "Team roster"
        navigate(tab, "Team roster")
        tab.locator(".st-key-ros_add_email input").fill("cees@x.nl")
        tab.locator(".st-key-ros_add_name input").fill("Cees de Boer")
        tab.locator(".st-key-ros_add_button button").click()
        tab.get_by_text("is on the roster.").wait_for()
        wait_ready(tab)
        screenshot(tab, "roster")
    with fresh_tab(browser) as tab:
        sign_in(tab, app, "cees@x.nl", "Cees de Boer")  # on the roster now: a rep
        assert menu(tab) == ["Dashboard", "Log a contact", "Reflection", "Training"]
