"""The rollups give the very KPIs a scan of the contacts gives, and stay exact through every write."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi import contacts, demo, ingest, metrics, rollups
from kpi.metrics import Filters, Window

D = dt.date
TODAY = D(2026, 6, 30)


@pytest.fixture
def demo_db(con):
    demo.generate(con, contacts=3000, seed=7, today=TODAY)
    return con


def scanned(monkeypatch, fn, *args, **kwargs):
    """fn's result when the rollups are not used (the contacts are scanned)."""
    with monkeypatch.context() as patch:
        patch.setattr(rollups, "current", lambda con: False)
        return fn(*args, **kwargs)


def dashboard(con, window: Window, filters: Filters) -> dict[str, object]:
    """Everything the KPI queries give the dashboard and the reports, to compare as a whole."""
    kpis = metrics.dashboard_kpis(con, window, filters)
    compared = metrics.compare(con, window, filters)
    return {
        "summary": metrics.summary(con, window, filters),
        "compare": (compared.current, compared.previous),
        "current": kpis.comparison.current,
        "previous": kpis.comparison.previous,
        "weekly": kpis.weekly,
        "per_rep": kpis.per_rep,
        "teams": metrics.kpi_frame(con, window, filters, by="team"),
        "ladder": metrics.ladder(con, window, filters),
        "overdue": metrics.overdue(con, filters, today=TODAY),
        "overdue_top": metrics.overdue(con, filters, today=TODAY, limit=3),
        "momentum": metrics.momentum(con, window, filters),
        "momentum_top": metrics.momentum(con, window, filters, limit=5),
        "account_levels": metrics.account_levels(con, window, filters),
        "account_levels_top": metrics.account_levels(con, window, filters, accounts=3),
        "accounts": contacts.accounts(con),
        "accounts_of_a_rep": contacts.accounts(con, "sanne.dejong@prospex.example"),
        "open_commitments": contacts.open_commitments(con, "sanne.dejong@prospex.example"),
        "open_commitments_until": contacts.open_commitments(
            con, "bas.hendriks@prospex.example", D(2026, 5, 31)
        ),
    }


def assert_same(left: dict[str, object], right: dict[str, object]) -> None:
    assert left.keys() == right.keys()
    for key, value in left.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, right[key], check_exact=False, rtol=1e-12)
        else:
            assert value == right[key], key


QUARTER = Window(D(2026, 4, 1), D(2026, 6, 30))
CASES = [
    pytest.param(Window(), Filters(), id="all-time"),
    pytest.param(QUARTER, Filters(), id="quarter"),
    pytest.param(Window(D(2026, 6, 22), D(2026, 6, 28)), Filters(), id="a-week"),
    pytest.param(QUARTER, Filters(team="Team Noord"), id="team"),
    pytest.param(QUARTER, Filters(reps=("Sanne de Jong",)), id="rep-by-name"),
    pytest.param(Window(D(2020, 1, 1), D(2020, 3, 31)), Filters(), id="empty-window"),
    pytest.param(Window(D(2026, 1, 1), D(2026, 12, 31)), Filters(), id="year"),
    pytest.param(Window(D(2026, 5, 1), D(2026, 5, 31)), Filters(team="Team Zuid"), id="month"),
    # Whole months up to a day after the last contact, and a day before it (that one scans).
    pytest.param(Window(D(2026, 4, 1), D(2026, 7, 15)), Filters(), id="up-to-after-the-last"),
    pytest.param(Window(D(2026, 4, 1), D(2026, 6, 29)), Filters(), id="ends-mid-month"),
]


@pytest.mark.parametrize(("window", "filters"), CASES)
def test_rollups_give_what_a_scan_gives(demo_db, monkeypatch, window, filters):
    assert rollups.current(demo_db)  # the demo data counts them when it is done
    assert_same(
        dashboard(demo_db, window, filters),
        scanned(monkeypatch, dashboard, demo_db, window, filters),
    )


def kpi_day(con) -> pd.DataFrame:
    return con.execute("select * exclude (rep) from kpi_day order by rep_key, contact_date").df()


def account_month(con) -> pd.DataFrame:
    return con.execute("select * from account_month order by rep_key, account_key, month").df()


def test_the_relationship_lists_read_account_month_for_whole_months_only(demo_db):
    rollups.install(demo_db)
    week = Window(D(2026, 6, 22), D(2026, 6, 28))
    assert not metrics.momentum(demo_db, QUARTER).empty
    assert not metrics.account_levels(demo_db, week).empty
    # Emptied behind the fingerprint's back: what reads it now finds nothing, what scans does.
    demo_db.execute("delete from account_month")
    assert metrics.momentum(demo_db, QUARTER).empty
    assert metrics.momentum(demo_db, Window(D(2026, 4, 1), D(2026, 7, 15))).empty  # after the last
    assert metrics.account_levels(demo_db, Window()).empty
    assert not metrics.account_levels(demo_db, week).empty
    assert not metrics.momentum(demo_db, Window(D(2026, 4, 1), D(2026, 6, 29))).empty


def test_every_write_keeps_them_exact(demo_db, monkeypatch):
    rollups.install(demo_db)
    base = {"rep": "sanne.dejong@prospex.example", "account": "Nieuw BV", "channel": "phone"}
    day = D(2026, 6, 1)
    saved = []
    # Two quick quotes of a new account; then another rep's advance 30 days before them makes
    # both no longer quick; an overdue commitment with an order; a new rep's only contact.
    for values in (
        {"contact_date": day, "quote_sent": True},
        {"contact_date": day + dt.timedelta(days=10), "quote_sent": True, "lesson": "ask"},
        {
            "rep": "bas.hendriks@prospex.example",
            "contact_date": day - dt.timedelta(days=30),
            "commitment_level": 3,
            "commitment": "board meeting",
        },
        {
            "contact_date": day,
            "commitment_level": 1,
            "commitment": "call back",
            "commitment_due": day + dt.timedelta(days=7),
            "revenue": 12.5,
        },
        {"contact_date": TODAY, "rep": "Nieuwe Collega", "quote_sent": True},
    ):
        result = contacts.save_contact(demo_db, base | values, today=TODAY)
        assert result.ok, result.errors
        saved.append(result.id)
    assert_exact(demo_db, monkeypatch)
    # The advance moves to another account (the quotes are quick again), the overdue commitment
    # is kept, a quote is deleted, and so is the new rep's only contact.
    moved = base | {"account": "Elders BV", "contact_date": day, "commitment_level": 2}
    assert contacts.update_contact(demo_db, saved[2], moved | {"commitment": "y"}, today=TODAY).ok
    assert contacts.set_commitment_status(demo_db, saved[3], "kept") is None
    assert contacts.delete_contact(demo_db, saved[0])
    assert contacts.delete_contact(demo_db, saved[4])
    assert_exact(demo_db, monkeypatch)
    # A later contact spells the account otherwise: the form's list takes that spelling, and
    # the one before it again once that contact is deleted.
    later = contacts.save_contact(
        demo_db,
        base | {"account": "NIEUW bv", "contact_date": day + dt.timedelta(days=20)},
        today=TODAY,
    )
    assert later.ok, later.errors
    assert "NIEUW bv" in contacts.accounts(demo_db) and "Nieuw BV" not in contacts.accounts(demo_db)
    assert_exact(demo_db, monkeypatch)
    assert contacts.delete_contact(demo_db, later.id)
    assert "Nieuw BV" in contacts.accounts(demo_db) and "NIEUW bv" not in contacts.accounts(demo_db)
    # The last contact of Sanne's Nieuw BV in June goes (June 1 is left), then the whole month.
    last = "select last_contact from account_month where account_key = 'nieuw bv'"
    assert demo_db.execute(last).fetchall() == [(day + dt.timedelta(days=10),)]
    assert contacts.delete_contact(demo_db, saved[1])
    assert demo_db.execute(last).fetchall() == [(day,)]
    assert_exact(demo_db, monkeypatch)
    assert contacts.delete_contact(demo_db, saved[3])
    assert demo_db.execute(last).fetchall() == []
    assert_exact(demo_db, monkeypatch)


def assert_exact(con, monkeypatch) -> None:
    """The rollups count what a scan counts, and what counting everything again gives."""
    assert rollups.current(con)
    for window, filters in [
        (Window(), Filters()),
        (QUARTER, Filters(reps=("sanne.dejong@prospex.example",))),
    ]:
        assert_same(
            dashboard(con, window, filters), scanned(monkeypatch, dashboard, con, window, filters)
        )
    kept, months = kpi_day(con), account_month(con)
    rollups.rebuild(con)
    pd.testing.assert_frame_equal(kept, kpi_day(con))
    pd.testing.assert_frame_equal(months, account_month(con))


def test_a_write_that_keeps_no_rollups_makes_them_unused(demo_db, monkeypatch):
    rollups.install(demo_db)
    # Read through the rollups first: a lake remembers they were current (kpi.rollups.current),
    # which must not outlive the snapshot it was found in.
    dashboard(demo_db, QUARTER, Filters())
    assert rollups.current(demo_db)
    demo_db.execute(
        "update contacts set commitment_status = 'kept', updated_at = current_timestamp"
        " where id = (select min(id) from contacts where commitment_status = 'open')"
    )
    assert not rollups.current(demo_db)
    assert_same(
        dashboard(demo_db, QUARTER, Filters()),
        scanned(monkeypatch, dashboard, demo_db, QUARTER, Filters()),
    )
    rollups.rebuild(demo_db)
    assert rollups.current(demo_db)


def test_a_new_database_has_them_and_an_import_keeps_them(con, tmp_path, monkeypatch):
    assert rollups.installed(con) and rollups.current(con)
    path = tmp_path / "log.csv"
    path.write_text("contact_date,rep,account,channel\n2026-06-01,a@x.nl,A,phone\n")
    ingest.import_file(con, path)  # the whole database: counted again
    assert rollups.current(con)
    assert metrics.summary(con)["calls"] == 1
    more = tmp_path / "more.csv"
    more.write_text(
        "contact_id,contact_date,rep,account,channel,quote_sent\n"
        "crm:1,2026-06-02,a@x.nl,A,phone,true\ncrm:2,2026-06-03,b@x.nl,B,visit,false\n"
    )
    ingest.import_file(con, more)  # two of three contacts: still more than RECOUNT_SHARE
    monkeypatch.setattr(rollups, "recount", None)  # from here on, only deltas will do
    changed = more.with_name("changed.csv")
    changed.write_text(
        "contact_id,contact_date,rep,account,channel,quote_sent\n"
        "crm:1,2026-06-02,a@x.nl,A,visit,true\n"
    )
    ingest.import_file(con, changed)
    assert rollups.current(con)
    summary = metrics.summary(con)
    assert (summary["contacts"], summary["calls"], summary["quotes"]) == (3, 1, 1)


# A first file: an advance, a considered and a quick quote of one account (its spellings differ by
# case) and an order 16 and 122 days after them; a quote that is an advance itself, a level 4
# after it and an order 404 days after it (outside every horizon); two rows on one rep's day;
# rejects: a bad date, no rep, one contact id twice (both rows), a status without a commitment.
FIRST_FILE = """\
contact_id,contact_date,rep,account,channel,quote_sent,revenue,commitment_level,commitment,commitment_status
crm:1,2026-01-10,anouk@x.nl,Acme,visit,false,,2,demo,
crm:2,2026-03-01,anouk@x.nl,ACME,phone,true,,0,,
crm:3,2026-06-15,Anouk@x.nl,Acme,email,true,,0,,
,2026-07-01,bas@x.nl,acme,visit,false,1500,1,call back,kept
,2026-03-02,bas@x.nl,Bolt BV,phone,true,,3,offer,
,2026-03-20,bas@x.nl,Bolt BV,visit,false,,4,contract,broken
,2027-04-10,bas@x.nl,Bolt BV,visit,false,800,0,,
crm:9,2026-02-30,anouk@x.nl,Acme,phone,false,,0,,
crm:10,2026-03-03,,Acme,phone,false,,0,,
crm:11,2026-05-05,anouk@x.nl,Cirkel,phone,true,,0,,
crm:11,2026-05-06,anouk@x.nl,Cirkel,phone,false,,0,,
,2026-04-01,anouk@x.nl,Cirkel,phone,true,,0,,kept
,2026-06-15,anouk@x.nl,Acme,phone,false,,0,,
"""


def rollup_rows(con) -> dict[str, list[tuple]]:
    """Every rollup but rollup_state (rollups.current checks that), a contact by the line of the
    file it came from (two imports of one file give it other ids), the spellings apart (a group
    may keep any of its own)."""
    line = "(select c.line from contacts as c where c.id = t.id) as line, * exclude (id)"
    chosen = {"kpi_day": "* exclude (rep)", "account_month": "* exclude (account)"}
    mirrors = {table for table, _, _ in rollups.MIRRORS}
    return {
        table: con.execute(
            f"select {line if table in mirrors else chosen.get(table, '*')}"
            f" from {table} as t order by all"
        ).fetchall()
        for table in rollups.TABLES
        if table != "rollup_state"
    }


def test_a_first_import_counts_what_its_rows_count_one_by_one(con, tmp_path, monkeypatch):
    """Into an empty store a file is all the contacts: its transaction counts the rollups again
    (rollups.recount). They hold the quick quotes and outcomes worked out by hand, and what the
    same file gives when its rows are counted by their deltas instead."""
    path = tmp_path / "first.csv"
    path.write_text(FIRST_FILE)
    later = D(2027, 6, 30)
    result = ingest.import_file(con, path, today=later)
    assert (result.accepted, result.rejected) == (8, 5)
    assert rollups.current(con)
    outcomes = con.execute(
        "select rep_key, contact_date, quick, quotes, won_90, won_180, won_365, revenue_365"
        " from quote_outcomes order by contact_date"
    ).fetchall()
    assert outcomes == [
        ("anouk@x.nl", D(2026, 3, 1), False, 1, 0, 1, 1, 1500),
        ("bas@x.nl", D(2026, 3, 2), False, 1, 0, 0, 0, 0),
        ("anouk@x.nl", D(2026, 6, 15), True, 1, 1, 1, 1, 1500),
    ]
    assert con.execute(
        "select contact_date, contacts, quotes, quick_quotes from kpi_day"
        " where rep_key = 'anouk@x.nl' and quotes > 0 order by contact_date"
    ).fetchall() == [(D(2026, 3, 1), 1, 1, 0), (D(2026, 6, 15), 2, 1, 1)]
    assert con.execute(
        "select rep_key, account_key, month, first_advance, first_quick from account_firsts"
        " order by all"
    ).fetchall() == [
        ("anouk@x.nl", "acme", D(2026, 1, 1), D(2026, 1, 10), None),
        ("anouk@x.nl", "acme", D(2026, 6, 1), None, D(2026, 6, 15)),
        ("bas@x.nl", "bolt bv", D(2026, 3, 1), D(2026, 3, 2), None),
    ]
    recounted = rollup_rows(con)
    assert len(recounted["open_commitments"]) == 2 and len(recounted["revenue_basis"]) == 2

    for table in ("contacts", "rejects", "imported_files"):
        con.execute(f"delete from {table}")
    rollups.rebuild(con)
    monkeypatch.setattr(rollups, "RECOUNT_SHARE", float("inf"))
    monkeypatch.setattr(rollups, "recount", None)  # by deltas only
    result = ingest.import_file(con, path, today=later)
    assert (result.accepted, result.rejected) == (8, 5)
    assert rollups.current(con)
    assert rollup_rows(con) == recounted


def test_without_rollups_writes_work_as_before(con):
    for table in rollups.TABLES:  # a database from before schema version 3, say
        con.execute(f"drop table {table}")
    result = contacts.save_contact(
        con, {"contact_date": TODAY, "rep": "a@x.nl", "account": "A", "channel": "visit"}
    )
    assert result.ok
    assert not rollups.installed(con)
    assert metrics.summary(con)["contacts"] == 1
