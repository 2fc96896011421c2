"""The import page: upload a contact log, look at it, import it, fix what was rejected, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from kpi import ingest, mapping, preview
from kpi.markdown import escape_markdown
from views import import_mapping
from views.common import (
    call,
    data_changed,
    data_version,
    fmt_number,
    lang,
    query,
    show_table,
    t,
)

RESULT = "imp_last_result"  # the last import's FileResult, kept so downloads and reruns keep it
EXPORT = "imp_export_data"  # (data version, CSV bytes) of the prepared contact log


def _unreadable(name: str, exc: ingest.FileUnreadable) -> None:
    # The file's own words (its name, its headers in the reason) are shown as text.
    reason = exc.text(lang())
    name, reason = escape_markdown(name, inline=True), escape_markdown(reason, inline=True)
    st.error(t("imp_unreadable", name=name, reason=reason), icon=":material/error:")


def _upload(uploaded: UploadedFile) -> None:
    """The preview of the chosen file and the import button."""
    data = uploaded.getvalue()
    try:
        head = preview.preview(data, uploaded.name)
    except ingest.FileUnreadable as exc:
        _unreadable(uploaded.name, exc)
        return
    ready = True
    unknown = False  # no layout it knows: the mapping step asks what the columns hold
    saved = query(mapping.mappings)
    with st.container(border=True, key="imp_preview_box"):
        st.subheader(t("imp_preview"))
        shown = escape_markdown(uploaded.name, inline=True)
        st.caption(t("imp_preview_caption", rows=len(head), name=shown))
        show_table(head, hide_index=True, key="imp_preview")
        try:
            columns = preview.check_columns(head.attrs["headers"], saved)
        except ingest.FileUnreadable as exc:
            # As it stands the file cannot be imported; columns we do not know can be mapped.
            _unreadable(uploaded.name, exc)
            unknown = exc.code == "missing_columns"
            ready = False
        else:
            by = preview.recognised_by(head.attrs["headers"], saved)
            if by:
                st.caption(t("imp_map_recognised", name=escape_markdown(by, inline=True)))
            names = [
                name
                if header.casefold() == name
                else f"{escape_markdown(header, inline=True)} → {name}"
                for header, name in columns.recognised.items()
            ]
            st.caption(t("imp_recognised", cols=", ".join(names)))
            if columns.ignored:
                st.warning(
                    t("imp_ignored", cols=escape_markdown(", ".join(columns.ignored), inline=True)),
                    icon=":material/info:",
                )
    import_mapping.show_flash()
    if unknown:
        import_mapping.mapping_step(data, uploaded.name, [str(h) for h in head.attrs["headers"]])
    if st.button(
        t("imp_go"), key="imp_go", type="primary", icon=":material/upload:", disabled=not ready
    ):
        _import(data, uploaded.name)


def _import(data: bytes, name: str) -> None:
    bar = st.progress(0.0, text=t("imp_stage_reading"))

    def report(fraction: float, stage: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=t(f"imp_stage_{stage}"))

    st.session_state.pop(RESULT, None)
    try:
        result = call(ingest.import_bytes, data, name, progress=report)
    except ingest.FileUnreadable as exc:
        bar.empty()
        _unreadable(name, exc)
        return
    data_changed()
    st.session_state[RESULT] = result


CRM_NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce", "pipedrive": "Pipedrive"}


def _metric(key: str, value: int) -> None:
    with st.container(key=f"imp_result_{key}"):
        st.metric(t(f"imp_metric_{key}"), fmt_number(value), help=t(f"imp_metric_{key}_help"))


def _result(result: ingest.FileResult) -> None:
    """What the last import did: the numbers, the ignored columns, the rejected rows."""
    with st.container(border=True, key="imp_result"):
        name = escape_markdown(result.name, inline=True)
        st.subheader(t("imp_result_title", name=name))
        if result.skipped:
            st.info(t("imp_skipped", name=name), icon=":material/content_copy:")
            return
        summary = t(
            "imp_summary",
            read=fmt_number(result.rows_read),
            accepted=fmt_number(result.accepted),
            updated=fmt_number(result.updated),
            rejected=fmt_number(result.rejected),
        )
        if result.rejected:
            st.warning(summary, icon=":material/warning:")
        else:
            st.success(summary + " " + t("imp_all_accepted"), icon=":material/check_circle:")
        with st.container(horizontal=True):
            _metric("read", result.rows_read)
            _metric("accepted", result.accepted)
            _metric("updated", result.updated)
            _metric("rejected", result.rejected)
            if result.not_contacts:
                _metric("not_contacts", result.not_contacts)
        if result.layout in CRM_NAMES:
            st.caption(t("imp_layout", crm=CRM_NAMES[result.layout]))
        elif result.layout != "commitboard":
            name = escape_markdown(result.layout, inline=True)
            st.caption(t("imp_layout_mapping", name=name))
        if result.not_contacts:
            kinds = ", ".join(
                f"{fmt_number(n)} {t(f'imp_kind_{kind}')}"
                for kind, n in result.not_contacts_by_kind.items()
            )
            st.caption(t("imp_not_contacts", kinds=kinds))
        if result.ignored_columns:
            ignored = escape_markdown(", ".join(result.ignored_columns), inline=True)
            st.caption(t("imp_ignored", cols=ignored))
        if result.rejected and result.file_id is not None:
            _rejects(result)


def _rejects(result: ingest.FileResult) -> None:
    st.markdown(f"**{t('imp_rejects_title')}**")
    st.caption(t("imp_rejects_caption"))
    rows = query(preview.rejected_rows, result.file_id, lang())
    show_table(
        rows,
        {"line": str},  # a line number, not an amount: no thousands separator
        hide_index=True,
        key="imp_rejects",
        column_config={
            "line": st.column_config.NumberColumn(t("imp_col_line")),
            "reasons": st.column_config.TextColumn(t("imp_col_reasons"), width="large"),
            "raw": st.column_config.TextColumn(t("imp_col_raw"), width="large"),
        },
    )
    if result.rejected > len(rows):
        st.caption(
            t("imp_rejects_more", shown=fmt_number(len(rows)), total=fmt_number(result.rejected))
        )
    st.download_button(
        t("imp_rejects_download"),
        data=query(preview.rejects_csv, result.file_id, lang()),
        file_name=f"{Path(result.name).stem}-rejected.csv",
        mime="text/csv",
        icon=":material/download:",
        key="imp_rejects_download",
        on_click="ignore",
    )


def _export() -> None:
    """The whole contact log as CSV, written only when asked for (it can be millions of rows)."""
    with st.container(border=True, key="imp_export"):
        st.subheader(t("imp_export_title"))
        count = query(preview.contacts_count)
        if not count:
            st.info(t("imp_export_empty"), icon=":material/info:")
            return
        st.caption(t("imp_export_caption", n=fmt_number(count)))
        # A prepared file holds the data of one version, in one language's CSV format.
        version = (data_version(), lang())
        if st.button(t("imp_prepare_export"), key="imp_prepare_export", icon=":material/database:"):
            with st.spinner(t("imp_preparing")):
                st.session_state[EXPORT] = (version, call(preview.export_contacts_csv, lang()))
        prepared = st.session_state.get(EXPORT)
        if prepared and prepared[0] != version:
            # The data or the language changed since: that file would be out of date.
            st.session_state.pop(EXPORT)
            prepared = None
        if prepared:
            st.download_button(
                t("imp_export_download"),
                data=prepared[1],
                file_name=f"contacts-{dt.date.today().isoformat()}.csv",
                mime="text/csv",
                icon=":material/download:",
                key="imp_export_download",
                on_click="ignore",
                type="primary",
            )


def _new_file() -> None:
    """Another file: the last one's result and its mapping choices go."""
    st.session_state.pop(RESULT, None)
    import_mapping.clear()


# -- the page ------------------------------------------------------------------------------------

st.title(t("page_import"))
st.caption(t("imp_caption"))
with st.expander(t("imp_format"), icon=":material/table_view:"):
    st.caption(t("imp_format_caption"))
    show_table(preview.format_table(lang()), hide_index=True, key="imp_format_table")

uploaded = st.file_uploader(
    t("imp_upload"),
    type=["csv", "txt", "xlsx"],
    key="imp_upload",
    help=t("imp_upload_help"),
    on_change=_new_file,
)
if uploaded is None:
    st.info(t("imp_start"), icon=":material/upload_file:")
else:
    _upload(uploaded)
if RESULT in st.session_state:
    _result(st.session_state[RESULT])
import_mapping.saved_mappings()
_export()
