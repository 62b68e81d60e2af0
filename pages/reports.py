"""Berichte: the presentation, the annual report's tables and the PDF summary for the sidebar's
selection, each built only when its button is clicked."""

from collections.abc import Callable

import streamlit as st

from metrics import app_support as ui
from metrics import downloads, report
from metrics.access import Action
from metrics.i18n import Lang, t

DOWNLOADS = (
    # (suffix, label key, help key, primary)
    (".pptx", "report.download_deck", "report.download_deck_help", True),
    (".xlsx", "report.download_workbook", "report.download_workbook_help", False),
    (".pdf", "report.download_pdf", "report.download_pdf_help", False),
)


def _deferred(suffix: str, year: int, carrier: str | None, lang: Lang) -> Callable[[], bytes]:
    """Streamlit calls this on click, in a thread of its own: everything it needs is bound
    now (no session state there), and it opens its own short-lived connection."""
    build = report.FORMATS[suffix]
    settings, user = ui.settings(), ui.current_user()

    def make() -> bytes:
        with ui.connection() as con:
            return build(con, year, carrier, lang, settings, by=user)

    return make


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("report.page_title"), lang)
    if not ui.status().has_personnel:
        ui.start_screen(lang)
        return
    filters = ui.filters()
    if filters.year is None:
        ui.info(t("app.no_data", lang))
        return
    view = (
        t("app.all_carriers", lang)
        if filters.carrier is None
        else t("report.view_carrier", lang, carrier=filters.carrier)
    )
    ui.paragraph(t("report.page_intro", lang))
    ui.caption(t("report.selection", lang, year=filters.year, view=view))
    name = downloads.file_stem("vielfaltsmonitor", filters.year, filters.carrier, None, lang)
    # a broken template would fail only on click, in a thread that can show no message
    template_problem = report.template_problem(ui.settings().report_template, lang)
    for column, (suffix, label, help_key, primary) in zip(
        st.columns(len(DOWNLOADS)), DOWNLOADS, strict=True
    ):
        with column.container(border=True):
            if suffix == ".pptx" and template_problem:
                ui.error(template_problem)
                continue
            st.download_button(
                t(label, lang),
                data=_deferred(suffix, filters.year, filters.carrier, lang),
                file_name=name + suffix,
                mime=report.MIME_TYPES[suffix],
                key=f"report{suffix}",
                on_click="ignore",
                icon=":material/download:",
                type="primary" if primary else "secondary",
                width="stretch",
            )
            ui.caption(t(help_key, lang))


ui.require_navigation(__file__)
ui.guarded(render, Action.EXPORT)
