"""Page contexts: everything a page shows, built from published KPIs, without Streamlit.

A page asks `build_<page>(history, filters, lang)` for a frozen context and renders it: the
history holds the store's published years, so a builder sends no query.
Every number in a context comes from `metrics.kpis` (and so has passed `metrics.disclosure`);
these modules only select, label, format and draw. Reports reuse the same contexts.

- `inputs` — the sidebar's filters and the KPI history of the store;
- `blocks` — cards, charts, tables and the store's status, shared by every page;
- one module per page: `overview`, `women_leadership`, `inclusion`, `part_time`, `migration`,
  `methodology`, `data`, `audit`;
- `reports` — what the reports take from the pages besides their contexts.

A name with a leading underscore is shared between these modules, not outside the package.
"""

from metrics.views.audit import AuditPageContext, build_audit_page
from metrics.views.blocks import (
    CardTarget,
    ChartBlock,
    KpiCard,
    StatusContext,
    TableBlock,
    build_status,
    respondents_text,
)
from metrics.views.data import (
    DataPageContext,
    UploadDetails,
    build_data_page,
    build_upload_details,
    kind_label,
)
from metrics.views.inclusion import build_inclusion
from metrics.views.inputs import BREAKDOWNS, Filters, KpiHistory, page_breakdowns
from metrics.views.methodology import build_methodology
from metrics.views.migration import build_migration
from metrics.views.overview import OVERVIEW_KPIS, build_overview
from metrics.views.part_time import build_part_time
from metrics.views.reports import kpi_trend_block, previous_value
from metrics.views.women_leadership import build_women_leadership

__all__ = [
    "BREAKDOWNS",
    "OVERVIEW_KPIS",
    "AuditPageContext",
    "CardTarget",
    "ChartBlock",
    "DataPageContext",
    "Filters",
    "KpiCard",
    "KpiHistory",
    "StatusContext",
    "TableBlock",
    "UploadDetails",
    "build_audit_page",
    "build_data_page",
    "build_inclusion",
    "build_methodology",
    "build_migration",
    "build_overview",
    "build_part_time",
    "build_status",
    "build_upload_details",
    "build_women_leadership",
    "kind_label",
    "kpi_trend_block",
    "page_breakdowns",
    "previous_value",
    "respondents_text",
]
