"""The Data page's tables: what the store holds (per year, not per reporting date), what can be
deleted, the survey waves with their invited counts and published respondents, and the import
log, every count as it may be shown to everybody (CONTRACT § 3)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from metrics import store
from metrics.contract import SOURCES_BY_KIND
from metrics.disclosure import (
    DisclosureRules,
    count_text,
    published_import_log,
    yearly_holdings,
)
from metrics.formatting import format_number
from metrics.i18n import Lang, t
from metrics.ingest import logged_refusal_report
from metrics.kpis.values import KpiValue
from metrics.safe_export import safe_frame
from metrics.views.blocks import respondents_text

# a year's planned release (all-carrier view), None while the year is not planned yet
ReleaseOf = Callable[[int], Mapping[str, KpiValue] | None]


@dataclass(frozen=True)
class DataPageContext:
    holdings: pd.DataFrame | None  # None: the store holds nothing
    deletable: Mapping[str, tuple[str, ...]]  # kind -> what an import covered (dates, years …)
    waves: pd.DataFrame | None  # None: no survey wave yet
    next_wave: int  # the invited form's default
    log: pd.DataFrame
    # the invited count stored per wave (the form starts at the stored value, it started at 1)
    invited_of: Mapping[int, int] = field(default_factory=dict)


def kind_label(kind: str, lang: Lang) -> str:
    source = SOURCES_BY_KIND[kind]
    return source.label_de if lang == "de" else source.label_en


def build_data_page(
    db_path: Path, release_of: ReleaseOf, rules: DisclosureRules, lang: Lang
) -> DataPageContext:
    summary = store.coverage_summary(db_path)
    waves = store.survey_waves(db_path)
    return DataPageContext(
        holdings=None if summary.empty else _holdings(summary, release_of, rules, lang),
        deletable={
            kind: tuple(summary.loc[summary["kind"] == kind, "coverage"])
            for kind in dict.fromkeys(summary["kind"])
            if kind != "survey_invited"
        },
        waves=None if waves.empty else _waves(waves, release_of, lang),
        next_wave=int(waves["wave"].max()) if not waves.empty else 2025,
        log=_log(store.import_log(db_path), rules, lang),
        invited_of={
            int(w): int(n)
            for w, n in zip(waves["wave"], waves["invited"], strict=True)
            if pd.notna(n)
        },
    )


def _holdings(
    summary: pd.DataFrame, release_of: ReleaseOf, rules: DisclosureRules, lang: Lang
) -> pd.DataFrame:
    shown = yearly_holdings(summary)
    return shown.assign(
        kind=[kind_label(k, lang) for k in shown["kind"]],
        snapshots=[
            "" if n is None or n != n else format_number(n, lang) for n in shown["snapshots"]
        ],
        # rows of persons, applicants and respondents are person counts; invited rows are not
        rows=[
            format_number(r, lang)
            if k == "survey_invited"
            else respondents_text(release_of(int(c)), int(c), lang)
            if k == "survey"
            else count_text(r, lang, rules)
            for k, c, r in zip(shown["kind"], shown["coverage"], shown["rows"], strict=True)
        ],
    ).rename(
        columns={
            "kind": t("datapage.kind", lang),
            "coverage": t("datapage.coverage", lang),
            "snapshots": t("datapage.snapshots", lang),
            "rows": t("datapage.rows", lang),
        }
    )


def _log(log: pd.DataFrame, rules: DisclosureRules, lang: Lang) -> pd.DataFrame:
    """The published import log with the page's words: when, which file (and its checksum, to
    tell which export it was), what it held and replaced, and whether it went in."""
    shown = published_import_log(log, lang, rules)
    when = pd.to_datetime(shown["imported_at"])
    return safe_frame(
        shown.assign(
            imported_at=when.dt.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M"),
            kind=[kind_label(k, lang) if k in SOURCES_BY_KIND else k for k in shown["kind"]],
            outcome=[t(f"datapage.log_{o}", lang) for o in shown["outcome"]],
            message=[
                logged_refusal_report(f, p, int(n), lang) if isinstance(p, list) else ""
                for f, p, n in zip(
                    shown["file_name"], shown["problems"], shown["total"], strict=True
                )
            ],
        )
        .drop(columns=["problems", "total"])
        .rename(
            columns={
                "imported_at": t("datapage.log_when", lang),
                "file_name": t("datapage.log_file", lang),
                "sha256": t("datapage.log_sha256", lang),
                "kind": t("datapage.kind", lang),
                "rows": t("datapage.rows", lang),
                "coverage": t("datapage.coverage", lang),
                "replaced_rows": t("datapage.log_replaced", lang),
                "outcome": t("datapage.log_outcome", lang),
                "message": t("datapage.log_message", lang),
            }
        )
    )


def _waves(waves: pd.DataFrame, release_of: ReleaseOf, lang: Lang) -> pd.DataFrame:
    # the respondents as the wave's release publishes them (the response rate's numerator)
    return waves.assign(
        respondents=[respondents_text(release_of(int(w)), int(w), lang) for w in waves["wave"]]
    ).rename(
        columns={
            "wave": t("datapage.wave", lang),
            "respondents": t("datapage.respondents", lang),
            "invited": t("datapage.invited_count", lang),
        }
    )
