"""Überblick: one card per headline KPI with value, target, change and a small trend."""

from metrics import app_support as ui
from metrics.i18n import Lang
from metrics.views import build_overview


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.overview"), lang)
    if not ui.status().has_personnel:
        ui.start_screen(lang)
        return
    context = ui.page_context(build_overview, lang)
    ui.subheader(context.title)
    ui.caption(context.subtitle)
    ui.render_cards(context.cards, lang, per_row=3)
    ui.render_table_block(context.carriers, lang)


ui.require_navigation(__file__)
ui.guarded(render)
