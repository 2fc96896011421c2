"""Who may see and change what: the viewer, the pages per role, and every kpi call checked for them.

Pages never call a kpi function with the connection directly. They go through `authorize()`
(views/common.py `query()` and `write()` do), which looks the function up in RULES: a function
that is not listed, or not open to the viewer's role, raises AccessDenied; filters and rep
arguments are narrowed to what the viewer may see, and results that list people are cut down to
the viewer. Enforcement therefore does not depend on which widgets a page draws or which URL or
query parameter someone types.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

from kpi import (
    contacts,
    evidence,
    goals,
    ingest,
    mapping,
    metrics,
    preferences,
    preview,
    reflection,
    roster,
    training,
)
from kpi.fields import WHITESPACE
from kpi.metrics import Filters

DIRECTOR, ADMIN, REP, TRAINER = "director", "admin", "rep", "trainer"
ROLES: tuple[str, ...] = (DIRECTOR, REP, TRAINER, ADMIN)

# The pages each role may open, in menu order. A page not listed is not registered for the
# session at all (app.py), so its URL shows Streamlit's "page not found".
PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    DIRECTOR: (
        "dashboard",
        "evidence",
        "log_contact",
        "reflection",
        "training",
        "import",
        "goals",
    ),
    ADMIN: (
        "dashboard",
        "evidence",
        "log_contact",
        "reflection",
        "training",
        "import",
        "goals",
        "roster",
    ),
    REP: ("dashboard", "log_contact", "reflection", "training"),
    TRAINER: ("training",),
}


class AccessDenied(Exception):
    """The viewer may not make this call; the message says which call and which role."""


def key_of(rep: str | None) -> str:
    """A rep as contacts are matched: trimmed and case-folded (DOMAIN.md)."""
    return (rep or "").strip(WHITESPACE).lower()


@dataclass(frozen=True)
class Viewer:
    """Who is using the app: a role, and for a person on the roster who they are.

    rep_key is the key this person's contacts are logged under (their e-mail, or their name when
    their contacts carry that); keys holds every key that is theirs (e-mail and name).
    signed_in is False in demo mode, where one acts as a role without signing in.
    """

    role: str
    rep_key: str | None = None
    name: str | None = None
    email: str | None = None
    team: str | None = None
    keys: tuple[str, ...] = ()
    signed_in: bool = False

    def owns(self, rep: str | None) -> bool:
        return bool(rep) and key_of(rep) in self.all_keys

    @property
    def all_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for k in (self.rep_key, *self.keys) if k))

    @property
    def sees_everyone(self) -> bool:
        return self.role in (DIRECTOR, ADMIN)

    @property
    def label(self) -> str:
        return self.name or self.email or self.role


def pages_for(who: Viewer) -> tuple[str, ...]:
    """The pages this viewer may open (none for a role that is not known)."""
    return PAGES_BY_ROLE.get(who.role, ())


def viewer_for_email(con: duckdb.DuckDBPyConnection, email: str | None) -> Viewer | None:
    """The signed-in person as the roster knows them (e-mail matched case-insensitively); None
    when they are not on the roster, which means: no data at all."""
    if not key_of(email):
        return None
    row = (
        con.cursor()
        .execute(
            """
            select email_key, name, team, role,
                   -- which key their contacts carry: the e-mail, unless only the name is used
                   case when exists (select 1 from contacts where rep_key = r.email_key)
                          or not exists (
                              select 1 from contacts where rep_key = lower(trim(r.name)))
                        then email_key else lower(trim(r.name)) end
            from roster as r where email_key = ?
            """,
            [key_of(email)],
        )
        .fetchone()
    )
    if row is None or row[3] not in ROLES:
        return None
    email_key, name, team, role, rep_key = row
    return Viewer(
        role=role,
        rep_key=rep_key,
        name=name,
        email=email_key,
        team=team,
        keys=tuple(dict.fromkeys((email_key, key_of(name)))),
        signed_in=True,
    )


# -- the rules ---------------------------------------------------------------------------------

Narrow = Callable[[Viewer, inspect.BoundArguments], None]
Post = Callable[[Viewer, Any], Any]

EVERYONE = frozenset(ROLES)
TEAM = frozenset({DIRECTOR, ADMIN, REP})
LEADERS = frozenset({DIRECTOR, ADMIN})


@dataclass(frozen=True)
class Rule:
    """Who may call a function, how its arguments are narrowed and its result cut down."""

    roles: frozenset[str]
    narrow: tuple[Narrow, ...] = ()
    post: Post | None = None
    writes: bool = False
    notes: str = field(default="", compare=False)


def _own_filters(who: Viewer) -> Filters:
    return Filters(reps=who.all_keys or ("\0nobody",))


def team_filters(who: Viewer, asked: Filters | None = None) -> Filters:
    """What a rep's aggregate numbers cover: their own contacts when they ask for exactly those,
    else their team (or only their own when they are in no team)."""
    asked = asked or Filters()
    if asked.reps and all(who.owns(r) for r in asked.reps):
        return _own_filters(who)
    if who.team:
        return Filters(team=who.team)
    return _own_filters(who)


def _aggregates(who: Viewer, args: inspect.BoundArguments) -> None:
    """Team-level numbers for a rep (DOMAIN.md KPIs over their team), everything for leaders."""
    if who.role == REP:
        args.arguments["filters"] = team_filters(who, args.arguments.get("filters"))


def _own_details(who: Viewer, args: inspect.BoundArguments) -> None:
    """Lists that name accounts, people or single contacts: a rep sees only their own."""
    if who.role == REP:
        args.arguments["filters"] = _own_filters(who)


def _own_rep(name: str) -> Narrow:
    """A rep argument: leaders may pass anyone, a rep only themself."""

    def narrow(who: Viewer, args: inspect.BoundArguments) -> None:
        if who.sees_everyone:
            return
        asked = args.arguments.get(name)
        if not who.owns(asked):
            raise AccessDenied(f"a {who.role} sees only their own contacts")

    return narrow


def _write_own(who: Viewer, args: inspect.BoundArguments) -> None:
    """Changing a contact: signed in, everyone changes only their own; in demo mode a director
    may change any rep's (they act for the team), a rep only their own."""
    if who.signed_in or who.role == REP:
        args.arguments["rep_key"] = who.rep_key or "\0nobody"
        values = args.arguments.get("values")
        if values is not None:
            args.arguments["values"] = {**values, "rep": who.email or who.rep_key}


def _save_as_viewer(who: Viewer, args: inspect.BoundArguments) -> None:
    """A contact logged through the form always carries the signed-in person (a rep in demo
    mode carries the rep they act as)."""
    if who.signed_in or who.role == REP:
        args.arguments["values"] = {**args.arguments["values"], "rep": who.email or who.rep_key}


def _shared_only(who: Viewer, args: inspect.BoundArguments) -> None:
    """On the training page reps and trainers see only what reps offered for training."""
    if not who.sees_everyone:
        args.arguments["shared_only"] = True


def _by_viewer(who: Viewer, args: inspect.BoundArguments) -> None:
    """Roster and goal changes are logged as made by the signed-in person (or the demo role)."""
    args.arguments["by"] = who.email if who.signed_in and who.email else f"demo: {who.role}"


def _for_oneself(who: Viewer, args: inspect.BoundArguments) -> None:
    """A preference belongs to the signed-in person; in demo mode nobody is signed in."""
    if not (who.signed_in and who.email):
        raise AccessDenied("only a signed-in person keeps preferences")
    args.arguments["email"] = who.email


def _only_me(who: Viewer, frame: pd.DataFrame) -> pd.DataFrame:
    """A list of reps cut down to the viewer when they are a rep."""
    if who.role != REP:
        return frame
    return frame[frame["rep_key"].map(who.owns)].reset_index(drop=True)


def _my_team(who: Viewer, teams: list[str]) -> list[str]:
    if who.role != REP:
        return teams
    return [team for team in teams if who.team and key_of(team) == key_of(who.team)]


def _my_rows(who: Viewer, result: metrics.DashboardKpis) -> metrics.DashboardKpis:
    """The dashboard's team numbers stay; the per-rep rows are cut down to the rep themself."""
    if who.role != REP:
        return result
    return replace(result, per_rep=_only_me(who, result.per_rep))


def _team_evidence(who: Viewer, args: inspect.BoundArguments) -> None:
    """The evidence on the training page: a rep sees their team's, a trainer everyone's (a
    total without accounts or names); only leaders narrow it to one rep."""
    if who.role == REP:
        args.arguments["filters"] = team_filters(who, args.arguments.get("filters"))
    elif not who.sees_everyone:
        args.arguments["filters"] = Filters()


def _my_goals(who: Viewer, args: inspect.BoundArguments) -> None:
    """A rep sees the goals on themself and on their own team, never a colleague's."""
    if who.sees_everyone:
        return
    _own_rep("rep")(who, args)
    args.arguments["team"] = who.team
    args.arguments["keys"] = who.all_keys


def _rule_for_kpi_frame(who: Viewer, args: inspect.BoundArguments) -> None:
    if who.role == REP:
        by = args.arguments.get("by", "none")
        args.arguments["filters"] = (
            _own_filters(who)
            if by in ("rep", "team")
            else team_filters(who, args.arguments.get("filters"))
        )


RULES: dict[Callable[..., Any], Rule] = {
    # dashboard
    metrics.contact_span: Rule(EVERYONE),
    metrics.reps: Rule(EVERYONE, post=_only_me),
    metrics.teams: Rule(TEAM, post=_my_team),
    metrics.dashboard_kpis: Rule(TEAM, (_aggregates,), post=_my_rows),
    metrics.compare: Rule(TEAM, (_aggregates,)),
    metrics.summary: Rule(TEAM, (_aggregates,)),
    metrics.kpi_frame: Rule(TEAM, (_rule_for_kpi_frame,)),
    metrics.ladder: Rule(TEAM, (_aggregates,)),
    metrics.momentum: Rule(TEAM, (_own_details,)),
    metrics.overdue: Rule(TEAM, (_own_details,)),
    metrics.account_levels: Rule(TEAM, (_own_details,)),
    # does commitment pay? (the training page shows the team's total, without names)
    evidence.evidence: Rule(EVERYONE, (_team_evidence,)),
    evidence.evidence_tables: Rule(LEADERS),
    evidence.revenue_curves: Rule(EVERYONE, (_team_evidence,)),
    # goals: set by leaders; the tiles show the goal of what the viewer looks at
    goals.status: Rule(LEADERS),
    goals.change_log: Rule(LEADERS),
    goals.set_goal: Rule(LEADERS, (_by_viewer,), writes=True),
    goals.remove_goal: Rule(LEADERS, (_by_viewer,), writes=True),
    goals.for_filters: Rule(TEAM, (_aggregates,)),
    goals.for_rep: Rule(TEAM, (_my_goals,)),
    # log a contact
    contacts.accounts: Rule(TEAM),
    contacts.open_commitments: Rule(TEAM, (_own_rep("rep_key"),)),
    contacts.recent_contacts: Rule(TEAM, (_own_rep("rep_key"),)),
    contacts.save_contact: Rule(TEAM, (_save_as_viewer,), writes=True),
    contacts.update_contact: Rule(TEAM, (_write_own,), writes=True),
    contacts.delete_contact: Rule(TEAM, (_write_own,), writes=True),
    contacts.set_commitment_status: Rule(TEAM, (_write_own,), writes=True),
    contacts.waiting_contacts: Rule(TEAM, (_own_rep("rep_key"),)),
    contacts.record_commitment: Rule(TEAM, (_write_own,), writes=True),
    # reflection
    reflection.answers: Rule(TEAM, (_own_rep("rep"),)),
    reflection.lessons: Rule(TEAM, (_own_rep("rep"),)),
    reflection.changes: Rule(TEAM, (_own_rep("rep"),)),
    reflection.weekly_trend: Rule(TEAM, (_own_rep("rep"),)),
    reflection.quarters: Rule(TEAM, (_own_rep("rep"),)),
    reflection.compare_periods: Rule(TEAM, (_own_rep("rep"),)),
    reflection.weekly_summary: Rule(TEAM, (_own_rep("rep"),)),
    # training: stories were offered for training on purpose
    training.shared_stories: Rule(EVERYONE),
    training.lessons: Rule(EVERYONE, (_shared_only,)),
    training.ladder_examples: Rule(EVERYONE, (_shared_only,)),
    # import and export: the whole log
    ingest.import_bytes: Rule(LEADERS, writes=True),
    preview.rejected_rows: Rule(LEADERS),
    preview.rejects_csv: Rule(LEADERS),
    preview.contacts_count: Rule(LEADERS),
    preview.export_contacts_csv: Rule(LEADERS),
    # mappings of other exports' columns (the Import page)
    preview.mapped_preview: Rule(LEADERS),
    mapping.mappings: Rule(LEADERS),
    mapping.mappings_frame: Rule(LEADERS),
    mapping.save_mapping: Rule(LEADERS, (_by_viewer,), writes=True),
    mapping.remove_mapping: Rule(LEADERS, (_by_viewer,), writes=True),
    # the roster page
    roster.roster_frame: Rule(frozenset({ADMIN})),
    roster.change_log: Rule(frozenset({ADMIN})),
    roster.add_person: Rule(frozenset({ADMIN}), (_by_viewer,), writes=True),
    roster.update_person: Rule(frozenset({ADMIN}), (_by_viewer,), writes=True),
    roster.remove_person: Rule(frozenset({ADMIN}), (_by_viewer,), writes=True),
    # the language picker, signed in
    preferences.remember_language: Rule(EVERYONE, (_for_oneself,), writes=True),
}


@dataclass(frozen=True)
class Call:
    """A call the viewer may make: the narrowed arguments and what to do with the result."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    post: Callable[[Any], Any]
    writes: bool


def authorize(
    who: Viewer, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Call:
    """Check fn(con, *args, **kwargs) for the viewer; raises AccessDenied when it is not theirs.

    The connection is not among args; it is bound as a placeholder so argument names resolve.
    """
    rule = RULES.get(fn)
    if rule is None:
        raise AccessDenied(f"{fn.__module__}.{fn.__qualname__} is not open to pages")
    if who.role not in rule.roles:
        raise AccessDenied(f"a {who.role} may not call {fn.__qualname__}")
    bound = inspect.signature(fn).bind_partial(None, *args, **kwargs)
    for narrow in rule.narrow:
        narrow(who, bound)
    post = (lambda result: rule.post(who, result)) if rule.post else (lambda result: result)
    return Call(tuple(bound.args[1:]), dict(bound.kwargs), post, rule.writes)


def call(
    con: duckdb.DuckDBPyConnection, who: Viewer, fn: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """fn(con, ...) as the viewer may make it (uncached; the pages cache through views/common)."""
    checked = authorize(who, fn, args, kwargs)
    return checked.post(fn(con, *checked.args, **checked.kwargs))
