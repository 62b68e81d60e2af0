"""Staging: any file format (CSV in any encoding and delimiter, XLSX, Parquet) becomes a text
table `raw_<n>` in the file's order; its headers are mapped to the contract's columns.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import math
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import defusedxml
import duckdb
import openpyxl
import openpyxl.utils
import pandas as pd

from metrics.contract import (
    DIRECT_IDENTIFIER_HEADERS,
    SOURCES_BY_KIND,
    ColumnType,
    Source,
    header_lookup,
    normalise_header,
    recognise_source,
)
from metrics.ingest import limits
from metrics.ingest.limits import (
    _DIRECT_IDENTIFIER_FRAGMENTS,
    _MAX_HEADER_CHARS,
    _MIB,
    _XLSX_SUSPICIOUS_RATIO,
    MAX_REPORTED_PROBLEMS,
)
from metrics.ingest.problems import ImportRefused, Problem
from metrics.ingest.validate import _build_typed_table, _sql_literal


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
    # for the preview's data quality (ingest.quality.cell_counts): per column of the file its
    # empty cells under "" and the spellings of its codes; empty unless staged for a preview
    cells: dict[str, dict[str, int]] = field(default_factory=dict)
    # the optional columns the file lacks altogether: it says nothing about them (CONTRACT § 1.1)
    absent_columns: tuple[str, ...] = ()


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
            while chunk := handle.read(limits._CHUNK):
                digest.update(chunk)
            return _TextFile(digest.hexdigest(), utf16, plain_edges=False)
        while chunk := handle.read(limits._CHUNK):
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

        while chunk := source.read(limits._CHUNK):
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
                unpacked > limits._XLSX_RATIO_FLOOR_BYTES
                and unpacked > _XLSX_SUSPICIOUS_RATIO * size
            )
            if unpacked > limits.XLSX_MAX_UNPACKED_BYTES or too_compressed:
                problem = Problem(
                    "import.xlsx_too_large", params={"size": math.ceil(unpacked / _MIB)}
                )
                raise ImportRefused(file_name, [problem])
            if any(_declares_entities(archive, info) for info in members):
                raise ImportRefused(file_name, [Problem("import.xlsx_entities")])
            for info in members:
                if info.filename.endswith("sharedStrings.xml") and (
                    info.file_size > limits.XLSX_MAX_SHARED_STRINGS_BYTES
                ):
                    problem = Problem(
                        "import.xlsx_too_large", params={"size": math.ceil(info.file_size / _MIB)}
                    )
                    raise ImportRefused(file_name, [problem])
            cells = sum(
                _count_cells(archive, info, limits.XLSX_MAX_CELLS)
                for info in members
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            )
            if cells > limits.XLSX_MAX_CELLS:
                raise ImportRefused(file_name, [_too_many_cells()])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ImportRefused(
            file_name, [Problem("import.unreadable", params={"detail": f"no XLSX file ({error})"})]
        ) from None


# a cell element, with or without a namespace prefix: <c r="A1" …>, <c>, <c/>, <x:c …>
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_TAG_MAX = 64  # longest prefix + tag a match can span across two chunks


def _count_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> int:
    """The cells of a worksheet part, counted in its unpacked stream; stops past `cap` (a bomb
    is refused after unpacking that much of it, not all)."""
    count = 0
    carry = b""
    with archive.open(info) as member:
        while chunk := member.read(limits._CHUNK):
            buffer = carry + chunk
            edge = len(buffer) - _CELL_TAG_MAX
            # a match that starts in the last bytes is counted with the next chunk
            count += sum(1 for m in _CELL_TAG.finditer(buffer) if m.start() < edge)
            carry = buffer[max(edge, 0) :]
            if count > cap:
                return count
    return count + sum(1 for _ in _CELL_TAG.finditer(carry))


def _too_many_cells() -> Problem:
    millions = limits.XLSX_MAX_CELLS / 1_000_000
    return Problem("import.xlsx_too_many_cells", params={"millions": f"{millions:g}"})


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
    cells = 0
    for row_number, row in enumerate(_xlsx_cells(path, data_only=False), start=1):
        # the count in the zip missed a cell spelled some other way: stop at the cap all the same
        cells += len(row)
        if cells > limits.XLSX_MAX_CELLS:
            raise ImportRefused(file_name, [_too_many_cells()])
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
            column=column.header,
            params={"aliases": ", ".join(column.header_names())},
        )
        for column in source.required
        if column.name not in mapping
    ]
    if problems:
        raise ImportRefused(file_name, problems)
    return source, mapping, tuple(unknown)


def _closest_source_problem(headers: list[str]) -> Problem:
    normalised = {normalise_header(h) for h in headers}
    best: tuple[int, Source, list[str]] | None = None
    for source in SOURCES_BY_KIND.values():
        lookup = header_lookup(source)
        present = {lookup[h].name for h in normalised if h in lookup}
        missing = [c.header for c in source.required if c.name not in present]
        if best is None or len(present) > best[0]:
            best = (len(present), source, missing)
    assert best is not None
    return Problem(
        "import.unknown_kind", params={"source": best[1].label_de, "missing": ", ".join(best[2])}
    )
