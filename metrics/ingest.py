"""Import HR exports (CSV, XLSX, Parquet) into the store: read -> normalise -> validate -> commit.

Every file is first staged in an in-memory DuckDB database as text, then parsed and validated in
SQL (fast enough for millions of rows). Only a batch without a single problem reaches the store,
and it does so by copy-and-rename: the store is copied, the copy changed in one explicit
transaction, checkpointed and renamed over the original. A refused or interrupted import therefore
leaves every byte of the store as it was.

Besides the import itself this module holds every other write to the store (deleting what an
import covered, editing the invited count of a survey wave), all through the same copy-and-rename
under the same lock, and the preview the Data page shows before an import is committed.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import fcntl
import hashlib
import hmac
import logging
import math
import os
import re
import secrets
import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import defusedxml
import duckdb
import openpyxl
import openpyxl.utils
import pandas as pd

from metrics import store
from metrics.contract import (
    DIRECT_IDENTIFIER_HEADERS,
    FALSE_SPELLINGS,
    MIN_WORKING_AGE,
    SOURCES_BY_KIND,
    SURVEY_INVITED,
    TRUE_SPELLINGS,
    Column,
    ColumnType,
    Source,
    header_lookup,
    normalise_header,
    recognise_source,
)
from metrics.disclosure import DisclosureRules, count_text
from metrics.i18n import Lang, format_number, t
from metrics.store import coverage_summary, survey_waves  # re-exported for the Data page

__all__ = [
    "FilePreview",
    "ImportRefused",
    "ImportResult",
    "PreparedImport",
    "Problem",
    "check_upload_size",
    "coverage_summary",
    "delete_coverage",
    "import_files",
    "inspect_files",
    "load_secret",
    "prepare_import",
    "pseudonym_key",
    "set_invited",
    "stage_file",
    "survey_waves",
]

_log = logging.getLogger(__name__)
MAX_REPORTED_PROBLEMS = 20
STAGING_MEMORY_LIMIT = "4GB"
_CHUNK = 16 * 1024 * 1024
_MIB = 1024 * 1024
# the store keeps INT columns as 32-bit INTEGER: larger values are refused, not overflowed
_MAX_STORED_INT = 2**31 - 1
# a header line longer than this is not a header (e.g. a binary file without line breaks)
_MAX_HEADER_CHARS = 1_000_000
# XLSX is a zip: refuse archives that would unpack to more than this, or that are compressed far
# beyond what a spreadsheet reaches (a zip bomb); real exports unpack to 5-20 times their size
XLSX_MAX_UNPACKED_BYTES = 1024 * _MIB
_XLSX_SUSPICIOUS_RATIO = 200
_XLSX_RATIO_FLOOR_BYTES = 64 * _MIB
# cells are trimmed of these (DuckDB's trim() alone strips only spaces, not tabs or NBSP)
_TRIMMED = " \t\r\n\u00a0\u202f\ufeff"
# how the log names rows that came from no file
_DELETED_NAME_KEY = "data.deleted_file_name"
_MANUAL_ENTRY_NAME_KEY = "data.manual_entry_file_name"
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

    def summary(self, lang: Lang = "de", rules: DisclosureRules | None = None) -> str:
        """What was imported; the rows it replaced are store figures, published like any count
        (`rules`: the settings' disclosure rules)."""
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
                replaced=count_text(self.replaced_rows, lang, rules or DisclosureRules()),
            )
        ]
        if self.unknown_columns:
            lines.append(t("import.unknown_columns", lang, columns=", ".join(self.unknown_columns)))
        if self.demo_replaced:
            lines.append(t("import.demo_replaced", lang))
        return "\n".join(lines)


class DataEditRefused(ImportRefused):
    """A change typed into the Data page (not a file) was refused; nothing was written."""

    def report(self, lang: Lang = "de") -> str:
        lines = [t("data.edit_refused", lang, count=self.total)]
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


# --- staging: any file format -> a text table `raw_<n>` in the file's order ----------------------
# (the tables keep the order of insertion, so rowid + 2 is a row's number as in the file)


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
    # rows per coverage value, in coverage order
    coverage_rows: dict[str, int] = field(default_factory=dict)
    # canonical column name -> the header it had in the file (for messages)
    headers: dict[str, str] = field(default_factory=dict)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _utf16_variant(head: bytes) -> str | None:
    """'utf-16' (with BOM), 'utf-16-le'/'utf-16-be' (without), or None.

    Excel's "Unicode text" export is UTF-16 with BOM. Without a BOM, a header of Latin letters
    has a NUL as every other byte, which no 8-bit text file has."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: min(len(head), 512) // 2 * 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nuls >= 0.9 * half and even_nuls == 0:
        return "utf-16-le"
    if even_nuls >= 0.9 * half and odd_nuls == 0:
        return "utf-16-be"
    return None


@dataclass(frozen=True)
class _TextFile:
    """What one pass over a text file's bytes tells about reading it."""

    sha256: str
    # how the file is read: "utf-8" or "latin-1" by DuckDB directly; "cp1252" and the UTF-16
    # variants through a UTF-8 copy
    encoding: str
    # no cell can begin or end with a tab, NBSP, narrow NBSP, BOM or line break: the file has none
    # of them, nor a quote (a line break is in a cell only if quoted: DuckDB ends a line at any
    # unquoted CR or LF). A plain trim of spaces then cleans every cell as _TRIMMED would, at a
    # quarter of the cost.
    plain_edges: bool


# every byte but 0x80-0x9F: bytes.translate(None, _NOT_C1) keeps only those (a loop in C)
_NOT_C1 = bytes(range(0x80)) + bytes(range(0xA0, 0x100))
# bytes that can put a trimmable character other than a space at a cell's edge: tab, NBSP (0xA0
# in Windows-1252, C2 A0 in UTF-8; a stray A0 of another UTF-8 letter only costs speed), quote
_EDGE_BYTES = (b"\t", b"\xa0", b'"')
_EDGE_SEQUENCES = ("\u202f".encode(), codecs.BOM_UTF8)  # narrow NBSP, BOM (past the first)


def _file_digest_and_encoding(path: Path, file_name: str) -> _TextFile:
    """SHA-256 of the file, its text encoding and whether cells can be cleaned cheaply; refuses
    NUL bytes in 8-bit files (UTF-16 files are checked for NUL characters when decoded)."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    is_utf8, has_c1, plain_edges = True, False, True
    lines_before = 0
    tail = b""  # the previous chunk's last bytes: a sequence may straddle two chunks
    with path.open("rb") as handle:
        head = handle.read(512)
        utf16 = _utf16_variant(head)
        handle.seek(0)
        if utf16:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
            return _TextFile(digest.hexdigest(), utf16, plain_edges=False)
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
            has_c1 = has_c1 or bool(chunk.translate(None, _NOT_C1))
            if plain_edges:
                plain_edges = not any(b in chunk for b in _EDGE_BYTES)
                if plain_edges and is_utf8:
                    # a leading BOM is no cell's edge; a sequence may straddle two chunks
                    data = chunk[3:] if not tail and chunk.startswith(codecs.BOM_UTF8) else chunk
                    plain_edges = not any(
                        # memchr for the first byte is fast, the search for the sequence is not
                        (seq[:1] in data and seq in data) or seq in tail + chunk[:2]
                        for seq in _EDGE_SEQUENCES
                    )
            tail = (tail + chunk)[-2:]
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        encoding = "utf-8"
    elif not has_c1 and not head.startswith(codecs.BOM_UTF8):
        # Windows-1252 differs from Latin-1 only in 0x80-0x9F: without those bytes DuckDB reads
        # the file itself, with no decoded copy
        encoding = "latin-1"
    else:
        encoding = "cp1252"
    return _TextFile(digest.hexdigest(), encoding, plain_edges)


def _transcode_to_utf8(path: Path, target: Path, file_name: str, encoding: str = "cp1252") -> None:
    """Writes the file as UTF-8 for DuckDB, refusing NUL characters on the way.

    DuckDB's own latin-1 reader rejects the Windows-1252 bytes 0x80-0x9F (€, „, “, –) and it
    has no UTF-16 reader at all. Undecodable bytes become U+FFFD and then fail validation where
    they matter (a code, a number), with the row and column named."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    lines_before = 0
    started = False
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:

        def write(text: str) -> None:
            nonlocal lines_before, started
            if not started and text:
                started = True
                # a UTF-8 BOM in front of Windows-1252 text decodes to "ï»¿"
                text = text.removeprefix("\ufeff").removeprefix("ï»¿")
            nul = text.find("\x00")
            if nul >= 0:
                row = lines_before + text.count("\n", 0, nul) + 1
                raise ImportRefused(file_name, [Problem("import.nul_bytes", params={"row": row})])
            lines_before += text.count("\n")
            sink.write(text)

        while chunk := source.read(_CHUNK):
            write(decoder.decode(chunk))
        write(decoder.decode(b"", final=True))


def _read_header_line(path: Path, file_name: str, encoding: str = "utf-8") -> str:
    """The first line of a UTF-8 (BOM removed) or Latin-1 file."""
    python_encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    with path.open("r", encoding=python_encoding, errors="replace", newline="") as handle:
        line = handle.readline(_MAX_HEADER_CHARS)
    if len(line) >= _MAX_HEADER_CHARS and not line.endswith(("\n", "\r")):
        raise ImportRefused(
            file_name, [Problem("import.unreadable", params={"detail": "no header line"})]
        )
    return line.rstrip("\r\n")


def _detect_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", "\t", ",")}
    return max(counts, key=lambda delimiter: counts[delimiter])


_CSV_ERROR_LINE = re.compile(r"CSV Error on Line: (\d+)")
_CSV_COLUMN_COUNT = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


@dataclass(frozen=True)
class _CsvLayout:
    """A CSV file as DuckDB reads it: the file itself or its UTF-8 copy, and its header."""

    readable: Path
    encoding: str  # "utf-8" or "latin-1", as DuckDB's reader calls them
    delimiter: str
    headers: list[str]

    def read_csv_sql(self, types: Mapping[str, str] | None = None) -> str:
        """read_csv of the rows below the header: every column as text, or with `types` (raw
        column -> DuckDB type) dates as TT.MM.JJJJ and numbers with a decimal comma parsed."""
        columns = {f"c{i}": "VARCHAR" for i in range(len(self.headers))} | dict(types or {})
        # with ',' as the delimiter a decimal comma cannot be read typed (see _reader_types)
        decimal_separator = "," if self.delimiter != "," else "."
        struct = ", ".join(
            f"{_sql_literal(name)}: {_sql_literal(t)}" for name, t in columns.items()
        )
        return (
            f"read_csv({_sql_literal(str(self.readable))}, header = false, skip = 1, "
            f"delim = {_sql_literal(self.delimiter)}, quote = '\"', escape = '\"', "
            f"strict_mode = true, auto_detect = false, columns = {{{struct}}}, "
            f"null_padding = false, encoding = {_sql_literal(self.encoding)}, "
            f"dateformat = '%d.%m.%Y', decimal_separator = '{decimal_separator}')"
        )


@contextmanager
def _csv_layout(
    path: Path, file_name: str, encoding: str, workdir: Path, name: str
) -> Iterator[_CsvLayout]:
    """The file as DuckDB can read it, for as long as it is needed: a file in Windows-1252 with
    bytes 0x80-0x9F or in UTF-16 is decoded into a UTF-8 copy beside the store, removed after."""
    readable, read_as = path, encoding
    if encoding not in ("utf-8", "latin-1"):
        readable, read_as = workdir / f"{name}.csv", "utf-8"
    try:
        if readable != path:
            _transcode_to_utf8(path, readable, file_name, encoding)
        header_line = _read_header_line(readable, file_name, read_as)
        if not header_line.strip():
            raise ImportRefused(file_name, [Problem("import.empty_file")])
        delimiter = _detect_delimiter(header_line)
        headers = next(csv.reader([header_line], delimiter=delimiter, quotechar='"'), [])
        yield _CsvLayout(readable, read_as, delimiter, headers)
    finally:
        # the decoded copy holds raw ids: it must not outlive the staging
        if readable != path:
            readable.unlink(missing_ok=True)


def _stage_csv_text(
    con: duckdb.DuckDBPyConnection, layout: _CsvLayout, file_name: str, raw_table: str
) -> None:
    """Every cell as text into `raw_table`, or the file's structural fault as a refusal."""
    try:
        con.execute(f"CREATE TEMP TABLE {raw_table} AS SELECT * FROM {layout.read_csv_sql()}")
    except duckdb.Error as error:
        problem = _csv_structure_problem(str(error), len(layout.headers))
        raise ImportRefused(file_name, [problem]) from None


def _reader_types(source: Source, mapping: dict[str, str], delimiter: str) -> dict[str, str]:
    """Raw column -> DuckDB type for the dates and numbers the reader can parse to exactly the
    value the text path would give, or refuse (then the text path runs):

    - dates as TT.MM.JJJJ (the same strptime as the text path; ISO dates are refused);
    - numbers with a decimal comma, as DOUBLE: the reader refuses a point, so "1.000" never
      becomes 1 where the text path reads the thousands separator. Whole numbers and finite
      values are checked after reading, as in the text path. With ',' as the delimiter numbers
      stay text."""
    readable_types = {ColumnType.DATE: "DATE"}
    if delimiter != ",":
        readable_types |= {ColumnType.INT: "DOUBLE", ColumnType.DECIMAL: "DOUBLE"}
    return {
        mapping[column.name]: readable_types[column.type]
        for column in source.columns
        if column.name in mapping and column.type in readable_types
    }


def _stage_csv_typed(
    con: duckdb.DuckDBPyConnection,
    layout: _CsvLayout,
    source: Source,
    mapping: dict[str, str],
    typed_table: str,
    text_file: _TextFile,
) -> bool:
    """The fast path of a clean CSV: read, parse and check in one statement, DuckDB's reader
    parsing the dates and numbers (`_reader_types`) and no raw text kept. False (and nothing
    left behind) when the reader refuses a value or a row breaks a rule: the text path then
    judges the file, so only a clean file is taken here, and with the text path's values."""
    types = _reader_types(source, mapping, layout.delimiter)
    try:
        if _build_typed_table(
            con,
            source,
            mapping,
            layout.read_csv_sql(types),
            typed_table,
            plain_edges=text_file.plain_edges,
            read_typed=frozenset(types),
        ):
            return True
    except duckdb.Error:
        pass  # a value the reader does not take (an ISO date, a thousands separator, …)
    con.execute(f"DROP TABLE IF EXISTS {typed_table}")
    return False


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
    con.register("frame_view", text)
    con.execute(f"CREATE TEMP TABLE {raw_table} AS SELECT * FROM frame_view")
    con.unregister("frame_view")


def _check_xlsx_archive(path: Path, file_name: str) -> None:
    """Refuses what is not a zip, or a zip that would unpack far beyond a real spreadsheet.

    The sizes come from the zip directory; Python's zipfile never unpacks more than a member
    declares, so the declared total bounds the memory openpyxl can be made to use."""
    if not openpyxl.DEFUSEDXML:
        # without defusedxml openpyxl would expand XML entities (billion laughs)
        raise ImportRefused(file_name, [Problem("import.xlsx_unsafe_reader")])
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(info.file_size for info in members)
            size = max(path.stat().st_size, 1)
            too_compressed = (
                unpacked > _XLSX_RATIO_FLOOR_BYTES and unpacked > _XLSX_SUSPICIOUS_RATIO * size
            )
            if unpacked > XLSX_MAX_UNPACKED_BYTES or too_compressed:
                problem = Problem(
                    "import.xlsx_too_large", params={"size": math.ceil(unpacked / _MIB)}
                )
                raise ImportRefused(file_name, [problem])
            if any(_declares_entities(archive, info) for info in members):
                raise ImportRefused(file_name, [Problem("import.xlsx_entities")])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ImportRefused(
            file_name, [Problem("import.unreadable", params={"detail": f"no XLSX file ({error})"})]
        ) from None


def _declares_entities(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Does this XML part declare a DTD? Excel never writes one; entity attacks need one. A DTD
    precedes the root element, so the part's first kilobytes tell (in any of XML's encodings)."""
    if not info.filename.endswith((".xml", ".rels", ".vml")):
        return False
    with archive.open(info) as member:
        head = member.read(8192)
    for encoding in ("utf-8", "utf-16"):
        try:
            text = head.decode(encoding, errors="ignore")
        except UnicodeError:  # pragma: no cover - errors="ignore" does not raise
            continue
        if "<!DOCTYPE" in text or "<!ENTITY" in text:
            return True
    return False


def _caused_by_entities(error: BaseException) -> bool:
    """openpyxl wraps defusedxml's refusal in a generic ValueError: look down the chain."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, defusedxml.DefusedXmlException) or "entity" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _stage_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, file_name: str, raw_table: str
) -> list[str]:
    _check_xlsx_archive(path, file_name)
    try:
        # openpyxl parses with defusedxml (a dependency of this package; checked above)
        rows = _read_xlsx_rows(path, file_name)
    except ImportRefused:
        raise
    except Exception as error:
        if _caused_by_entities(error):
            raise ImportRefused(file_name, [Problem("import.xlsx_entities")]) from None
        raise ImportRefused(
            file_name, [Problem("import.unreadable", params={"detail": _detail(error)})]
        ) from None
    if not rows:
        raise ImportRefused(file_name, [Problem("import.empty_file")])
    width = max(len(row) for row in rows)
    frame = pd.DataFrame([row + [None] * (width - len(row)) for row in rows], dtype=object)
    headers = [_as_text(v) or "" for v in frame.iloc[0]]
    _stage_frame(con, frame.iloc[1:].reset_index(drop=True), raw_table)
    return headers


def _read_xlsx_rows(path: Path, file_name: str) -> list[list[object]]:
    """The first sheet's cell values, row by row as numbered in Excel (gaps included).

    A formula counts with the value Excel stored for it; a formula without a stored value (a
    workbook written by a program, never opened in Excel) is refused with its row and column,
    instead of silently becoming empty or 0. Error cells (#NV, #DIV/0!) stay visible as text,
    so validation names them instead of treating them as empty (an empty optional cell would
    silently take its default)."""
    formulas: dict[tuple[int, int], str] = {}
    rows: list[list[object]] = []
    for row_number, row in enumerate(_xlsx_cells(path, data_only=False), start=1):
        values: list[object] = []
        for column_number, cell in enumerate(row):
            if cell.data_type == "f":
                formulas[(row_number, column_number)] = str(cell.value)
                values.append(None)
            elif cell.data_type == "e":
                values.append(str(cell.value))
            else:
                values.append(cell.value)
        rows.append(values)
    if not formulas:
        return rows
    # only workbooks with formulas are read a second time, for the values Excel stored
    formula_rows = {row_number for row_number, _ in formulas}
    for row_number, row in enumerate(_xlsx_cells(path, data_only=True), start=1):
        if row_number not in formula_rows:
            continue
        for column_number, cell in enumerate(row):
            if (row_number, column_number) in formulas and cell.value not in (None, ""):
                rows[row_number - 1][column_number] = (
                    str(cell.value) if cell.data_type == "e" else cell.value
                )
                del formulas[(row_number, column_number)]
    if formulas:
        header = rows[0]
        problems = [
            Problem(
                "expect.formula_without_value",
                row=row_number,
                column=(_as_text(header[column]) if column < len(header) else None)
                or openpyxl.utils.get_column_letter(column + 1),
                value=formula,
            )
            for (row_number, column), formula in sorted(formulas.items())
        ]
        raise ImportRefused(file_name, problems[:MAX_REPORTED_PROBLEMS], len(problems))
    return rows


def _xlsx_cells(path: Path, *, data_only: bool) -> Iterator[tuple[Any, ...]]:
    # our own handle: openpyxl leaves its zip open when the workbook part fails to parse
    with path.open("rb") as handle:
        workbook = openpyxl.load_workbook(
            handle, read_only=True, data_only=data_only, keep_links=False
        )
        try:
            sheet = workbook.worksheets[0]
            # the stored sheet dimensions may be wrong (other writers): find the used range
            sheet.reset_dimensions()
            yield from sheet.iter_rows()
        finally:
            workbook.close()


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
            f"CREATE TEMP TABLE {raw_table} AS SELECT {casts} FROM read_parquet(?)", [str(path)]
        )
    except duckdb.Error as error:
        raise ImportRefused(
            file_name, [Problem("import.unreadable", params={"detail": _detail(error)})]
        ) from None
    return headers


def _detail(error: BaseException) -> str:
    """The first line of an error message, short enough for a refusal report."""
    message = str(error).strip().splitlines()
    return (message[0] if message else type(error).__name__)[:200]


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


def _parse_expression(column: Column, v: str) -> str:
    """SQL turning a cleaned text value (`_cleaned`: trimmed, NULL for an empty cell) into the
    canonical typed value (NULL if unparseable)."""
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
    """'E9b' -> 'E 9b', 'te  iv' -> 'TE IV', 'TEIV' -> 'TE IV', 'a 11' -> 'A 11': one spelling per
    pay group. A Roman numeral needs a space before it, except after TE (Tätigkeitsebene):
    otherwise the final i of 'Azubi' would be read as a numeral."""
    prefix = f"upper(regexp_extract({v}, '^([A-Za-z]+)', 1))"
    numeral = f"upper(regexp_extract({v}, '([IVXivx]+)$', 1))"
    return (
        # spelt as stored already (most cells): one match instead of up to three and extracts
        f"CASE WHEN regexp_full_match({v}, '[A-Z]+ [0-9]+[a-z]?|TE [IVX]+') THEN {v} "
        f"WHEN regexp_full_match({v}, '[A-Za-z]+\\s*[0-9]+[A-Za-z]?') "
        f"THEN {prefix} || ' ' || lower(regexp_extract({v}, '([0-9]+[A-Za-z]?)$', 1)) "
        f"WHEN regexp_full_match({v}, '(?i)te\\s*[ivx]+') THEN 'TE ' || {numeral} "
        f"WHEN regexp_full_match({v}, '[A-Za-z]+\\s+[IVXivx]+') "
        f"THEN {prefix} || ' ' || {numeral} "
        f"ELSE {v} END"
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
        if column.type is ColumnType.INT and column.maximum is None:
            # birth_year has its own upper bound; others (invited) only the store's INTEGER
            checks.append(
                _Check(
                    column.name,
                    f"{value} > {_MAX_STORED_INT} OR {value} < {-_MAX_STORED_INT}",
                    "expect.too_large",
                )
            )
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


# a person at a reporting date, and a survey wave's invited count, exist once: in a file, in a
# batch and in the store (canonical column names)
_UNIQUE_KEYS = {"personnel": ("reporting_date", "person_id"), "survey_invited": ("wave",)}


def _cleaned(raw: str, plain_edges: bool) -> str:
    """A cell trimmed, empty -> NULL; `plain_edges`: the file allows only spaces at edges."""
    characters = "" if plain_edges else f", {_sql_literal(_TRIMMED)}"
    return f"nullif(trim({raw}{characters}), '')"


def _typed_select(
    source: Source,
    mapping: dict[str, str],
    rows_sql: str,
    plain_edges: bool,
    read_typed: frozenset[str] = frozenset(),
    *,
    row_numbers: bool = False,
) -> str:
    """Every row of `rows_sql` (a raw table or a read_csv), in the file's order: each cell cleaned
    (`raw_<column>`) and parsed (`<column>`), `_empty` for a row without a value, and with
    `row_numbers` (a table only) `_row` as in the file. `read_typed`: raw columns the reader
    parsed already (see `_reader_types`).

    Each cell is cleaned once, in an inner projection: the parse expressions use it up to five
    times, and cleaning is the costly part."""
    present = [column for column in source.columns if column.name in mapping]
    cleaned = ", ".join(
        f"{raw if raw in read_typed else _cleaned(raw, plain_edges)} AS raw_{c.name}"
        for c in present
        for raw in [mapping[c.name]]
    )
    all_empty = " AND ".join(f"raw_{c.name} IS NULL" for c in present)
    selects = ["_row"] if row_numbers else []
    for column in present:
        value = f"raw_{column.name}"
        selects.append(value)
        if mapping[column.name] in read_typed:
            parsed = _read_value_expression(column, value)
        else:
            parsed = _parse_expression(column, value)
        if column.default is not None:
            default = (
                _sql_literal(column.default)
                if isinstance(column.default, str)
                else str(column.default).lower()
            )
            parsed = f"CASE WHEN {value} IS NULL THEN {default} ELSE {parsed} END"
        selects.append(f"{parsed} AS {column.name}")
    selects.append(f"({all_empty}) AS _empty")
    numbers = "rowid + 2 AS _row, " if row_numbers else ""
    return f"SELECT {', '.join(selects)} FROM (SELECT {numbers}{cleaned} FROM {rows_sql})"


def _read_value_expression(column: Column, value: str) -> str:
    """A value the reader parsed, held to the text path's rules: finite numbers, whole numbers
    below 1e15 for an INT (otherwise NULL, which the checks count as unparseable)."""
    match column.type:
        case ColumnType.DATE:
            return value
        case ColumnType.DECIMAL:
            return f"CASE WHEN isfinite({value}) THEN {value} END"
        case ColumnType.INT:
            return (
                f"CASE WHEN isfinite({value}) AND {value} = round({value}) "
                f"AND abs({value}) < 1e15 THEN {value}::BIGINT END"
            )
    raise AssertionError(column.type)


def _build_typed_table(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    mapping: dict[str, str],
    rows_sql: str,
    typed_table: str,
    *,
    plain_edges: bool = False,
    read_typed: frozenset[str] = frozenset(),
) -> bool:
    """The parsed rows of `rows_sql` without their raw text, in the file's order (rowid + 2 is
    the row number; empty rows stay, flagged `_empty`); False if a row breaks a rule (then
    `_build_report_table` and `_find_problems` say which).

    One pass evaluates every check into a flag per row; duplicates are counted by a hash
    aggregate. The row numbers and raw values of a report cost a window over the whole table
    and a copy of every cell: only a refused file pays for them."""
    typed = [column.name for column in source.columns if column.name in mapping]
    bad = " OR ".join(
        f"coalesce(({check.condition}), false)"
        for check in _checks(source, mapping)
        if "_first_row" not in check.condition  # duplicates: counted below
    )
    select = _typed_select(source, mapping, rows_sql, plain_edges, read_typed)
    con.execute(
        f"CREATE TEMP TABLE {typed_table} AS SELECT {', '.join(typed)}, "
        f"NOT _empty AND ({bad or 'false'}) AS _bad, _empty FROM ({select})"
    )
    (bad_rows,) = con.execute(f"SELECT count(*) FROM {typed_table} WHERE _bad").fetchall()[0]
    keys = _UNIQUE_KEYS.get(source.kind)
    duplicates = 0
    if keys and not bad_rows:
        known = " AND ".join(f"{key} IS NOT NULL" for key in keys)
        (duplicates,) = con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {typed_table} WHERE {known} AND NOT _empty "
            f"GROUP BY {', '.join(keys)} HAVING count(*) > 1)"
        ).fetchall()[0]
    return not bad_rows and not duplicates


def _build_report_table(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    mapping: dict[str, str],
    raw_table: str,
    typed_table: str,
) -> None:
    """The parsed rows with their row number, raw text and, for a duplicate, the row of its
    first occurrence: what `_find_problems` needs to name row, column and value."""
    select = (
        f"SELECT * EXCLUDE (_empty) FROM "
        f"({_typed_select(source, mapping, raw_table, plain_edges=False, row_numbers=True)}) "
        f"WHERE NOT _empty"
    )
    keys = _UNIQUE_KEYS.get(source.kind)
    if keys:
        # rows whose key is empty or unparseable are reported as such, not as duplicates
        known = " AND ".join(f"{key} IS NOT NULL" for key in keys)
        con.execute(f"""CREATE TEMP TABLE {typed_table} AS SELECT *,
            CASE WHEN {known} AND row_number() OVER w > 1 THEN min(_row) OVER w END AS _first_row
            FROM ({select}) WINDOW w AS (PARTITION BY {", ".join(keys)} ORDER BY _row)""")
    else:
        con.execute(f"CREATE TEMP TABLE {typed_table} AS {select}")


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
    """The HMAC key beside the store; created on first use, readable by the owner only.

    The key appears complete or not at all (written to a private temporary file, then linked
    into place), so two first imports at once agree on one key and neither reads a half-written
    file, which would silently hash every id with an empty key."""
    path = store.secret_path(db_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file with mode 0600
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            # FileExistsError: another import created it a moment ago; use that one
            with contextlib.suppress(FileExistsError):
                os.link(tmp_name, path)
        finally:
            os.unlink(tmp_name)
    try:
        secret = bytes.fromhex(path.read_text().strip())
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise store.StoreError(f"{path}: the pseudonym key is damaged; restore it from the backup")
    return secret


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
            for row in con.execute(
                f"SELECT DISTINCT {column.name} FROM {typed_table} WHERE NOT _empty"
            ).fetchall()
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


def _create_clean_view(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    typed_table: str,
    clean_view: str,
    key_tables: dict[str, str],
    present: Iterable[str],
) -> None:
    """The staged rows under the store's column names (ids replaced by their keys, optional
    columns not `present` in the file by their defaults), plus `_row` and the raw ids
    (`_raw_<column>`) for messages about the batch. A view: the rows are written once, by the
    commit."""
    present = set(present)
    selects, joins = ["t.rowid + 2 AS _row"], []
    for column in source.columns:
        if column.type is ColumnType.PSEUDONYM:
            alias = f"k_{column.name}"
            joins.append(
                f"JOIN {key_tables[column.name]} {alias} ON {alias}.raw_id = t.{column.name}"
            )
            selects.append(f"{alias}.key AS {column.store_name}")
            selects.append(f"t.{column.name} AS _raw_{column.name}")
        elif column.name in present:
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
        f"CREATE TEMP VIEW {clean_view} AS SELECT {', '.join(selects)} "
        f"FROM {typed_table} t {' '.join(joins)} WHERE NOT t._empty"
    )


def _replace_condition(source: Source) -> str:
    if source.kind == "applications":
        return "year(application_date) IN (SELECT DISTINCT year(application_date) FROM {clean})"
    column = source.coverage_column
    return f"{column} IN (SELECT DISTINCT {column} FROM {{clean}})"


# --- staging one file ---------------------------------------------------------------------------


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
    """Reads, normalises and validates one file into the staging database, or refuses it.

    Whatever is wrong with the file surfaces as ImportRefused naming it. So does an unexpected
    error (a bug), under the key `import.internal_error` and logged with its traceback: the
    person importing never sees a traceback, and tests can still tell a bug from a bad file."""
    file_name = file_name or path.name
    try:
        return _stage_file(
            con, path, index, workdir, secret, kind=kind, file_name=file_name, progress=progress
        )
    except ImportRefused:
        _drop_staging_tables(con, index)
        raise
    except (duckdb.Error, OSError, UnicodeError, ValueError, OverflowError, csv.Error) as error:
        problem = Problem("import.unreadable", params={"detail": _detail(error)})
    except Exception as error:
        _log.exception("unexpected error while staging %s", file_name)
        problem = Problem(
            "import.internal_error", params={"detail": f"{type(error).__name__}: {_detail(error)}"}
        )
    _drop_staging_tables(con, index)
    raise ImportRefused(file_name, [problem])


def _drop_staging_tables(con: duckdb.DuckDBPyConnection, index: int) -> None:
    """Frees what a refused file left in the staging database (other files may still follow)."""
    try:
        pattern = rf"(raw|typed|clean)_{index}(_.*)?"
        # views first: the clean view reads the typed table
        for kind, catalog in (("VIEW", "duckdb_views()"), ("TABLE", "duckdb_tables()")):
            names = con.execute(
                f"SELECT {kind.lower()}_name FROM {catalog} WHERE temporary "
                f"AND regexp_full_match({kind.lower()}_name, ?)",
                [pattern],
            ).fetchall()
            for (name,) in names:
                con.execute(f"DROP {kind} IF EXISTS {name}")
    except duckdb.Error:
        pass  # the batch is refused or the connection closed anyway


def _stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    index: int,
    workdir: Path,
    secret: bytes,
    *,
    kind: str | None,
    file_name: str,
    progress: Progress | None,
) -> StagedFile:
    say = progress or (lambda _step: None)
    raw_table, typed_table, clean_view = f"raw_{index}", f"typed_{index}", f"clean_{index}"
    suffix = path.suffix.lower()
    say("progress.reading")
    if path.stat().st_size == 0:
        raise ImportRefused(file_name, [Problem("import.empty_file")])
    if suffix in (".csv", ".txt", ".tsv"):
        text_file = _file_digest_and_encoding(path, file_name)
        sha256 = text_file.sha256
        if text_file.encoding not in ("utf-8", "latin-1"):
            say("progress.decoding")
        with _csv_layout(path, file_name, text_file.encoding, workdir, raw_table) as layout:
            headers = layout.headers
            say("progress.parsing")
            source, mapping, unknown = _map_headers(headers, file_name, kind)
            say("progress.validating")
            clean = _stage_csv_typed(con, layout, source, mapping, typed_table, text_file)
            if not clean:
                # refused by the reader or by a rule: the text path reads every cell as text,
                # judges it and names row, column and value
                _stage_csv_text(con, layout, file_name, raw_table)
                clean = _build_typed_table(
                    con,
                    source,
                    mapping,
                    raw_table,
                    typed_table,
                    plain_edges=text_file.plain_edges,
                )
    else:
        if suffix in (".xlsx", ".xlsm"):
            sha256 = _sha256(path)
            say("progress.parsing")
            headers = _stage_xlsx(con, path, file_name, raw_table)
        elif suffix == ".parquet":
            sha256 = _sha256(path)
            say("progress.parsing")
            headers = _stage_parquet(con, path, file_name, raw_table)
        else:
            raise ImportRefused(
                file_name,
                [Problem("import.unsupported_format", params={"suffix": suffix or path.name})],
            )
        source, mapping, unknown = _map_headers(headers, file_name, kind)
        say("progress.validating")
        # Excel and Parquet cells may hold any character: the full clean
        clean = _build_typed_table(con, source, mapping, raw_table, typed_table)
    if not clean:
        con.execute(f"DROP TABLE {typed_table}")
        _build_report_table(con, source, mapping, raw_table, typed_table)
        problems, total = _find_problems(con, source, headers, mapping, typed_table)
        if not problems:
            raise AssertionError("a row broke a rule that the report cannot find")
        raise ImportRefused(file_name, problems, total)
    con.execute(f"DROP TABLE IF EXISTS {raw_table}")
    (rows,) = con.execute(f"SELECT count(*) FROM {typed_table} WHERE NOT _empty").fetchall()[0]
    if rows == 0:
        raise ImportRefused(file_name, [Problem("import.empty_file")])
    key_tables = _hash_pseudonyms(con, source, typed_table, secret)
    _create_clean_view(con, source, typed_table, clean_view, key_tables, mapping)
    coverage_rows = {
        value: count
        for value, count, _order in con.execute(
            f"SELECT {store.coverage_sql(source)} AS c, count(*), "
            f"min({store.coverage_order_sql(source)}) AS o FROM {typed_table} WHERE NOT _empty "
            "GROUP BY c ORDER BY o"
        ).fetchall()
    }
    return StagedFile(
        path,
        file_name,
        sha256,
        source,
        clean_view,
        rows,
        tuple(coverage_rows),
        unknown,
        coverage_rows=coverage_rows,
        headers={name: headers[int(raw[1:])] for name, raw in mapping.items()},
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- the batch: stage all files, preview, then commit all or nothing ----------------------------


@dataclass(frozen=True)
class FilePreview:
    """What importing one file would do (see inspect_files); nothing has been written."""

    file_name: str
    kind: str | None  # None if the file was refused before its kind was known
    rows: int
    coverage: tuple[str, ...]
    # rows of the file per coverage value, and rows the store holds now for the same value:
    # the import replaces the latter by the former
    file_rows: dict[str, int]
    store_rows: dict[str, int]
    unknown_columns: tuple[str, ...] = ()
    refusal: ImportRefused | None = None
    # the store holds demo data, which an import of real data replaces entirely
    replaces_demo: bool = False
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.refusal is None

    @property
    def replaced_rows(self) -> int:
        return sum(self.store_rows.values())

    def summary(self, lang: Lang = "de", rules: DisclosureRules | None = None) -> str:
        """E.g. "„p.csv“: 1.052 Zeilen Personalbestand (31.10.2026)." and one line per coverage
        value: what it replaces (store rows, published by `rules`); or the refusal report."""
        if self.refusal is not None:
            return self.refusal.report(lang)
        assert self.kind is not None
        source = SOURCES_BY_KIND[self.kind]
        lines = [
            t(
                "import.preview",
                lang,
                file=self.file_name,
                rows=format_number(self.rows, lang),
                kind=source.label_de if lang == "de" else source.label_en,
                coverage=_coverage_text(self.coverage),
            )
        ]
        for value in self.coverage:
            label = t(f"data.coverage.{self.kind}", lang, value=value)
            rows = format_number(self.file_rows.get(value, 0), lang)
            in_store = self.store_rows.get(value, 0)
            if in_store:
                replaced = count_text(in_store, lang, rules or DisclosureRules())
                line = t(
                    "import.preview_replaces", lang, coverage=label, rows=rows, replaced=replaced
                )
            else:
                line = t("import.preview_new", lang, coverage=label, rows=rows)
            lines.append("  " + line)
        if self.unknown_columns:
            lines.append(t("import.unknown_columns", lang, columns=", ".join(self.unknown_columns)))
        if self.replaces_demo:
            lines.append(t("import.preview_demo", lang))
        return "\n".join(lines)


def staging_connection(workdir: Path | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    # staged files are read by explicit path only; nothing else from the outside
    con.execute("SET preserve_insertion_order = true")
    # without a limit DuckDB takes 80 % of RAM; a 12 M-row file then outgrew a shared server
    # (bench/RESULTS.md). With the limit it spills to the work directory instead.
    con.execute(f"SET memory_limit = '{STAGING_MEMORY_LIMIT}'")
    if workdir is not None:
        # a large file spills to disk: beside the store, not into ./.tmp of the working directory
        con.execute(f"SET temp_directory = {_sql_literal(str(workdir / 'spill'))}")
    return con


def _staging_workdir(db_path: Path) -> Path:
    """Scratch space beside the store (decoded CSV copies, DuckDB spill files): they hold raw ids,
    so they stay where the data lives, and the next write removes those of killed processes."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=store.staging_dir_prefix(db_path), dir=db_path.parent))


def _release(con: duckdb.DuckDBPyConnection, workdir: Path) -> None:
    con.close()
    shutil.rmtree(workdir, ignore_errors=True)


class PreparedImport:
    """A batch of files staged and validated in memory, not yet written to the store.

    Made by prepare_import. It keeps the staged rows, so that committing after the preview does
    not read and validate the files again: the Data page can keep it (e.g. in session state)
    between showing `previews` and the click on "import", and must close() it if the user
    cancels (garbage collection closes it too). One user at a time: not thread-safe.
    """

    def __init__(self, db_path: Path, *, demo: bool = False) -> None:
        self.db_path = db_path
        self.demo = demo
        self.previews: list[FilePreview] = []
        self._outcomes: list[tuple[Path, StagedFile | ImportRefused]] = []
        self._workdir = _staging_workdir(db_path)
        self._con = staging_connection(self._workdir)
        self._secret = b""
        self._closed = False
        self._finalizer = weakref.finalize(self, _release, self._con, self._workdir)

    @property
    def refusals(self) -> list[ImportRefused]:
        return [o for _, o in self._outcomes if isinstance(o, ImportRefused)]

    @property
    def ok(self) -> bool:
        """Every file passed: commit() will write (unless the store cannot be written)."""
        return bool(self._outcomes) and not self.refusals

    def commit(self, *, progress: Callable[[str, str], None] | None = None) -> list[ImportResult]:
        """Writes the whole batch in one transaction, or raises ImportRefused for the first
        refused file (every refused file is logged) and writes nothing. Closes the batch."""
        if self._closed:
            raise RuntimeError("this import was already committed or closed")
        try:
            refused = [(p, o) for p, o in self._outcomes if isinstance(o, ImportRefused)]
            for path, refusal in refused:
                _log_refusal(self.db_path, path, refusal)
            if refused:
                raise refused[0][1]
            staged = [o for _, o in self._outcomes if isinstance(o, StagedFile)]
            if not staged:
                return []
            if load_secret(self.db_path) != self._secret:
                raise store.StoreError(
                    f"{self.db_path}: the pseudonym key changed since the files were checked; "
                    "check them again"
                )
            if progress:
                progress(", ".join(s.file_name for s in staged), "progress.writing")
            try:
                return _commit(self._con, staged, self.db_path, demo=self.demo)
            except ImportRefused as refusal:
                item = next(s for s in staged if s.file_name == refusal.file_name)
                _log_refusal(self.db_path, item.path, refusal, item.sha256)
                raise
        finally:
            self.close()

    def close(self) -> None:
        self._closed = True
        self._finalizer()

    def __enter__(self) -> PreparedImport:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def prepare_import(
    paths: Sequence[Path],
    db_path: Path,
    *,
    names: Sequence[str] | None = None,
    kind: str | None = None,
    demo: bool = False,
    progress: Callable[[str, str], None] | None = None,
) -> PreparedImport:
    """Stages and validates every file (each one, even after a refused one) and previews what a
    commit would replace; writes nothing. `names` are the names shown (browser uploads live in
    temporary files). Use it as a context manager or close() it."""
    return _prepare(
        paths,
        Path(db_path),
        names=names,
        kind=kind,
        demo=demo,
        progress=progress,
        preview=True,
        stop_at_first_refusal=False,
    )


def inspect_files(
    paths: Sequence[Path],
    db_path: Path,
    *,
    names: Sequence[str] | None = None,
    kind: str | None = None,
) -> list[FilePreview]:
    """What importing these files would do, without writing anything: per file its kind, rows,
    coverage, the rows the store now holds for that coverage (which the import would replace),
    its unknown columns, or its refusal. To commit what was shown without validating again,
    use prepare_import and commit()."""
    with prepare_import(paths, db_path, names=names, kind=kind) as prepared:
        return prepared.previews


def _prepare(
    paths: Sequence[Path],
    db_path: Path,
    *,
    names: Sequence[str] | None,
    kind: str | None,
    demo: bool,
    progress: Callable[[str, str], None] | None,
    preview: bool,
    stop_at_first_refusal: bool,
) -> PreparedImport:
    if kind is not None and kind not in SOURCES_BY_KIND:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(SOURCES_BY_KIND)}")
    paths = [Path(p) for p in paths]
    names = list(names) if names else [p.name for p in paths]
    if len(names) != len(paths):
        raise ValueError(f"{len(paths)} files but {len(names)} names")
    prepared = PreparedImport(db_path, demo=demo)
    try:
        prepared._secret = load_secret(db_path)
        outcomes: list[StagedFile | ImportRefused] = []
        for index, (path, name) in enumerate(zip(paths, names, strict=True)):

            def say(step: str, name: str = name) -> None:
                if progress:
                    progress(name, step)

            try:
                outcomes.append(
                    stage_file(
                        prepared._con,
                        path,
                        index,
                        prepared._workdir,
                        prepared._secret,
                        kind=kind,
                        file_name=name,
                        progress=say,
                    )
                )
            except ImportRefused as refusal:
                outcomes.append(refusal)
                if stop_at_first_refusal:
                    break
        _check_across_files(prepared._con, outcomes)
        prepared._outcomes = list(zip(paths, outcomes, strict=False))
        if preview:
            prepared.previews = _previews(prepared._con, db_path, outcomes, demo=demo)
        return prepared
    except BaseException:
        prepared.close()
        raise


def _check_across_files(
    con: duckdb.DuckDBPyConnection, outcomes: list[StagedFile | ImportRefused]
) -> None:
    """Files of one batch are one delivery (e.g. one export per carrier for the same reporting
    date): their rows are added together. The same person at the same reporting date, or the
    same wave, in two files is refused for the later file, like a duplicate within one file."""
    for later_index, later in enumerate(outcomes):
        if not isinstance(later, StagedFile) or later.source.kind not in _UNIQUE_KEYS:
            continue
        for earlier in outcomes[:later_index]:
            if isinstance(earlier, StagedFile) and earlier.source is later.source:
                refusal = _duplicates_between(con, earlier, later)
                if refusal is not None:
                    outcomes[later_index] = refusal
                    _drop_staging_tables(con, int(later.table.rsplit("_", 1)[1]))
                    break


def _duplicates_between(
    con: duckdb.DuckDBPyConnection, earlier: StagedFile, later: StagedFile
) -> ImportRefused | None:
    # the staged views have the store's column names (person_id -> person_key)
    keys = [later.source.column(key).store_name for key in _UNIQUE_KEYS[later.source.kind]]
    joined = f"FROM {later.table} l JOIN {earlier.table} e ON " + " AND ".join(
        f"l.{key} = e.{key}" for key in keys
    )
    (total,) = con.execute(f"SELECT count(*) {joined}").fetchall()[0]
    if not total:
        return None
    if later.source.kind == "personnel":
        column, key = "person_id", "expect.duplicate_person_in_file"
        value_sql, date_sql = "l._raw_person_id", "strftime(l.reporting_date, '%d.%m.%Y')"
    else:
        column, key = "wave", "expect.duplicate_wave_in_file"
        value_sql, date_sql = "CAST(l.wave AS VARCHAR)", "NULL"
    rows = con.execute(
        f"SELECT l._row, {value_sql}, {date_sql}, e._row {joined} "
        f"ORDER BY l._row LIMIT {MAX_REPORTED_PROBLEMS}"
    ).fetchall()
    problems = [
        Problem(
            key,
            row=row,
            column=later.headers.get(column, column),
            value=value,
            params={"date": day or "", "other": earlier.file_name, "first": first},
        )
        for row, value, day, first in rows
    ]
    return ImportRefused(later.file_name, problems, total)


def _previews(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    outcomes: list[StagedFile | ImportRefused],
    *,
    demo: bool,
) -> list[FilePreview]:
    staged = [o for o in outcomes if isinstance(o, StagedFile)]
    in_store: dict[str, dict[str, int]] = {s.table: {} for s in staged}
    replaces_demo = False
    if staged and db_path.exists():
        # a private read-only attach sees the file as it is now (see store.open_current)
        store.attach_read_only(con, db_path, "current_store")
        try:
            store.check_schema(con, db_path, catalog="current_store")
            replaces_demo = not demo and _is_demo(con, "current_store")
            for item in [] if replaces_demo else staged:
                coverage = store.coverage_sql(item.source)
                in_store[item.table] = dict(
                    con.execute(
                        f"SELECT {coverage} AS c, count(*) FROM current_store.{item.source.table} "
                        f"WHERE {coverage} IN (SELECT {coverage} FROM {item.table}) GROUP BY c"
                    ).fetchall()
                )
        finally:
            con.execute("DETACH current_store")
    previews = []
    for outcome in outcomes:
        if isinstance(outcome, ImportRefused):
            preview = FilePreview(outcome.file_name, None, 0, (), {}, {}, refusal=outcome)
        else:
            preview = FilePreview(
                outcome.file_name,
                outcome.source.kind,
                outcome.rows,
                outcome.coverage,
                dict(outcome.coverage_rows),
                {v: n for v, n in in_store[outcome.table].items() if n},
                outcome.unknown_columns,
                replaces_demo=replaces_demo,
                sha256=outcome.sha256,
            )
        previews.append(preview)
    return previews


def _is_demo(con: duckdb.DuckDBPyConnection, catalog: str) -> bool:
    rows = con.execute(f"SELECT value FROM {catalog}.meta WHERE key = 'demo'").fetchall()
    return bool(rows) and rows[0][0] == "true"


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
    prepared = _prepare(
        paths,
        Path(db_path),
        names=names,
        kind=kind,
        demo=demo,
        progress=progress,
        preview=False,
        stop_at_first_refusal=True,
    )
    return prepared.commit(progress=progress)


def _log_refusal(
    db_path: Path, path: Path, refusal: ImportRefused, sha256: str | None = None
) -> None:
    if sha256 is None:
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


# --- writing: copy, change in one transaction, rename -------------------------------------------

T = TypeVar("T")


class _Unchanged(Exception):
    """Raised by a change that found nothing to do: the store file is left exactly as it was."""

    def __init__(self, result: object) -> None:
        super().__init__("unchanged")
        self.result = result


@contextmanager
def _store_lock(db_path: Path) -> Iterator[None]:
    """Serialises writers: two imports at once would otherwise both copy the old store.

    flock is released by the kernel when its holder dies, so a killed import never blocks the
    next one."""
    lock = store.lock_path(db_path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _remove_leftovers(db_path: Path) -> None:
    """Removes what killed writes and imports left beside the store. Runs under the lock, so no
    live write owns a copy; staging directories of processes still alive are kept."""
    prefix = store.temp_store_prefix(db_path)
    staging = re.compile(re.escape(prefix) + r"staging-(\d+)-")
    for entry in db_path.parent.iterdir():
        name = entry.name
        if not name.startswith(prefix):
            continue
        if name.endswith((".tmp", ".tmp.wal")):
            entry.unlink(missing_ok=True)
        elif (match := staging.match(name)) and not _process_alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def _write_store(
    con: duckdb.DuckDBPyConnection,
    db_path: Path,
    change: Callable[[bool], T],
    *,
    demo: bool = False,
    replace_demo: bool = False,
) -> T:
    """Applies `change` to a copy of the store in one explicit transaction and renames the copy
    over the store, under the store's lock.

    The copy is attached to `con` as `target`. `change` is told whether a demo store was set
    aside (replace_demo: real data never mixes with demo data; it then works on a fresh store).
    Readers see the old file until the rename; a kill at any moment leaves the old or the new
    file, plus at most a stray copy that the next write removes. Raises StoreError when the
    store cannot be read or written; whatever `change` raises leaves the store untouched."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _store_lock(db_path):
        _remove_leftovers(db_path)
        fd, tmp_name = tempfile.mkstemp(
            prefix=store.temp_store_prefix(db_path), suffix=".tmp", dir=db_path.parent
        )
        os.close(fd)
        tmp_path = Path(tmp_name)
        attached = False
        try:
            demo_replaced = False
            if db_path.exists():
                shutil.copyfile(db_path, tmp_path)
                try:
                    con.execute("ATTACH ? AS target", [str(tmp_path)])
                except duckdb.Error as error:
                    raise store.StoreError(
                        f"{db_path}: cannot be opened as a store ({_detail(error)})"
                    ) from None
                attached = True
                store.check_schema(con, db_path, catalog="target")
                if replace_demo and not demo and _is_demo(con, "target"):
                    con.execute("DETACH target")
                    attached = False
                    tmp_path.unlink()
                    demo_replaced = True
            else:
                tmp_path.unlink()
            if not attached:
                con.execute("ATTACH ? AS target", [str(tmp_path)])
                attached = True
                con.execute("USE target")
                try:
                    store.create_schema(con, demo=demo)
                finally:
                    con.execute("USE memory")
            con.execute("BEGIN TRANSACTION")
            try:
                result = change(demo_replaced)
            except _Unchanged as unchanged:
                con.execute("ROLLBACK")
                return unchanged.result  # type: ignore[return-value]
            except BaseException:
                con.execute("ROLLBACK")
                raise
            store.new_revision(con, "target")
            con.execute("COMMIT")
            con.execute("CHECKPOINT target")
            con.execute("DETACH target")
            attached = False
            _fsync(tmp_path)
            os.replace(tmp_path, db_path)
            _fsync_directory(db_path.parent)
            return result
        except (OSError, duckdb.Error) as error:
            raise store.StoreError(
                f"{db_path}: the store could not be written ({_detail(error)})"
            ) from error
        finally:
            if attached:
                # after a failure the connection may be unusable; the caller closes it anyway
                with contextlib.suppress(duckdb.Error):
                    con.execute("DETACH target")
            tmp_path.unlink(missing_ok=True)
            Path(f"{tmp_path}.wal").unlink(missing_ok=True)


def _commit(
    con: duckdb.DuckDBPyConnection, staged: Sequence[StagedFile], db_path: Path, *, demo: bool
) -> list[ImportResult]:
    """Copies the store, applies the batch in one transaction, renames the copy over the store."""
    return _write_store(
        con,
        db_path,
        lambda demo_replaced: _apply_batch(con, staged, demo_replaced),
        demo=demo,
        replace_demo=True,
    )


def _apply_batch(
    con: duckdb.DuckDBPyConnection, staged: Sequence[StagedFile], demo_replaced: bool
) -> list[ImportResult]:
    """Runs inside _write_store's transaction. First removes everything the batch covers, then
    inserts every file: files of one batch covering the same reporting date add up instead of
    the later one silently replacing the earlier (duplicates between them were refused)."""
    now = datetime.now()
    replaced_counts = []
    for item in staged:
        target = f"target.{item.source.table}"
        condition = _replace_condition(item.source).format(clean=item.table)
        (replaced,) = con.execute(f"SELECT count(*) FROM {target} WHERE {condition}").fetchall()[0]
        con.execute(f"DELETE FROM {target} WHERE {condition}")
        replaced_counts.append(replaced)
    results = []
    for item, replaced in zip(staged, replaced_counts, strict=True):
        columns = ", ".join(c.store_name for c in item.source.columns)
        try:
            con.execute(
                f"INSERT INTO target.{item.source.table} ({columns}) "
                f"SELECT {columns} FROM {item.table} ORDER BY _row"
            )
        except duckdb.Error as error:
            # validation should have caught it; if not, the file is refused, not the store broken
            problem = Problem("import.store_rejected", params={"detail": _detail(error)})
            raise ImportRefused(item.file_name, [problem]) from None
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


# --- deleting and editing -------------------------------------------------------------------------


def delete_coverage(db_path: Path, kind: str, values: Iterable[object] | object) -> int:
    """Deletes what imports of `kind` cover for the given values, in one transaction, logged in
    import_log as outcome 'deleted'; returns the number of rows deleted (0: store unchanged).

    Values as coverage_summary shows them ('31.10.2026' or a date for personnel; a year for
    applications; a wave for surveys). Deleting a survey wave deletes its responses and its
    invited count; kind 'survey_invited' deletes only the invited count."""
    source = _source(kind)
    wanted = _coverage_values(source, values)
    if not wanted or not db_path.exists():
        return 0
    sources = (source, SURVEY_INVITED) if source.kind == "survey" else (source,)
    con = duckdb.connect(":memory:")

    def change(_demo_replaced: bool) -> int:
        deleted = 0
        now = datetime.now()
        for table_source in sources:
            coverage = store.coverage_sql(table_source)
            target = f"target.{table_source.table}"
            condition = f"{coverage} IN (SELECT unnest(?::VARCHAR[]))"
            counts = dict(
                con.execute(
                    f"SELECT {coverage} AS c, count(*) FROM {target} WHERE {condition} GROUP BY c",
                    [wanted],
                ).fetchall()
            )
            if not counts:
                continue
            con.execute(f"DELETE FROM {target} WHERE {condition}", [wanted])
            rows = sum(counts.values())
            con.execute(
                "INSERT INTO target.import_log VALUES (?, ?, '', ?, 0, ?, ?, 'deleted')",
                [
                    now,
                    t(_DELETED_NAME_KEY, "de"),
                    table_source.kind,
                    _coverage_text([v for v in wanted if v in counts]),
                    rows,
                ],
            )
            deleted += rows
        if not deleted:
            raise _Unchanged(0)
        return deleted

    try:
        return _write_store(con, db_path, change)
    finally:
        con.close()


def set_invited(db_path: Path, wave: int, invited: int) -> ImportResult:
    """Sets the number of staff invited to a survey wave, as if a one-row invited file had been
    imported (logged as outcome 'edited'). Refused (DataEditRefused, an ImportRefused) unless
    wave is a year from 2000 to this year and invited a whole number ≥ 1, and on a demo store."""
    name = t(_MANUAL_ENTRY_NAME_KEY, "de")
    wave_number, invited_number = _whole_number(wave), _whole_number(invited)
    problems = _invalid_wave(wave, wave_number) + _invalid_invited(invited, invited_number)
    if problems:
        raise DataEditRefused(name, problems)
    assert wave_number is not None and invited_number is not None
    con = duckdb.connect(":memory:")

    def change(_demo_replaced: bool) -> ImportResult:
        if _is_demo(con, "target"):
            raise DataEditRefused(name, [Problem("data.demo_store")])
        previous = con.execute(
            "SELECT invited FROM target.survey_invited WHERE wave = ?", [wave_number]
        ).fetchall()
        result = ImportResult(
            name, "", SURVEY_INVITED.kind, 1, (str(wave_number),), len(previous), ()
        )
        if previous and previous[0][0] == invited_number:
            raise _Unchanged(ImportResult(name, "", SURVEY_INVITED.kind, 0, result.coverage, 0, ()))
        con.execute("DELETE FROM target.survey_invited WHERE wave = ?", [wave_number])
        con.execute(
            "INSERT INTO target.survey_invited VALUES (?, ?)", [wave_number, invited_number]
        )
        con.execute(
            "INSERT INTO target.import_log VALUES (?, ?, '', ?, 1, ?, ?, 'edited')",
            [datetime.now(), name, SURVEY_INVITED.kind, str(wave_number), len(previous)],
        )
        return result

    try:
        return _write_store(con, db_path, change)
    finally:
        con.close()


def _source(kind: str) -> Source:
    if kind not in SOURCES_BY_KIND:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(SOURCES_BY_KIND)}")
    return SOURCES_BY_KIND[kind]


def _coverage_values(source: Source, values: Iterable[object] | object) -> list[str]:
    """Coverage values in the form store.coverage_sql produces; ValueError for anything else."""
    if isinstance(values, str | int | date) or not isinstance(values, Iterable):
        values = [values]
    result: list[str] = []
    for value in values:
        text = _coverage_value(source, value)
        if text not in result:
            result.append(text)
    return result


def _coverage_value(source: Source, value: object) -> str:
    if source.kind == "personnel":
        if isinstance(value, datetime):  # also pd.Timestamp
            value = value.date()
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        if isinstance(value, str):
            for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
                try:
                    return datetime.strptime(value.strip(), pattern).strftime("%d.%m.%Y")
                except ValueError:
                    pass
        raise ValueError(f"not a reporting date: {value!r}")
    if isinstance(value, int | str) and not isinstance(value, bool):
        text = str(value).strip()
        if re.fullmatch(r"[0-9]{4}", text) and 1900 <= int(text) <= 2100:
            return text
    raise ValueError(f"not a year: {value!r}")


def _whole_number(value: object) -> int | None:
    """An int from what a form gives (int, integral float, digits); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]{1,12}\s*", value):
        return int(value)
    return None


def _invalid_wave(raw: object, wave: int | None) -> list[Problem]:
    column = SURVEY_INVITED.column("wave")
    header, value = _display_name(column), str(raw)
    if wave is None:
        return [Problem("expect.int", column=header, value=value)]
    minimum, maximum = int(column.minimum or 0), int(column.maximum or 0)
    if not minimum <= wave <= maximum:
        params: dict[str, object] = {"minimum": minimum, "maximum": maximum}
        return [Problem("expect.range", column=header, value=value, params=params)]
    if wave > date.today().year:
        return [Problem("expect.future_wave", column=header, value=value)]
    return []


def _invalid_invited(raw: object, invited: int | None) -> list[Problem]:
    header, value = _display_name(SURVEY_INVITED.column("invited")), str(raw)
    if invited is None:
        return [Problem("expect.int", column=header, value=value)]
    if invited < 1:
        return [Problem("expect.at_least", column=header, value=value, params={"minimum": 1})]
    if invited > _MAX_STORED_INT:
        return [Problem("expect.too_large", column=header, value=value)]
    return []
