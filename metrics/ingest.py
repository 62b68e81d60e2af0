"""Import HR exports (CSV, XLSX, Parquet) into the store: read -> normalise -> validate -> commit.

Every file is first staged in an in-memory DuckDB database as text, then parsed and validated in
SQL (fast enough for millions of rows). Only a batch without a single problem reaches the store,
and it does so by copy-and-rename: the store is copied, the copy changed in one explicit
transaction, checkpointed and renamed over the original. A refused or interrupted import therefore
leaves every byte of the store as it was.
"""

from __future__ import annotations

import codecs
import csv
import fcntl
import hashlib
import hmac
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from metrics import store
from metrics.contract import (
    DIRECT_IDENTIFIER_HEADERS,
    FALSE_SPELLINGS,
    MIN_WORKING_AGE,
    SOURCES_BY_KIND,
    TRUE_SPELLINGS,
    Column,
    ColumnType,
    Source,
    header_lookup,
    normalise_header,
    recognise_source,
)
from metrics.i18n import Lang, format_number, t

MAX_REPORTED_PROBLEMS = 20
_CHUNK = 16 * 1024 * 1024
# header fragments that identify a person wherever they appear in a header
_DIRECT_IDENTIFIER_FRAGMENTS = (
    "e-mail",
    "geburtsdatum",
    "iban",
    "sv-nummer",
    "steuer-id",
    "telefon",
    "vorname",
    "nachname",
    "sozialversicherung",
)

Progress = Callable[[str], None]


# --- problems and results ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a file; rendered in the user's language only when shown."""

    key: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict[str, object] = field(default_factory=dict)

    def render(self, lang: Lang = "de") -> str:
        expected = t(self.key, lang, **self.params)
        if self.row is not None and self.column is not None:
            return t(
                "import.problem_row",
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

    def report(self, lang: Lang = "de") -> str:
        lines = [t("import.refused", lang, file=self.file_name, count=self.total)]
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

    def coverage_text(self) -> str:
        return _coverage_text(self.coverage)

    def summary(self, lang: Lang = "de") -> str:
        source = SOURCES_BY_KIND[self.kind]
        kind = source.label_de if lang == "de" else source.label_en
        lines = [
            t(
                "import.done",
                lang,
                file=self.file_name,
                rows=format_number(self.rows, lang),
                kind=kind,
                coverage=self.coverage_text(),
                replaced=format_number(self.replaced_rows, lang),
            )
        ]
        if self.unknown_columns:
            lines.append(t("import.unknown_columns", lang, columns=", ".join(self.unknown_columns)))
        if self.demo_replaced:
            lines.append(t("import.demo_replaced", lang))
        return "\n".join(lines)


def _shorten(value: str | None, limit: int = 60) -> str:
    if value is None:
        return ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _coverage_text(coverage: Sequence[str]) -> str:
    if len(coverage) <= 3:
        return ", ".join(coverage)
    return f"{coverage[0]} … {coverage[-1]} ({len(coverage)})"


# --- staging: any file format -> a text table `raw_<n>` with a `_row` column --------------------


@dataclass
class StagedFile:
    """A validated file in the staging database, ready to be committed."""

    path: Path
    file_name: str
    sha256: str
    source: Source
    table: str  # clean table in the staging database, store column names
    rows: int
    coverage: tuple[str, ...]
    unknown_columns: tuple[str, ...]


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _file_digest_and_encoding(path: Path, file_name: str) -> tuple[str, str]:
    """SHA-256 of the file and its text encoding (utf-8 or cp1252); refuses NUL bytes."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    is_utf8 = True
    lines_before = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            nul = chunk.find(b"\x00")
            if nul >= 0:
                row = lines_before + chunk.count(b"\n", 0, nul) + 1
                raise ImportRefused(file_name, [Problem("import.nul_bytes", params={"row": row})])
            lines_before += chunk.count(b"\n")
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    return digest.hexdigest(), ("utf-8" if is_utf8 else "cp1252")


def _transcode_to_utf8(path: Path, target: Path) -> None:
    # DuckDB's own latin-1 reader rejects the Windows-1252 bytes 0x80-0x9F (€, „, “, –)
    decoder = codecs.getincrementaldecoder("cp1252")("replace")
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:
        while chunk := source.read(_CHUNK):
            sink.write(decoder.decode(chunk))
        sink.write(decoder.decode(b"", final=True))


def _read_header_line(path: Path, encoding: str) -> str:
    with path.open(
        "r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace", newline=""
    ) as handle:
        return handle.readline().rstrip("\r\n")


def _detect_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", "\t", ",")}
    return max(counts, key=lambda delimiter: counts[delimiter])


_CSV_ERROR_LINE = re.compile(r"CSV Error on Line: (\d+)")
_CSV_COLUMN_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _stage_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    file_name: str,
    encoding: str,
    raw_table: str,
    workdir: Path,
) -> list[str]:
    header_line = _read_header_line(path, encoding)
    if not header_line.strip():
        raise ImportRefused(file_name, [Problem("import.empty_file")])
    delimiter = _detect_delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter, quotechar='"'))
    readable = path
    if encoding != "utf-8":
        readable = workdir / f"{raw_table}.csv"
        _transcode_to_utf8(path, readable)
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))}
    try:
        con.execute(
            f"""CREATE TEMP TABLE {raw_table}_0 AS SELECT * FROM read_csv(?, header = false,
                skip = 1, delim = ?, quote = '"', escape = '"', strict_mode = true,
                auto_detect = false, columns = ?, null_padding = false)""",
            [str(readable), delimiter, columns],
        )
    except duckdb.Error as error:
        raise ImportRefused(file_name, [_csv_structure_problem(str(error), len(headers))]) from None
    # the table keeps the file's order, so rowid + 2 is the row number as in the file
    con.execute(f"CREATE TEMP TABLE {raw_table} AS SELECT rowid + 2 AS _row, * FROM {raw_table}_0")
    con.execute(f"DROP TABLE {raw_table}_0")
    return headers


def _csv_structure_problem(message: str, header_columns: int) -> Problem:
    line = _CSV_ERROR_LINE.search(message)
    counts = _CSV_COLUMN_COUNT.search(message)
    row = int(line.group(1)) if line else None
    if counts and row is not None:
        return Problem(
            "import.ragged_row",
            params={"row": row, "found": int(counts.group(2)), "expected": header_columns},
        )
    detail = message.splitlines()[0] if message else "?"
    if row is not None:
        return Problem("import.csv_structure", params={"row": row, "detail": detail[:200]})
    return Problem("import.unreadable", params={"detail": detail[:200]})


def _as_text(value: object) -> str | None:
    """A cell from Excel or Parquet as the text a CSV export would have held."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _stage_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, raw_table: str) -> None:
    text = pd.DataFrame(
        {
            f"c{i}": pd.Series([_as_text(v) for v in frame.iloc[:, i]], dtype=object)
            for i in range(frame.shape[1])
        }
    )
    text.insert(0, "_row", range(2, len(text) + 2))
    con.register("frame_view", text)
    con.execute(f"CREATE TEMP TABLE {raw_table} AS SELECT * FROM frame_view")
    con.unregister("frame_view")


def _stage_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, file_name: str, raw_table: str
) -> list[str]:
    try:
        # openpyxl parses with defusedxml when it is installed (a dependency of this package)
        frame = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except Exception as error:
        raise ImportRefused(
            file_name, [Problem("import.unreadable", params={"detail": str(error)[:200]})]
        ) from None
    if frame.empty:
        raise ImportRefused(file_name, [Problem("import.empty_file")])
    headers = [_as_text(v) or "" for v in frame.iloc[0]]
    _stage_frame(con, frame.iloc[1:].reset_index(drop=True), raw_table)
    return headers


def _stage_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, file_name: str, raw_table: str
) -> list[str]:
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        headers = [row[0] for row in described]
        casts = ", ".join(
            f"CAST({_quote_identifier(name)} AS VARCHAR) AS c{i}" for i, name in enumerate(headers)
        )
        con.execute(
            f"CREATE TEMP TABLE {raw_table}_0 AS SELECT {casts} FROM read_parquet(?)", [str(path)]
        )
    except duckdb.Error as error:
        raise ImportRefused(
            file_name, [Problem("import.unreadable", params={"detail": str(error)[:200]})]
        ) from None
    con.execute(f"CREATE TEMP TABLE {raw_table} AS SELECT rowid + 2 AS _row, * FROM {raw_table}_0")
    con.execute(f"DROP TABLE {raw_table}_0")
    return headers


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- header mapping ------------------------------------------------------------------------------


def _map_headers(
    headers: list[str], file_name: str, kind: str | None
) -> tuple[Source, dict[str, str], tuple[str, ...]]:
    """(source, canonical name -> raw column cN, unknown headers) or a refusal."""
    problems = [
        Problem("import.direct_identifier", column=header)
        for header in headers
        if normalise_header(header) in DIRECT_IDENTIFIER_HEADERS
        or any(fragment in normalise_header(header) for fragment in _DIRECT_IDENTIFIER_FRAGMENTS)
    ]
    if problems:
        raise ImportRefused(file_name, problems)
    if not any(normalise_header(h) for h in headers):
        raise ImportRefused(file_name, [Problem("import.empty_file")])
    source = SOURCES_BY_KIND[kind] if kind else recognise_source(headers)
    if source is None:
        raise ImportRefused(file_name, [_closest_source_problem(headers)])
    lookup = header_lookup(source)
    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        column = lookup.get(normalise_header(header))
        if column is None:
            if normalise_header(header):
                unknown.append(header)
            continue
        if column.name in mapping:
            problems.append(
                Problem(
                    "import.duplicate_column", column=header, params={"other": seen[column.name]}
                )
            )
            continue
        mapping[column.name] = f"c{index}"
        seen[column.name] = header
    problems += [
        Problem(
            "import.missing_column",
            column=_display_name(column),
            params={"aliases": ", ".join(column.header_names())},
        )
        for column in source.required
        if column.name not in mapping
    ]
    if problems:
        raise ImportRefused(file_name, problems)
    return source, mapping, tuple(unknown)


def _display_name(column: Column) -> str:
    return column.aliases[0] if column.aliases else column.name


def _closest_source_problem(headers: list[str]) -> Problem:
    normalised = {normalise_header(h) for h in headers}
    best: tuple[int, Source, list[str]] | None = None
    for source in SOURCES_BY_KIND.values():
        lookup = header_lookup(source)
        present = {lookup[h].name for h in normalised if h in lookup}
        missing = [_display_name(c) for c in source.required if c.name not in present]
        if best is None or len(present) > best[0]:
            best = (len(present), source, missing)
    assert best is not None
    return Problem(
        "import.unknown_kind", params={"source": best[1].label_de, "missing": ", ".join(best[2])}
    )


# --- parsing and validation in SQL ----------------------------------------------------------------


def _value(raw: str) -> str:
    return f"nullif(trim({raw}), '')"


def _parse_expression(column: Column, raw: str) -> str:
    """SQL turning the raw text column into the canonical typed value (NULL if unparseable)."""
    v = _value(raw)
    match column.type:
        case ColumnType.DATE:
            return (
                f"coalesce(try_strptime({v}, '%d.%m.%Y'), try_strptime({v}, '%Y-%m-%d'), "
                f"try_strptime({v}, '%Y-%m-%d %H:%M:%S'))::DATE"
            )
        case ColumnType.INT:
            as_double = f"try_cast(replace({v}, ',', '.') AS DOUBLE)"
            return (
                f"CASE WHEN regexp_full_match({v}, '[+-]?\\d{{1,3}}(\\.\\d{{3}})+') "
                f"THEN try_cast(replace({v}, '.', '') AS BIGINT) "
                f"WHEN isfinite({as_double}) AND {as_double} = round({as_double}) "
                f"AND abs({as_double}) < 1e15 THEN {as_double}::BIGINT END"
            )
        case ColumnType.DECIMAL:
            german = f"replace(replace({v}, '.', ''), ',', '.')"
            parsed = f"try_cast(CASE WHEN contains({v}, ',') THEN {german} ELSE {v} END AS DOUBLE)"
            return f"CASE WHEN isfinite({parsed}) THEN {parsed} END"
        case ColumnType.BOOL:
            trues = ", ".join(_sql_literal(s) for s in TRUE_SPELLINGS)
            falses = ", ".join(_sql_literal(s) for s in FALSE_SPELLINGS if s)
            return (
                f"CASE WHEN lower({v}) IN ({trues}) THEN true "
                f"WHEN lower({v}) IN ({falses}) THEN false END"
            )
        case ColumnType.CODE:
            cases = " ".join(
                f"WHEN {_sql_literal(spelling)} THEN {_sql_literal(code)}"
                for spelling, code in column.code_lookup().items()
            )
            return f"CASE lower({v}) {cases} END"
        case ColumnType.TEXT if column.name == "pay_group":
            return _pay_group_expression(v)
        case ColumnType.TEXT | ColumnType.PSEUDONYM:
            return v
    raise AssertionError(column.type)


def _pay_group_expression(v: str) -> str:
    """'E9b' -> 'E 9b', 'te  iv' -> 'TE IV', 'a 11' -> 'A 11': one spelling per pay group."""
    parts = f"regexp_extract({v}, '^([A-Za-z]+)\\s*([0-9]+[A-Za-z]?|[IVXivx]+)$', "
    prefix, rest = parts + "1)", parts + "2)"
    return (
        f"CASE WHEN {rest} = '' THEN {v} "
        f"WHEN regexp_full_match({rest}, '[IVXivx]+') THEN upper({prefix}) || ' ' || upper({rest}) "
        f"ELSE upper({prefix}) || ' ' || lower({rest}) END"
    )


def _expectation(column: Column) -> tuple[str, dict[str, object]]:
    match column.type:
        case ColumnType.DATE:
            return "expect.date", {}
        case ColumnType.INT:
            return "expect.int", {}
        case ColumnType.DECIMAL:
            return "expect.decimal", {}
        case ColumnType.BOOL:
            return "expect.bool", {}
        case ColumnType.CODE:
            return "expect.code", {"codes": ", ".join(column.codes)}
    raise AssertionError(column.type)


@dataclass(frozen=True)
class _Check:
    """A validation: rows where `condition` holds are problems of `column`."""

    column: str  # canonical column the value comes from
    condition: str  # SQL over the typed table
    key: str
    params: dict[str, object] = field(default_factory=dict)
    # SQL for extra params per row, e.g. the row of the first duplicate
    detail_sql: str = "NULL"


def _checks(source: Source, mapping: dict[str, str]) -> list[_Check]:
    checks: list[_Check] = []
    today = date.today()
    for column in source.columns:
        if column.name not in mapping:
            continue
        raw, value = f"raw_{column.name}", column.name
        if column.required:
            checks.append(_Check(column.name, f"{raw} IS NULL", "expect.required"))
        if column.type not in (ColumnType.TEXT, ColumnType.PSEUDONYM):
            key, params = _expectation(column)
            checks.append(
                _Check(column.name, f"{raw} IS NOT NULL AND {value} IS NULL", key, params)
            )
        if column.name == "full_time_hours":
            checks.append(_Check(column.name, f"{value} <= 0", "expect.positive"))
        if column.minimum is not None and column.maximum is not None:
            checks.append(
                _Check(
                    column.name,
                    f"{value} < {column.minimum} OR {value} > {column.maximum}",
                    "expect.range",
                    {"minimum": _number(column.minimum), "maximum": _number(column.maximum)},
                )
            )
        elif column.minimum is not None and column.name != "birth_year":
            checks.append(
                _Check(
                    column.name,
                    f"{value} < {column.minimum}",
                    "expect.at_least",
                    {"minimum": _number(column.minimum)},
                )
            )
        if column.type is ColumnType.DATE and column.name != "entry_date":
            checks.append(
                _Check(column.name, f"{value} > DATE '{today.isoformat()}'", "expect.future_date")
            )
    if source.kind == "personnel":
        birth = source.column("birth_year")
        checks.append(
            _Check(
                "birth_year",
                f"birth_year < {birth.minimum} "
                f"OR birth_year > year(reporting_date) - {MIN_WORKING_AGE}",
                "expect.birth_year",
                {"minimum": int(birth.minimum or 0)},
                detail_sql=f"year(reporting_date) - {MIN_WORKING_AGE}",
            )
        )
        checks.append(
            _Check(
                "person_id",
                "_first_row IS NOT NULL",
                "expect.duplicate_person",
                detail_sql="strftime(reporting_date, '%d.%m.%Y') || '|' || _first_row",
            )
        )
    if source.kind in ("survey", "survey_invited"):
        checks.append(_Check("wave", f"wave > {today.year}", "expect.future_wave"))
    if source.kind == "survey_invited":
        checks.append(
            _Check(
                "wave", "_first_row IS NOT NULL", "expect.duplicate_wave", detail_sql="_first_row"
            )
        )
    return checks


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _build_typed_table(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    mapping: dict[str, str],
    raw_table: str,
    typed_table: str,
) -> None:
    selects = ["_row"]
    for column in source.columns:
        if column.name in mapping:
            raw = mapping[column.name]
            selects.append(f"{_value(raw)} AS raw_{column.name}")
            parsed = _parse_expression(column, raw)
            if column.default is not None:
                default = (
                    _sql_literal(column.default)
                    if isinstance(column.default, str)
                    else str(column.default).lower()
                )
                parsed = f"CASE WHEN {_value(raw)} IS NULL THEN {default} ELSE {parsed} END"
            selects.append(f"{parsed} AS {column.name}")
    raw_columns = [mapping[c.name] for c in source.columns if c.name in mapping]
    all_empty = " AND ".join(f"{_value(raw)} IS NULL" for raw in raw_columns)
    con.execute(
        f"CREATE TEMP TABLE {typed_table}_0 AS SELECT {', '.join(selects)} "
        f"FROM {raw_table} WHERE NOT ({all_empty})"
    )
    # duplicates: the row of the first occurrence, for the later occurrences
    duplicate_key = {"personnel": "reporting_date, person_id", "survey_invited": "wave"}.get(
        source.kind
    )
    if duplicate_key:
        con.execute(f"""CREATE TEMP TABLE {typed_table} AS SELECT *,
            CASE WHEN row_number() OVER w > 1 THEN min(_row) OVER w END AS _first_row
            FROM {typed_table}_0 WINDOW w AS (PARTITION BY {duplicate_key} ORDER BY _row)""")
        con.execute(f"DROP TABLE {typed_table}_0")
    else:
        con.execute(f"ALTER TABLE {typed_table}_0 RENAME TO {typed_table}")


def _find_problems(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    headers: list[str],
    mapping: dict[str, str],
    typed_table: str,
) -> tuple[list[Problem], int]:
    checks = _checks(source, mapping)
    if not checks:
        return [], 0
    union = " UNION ALL ".join(
        f"SELECT _row, {i} AS check_index, CAST(raw_{check.column} AS VARCHAR) AS value, "
        f"CAST({check.detail_sql} AS VARCHAR) AS detail FROM {typed_table} "
        f"WHERE coalesce(({check.condition}), false)"
        for i, check in enumerate(checks)
    )
    con.execute(f"CREATE TEMP TABLE {typed_table}_problems AS {union}")
    (total,) = con.execute(f"SELECT count(*) FROM {typed_table}_problems").fetchall()[0]
    rows = con.execute(
        f"SELECT _row, check_index, value, detail FROM {typed_table}_problems "
        f"ORDER BY _row, check_index LIMIT {MAX_REPORTED_PROBLEMS}"
    ).fetchall()
    con.execute(f"DROP TABLE {typed_table}_problems")
    header_of = {name: headers[int(raw[1:])] for name, raw in mapping.items()}
    problems = []
    for row, check_index, value, detail in rows:
        check = checks[check_index]
        params = dict(check.params)
        if check.key == "expect.duplicate_person":
            params["date"], params["first"] = detail.split("|")
        elif check.key == "expect.duplicate_wave":
            params["first"] = detail
        elif check.key == "expect.birth_year":
            params["maximum"] = detail
        problems.append(
            Problem(
                check.key, row=row, column=header_of[check.column], value=value or "", params=params
            )
        )
    return problems, total


# --- hashing of pseudonyms ------------------------------------------------------------------------


def load_secret(db_path: Path) -> bytes:
    """The HMAC key beside the store; created on first use, readable by the owner only."""
    path = store.secret_path(db_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def pseudonym_key(secret: bytes, raw_id: str) -> str:
    return hmac.new(secret, raw_id.encode("utf-8"), hashlib.sha256).hexdigest()


def _hash_pseudonyms(
    con: duckdb.DuckDBPyConnection, source: Source, typed_table: str, secret: bytes
) -> dict[str, str]:
    """Registers a raw id -> key table per pseudonym column; only distinct ids go through Python."""
    tables = {}
    for column in source.columns:
        if column.type is not ColumnType.PSEUDONYM:
            continue
        ids = [
            row[0]
            for row in con.execute(f"SELECT DISTINCT {column.name} FROM {typed_table}").fetchall()
        ]
        keys = pd.DataFrame(
            {"raw_id": ids, "key": [pseudonym_key(secret, i) for i in ids]}, dtype=object
        )
        table = f"{typed_table}_{column.name}_keys"
        con.register(f"{table}_view", keys)
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {table}_view")
        con.unregister(f"{table}_view")
        tables[column.name] = table
    return tables


def _build_clean_table(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    typed_table: str,
    clean_table: str,
    key_tables: dict[str, str],
) -> None:
    selects, joins = [], []
    for column in source.columns:
        if column.type is ColumnType.PSEUDONYM:
            alias = f"k_{column.name}"
            joins.append(
                f"JOIN {key_tables[column.name]} {alias} ON {alias}.raw_id = t.{column.name}"
            )
            selects.append(f"{alias}.key AS {column.store_name}")
        elif _has_column(con, typed_table, column.name):
            selects.append(f"t.{column.name} AS {column.store_name}")
        else:
            default = column.default
            literal = (
                "NULL"
                if default is None
                else _sql_literal(default)
                if isinstance(default, str)
                else str(default).lower()
            )
            selects.append(f"{literal} AS {column.store_name}")
    con.execute(
        f"CREATE TEMP TABLE {clean_table} AS SELECT {', '.join(selects)} "
        f"FROM {typed_table} t {' '.join(joins)} ORDER BY t._row"
    )


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return bool(
        con.execute(
            "SELECT 1 FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
            [table, column],
        ).fetchall()
    )


def _coverage_sql(source: Source) -> str:
    """SQL for the coverage value of a row: what an import of this row replaces."""
    if source.kind == "applications":
        return "CAST(year(application_date) AS VARCHAR)"
    if source.kind == "personnel":
        return "strftime(reporting_date, '%d.%m.%Y')"
    return "CAST(wave AS VARCHAR)"


def _replace_condition(source: Source) -> str:
    if source.kind == "applications":
        return "year(application_date) IN (SELECT DISTINCT year(application_date) FROM {clean})"
    column = source.coverage_column
    return f"{column} IN (SELECT DISTINCT {column} FROM {{clean}})"


# --- the batch: stage all files, then commit all or nothing -----------------------------------


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    index: int,
    workdir: Path,
    secret: bytes,
    *,
    kind: str | None = None,
    file_name: str | None = None,
    progress: Progress | None = None,
) -> StagedFile:
    """Reads, normalises and validates one file into the staging database, or refuses it."""
    file_name = file_name or path.name
    say = progress or (lambda _step: None)
    raw_table, typed_table, clean_table = f"raw_{index}", f"typed_{index}", f"clean_{index}"
    suffix = path.suffix.lower()
    say("progress.reading")
    if path.stat().st_size == 0:
        raise ImportRefused(file_name, [Problem("import.empty_file")])
    if suffix in (".csv", ".txt", ".tsv"):
        sha256, encoding = _file_digest_and_encoding(path, file_name)
        if encoding != "utf-8":
            say("progress.decoding")
        say("progress.parsing")
        headers = _stage_csv(con, path, file_name, encoding, raw_table, workdir)
    elif suffix in (".xlsx", ".xlsm"):
        sha256 = _sha256(path)
        headers = _stage_xlsx(con, path, file_name, raw_table)
    elif suffix == ".parquet":
        sha256 = _sha256(path)
        headers = _stage_parquet(con, path, file_name, raw_table)
    else:
        raise ImportRefused(
            file_name,
            [Problem("import.unsupported_format", params={"suffix": suffix or path.name})],
        )
    source, mapping, unknown = _map_headers(headers, file_name, kind)
    say("progress.validating")
    _build_typed_table(con, source, mapping, raw_table, typed_table)
    con.execute(f"DROP TABLE {raw_table}")
    (rows,) = con.execute(f"SELECT count(*) FROM {typed_table}").fetchall()[0]
    if rows == 0:
        raise ImportRefused(file_name, [Problem("import.empty_file")])
    problems, total = _find_problems(con, source, headers, mapping, typed_table)
    if problems:
        raise ImportRefused(file_name, problems, total)
    key_tables = _hash_pseudonyms(con, source, typed_table, secret)
    _build_clean_table(con, source, typed_table, clean_table, key_tables)
    for table in (typed_table, *key_tables.values()):
        con.execute(f"DROP TABLE {table}")
    coverage = tuple(
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT {_coverage_sql(source)} AS c, min({source.coverage_column}) AS o "
            f"FROM {clean_table} GROUP BY c ORDER BY o"
        ).fetchall()
    )
    return StagedFile(path, file_name, sha256, source, clean_table, rows, coverage, unknown)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _store_lock(db_path: Path) -> Iterator[None]:
    """Serialises writers: two imports at once would otherwise both copy the old store."""
    lock = store.lock_path(db_path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_demo_store(db_path: Path) -> bool:
    with store.open_store(db_path) as con:
        return store.store_status(con).demo


def _commit(
    con: duckdb.DuckDBPyConnection, staged: Sequence[StagedFile], db_path: Path, *, demo: bool
) -> list[ImportResult]:
    """Copies the store, applies the batch in one transaction, renames the copy over the store."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _store_lock(db_path):
        # real data never mixes with demo data: importing into a demo store starts afresh
        demo_replaced = not demo and db_path.exists() and _is_demo_store(db_path)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent
        )
        os.close(fd)
        tmp_path = Path(tmp_name)
        try:
            if db_path.exists() and not demo_replaced:
                shutil.copyfile(db_path, tmp_path)
                fresh = False
            else:
                tmp_path.unlink()
                fresh = True
            con.execute("ATTACH ? AS target", [str(tmp_path)])
            try:
                if fresh:
                    con.execute("USE target")
                    store.create_schema(con, demo=demo)
                    con.execute("USE memory")
                else:
                    store.check_schema(con, db_path, catalog="target")
                results = _apply_batch(con, staged, demo_replaced)
                con.execute("CHECKPOINT target")
            finally:
                con.execute("DETACH target")
            _fsync(tmp_path)
            os.replace(tmp_path, db_path)
            _fsync_directory(db_path.parent)
        finally:
            tmp_path.unlink(missing_ok=True)
            Path(f"{tmp_path}.wal").unlink(missing_ok=True)
    return results


def _apply_batch(
    con: duckdb.DuckDBPyConnection, staged: Sequence[StagedFile], demo_replaced: bool
) -> list[ImportResult]:
    results = []
    now = datetime.now()
    con.execute("BEGIN TRANSACTION")
    try:
        for item in staged:
            target = f"target.{item.source.table}"
            condition = _replace_condition(item.source).format(clean=item.table)
            (replaced,) = con.execute(
                f"SELECT count(*) FROM {target} WHERE {condition}"
            ).fetchall()[0]
            con.execute(f"DELETE FROM {target} WHERE {condition}")
            columns = ", ".join(c.store_name for c in item.source.columns)
            con.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {item.table}")
            con.execute(
                "INSERT INTO target.import_log VALUES (?, ?, ?, ?, ?, ?, ?, 'ok')",
                [
                    now,
                    item.file_name,
                    item.sha256,
                    item.source.kind,
                    item.rows,
                    _coverage_text(item.coverage),
                    replaced,
                ],
            )
            results.append(
                ImportResult(
                    item.file_name,
                    item.sha256,
                    item.source.kind,
                    item.rows,
                    item.coverage,
                    replaced,
                    item.unknown_columns,
                    demo_replaced,
                )
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return results


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def staging_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    # staged files are read by explicit path only; nothing else from the outside
    con.execute("SET preserve_insertion_order = true")
    return con


def import_files(
    paths: Sequence[Path],
    db_path: Path,
    *,
    kind: str | None = None,
    names: Sequence[str] | None = None,
    demo: bool = False,
    progress: Callable[[str, str], None] | None = None,
) -> list[ImportResult]:
    """Imports a batch of files, all or nothing. Raises ImportRefused (store untouched)."""
    paths = [Path(p) for p in paths]
    names = list(names) if names else [p.name for p in paths]
    secret = load_secret(db_path)
    con = staging_connection()
    staged: list[StagedFile] = []
    try:
        with tempfile.TemporaryDirectory(prefix="vielfalt-import-") as workdir:
            for index, (path, name) in enumerate(zip(paths, names, strict=True)):

                def say(step: str, name: str = name) -> None:
                    if progress:
                        progress(name, step)

                try:
                    staged.append(
                        stage_file(
                            con,
                            path,
                            index,
                            Path(workdir),
                            secret,
                            kind=kind,
                            file_name=name,
                            progress=say,
                        )
                    )
                except ImportRefused as refusal:
                    _log_refusal(db_path, path, refusal)
                    raise
            if progress:
                progress(", ".join(names), "progress.writing")
            return _commit(con, staged, db_path, demo=demo)
    finally:
        con.close()


def _log_refusal(db_path: Path, path: Path, refusal: ImportRefused) -> None:
    try:
        sha256 = _sha256(path)
    except OSError:
        sha256 = ""
    store.append_refusal(
        db_path,
        {
            "imported_at": datetime.now().isoformat(),
            "file_name": refusal.file_name,
            "sha256": sha256,
            "kind": "",
            "rows": 0,
            "coverage": "",
            "replaced_rows": 0,
            "outcome": "refused",
            "message": refusal.report("de"),
        },
    )
