"""Inklusion: legal SB quota per carrier and combined with the year's sums and levy, applicants."""

from metrics import app_support as ui
from metrics.i18n import Lang
from metrics.views import build_inclusion


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.inclusion"), lang)
    if not ui.status().has_personnel:
        ui.start_screen(lang)
        return
    context = ui.page_context(build_inclusion, lang)
    ui.caption(context.subtitle)
    ui.render_cards(context.cards, lang, per_row=3)
    # the breakdown asked for in the sidebar right below the cards, in view (it came last)
    if context.breakdown:
        ui.render_chart(context.breakdown, lang)
    left, right = ui.side_by_side("quota")
    with left:
        ui.render_chart(context.quota, lang)
    with right:
        ui.render_chart(context.trend, lang)
    ui.render_table_block(context.notices, lang)
    ui.render_chart(context.applicants, lang)


ui.require_navigation(__file__)
ui.guarded(render)
