"""The Data page's tables: what the store holds (per year, not per reporting date), what can be
deleted, the survey waves with their invited counts and published respondents, and the import
log, every count as it may be shown to everybody (CONTRACT § 3); and, for the data roles only,
an upload's sample rows and data quality (metrics.ingest.quality) in the page's words."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from metrics import store
from metrics.contract import SOURCES_BY_KIND, Column, ColumnType, Source
from metrics.disclosure import (
    WITHHELD_SIGN,
    DisclosureRules,
    count_text,
    published_import_log,
    yearly_holdings,
)
from metrics.formatting import format_date, format_number
from metrics.i18n import TEXTS, Lang, t
from metrics.ingest import logged_refusal_report
from metrics.ingest.limits import _DELETED_NAME_KEY, _MANUAL_ENTRY_NAME_KEY
from metrics.ingest.quality import ColumnQuality, FileQuality, StagedDetails, StagedSample
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


_LOG_COLUMNS = [
    "imported_at",
    "file_name",
    "kind",
    "rows",
    "coverage",
    "replaced_rows",
    "outcome",
    "message",
    "sha256",
]
_GERMAN_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")


def _dates_in(text: str, lang: Lang) -> str:
    """ "31.12.2025 … 31.01.2026" as the page writes dates (English: 2025-12-31 … 2026-01-31)."""
    return text if lang == "de" else _GERMAN_DATE.sub(r"\3-\2-\1", text)


# the log's file name of what came from no file (metrics.ingest.write), per outcome
_NO_FILE_NAMES = {"deleted": _DELETED_NAME_KEY, "edited": _MANUAL_ENTRY_NAME_KEY}


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
            # a deletion and a typed-in invited count name no file: the log keeps that in German
            file_name=[
                t(_NO_FILE_NAMES[o], lang) if o in _NO_FILE_NAMES else f
                for f, o in zip(shown["file_name"], shown["outcome"], strict=True)
            ],
            kind=[kind_label(k, lang) if k in SOURCES_BY_KIND else k for k in shown["kind"]],
            # the log keeps reporting dates as TT.MM.JJJJ; English pages read dates as ISO
            coverage=[_dates_in(str(c), lang) for c in shown["coverage"].fillna("")],
            # every outcome the store logs (store.import_log): ok, refused, deleted, edited
            outcome=[t(f"datapage.log_{o}", lang) for o in shown["outcome"]],
            message=[
                logged_refusal_report(f, p, int(n), lang) if isinstance(p, list) else ""
                for f, p, n in zip(
                    shown["file_name"], shown["problems"], shown["total"], strict=True
                )
            ],
        )
        # what an export was and did first; its checksum, the widest column, last
        .reindex(columns=_LOG_COLUMNS)
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
        respondents=[respondents_text(release_of(int(w)), int(w), lang) for w in waves["wave"]],
        # a number in the page's format (1.066), empty where no invited count is stored
        invited=["" if pd.isna(n) else format_number(int(n), lang) for n in waves["invited"]],
    ).rename(
        columns={
            "wave": t("datapage.wave", lang),
            "respondents": t("datapage.respondents", lang),
            "invited": t("datapage.invited_count", lang),
        }
    )


# --- an upload's sample rows and data quality: for the data roles, before and after importing


@dataclass(frozen=True)
class UploadDetails:
    """What the Data page shows of one staged file besides its summary (data roles only)."""

    sample_title: str
    sample: pd.DataFrame
    sample_notes: tuple[str, ...]
    quality_title: str
    quality: pd.DataFrame
    quality_note: str

    def after_import(self, file_name: str, lang: Lang) -> UploadDetails:
        """The same details, titled as the page shows them once the file is imported."""
        return replace(self, quality_title=t("datapage.quality_after", lang, file=file_name))


def column_label(source: Source, name: str, lang: Lang) -> str:
    """ "Geschlecht (gender)": the column's label in the page's language and its canonical
    name; the label of a name two sources use differently has a key of its own."""
    key = f"column.{source.kind}.{name}"
    return f"{t(key if key in TEXTS else f'column.{name}', lang)} ({name})"


def build_upload_details(details: StagedDetails, lang: Lang) -> UploadDetails:
    sample, quality = details.sample, details.quality
    source = SOURCES_BY_KIND[quality.kind]
    return UploadDetails(
        sample_title=t(
            "datapage.sample_title", lang, file=quality.file_name, rows=len(sample.rows)
        ),
        sample=_sample_table(source, sample, lang),
        sample_notes=_sample_notes(source, sample, lang),
        quality_title=t("datapage.quality_title", lang, file=quality.file_name),
        quality=_quality_table(source, quality, lang),
        quality_note=t("datapage.quality_note", lang, columns=_protected_labels(source, lang)),
    )


def _sample_table(source: Source, sample: StagedSample, lang: Lang) -> pd.DataFrame:
    columns = [source.column(name) for name in sample.columns]
    return pd.DataFrame(
        [
            [
                WITHHELD_SIGN if column.name in sample.protected else value_text(column, v, lang)
                for column, v in zip(columns, row, strict=True)
            ]
            for row in sample.rows
        ],
        columns=[column_label(source, column.name, lang) for column in columns],
        dtype=object,
    )


def _sample_notes(source: Source, sample: StagedSample, lang: Lang) -> tuple[str, ...]:
    notes = [t("datapage.sample_note", lang)]
    ids = [
        column
        for column in source.columns
        if column.type is ColumnType.PSEUDONYM and column.name in sample.columns
    ]
    notes += [
        t("datapage.sample_pseudonym_note", lang, column=column_label(source, column.name, lang))
        for column in ids
    ]
    if sample.protected:
        notes.append(
            t(
                "datapage.sample_protected_note",
                lang,
                columns=", ".join(
                    column_label(source, c.name, lang)
                    for c in source.columns
                    if c.name in sample.protected
                ),
            )
        )
    return tuple(notes)


def _protected_labels(source: Source, lang: Lang) -> str:
    labels = [column_label(source, c.name, lang) for c in source.columns if c.sensitive]
    return ", ".join(labels) if labels else "–"


def value_text(column: Column, value: object, lang: Lang) -> str:
    """A stored value as the page shows it: dates in the page's format, numbers with the
    page's decimal mark, yes/no in words, codes and text as stored; None is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("data.template.yes" if value else "data.template.no", lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if lang == "de" else text
    if isinstance(value, int) and column.name not in ("birth_year", "wave"):
        return format_number(value, lang)
    return str(value)


def _quality_table(source: Source, quality: FileQuality, lang: Lang) -> pd.DataFrame:
    rows = [
        {
            t("datapage.quality_column", lang): column_label(source, item.name, lang),
            t("datapage.quality_empty", lang): _empty_text(source, item, lang),
            t("datapage.quality_values", lang): _values_text(source, item, lang),
            t("datapage.quality_read_as", lang): _read_as_text(source, item, lang),
            # last: in a German export mostly the label itself
            t("datapage.quality_header", lang): (
                t("datapage.quality_absent", lang) if item.absent else str(item.header)
            ),
        }
        for item in quality.columns
    ]
    return pd.DataFrame(rows, dtype=object)


def _empty_text(source: Source, item: ColumnQuality, lang: Lang) -> str:
    if item.absent:
        return "–"
    if item.protected or item.empty is None:
        return WITHHELD_SIGN
    text = format_number(item.empty, lang)
    if item.empty and item.default is not None:
        text += f" → {value_text(source.column(item.name), item.default, lang)}"
    return text


def _values_text(source: Source, item: ColumnQuality, lang: Lang) -> str:
    if item.absent:
        return t("datapage.quality_absent_values", lang)
    if item.protected:
        return WITHHELD_SIGN
    column = source.column(item.name)
    if item.values:
        empty = t("datapage.quality_empty_value", lang)
        return " · ".join(
            f"{empty if value is None else value_text(column, value, lang)} "
            f"{format_number(n, lang)}"
            for value, n in item.values
        )
    if item.distinct == 1:
        return t("datapage.quality_distinct_one", lang)
    if item.distinct is not None:
        return t("datapage.quality_distinct", lang, count=format_number(item.distinct, lang))
    if item.lowest is None:
        return ""
    lowest, highest = (value_text(column, v, lang) for v in (item.lowest, item.highest))
    return lowest if lowest == highest else f"{lowest} … {highest}"


def _read_as_text(source: Source, item: ColumnQuality, lang: Lang) -> str:
    # "weiblich → w; männlich → m": how many of each the values column says already
    column = source.column(item.name)
    return "; ".join(
        f"{spelling} → {value_text(column, value, lang)}" for spelling, value, _ in item.read_as
    )
