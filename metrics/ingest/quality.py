"""What a staged file holds, for the data roles to check before (and after) importing it: the
first rows as the store will keep them, and per column of the file how many cells were empty
(and so took the column's default), which values it holds, and how its codes were spelt
(alias -> canonical code, e.g. "weiblich" -> w).

Health and origin columns (`Column.sensitive`: Schwerbehinderung, Mehrfachanrechnung, the
survey's origin answers) are neither read for a sample row nor broken down here: their
distribution is a protected figure (CONTRACT § 3), shown only as the KPI pages publish it.
Person and applicant ids appear only as the keyed pseudonym the store keeps; the raw id from
the file is never read here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from metrics.contract import FALSE_SPELLINGS, TRUE_SPELLINGS, Column, ColumnType, Source
from metrics.ingest.read import StagedFile
from metrics.ingest.validate import _cleaned

SAMPLE_ROWS = 5
# the key of a column's empty cells in StagedFile.cells
EMPTY = ""

_PROFILED_TYPES = (ColumnType.CODE, ColumnType.BOOL)


def protected(column: Column) -> bool:
    """A column whose cells are never shown per row nor counted by value here."""
    return column.sensitive


def cell_counts(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    mapping: Mapping[str, str],
    rows_sql: str,
    *,
    plain_edges: bool = False,
) -> dict[str, dict[str, int]]:
    """Per column of the file (canonical name -> {spelling: cells}), from the cells as read,
    before typing: under EMPTY its empty cells and, for a code or yes/no column, how often each
    spelling occurred (trimmed and lower-cased, as the importer matches it). `rows_sql` is the
    raw table or a read_csv of every cell as text, `mapping` canonical name -> raw column.
    Protected columns are left out; rows without any value are not counted (the importer skips
    them too)."""
    present = [column for column in source.columns if column.name in mapping]
    if not present:
        return {}
    cleaned = ", ".join(
        f"{_cleaned(mapping[column.name], plain_edges)} AS r_{column.name}" for column in present
    )
    any_value = " OR ".join(f"r_{column.name} IS NOT NULL" for column in present)
    profiled = [column for column in present if not protected(column)]
    if not profiled:
        return {}
    selects = []
    for column in profiled:
        selects.append(f"count(*) FILTER (WHERE r_{column.name} IS NULL)")
        if column.type in _PROFILED_TYPES:
            selects.append(f"histogram(lower(r_{column.name}))")
        else:
            selects.append("NULL")
    values = con.execute(
        f"SELECT {', '.join(selects)} FROM (SELECT {cleaned} FROM {rows_sql}) WHERE {any_value}"
    ).fetchall()[0]
    counts: dict[str, dict[str, int]] = {}
    for index, column in enumerate(profiled):
        empty, spellings = values[2 * index], values[2 * index + 1]
        counts[column.name] = {EMPTY: int(empty)} | {
            str(spelling): int(n) for spelling, n in (spellings or {}).items()
        }
    return counts


@dataclass(frozen=True)
class StagedSample:
    """The first rows of a file as the store will keep them (store column names; the id as its
    pseudonym). A protected column's cells are None: they were not read."""

    kind: str
    columns: tuple[str, ...]  # canonical names, in the contract's order (the file's columns)
    rows: tuple[tuple[object, ...], ...]
    protected: frozenset[str]


@dataclass(frozen=True)
class ColumnQuality:
    """One column of the contract as a file gave it (see FileQuality)."""

    name: str  # canonical
    header: str | None  # as the file calls it; None: the file lacks the column
    protected: bool = False
    empty: int | None = None  # empty cells (None: the column is absent or protected)
    default: object = None  # what an empty cell is stored as (None: it stays empty)
    # codes and yes/no: each value as stored (None: empty) and its rows, in the contract's order
    values: tuple[tuple[object, int], ...] = ()
    # dates and numbers: the lowest and the highest value
    lowest: object = None
    highest: object = None
    distinct: int | None = None  # text and ids: different values
    # the spellings of the file that are not the canonical code: (spelling, value, cells)
    read_as: tuple[tuple[str, object, int], ...] = ()

    @property
    def absent(self) -> bool:
        return self.header is None


@dataclass(frozen=True)
class FileQuality:
    """Per column of the contract: what the file held, in the contract's order."""

    file_name: str
    kind: str
    rows: int
    columns: tuple[ColumnQuality, ...]

    @property
    def absent(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.absent)


@dataclass(frozen=True)
class StagedDetails:
    sample: StagedSample
    quality: FileQuality


def staged_details(
    con: duckdb.DuckDBPyConnection,
    staged: StagedFile,
    absent: Sequence[str],
    *,
    rows: int = SAMPLE_ROWS,
) -> StagedDetails:
    """The sample and the data quality of a staged file, read from its staged rows (`con` is
    the staging connection that holds `staged.table`). `absent`: the optional columns the file
    lacks (FilePreview.absent_columns)."""
    return StagedDetails(_sample(con, staged, rows), _quality(con, staged, absent))


def _sample(con: duckdb.DuckDBPyConnection, staged: StagedFile, rows: int) -> StagedSample:
    columns = [column for column in staged.source.columns if column.name in staged.headers]
    selects = ["NULL" if protected(column) else column.store_name for column in columns] or ["NULL"]
    fetched = con.execute(
        f"SELECT {', '.join(selects)} FROM {staged.table} ORDER BY _row LIMIT {int(rows)}"
    ).fetchall()
    return StagedSample(
        staged.source.kind,
        tuple(column.name for column in columns),
        tuple(tuple(row) for row in fetched) if columns else (),
        frozenset(column.name for column in columns if protected(column)),
    )


def _quality(
    con: duckdb.DuckDBPyConnection, staged: StagedFile, absent: Sequence[str]
) -> FileQuality:
    source = staged.source
    present = [c for c in source.columns if c.name in staged.headers and not protected(c)]
    selects = []
    for column in present:
        name = column.store_name
        if column.type in _PROFILED_TYPES:
            selects += [f"histogram({name})", f"count(*) - count({name})"]
        elif column.type in (ColumnType.DATE, ColumnType.INT, ColumnType.DECIMAL):
            selects += [f"min({name})", f"max({name})"]
        else:
            selects += [f"count(DISTINCT {name})", "NULL"]
    values = (
        con.execute(f"SELECT {', '.join(selects)} FROM {staged.table}").fetchall()[0]
        if selects
        else ()
    )
    found = {
        column.name: (values[2 * index], values[2 * index + 1])
        for index, column in enumerate(present)
    }
    columns = []
    for column in source.columns:
        if column.name in absent and column.name not in staged.headers:
            columns.append(ColumnQuality(column.name, None, protected(column)))
        elif column.name not in staged.headers:
            continue
        elif protected(column):
            columns.append(ColumnQuality(column.name, staged.headers[column.name], True))
        else:
            cells = staged.cells.get(column.name, {})
            first, second = found[column.name]
            columns.append(
                _column_quality(column, staged.headers[column.name], cells, first, second)
            )
    return FileQuality(staged.file_name, source.kind, staged.rows, tuple(columns))


def _column_quality(
    column: Column, header: str, cells: Mapping[str, int], first: Any, second: Any
) -> ColumnQuality:
    """`first`, `second`: the column's two aggregates of `_quality` (as DuckDB gives them)."""
    empty = cells.get(EMPTY)
    if column.type in _PROFILED_TYPES:
        histogram = dict(first or {})
        order: list[object] = (
            list(column.codes) if column.type is ColumnType.CODE else [True, False]
        )
        values = [(value, int(histogram[value])) for value in order if histogram.get(value)]
        if second:
            values.append((None, int(second)))
        return ColumnQuality(
            column.name,
            header,
            empty=empty,
            default=column.default,
            values=tuple(values),
            read_as=_read_as(column, cells),
        )
    if column.type in (ColumnType.DATE, ColumnType.INT, ColumnType.DECIMAL):
        return ColumnQuality(
            column.name, header, empty=empty, default=column.default, lowest=first, highest=second
        )
    return ColumnQuality(
        column.name,
        header,
        empty=empty,
        default=column.default,
        distinct=int(first),
    )


def _read_as(column: Column, cells: Mapping[str, int]) -> tuple[tuple[str, object, int], ...]:
    """The spellings that are not the canonical code itself, most frequent first: e.g.
    ("weiblich", "w", 512), ("Agentur für Arbeit", "BA", 40), ("x", True, 12)."""
    read: list[tuple[str, object, int]] = []
    if column.type is ColumnType.CODE:
        lookup = column.code_lookup()
        written = {
            spelling.strip().lower(): spelling
            for code, aliases in column.codes.items()
            for spelling in (code, *aliases)
        }
        for spelling, n in cells.items():
            code = lookup.get(spelling)
            if spelling == EMPTY or code is None or spelling == code.lower():
                continue
            read.append((written[spelling], code, n))
    else:
        for spelling, n in cells.items():
            if spelling in (EMPTY, "ja", "nein"):
                continue
            if spelling in TRUE_SPELLINGS:
                read.append((spelling, True, n))
            elif spelling in FALSE_SPELLINGS:
                read.append((spelling, False, n))
    return tuple(sorted(read, key=lambda item: (-item[2], item[0])))
