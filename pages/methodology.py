"""Methodik: every KPI definition, its legal source and the disclosure rules, from the registry."""

import streamlit as st

from metrics import app_support as ui
from metrics.i18n import Lang, t
from metrics.views import build_methodology


def render(lang: Lang) -> None:
    ui.page_header(ui.page_title("page.methodology"), lang)
    context = build_methodology(ui.settings(), lang)
    st.write(t("view.methodology_intro", lang))
    st.dataframe(context.kpis, hide_index=True, width="stretch")
    st.subheader(t("view.disclosure_heading", lang))
    st.markdown("\n".join(f"- {rule}" for rule in context.disclosure_rules))
    st.caption(context.breakdowns)


ui.require_navigation(__file__)
ui.guarded(render)
