"""Frauen in Führung: share by level over time, pipeline, BGleiG under-representation."""

from metrics import app_support as ui
from metrics.i18n import Lang
from metrics.views import build_women_leadership


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.women_leadership"), lang)
    if not ui.status().has_personnel:
        ui.start_screen(lang)
        return
    context = ui.page_context(build_women_leadership, lang)
    ui.caption(context.subtitle)
    ui.render_cards(context.cards, lang, per_row=4)
    # the breakdown asked for in the sidebar right below the cards, in view (it came last)
    if context.breakdown:
        ui.render_chart(context.breakdown, lang)
    left, right = ui.side_by_side("trend")
    with left:
        ui.render_chart(context.trend, lang)
    with right:
        ui.render_chart(context.pipeline, lang)
    if context.to_target is not None:
        ui.render_table_block(context.to_target, lang)
    ui.render_table_block(context.underrepresentation, lang)


ui.require_navigation(__file__)
ui.guarded(render)
