"""Reports for presentations and the annual report: PowerPoint deck, Excel workbook, PDF.

Every builder takes an open store connection, a selection (year, carrier view, language) and
the user it is made for, and returns the file as bytes. All figures come from the published KPIs
(`metrics.kpis` through `metrics.views`), so a report shows nothing the app would not show; the
user must hold a role that may export, and the export is entered in the store's audit log.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from metrics import audit, store
from metrics.access import Action, User
from metrics.i18n import Lang
from metrics.report.content import (
    ReportContent,
    ReportError,
    check_request,
    gather,
    headlines,
    report_history,
)
from metrics.report.deck import render_deck, template_problem
from metrics.report.images import ChartExportError, chart_png
from metrics.report.pdf import render_pdf
from metrics.report.workbook import render_workbook
from metrics.settings import Settings, load_settings
from metrics.views import KpiHistory

__all__ = [
    "FORMATS",
    "MIME_TYPES",
    "ChartExportError",
    "ReportError",
    "build_deck",
    "build_pdf",
    "build_workbook",
    "chart_png",
    "template_problem",
]

MIME_TYPES = {
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
}


def _prepare(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None,
    lang: Lang,
    settings: Settings | None,
    by: User,
    kind: str,
) -> tuple[ReportContent, KpiHistory]:
    audit.authorise(store.database_path(con), by, Action.EXPORT, "export", report=kind)
    check_request(con, year, carrier)
    settings = settings or load_settings()
    history = report_history(con, year, settings)
    return gather(con, year, carrier, lang, settings, history), history


def build_deck(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    lang: Lang = "de",
    settings: Settings | None = None,
    *,
    by: User,
) -> bytes:
    """The presentation for a working group's meeting: title, agenda, key messages, one slide
    per headline KPI (its message as the title, a native chart over the years, value, target,
    change, finding), each carrier's legal quota, under-representation, the leadership
    pipeline, parental and care leave, open points, and the appendix (KPI table, methodology,
    signs); in the organisation's template where the settings name one."""
    content, history = _prepare(con, year, carrier, lang, settings, by, "deck")
    deck = render_deck(content, headlines(content, history), history)
    return _recorded(con, by, "deck", content, deck)


def build_workbook(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    lang: Lang = "de",
    settings: Settings | None = None,
    *,
    by: User,
) -> bytes:
    """The annual report's tables: data status, KPIs, equality statistics (GleiStatV), the
    SGB IX notice per carrier, the time series of every KPI, signs, methodology. Withheld
    cells read "•" or "< k"; every text cell is neutralised; every sheet prints on A4."""
    content, history = _prepare(con, year, carrier, lang, settings, by, "workbook")
    workbook = render_workbook(content, history.published(year), history)
    return _recorded(con, by, "workbook", content, workbook)


def build_pdf(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    lang: Lang = "de",
    settings: Settings | None = None,
    *,
    by: User,
) -> bytes:
    """The printable A4 annual summary: a one-page summary (status, executive summary, headline
    KPIs, open points), the contents, a section per headline KPI, all KPIs, methodology, signs."""
    content, history = _prepare(con, year, carrier, lang, settings, by, "pdf")
    return _recorded(con, by, "pdf", content, render_pdf(content, headlines(content, history)))


def _recorded(
    con: duckdb.DuckDBPyConnection, by: User, kind: str, content: ReportContent, data: bytes
) -> bytes:
    audit.record(
        store.database_path(con),
        by,
        "export",
        report=kind,
        year=content.year,
        carrier=content.carrier,
        lang=content.lang,
        bytes=len(data),
    )
    return data


Builder = Callable[..., bytes]
# file suffix -> builder, for the CLI and the reports page
FORMATS: dict[str, Builder] = {".pptx": build_deck, ".xlsx": build_workbook, ".pdf": build_pdf}
