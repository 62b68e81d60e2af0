"""Migrationshintergrund: survey waves, both Destatis definitions, intervals, benchmarks."""

from metrics import app_support as ui
from metrics.i18n import Lang, t
from metrics.views import build_migration


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.migration"), lang)
    context = ui.page_context(build_migration, lang)
    ui.caption(context.subtitle)
    for note in context.notes:
        ui.info(note)
    if context.waves is None:
        ui.info(t("app.no_data", lang))
        return
    ui.render_cards(context.cards, lang, per_row=3)
    # the breakdown asked for in the sidebar right below the cards, in view (it came last)
    if context.breakdown:
        ui.render_chart(context.breakdown, lang)
    ui.render_chart(context.waves, lang)
    left, right = ui.side_by_side("leaders")
    with left:
        if context.leaders:
            ui.render_chart(context.leaders, lang)
    with right:
        ui.render_table_block(context.response, lang)


ui.require_navigation(__file__)
ui.guarded(render)
