"""Vielfaltsmonitor — Streamlit entry point: navigation, sidebar, language, data status."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from metrics import app_support as ui
from metrics.access import Action
from metrics.i18n import t

# a local icon: a Material icon as favicon is fetched from fonts.gstatic.com on every load
ICON = str(Path(__file__).resolve().parent / "assets" / "icon.png")
st.set_page_config(page_title="Vielfaltsmonitor", page_icon=ICON, layout="wide")

ui.restore_filters_from_url()
lang = ui.language()
refusal = ui.local_only_refusal(lang)
if refusal is not None:
    ui.refuse_to_serve(refusal)  # stops here: no login, and reachable from elsewhere
ui.start_up()
if ui.login_configured() and not st.user.is_logged_in:
    ui.login_screen(lang)  # stops here
user = ui.current_user()
ui.ensure_store()
ui.warm_releases()

# default url paths (from the file names): a custom url_path trips Streamlit's legacy router;
# each page with what a user must be allowed to do to see it
PAGES: list[tuple[str, str, str, Action]] = [
    ("pages/overview.py", t("page.overview", lang), ":material/dashboard:", Action.VIEW_KPIS),
    (
        "pages/women_leadership.py",
        t("page.women_leadership", lang),
        ":material/groups:",
        Action.VIEW_KPIS,
    ),
    ("pages/inclusion.py", t("page.inclusion", lang), ":material/accessible:", Action.VIEW_KPIS),
    ("pages/part_time.py", t("page.part_time", lang), ":material/schedule:", Action.VIEW_KPIS),
    ("pages/migration.py", t("page.migration", lang), ":material/public:", Action.VIEW_KPIS),
    ("pages/reports.py", t("report.page_title", lang), ":material/download:", Action.EXPORT),
    ("pages/methodology.py", t("page.methodology", lang), ":material/menu_book:", Action.VIEW_KPIS),
    ("pages/data.py", t("page.data", lang), ":material/database:", Action.VIEW_DATA),
    ("pages/audit.py", t("page.audit", lang), ":material/policy:", Action.VIEW_AUDIT),
]
if not any(user.may(action) for *_, action in PAGES):
    ui.no_role_screen(user, lang)  # stops here
# a page the user may not see is hidden, not left out: a deep link to it then says so (and the
# page's own check refuses it) instead of silently showing the overview
navigation = st.navigation(
    [
        st.Page(
            path,
            title=title,
            icon=icon,
            default=index == 0,
            visibility="visible" if user.may(action) else "hidden",
        )
        for index, (path, title, icon, action) in enumerate(PAGES)
    ]
)
ui.follow_deep_link()
ui.record_page_view(navigation.title)
st.session_state["_page"] = navigation.url_path or "overview"  # the default page's path is ""
ui.sidebar(lang)
ui.keep_filters_in_url(lang)
with ui.navigation_run():
    navigation.run()
ui.close_sidebar_on_narrow_screens()
