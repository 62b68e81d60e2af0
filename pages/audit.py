"""Protokoll: who imported, deleted, exported or changed what, and when (metrics.audit), for the
employee representatives; the table comes from metrics.views.build_audit_page."""

from metrics import app_support as ui
from metrics.access import Action
from metrics.i18n import Lang, t
from metrics.views import build_audit_page


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


ui.require_navigation(__file__)
ui.guarded(render, Action.VIEW_AUDIT)
