"""The roster page (admins): who may sign in, with which name, team and role; every change logged."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import roster
from kpi.access import ROLES
from kpi.markdown import escape_markdown
from kpi.roster import RosterError
from views.common import call, data_changed, fmt_date, query, show_table, t

FLASH = "ros_flash"
CONFIRM = "ros_confirm_remove"
PICK = "ros_pick"
ADD_FIELDS = ("ros_add_email", "ros_add_name", "ros_add_team", "ros_add_role")


def role_label(role: str) -> str:
    return t(f"role_{role}")


def flash(kind: str, message: str) -> None:
    st.session_state[FLASH] = (kind, message)


def md(text: str) -> str:
    return escape_markdown(text, inline=True)


def _failed(exc: RosterError, email: str) -> None:
    flash("error", t(f"ros_err_{exc.code}", email=md(email)))


# -- changes, run as callbacks so the next run already shows their outcome ----------------------


def add() -> None:
    email, name, team, role = (st.session_state.get(key) for key in ADD_FIELDS)
    try:
        call(roster.add_person, email or "", name or "", team, role or "")
    except RosterError as exc:
        _failed(exc, (email or "").strip())
        return
    data_changed()
    for key in ADD_FIELDS[:3]:
        st.session_state[key] = ""
    flash("success", t("ros_added", email=md(email.strip())))


def update(email: str) -> None:
    values = (st.session_state.get(f"ros_edit_{field}") for field in ("name", "team", "role"))
    name, team, role = values
    try:
        changed = call(roster.update_person, email, name or "", team, role or "")
    except RosterError as exc:
        _failed(exc, email)
        return
    data_changed()
    flash("success", t("ros_changed", email=md(email)) if changed else t("ros_unchanged"))


def remove(email: str) -> None:
    st.session_state.pop(CONFIRM, None)
    try:
        call(roster.remove_person, email)
    except RosterError as exc:
        _failed(exc, email)
        return
    data_changed()
    st.session_state.pop(PICK, None)
    flash("success", t("ros_removed", email=md(email)))


# -- the page ---------------------------------------------------------------------------------


def people_table(people: pd.DataFrame) -> None:
    st.subheader(t("ros_people", count=len(people)))
    if people.empty:
        st.info(t("ros_empty"), icon=":material/group_add:")
        return
    shown = people.assign(
        role=people["role"].map(role_label), team=people["team"].fillna(t("no_value"))
    )
    show_table(
        shown,
        hide_index=True,
        key="ros_table",
        column_config={
            "email": st.column_config.TextColumn(t("ros_email")),
            "name": st.column_config.TextColumn(t("ros_name")),
            "team": st.column_config.TextColumn(t("ros_team")),
            "role": st.column_config.TextColumn(t("ros_role")),
        },
    )


def add_form(teams: list[str]) -> None:
    with st.form("ros_add_form", border=True):
        st.subheader(t("ros_add"))
        st.text_input(t("ros_email"), key="ros_add_email", placeholder="anna@example.nl")
        st.text_input(t("ros_name"), key="ros_add_name")
        st.selectbox(
            t("ros_team"),
            options=teams,
            index=None,
            accept_new_options=True,
            placeholder=t("ros_no_team"),
            key="ros_add_team",
        )
        st.selectbox(
            t("ros_role"),
            options=list(ROLES),
            index=ROLES.index("rep"),
            format_func=role_label,
            key="ros_add_role",
        )
        st.form_submit_button(
            t("ros_add_button"),
            type="primary",
            icon=":material/person_add:",
            key="ros_add_button",
            on_click=add,
        )


def edit_form(people: pd.DataFrame, teams: list[str]) -> None:
    with st.container(border=True):
        st.subheader(t("ros_edit"))
        if people.empty:
            st.caption(t("ros_empty"))
            return
        emails = list(people["email"])
        labels = dict(zip(emails, people["name"] + " · " + people["email"], strict=True))
        email = st.selectbox(
            t("ros_pick"), options=emails, format_func=labels.__getitem__, key=PICK
        )
        person = people[people["email"] == email].iloc[0]
        team = person["team"] if isinstance(person["team"], str) else None
        with st.form(f"ros_edit_form_{email}", border=False):
            st.text_input(t("ros_name"), value=person["name"], key="ros_edit_name")
            st.selectbox(
                t("ros_team"),
                options=teams,
                index=teams.index(team) if team in teams else None,
                accept_new_options=True,
                placeholder=t("ros_no_team"),
                key="ros_edit_team",
            )
            st.selectbox(
                t("ros_role"),
                options=list(ROLES),
                index=ROLES.index(person["role"]) if person["role"] in ROLES else 0,
                format_func=role_label,
                key="ros_edit_role",
            )
            st.form_submit_button(
                t("ros_save_button"),
                icon=":material/save:",
                key="ros_save_button",
                on_click=update,
                args=(email,),
            )
        if st.session_state.get(CONFIRM) == email:
            st.warning(t("ros_remove_confirm", email=md(email)), icon=":material/warning:")
            st.button(
                t("ros_remove_button"),
                type="primary",
                icon=":material/person_remove:",
                key="ros_remove_confirmed",
                on_click=remove,
                args=(email,),
            )
        elif st.button(t("ros_remove_button"), icon=":material/person_remove:", key="ros_remove"):
            st.session_state[CONFIRM] = email
            st.rerun()


def change_log() -> None:
    st.subheader(t("ros_log"))
    log = query(roster.change_log)
    if log.empty:
        st.caption(t("ros_log_empty"))
        return
    dash = t("no_value")
    shown = log.assign(
        action=log["action"].map(lambda a: t(f"ros_action_{a}")),
        email=log["email"].fillna(dash),
        before_value=log["before_value"].fillna(dash),
        after_value=log["after_value"].fillna(dash),
    )
    show_table(
        shown,
        {"changed_at": lambda v: f"{fmt_date(v.date())} {v:%H:%M}"},
        hide_index=True,
        key="ros_log_table",
        column_config={
            "changed_at": st.column_config.DatetimeColumn(t("ros_col_when")),
            "changed_by": st.column_config.TextColumn(t("ros_col_by")),
            "action": st.column_config.TextColumn(t("ros_col_action")),
            "email": st.column_config.TextColumn(t("ros_col_email")),
            "before_value": st.column_config.TextColumn(t("ros_col_before")),
            "after_value": st.column_config.TextColumn(t("ros_col_after")),
        },
    )


st.title(t("page_roster"))
st.caption(t("ros_caption"))
message = st.session_state.pop(FLASH, None)
if message:
    kind, text = message
    (st.success if kind == "success" else st.error)(
        text, icon=":material/check_circle:" if kind == "success" else ":material/error:"
    )

people = query(roster.roster_frame)
teams = sorted({team for team in people["team"] if isinstance(team, str) and team.strip()})
people_table(people)
add_col, edit_col = st.columns(2)
with add_col:
    add_form(teams)
with edit_col:
    edit_form(people, teams)
change_log()
