"""Teilzeit & flexibles Arbeiten: part-time by gender and level, mobile work, parental leave."""

from metrics import app_support as ui
from metrics.i18n import Lang
from metrics.views import build_part_time


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.part_time"), lang)
    if not ui.status().has_personnel:
        ui.start_screen(lang)
        return
    context = ui.page_context(build_part_time, lang)
    ui.caption(context.subtitle)
    ui.render_cards(context.cards, lang, per_row=3)
    # the breakdown asked for in the sidebar right below the cards, in view (it came last)
    if context.breakdown:
        ui.render_chart(context.breakdown, lang)
    left, right = ui.side_by_side("gender")
    with left:
        ui.render_chart(context.by_gender, lang)
    with right:
        ui.render_chart(context.by_level, lang)
    left, right = ui.side_by_side("mobile")
    with left:
        ui.render_chart(context.mobile, lang)
    with right:
        ui.render_chart(context.parental_leave, lang)


ui.require_navigation(__file__)
ui.guarded(render)
