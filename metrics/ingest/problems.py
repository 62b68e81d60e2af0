"""What an import reports: a problem names file, row, column and value (never a person id or
a health value) in the user's language; the results and refusals of an import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from metrics import store
from metrics.contract import SOURCES_BY_KIND, quotable
from metrics.disclosure import DisclosureRules, count_text
from metrics.formatting import format_number
from metrics.i18n import Lang, t
from metrics.ingest.limits import _MIB


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a file; rendered in the user's language only when shown.

    The cell text of an id or a sensitive column is dropped as the problem is made (`withheld`):
    a report, a log line or an exception of an import never carries a person's raw id or health
    or origin data, whichever code made the problem."""

    key: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    withheld: bool = False

    def __post_init__(self) -> None:
        if self.value and not quotable(self.column):
            object.__setattr__(self, "value", None)
            object.__setattr__(self, "withheld", True)

    def render(self, lang: Lang = "de") -> str:
        expected = t(self.key, lang, **self.params)
        if self.row is not None and self.column is not None:
            return t(
                "import.problem_row_withheld" if self.withheld else "import.problem_row",
                lang,
                row=self.row,
                column=self.column,
                value=_shorten(self.value),
                expected=expected,
            )
        if self.column is not None:
            return t("import.problem_column", lang, column=self.column, expected=expected)
        return t("import.problem_file", lang, expected=expected)


class ImportRefused(Exception):
    """A file was refused; nothing was written to the store."""

    def __init__(self, file_name: str, problems: Sequence[Problem], total: int | None = None):
        self.file_name = file_name
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        super().__init__(self.report("en"))

    def __reduce__(self) -> tuple[object, ...]:
        # pickled as what it was made of (the import check's child sends refusals back)
        return (type(self), (self.file_name, self.problems, self.total))

    def report(self, lang: Lang = "de") -> str:
        lines = [
            t("import.refused", lang, file=self.file_name, problems=_problems(self.total, lang))
        ]
        lines += [f"  - {problem.render(lang)}" for problem in self.problems]
        if self.total > len(self.problems):
            rest = format_number(self.total - len(self.problems), lang)
            lines.append("  " + t("import.more_problems", lang, count=rest))
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    file_name: str
    sha256: str
    kind: str
    rows: int
    coverage: tuple[str, ...]
    replaced_rows: int
    unknown_columns: tuple[str, ...]
    demo_replaced: bool = False
    absent_columns: tuple[str, ...] = ()

    def coverage_text(self) -> str:
        return _coverage_text(self.coverage)

    def summary(self, lang: Lang = "de", rules: DisclosureRules | None = None) -> str:
        """What was imported; the rows it replaced are store figures, published like any count
        (`rules`: the settings' disclosure rules)."""
        source = SOURCES_BY_KIND[self.kind]
        kind = source.label_de if lang == "de" else source.label_en
        # "0 vorhandene Zeilen ersetzt" said nothing (and, after demo data, hid what went)
        replaced = self.replaced_rows and not self.demo_replaced
        lines = [
            t(
                "import.done" if replaced else "import.done_new",
                lang,
                file=self.file_name,
                rows=format_number(self.rows, lang),
                kind=kind,
                coverage=self.coverage_text(),
                replaced=count_text(self.replaced_rows, lang, rules or DisclosureRules()),
            )
        ]
        if self.unknown_columns:
            lines.append(t("import.unknown_columns", lang, columns=", ".join(self.unknown_columns)))
        if self.absent_columns:
            lines.append(absent_columns_line(self.kind, self.absent_columns, lang))
        if self.demo_replaced:
            lines.append(t("import.demo_replaced", lang))
        return "\n".join(lines)


def absent_columns_line(kind: str, columns: Sequence[str], lang: Lang = "de") -> str:
    """The optional columns a file lacks, by the headers the contract names them with."""
    return t("import.absent_columns", lang, columns=SOURCES_BY_KIND[kind].quoted_headers(columns))


def logged_refusal_report(
    file_name: str, problems: Sequence[Mapping[str, object]], total: int, lang: Lang = "de"
) -> str:
    """A refusal of the log (`store.import_log`: its problems as `Problem` fields) in the
    reader's language."""
    return ImportRefused(file_name, [Problem(**p) for p in problems], total).report(lang)  # type: ignore[arg-type]


class DataEditRefused(ImportRefused):
    """A change typed into the Data page (not a file) was refused; nothing was written."""

    def report(self, lang: Lang = "de") -> str:
        lines = [t("data.edit_refused", lang, problems=_problems(self.total, lang))]
        for problem in self.problems:
            expected = t(problem.key, lang, **problem.params)
            if problem.column is not None:
                expected = t(
                    "data.problem_input",
                    lang,
                    column=problem.column,
                    value=_shorten(problem.value),
                    expected=expected,
                )
            lines.append(f"  - {expected}")
        return "\n".join(lines)


def _problems(count: int, lang: Lang) -> str:
    if count == 1:
        return t("import.one_problem", lang)
    return t("import.problems", lang, count=format_number(count, lang))


def check_upload_size(
    file_name: str, size_bytes: int, limit_mb: float = store.UPLOAD_LIMIT_MB, lang: Lang = "de"
) -> None:
    """Refuses a browser upload over the limit (CONTRACT § 1.4); the CLI imports any size.

    MB as Streamlit counts `server.maxUploadSize`: MiB. The size is rounded up, so that a file
    just over the limit never reads as "50,0 MB; at most 50 MB allowed"."""
    if size_bytes < 0 or limit_mb <= 0:
        raise ValueError(f"size {size_bytes} bytes, limit {limit_mb} MB")
    if size_bytes <= limit_mb * _MIB:
        return
    size_mb = math.ceil(size_bytes / _MIB * 10) / 10
    raise ImportRefused(
        file_name,
        [
            Problem(
                "import.too_large",
                params={
                    "size": format_number(size_mb, lang, 1),
                    "limit": format_number(
                        limit_mb, lang, 0 if float(limit_mb).is_integer() else 1
                    ),
                },
            )
        ],
    )


def _shorten(value: str | None, limit: int = 60) -> str:
    if value is None:
        return ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _coverage_text(coverage: Sequence[str]) -> str:
    if len(coverage) <= 3:
        return ", ".join(coverage)
    return f"{coverage[0]} … {coverage[-1]} ({len(coverage)})"
