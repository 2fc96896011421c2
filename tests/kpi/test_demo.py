"""kpi.demo: exact, deterministic demo contacts that follow DOMAIN.md and tell the story."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from kpi import db, demo
from kpi.fields import ENUMS

TODAY = dt.date(2026, 3, 31)
N = 5000
BOX_TICKERS = [r.email for r in demo.REPS if r.profile is demo.BOX_TICKER]
BUILDERS = [r.email for r in demo.REPS if r.profile is demo.BUILDER]

CHECKSUM = """
select count(*), sum(hash(x)) from (select * exclude (id, created_at, updated_at) from contacts) x
"""


def fresh() -> duckdb.DuckDBPyConnection:
    return db.connect(":memory:")


def checksum(contacts: int, seed: int, today: dt.date = TODAY) -> tuple[int, int]:
    con = fresh()
    try:
        demo.generate(con, contacts=contacts, seed=seed, today=today)
        row = con.execute(CHECKSUM).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])
    finally:
        con.close()


@pytest.fixture(scope="module")
def made() -> Iterator[tuple[duckdb.DuckDBPyConnection, int, list[tuple[float, str]]]]:
    con = fresh()
    calls: list[tuple[float, str]] = []
    n = demo.generate(
        con, contacts=N, seed=7, today=TODAY, progress=lambda f, m: calls.append((f, m))
    )
    yield con, n, calls
    con.close()


@pytest.fixture(scope="module")
def con(made: tuple[duckdb.DuckDBPyConnection, int, list[tuple[float, str]]]):
    return made[0]


def one(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> object:
    row = con.execute(sql, params).fetchone() if params is not None else con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def distinct(con: duckdb.DuckDBPyConnection, column: str) -> set[object]:
    return {row[0] for row in con.execute(f"select distinct {column} from contacts").fetchall()}


# --- size, determinism, progress --------------------------------------------------------------


def test_inserts_exactly_n_demo_rows_and_says_so(made) -> None:
    con, n, calls = made
    assert n == N
    assert one(con, "select count(*) from contacts") == N
    assert one(con, "select count(*) from contacts where source = 'demo'") == N
    assert (
        one(
            con,
            "select count(*) from contacts "
            "where contact_id is not null or file_id is not null or line is not null",
        )
        == 0
    )
    assert calls == [(1.0, "demo")]


def test_the_rollups_count_the_demo_contacts(made) -> None:
    """They are counted after the contacts are committed (inside the same transaction DuckDB
    took 35 s for 1M contacts instead of 0.8 s); the dashboard reads them, not a scan."""
    from kpi import rollups

    con, _, _ = made
    assert rollups.current(con)
    assert one(con, "select sum(contacts) from kpi_day") == N


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first = checksum(2000, seed=1)
    assert first == checksum(2000, seed=1)
    assert first[0] == 2000
    assert checksum(2000, seed=2) != first
    assert checksum(2000, seed=1, today=TODAY + dt.timedelta(days=1)) != first


def test_batches_do_not_change_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = checksum(2500, seed=3)
    monkeypatch.setattr(demo, "BATCH", 1000)
    con = fresh()
    calls: list[tuple[float, str]] = []
    n = demo.generate(con, 2500, seed=3, today=TODAY, progress=lambda f, m: calls.append((f, m)))
    assert n == 2500
    assert calls == [(0.4, "demo"), (0.8, "demo"), (1.0, "demo")]
    assert tuple(int(v) for v in con.execute(CHECKSUM).fetchone()) == whole  # type: ignore[union-attr]
    con.close()


def test_is_empty_and_zero_contacts() -> None:
    con = fresh()
    assert demo.is_empty(con)
    assert demo.generate(con, contacts=0, today=TODAY) == 0
    assert demo.is_empty(con)
    assert one(con, "select count(*) from roster") == len(demo.REPS) + 2
    demo.generate(con, contacts=10, today=TODAY)
    assert not demo.is_empty(con)
    con.close()


def test_rejects_negative_counts() -> None:
    con = fresh()
    with pytest.raises(ValueError):
        demo.generate(con, contacts=-1)
    con.close()


def test_default_today_is_today() -> None:
    con = fresh()
    demo.generate(con, contacts=300)
    assert one(con, "select max(contact_date) from contacts") <= dt.date.today()
    con.close()


# --- DOMAIN.md rules ----------------------------------------------------------------------------


def test_dates_within_the_last_12_months_mostly_weekdays_every_month(con) -> None:
    first, last = con.execute(
        "select min(contact_date), max(contact_date) from contacts"
    ).fetchone()
    assert last <= TODAY
    assert first >= TODAY - dt.timedelta(days=365)
    weekend = one(con, "select avg((isodow(contact_date) >= 6)::int) from contacts")
    assert 0 < weekend < 0.06
    months = con.execute(
        "select date_trunc('month', contact_date), count(*) from contacts group by 1"
    ).fetchall()
    assert len(months) in (12, 13)
    full = [n for month, n in months if month.month != TODAY.month]
    assert min(full) > 0.6 * max(full)


def test_every_row_follows_the_domain_rules(con) -> None:
    params = {
        "roles": list(ENUMS["role"]),
        "channels": list(ENUMS["channel"]),
        "statuses": list(ENUMS["status"]),
        "repeats": list(ENUMS["repeat"]),
    }
    rules = {
        "level out of range": "commitment_level not between 0 and 4",
        "no commitment text": "commitment_level >= 1 and coalesce(trim(commitment), '') = ''",
        "text at level 0": "commitment_level = 0 and commitment is not null",
        "status vs level": "(commitment_status is null) <> (commitment_level = 0)",
        "status": "commitment_status is not null and not list_contains($statuses, "
        "commitment_status)",
        "channel": "not list_contains($channels, channel)",
        "role": "contact_role is not null and not list_contains($roles, contact_role)",
        "repeat": "would_repeat is not null and not list_contains($repeats, would_repeat)",
        "amounts": "quote_amount < 0 or revenue < 0",
        "quote amount without quote": "quote_amount is not null and not quote_sent",
        "rep key": "rep_key <> lower(trim(rep))",
        "account key": "account_key <> lower(trim(account))",
        "due": "commitment_level >= 1 and "
        "(commitment_due is null or commitment_due <= contact_date)",
        "due at level 0": "commitment_level = 0 and commitment_due is not null",
    }
    counts = ", ".join(f"count(*) filter (where {condition})" for condition in rules.values())
    row = con.execute(f"select {counts} from contacts", params).fetchone()
    assert dict(zip(rules, row, strict=True)) == dict.fromkeys(rules, 0)
    # the "overdue" view has something to show, and every status occurs
    overdue = one(
        con,
        "select count(*) from contacts where commitment_status = 'open' and commitment_due < ?",
        [TODAY],
    )
    assert overdue > 0
    assert distinct(con, "commitment_status") == {None, *ENUMS["status"]}
    assert distinct(con, "channel") == set(ENUMS["channel"])
    assert distinct(con, "contact_role") == {None, *ENUMS["role"]}
    assert distinct(con, "would_repeat") == {None, *ENUMS["repeat"]}
    assert distinct(con, "commitment_level") == set(range(5))


def test_commitment_texts_fit_their_level(con) -> None:
    rows = con.execute(
        "select commitment_level, commitment, commitment_due from contacts where commitment_level >= 1"
    ).fetchall()
    for level, text, due in rows:
        if level == 1:
            assert "{" not in text
            assert f"{due.day} {demo.MONTHS_NL[due.month - 1]}" in text
            assert any(
                text == t.replace("{datum}", f"{due.day} {demo.MONTHS_NL[due.month - 1]}")
                for t in demo.COMMITMENTS[0]
            )
        else:
            assert text in demo.COMMITMENTS[level - 1], (level, text)


def test_texts_are_varied_dutch(con) -> None:
    assert len(set(demo.LESSONS)) >= 15
    assert len(set(demo.REFLECTIONS)) >= 15
    assert len(set(demo.NOTES)) >= 10
    assert one(con, "select count(distinct lesson) from contacts") >= 15
    assert one(con, "select count(distinct reflection) from contacts") >= 15
    assert one(con, "select count(distinct notes) from contacts") >= 10
    training = one(con, "select avg(share_for_training::int) from contacts")
    assert 0.005 < training < 0.08
    # reflections come mostly after "partly" or "no"
    after_doubt = one(
        con,
        "select avg((would_repeat in ('partly', 'no'))::int) from contacts "
        "where reflection is not null",
    )
    assert after_doubt > 0.7


def test_accounts_are_distinct_names_with_a_few_people(con) -> None:
    accounts, keys = con.execute(
        "select count(distinct account), count(distinct account_key) from contacts"
    ).fetchone()
    assert accounts == keys
    assert demo.MIN_ACCOUNTS <= accounts <= demo.account_count(N)
    most_people = one(
        con,
        "select max(n) from (select count(distinct contact_person) n from contacts group by account_key)",
    )
    assert 2 <= most_people <= 4


# --- roster --------------------------------------------------------------------------------------


def test_roster_has_two_teams_of_reps_a_director_and_a_trainer(con) -> None:
    teams = con.execute(
        "select team, count(*) from roster where role = 'rep' group by team order by team"
    ).fetchall()
    assert teams == [("Team Noord", 6), ("Team Zuid", 6)]
    others = con.execute(
        "select email_key, role, team from roster where role <> 'rep' order by role"
    ).fetchall()
    assert others == [
        ("directeur@prospex.example", "director", None),
        ("marloes.kuipers@prospex.example", "trainer", None),
    ]
    assert one(con, "select count(*) from roster where email_key <> lower(trim(email))") == 0
    missing = one(
        con,
        "select count(distinct rep_key) from contacts "
        "where rep_key not in (select email_key from roster where role = 'rep')",
    )
    assert missing == 0
    assert one(con, "select count(distinct rep_key) from contacts") == len(demo.REPS)


def test_roster_is_not_duplicated_and_existing_people_stay() -> None:
    con = fresh()
    con.execute(
        "insert into roster values ('Sanne.deJong@prospex.example ', "
        "'sanne.dejong@prospex.example', 'Sanne (eigen naam)', 'Team West', 'trainer')"
    )
    demo.generate(con, contacts=100, today=TODAY)
    demo.generate(con, contacts=100, seed=9, today=TODAY)
    assert one(con, "select count(*) from roster") == len(demo.REPS) + 2
    assert one(con, "select name from roster where email_key = 'sanne.dejong@prospex.example'") == (
        "Sanne (eigen naam)"
    )
    assert one(con, "select count(*) from contacts") == 200
    con.close()


# --- the story ------------------------------------------------------------------------------------

PER_REP = """
with quick as (
    select q.id, not exists (
        select 1 from contacts c
        where c.account_key = q.account_key and c.commitment_level >= 2
          and c.contact_date between q.contact_date - interval 90 day and q.contact_date
    ) as is_quick
    from contacts q where q.quote_sent
)
select
    c.rep_key,
    count(*) as contacts,
    avg((c.channel = 'phone')::int) as phone_share,
    avg((c.commitment_level >= 2)::int) as advance_rate,
    count(*) filter (where quick.is_quick) / count(*) filter (where c.quote_sent) as quick_share,
    coalesce(sum(c.revenue), 0) as revenue,
    coalesce(sum(c.revenue) filter (where c.contact_date > $mid), 0)
        - coalesce(sum(c.revenue) filter (where c.contact_date <= $mid), 0) as revenue_growth
from contacts c left join quick using (id)
group by c.rep_key
"""


STATS = ("contacts", "phone", "advance", "quick", "revenue", "growth")


def test_box_tickers_send_quick_quotes_builders_earn_commitment(con) -> None:
    mid = TODAY - dt.timedelta(days=182)
    stats = {
        row[0]: dict(zip(STATS, row[1:], strict=True))
        for row in con.execute(PER_REP, {"mid": mid}).fetchall()
    }
    box = [stats[e] for e in BOX_TICKERS]
    builders = [stats[e] for e in BUILDERS]
    assert len(box) >= 3 and len(builders) >= 3
    assert min(s["quick"] for s in box) > max(s["quick"] for s in builders) + 0.3
    assert max(s["advance"] for s in box) < min(s["advance"] for s in builders) - 0.25
    assert min(s["contacts"] for s in box) > 1.5 * max(s["contacts"] for s in builders)
    assert min(s["phone"] for s in box) > max(s["phone"] for s in builders)
    assert min(float(s["revenue"]) for s in builders) > max(float(s["revenue"]) for s in box)
    assert all(s["growth"] > 0 for s in builders)


def test_commitment_builds_up_on_builder_accounts(con) -> None:
    early, late = con.execute(
        "select avg(commitment_level) filter (where contact_date <= $mid), "
        "avg(commitment_level) filter (where contact_date > $mid) "
        "from contacts where list_contains($builders, rep_key)",
        {"mid": TODAY - dt.timedelta(days=182), "builders": BUILDERS},
    ).fetchone()
    assert late > early + 0.2


def test_never_imports_streamlit() -> None:
    tree = ast.parse(Path(demo.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert "streamlit" not in imported
