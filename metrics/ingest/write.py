"""Every write to the store: copy, change in one transaction, checkpoint and rename (a refused
or interrupted import leaves every byte as it was); deleting what an import covered and editing
the invited count of a survey wave go the same way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import duckdb

from metrics import audit, store
from metrics.access import Action, User
from metrics.contract import (
    SOURCES_BY_KIND,
    SURVEY_INVITED,
    Source,
)
from metrics.i18n import t
from metrics.ingest.limits import _DELETED_NAME_KEY, _MANUAL_ENTRY_NAME_KEY, _MAX_STORED_INT
from metrics.ingest.problems import (
    DataEditRefused,
    ImportRefused,
    ImportResult,
    Problem,
    _coverage_text,
)
from metrics.ingest.pseudonyms import _replace_condition
from metrics.ingest.read import StagedFile, _detail
from metrics.ingest.two_person import ApprovedRequest, refuse_without_approval


def _is_demo(con: duckdb.DuckDBPyConnection, catalog: str) -> bool:
    rows = con.execute(f"SELECT value FROM {catalog}.meta WHERE key = 'demo'").fetchall()
    return bool(rows) and rows[0][0] == "true"


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
    store.private_directory(lock.parent)
    with open(os.open(lock, os.O_RDWR | os.O_CREAT, 0o600), "w") as handle:
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
    """Removes what killed writes and imports left beside the store: copies, staging
    directories and browser uploads (raw ids). Runs under the lock, so no live write owns a
    copy; staging and upload directories of processes still alive are kept."""
    prefix = store.temp_store_prefix(db_path)
    staging = re.compile(re.escape(prefix) + r"staging-(\d+)-")
    upload = re.compile(re.escape(store.UPLOAD_DIR_PREFIX) + r"(?:(\d+)-)?")
    for entry in db_path.parent.iterdir():
        name = entry.name
        if name.startswith(prefix) and name.endswith((".tmp", ".tmp.wal")):
            entry.unlink(missing_ok=True)
        elif (match := staging.match(name) or upload.match(name)) and (
            # an upload folder from before folders carried their process id: nobody's now
            match.group(1) is None or not _process_alive(int(match.group(1)))
        ):
            shutil.rmtree(entry, ignore_errors=True)


def remove_leftovers(db_path: Path) -> None:
    """What killed imports left beside the store (raw uploads among it), removed at start-up
    as well as before every write."""
    if db_path.parent.exists():
        with _store_lock(db_path):
            _remove_leftovers(db_path)


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
    store.private_directory(db_path.parent)
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
                store.upgrade_schema(con, "target")
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
            # DuckDB creates a new store with the process's umask; it is the owner's alone
            tmp_path.chmod(0o600)
            _fsync(tmp_path)
            os.replace(tmp_path, db_path)
            store.fsync_directory(db_path.parent)
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
    con: duckdb.DuckDBPyConnection,
    staged: Sequence[StagedFile],
    db_path: Path,
    *,
    demo: bool,
    key_check: str,
) -> list[ImportResult]:
    """Copies the store, applies the batch in one transaction, renames the copy over the store.
    key_check: the fingerprint of the key the batch was hashed with (`pseudonyms.key_check`)."""

    def change(demo_replaced: bool) -> list[ImportResult]:
        _check_key(con, db_path, key_check)
        return _apply_batch(con, staged, demo_replaced)

    return _write_store(
        con,
        db_path,
        change,
        demo=demo,
        replace_demo=True,
    )


def _check_key(con: duckdb.DuckDBPyConnection, db_path: Path, key_check: str) -> None:
    """Refuses a batch hashed under another key than the store's pseudonyms; a store without
    a fingerprint (new, or from before fingerprints) takes this key's."""
    rows = con.execute("SELECT value FROM target.meta WHERE key = 'pseudonym_key_check'").fetchall()
    if rows and rows[0][0] != key_check:
        raise store.StoreError(
            f"{db_path}: its pseudonyms were made with another key than "
            f"{store.secret_path(db_path)}; point {store.SECRET_ENV_VAR} at this store's key "
            "file (from its backup)"
        )
    con.execute("INSERT OR REPLACE INTO target.meta VALUES ('pseudonym_key_check', ?)", [key_check])


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
        con.execute(
            "DELETE FROM target.absent_columns WHERE kind = ? AND coverage IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [item.source.kind, list(item.coverage)],
        )
    # files of a batch that cover the same date add up: a column one of them lacks is unknown
    # for that date
    absent = {
        (item.source.kind, value, column)
        for item in staged
        for value in item.coverage
        for column in item.absent_columns
    }
    if absent:
        con.executemany("INSERT INTO target.absent_columns VALUES (?, ?, ?)", sorted(absent))
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
                item.absent_columns,
            )
        )
    return results


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def delete_coverage(
    db_path: Path,
    kind: str,
    values: Iterable[object] | object,
    *,
    by: User,
    approval: ApprovedRequest | None = None,
) -> int:
    """Deletes what imports of `kind` cover for the given values, in one transaction, logged in
    import_log as outcome 'deleted'; returns the number of rows deleted (0: store unchanged).

    Values as coverage_summary shows them ('31.10.2026' or a date for personnel; a year for
    applications; a wave for surveys). Deleting a survey wave deletes its responses and its
    invited count; kind 'survey_invited' deletes only the invited count. Under the two-person
    rule a signed-in user's deletion needs `approval` (see ingest.approvals)."""
    audit.authorise(db_path, by, Action.CHANGE_DATA, "delete", kind=kind)
    if approval is None:
        refuse_without_approval(db_path, by, "delete", kind=kind)
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
            con.execute(
                "DELETE FROM target.absent_columns WHERE kind = ? AND coverage IN "
                "(SELECT unnest(?::VARCHAR[]))",
                [table_source.kind, wanted],
            )
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
        deleted = _write_store(con, db_path, change)
    finally:
        con.close()
    if deleted:
        request = (
            {"request": approval.id, "requested_by": approval.requested_by} if approval else {}
        )
        audit.record(db_path, by, "delete", kind=kind, coverage=wanted, rows=deleted, **request)
    return deleted


def set_invited(db_path: Path, wave: int, invited: int, *, by: User) -> ImportResult:
    """Sets the number of staff invited to a survey wave, as if a one-row invited file had been
    imported (logged as outcome 'edited'). Refused (DataEditRefused, an ImportRefused) unless
    wave is a year from 2000 to this year and invited a whole number ≥ 1, and on a demo store."""
    audit.authorise(db_path, by, Action.CHANGE_DATA, "invited", wave=wave)
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
        result = _write_store(con, db_path, change)
    finally:
        con.close()
    if result.rows:
        audit.record(db_path, by, "invited", wave=wave_number, invited=invited_number)
    return result


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
    header, value = column.header, str(raw)
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
    header, value = SURVEY_INVITED.column("invited").header, str(raw)
    if invited is None:
        return [Problem("expect.int", column=header, value=value)]
    if invited < 1:
        return [Problem("expect.at_least", column=header, value=value, params={"minimum": 1})]
    if invited > _MAX_STORED_INT:
        return [Problem("expect.too_large", column=header, value=value)]
    return []
