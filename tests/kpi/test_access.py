"""Who sees what: kpi.access narrows every call a page makes to what the viewer's role may see.

The small data set (tests/data/kpi_small.csv) with a roster that puts Anna and Bram in one team:
Anna has 4 contacts (C01 C02 C03 C06), Bram 2 (C04 C05), Cees 2 (C07 C08, not on the roster).
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from kpi import access, contacts, db, ingest, metrics, reflection, roster, training
from kpi.access import AccessDenied, Viewer
from kpi.metrics import Filters, Window
from tests.conftest import TODAY, database_at_version

ROOT = Path(__file__).resolve().parents[2]
TEAM = [
    ("anna@x.nl", "Anna de Vries", "Team Noord", "rep"),
    ("Bram@X.nl", "Bram Jansen", "Team Noord", "rep"),
    ("dir@x.nl", "Dirk Directeur", None, "director"),
    ("trainer@x.nl", "Tineke Trainer", None, "trainer"),
    ("admin@x.nl", "Ad Admin", None, "admin"),
]


@pytest.fixture
def team(small):
    roster.replace_roster(small, TEAM, by="test")
    return small


def signed_in(con, email: str) -> Viewer:
    who = access.viewer_for_email(con, email)
    assert who is not None
    return who


def test_pages_per_role():
    assert access.pages_for(Viewer("director")) == (
        "dashboard",
        "evidence",
        "log_contact",
        "reflection",
        "training",
        "import",
        "goals",
    )
    assert access.pages_for(Viewer("admin"))[-3:] == ("import", "goals", "roster")
    assert access.pages_for(Viewer("rep")) == ("dashboard", "log_contact", "reflection", "training")
    assert access.pages_for(Viewer("trainer")) == ("training",)
    assert access.pages_for(Viewer("nobody")) == ()


@pytest.mark.parametrize("email", ["anna@x.nl", " ANNA@X.NL ", "Anna@x.nl"])
def test_the_roster_knows_a_person_by_email_in_any_case(team, email):
    who = access.viewer_for_email(team, email)
    assert who == Viewer(
        role="rep",
        rep_key="anna@x.nl",
        name="Anna de Vries",
        email="anna@x.nl",
        team="Team Noord",
        keys=("anna@x.nl", "anna de vries"),
        signed_in=True,
    )


@pytest.mark.parametrize("email", ["stranger@x.nl", "", None, "anna@x.nl.evil.com"])
def test_someone_not_on_the_roster_is_nobody(team, email):
    assert access.viewer_for_email(team, email) is None


def test_a_rep_whose_contacts_carry_their_name_is_matched_on_it(team):
    ingest.import_bytes(
        team,
        b"contact_date,rep,account,channel\n2026-06-01,Tineke Trainer,Delta,phone\n",
        "by-name.csv",
    )
    assert signed_in(team, "trainer@x.nl").rep_key == "tineke trainer"
    assert signed_in(team, "anna@x.nl").rep_key == "anna@x.nl"


# -- the dashboard ----------------------------------------------------------------------------


def test_a_rep_sees_team_totals_and_only_their_own_row(team):
    anna = signed_in(team, "anna@x.nl")
    result = access.call(team, anna, metrics.dashboard_kpis, Window(), Filters())
    assert result.comparison.current["contacts"] == 6  # Anna 4 + Bram 2, not Cees
    assert list(result.per_rep["rep_key"]) == ["anna@x.nl"]
    director = signed_in(team, "dir@x.nl")
    everyone = access.call(team, director, metrics.dashboard_kpis, Window(), Filters())
    assert everyone.comparison.current["contacts"] == 8
    assert len(everyone.per_rep) == 3


@pytest.mark.parametrize(
    ("asked", "contacts_count"),
    [
        (Filters(reps=("anna@x.nl",)), 4),  # her own: allowed
        (Filters(reps=(" ANNA de vries ",)), 4),  # her own, by name
        (Filters(reps=("bram@x.nl",)), 6),  # a colleague alone: only the team total
        (Filters(reps=("anna@x.nl", "bram@x.nl")), 6),
        (Filters(team="Team Zuid"), 6),  # another team: her own team
        (Filters(reps=("cees",)), 6),
    ],
)
def test_a_rep_cannot_narrow_the_dashboard_to_a_colleague(team, asked, contacts_count):
    anna = signed_in(team, "anna@x.nl")
    assert access.call(team, anna, metrics.summary, Window(), asked)["contacts"] == contacts_count


def test_a_rep_outside_any_team_sees_only_their_own_numbers(small):
    roster.replace_roster(small, [("anna@x.nl", "Anna", None, "rep")], by="test")
    anna = signed_in(small, "anna@x.nl")
    assert access.call(small, anna, metrics.summary, Window(), Filters())["contacts"] == 4


def test_lists_that_name_accounts_show_a_rep_only_their_own(team):
    anna = signed_in(team, "anna@x.nl")
    overdue = access.call(team, anna, metrics.overdue, Filters(), today=TODAY)
    assert set(overdue["rep_name"]) <= {"Anna de Vries"}
    levels = access.call(team, anna, metrics.account_levels, Window(), Filters())
    assert set(levels["account"].str.lower()) == {"acme", "beta bv"}  # not Gamma (Cees)
    frame = access.call(team, anna, metrics.kpi_frame, Window(), Filters(), by="rep")
    assert list(frame["rep_key"]) == ["anna@x.nl"]
    reps = access.call(team, anna, metrics.reps)
    assert list(reps["rep_key"]) == ["anna@x.nl"]
    assert access.call(team, anna, metrics.teams) == ["Team Noord"]


# -- reflection and the log page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (reflection.answers, ("bram@x.nl",)),
        (reflection.lessons, ("BRAM@x.nl ",)),
        (reflection.changes, ("cees",)),
        (reflection.weekly_trend, ("bram@x.nl", TODAY)),
        (reflection.weekly_summary, ("bram@x.nl", 2026, 10)),
        (contacts.open_commitments, ("bram@x.nl",)),
        (contacts.recent_contacts, ("bram@x.nl",)),
    ],
)
def test_a_rep_never_sees_a_colleagues_reflection_or_contacts(team, fn, args):
    anna = signed_in(team, "anna@x.nl")
    with pytest.raises(AccessDenied):
        access.call(team, anna, fn, *args)
    director = signed_in(team, "dir@x.nl")
    access.call(team, director, fn, *args)  # the director may


def test_a_rep_sees_their_own_reflection(team):
    anna = signed_in(team, "anna@x.nl")
    answers = access.call(team, anna, reflection.answers, "anna@x.nl").set_index("would_repeat")
    assert answers.loc["yes", "contacts_count"] == 2


VALUES = {
    "contact_date": dt.date(2026, 6, 1),
    "account": "Delta",
    "channel": "phone",
    "commitment_level": 0,
}


def test_a_contact_logged_signed_in_carries_the_signed_in_person(team):
    anna = signed_in(team, "anna@x.nl")
    result = access.call(team, anna, contacts.save_contact, {**VALUES, "rep": "bram@x.nl"})
    assert result.ok
    row = team.execute("select rep, rep_key from contacts where id = ?", [result.id]).fetchone()
    assert row == ("anna@x.nl", "anna@x.nl")


def test_in_demo_mode_the_director_logs_for_the_rep_they_pick(team):
    result = access.call(team, Viewer("director"), contacts.save_contact, {**VALUES, "rep": "Bram"})
    assert team.execute("select rep from contacts where id = ?", [result.id]).fetchone() == (
        "Bram",
    )


def test_a_rep_cannot_change_or_delete_a_colleagues_contact(team):
    anna = signed_in(team, "anna@x.nl")
    bram_contact = team.execute("select id from contacts where contact_id = 'C05'").fetchone()[0]
    assert not access.call(team, anna, contacts.delete_contact, bram_contact, rep_key="bram@x.nl")
    result = access.call(
        team, anna, contacts.update_contact, bram_contact, {**VALUES, "rep": "bram@x.nl"}
    )
    assert not result.ok
    assert access.call(team, anna, contacts.set_commitment_status, bram_contact, "kept") is not None
    row = team.execute(
        "select account, commitment_status from contacts where id = ?", [bram_contact]
    )
    assert row.fetchone() == ("Beta BV", "broken")


# -- the trainer and the rest -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (metrics.dashboard_kpis, (Window(), Filters())),
        (metrics.overdue, (Filters(),)),
        (reflection.answers, ("anna@x.nl",)),
        (contacts.recent_contacts, ("anna@x.nl",)),
        (contacts.save_contact, (VALUES,)),
        (roster.roster_frame, ()),
    ],
)
def test_the_trainer_sees_no_individual_contacts_outside_training(team, fn, args):
    trainer = signed_in(team, "trainer@x.nl")
    with pytest.raises(AccessDenied):
        access.call(team, trainer, fn, *args)


def test_reps_and_trainers_see_only_lessons_offered_for_training(team):
    # C05 and C08 hold lessons; only C08 is offered for training here.
    team.execute("update contacts set share_for_training = (contact_id = 'C08')")
    for email in ("trainer@x.nl", "anna@x.nl"):
        lessons, total = access.call(team, signed_in(team, email), training.lessons)
        assert (total, [lesson.text for lesson in lessons]) == (1, ["Eerst doorvragen"])
        examples = access.call(team, signed_in(team, email), training.ladder_examples)
        assert [e.commitment for e in examples] == ["Pilotplan met eigenaren"]
    _, total = access.call(team, signed_in(team, "dir@x.nl"), training.lessons)
    assert total == 2


def test_nobody_may_call_anything(team):
    with pytest.raises(AccessDenied):
        access.call(team, Viewer("nobody"), metrics.contact_span)


def test_a_function_without_a_rule_is_closed(team):
    with pytest.raises(AccessDenied, match="not open to pages"):
        access.call(team, Viewer("director"), ingest.import_file, "x.csv")


def test_only_leaders_import_and_only_admins_manage_the_roster(team):
    data = b"contact_date,rep,account,channel\n2026-06-01,anna@x.nl,Delta,phone\n"
    with pytest.raises(AccessDenied):
        access.call(team, signed_in(team, "anna@x.nl"), ingest.import_bytes, data, "x.csv")
    with pytest.raises(AccessDenied):
        access.call(team, signed_in(team, "dir@x.nl"), roster.roster_frame)
    assert len(access.call(team, signed_in(team, "admin@x.nl"), roster.roster_frame)) == 5


def _called_from_views(names_of_calls: tuple[str, ...] = ("query", "call")) -> set[str]:
    """Every `module.function` the page scripts pass to query() or call() (or other helpers)."""
    names = set()
    for path in (ROOT / "views").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names_of_calls
                and node.args
                and isinstance(node.args[0], ast.Attribute)
            ):
                target = node.args[0]
                names.add(f"{target.value.id}.{target.attr}")
    return names


def test_every_kpi_call_a_page_makes_has_a_rule():
    ruled = {f"{fn.__module__.removeprefix('kpi.')}.{fn.__name__}" for fn in access.RULES}
    called = _called_from_views()
    assert len(called) > 20
    assert called - ruled == set()


def test_only_identity_lookups_skip_the_rules():
    """views/common.py reads three things unchecked, before a viewer exists: who signed in, the
    language they last picked, and in demo mode the list of reps to act as."""
    assert _called_from_views(("_read", "_identity")) == {
        "access.viewer_for_email",
        "metrics.reps",
        "preferences.language_of",
    }


def test_pages_never_hand_the_connection_to_kpi_themselves():
    """Only views/common.py touches the connection; everything else goes through the rules."""
    offenders = []
    for path in (ROOT / "views").glob("*.py"):
        if path.name == "common.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if "connection()" in line and "db.data_version(connection())" not in line:
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


# -- the roster and its change log ------------------------------------------------------------


def test_roster_changes_are_made_and_logged(team):
    admin = signed_in(team, "admin@x.nl")
    access.call(team, admin, roster.add_person, " cees@x.nl ", "Cees", "Team Zuid", "rep")
    assert access.call(
        team, admin, roster.update_person, "CEES@x.nl", "Cees", "Team Zuid", "trainer"
    )
    assert not access.call(
        team, admin, roster.update_person, "cees@x.nl", "Cees", "Team Zuid", "trainer"
    )
    access.call(team, admin, roster.remove_person, "cees@x.nl")
    log = access.call(team, admin, roster.change_log)
    columns = ["changed_by", "action", "email", "before_value", "after_value"]
    assert log[columns].fillna("").values.tolist() == [
        ["admin@x.nl", "remove", "cees@x.nl", "Cees · Team Zuid · trainer", ""],
        [
            "admin@x.nl",
            "change",
            "cees@x.nl",
            "Cees · Team Zuid · rep",
            "Cees · Team Zuid · trainer",
        ],
        ["admin@x.nl", "add", "cees@x.nl", "", "Cees · Team Zuid · rep"],
        ["test", "replace", "", "", "5 people"],
        ["command line: roster_small.csv", "replace", "", "", "3 people"],
    ]
    assert log["changed_at"].notna().all()


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("not-an-email", "X", None, "rep"), "email_invalid"),
        (("x@y.nl", "  ", None, "rep"), "name_empty"),
        (("x@y.nl", "X", None, "king"), "role_invalid"),
        (("ANNA@x.nl", "Anna", None, "rep"), "exists"),
    ],
)
def test_a_bad_roster_entry_is_refused_with_its_reason(team, args, code):
    with pytest.raises(roster.RosterError) as caught:
        roster.add_person(team, *args, by="test")
    assert caught.value.code == code
    assert len(roster.roster_frame(team)) == 5


def test_the_last_admin_cannot_be_removed_or_demoted(team):
    with pytest.raises(roster.RosterError) as caught:
        roster.remove_person(team, "admin@x.nl", by="test")
    assert caught.value.code == "last_admin"
    with pytest.raises(roster.RosterError):
        roster.update_person(team, "admin@x.nl", "Ad", None, "rep", by="test")
    roster.update_person(team, "dir@x.nl", "Dirk", None, "admin", by="test")
    roster.remove_person(team, "admin@x.nl", by="test")  # now there is another admin
    assert "admin@x.nl" not in set(roster.roster_frame(team)["email"])


def test_a_version_1_database_gets_the_change_log_on_open(tmp_path):
    path = tmp_path / "v1.duckdb"
    raw = database_at_version(path, 1)
    raw.execute("insert into roster values ('a@x.nl', 'a@x.nl', 'A', null, 'rep')")
    raw.close()
    con = db.connect(path)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert roster.change_log(con).empty
    assert len(roster.roster_frame(con)) == 1  # nothing lost
    con.close()
