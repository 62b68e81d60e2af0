"""PROTOTYPE, for measurement only: a fast path for the importer, built from its own pieces.

Not production code and not used by the app: ``metrics/ingest.py`` belongs to the importer's
owner. This module measures what the fix recommended in bench/README.md would gain, on the same
files and against the same importer, and checks that it stores exactly the same rows.

Written against ``metrics/ingest.py`` as committed in f5d7663 (blob a241ff1) and checked against
cd37531 (blob 7a87360); it calls that module's private helpers (header mapping, parse
expressions, checks, HMAC, commit), so a rework of the importer may break it — it is a
measurement, not an API.

The fast path, for a CSV that turns out to be clean (the normal case):

1. one pass over the file for SHA-256, the UTF-8 check and whether any byte 0x80–0x9F occurs;
   a Windows-1252 file without such bytes is read by DuckDB as ``latin-1`` directly (identical
   decoding), so no transcoded copy is written;
2. ONE statement reads the CSV and writes the typed table: every cell cleaned once (the
   importer's trim, run only when a trimmable character is at an edge), parsed with the
   importer's own expressions, plus one boolean ``_bad`` = OR of all the importer's checks
   (computed in the pipeline; the raw text is never materialised, neither as a raw table nor as
   ``raw_*`` columns); ``rowid + 2`` of that table is the row number, as in the importer;
3. duplicates by ``GROUP BY reporting_date, person_id HAVING count(*) > 1`` (hash aggregate)
   instead of a window over the whole table plus a full copy of it;
4. only if ``_bad``, a duplicate or an all-empty row is found: the importer's full path runs and
   produces its exact refusal report (a refused file may take longer; a clean one never does);
5. HMAC over distinct ids, clean table, commit: the importer's own code.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
from pathlib import Path

import duckdb

import metrics.ingest as ingest
from metrics import store
from metrics.contract import ColumnType, Source

# every byte but 0x80-0x9F: bytes.translate(None, these) leaves only the C1 bytes (a C loop)
_NOT_C1 = bytes(range(0x80)) + bytes(range(0xA0, 0x100))
_DUPLICATE_KEYS = {"personnel": "reporting_date, person_id", "survey_invited": "wave"}


def _digest_and_encoding(path: Path) -> tuple[str, str]:
    """SHA-256 and how DuckDB can read the file: 'utf-8', 'latin-1' (exact) or 'cp1252'."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    is_utf8, has_c1 = True, False
    with path.open("rb") as handle:
        while chunk := handle.read(16 * 1024 * 1024):
            digest.update(chunk)
            if b"\x00" in chunk:
                return digest.hexdigest(), "refuse"
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            has_c1 = has_c1 or bool(chunk.translate(None, _NOT_C1))
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if is_utf8:
        return digest.hexdigest(), "utf-8"
    return digest.hexdigest(), "cp1252" if has_c1 else "latin-1"


def _trimmed_once(raw: str) -> str:
    """The importer's cell cleaning (``_value``: trim, empty -> NULL), evaluated once per cell.

    The importer's trim with a character set (tab, NBSP, …) is costly and its expressions apply
    it several times per cell; here the trim runs only when a trimmable character is at either
    end (a regex test), which gives the same value for every cell.
    """
    cleaned = ingest._value(raw)
    characters = getattr(ingest, "_TRIMMED", None)
    if not characters:
        return cleaned  # the earlier importer trims spaces only: cheap already
    escaped = characters.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
    edge = f"[{escaped}]"
    return (
        f"CASE WHEN regexp_matches({raw}, {ingest._sql_literal(f'^{edge}|{edge}$')}) "
        f"THEN {cleaned} ELSE nullif({raw}, '') END"
    )


def _typed_select(source: Source, mapping: dict[str, str]) -> tuple[str, str, str]:
    """(typed columns + _bad + _empty, their inner SELECT, the innermost cleaning SELECT)."""
    raw_columns = [mapping[c.name] for c in source.columns if c.name in mapping]
    innermost = ", ".join(f"{_trimmed_once(raw)} AS {raw}" for raw in raw_columns)
    # the cells are cleaned already: build the importer's expressions without cleaning again
    # (its _value is idempotent, so the values are the same)
    original_value = ingest._value
    ingest._value = lambda raw: raw
    try:
        inner = []
        for column in source.columns:
            if column.name not in mapping:
                continue
            raw = mapping[column.name]
            inner.append(f"{raw} AS raw_{column.name}")
            parsed = ingest._parse_expression(column, raw)
            if column.default is not None:
                default = (
                    ingest._sql_literal(column.default)
                    if isinstance(column.default, str)
                    else str(column.default).lower()
                )
                parsed = f"CASE WHEN {raw} IS NULL THEN {default} ELSE {parsed} END"
            inner.append(f"{parsed} AS {column.name}")
        inner.append(" AND ".join(f"{raw} IS NULL" for raw in raw_columns) + " AS _empty")
        checks = [
            check
            for check in ingest._checks(source, mapping)
            # duplicates are found by GROUP BY below, not by the window's _first_row
            if "_first_row" not in check.condition
        ]
    finally:
        ingest._value = original_value
    bad = " OR ".join(f"coalesce(({check.condition}), false)" for check in checks) or "false"
    outer = [c.name for c in source.columns if c.name in mapping]
    return ", ".join([*outer, f"({bad}) AS _bad", "_empty"]), ", ".join(inner), innermost


def fast_stage(
    con: duckdb.DuckDBPyConnection, path: Path, secret: bytes, index: int = 0
) -> ingest.StagedFile | None:
    """The staged clean file, or None when the file needs the importer's full path."""
    if path.suffix.lower() not in (".csv", ".txt", ".tsv") or path.stat().st_size == 0:
        return None
    sha256, encoding = _digest_and_encoding(path)
    if encoding in ("refuse", "cp1252"):
        # NUL bytes (refused) or C1 bytes (needs the transcoding path): the importer decides
        return None
    with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else "cp1252", newline="") as f:
        header_line = f.readline().rstrip("\r\n")
    if not header_line.strip():
        return None
    delimiter = ingest._detect_delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter, quotechar='"'))
    try:
        source, mapping, unknown = ingest._map_headers(headers, path.name, None)
    except ingest.ImportRefused:
        return None
    typed_table, clean_table = f"typed_{index}", f"clean_{index}"
    outer, inner, innermost = _typed_select(source, mapping)
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))}
    try:
        con.execute(
            f"""CREATE TEMP TABLE {typed_table} AS SELECT {outer} FROM (SELECT {inner}
                FROM (SELECT {innermost} FROM read_csv(?, header = false, skip = 1, delim = ?,
                quote = '"', escape = '"', strict_mode = true, auto_detect = false,
                columns = ?, null_padding = false, encoding = ?)))""",
            [str(path), delimiter, columns, encoding],
        )
    except duckdb.Error:
        return None
    rows, bad, empty = con.execute(
        f"SELECT count(*), count(*) FILTER (_bad), count(*) FILTER (_empty) FROM {typed_table}"
    ).fetchall()[0]
    duplicates = 0
    if source.kind in _DUPLICATE_KEYS:
        (duplicates,) = con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {typed_table} "
            f"GROUP BY {_DUPLICATE_KEYS[source.kind]} HAVING count(*) > 1)"
        ).fetchall()[0]
    if rows == 0 or bad or empty or duplicates:
        con.execute(f"DROP TABLE {typed_table}")
        return None
    key_tables = ingest._hash_pseudonyms(con, source, typed_table, secret)
    _build_clean_table(con, source, typed_table, clean_table, key_tables)
    for table in (typed_table, *key_tables.values()):
        con.execute(f"DROP TABLE {table}")
    # the importer's own coverage SQL (it moved from ingest to store in a later version)
    coverage_sql = getattr(ingest, "_coverage_sql", None) or store.coverage_sql
    coverage_rows = {
        value: count
        for value, count, _order in con.execute(
            f"SELECT {coverage_sql(source)} AS c, count(*), min({source.coverage_column}) AS o "
            f"FROM {clean_table} GROUP BY c ORDER BY o"
        ).fetchall()
    }
    extra = {}
    if "coverage_rows" in {field.name for field in dataclasses.fields(ingest.StagedFile)}:
        extra["coverage_rows"] = coverage_rows
    return ingest.StagedFile(
        path, path.name, sha256, source, clean_table, rows, tuple(coverage_rows), unknown, **extra
    )


def _build_clean_table(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    typed_table: str,
    clean_table: str,
    key_tables: dict[str, str],
) -> None:
    """The importer's clean table, ordered by the typed table's rowid (= file order)."""
    selects, joins = [], []
    present = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [typed_table]
        ).fetchall()
    }
    for column in source.columns:
        if column.type is ColumnType.PSEUDONYM:
            alias = f"k_{column.name}"
            joins.append(
                f"JOIN {key_tables[column.name]} {alias} ON {alias}.raw_id = t.{column.name}"
            )
            selects.append(f"{alias}.key AS {column.store_name}")
        elif column.name in present:
            selects.append(f"t.{column.name} AS {column.store_name}")
        else:
            default = column.default
            literal = (
                "NULL"
                if default is None
                else ingest._sql_literal(default)
                if isinstance(default, str)
                else str(default).lower()
            )
            selects.append(f"{literal} AS {column.store_name}")
    con.execute(
        f"CREATE TEMP TABLE {clean_table} AS SELECT {', '.join(selects)} "
        f"FROM {typed_table} t {' '.join(joins)} ORDER BY t.rowid"
    )


def import_file_fast(path: Path, db_path: Path, memory_limit: str | None = None) -> str:
    """Imports one file by the fast path (falling back to the importer); returns the path taken."""
    secret = ingest.load_secret(db_path)
    con = ingest.staging_connection()
    try:
        if memory_limit:
            con.execute("SET memory_limit = ?", [memory_limit])
        staged = fast_stage(con, path, secret)
        if staged is not None:
            ingest._commit(con, [staged], db_path, demo=False)
            return "fast path"
    finally:
        con.close()
    ingest.import_files([path], db_path)
    return "importer (full path)"
