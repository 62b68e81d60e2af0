"""Methodik: every KPI definition, its legal source and the disclosure rules, from the registry."""

from metrics import app_support as ui
from metrics.i18n import Lang, t
from metrics.views import build_methodology


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.methodology"), lang)
    context = build_methodology(ui.settings(), lang)
    ui.paragraph(t("view.methodology_intro", lang))
    ui.table(context.kpis)
    ui.subheader(t("view.disclosure_heading", lang))
    ui.bullets(context.disclosure_rules)
    ui.caption(context.breakdowns)


ui.require_navigation(__file__)
ui.guarded(render)
