"""The Import page's mapping step: a file whose columns Commitboard does not know is mapped once
(columns, activity types, statuses, date order), previewed and saved by name; the saved
mappings are listed and can be removed."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd
import streamlit as st

from kpi import fields as F
from kpi import mapping, preview
from kpi.i18n import field_label
from kpi.markdown import escape_markdown
from views.common import call, data_changed, fmt_date, lang, query, show_table, t

PREFIX = "imp_map_"  # every widget of the step: cleared when another file is chosen
FLASH = "_imp_map_flash"
PREVIEW_ROWS = 20


def clear() -> None:
    """Forget the last file's choices (its columns are not the next file's)."""
    for key in [k for k in st.session_state if str(k).startswith(PREFIX)]:
        del st.session_state[key]


LEAVE_OUT = ""  # the option of a column not used (None would read as "nothing chosen")


def target_label(target: str) -> str:
    if target == LEAVE_OUT:
        return t("imp_map_leave_out")
    if target in ("subject", "status", "channel"):
        return t(f"imp_map_target_{target}")
    return f"{field_label(target, lang())} ({target})"


def type_label(value: str) -> str:
    return t(f"channel_{value}") if value in mapping.CHANNELS else t(f"imp_map_type_{value}")


def value_key(kind: str, value: str) -> str:
    # Keyed by the value itself, so a choice stays with its value when another column is picked.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:10]
    return f"{PREFIX}{kind}_{digest}"


def _translations(kind: str, data: bytes, name: str, header: str, column: int) -> dict[str, str]:
    """One select box per value of the column: an activity type's channel, or a status's
    meaning; the first guess from kpi.mapping."""
    values = preview.column_values(data, name, column)
    if not values:
        return {}
    if kind == "type":
        title, options, guess, label = (
            "imp_map_types",
            mapping.TYPE_VALUES,
            mapping.suggest_type,
            type_label,
        )
    else:
        title, options, guess = "imp_map_statuses", mapping.STATUS_VALUES, mapping.suggest_status
        label = lambda v: t(f"imp_map_status_{v}")  # noqa: E731
    labels = {v: label(v) for v in options}  # translated now: format_func runs later
    st.markdown(f"**{t(title, column=escape_markdown(header, inline=True))}**")
    if kind == "type":
        st.caption(t("imp_map_types_help"))
    chosen: dict[str, str] = {}
    columns = st.columns(3)
    for i, value in enumerate(values):
        with columns[i % 3]:
            chosen[value] = st.selectbox(
                escape_markdown(value, inline=True),
                options=list(options),
                index=list(options).index(guess(value)),
                format_func=labels.__getitem__,
                key=value_key(kind, value),
            )
    return chosen


def _outcome(row: pd.Series) -> str:
    if row["outcome"] == "not_contact":
        return t("imp_map_outcome_not_contact", kind=t(f"imp_kind_{row['kind']}"))
    return t(f"imp_map_outcome_{row['outcome']}")


def _save(draft: mapping.Mapping) -> None:
    # The name as typed now: the click may come with the name in the same rerun.
    draft = replace(draft, name=str(st.session_state.get(PREFIX + "name") or "").strip())
    if not draft.name:
        st.session_state[FLASH] = ("warning", t("imp_map_name_missing"))
        return
    try:
        call(mapping.save_mapping, draft)
    except mapping.MappingError as exc:
        st.session_state[FLASH] = ("error", str(exc))
        return
    data_changed()
    name = escape_markdown(draft.name, inline=True)
    st.session_state[FLASH] = ("success", t("imp_map_saved", name=name))


def show_flash() -> None:
    if FLASH in st.session_state:
        kind, message = st.session_state.pop(FLASH)
        getattr(st, kind)(message)


def mapping_step(data: bytes, name: str, headers: list[str]) -> None:
    """Map the file's columns to ours, see its first rows as they would be imported, save."""
    with st.container(border=True, key="imp_map_box"):
        st.subheader(t("imp_map_title"), anchor=False)
        st.caption(t("imp_map_caption"))
        guesses = mapping.suggest(headers)
        options = [LEAVE_OUT, *mapping.TARGETS]
        labels = {o: target_label(o) for o in options}
        chosen: dict[str, str] = {}
        where: dict[str, int] = {}
        columns = st.columns(3)
        for i, header in enumerate(headers):
            if not header.strip():
                continue
            with columns[i % 3]:
                target = st.selectbox(
                    escape_markdown(header.strip(), inline=True),
                    options=options,
                    index=options.index(guesses.get(header) or LEAVE_OUT),
                    format_func=labels.__getitem__,
                    key=f"{PREFIX}col_{i}",
                )
            if target:
                chosen[header] = target
                where.setdefault(target, i)
        fixed = None
        channels: dict[str, str] = {}
        statuses: dict[str, str] = {}
        if "channel" in where:
            column = where["channel"]
            channels = _translations("type", data, name, headers[column], column)
        else:
            fixed = st.selectbox(
                t("imp_map_fixed_channel"),
                options=list(mapping.CHANNELS),
                index=None,
                format_func={c: t(f"channel_{c}") for c in mapping.CHANNELS}.__getitem__,
                key=f"{PREFIX}fixed_channel",
            )
        if "status" in where:
            column = where["status"]
            statuses = _translations("status", data, name, headers[column], column)
        month_first = False
        if "contact_date" in where:
            dates = preview.column_values(data, name, where["contact_date"])
            month_first = st.radio(
                t("imp_map_dates"),
                options=[False, True],
                index=int(mapping.suggest_month_first(dates)),
                format_func={
                    False: t("imp_map_day_first"),
                    True: t("imp_map_month_first"),
                }.__getitem__,
                horizontal=True,
                key=f"{PREFIX}month_first",
            )
        draft = mapping.Mapping(
            name="",
            headers=tuple(headers),
            columns=chosen,
            channels=channels,
            statuses=statuses,
            month_first=bool(month_first),
            fixed_channel=fixed,
        )
        try:
            rows = call(preview.mapped_preview, data, name, draft, lang(), PREVIEW_ROWS)
        except mapping.MappingError as exc:
            if exc.code == "target_twice":
                st.warning(t("imp_map_twice", field=target_label(exc.params["field"])))
            else:
                missing = [f for f in F.REQUIRED if f not in chosen.values()]
                if fixed:
                    missing = [f for f in missing if f != "channel"]
                fields = ", ".join(target_label(f) for f in missing)
                st.info(t("imp_map_incomplete", fields=fields), icon=":material/info:")
            return
        st.markdown(f"**{t('imp_map_preview', rows=len(rows))}**")
        shown = pd.DataFrame(
            {
                t("imp_col_line"): rows["line"].astype(str),
                t("imp_map_col_outcome"): [_outcome(r) for _, r in rows.iterrows()],
                field_label("contact_date", lang()): [
                    fmt_date(d) if d is not None and not pd.isna(d) else ""
                    for d in rows["contact_date"]
                ],
                field_label("rep", lang()): rows["rep"].fillna(""),
                field_label("account", lang()): rows["account"].fillna(""),
                field_label("channel", lang()): [
                    t(f"channel_{c}") if isinstance(c, str) else "" for c in rows["channel"]
                ],
                field_label("notes", lang()): rows["notes"].fillna(""),
                t("imp_col_reasons"): rows["reasons"],
            }
        )
        show_table(shown, hide_index=True, key=f"{PREFIX}preview_table")
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.text_input(
                t("imp_map_name"),
                placeholder=t("imp_map_name_placeholder"),
                key=f"{PREFIX}name",
            )
            st.button(
                t("imp_map_save"),
                key=f"{PREFIX}save",
                type="primary",
                icon=":material/save:",
                on_click=_save,
                args=(draft,),
            )


def _remove(name: str) -> None:
    try:
        call(mapping.remove_mapping, name)
    except mapping.MappingError as exc:
        st.session_state[FLASH] = ("warning", str(exc))
        return
    data_changed()
    st.session_state[FLASH] = (
        "success",
        t("imp_map_removed", name=escape_markdown(name, inline=True)),
    )


def saved_mappings() -> None:
    """The saved mappings: name, columns, who saved them and when; one can be removed."""
    with st.expander(t("imp_map_list_title"), icon=":material/swap_horiz:"):
        show_flash()  # a removal's message, when no file is chosen to show it above
        frame = query(mapping.mappings_frame)
        if frame.empty:
            st.caption(t("imp_map_list_empty"))
            return
        show_table(
            frame,
            hide_index=True,
            key="imp_maplist",
            column_config={
                "name": st.column_config.TextColumn(t("imp_map_col_name")),
                "columns": st.column_config.TextColumn(t("imp_map_col_columns"), width="large"),
                "saved_by": st.column_config.TextColumn(t("imp_map_col_saved_by")),
                "saved_at": st.column_config.DatetimeColumn(t("imp_map_col_saved_at")),
            },
        )
        with st.container(horizontal=True, vertical_alignment="bottom"):
            pick = st.selectbox(
                t("imp_map_remove_pick"),
                options=list(frame["name"]),
                index=None,
                key="imp_maplist_pick",
            )
            st.button(
                t("imp_map_remove"),
                key="imp_maplist_remove",
                icon=":material/delete:",
                disabled=pick is None,
                on_click=_remove,
                args=(pick,),
            )
