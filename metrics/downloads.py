"""The pages' downloads: a shown table as CSV and a chart as PNG, for users who may export,
entered in the audit log with what was taken (the reports are in metrics.report)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from metrics import audit, safe_export
from metrics.access import Action, User
from metrics.i18n import Lang


def table_csv(
    db_path: Path, table: pd.DataFrame, lang: Lang, *, by: User, name: str, **selection: object
) -> bytes:
    """A published table as CSV for Excel in the user's language (German: `;`, decimal comma,
    UTF-8 with BOM), every text cell neutralised against formula injection. A page's blocks give
    their numbers to compute with (`ChartBlock.download`: "Frauenanteil (%)" 10,37, counts
    whole, signs "•" / "< k" as text), never more than the page shows."""
    audit.authorise(db_path, by, Action.EXPORT, "download", file=name, **selection)
    data = safe_export.to_csv_bytes(table, lang)
    audit.record(db_path, by, "download", file=name, rows=len(table), **selection)
    return data


def chart_png(
    db_path: Path,
    figure: go.Figure,
    *,
    by: User,
    name: str,
    subtitle: str | None = None,
    footnotes: Sequence[str] = (),
    **selection: object,
) -> bytes:
    """The chart as a print-ready PNG (Kaleido and Chromium) that says what it shows when it
    is pasted into a slide: `subtitle` under its title (view, reporting date), `footnotes`
    below it (the signs it uses, the source; `ChartBlock.picture`)."""
    audit.authorise(db_path, by, Action.EXPORT, "download", file=name, **selection)
    # imported here: Kaleido and Chromium are only needed once someone asks for a picture
    from metrics.report.images import PNG_HEIGHT, print_figure
    from metrics.report.images import chart_png as render

    printed = print_figure(figure, subtitle=subtitle, footnotes=footnotes)
    captioned = subtitle is not None or bool(footnotes)
    data = render(printed, height=int(printed.layout.height) if captioned else PNG_HEIGHT)
    audit.record(db_path, by, "download", file=name, **selection)
    return data


def file_stem(
    key: str, year: int | None, carrier: str | None, breakdown: str | None, lang: Lang
) -> str:
    """What a download shows, in its file name: block, year, carrier ("alle": every carrier),
    breakdown if any, language: "breakdown_part_time_share_2025_BA_org_unit_de"."""
    parts = [key, str(year) if year is not None else "", carrier or "alle", breakdown or "", lang]
    return "_".join(part for part in parts if part)
