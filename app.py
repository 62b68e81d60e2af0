"""Vielfaltsmonitor — Streamlit entry point: navigation, sidebar, language, data status."""

from __future__ import annotations

import streamlit as st

from metrics import app_support as ui
from metrics.i18n import t

st.set_page_config(page_title="Vielfaltsmonitor", page_icon=":material/monitoring:", layout="wide")

lang = ui.language()
ui.start_up()
ui.ensure_store()
ui.warm_releases()

# default url paths (from the file names): a custom url_path trips Streamlit's legacy router
PAGES = [
    st.Page(
        "pages/overview.py",
        title=t("page.overview", lang),
        icon=":material/dashboard:",
        default=True,
    ),
    st.Page(
        "pages/women_leadership.py",
        title=t("page.women_leadership", lang),
        icon=":material/groups:",
    ),
    st.Page("pages/inclusion.py", title=t("page.inclusion", lang), icon=":material/accessible:"),
    st.Page("pages/part_time.py", title=t("page.part_time", lang), icon=":material/schedule:"),
    st.Page("pages/migration.py", title=t("page.migration", lang), icon=":material/public:"),
    st.Page("pages/reports.py", title=t("report.page_title", lang), icon=":material/download:"),
    st.Page("pages/methodology.py", title=t("page.methodology", lang), icon=":material/menu_book:"),
    st.Page("pages/data.py", title=t("page.data", lang), icon=":material/database:"),
]
navigation = st.navigation(PAGES)
ui.follow_deep_link()
ui.sidebar(lang)
with ui.navigation_run():
    navigation.run()
