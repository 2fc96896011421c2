"""Log a contact: the rep's form right after a contact, their open commitments and recent contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from kpi import contacts, metrics
from kpi import fields as F
from kpi.i18n import field_label
from kpi.markdown import escape_markdown
from kpi.reasons import row_reason_text
from views.common import (
    call,
    data_changed,
    date_format,
    fmt_date,
    fmt_number,
    lang,
    query,
    show_table,
    t,
    viewer,
)

# The fields the form asks for, in the order a rep thinks them through (rep is set by who logs).
FORM_FIELDS: tuple[str, ...] = (
    "contact_date",
    "account",
    "contact_person",
    "contact_role",
    "channel",
    "appointment_planned",
    "quote_sent",
    "quote_amount",
    "revenue",
    "commitment_level",
    "commitment",
    "commitment_due",
    "would_repeat",
    "reflection",
    "lesson",
    "share_for_training",
    "notes",
)
# What the short form of a contact from a CRM export asks: the commitment and the two questions.
WAIT_FIELDS: tuple[str, ...] = (
    "commitment_level",
    "commitment",
    "commitment_due",
    "would_repeat",
    "lesson",
)
NEW = "log_"  # widget keys of the new-contact form: NEW + field name
FLASH = "_log_flash"
ERRORS = "_log_errors"
EDIT_ERRORS = "_log_edit_errors"
CONFIRM_DELETE = "_log_confirm_delete"
RECENT = 20
WAITING = 50  # contacts waiting for the two questions shown at once, the newest
WAIT_PICK = "_log_wait_pick"  # the waiting contact whose form is open
WAIT_ERRORS = "_log_wait_errors"
OPEN_LIST_HEIGHT = 560
ICONS = {"success": ":material/check_circle:", "warning": ":material/warning:"}


def edit_prefix(contact_id: int) -> str:
    return f"edit{contact_id}_"


def labels(prefix: str, values: Iterable[str]) -> dict[str, str]:
    """Option labels, translated now: a format_func must not look the language up later."""
    return {v: t(f"{prefix}_{v}") for v in values}


def level_name(level: object) -> str:
    """'2 · Customer acts'; 'Not recorded' for a contact from a CRM export whose level no one
    has recorded yet (None, NaN)."""
    if plain(level) is None:
        return t("level_not_recorded")
    return f"{int(level)} · {t(f'level_{int(level)}')}"


def plain(value: object) -> object:
    """A cell of a query result as a form value: None for missing, a date for a timestamp."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def form_values(prefix: str) -> dict[str, object]:
    """The form's widgets as canonical field -> value; blank text is no value."""
    values: dict[str, object] = {}
    for name in FORM_FIELDS + WAIT_FIELDS:
        value = st.session_state.get(prefix + name)
        if isinstance(value, str):
            value = value.strip() or None
        values[name] = value
    return values


def clear(prefix: str) -> None:
    for name in (*FORM_FIELDS, "commitment_status"):
        st.session_state.pop(prefix + name, None)


def blank_new_form() -> None:
    """Empty the new-contact form. Values are written, not dropped: only a written value also
    reaches the browser's copy of the form."""
    texts = {"contact_person", "commitment", "reflection", "lesson", "notes"}
    flags = {"appointment_planned", "quote_sent", "share_for_training"}
    for name in FORM_FIELDS:
        value: object = None
        if name in texts:
            value = ""
        elif name in flags:
            value = False
        elif name == "commitment_level":
            value = 0
        elif name == "contact_date":
            value = dt.date.today()
        st.session_state[NEW + name] = value


def flash(kind: str, message: str, toast: bool = False) -> None:
    st.session_state[FLASH] = (kind, message, toast)


# -- writes, run as callbacks so the next run already shows their outcome -----------------------


def save_new(rep: str | None) -> None:
    values = {"rep": rep, **form_values(NEW)}
    result = call(contacts.save_contact, values)
    if not result.ok:
        st.session_state[ERRORS] = result.errors
        return
    st.session_state.pop(ERRORS, None)
    data_changed()
    blank_new_form()
    flash(
        "success",
        t(
            "log_saved",
            account=escape_markdown(values["account"], inline=True),
            level=level_name(int(values["commitment_level"] or 0)),
        ),
        toast=True,
    )


def wait_prefix(contact_id: int) -> str:
    return f"wait{contact_id}_"


def save_waiting(contact_id: int, account: str, rep: str) -> None:
    """Record the commitment and the two questions on a contact from a CRM export: only those
    columns change (kpi.contacts.record_commitment)."""
    prefix = wait_prefix(contact_id)
    values = {name: form_values(prefix).get(name) for name in WAIT_FIELDS}
    result = call(contacts.record_commitment, contact_id, values, rep_key=rep)
    if not result.ok:
        st.session_state[WAIT_ERRORS] = (contact_id, result.errors)
        return
    st.session_state.pop(WAIT_ERRORS, None)
    st.session_state.pop(WAIT_PICK, None)
    data_changed()
    clear(prefix)
    flash(
        "success",
        t(
            "log_waiting_saved",
            account=escape_markdown(account, inline=True),
            level=level_name(int(values["commitment_level"])),
        ),
        toast=True,
    )


def save_edit(row: dict[str, object], rep: str) -> None:
    contact_id = int(row["id"])
    prefix = edit_prefix(contact_id)
    values = {name: row[name] for name in F.FIELD_NAMES} | form_values(prefix)
    if values["commitment_level"] is None:  # a CRM's contact whose level is still not chosen
        st.session_state[EDIT_ERRORS] = (contact_id, {"commitment_level": ["missing"]})
        return
    level = int(values["commitment_level"] or 0)
    # A level-0 contact has no commitment to keep, so its status goes with it.
    values["commitment_status"] = (
        st.session_state.get(prefix + "commitment_status") if level else None
    )
    result = call(contacts.update_contact, contact_id, values, rep_key=rep)
    if not result.ok:
        st.session_state[EDIT_ERRORS] = (contact_id, result.errors)
        return
    st.session_state.pop(EDIT_ERRORS, None)
    data_changed()
    clear(prefix)
    flash(
        "success",
        t("log_edit_saved", account=escape_markdown(values["account"], inline=True)),
        toast=True,
    )


def delete(contact_id: int, account: str, rep: str) -> None:
    st.session_state.pop(CONFIRM_DELETE, None)
    if call(contacts.delete_contact, contact_id, rep_key=rep):
        data_changed()
        clear(edit_prefix(contact_id))
        st.session_state.pop("log_edit_pick", None)
        flash(
            "success", t("log_deleted", account=escape_markdown(account, inline=True)), toast=True
        )
    else:
        flash("warning", t("log_gone"))


def mark(contact_id: int, status: str, account: str, rep: str) -> None:
    try:
        already = call(contacts.set_commitment_status, contact_id, status, rep_key=rep)
    except contacts.ConflictError:
        # Someone else kept changing this contact through every retry: say so, change nothing.
        flash("warning", t("log_conflict", account=escape_markdown(account, inline=True)))
        return
    data_changed()
    if already is None:
        flash(
            "success",
            t(f"log_marked_{status}", account=escape_markdown(account, inline=True)),
            toast=True,
        )
    elif already == "missing":
        flash("warning", t("log_gone"))
    else:
        flash("warning", t("log_marked_already", status=t(f"status_{already}")))


# -- pieces of the page ----------------------------------------------------------------------------


def field_errors(name: str, errors: dict[str, list[str]]) -> None:
    for code in errors.get(name, []):
        st.error(row_reason_text(f"{code}:{name}", lang()), icon=":material/error:")


def account_input(prefix: str, current: object, options: list[str]) -> None:
    if current and current not in options:
        options = [str(current), *options]
    st.selectbox(
        field_label("account", lang()),
        options=options,
        index=options.index(current) if current else None,
        accept_new_options=True,
        placeholder=t("log_account_placeholder"),
        help=t("log_account_help"),
        key=prefix + "account",
    )


def contact_fields(
    prefix: str,
    current: dict[str, object],
    errors: dict[str, list[str]],
    account_options: list[str],
    *,
    with_status: bool = False,
) -> None:
    """Every field of a contact as widgets keyed prefix + field name, each with its own errors."""
    today = dt.date.today()
    label = lambda name: field_label(name, lang())  # noqa: E731

    st.subheader(t("log_section_contact"))
    c1, c2, c3 = st.columns([1, 2, 2])
    with c1:
        st.date_input(
            label("contact_date"),
            value=current.get("contact_date") or "today",
            max_value=today,
            format=date_format(),
            key=prefix + "contact_date",
        )
        field_errors("contact_date", errors)
    with c2:
        account_input(prefix, current.get("account"), account_options)
        field_errors("account", errors)
    with c3:
        st.text_input(
            label("contact_person"),
            value=current.get("contact_person") or "",
            key=prefix + "contact_person",
        )
        field_errors("contact_person", errors)
    c1, c2 = st.columns([3, 2])
    with c1:
        st.segmented_control(
            label("channel"),
            options=list(F.ENUMS["channel"]),
            format_func=labels("channel", F.ENUMS["channel"]).__getitem__,
            default=current.get("channel"),
            key=prefix + "channel",
            wrap=True,  # on a phone the options wrap instead of scrolling out of sight
        )
        field_errors("channel", errors)
    with c2:
        st.segmented_control(
            label("contact_role"),
            options=list(F.ENUMS["role"]),
            format_func=labels("contact_role", F.ENUMS["role"]).__getitem__,
            default=current.get("contact_role"),
            help=t("log_role_help"),
            key=prefix + "contact_role",
            wrap=True,  # on a phone the options wrap instead of scrolling out of sight
        )
        field_errors("contact_role", errors)

    st.subheader(t("log_section_activity"))
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        st.checkbox(
            label("appointment_planned"),
            value=bool(current.get("appointment_planned")),
            help=t("log_appointment_help"),
            key=prefix + "appointment_planned",
        )
    with c2:
        st.checkbox(
            label("quote_sent"), value=bool(current.get("quote_sent")), key=prefix + "quote_sent"
        )
    for column, name in ((c3, "quote_amount"), (c4, "revenue")):
        with column:
            value = current.get(name)
            st.number_input(
                f"{label(name)} (€)",
                min_value=0.0,
                value=None if value is None else float(value),
                step=100.0,
                format="%.2f",
                placeholder=t("log_optional"),
                help=t(f"log_{name}_help"),
                key=prefix + name,
            )
            field_errors(name, errors)

    st.subheader(t("log_section_commitment"))
    c1, c2 = st.columns([2, 3])
    with c1:
        level_radio(prefix, current, errors)
    with c2:
        commitment_inputs(prefix, current, errors)
        if with_status:
            statuses = list(F.ENUMS["status"])
            st.selectbox(
                label("commitment_status"),
                options=statuses,
                index=statuses.index(current.get("commitment_status") or "open"),
                format_func=labels("status", statuses).__getitem__,
                help=t("log_status_help"),
                key=prefix + "commitment_status",
            )
            field_errors("commitment_status", errors)

    st.subheader(t("log_section_reflection"))
    repeat_input(prefix, current, errors)
    c1, c2 = st.columns(2)
    with c1:
        st.text_area(
            t("log_reflection_label"),
            value=current.get("reflection") or "",
            key=prefix + "reflection",
        )
    with c2:
        lesson_input(prefix, current)
    st.checkbox(
        label("share_for_training"),
        value=bool(current.get("share_for_training")),
        help=t("log_share_help"),
        key=prefix + "share_for_training",
    )
    st.text_area(label("notes"), value=current.get("notes") or "", height=80, key=prefix + "notes")


def level_radio(prefix: str, current: dict[str, object], errors: dict[str, list[str]]) -> None:
    """The ladder. A new contact starts at 0; a contact whose level is not recorded (from a
    CRM export) shows none chosen until the rep chooses, never a 0 nobody gave."""
    level = current.get("commitment_level")
    not_recorded = "commitment_level" in current and level is None
    st.radio(
        field_label("commitment_level", lang()),
        options=list(F.LEVELS),
        index=None if not_recorded else int(level or 0),
        format_func={n: level_name(n) for n in F.LEVELS}.__getitem__,
        captions=[t(f"level_{n}_help") for n in F.LEVELS],
        help=t("log_level_help"),
        key=prefix + "commitment_level",
    )
    if not_recorded and st.session_state.get(prefix + "commitment_level") is None:
        st.caption(t("log_level_choose"))
    field_errors("commitment_level", errors)


def commitment_inputs(
    prefix: str, current: dict[str, object], errors: dict[str, list[str]]
) -> None:
    """What the customer committed to, and by when."""
    st.text_area(
        t("question_commitment"),
        value=current.get("commitment") or "",
        placeholder=t("log_commitment_placeholder"),
        help=t("log_commitment_help"),
        key=prefix + "commitment",
    )
    field_errors("commitment", errors)
    st.date_input(
        field_label("commitment_due", lang()),
        value=current.get("commitment_due"),
        format=date_format(),
        help=t("log_due_help"),
        key=prefix + "commitment_due",
    )
    field_errors("commitment_due", errors)


def repeat_input(prefix: str, current: dict[str, object], errors: dict[str, list[str]]) -> None:
    """Would you do it the same way next time?"""
    st.segmented_control(
        t("question_repeat"),
        options=list(F.ENUMS["repeat"]),
        format_func=labels("repeat", F.ENUMS["repeat"]).__getitem__,
        default=current.get("would_repeat"),
        help=t("log_repeat_help"),
        key=prefix + "would_repeat",
        wrap=True,  # on a phone the options wrap instead of scrolling out of sight
    )
    field_errors("would_repeat", errors)


def lesson_input(prefix: str, current: dict[str, object]) -> None:
    st.text_area(
        t("log_lesson_label"),
        value=current.get("lesson") or "",
        help=t("log_lesson_help"),
        key=prefix + "lesson",
    )


def error_summary(errors: dict[str, list[str]]) -> None:
    """One message above the form; problems without a field of their own are spelled out here."""
    shown = {*FORM_FIELDS, "commitment_status", "rep"}
    count = sum(len(codes) for codes in errors.values())
    lines = [t("log_not_saved", count=count)]
    lines += [
        "- " + row_reason_text(f"{code}:{name}" if name else code, lang())
        for name, codes in errors.items()
        if name not in shown
        for code in codes
    ]
    st.error("\n".join(lines), icon=":material/report:")


def pick_rep() -> tuple[str | None, str | None]:
    """Who logs (the rep as saved, and their key): a rep is themself; the director picks one."""
    who = viewer()
    if who.signed_in or who.role == "rep":
        # Signed in, a contact always carries the person who logs it (kpi.access enforces it).
        return who.email or who.rep_key, who.rep_key
    reps = query(metrics.reps)
    names = dict(zip(reps["rep_key"], reps["rep_name"], strict=True))
    rep = st.selectbox(
        t("log_rep_label"),
        options=list(names),
        index=0 if names else None,
        format_func=lambda k: names.get(k, k),
        accept_new_options=True,
        placeholder=t("log_rep_placeholder"),
        help=t("log_rep_help"),
        key="log_rep",
    )
    # A rep typed by the director is saved as typed; reps are matched on the case-folded text.
    return rep, rep.strip().casefold() if rep else None


def open_commitments(rep: str) -> None:
    st.header(t("log_open_title"), divider="gray")
    frame = query(contacts.open_commitments, rep)
    if frame.empty:
        st.info(t("log_open_empty"), icon=":material/task_alt:")
        return
    st.caption(t("log_open_caption", count=len(frame)))
    today = dt.date.today()
    # A long list scrolls in place, so the recent contacts stay within reach.
    with st.container(height=OPEN_LIST_HEIGHT if len(frame) > 4 else "content", border=False):
        for row in frame.to_dict("records"):
            commitment_row({k: plain(v) for k, v in row.items()}, rep, today)


def commitment_row(row: dict[str, object], rep: str, today: dt.date) -> None:
    contact_id = int(row["id"])
    due = row["commitment_due"]
    with st.container(border=True):
        text, kept, broken = st.columns([5, 2, 2], vertical_alignment="center")
        with text:
            st.text(f"{row['account']} · {level_name(row['commitment_level'])}")
            st.text(row["commitment"] or "")
            # Badges hold only our own texts and dates, never user text.
            if due and due < today:
                badge = f":red-badge[:material/schedule: {t('log_overdue', date=fmt_date(due))}]"
            elif due:
                badge = f":gray-badge[:material/event: {t('log_due_on', date=fmt_date(due))}]"
            else:
                badge = f":gray-badge[{t('log_no_due')}]"
            st.caption(f"{badge} {t('log_logged_on', date=fmt_date(row['contact_date']))}")
        for column, status, icon in (
            (kept, "kept", ":material/check_circle:"),
            (broken, "broken", ":material/cancel:"),
        ):
            column.button(
                t(f"log_{status}"),
                key=f"{status}_{contact_id}",
                icon=icon,
                on_click=mark,
                args=(contact_id, status, str(row["account"]), rep),
                width="stretch",
            )


def waiting(rep: str) -> None:
    """The rep's contacts from a CRM export still waiting for the commitment and the two
    questions, the newest first; each opens a short form for just those."""
    frame = query(contacts.waiting_contacts, rep, WAITING)
    if frame.empty:
        return
    st.header(t("log_waiting_title"), divider="gray")
    total = int(frame["total_count"].iloc[0])
    st.caption(t("log_waiting_caption", count=fmt_number(total)))
    if total > len(frame):
        st.caption(t("log_waiting_more", shown=fmt_number(len(frame))))
    picked = st.session_state.get(WAIT_PICK)
    with st.container(height=OPEN_LIST_HEIGHT if len(frame) > 4 else "content", border=False):
        for row in frame.to_dict("records"):
            waiting_row({k: plain(v) for k, v in row.items()}, rep, picked)


def waiting_row(row: dict[str, object], rep: str, picked: object) -> None:
    contact_id = int(row["id"])
    account = str(row["account"])
    with st.container(border=True, key=f"log_waiting_{contact_id}"):
        text, action = st.columns([5, 2], vertical_alignment="center")
        with text:
            who = f" · {row['contact_person']}" if row["contact_person"] else ""
            st.text(f"{fmt_date(row['contact_date'])} · {account}{who}")
            channel = t(f"channel_{row['channel']}") if row["channel"] else ""
            st.caption(
                " · ".join(
                    p for p in (channel, escape_markdown(row["notes"] or "", inline=True)) if p
                )
            )
        if picked != contact_id:
            action.button(
                t("log_waiting_open"),
                key=f"log_waiting_open_{contact_id}",
                icon=":material/edit:",
                on_click=lambda: st.session_state.update({WAIT_PICK: contact_id}),
                width="stretch",
            )
            return
        stored = st.session_state.get(WAIT_ERRORS)
        errors = stored[1] if stored and stored[0] == contact_id else {}
        if "" in errors:  # the contact is gone meanwhile
            st.error(row_reason_text(errors[""][0], lang()), icon=":material/error:")
        prefix = wait_prefix(contact_id)
        current = {"commitment_level": None}
        with st.form(key=f"log_waiting_form_{contact_id}", border=False):
            level_radio(prefix, current, errors)
            commitment_inputs(prefix, current, errors)
            repeat_input(prefix, current, errors)
            lesson_input(prefix, current)
            st.form_submit_button(
                t("log_waiting_save"),
                key=f"log_waiting_save_{contact_id}",
                type="primary",
                icon=":material/save:",
                on_click=save_waiting,
                args=(contact_id, account, rep),
            )


def recent(rep: str, account_options: list[str]) -> None:
    st.header(t("log_recent_title"), divider="gray")
    frame = query(contacts.recent_contacts, rep, RECENT)
    if frame.empty:
        st.info(t("log_recent_empty"), icon=":material/edit_note:")
        return
    table = pd.DataFrame(
        {
            field_label("contact_date", lang()): [
                fmt_date(plain(d)) for d in frame["contact_date"]
            ],
            field_label("account", lang()): frame["account"].fillna(""),
            field_label("contact_person", lang()): frame["contact_person"].fillna(""),
            field_label("channel", lang()): [t(f"channel_{c}") for c in frame["channel"]],
            field_label("commitment_level", lang()): [
                level_name(n) for n in frame["commitment_level"]
            ],
            field_label("commitment", lang()): frame["commitment"].fillna(""),
            field_label("would_repeat", lang()): [
                t(f"repeat_{plain(a)}") if plain(a) else "" for a in frame["would_repeat"]
            ],
        }
    )
    show_table(table, hide_index=True, width="stretch")

    rows = {int(r["id"]): {k: plain(v) for k, v in r.items()} for r in frame.to_dict("records")}
    pick = st.selectbox(
        t("log_edit_pick"),
        options=list(rows),
        index=None,
        format_func={
            i: f"{fmt_date(r['contact_date'])} · {r['account']} · {level_name(r['commitment_level'])}"
            for i, r in rows.items()
        }.__getitem__,
        placeholder=t("log_edit_placeholder"),
        key="log_edit_pick",
    )
    if pick is None or pick not in rows:
        return
    row = rows[pick]
    stored = st.session_state.pop(EDIT_ERRORS, None)
    errors = stored[1] if stored and stored[0] == pick else {}
    if errors:
        error_summary(errors)
    with st.form(key=f"edit_form_{pick}"):
        contact_fields(edit_prefix(pick), row, errors, account_options, with_status=True)
        st.form_submit_button(
            t("log_edit_save"),
            key=f"log_edit_save_{pick}",
            type="primary",
            icon=":material/save:",
            on_click=save_edit,
            args=(row, rep),
        )
    if st.session_state.get(CONFIRM_DELETE) == pick:
        with st.container(border=True):
            st.warning(t("log_delete_confirm"), icon=":material/warning:")
            yes, no, _ = st.columns([1, 1, 4])
            yes.button(
                t("log_delete_yes"),
                key=f"log_delete_yes_{pick}",
                type="primary",
                icon=":material/delete:",
                on_click=delete,
                args=(pick, str(row["account"]), rep),
            )
            no.button(
                t("log_delete_no"),
                key=f"log_delete_no_{pick}",
                on_click=lambda: st.session_state.pop(CONFIRM_DELETE, None),
            )
    else:
        st.button(
            t("log_delete"),
            key=f"log_delete_{pick}",
            icon=":material/delete:",
            on_click=lambda: st.session_state.update({CONFIRM_DELETE: pick}),
        )


# -- the page --------------------------------------------------------------------------------------

st.title(t("page_log_contact"))
st.caption(t("log_caption"))

if FLASH in st.session_state:
    kind, message, toast = st.session_state.pop(FLASH)
    getattr(st, kind)(message, icon=ICONS[kind])
    if toast:
        st.toast(message, icon=":material/check_circle:")

# Errors show on the run right after the save; they stay in view while the rep fixes the form.
errors = st.session_state.pop(ERRORS, {})
if errors:
    error_summary(errors)
with st.columns([2, 3])[0]:
    rep, rep_key = pick_rep()
if viewer().signed_in or viewer().role == "rep":
    st.caption(t("log_as", name=escape_markdown(viewer().name or rep_key or "", inline=True)))
field_errors("rep", errors)

accounts = query(contacts.accounts, rep_key) if rep_key else query(contacts.accounts)
with st.form("log_form", clear_on_submit=False):
    contact_fields(NEW, {}, errors, accounts)
    st.form_submit_button(
        t("log_save"),
        key="log_save",
        type="primary",
        icon=":material/save:",
        on_click=save_new,
        args=(rep,),
    )

if rep_key:
    waiting(rep_key)
    open_commitments(rep_key)
    recent(rep_key, accounts)
else:
    st.info(t("log_pick_rep_first"), icon=":material/person_search:")
