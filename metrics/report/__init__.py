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
from metrics.report.deck import render_deck
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
    """The 16:9 presentation: title slide with the data status, one slide per headline KPI
    (chart, finding against target and previous year, definition), methodology slide."""
    content, history = _prepare(con, year, carrier, lang, settings, by, "deck")
    return _recorded(con, by, "deck", content, render_deck(content, headlines(content, history)))


def build_workbook(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    lang: Lang = "de",
    settings: Settings | None = None,
    *,
    by: User,
) -> bytes:
    """The annual report's tables: KPI summary, equality statistics, SGB IX notice per
    carrier, methodology. Suppressed cells read "< k"; every text cell is neutralised."""
    content, history = _prepare(con, year, carrier, lang, settings, by, "workbook")
    return _recorded(
        con, by, "workbook", content, render_workbook(content, history.published(year))
    )


def build_pdf(
    con: duckdb.DuckDBPyConnection,
    year: int,
    carrier: str | None = None,
    lang: Lang = "de",
    settings: Settings | None = None,
    *,
    by: User,
) -> bytes:
    """A printable A4 summary: title, data status, KPI table, headline charts, methodology."""
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
