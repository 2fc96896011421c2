"""What a signed-in person keeps across sign-ins: their language (kpi/preferences.py)."""

from __future__ import annotations

import pytest

from kpi import access, db, preferences, roster
from kpi.access import AccessDenied, Viewer
from tests.conftest import database_at_version


def test_a_language_is_kept_per_person_in_any_case_and_replaced(con):
    assert preferences.language_of(con, "anna@x.nl") is None
    preferences.remember_language(con, " Anna@X.nl ", "en")
    assert preferences.language_of(con, "anna@x.nl") == "en"
    preferences.remember_language(con, "anna@x.nl", "nl")
    assert preferences.language_of(con, "ANNA@x.nl") == "nl"
    assert preferences.language_of(con, "bram@x.nl") is None
    assert con.execute("select count(*) from preferences").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("email", "lang", "message"),
    [("anna@x.nl", "de", "unknown language 'de'"), ("  ", "nl", "e-mail address is needed")],
)
def test_a_bad_preference_is_refused(con, email, lang, message):
    with pytest.raises(ValueError, match=message):
        preferences.remember_language(con, email, lang)
    assert con.execute("select count(*) from preferences").fetchone()[0] == 0


def test_a_person_keeps_only_their_own_language(con):
    anna = Viewer(role="rep", rep_key="anna@x.nl", email="anna@x.nl", signed_in=True)
    access.call(con, anna, preferences.remember_language, "bram@x.nl", "en")
    assert preferences.language_of(con, "anna@x.nl") == "en"
    assert preferences.language_of(con, "bram@x.nl") is None
    with pytest.raises(AccessDenied, match="signed-in"):
        access.call(con, Viewer(role="director"), preferences.remember_language, None, "en")


def test_leaving_the_roster_forgets_the_language(con):
    roster.replace_roster(
        con, [("a@x.nl", "A", None, "admin"), ("b@x.nl", "B", None, "rep")], by="test"
    )
    preferences.remember_language(con, "b@x.nl", "en")
    roster.remove_person(con, "B@x.nl", by="test")
    assert preferences.language_of(con, "b@x.nl") is None


def test_a_version_3_database_gets_the_preferences_on_open(tmp_path):
    path = tmp_path / "v3.duckdb"
    database_at_version(path, 3).close()
    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    preferences.remember_language(con, "anna@x.nl", "en")
    assert preferences.language_of(con, "anna@x.nl") == "en"
    con.close()
