"""Daten: what the store holds and the import log."""

import streamlit as st

from metrics import app_support as ui
from metrics import store


def render(lang: str) -> None:
    ui.page_header(ui.page_title("page.data"), lang)
    st.dataframe(store.import_log(ui.db_path()), hide_index=True, width="stretch")


ui.guarded(render)
