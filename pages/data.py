"""Daten: upload exports with a preview and an explicit confirmation, what the store holds,
deleting a reporting date / year / wave, invited counts per survey wave, the import log, and
templates. The logic lives in metrics.ingest, metrics.store and metrics.templates."""

import shutil
import tempfile
from pathlib import Path

import streamlit as st

from metrics import app_support as ui
from metrics import store, templates
from metrics.contract import SOURCES, SOURCES_BY_KIND
from metrics.disclosure import count_text, published_import_log, yearly_holdings
from metrics.formatting import format_number
from metrics.i18n import Lang, t
from metrics.ingest import ImportRefused, check_upload_size, delete_coverage, prepare_import
from metrics.ingest import set_invited as save_invited
from metrics.safe_export import safe_frame
from metrics.views import respondents_text


def kind_label(kind: str, lang: Lang) -> str:
    source = SOURCES_BY_KIND[kind]
    return source.label_de if lang == "de" else source.label_en


def discard_pending() -> None:
    pending = st.session_state.pop("pending_import", None)
    if pending is not None:
        pending["prepared"].close()
        shutil.rmtree(pending["directory"], ignore_errors=True)


def upload_section(lang: Lang) -> None:
    st.subheader(t("datapage.upload", lang))
    st.caption(t("datapage.upload_help", lang, limit=store.UPLOAD_LIMIT_MB))
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader(
        t("datapage.files", lang),
        accept_multiple_files=True,
        type=["csv", "txt", "tsv", "xlsx", "parquet"],
        key=f"uploads_{round_}",
    )
    if not files:
        discard_pending()
        return
    signature = tuple((f.name, f.size) for f in files)
    pending = st.session_state.get("pending_import")
    if pending is None or pending["signature"] != signature:
        discard_pending()
        try:
            for file in files:
                check_upload_size(file.name, file.size, lang=lang)
        except ImportRefused as refusal:
            st.error(refusal.report(lang))
            return
        # raw ids stay where the data lives: the upload is staged beside the store
        directory = Path(tempfile.mkdtemp(prefix=".upload-", dir=ui.db_path().parent))
        paths = []
        for index, file in enumerate(files):
            path = directory / f"{index}{Path(file.name).suffix.lower()}"
            path.write_bytes(file.getbuffer())
            paths.append(path)
        with st.spinner(t("datapage.checking", lang)):
            prepared = prepare_import(paths, ui.db_path(), names=[f.name for f in files])
        pending = {"signature": signature, "prepared": prepared, "directory": directory}
        st.session_state["pending_import"] = pending
    prepared = pending["prepared"]
    for preview in prepared.previews:
        box = st.success if preview.ok else st.error
        box(preview.summary(lang, ui.settings().rules).replace("\n", "  \n"))
    if not prepared.ok:
        st.warning(t("datapage.fix_and_retry", lang))
        return
    confirmed = st.button(t("datapage.confirm_import", lang), type="primary")
    if confirmed:
        try:
            results = prepared.commit()
        except (ImportRefused, store.StoreError) as error:
            message = error.report(lang) if isinstance(error, ImportRefused) else str(error)
            st.error(message)
            discard_pending()
            return
        discard_pending()
        st.session_state["upload_round"] = round_ + 1
        rules = ui.settings().rules
        st.session_state["import_done"] = [r.summary(lang, rules) for r in results]
        st.rerun()


def holdings_section(lang: Lang) -> None:
    st.subheader(t("datapage.holdings", lang))
    summary = store.coverage_summary(ui.db_path())
    if summary.empty:
        st.info(t("datapage.nothing", lang))
        return
    shown = yearly_holdings(summary)
    table = shown.assign(
        kind=[kind_label(k, lang) for k in shown["kind"]],
        snapshots=[
            "" if n is None or n != n else format_number(n, lang) for n in shown["snapshots"]
        ],
        # rows of persons, applicants and respondents are person counts; invited rows are not
        rows=[
            format_number(r, lang)
            if k == "survey_invited"
            else respondents_text(ui.planned_release_values(int(c)), int(c), lang)
            if k == "survey"
            else count_text(r, lang, ui.settings().rules)
            for k, c, r in zip(shown["kind"], shown["coverage"], shown["rows"], strict=True)
        ],
    ).rename(
        columns={
            "kind": t("datapage.kind", lang),
            "coverage": t("datapage.coverage", lang),
            "snapshots": t("datapage.snapshots", lang),
            "rows": t("datapage.rows", lang),
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=240)
    st.caption(t("datapage.yearly_rows_note", lang))
    with st.expander(t("datapage.delete", lang)):
        kinds = [k for k in dict.fromkeys(summary["kind"]) if k != "survey_invited"]
        kind = st.selectbox(
            t("datapage.kind", lang),
            kinds,
            format_func=lambda k: kind_label(k, lang),
            key="delete_kind",
        )
        values = st.multiselect(
            t("datapage.coverage", lang),
            list(summary.loc[summary["kind"] == kind, "coverage"]),
            key="delete_values",
        )
        sure = st.checkbox(t("datapage.delete_confirm", lang), key="delete_sure")
        if st.button(t("datapage.delete_button", lang), disabled=not (values and sure)):
            deleted = delete_coverage(ui.db_path(), kind, values)
            st.session_state["import_done"] = [
                t("datapage.deleted", lang, rows=count_text(deleted, lang, ui.settings().rules))
            ]
            st.rerun()


def invited_section(lang: Lang) -> None:
    st.subheader(t("datapage.invited", lang))
    waves = store.survey_waves(ui.db_path())
    if not waves.empty:
        # the respondents as the wave's release publishes them (the response rate's numerator)
        waves = waves.assign(
            respondents=[
                respondents_text(ui.planned_release_values(int(w)), int(w), lang)
                for w in waves["wave"]
            ]
        )
        st.dataframe(
            waves.rename(
                columns={
                    "wave": t("datapage.wave", lang),
                    "respondents": t("datapage.respondents", lang),
                    "invited": t("datapage.invited_count", lang),
                }
            ),
            hide_index=True,
        )
        st.caption(t("datapage.respondents_note", lang))
    with st.form("invited"):
        left, right = st.columns(2)
        wave = left.number_input(
            t("datapage.wave", lang),
            min_value=2000,
            max_value=2100,
            value=int(waves["wave"].max()) if not waves.empty else 2025,
            step=1,
        )
        invited = right.number_input(
            t("datapage.invited_count", lang), min_value=1, value=1, step=1
        )
        if st.form_submit_button(t("datapage.save", lang)):
            try:
                result = save_invited(ui.db_path(), int(wave), int(invited))
            except ImportRefused as refusal:
                st.error(refusal.report(lang))
            else:
                st.session_state["import_done"] = [result.summary(lang, ui.settings().rules)]
                st.rerun()


def log_section(lang: Lang) -> None:
    st.subheader(t("datapage.log", lang))
    log = store.import_log(ui.db_path())
    log = published_import_log(log, lang, ui.settings().rules)
    st.dataframe(safe_frame(log), hide_index=True, width="stretch", height=280)
    st.caption(t("datapage.yearly_rows_note", lang))


def templates_section(lang: Lang) -> None:
    st.subheader(t("datapage.templates", lang))
    st.caption(t("datapage.templates_help", lang))
    for source in SOURCES:
        columns = st.columns([2, 1, 1, 1])
        columns[0].write(kind_label(source.kind, lang))
        columns[1].download_button(
            t("datapage.template_csv", lang),
            templates.template_csv(source.kind, lang),
            file_name=f"vorlage_{source.kind}.csv",
            mime="text/csv",
            key=f"tcsv_{source.kind}",
        )
        columns[2].download_button(
            t("datapage.template_xlsx", lang),
            templates.template_xlsx(source.kind, lang),
            file_name=f"vorlage_{source.kind}.xlsx",
            key=f"txlsx_{source.kind}",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        columns[3].download_button(
            t("datapage.example_csv", lang),
            templates.example_csv(source.kind),
            file_name=f"beispiel_{source.kind}.csv",
            mime="text/csv",
            key=f"ex_{source.kind}",
        )


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.data"), lang)
    for message in st.session_state.pop("import_done", []):
        st.success(message.replace("\n", "  \n"))
    upload_section(lang)
    holdings_section(lang)
    invited_section(lang)
    log_section(lang)
    templates_section(lang)


ui.require_navigation(__file__)
ui.guarded(render)
