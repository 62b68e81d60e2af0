"""Methodik: every KPI definition, its legal source and the disclosure rules, from the registry."""

import streamlit as st

from metrics import app_support as ui
from metrics.i18n import Lang, t
from metrics.views import build_methodology


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.methodology"), lang)
    context = build_methodology(ui.settings(), lang)
    ui.paragraph(t("view.methodology_intro", lang))
    # one entry per KPI, its definition in full (a table cut it to "Re…"); the id comes last
    for entry in context.entries:
        with st.expander(entry.label):
            ui.paragraph(entry.definition)
            ui.caption(entry.facts)
    ui.subheader(t("view.disclosure_heading", lang))
    ui.bullets(context.disclosure_rules)
    ui.caption(context.breakdowns)
    ui.subheader(t("view.glossary", lang))
    for term, explanation in context.glossary:
        ui.strong(term)
        ui.paragraph(explanation)


ui.require_navigation(__file__)
ui.guarded(render)
