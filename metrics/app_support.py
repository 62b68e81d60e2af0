"""The one module of metrics/ that knows Streamlit: store access, caching, sidebar, rendering.

Connections are short-lived read-only DuckDB connections (cheap to open). A long-lived cached
connection would pin the old file after an import renamed a new one over it: DuckDB hands out
the already-open instance for a path until every connection to it is closed. What pages show is
cached (`st.cache_data`, `st.cache_resource`) keyed by the store's stamp (inode, mtime, size),
so an import is seen by every open tab on its next rerun without a restart. Cached values are
published contexts only (they are shared by all sessions, so they must be disclosure-safe for
everyone)."""

from __future__ import annotations

import base64
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from html import escape
from pathlib import Path
from typing import Literal, TypeVar
from urllib.parse import urlencode

import duckdb
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from metrics import access, audit, downloads, ingest, safe_export, store
from metrics.access import Action, User
from metrics.contract import CARRIERS
from metrics.disclosure import plans
from metrics.formatting import MINUS, format_date
from metrics.i18n import LANGUAGES, Lang, t
from metrics.ingest import StagedUpload
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.safe_text import markdown_literal, markdown_text
from metrics.settings import Settings, load_settings
from metrics.views import (
    CardTarget,
    ChartBlock,
    Filters,
    KpiCard,
    KpiHistory,
    StatusContext,
    TableBlock,
    build_status,
    page_breakdowns,
)

R = TypeVar("R")
ALL, NONE = "all", "none"  # sidebar choices meaning "no carrier filter" / "no breakdown"
log = logging.getLogger("vielfaltsmonitor")


_navigation = threading.local()


@contextmanager
def navigation_run() -> Iterator[None]:
    """app.py runs the selected page inside this: pages can tell they were reached through the
    app's navigation and not through Streamlit's legacy router."""
    _navigation.active = True
    try:
        yield
    finally:
        _navigation.active = False


def require_navigation(page_file: str) -> None:
    """On a fresh server's first request, Streamlit's legacy router (a folder named pages/
    exists) runs a deep-linked page directly, without app.py: no sidebar, no filters, the wrong
    navigation. Send the browser through app.py and let it open the page asked for."""
    if getattr(_navigation, "active", False):
        return
    restore_filters_from_url()  # switching to app.py drops the link's query
    st.session_state["deep_link"] = page_file
    st.switch_page("app.py")


def follow_deep_link() -> None:
    """Called by app.py after st.navigation: opens the page a legacy-routed request asked for."""
    target = st.session_state.pop("deep_link", None)
    if target:
        st.switch_page(target)


def db_path() -> Path:
    return store.resolve_db_path(None).resolve()


@st.cache_resource(show_spinner=False)
def _build_demo_store(path: str) -> bool:
    # cache_resource: one build per process even when several sessions start at once
    from metrics.demo import build_demo_store

    if not Path(path).exists():
        build_demo_store(Path(path))
    return True


@st.cache_resource(show_spinner=False)
def _start_up(path: str, current: Settings) -> bool:
    # once per server process: whatever it writes is the owner's alone (DuckDB's WAL and spill
    # files too); uploads a killed process left (raw ids) go; old entries leave the logs; a
    # changed settings file is entered in the audit log
    os.umask(0o077)
    db = Path(path)
    store.private_directory(db.parent)
    ingest.remove_leftovers(db)
    store.prune_refusals(db, current.log_retention_days)
    audit.prune(db, current.audit_retention_days)
    audit.record_settings(
        db, current.path, k_ordinary=current.k_ordinary, k_sensitive=current.k_sensitive
    )
    return True


# --- who is asking --------------------------------------------------------------------------


def login_configured() -> bool:
    """An [auth] section in Streamlit's secrets (see the README, "Login") turns the login on."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def local_only_refusal(lang: Lang) -> str | None:
    """Without a login the app serves one person on this machine; started on another address,
    or reached through a reverse proxy, it refuses to run (anyone who reaches it could read and
    change everything). Returns the refusal to show, or None."""
    if login_configured():
        return None
    address = str(st.get_option("server.address") or "")
    if address not in access.LOOPBACK_HOSTS:
        log.error("no login configured, but serving on %s: refusing to show any data", address)
        return t("app.local_only_refused", lang, address=address or "0.0.0.0")
    forwarded = access.reached_from_elsewhere(st.context.headers)
    if forwarded is not None:
        log.error("no login configured, but reached through a proxy (%s): refusing", forwarded)
        return t("app.proxy_refused", lang, header=forwarded)
    return None


def current_user() -> User:
    """The user this session acts for: LOCAL_USER without a login, else from the login's
    claims (its first page of a session is entered in the audit log as the login)."""
    if not login_configured():
        return access.LOCAL_USER
    if not st.user.is_logged_in:
        raise access.AccessDenied(access.User("anonymous", "", frozenset()), Action.VIEW_KPIS)
    user = access.user_from_claims(st.user.to_dict(), settings().role_mapping)
    if st.session_state.get("_logged_in_as") != user.id:
        st.session_state["_logged_in_as"] = user.id
        audit.record(db_path(), user, "login")
    return user


def may(action: Action) -> bool:
    return current_user().may(action)


def record_page_view(page: str) -> None:
    """Only if `[audit] page_views` asks for it: logging every page opened monitors the users."""
    if settings().audit_page_views:
        audit.record(db_path(), current_user(), "page_view", page=page)


def _alone(title: str, render: Callable[[], None]) -> None:
    """A screen shown instead of the app (refusal, login, no role): the one page of a hidden
    navigation, since without st.navigation Streamlit lists the files in pages/ itself. Every
    address (a deep link too) shows it; nothing after it runs."""

    def screen() -> None:
        st.title("Vielfaltsmonitor")
        render()

    st.navigation([st.Page(screen, title=title, url_path="start")], position="hidden").run()
    st.stop()


def refuse_to_serve(refusal: str) -> None:
    _alone("Vielfaltsmonitor", lambda: error(refusal))


def login_screen(lang: Lang) -> None:
    def render() -> None:
        paragraph(t("app.login_text", lang))
        if st.button(t("app.login_button", lang), type="primary", icon=":material/login:"):
            st.login()

    _alone(t("app.login_button", lang), render)


def no_role_screen(user: User, lang: Lang) -> None:
    def render() -> None:
        warning(t("app.no_role", lang, name=user.name))
        if login_configured() and st.button(t("app.logout", lang), icon=":material/logout:"):
            st.logout()

    _alone("Vielfaltsmonitor", render)


# Previews waiting for "Jetzt importieren", by session. A tab closed before that leaves its
# preview's staging folder (hashed ids, DuckDB spill files) beside the store: Streamlit frees a
# closed session's state only when later sessions come (a TTL cache), and has no hook for a
# session's end. A sweeper thread discards the previews of sessions gone.
_pending_uploads: dict[str, StagedUpload] = {}
_pending_lock = threading.Lock()
PENDING_SWEEP_SECONDS = 15.0


def keep_pending_upload(pending: StagedUpload) -> None:
    """Registers this session's preview, discarded by the sweeper once the session is gone."""
    context = get_script_run_ctx()
    if context is None:
        return
    with _pending_lock:
        _pending_uploads[context.session_id] = pending
    _pending_upload_sweeper()


def sweep_pending_uploads(seen_gone: set[str]) -> set[str]:
    """Discards the previews of sessions found gone in this sweep and in the one before (a tab
    that reconnects in between keeps its preview); returns the sessions gone now."""
    if not Runtime.exists():
        return set()
    runtime = Runtime.instance()
    with _pending_lock:
        gone = {sid for sid in _pending_uploads if not runtime.is_active_session(sid)}
        ended = [_pending_uploads.pop(sid) for sid in gone & seen_gone]
    for pending in ended:
        pending.discard()
    return gone - seen_gone


@st.cache_resource(show_spinner=False)
def _pending_upload_sweeper() -> threading.Thread:
    def sweep_forever() -> None:
        seen_gone: set[str] = set()
        while True:
            time.sleep(PENDING_SWEEP_SECONDS)
            try:
                seen_gone = sweep_pending_uploads(seen_gone)
            except Exception:  # the sweeper must outlive a failed sweep
                log.exception("sweeping pending uploads failed")

    thread = threading.Thread(target=sweep_forever, name="pending-upload-sweeper", daemon=True)
    thread.start()
    return thread


def start_up() -> None:
    """The server's housekeeping before the first page."""
    _start_up(str(db_path()), settings())


def ensure_store() -> Path:
    """The store path; on a fresh checkout the demo store is built first (CONTRACT § 5)."""
    path = db_path()
    if not path.exists():
        with st.spinner(t("app.building_demo", language())):
            _build_demo_store(str(path))
    return path


_warmed: set[tuple[str, tuple[int, int, int] | None]] = set()
_warm_lock = threading.Lock()


def warm_releases() -> None:
    """Plans every year of the store's current state in a background thread, newest year first,
    once per state (after the start and after every import): pages then find the planned
    release ready instead of waiting seconds per year for the planner."""
    current = stamp()
    if current[1] is None:
        return
    with _warm_lock:
        if current in _warmed:
            return
        _warmed.add(current)
    threading.Thread(
        target=_plan_years, args=(current, settings()), name="release-planner", daemon=True
    ).start()


def _plan_years(current: tuple[str, tuple[int, int, int] | None], rules: Settings) -> None:
    try:
        kpis.plan_store(Path(current[0]), rules)  # the years without a stored plan, a core each
        with connection() as con:
            years = kpis.available_years(con)
        for year in sorted(years, reverse=True):  # into this process's cache
            if stamp() != current:
                return  # the store changed: its new state has a warmer of its own
            with connection() as con:
                kpis.build_release(con, year, rules)
    except Exception:  # a page that needs the year plans it itself and shows what failed
        log.exception("planning the releases in the background failed")


def load_demo() -> None:
    """The start screen's button: build the demo store where no real data is."""
    from metrics.demo import build_demo_store

    build_demo_store(db_path())
    st.cache_data.clear()


# Memory the app's queries may use before DuckDB spills or refuses; the machine is shared.
APP_MEMORY_LIMIT = "2GB"


@contextmanager
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A private read-only view of the store file as it is now, locked down once set up.

    open_current attaches the file to a fresh in-memory database, so a store that an import has
    just replaced is never read through an instance still open in another session's thread.
    After that no query may touch any other file (read_csv, COPY … TO, ATTACH), change these
    settings or use more memory than the limit.
    """
    with store.open_current(db_path()) as con:
        con.execute(f"SET memory_limit = '{APP_MEMORY_LIMIT}'")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        yield con


def stamp() -> tuple[str, tuple[int, int, int] | None]:
    """The cache key of the store's current state: its path and file identity."""
    path = db_path()
    return str(path), store.store_stamp(path)


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


# The store state is the first argument of every cached function: an import changes it, so every
# open tab computes afresh. cache_resource, not cache_data: the published year is shared as it
# is (never changed by pages: published data only), not pickled for every session.
@st.cache_resource(show_spinner=False, max_entries=64)
def _published_year(
    state: tuple[str, tuple[int, int, int] | None], year: int
) -> kpis.PublishedYear:
    with connection() as con:
        return kpis.published_year(con, year, settings())


def planned_release_values(year: int) -> Mapping[str, KpiValue] | None:
    """The planned release of a year, all-carrier view (cached per store state); None while its
    plan is not made yet (for tables that must not wait for the planner)."""
    if not plans.is_planned(db_path(), year, settings()):
        return None
    return _published_year(stamp(), year).values(None)


def _history(state: tuple[str, tuple[int, int, int] | None]) -> KpiHistory:
    return KpiHistory(_status(state).years, settings(), lambda year: _published_year(state, year))


# cache_resource, not cache_data: a context holds Plotly figures, and unpickling them on every
# rerun cost ~55 ms of a ~90 ms overview rerun (bench/bench_app.py). Contexts are frozen and
# never changed by pages; like cache_data, the cache is shared by all sessions (published data).
# 256 entries: a demo-store context takes ~780 KB (tracemalloc over 60 random ones), so ~200 MB
# per process; all 2,100 combinations (5 pages x 10 years x 3 carriers x 7 breakdowns x 2
# languages) would take 1.6 GB. A context not cached is rebuilt from the cached year (~0.1-1 s).
@st.cache_resource(show_spinner=False, max_entries=256)
def _page_context(
    state: tuple[str, tuple[int, int, int] | None], builder_name: str, filters: Filters, lang: Lang
) -> object:
    return _BUILDERS[builder_name](_history(state).showing(filters.years), filters, lang)


_BUILDERS: dict[str, Callable[..., object]] = {}


def page_context(builder: Callable[..., R], lang: Lang) -> R:
    """builder(history, filters, lang): a published page context, cached per store state,
    filters and language (cached values are shared by all sessions: published data only)."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    _BUILDERS[name] = builder
    # the spinner shows only if this takes over half a second: a year not yet planned
    with st.spinner(t("app.planning", lang), show_time=True):
        return _page_context(stamp(), name, filters(), lang)  # type: ignore[return-value]


@st.cache_data(show_spinner=False, max_entries=8)
def _status(state: tuple[str, tuple[int, int, int] | None]) -> StatusContext:
    with connection() as con:
        return build_status(con)


def status() -> StatusContext:
    return _status(stamp())


def language() -> Lang:
    lang = st.session_state.get("lang")
    return lang if lang in LANGUAGES else "de"


def page_title(key: str) -> str:
    return t(key, language())


def sidebar(lang: Lang) -> None:
    """Language, filters shared by all pages, data status."""
    st.sidebar.radio(
        t("app.language", lang),
        options=list(LANGUAGES),
        horizontal=True,
        key="lang",
        format_func=lambda code: {"de": "Deutsch", "en": "English"}[code],
    )
    current = status()
    if current.years:
        st.sidebar.subheader(t("app.filters", lang))
        if st.session_state.get("year") not in current.years:
            st.session_state["year"] = current.years[-1]
        st.sidebar.selectbox(t("app.year", lang), options=list(reversed(current.years)), key="year")
        if len(current.years) > 2:
            # the years the trends show (a range: `value` is a pair); the choice is kept in
            # session "years" (also from a link), clipped to the store's years
            shown = _shown_years(current.years) or (current.years[0], current.years[-1])
            st.sidebar.select_slider(
                t("app.trend_years", lang),
                options=list(current.years),
                value=shown,
                key=f"trend_years.{shown[0]}-{shown[1]}",
                on_change=_keep_shown_years,
                args=(f"trend_years.{shown[0]}-{shown[1]}",),
            )
        _choice(
            "carrier",
            t("app.carrier", lang),
            [ALL, *CARRIERS],
            lambda c: t("app.all_carriers", lang) if c == ALL else c,
            lang,
        )
        # only what changes this page; the choice is kept for the pages that offer it
        offered = page_breakdowns(current_page(), filters().carrier)
        if offered:
            _choice(
                "breakdown",
                t("app.breakdown", lang),
                [NONE, *offered],
                lambda d: (
                    t("app.no_breakdown", lang) if d == NONE else kpis.dimension_label(d, lang)
                ),
                lang,
                page=current_page(),
            )
    st.sidebar.caption(
        t("app.status", lang, date=format_date(current.as_of, lang))
        if current.as_of
        else t("app.status_empty", lang)
    )
    if login_configured():
        user = current_user()
        st.sidebar.caption(markdown_literal(t("app.signed_in_as", lang, name=user.name)))
        if st.sidebar.button(t("app.logout", lang), icon=":material/logout:", type="tertiary"):
            st.logout()


def _choice(
    name: str,
    label: str,
    options: list[str],
    format_func: Callable[[str], str],
    lang: Lang,
    *,
    page: str | None = None,
) -> None:
    """A sidebar filter whose choice is kept in `st.session_state[name]` across languages.

    Each language has a widget of its own: Streamlit keeps showing an option by the text it was
    chosen with, so after a switch to English the carrier still read "Alle Träger". A None
    option would show as an empty selection: "all"/"none" stand for no filter. With `page`,
    the options are that page's: a choice another page offers and this one does not shows as
    the first option here and is kept for the other page."""
    chosen = st.session_state.get(name)
    if chosen not in options:
        chosen = options[0]
        if page is None:
            st.session_state[name] = chosen
    widget = f"{name}.{page}.{lang}" if page else f"{name}.{lang}"
    if st.session_state.get(widget) != chosen:
        st.session_state[widget] = chosen

    def keep() -> None:
        st.session_state[name] = st.session_state[widget]

    st.sidebar.selectbox(
        label, options=options, key=widget, format_func=format_func, on_change=keep
    )


# the filters a link carries: ?year=2019&carrier=Kommune&breakdown=org_unit&lang=en
_BREAKDOWNS = frozenset(d for kpi in kpis.REGISTRY for d in kpi.breakdowns)


def restore_filters_from_url() -> None:
    """Once per session, before any widget: the view a shared or bookmarked link shows. Only
    known values are taken (a year the store lacks falls back to the latest, as a stale
    bookmark should); everything else in the URL is ignored."""
    if st.session_state.get("_url_read"):
        return
    st.session_state["_url_read"] = True
    params = st.query_params
    if params.get("lang") in LANGUAGES:
        st.session_state["lang"] = params["lang"]
    year = params.get("year", "")
    if year.isdigit() and len(year) == 4:
        st.session_state["year"] = int(year)
    if params.get("carrier") in CARRIERS:
        st.session_state["carrier"] = params["carrier"]
    if params.get("breakdown") in _BREAKDOWNS:
        st.session_state["breakdown"] = params["breakdown"]
    span = re.fullmatch(r"(\d{4})-(\d{4})", params.get("years", ""))
    if span:
        st.session_state["years"] = (int(span[1]), int(span[2]))


def _filter_params(lang: Lang) -> dict[str, str]:
    chosen = filters()
    wanted = {
        "year": None if chosen.year is None else str(chosen.year),
        "carrier": chosen.carrier,
        "breakdown": chosen.breakdown,
        "years": None if chosen.years is None else "{}-{}".format(*chosen.years),
        "lang": None if lang == "de" else lang,
    }
    return {key: value for key, value in wanted.items() if value is not None}


def keep_filters_in_url(lang: Lang) -> None:
    """After the sidebar: the URL names the view as this page shows it, so a copied link or a
    bookmark opens the same year, carrier, breakdown and language."""
    wanted = _filter_params(lang)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def filters_query(lang: Lang) -> str:
    """ "?year=2025&carrier=BA" for a link to another page in this view (no breakdown: it is
    this page's)."""
    params = {k: v for k, v in _filter_params(lang).items() if k != "breakdown"}
    return "?" + urlencode(params) if params else ""


# Streamlit hides the sidebar by itself only up to 768 px: on a tablet or a half-screen window it
# took a third of the width. Once per page load, below this width, it starts closed (the
# chevron opens it); sessionStorage is not used, so a reload behaves as the first load.
NARROW_SCREEN_PX = 1024
_CLOSE_SIDEBAR_JS = f"""<script>
(() => {{
  if (window.innerWidth > {NARROW_SCREEN_PX}) return;
  let tries = 0;
  const close = () => {{
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    // wait for the sidebar to be drawn open, then act once; one drawn closed is left alone:
    // a click of its chevron after that is the user's and stays
    if (sidebar && sidebar.dataset.collapsed === "true") return;
    if (sidebar && button) button.click();
    else if (tries++ < 40) setTimeout(close, 50);
  }};
  close();
}})();
</script>"""


def close_sidebar_on_narrow_screens() -> None:
    """On the first run of a session (a page load): below NARROW_SCREEN_PX the sidebar closes."""
    if st.session_state.get("_sidebar_sized"):
        return
    st.session_state["_sidebar_sized"] = True
    st.html(_CLOSE_SIDEBAR_JS, unsafe_allow_javascript=True, width="content")


def _shown_years(years: Sequence[int]) -> tuple[int, int] | None:
    """The trend years chosen (session "years"), within the store's; None: all of them."""
    chosen = st.session_state.get("years")
    if not (isinstance(chosen, tuple) and len(chosen) == 2) or not years:
        return None
    first, last = max(chosen[0], years[0]), min(chosen[1], years[-1])
    if first > last or (first, last) == (years[0], years[-1]):
        return None
    return first, last


def _keep_shown_years(widget: str) -> None:
    first, last = st.session_state[widget]
    st.session_state["years"] = (int(first), int(last))


def current_page() -> str:
    """The url path of the page this run shows (app.py notes it; "" before it does)."""
    return str(st.session_state.get("_page", ""))


def filters() -> Filters:
    """The sidebar's filters as the current page reads them: a breakdown the page does not
    offer is none (so its contexts are not cached once per breakdown either)."""
    current = status()
    year = st.session_state.get("year")
    if year not in current.years:
        year = current.years[-1] if current.years else None
    carrier = st.session_state.get("carrier")
    carrier = carrier if carrier in CARRIERS else None
    breakdown = st.session_state.get("breakdown")
    offered = page_breakdowns(current_page(), carrier)
    return Filters(
        year=year,
        carrier=carrier,
        breakdown=breakdown if breakdown in offered else None,
        years=_shown_years(current.years),
    )


# Everything a page shows as text goes through the functions below: reports and summaries
# quote file names, headers and cell values, subtitles name org units, tables hold them, and
# Streamlit renders text as Markdown. All of it shows as written (metrics.safe_text), every
# table as its download would be (metrics.safe_export).


def error(text: str) -> None:
    st.error(markdown_text(text))


def warning(text: str) -> None:
    st.warning(markdown_text(text))


def success(text: str) -> None:
    st.success(markdown_text(text))


def info(text: str) -> None:
    st.info(markdown_text(text))


def caption(text: str) -> None:
    st.caption(markdown_text(text))


def paragraph(text: str) -> None:
    st.markdown(markdown_text(text))


def subheader(text: str) -> None:
    st.subheader(markdown_literal(text))


def strong(text: str) -> None:
    st.markdown(f"**{markdown_literal(text)}**")


def bullets(items: Sequence[str]) -> None:
    st.markdown("\n".join(f"- {markdown_literal(item)}" for item in items))


ColumnWidth = Literal["small", "medium", "large"] | int


def table(
    frame: pd.DataFrame,
    *,
    height: int | Literal["auto"] = "auto",
    widths: Mapping[str, ColumnWidth] | None = None,
) -> None:
    """A table as its CSV download has it: text a spreadsheet would run as a formula is
    neutralised here too (Streamlit's own table toolbar offers a CSV download of it). `widths`:
    column -> width (pixels or small / medium / large), else the grid sizes each column."""
    st.dataframe(
        safe_export.safe_frame(frame),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=(
            {name: st.column_config.Column(width=width) for name, width in widths.items()}
            if widths
            else None
        ),
    )


def table_height(frame: pd.DataFrame, *, most: int = 740) -> int:
    """A table's height that shows all its rows (35 px each and the header), at most `most`."""
    return min(most, 35 * (len(frame) + 1) + 3)


def expander(label: str, *, expanded: bool = False) -> DeltaGenerator:
    """An expander whose label (it may name a file) shows as written, never as Markdown."""
    return st.expander(markdown_literal(label), expanded=expanded)


def upload_limit_mb() -> int:
    """The upload size limit a browser upload really has: Streamlit refuses a file over
    `server.maxUploadSize` before it arrives, the importer one over `store.UPLOAD_LIMIT_MB`
    (a test keeps both at 50)."""
    return min(store.UPLOAD_LIMIT_MB, int(st.get_option("server.maxUploadSize")))


# The file uploader's own texts are English and Streamlit 1.67 has no parameter for them
# (streamlit/streamlit#13500): its button reads "Upload", the line beside it "50MB per file • CSV,
# …" and, while files are dragged over it, "Drag and drop files here". The style below hides
# each of them and shows the page's words instead (CSS generated content, so nothing is added to
# the page's markup). Each selector starts at a test id of Streamlit's bundle, which
# tests/test_app.py checks against the installed version.
UPLOADER_DROPZONE = "[data-testid='stFileUploaderDropzone']"
UPLOADER_INSTRUCTIONS = "[data-testid='stFileUploaderDropzoneInstructions']"


def _css_string(text: str) -> str:
    """A CSS string literal of `text` (backslash, quote, angle bracket and line ends escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    return '"' + escaped.replace("\n", "\\A ") + '"'


def uploader_css(lang: Lang, limit_mb: int, types: Sequence[str]) -> str:
    button = _css_string(t("datapage.uploader_button", lang))
    instructions = _css_string(
        t(
            "datapage.uploader_instructions",
            lang,
            limit=limit_mb,
            types=", ".join(kind.upper() for kind in types),
        )
    )
    drop = _css_string(t("datapage.uploader_drop", lang))
    label = f"{UPLOADER_DROPZONE} > span > button [data-testid='stMarkdownContainer']"
    # the drag overlay: the dropzone's only child div that holds no test id (the chips of
    # uploaded files and the instructions have one)
    overlay = f"{UPLOADER_DROPZONE} > div:not([data-testid]):not(:has([data-testid])) > span"
    hidden = "font-size:0 !important"
    shown = "font-size:0.875rem;white-space:normal"
    return (
        "<style>"
        f"{label} p{{display:none}}"
        f"{label}::after{{content:{button}}}"
        f"{UPLOADER_INSTRUCTIONS} span{{{hidden};white-space:normal}}"
        f"{UPLOADER_INSTRUCTIONS} span::after{{content:{instructions};{shown}}}"
        f"{overlay}{{{hidden}}}"
        f"{overlay}::after{{content:{drop};{shown}}}"
        "</style>"
    )


def file_uploader_texts(lang: Lang, types: Sequence[str]) -> None:
    """The file uploader's texts in the page's language (see uploader_css); before the widget."""
    st.html(uploader_css(lang, upload_limit_mb(), types))


# Browser print (Ctrl+P) printed the sidebar and the buttons and cut tables and charts on the
# right: A4 landscape, the page's content alone at the paper's width, no block split in two
_PRINT_CSS = (
    "<style>@media print{@page{size:A4 landscape;margin:12mm}"
    "[data-testid='stSidebar'],[data-testid='stHeader'],[data-testid='stToolbar'],"
    "[data-testid='stExpander'],[data-testid='stDownloadButton'],[data-testid='stButton'],"
    "[data-testid='stSidebarCollapsedControl'],[data-testid='stElementToolbar']"
    "{display:none !important}"
    "[data-testid='stMain']{margin-left:0 !important}"
    # a table's frame reaches 8 px past its column: a right padding keeps it on the paper
    "[data-testid='stMainBlockContainer']{max-width:none !important;width:100% !important;"
    "padding:0 12px 0 0 !important}"
    "[data-testid='stPlotlyChart'],[data-testid='stDataFrame'],.kpi-card,"
    "[data-testid='stHorizontalBlock']{break-inside:avoid}"
    # the paper has room for two charts side by side: they stay a pair
    "div[class*='st-key-side-by-side'] [data-testid='stHorizontalBlock']"
    "{display:flex !important;flex-wrap:nowrap !important}"
    "div[class*='st-key-side-by-side'] [data-testid='stColumn']"
    "{flex:1 1 0 !important;min-width:0 !important;width:auto !important}}</style>"
)


def page_header(title: str, lang: Lang) -> StatusContext:
    """Title and demo banner: the shared top of every page (and its print layout)."""
    current = status()
    st.html(_PRINT_CSS)
    st.title(markdown_literal(title))
    if not login_configured():
        st.caption(t("app.local_only_banner", lang))
    if current.demo:
        st.warning(t("app.demo_banner", lang), icon=":material/science:")
    return current


def start_screen(lang: Lang) -> None:
    """Shown instead of a topic page while the store holds no personnel data."""
    subheader(t("app.start_title", lang))
    paragraph(t("app.start_text", lang))
    left, right = st.columns(2)
    if left.button(t("app.start_demo", lang), type="primary"):
        load_demo()
        st.rerun()
    right.page_link(
        "pages/data.py", label=t("app.start_import", lang), icon=":material/upload_file:"
    )


# Two charts side by side need about 450 px each to keep their titles, legends and year labels
# apart; the sidebar takes about 300 px, so below a 1,200 px window they go one under the other.
_SIDE_BY_SIDE_CSS = (
    # on screen only: A4 landscape has room for both (printed, they went one under the other)
    "<style>@media screen and (max-width: 1200px){"
    "div[class*='st-key-side-by-side'] [data-testid='stHorizontalBlock']{flex-wrap:wrap}"
    "div[class*='st-key-side-by-side'] [data-testid='stColumn']"
    "{flex:1 1 100% !important;width:100% !important;min-width:100% !important}}</style>"
)


def side_by_side(name: str) -> tuple[DeltaGenerator, DeltaGenerator]:
    """Two columns for two charts (or a chart and its table), one under the other in a narrow
    window; `name` tells the pairs of a page apart."""
    with st.container(key=f"side-by-side-{name}"):
        st.html(_SIDE_BY_SIDE_CSS)
        left, right = st.columns(2)
    return left, right


def render_cards(cards: Sequence[KpiCard], lang: Lang, *, per_row: int) -> None:
    """KPI cards: value, change against the previous year, target and status, small trend.

    The whole grid is one HTML block: every Streamlit element costs the browser React work on
    every rerun (bench/bench_app.py), and a metric, an HTML block and a column per card were
    three of them."""
    if cards:
        linked = any(card.page is not None for card in cards)
        query = filters_query(lang) if linked else ""
        st.html(cards_html(cards, lang, per_row=per_row, link_query=query))


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


# Streamlit's own icons of a metric (help: a circled question mark; delta: Material arrows)
_HELP_ICON = _svg_uri(
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24" '
    'fill="none" stroke="#2F2D2B" stroke-opacity="0.6" stroke-width="2" stroke-linecap="round" '
    'stroke-linejoin="round"><circle cx="12" cy="12" r="10"/>'
    '<path d="M9.09 9a3 3 0 0 1 5.83 1c0 2-3 3-3 3"/><line x1="12" y1="17" x2="12.01" y2="17"/>'
    "</svg>"
)
_ARROWS = {
    direction: _svg_uri(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="#686255">'
        f'<path d="{path}"/></svg>'
    )
    for direction, path in (
        ("up", "M4 12l1.41 1.41L11 7.83V20h2V7.83l5.58 5.59L20 12l-8-8-8 8z"),
        ("down", "M20 12l-1.41-1.41L13 16.17V4h-2v12.17l-5.58-5.59L4 12l8 8 8-8z"),
    )
}
# Streamlit's bordered column and metric in the light theme (sizes and colours read off the
# rendered page): label 14px, value 36px, the delta a grey pill (delta_color="off")
_CARDS_CSS = (
    "<style>"
    ".kpi-grid{display:grid;gap:1rem}"
    ".kpi-card{position:relative;min-width:0;border:1px solid rgba(47,45,43,0.2);"
    "border-radius:0.5rem;padding:calc(1rem - 1px)}"
    # a title wraps (at 800 px "Frauenanteil an Führungsk…" was cut), to three lines at most;
    # two lines are kept for every card, so the values of a row mostly stay level
    ".kpi-label{display:flex;align-items:flex-start;gap:0.25rem;min-height:2.8rem;"
    "font-size:0.875rem;line-height:1.4}"
    ".kpi-title{min-width:0;overflow:hidden;display:-webkit-box;-webkit-line-clamp:3;"
    "-webkit-box-orient:vertical;overflow-wrap:anywhere;hyphens:auto}"
    # above the card's link (.kpi-link), so its tooltip still shows
    ".kpi-help{flex:none;width:16px;height:16px;margin-left:0.25rem;position:relative;z-index:1;"
    f'background:url("{_HELP_ICON}") center/16px no-repeat}}'
    ".kpi-value{font-size:2.25rem;line-height:normal;padding-bottom:0.25rem;overflow:hidden;"
    "text-overflow:ellipsis;white-space:nowrap}"
    ".kpi-change{display:flex;align-items:center;gap:0.75rem;min-width:0;font-size:0.875rem}"
    ".kpi-delta{display:flex;align-items:center;flex:none;border-radius:9999px;"
    "padding:2px 6px 2px 4px;background:rgb(245,244,242);color:rgb(104,98,85)}"
    ".kpi-delta::before{content:'';width:0.9rem;height:0.9rem;margin-right:2px;"
    "background:center/contain no-repeat}"
    f'.kpi-up::before{{background-image:url("{_ARROWS["up"]}")}}'
    f'.kpi-down::before{{background-image:url("{_ARROWS["down"]}")}}'
    ".kpi-flat::before{display:none}"
    ".kpi-delta-label{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;"
    "color:rgba(47,45,43,0.6)}"
    ".kpi-body{margin-top:1rem}"
    # a card with a topic page: its title is a link stretched over the whole card
    ".kpi-link{color:inherit;text-decoration:none}"
    ".kpi-link::after{content:'';position:absolute;inset:0;border-radius:0.5rem}"
    ".kpi-card:has(.kpi-link):hover{border-color:rgba(47,45,43,0.5);"
    "box-shadow:0 1px 4px rgba(47,45,43,0.15)}"
    ".kpi-link:focus-visible::after{outline:2px solid #4A6FA5;outline-offset:2px}"
    ".kpi-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;"
    "overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap}"
    "</style>"
)


def cards_html(cards: Sequence[KpiCard], lang: Lang, *, per_row: int, link_query: str = "") -> str:
    """The KPI cards as one CSS grid: `per_row` cards a row where they fit at least 12rem wide,
    fewer on a narrow page. Each card imitates a bordered column holding st.metric (label with
    the KPI definition as tooltip and as text for screen readers, value, delta as a grey pill
    with an arrow) above `card_body_html`. All text is escaped; st.html sanitises it again."""
    gaps = f"{per_row - 1}rem"
    columns = f"repeat(auto-fill,minmax(max(12rem,calc((100% - {gaps}) / {per_row})),1fr))"
    parts = [_CARDS_CSS, f'<div class="kpi-grid" style="grid-template-columns:{columns}">']
    for card in cards:
        parts.append('<div class="kpi-card">')
        title, definition = escape(card.title), escape(card.help)
        label = f'<span class="kpi-title" title="{title}">{title}</span>'
        if card.page is not None:
            # the whole card is the link (see .kpi-link); relative, so a proxy's sub-path holds,
            # and with the filters of this view (restore_filters_from_url)
            href = escape(f"{card.page}{link_query}")
            label = (
                f'<a class="kpi-link" href="{href}" target="_self" '
                f'aria-label="{escape(t("app.open_page", lang, title=card.title))}">{label}</a>'
            )
        if definition:
            # the tooltip for the mouse; screen readers read the hidden text after the label
            label += f'<span class="kpi-help" title="{definition}" aria-hidden="true"></span>'
        parts.append(f'<div class="kpi-label">{label}</div>')
        if definition:
            parts.append(f'<span class="kpi-sr">{definition}</span>')
        parts.append(f'<div class="kpi-value">{escape(card.value_text)}</div>')
        if card.delta_text:
            # a leading minus points the arrow down; "±0" has none
            delta = card.delta_text.strip()
            direction = "down" if delta[0] in ("-", MINUS) else "flat" if delta[0] == "±" else "up"
            change = f'<span class="kpi-delta kpi-{direction}">{escape(delta)}</span>'
            if card.delta_label:
                change += f'<span class="kpi-delta-label">{escape(card.delta_label)}</span>'
            parts.append(f'<div class="kpi-change">{change}</div>')
        parts.append(f'<div class="kpi-body">{card_body_html(card, lang)}</div></div>')
    parts.append("</div>")
    return "".join(parts)


# st.badge's colours in the light theme (the app's theme, .streamlit/config.toml): background, text
_STATUS_BADGES = {
    "good": ("#F1FBF6", "#0C5A44", "app.status_good"),
    "warn": ("#FFF6ED", "#9B4519", "app.status_warn"),
    "bad": ("#FFF1F2", "#9E303B", "app.status_bad"),
}
_CAPTION_STYLE = "font-size:0.875rem;line-height:1.6;color:rgba(47,45,43,0.6);margin:0"


def card_body_html(card: KpiCard, lang: Lang) -> str:
    """The part of a card below the metric as one HTML block: target line (a badge when there is
    a status), the sparkline as an SVG image with its values as alt text, and the notes. All text
    is escaped; st.html sanitises it again (and would drop inline SVG, hence the image)."""
    parts = []
    label = card.target_label or t("app.target", lang)
    first = [CardTarget(label, card.target_text, card.status)] if card.target_text else []
    targets = first + list(card.more_targets)
    for target in targets:
        line = f"{target.label}: {target.text}"
        if target.status:
            background, colour, key = _STATUS_BADGES[target.status]
            parts.append(
                f'<p style="margin:0 0 2px 0"><span style="background:{background};'
                f"color:{colour};font-size:0.875rem;line-height:1.6;padding:0 4px;"
                f'border-radius:4px">{escape(f"{line} · {t(key, lang)}")}</span></p>'
            )
        else:
            parts.append(f'<p style="{_CAPTION_STYLE}">{escape(line)}</p>')
    if not targets:
        # keeps the cards of a row the same height
        parts.append(f'<p style="{_CAPTION_STYLE}">{escape(t("app.no_target", lang))}</p>')
    if card.gap_text:
        parts.append(f'<p class="kpi-gap" style="{_CAPTION_STYLE}">{escape(card.gap_text)}</p>')
    if card.trend is not None:
        source = base64.b64encode(card.trend.svg.encode()).decode()
        text = escape(card.trend.text)
        parts.append(
            f'<img class="kpi-sparkline" src="data:image/svg+xml;base64,{source}" alt="{text}" '
            f'title="{text}" style="display:block;width:100%;height:auto;margin-top:0.5rem">'
        )
    notes = []
    if card.suppressed_k is not None:
        notes.append(t("app.suppressed_note", lang, k=card.suppressed_k))
    if card.note:
        notes.append(card.note)
    if notes:
        parts.append(f'<p style="{_CAPTION_STYLE};margin-top:0.5rem">{escape(" ".join(notes))}</p>')
    return "".join(parts)


def render_chart(block: ChartBlock, lang: Lang) -> None:
    """A chart with the suppression footnote, its data as a table on demand, and downloads of
    the picture (PNG) and the data (CSV), both built only when clicked. A chart without one
    published value is not drawn: its title and why there is nothing to see."""
    if not block.drawn:
        strong(block.title)
        info(t("app.nothing_to_draw", lang))
        render_footnote(block.suppressed_k, block.notes, lang)
        return
    st.plotly_chart(
        block.figure,
        width="stretch",
        key=f"chart_{block.key}",
        config={"displaylogo": False, "locale": "de" if lang == "de" else "en"},
    )
    render_footnote(block.suppressed_k, block.notes, lang)
    with st.expander(t("app.show_data", lang)):
        table(block.table)
    # imported here: Kaleido and Chromium are only needed once someone asks for a picture
    from metrics.report.images import browser_available

    if not may(Action.EXPORT):
        return
    with st.container(horizontal=True, gap="small"):
        if browser_available():
            st.download_button(
                t("app.download_png", lang),
                data=_png_of(block),
                file_name=f"{download_stem(block.key, lang)}.png",
                mime="image/png",
                key=f"png_{block.key}",
                on_click="ignore",
                icon=":material/image:",
                type="tertiary",
            )
        else:
            st.caption(t("app.png_unavailable", lang))
        csv_download(block.download, block.key, lang)


def render_table_block(block: TableBlock | None, lang: Lang, *, heading: bool = True) -> None:
    if block is None:
        return
    if heading:
        subheader(block.title)
    table(block.table)
    render_footnote(block.suppressed_k, block.notes, lang)
    if may(Action.EXPORT):
        csv_download(block.download, f"table_{block.key}", lang)


def download_stem(key: str, lang: Lang) -> str:
    """A download's file name says what it shows: "sb_quota_2025_BA_de" (it was "sb_quota"),
    the same pattern as the reports' "vielfaltsmonitor_2025_alle_de"."""
    chosen = filters()
    return downloads.file_stem(key, chosen.year, chosen.carrier, chosen.breakdown, lang)


def _selection() -> dict[str, object]:
    """The sidebar's selection, as the audit log enters it with a download."""
    chosen = filters()
    return {"year": chosen.year, "carrier": chosen.carrier, "breakdown": chosen.breakdown}


def csv_download(table: pd.DataFrame, key: str, lang: Lang) -> None:
    """A published table as CSV for Excel in the user's language (German: `;`, decimal comma)
    with every text cell neutralised against formula injection; a block's is its numbers
    (`ChartBlock.download`). Streamlit calls the builder on click in a thread of its own (no
    session state there): bound now."""
    db, user, selection = db_path(), current_user(), _selection()
    stem = download_stem(key, lang)
    st.download_button(
        t("app.download_csv", lang),
        data=lambda: downloads.table_csv(db, table, lang, by=user, name=f"{stem}.csv", **selection),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        on_click="ignore",
        icon=":material/download:",
        type="tertiary",
    )


def _png_of(block: ChartBlock) -> Callable[[], bytes]:
    """A deferred PNG export: Streamlit calls it on click, in a thread of its own. The picture
    says what it shows beside its title (`ChartBlock.picture`: view, date, signs, source)."""
    db, user, selection = db_path(), current_user(), _selection()
    picture = block.picture

    def export() -> bytes:
        return downloads.chart_png(
            db,
            block.figure,
            by=user,
            name=f"{block.key}.png",
            subtitle=None if picture is None else picture.subtitle,
            footnotes=() if picture is None else picture.footnotes,
            **selection,
        )

    return export


def render_footnote(suppressed_k: int | None, notes: Sequence[str], lang: Lang) -> None:
    parts = []
    if suppressed_k is not None:
        parts.append(t("app.suppressed_note", lang, k=suppressed_k))
    parts.extend(notes)
    if parts:
        caption(" ".join(parts))


def guarded(render: Callable[[Lang], None], action: Action = Action.VIEW_KPIS) -> None:
    """Runs a page body for a user who may do `action` (the navigation hides the page from the
    others; this holds for a deep link too); a store problem or an unexpected error becomes a
    message, never a traceback in the browser (tracebacks can carry data values)."""
    lang = language()
    try:
        audit.authorise(db_path(), current_user(), action, "page")
        render(lang)
    except store.StoreError as problem:
        error(t("app.store_error", lang, detail=problem))
    except access.AccessDenied:
        error(t("app.not_allowed", lang))
    except Exception:  # logged in full on the server, summarised for the user
        log.exception("page failed")
        error(t("app.unexpected_error", lang))
