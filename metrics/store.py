"""The DuckDB store: location, schema, version check, connections, import log.

Writes never happen in place: an import copies the store, changes the copy in one transaction and
atomically renames it over the original (see ``ingest``). Readers therefore always open a complete
state, a killed import leaves the old file untouched, and a refused file changes no byte of it.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from metrics.contract import PERSONNEL, SOURCES, ColumnType, Source

SCHEMA_VERSION = 1
DEFAULT_DB = Path("data") / "vielfalt.duckdb"
DB_ENV_VAR = "VIELFALT_DB"
# The pseudonym key is a file outside the data directory (a copy of `data/` must not carry the
# key that links its pseudonyms to the HR system's ids): VIELFALT_SECRET names it, else it lives
# in the user's configuration directory.
SECRET_ENV_VAR = "VIELFALT_SECRET"
# Browser uploads larger than this are refused (CONTRACT § 1.4); the CLI imports any size.
# Must equal `server.maxUploadSize` in .streamlit/config.toml, which Streamlit counts in MiB.
UPLOAD_LIMIT_MB = 50

_SQL_TYPES = {
    ColumnType.DATE: "DATE",
    ColumnType.TEXT: "VARCHAR",
    ColumnType.INT: "INTEGER",
    ColumnType.DECIMAL: "DOUBLE",
    ColumnType.BOOL: "BOOLEAN",
    ColumnType.CODE: "VARCHAR",
    ColumnType.PSEUDONYM: "VARCHAR",
}


class StoreError(Exception):
    """The store cannot be used as it is (missing, wrong schema version, corrupt)."""


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """--db wins over VIELFALT_DB, which wins over data/vielfalt.duckdb."""
    if db:
        return Path(db)
    if os.environ.get(DB_ENV_VAR):
        return Path(os.environ[DB_ENV_VAR])
    return DEFAULT_DB


def secret_path(db_path: Path) -> Path:
    """Where the store's pseudonym key is: $VIELFALT_SECRET, else a key beside the store (where
    installations before this rule kept it: moving it changes nothing), else
    `default_secret_path()`."""
    if os.environ.get(SECRET_ENV_VAR):
        return Path(os.environ[SECRET_ENV_VAR])
    beside = legacy_secret_path(db_path)
    return beside if beside.exists() else default_secret_path()


def legacy_secret_path(db_path: Path) -> Path:
    return db_path.with_suffix(".secret")


def default_secret_path() -> Path:
    """$XDG_CONFIG_HOME/vielfaltsmonitor/pseudonym.key (~/.config/… without it)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "vielfaltsmonitor" / "pseudonym.key"


def private_directory(directory: Path) -> None:
    """Creates the directory (and its parents) if missing and makes it the owner's alone: it
    holds pseudonymised personal data, keys or raw uploads."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory.stat().st_mode & 0o077:
        directory.chmod(0o700)


def plan_path(db_path: Path) -> Path:
    """The planned releases of the store's current state (metrics/disclosure/plans.py)."""
    return db_path.with_suffix(".plans.json")


def store_revision(con: duckdb.DuckDBPyConnection) -> str | None:
    """The store state's revision (meta 'revision', new with every write); None for a store
    written before revisions existed."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'revision'").fetchall()
    return str(rows[0][0]) if rows else None


def new_revision(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """Marks a write: the store gets a revision no other state had (plans of the old one lapse)."""
    con.execute(f"INSERT OR REPLACE INTO {catalog}.meta VALUES ('revision', ?)", [uuid.uuid4().hex])


def refusal_log_path(db_path: Path) -> Path:
    """Refused imports are logged beside the store so that the store itself stays untouched."""
    return db_path.with_suffix(".refusals.jsonl")


# a browser upload's folder beside the store: `.upload-<pid>-<random>` (raw ids until checked)
UPLOAD_DIR_PREFIX = ".upload-"


def lock_path(db_path: Path) -> Path:
    return db_path.with_suffix(".lock")


def temp_store_prefix(db_path: Path) -> str:
    """Name prefix of the copies a write works on (`.vielfalt.duckdb.<random>.tmp`)."""
    return f".{db_path.name}."


def staging_dir_prefix(db_path: Path) -> str:
    """Name prefix of an import's scratch directory beside the store; the pid tells whether the
    importing process is still alive, so a killed import's leftovers can be removed."""
    return f".{db_path.name}.staging-{os.getpid()}-"


def table_ddl(source: Source) -> str:
    columns = ",\n    ".join(
        f"{column.store_name} {_SQL_TYPES[column.type]}"
        + (" NOT NULL" if column.required or column.default is not None else "")
        for column in source.columns
    )
    return f"CREATE TABLE {source.table} (\n    {columns}\n)"


# per coverage value (a personnel reporting date, a year): the optional columns its files lacked
def _absent_columns_ddl(catalog: str = "") -> str:
    table = f"{catalog}.absent_columns" if catalog else "absent_columns"
    return f"""CREATE TABLE IF NOT EXISTS {table} (
    kind VARCHAR NOT NULL,
    coverage VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL
)"""


SCHEMA_DDL: tuple[str, ...] = (
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    *(table_ddl(source) for source in SOURCES),
    """CREATE TABLE import_log (
    imported_at TIMESTAMP NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    coverage VARCHAR NOT NULL,
    replaced_rows BIGINT NOT NULL,
    outcome VARCHAR NOT NULL
)""",
    _absent_columns_ddl(),
)


def upgrade_schema(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """Adds what a store of this schema version made before it lacks (kept compatible: the
    admin need not import everything again)."""
    con.execute(_absent_columns_ddl(catalog))


def absent_columns(
    con: duckdb.DuckDBPyConnection, kind: str, coverage: Sequence[str]
) -> frozenset[str]:
    """The optional columns the files behind any of these coverage values lacked (CONTRACT
    § 1.1: such a file says nothing about them). Empty for a store from before this was
    recorded."""
    known = con.execute(
        "SELECT count(*) FROM duckdb_tables() "
        "WHERE table_name = 'absent_columns' AND database_name = current_database()"
    ).fetchall()[0][0]
    if not known:
        return frozenset()
    rows = con.execute(
        "SELECT DISTINCT column_name FROM absent_columns "
        "WHERE kind = ? AND coverage IN (SELECT unnest(?::VARCHAR[]))",
        [kind, list(coverage)],
    ).fetchall()
    return frozenset(name for (name,) in rows)


def create_schema(con: duckdb.DuckDBPyConnection, *, demo: bool = False) -> None:
    for statement in SCHEMA_DDL:
        con.execute(statement)
    con.execute(
        "INSERT INTO meta VALUES ('schema_version', ?), ('demo', ?), ('created_at', ?)",
        [str(SCHEMA_VERSION), "true" if demo else "false", datetime.now().isoformat()],
    )


def check_schema(con: duckdb.DuckDBPyConnection, db_path: Path, catalog: str = "") -> None:
    """Refuses a file that is not a store of this schema version (catalog: an attached store)."""
    meta = f"{catalog}.meta" if catalog else "meta"
    try:
        row = con.execute(f"SELECT value FROM {meta} WHERE key = 'schema_version'").fetchall()
    except duckdb.CatalogException as error:
        raise StoreError(f"{db_path}: not a Vielfaltsmonitor store (no meta table)") from error
    version = int(row[0][0]) if row else None
    if version != SCHEMA_VERSION:
        raise StoreError(
            f"{db_path}: store schema version {version}, this program needs {SCHEMA_VERSION}. "
            "Rebuild the store by importing the exports again."
        )


OPEN_ATTEMPTS = 8
T = TypeVar("T")


def open_consistently(
    db_path: Path, open_file: Callable[[str], T], close: Callable[[T], object]
) -> T:
    """open_file(path), repeated until no import replaced the store file while it ran.

    DuckDB opens a database file by name more than once while connecting: once to read the
    header, again to read the blocks. An import that renames a new file over the store in
    between makes it combine one version's header with another version's blocks ("Could not
    read enough bytes", "Failed to deserialize", in principle a wrong view). The file's stamp
    (inode, mtime, size) before and after tells whether that can have happened; imports replace
    the file at most every few seconds, so a second attempt practically always succeeds.
    (Handing DuckDB /proc/self/fd/N does not help: it resolves the link to the file's name.)
    """
    for _attempt in range(OPEN_ATTEMPTS):
        before = store_stamp(db_path)
        if before is None:
            raise StoreError(
                f"{db_path}: no store here yet (run `python -m metrics demo` or import)"
            )
        try:
            opened, failure = open_file(str(db_path)), None
        except duckdb.Error as error:
            opened, failure = None, error
        if store_stamp(db_path) == before:
            if failure is not None:
                raise StoreError(f"{db_path}: cannot be opened as a store ({failure})") from None
            return opened  # type: ignore[return-value]
        if opened is not None:
            close(opened)
    raise StoreError(f"{db_path}: the store was replaced again and again while opening it")


@contextmanager
def open_store(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to an existing store whose schema version matches.

    Safe while an import replaces the file: the connection reads one complete version. But
    `duckdb.connect` hands out the instance already open in this process: as long as another
    connection to the old file is open, this one reads the old file too. Long-lived processes
    that must see new imports (the app) use open_current."""
    con = open_consistently(
        db_path, lambda path: duckdb.connect(path, read_only=True), lambda c: c.close()
    )
    try:
        check_schema(con, db_path)
        yield con
    finally:
        con.close()


@contextmanager
def open_current(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Like open_store, but always reads the file as it is now.

    `duckdb.connect(path)` returns the instance already open in this process, which still shows
    the file as it was before the last import replaced it. A private in-memory connection that
    attaches the file read-only sees the current file (used right after a write, e.g. to show
    what the store holds now). Tables are reachable unqualified, as with open_store.
    """
    if not db_path.exists():
        raise StoreError(f"{db_path}: no store here yet (run `python -m metrics demo` or import)")
    con = duckdb.connect(":memory:")
    try:
        attach_read_only(con, db_path, "current_store")
        check_schema(con, db_path, catalog="current_store")
        con.execute("USE current_store")
        yield con
    finally:
        con.close()


def database_path(con: duckdb.DuckDBPyConnection) -> Path:
    """The store file a connection reads (open_store's or open_current's)."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if row is None or not row[0]:
        raise StoreError("this connection reads no store file")
    return Path(row[0])


def attach_read_only(con: duckdb.DuckDBPyConnection, db_path: Path, catalog: str) -> None:
    """ATTACH the store file read-only as `catalog`, one complete version of it (see
    open_consistently); StoreError if it is missing or no DuckDB file."""
    open_consistently(
        db_path,
        lambda path: con.execute(f"ATTACH ? AS {catalog} (READ_ONLY)", [path]),
        lambda _attached: con.execute(f"DETACH {catalog}"),
    )


def coverage_sql(source: Source) -> str:
    """SQL for the coverage value of a row: what an import of this row replaces, as shown to the
    user and accepted by ``ingest.delete_coverage`` (personnel: 'TT.MM.JJJJ', else the year)."""
    if source.kind == "applications":
        return "CAST(year(application_date) AS VARCHAR)"
    if source.kind == "personnel":
        return "strftime(reporting_date, '%d.%m.%Y')"
    return "CAST(wave AS VARCHAR)"


def coverage_order_sql(source: Source) -> str:
    """Chronological order of coverage values (the text form of dates does not sort)."""
    if source.kind == "applications":
        return "year(application_date)"
    return source.coverage_column


COVERAGE_SUMMARY_COLUMNS = ("kind", "coverage", "rows")


def coverage_summary(db_path: Path) -> pd.DataFrame:
    """What the store holds: one row per kind and coverage value (reporting date, application
    year, survey wave) with its number of rows, oldest first within a kind. Empty without store."""
    if not db_path.exists():
        return _empty_frame(COVERAGE_SUMMARY_COLUMNS)
    selects = " UNION ALL ".join(
        f"SELECT {i} AS kind_order, {_literal(source.kind)} AS kind, {coverage_sql(source)} "
        f"AS coverage, min({coverage_order_sql(source)})::VARCHAR AS sort_key, count(*) AS rows "
        f"FROM {source.table} GROUP BY coverage"
        for i, source in enumerate(SOURCES)
    )
    with open_current(db_path) as con:
        frame = con.execute(
            f"SELECT kind, coverage, rows FROM ({selects}) ORDER BY kind_order, sort_key"
        ).df()
    frame["rows"] = frame["rows"].astype("int64")
    return frame


def survey_waves(db_path: Path) -> pd.DataFrame:
    """Per survey wave: respondents in the store and the invited count (None if not given)."""
    columns = ("wave", "respondents", "invited")
    if not db_path.exists():
        return _empty_frame(columns)
    with open_current(db_path) as con:
        frame = con.execute(
            """SELECT wave, coalesce(r.respondents, 0) AS respondents, i.invited
            FROM (SELECT wave, count(*) AS respondents FROM survey_responses GROUP BY wave) r
            FULL JOIN survey_invited i USING (wave) ORDER BY wave"""
        ).df()
    return frame.astype({"wave": "int64", "respondents": "int64", "invited": "Int64"})


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})


@dataclass(frozen=True)
class StoreStatus:
    """What pages and reports may know of the store without asking the release: flags and the
    latest reporting date, never a count (counts leave the store only through the release)."""

    demo: bool
    latest_reporting_date: date | None
    has_personnel: bool
    has_applications: bool
    has_survey: bool


def store_status(con: duckdb.DuckDBPyConnection) -> StoreStatus:
    demo = con.execute("SELECT value FROM meta WHERE key = 'demo'").fetchall()
    ((latest,),) = con.execute(f"SELECT max(reporting_date) FROM {PERSONNEL.table}").fetchall()
    ((applications, survey),) = con.execute(
        "SELECT EXISTS (FROM applications), EXISTS (FROM survey_responses)"
    ).fetchall()
    return StoreStatus(
        demo=bool(demo) and demo[0][0] == "true",
        latest_reporting_date=latest,
        has_personnel=latest is not None,
        has_applications=bool(applications),
        has_survey=bool(survey),
    )


def store_stamp(db_path: Path) -> tuple[int, int, int] | None:
    """Identifies one state of the store file; changes with every import (the file is replaced)."""
    try:
        stat = db_path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def append_refusal(db_path: Path, entry: dict[str, object]) -> None:
    """Adds a refusal to the log beside the store (the owner's alone). The entry holds file,
    rows, columns, rules and counts; `Problem` has already dropped the cell text of id and
    sensitive columns."""
    log = refusal_log_path(db_path)
    private_directory(log.parent)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)  # a log written before this rule
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")


def prune_refusals(db_path: Path, retention_days: int, now: datetime | None = None) -> int:
    """Drops refusals older than the retention period from the log, and the message texts of
    entries written before messages were left out (those could quote cell text); returns how
    many entries were dropped. Rewritten by rename: a crash leaves the old log or the new."""
    log = refusal_log_path(db_path)
    if not log.exists():
        return 0
    cutoff = (now or datetime.now()) - pd.Timedelta(days=retention_days)
    with log.open(encoding="utf-8") as handle:
        entries = [json.loads(line) for line in handle if line.strip()]
    kept = [e for e in entries if datetime.fromisoformat(str(e["imported_at"])) >= cutoff]
    scrubbed = [{k: v for k, v in e.items() if k != "message"} for e in kept]
    if scrubbed == entries:
        return 0
    tmp = log.with_name(f".{log.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in scrubbed)
    os.replace(tmp, log)
    return len(entries) - len(kept)


def import_log(db_path: Path) -> pd.DataFrame:
    """Successful imports (from the store) and refusals (from the sidecar log), newest first.
    A refusal has its `problems` (as `Problem` fields) and their `total`, to be rendered in the
    reader's language; message texts of old entries are not read."""
    frames = []
    if db_path.exists():
        with open_store(db_path) as con:
            frames.append(con.execute("SELECT * FROM import_log").df())
    refusals = refusal_log_path(db_path)
    if refusals.exists():
        with refusals.open(encoding="utf-8") as handle:
            entries = [json.loads(line) for line in handle if line.strip()]
        if entries:
            refused = pd.DataFrame(entries)
            refused["imported_at"] = pd.to_datetime(refused["imported_at"])
            frames.append(refused)
    columns = [
        "imported_at",
        "file_name",
        "sha256",
        "kind",
        "rows",
        "coverage",
        "replaced_rows",
        "outcome",
        "problems",
        "total",
    ]
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=columns)
    log = pd.concat(frames, ignore_index=True)
    return log.reindex(columns=columns).sort_values(
        "imported_at", ascending=False, ignore_index=True
    )


def fsync_directory(directory: Path) -> None:
    """Makes a rename in `directory` durable (the new name reaches the disk, not only the file)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
