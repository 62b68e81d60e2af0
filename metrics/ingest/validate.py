"""Parsing and validation in SQL: each column's values typed and checked against the contract,
every problem with its row, column and value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from metrics.contract import (
    FALSE_SPELLINGS,
    MIN_WORKING_AGE,
    TRUE_SPELLINGS,
    Column,
    ColumnType,
    Source,
)
from metrics.ingest.limits import _MAX_STORED_INT, _TRIMMED, MAX_REPORTED_PROBLEMS
from metrics.ingest.problems import Problem


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
