"""Sign-in on (an [auth] section): what each role sees, page by page, with AppTest's fake user.

The real OpenID Connect flow in Chromium is tests/e2e/test_signin.py; these are the fast cases.
Data: tests/data/kpi_small.csv; the roster puts Anna and Bram in Team Noord (Anna 4 contacts,
Bram 2, Cees 2 and not on the roster).
"""

from __future__ import annotations

import pytest

from kpi import db, roster
from tests.pages.conftest import kpi_tiles, open_as, open_page, open_tab

TEAM = [
    ("anna@x.nl", "Anna de Vries", "Team Noord", "rep"),
    ("bram@x.nl", "Bram Jansen", "Team Noord", "rep"),
    ("dir@x.nl", "Dirk Directeur", None, "director"),
    ("trainer@x.nl", "Tineke Trainer", None, "trainer"),
    ("admin@x.nl", "Ad Admin", None, "admin"),
]


@pytest.fixture
def team_db(small_db):
    con = db.connect(small_db)
    roster.replace_roster(con, TEAM, by="test")
    con.execute("update contacts set share_for_training = contact_id in ('C05', 'C08')")
    con.close()
    return small_db


def texts(at) -> str:
    parts = [e.value for kind in ("title", "subheader", "caption", "markdown", "info", "warning", "error")
             for e in getattr(at, kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


def title(at) -> str:
    return at.title[0].value


def metrics_shown(at) -> dict[str, str]:
    return {label: tile.value for label, tile in kpi_tiles(at).items()}


def test_signed_out_shows_only_the_sign_in_button(team_db):
    at = open_as(None)
    assert title(at) == "Sign in to Commitboard"
    assert [b.key for b in at.button] == ["login"]
    assert not kpi_tiles(at) and not at.dataframe
    assert not at.sidebar.selectbox  # no demo role picker: no way around sign-in
    assert "Demo mode" not in texts(at)


def test_signed_out_a_deep_link_shows_the_sign_in_button_too(team_db):
    at = open_as(None, page="reflection")
    assert title(at) == "Sign in to Commitboard"
    assert not at.dataframe


def test_a_stranger_sees_one_clear_message_and_no_data(team_db, caplog):
    at = open_as("stranger@elsewhere.nl")
    assert len(at.warning) == 1
    # (escape_markdown puts a word joiner before "@" so the address is not turned into a link)
    assert "stranger@elsewhere.nl" in at.warning[0].value.replace("\u2060", "")
    assert "not on the team roster" in at.warning[0].value
    assert not kpi_tiles(at) and not at.dataframe and not at.title
    assert [b.key for b in at.sidebar.button] == ["logout"]
    at.switch_page("views/dashboard.py").run()
    assert not kpi_tiles(at) and not at.dataframe
    # The server's log says it once for the session, not at every rerun.
    refused = [r.getMessage() for r in caplog.records if r.name == "commitboard.app"]
    assert refused == ["sign-in refused: stranger@elsewhere.nl"]


def test_the_director_sees_everyone(team_db):
    at = open_as("DIR@x.nl")
    assert title(at) == "Dashboard"
    assert metrics_shown(at)["Contacts"] == "8"
    assert "Signed in as Dirk Directeur (Commercial director)" in at.sidebar.caption[0].value
    assert len(open_tab(at, "reps").dataframe[0].value) == 3  # per rep: Anna, Bram, Cees
    at.switch_page("views/reflection.py").run()
    assert at.selectbox(key="refl_rep")  # may pick any rep


def test_a_rep_sees_team_totals_and_only_their_own_rows(team_db):
    at = open_as("anna@x.nl")
    assert metrics_shown(at)["Contacts"] == "6"  # Team Noord: Anna 4 + Bram 2
    assert list(open_tab(at, "reps").dataframe[0].value["rep_name"]) == ["Anna de Vries"]
    assert not at.multiselect  # no picking colleagues
    at.segmented_control(key="dash_scope").set_value("me").run()
    assert metrics_shown(at)["Contacts"] == "4"


def test_a_rep_cannot_open_a_colleagues_reflection_by_url(team_db):
    at = open_as("anna@x.nl", page="reflection")
    at.query_params["rep"] = "bram@x.nl"
    at.run()
    assert not at.exception
    shown = texts(at) + "".join(str(df.value) for df in at.dataframe)
    assert "Te snel naar de directie gegaan" not in shown  # Bram's lesson
    assert "Bram" not in shown
    assert "refl_rep" not in [box.key for box in at.selectbox]  # no picking colleagues


@pytest.mark.parametrize(
    ("email", "page"),
    [
        ("anna@x.nl", "importer"),
        ("anna@x.nl", "roster"),
        ("dir@x.nl", "roster"),
        ("trainer@x.nl", "dashboard"),
        ("trainer@x.nl", "reflection"),
        ("trainer@x.nl", "log_contact"),
    ],
)
def test_a_page_not_registered_for_the_role_cannot_be_opened(team_db, email, page):
    """The page is not registered for this session at all (in the browser: "page not found",
    tests/e2e/test_signin.py)."""
    at = open_as(email)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"views/{page}.py")


def test_the_trainer_sees_shared_stories_without_customer_names(team_db):
    at = open_as("trainer@x.nl")
    assert title(at) == "Training"
    at.selectbox(key="train_period").set_value("all").run()
    assert at.toggle(key="train_hide_names").value is True
    shown = texts(at)
    assert "Pilotplan met eigenaren" in shown  # C08, shared
    assert "Gamma" not in shown and "Beta BV" not in shown  # accounts hidden
    assert "Customer A" in shown and "Customer B" in shown


def test_sign_out_ends_the_session(team_db):
    at = open_as("dir@x.nl")
    at.sidebar.button(key="logout").click().run()
    assert title(at) == "Sign in to Commitboard"
    assert not kpi_tiles(at)


def test_the_form_saves_as_the_signed_in_rep(team_db):
    at = open_as("bram@x.nl", page="log_contact")
    assert "log_rep" not in [box.key for box in at.selectbox]  # no logging for someone else
    at.selectbox(key="log_account").set_value("ACME")
    at.button_group(key="log_channel").set_value("phone")
    at.button(key="log_save").click().run()
    assert not at.exception
    con = db.connect(team_db)
    try:
        row = con.execute("select rep from contacts where source = 'form'").fetchone()
    finally:
        con.close()
    assert row == ("bram@x.nl",)


def test_demo_mode_without_auth_still_has_the_banner_and_role_picker(team_db):
    at = open_page("dashboard")
    assert "Demo mode" in at.sidebar.info[0].value
    assert at.sidebar.selectbox(key="act_as").value == "director"


def test_an_address_the_provider_has_not_verified_is_not_trusted(team_db):
    at = open_as("dir@x.nl", email_verified=False)
    assert not kpi_tiles(at) and not at.dataframe
    assert "did not tell Commitboard your e-mail address" in at.warning[0].value


def test_without_an_email_claim_the_entra_user_name_is_used(team_db):
    at = open_as(None)
    at.user = {"is_logged_in": True, "preferred_username": "Anna@x.nl", "sub": "s1"}
    at.run()
    assert "Signed in as Anna de Vries (Rep)" in at.sidebar.caption[0].value


def test_a_person_removed_from_the_roster_loses_access_on_the_next_run(team_db):
    at = open_as("bram@x.nl")
    assert kpi_tiles(at)
    con = db.connect(team_db)
    roster.remove_person(con, "bram@x.nl", by="test")
    con.close()
    at.run()
    assert not kpi_tiles(at)
    assert "not on the team roster" in at.warning[0].value


def test_a_language_picked_signed_in_is_kept_for_the_next_sign_in(team_db):
    """Signing in returns to the front page without ?lang= (a new session); the language this
    person picked last time is taken, not the app's default (English in these tests)."""
    at = open_as("anna@x.nl")
    assert "Contacts" in metrics_shown(at)
    at.segmented_control(key="lang_switch").set_value("nl").run()
    assert not at.exception
    assert "Contactmomenten" in metrics_shown(at)

    again = open_as("ANNA@x.nl")  # signing in again, any case
    assert metrics_shown(again)["Contactmomenten"] == "6"
    assert "Contacts" in metrics_shown(open_as("bram@x.nl"))  # only her own choice
    assert "Contacts" in metrics_shown(open_as("anna@x.nl", lang="en"))  # the URL still wins


def test_in_demo_mode_nothing_is_kept_across_sessions(team_db):
    at = open_page("dashboard")
    at.segmented_control(key="lang_switch").set_value("nl").run()
    assert not at.exception and "Contactmomenten" in metrics_shown(at)
    assert "Contacts" in metrics_shown(open_page("dashboard"))
