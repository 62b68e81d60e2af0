"""Protokoll: who imported, deleted, exported or changed what, and when (metrics.audit), for the
employee representatives; the table comes from metrics.views.build_audit_page."""

import streamlit as st

from metrics import app_support as ui
from metrics.access import Action
from metrics.i18n import Lang, t
from metrics.views import build_audit_page
from metrics.views.audit import check_release, release_check_text


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.audit"), lang)
    ui.paragraph(t("audit.page_intro", lang))
    context = build_audit_page(ui.db_path(), ui.settings().rules, lang)
    if context.broken_lines:
        lines = ", ".join(str(number) for number in context.broken_lines)
        ui.error(t("audit.chain_broken", lang, lines=lines))
    elif len(context.entries):
        ui.success(t("audit.chain_whole", lang, count=len(context.entries)))
    if not len(context.entries):
        ui.info(t("audit.empty", lang))
        return
    # the rows there are, up to a screen's worth (35 px a row, the header as one)
    ui.table(context.entries, height=min(480, 35 * (len(context.entries) + 1) + 3))
    if ui.may(Action.EXPORT):
        ui.csv_download(context.entries, "protokoll", lang)


def render_release_check(lang: Lang) -> None:
    ui.subheader(t("audit.release_title", lang))
    ui.paragraph(t("audit.release_intro", lang))
    year = ui.filters().year
    if year is None or not st.button(t("audit.release_button", lang, year=year)):
        return
    with st.spinner(t("audit.release_running", lang)), ui.connection() as con:
        check = check_release(con, year, ui.settings())
    whole, text = release_check_text(check, lang)
    (ui.success if whole else ui.error)(text)


def render_page(lang: Lang) -> None:
    render(lang)
    render_release_check(lang)


ui.require_navigation(__file__)
ui.guarded(render_page, Action.VIEW_AUDIT)
