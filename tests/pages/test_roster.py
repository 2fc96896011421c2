"""The roster page (admins): the people, adding, changing and removing them, the change log."""

from __future__ import annotations

import pytest

from kpi import db, roster
from tests.pages.conftest import open_as, open_page
from tests.pages.test_roles import TEAM


@pytest.fixture
def team_db(small_db):
    con = db.connect(small_db)
    roster.replace_roster(con, TEAM, by="test")
    con.close()
    return small_db


def people(at) -> list[str]:
    return list(at.dataframe[0].value["email"])


def log_rows(at) -> list[list[str]]:
    frame = at.dataframe[-1].value
    return frame[["changed_by", "action", "email"]].fillna("").values.tolist()


def test_the_admin_sees_everyone_and_the_log(team_db):
    at = open_as("admin@x.nl", page="roster")
    assert not at.exception
    assert at.title[0].value == "Team roster"
    assert len(people(at)) == 5
    assert log_rows(at)[0] == ["test", "roster replaced", "–"]


def test_adding_a_person_shows_them_and_logs_who_did_it(team_db):
    at = open_as("admin@x.nl", page="roster")
    at.text_input(key="ros_add_email").set_value("cees@x.nl")
    at.text_input(key="ros_add_name").set_value("Cees de Boer")
    at.selectbox(key="ros_add_team").set_value("Team Noord")
    at.selectbox(key="ros_add_role").set_value("trainer")
    at.button(key="ros_add_button").click().run()
    assert not at.exception
    assert "cees" in at.success[0].value
    assert "cees@x.nl" in people(at)
    assert log_rows(at)[0] == ["admin@x.nl", "added", "cees@x.nl"]
    assert at.text_input(key="ros_add_email").value == ""  # ready for the next one


def test_a_bad_email_is_refused_and_what_was_typed_stays(team_db):
    at = open_as("admin@x.nl", page="roster")
    at.text_input(key="ros_add_email").set_value("cees at x")
    at.text_input(key="ros_add_name").set_value("Cees")
    at.button(key="ros_add_button").click().run()
    assert "Enter an e-mail address" in at.error[0].value
    assert len(people(at)) == 5
    assert at.text_input(key="ros_add_name").value == "Cees"


def test_changing_a_role_and_removing_someone(team_db):
    at = open_as("admin@x.nl", page="roster")
    at.selectbox(key="ros_pick").set_value("bram@x.nl").run()
    at.selectbox(key="ros_edit_role").set_value("trainer")
    at.button(key="ros_save_button").click().run()
    assert "is changed" in at.success[0].value
    assert log_rows(at)[0] == ["admin@x.nl", "changed", "bram@x.nl"]
    at.button(key="ros_remove").click().run()
    assert "Remove bram" in at.warning[0].value.replace("\u2060", "")
    at.button(key="ros_remove_confirmed").click().run()
    assert "bram@x.nl" not in people(at)
    assert log_rows(at)[0] == ["admin@x.nl", "removed", "bram@x.nl"]


def test_the_last_admin_is_kept(team_db):
    at = open_as("admin@x.nl", page="roster")
    at.selectbox(key="ros_pick").set_value("admin@x.nl").run()
    at.button(key="ros_remove").click().run()
    at.button(key="ros_remove_confirmed").click().run()
    assert "last admin" in at.error[0].value
    assert "admin@x.nl" in people(at)


def test_in_demo_mode_the_admin_role_opens_the_roster_in_dutch(team_db):
    at = open_page("roster", role="admin", lang="nl")
    assert not at.exception
    assert at.title[0].value == "Teamoverzicht"
    assert len(people(at)) == 5
