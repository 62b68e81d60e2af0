"""Daten: upload exports with a preview (summary, the first rows as they will be stored and the
data quality per column, for the data roles) and an explicit confirmation, what the store holds,
deleting a reporting date / year / wave, invited counts per survey wave, the import log, and
templates; under the two-person rule, imports and deletions go to "Zur Freigabe", where a second
person approves them. The tables come from metrics.views.build_data_page, the staging from
metrics.ingest.stage_upload, the requests from metrics.ingest.approvals; this page holds the
widgets and the pending upload."""

import streamlit as st

from metrics import app_support as ui
from metrics import store, templates
from metrics.access import Action
from metrics.contract import SOURCES
from metrics.disclosure import count_text
from metrics.i18n import Lang, t
from metrics.ingest import ImportRefused, StagedUpload, delete_coverage, stage_upload
from metrics.ingest import set_invited as save_invited
from metrics.ingest.approvals import (
    ChangeRequest,
    RequestGone,
    approve,
    pending_requests,
    reject,
    request_deletion,
    request_import,
)
from metrics.ingest.two_person import needs_approval
from metrics.views import (
    DataPageContext,
    UploadDetails,
    build_data_page,
    build_upload_details,
    kind_label,
)

UPLOAD_TYPES = ("csv", "txt", "tsv", "xlsx", "parquet")


def discard_pending() -> None:
    pending: StagedUpload | None = st.session_state.pop("pending_import", None)
    st.session_state.pop("pending_details", None)
    if pending is not None:
        pending.discard()


def show_details(details: UploadDetails, lang: Lang, *, sample: bool = True) -> None:
    """A staged file's first rows as they will be stored, and its data quality per column."""
    if sample:
        with ui.expander(details.sample_title, expanded=True):
            ui.table(details.sample, height=ui.table_height(details.sample))
            ui.caption(" ".join(details.sample_notes))
    with ui.expander(details.quality_title):
        # at 1,440 px the columns that say most fit; the file's own header is last
        widths: dict[str, ui.ColumnWidth] = {
            t("datapage.quality_column", lang): 290,
            t("datapage.quality_empty", lang): 100,
            t("datapage.quality_values", lang): 230,
            t("datapage.quality_read_as", lang): 310,
        }
        ui.table(details.quality, height=ui.table_height(details.quality), widths=widths)
        ui.caption(details.quality_note)


def upload_section(lang: Lang) -> None:
    ui.subheader(t("datapage.upload", lang))
    ui.caption(t("datapage.upload_help", lang, limit=ui.upload_limit_mb()))
    round_ = st.session_state.setdefault("upload_round", 0)
    ui.file_uploader_texts(lang, UPLOAD_TYPES)
    files = st.file_uploader(
        t("datapage.files", lang),
        accept_multiple_files=True,
        type=list(UPLOAD_TYPES),
        key=f"uploads_{round_}",
    )
    if not files:
        discard_pending()
        return
    pending: StagedUpload | None = st.session_state.get("pending_import")
    # a preview the server discarded (its session seemed gone) is checked again
    signature = tuple((f.name, f.size) for f in files)
    if pending is None or pending.discarded or pending.signature != signature:
        discard_pending()
        try:
            with st.spinner(t("datapage.checking", lang)):
                uploaded = [(file.name, file.getvalue()) for file in files]
                pending = stage_upload(uploaded, ui.db_path(), lang, by=ui.current_user())
        except ImportRefused as refusal:
            ui.error(refusal.report(lang))
            return
        st.session_state["pending_import"] = pending
        # the sample rows and the data quality, read once from the staged rows (language-free)
        st.session_state["pending_details"] = pending.prepared.details()
        ui.keep_pending_upload(pending)
    prepared = pending.prepared
    staged_details = st.session_state.get("pending_details") or [None] * len(prepared.previews)
    shown_details = []
    for preview, details in zip(prepared.previews, staged_details, strict=True):
        # replacing the demo store removes everything there: a warning, not a green success
        show = ui.error if not preview.ok else ui.warning if preview.replaces_demo else ui.success
        show(preview.summary(lang, ui.settings().rules))
        if details is not None:
            shown_details.append((preview.file_name, build_upload_details(details, lang)))
            show_details(shown_details[-1][1], lang)
    if not prepared.ok:
        ui.warning(t("datapage.fix_and_retry", lang))
        return
    if needs_approval(ui.current_user(), ui.settings()):
        ui.caption(t("datapage.two_person_note", lang))
        if st.button(t("datapage.request_import", lang), type="primary"):
            request = request_import(prepared, ui.settings())  # closes the preview
            st.session_state.pop("pending_import", None)
            st.session_state["upload_round"] = round_ + 1
            until = request.expires_text(lang)
            st.session_state["import_done"] = [t("datapage.requested", lang, until=until)]
            st.rerun()
        return
    if st.button(t("datapage.confirm_import", lang), type="primary"):
        try:
            results = prepared.commit()
        except (ImportRefused, store.StoreError) as error:
            message = error.report(lang) if isinstance(error, ImportRefused) else str(error)
            ui.error(message)
            discard_pending()
            return
        discard_pending()
        st.session_state["upload_round"] = round_ + 1
        rules = ui.settings().rules
        st.session_state["import_done"] = [r.summary(lang, rules) for r in results]
        # the data quality of what went in, shown once below the messages (to this user only)
        st.session_state["import_details"] = [
            details.after_import(name, lang) for name, details in shown_details
        ]
        st.rerun()


def holdings_section(context: DataPageContext, lang: Lang) -> None:
    ui.subheader(t("datapage.holdings", lang))
    if context.holdings is None:
        ui.info(t("datapage.nothing", lang))
        return
    ui.table(context.holdings, height=ui.table_height(context.holdings, most=240))
    ui.caption(t("datapage.yearly_rows_note", lang))
    # a store holding only invited counts has nothing to delete here (they are set below)
    if not ui.may(Action.CHANGE_DATA) or not context.deletable:
        return
    with st.expander(t("datapage.delete", lang)):
        kind = st.selectbox(
            t("datapage.kind", lang),
            list(context.deletable),
            format_func=lambda k: kind_label(k, lang),
            key="delete_kind",
        )
        values = st.multiselect(
            t("datapage.coverage", lang), list(context.deletable[kind]), key="delete_values"
        )
        sure = st.checkbox(t("datapage.delete_confirm", lang), key="delete_sure")
        user = ui.current_user()
        if needs_approval(user, ui.settings()):
            ui.caption(t("datapage.two_person_note", lang))
            label = t("datapage.delete_request_button", lang)
            if st.button(label, disabled=not (values and sure)):
                request = request_deletion(ui.db_path(), kind, values, ui.settings(), by=user)
                until = request.expires_text(lang)
                st.session_state["import_done"] = [t("datapage.requested", lang, until=until)]
                st.rerun()
            return
        if st.button(t("datapage.delete_button", lang), disabled=not (values and sure)):
            deleted = delete_coverage(ui.db_path(), kind, values, by=user)
            st.session_state["import_done"] = [
                t("datapage.deleted", lang, rows=count_text(deleted, lang, ui.settings().rules))
            ]
            st.rerun()


def approvals_section(lang: Lang) -> None:
    """The requests waiting for a second person (two-person rule): what each would do, and
    for a second data-role user the buttons to approve or reject it (its author may withdraw)."""
    waiting = pending_requests(ui.db_path())
    if not waiting and not ui.settings().two_person_rule:
        return
    ui.subheader(t("approval.section", lang))
    if not waiting:
        ui.caption(t("approval.none", lang))
        return
    user = ui.current_user()
    for request in waiting:
        with st.container(border=True):
            ui.strong(request.heading(lang))
            # the upload's own preview for those who may change data; the import log's
            # published counts for the others
            may_change = user.may(Action.CHANGE_DATA)
            ui.bullets(request.describe(lang, ui.settings().rules, preview=may_change))
            if request.action == "import" and may_change:
                ui.caption(t("approval.as_of", lang))
            if not may_change:
                continue
            own = request.requested_by == user.id
            if own:
                ui.caption(t("approval.own", lang))
            buttons = st.container(horizontal=True)
            if own:
                if buttons.button(t("approval.withdraw", lang), key=f"withdraw_{request.id}"):
                    decide(request, "withdrawn", lang)
            else:
                label = t("approval.approve", lang)
                if buttons.button(label, type="primary", key=f"approve_{request.id}"):
                    decide(request, "approved", lang)
                if buttons.button(t("approval.reject", lang), key=f"reject_{request.id}"):
                    decide(request, "rejected", lang)


def decide(request: ChangeRequest, decision: str, lang: Lang) -> None:
    rules = ui.settings().rules
    try:
        if decision == "approved":
            outcome = approve(ui.db_path(), request.id, by=ui.current_user())
            done = [t("approval.approved", lang)]
            if isinstance(outcome, list):
                done += [result.summary(lang, rules) for result in outcome]
            else:
                done.append(t("datapage.deleted", lang, rows=count_text(outcome, lang, rules)))
        else:
            reject(ui.db_path(), request.id, by=ui.current_user())
            done = [t(f"approval.{decision}", lang)]
    except RequestGone:
        ui.warning(t("approval.gone", lang))
        return
    except (ImportRefused, store.StoreError) as error:
        ui.error(error.report(lang) if isinstance(error, ImportRefused) else str(error))
        return
    st.session_state["import_done"] = done
    st.rerun()


def invited_section(context: DataPageContext, lang: Lang) -> None:
    ui.subheader(t("datapage.invited", lang))
    if context.waves is not None:
        ui.table(context.waves)
        ui.caption(t("datapage.respondents_note", lang))
    if not ui.may(Action.CHANGE_DATA):
        return
    with st.form("invited"):
        left, right = st.columns(2)
        wave = left.number_input(
            t("datapage.wave", lang),
            min_value=2000,
            max_value=2100,
            value=context.next_wave,
            step=1,
        )
        invited = right.number_input(
            t("datapage.invited_count", lang),
            min_value=1,
            value=context.invited_of.get(context.next_wave, 1),
            step=1,
        )
        if st.form_submit_button(t("datapage.save", lang)):
            try:
                result = save_invited(ui.db_path(), int(wave), int(invited), by=ui.current_user())
            except ImportRefused as refusal:
                ui.error(refusal.report(lang))
            else:
                st.session_state["import_done"] = [result.summary(lang, ui.settings().rules)]
                st.rerun()


def log_section(context: DataPageContext, lang: Lang) -> None:
    ui.subheader(t("datapage.log", lang))
    ui.table(context.log, height=ui.table_height(context.log, most=280))
    ui.caption(t("datapage.yearly_rows_note", lang))


def templates_section(lang: Lang) -> None:
    ui.subheader(t("datapage.templates", lang))
    ui.caption(t("datapage.templates_help", lang))
    for source in SOURCES:
        # the source above its buttons, which sit side by side and wrap in a narrow window (in
        # columns beside the source, at 800 px they were cut to "Vorlag…")
        ui.strong(kind_label(source.kind, lang))
        buttons = st.container(horizontal=True)
        buttons.download_button(
            t("datapage.template_csv", lang),
            templates.template_csv(source.kind, lang),
            file_name=f"vorlage_{source.kind}.csv",
            mime="text/csv",
            key=f"tcsv_{source.kind}",
        )
        buttons.download_button(
            t("datapage.template_xlsx", lang),
            templates.template_xlsx(source.kind, lang),
            file_name=f"vorlage_{source.kind}.xlsx",
            key=f"txlsx_{source.kind}",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        buttons.download_button(
            t("datapage.example_csv", lang),
            templates.example_csv(source.kind),
            file_name=f"beispiel_{source.kind}.csv",
            mime="text/csv",
            key=f"ex_{source.kind}",
        )


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.data"), lang)
    for message in st.session_state.pop("import_done", []):
        ui.success(message)
    for details in st.session_state.pop("import_details", []):
        show_details(details, lang, sample=False)
    # the Daten page is read-only for the representatives: what the store holds, the import log
    if ui.may(Action.CHANGE_DATA):
        upload_section(lang)
    approvals_section(lang)
    # after the upload section: a confirmed import reruns the page before the tables are read
    context = build_data_page(ui.db_path(), ui.planned_release_values, ui.settings().rules, lang)
    holdings_section(context, lang)
    invited_section(context, lang)
    log_section(context, lang)
    templates_section(lang)


ui.require_navigation(__file__)
ui.guarded(render, Action.VIEW_DATA)
