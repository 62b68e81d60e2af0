"""One file staged, and a batch of files: staged all, previewed, then committed all or nothing."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import shutil
import tempfile
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from metrics import audit, store
from metrics.access import Action, User
from metrics.contract import (
    SOURCES_BY_KIND,
)
from metrics.disclosure import DisclosureRules, count_text
from metrics.formatting import format_number
from metrics.i18n import Lang, t
from metrics.ingest import limits
from metrics.ingest.limits import MAX_REPORTED_PROBLEMS, STAGING_MEMORY_LIMIT, Progress, _log
from metrics.ingest.problems import (
    ImportRefused,
    ImportResult,
    Problem,
    _coverage_text,
    absent_columns_line,
)
from metrics.ingest.pseudonyms import (
    _create_clean_view,
    _hash_pseudonyms,
    key_check,
    load_secret,
)
from metrics.ingest.quality import StagedDetails, cell_counts, staged_details
from metrics.ingest.read import (
    StagedFile,
    _csv_layout,
    _detail,
    _file_digest_and_encoding,
    _map_headers,
    _stage_csv_text,
    _stage_csv_typed,
    _stage_parquet,
    _stage_xlsx,
)
from metrics.ingest.two_person import ApprovedRequest, refuse_without_approval
from metrics.ingest.validate import (
    _UNIQUE_KEYS,
    _build_report_table,
    _build_typed_table,
    _find_problems,
    _sql_literal,
)
from metrics.ingest.write import _commit, _is_demo


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
    profile: bool = False,
) -> StagedFile:
    """Reads, normalises and validates one file into the staging database, or refuses it.
    With `profile` (a preview) it also counts the file's empty cells and code spellings
    (StagedFile.cells, see ingest.quality).

    Whatever is wrong with the file surfaces as ImportRefused naming it. So does an unexpected
    error (a bug), under the key `import.internal_error` and logged with its traceback: the
    person importing never sees a traceback, and tests can still tell a bug from a bad file."""
    file_name = file_name or path.name
    try:
        return _stage_file(
            con,
            path,
            index,
            workdir,
            secret,
            kind=kind,
            file_name=file_name,
            progress=progress,
            profile=profile,
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
    profile: bool = False,
) -> StagedFile:
    say = progress or (lambda _step: None)
    cells: dict[str, dict[str, int]] = {}
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
            # the cells as text: the fast path kept none, so a preview reads the file again
            rows_as_text = layout.read_csv_sql()
            if not clean:
                # refused by the reader or by a rule: the text path reads every cell as text,
                # judges it and names row, column and value
                _stage_csv_text(con, layout, file_name, raw_table)
                rows_as_text = raw_table
                clean = _build_typed_table(
                    con,
                    source,
                    mapping,
                    raw_table,
                    typed_table,
                    plain_edges=text_file.plain_edges,
                )
            if clean and profile:
                cells = cell_counts(
                    con, source, mapping, rows_as_text, plain_edges=text_file.plain_edges
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
        if clean and profile:
            cells = cell_counts(con, source, mapping, raw_table)
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
        cells=cells,
        absent_columns=tuple(c.name for c in source.columns if c.name not in mapping),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(limits._CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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
    # optional columns the file lacks (see StagedFile.absent_columns)
    absent_columns: tuple[str, ...] = ()
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
        if self.absent_columns:
            lines.append(absent_columns_line(self.kind, self.absent_columns, lang))
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

    def __init__(self, db_path: Path, *, by: User, demo: bool = False) -> None:
        audit.authorise(db_path, by, Action.CHANGE_DATA, "import")
        self.db_path = db_path
        self.by = by
        self.demo = demo
        self.previews: list[FilePreview] = []
        self._outcomes: list[tuple[Path, StagedFile | ImportRefused]] = []
        self._workdir = _staging_workdir(db_path)
        self._con = staging_connection(self._workdir)
        self._secret = b""
        # the checksums of refused files, taken while they exist (uploads go once staged)
        self._refused_sha256: dict[Path, str] = {}
        # the approved request this batch carries out (two-person rule), see ingest.approvals
        self.approval: ApprovedRequest | None = None
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
            if self.approval is None:
                refuse_without_approval(self.db_path, self.by, "import")
            refused = [(p, o) for p, o in self._outcomes if isinstance(o, ImportRefused)]
            for path, refusal in refused:
                _log_refusal(self.db_path, path, refusal, self._refused_sha256.get(path))
            if refused:
                files = [refusal.file_name for _, refusal in refused]
                audit.record(self.db_path, self.by, "import_refused", files=files)
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
                results = _commit(
                    self._con,
                    staged,
                    self.db_path,
                    demo=self.demo,
                    key_check=key_check(self._secret),
                )
            except ImportRefused as refusal:
                item = next(s for s in staged if s.file_name == refusal.file_name)
                _log_refusal(self.db_path, item.path, refusal, item.sha256)
                audit.record(self.db_path, self.by, "import_refused", files=[refusal.file_name])
                raise
            audit.record(
                self.db_path,
                self.by,
                "import",
                files=[
                    {
                        "file": r.file_name,
                        "sha256": r.sha256,
                        "kind": r.kind,
                        "rows": r.rows,
                        "coverage": list(r.coverage),
                        "replaced_rows": r.replaced_rows,
                    }
                    for r in results
                ],
                **(
                    {"request": self.approval.id, "requested_by": self.approval.requested_by}
                    if self.approval
                    else {}
                ),
            )
            return results
        finally:
            self.close()

    @property
    def staged(self) -> list[StagedFile]:
        return [o for _, o in self._outcomes if isinstance(o, StagedFile)]

    def details(self) -> list[StagedDetails | None]:
        """Per preview (same order): the first rows as they will be stored and the file's data
        quality (ingest.quality), None for a refused file. Read before commit(), which closes
        the staged rows."""
        if self._closed:
            raise RuntimeError("this import was already committed or closed")
        return [
            staged_details(self._con, outcome, preview.absent_columns)
            if isinstance(outcome, StagedFile) and preview.ok
            else None
            for (_, outcome), preview in zip(self._outcomes, self.previews, strict=True)
        ]

    def save_staged(self, out: Path) -> None:
        """The staged rows of the files that passed into the DuckDB file `out`, without the raw
        ids (they served the messages about duplicates and stay in this process): what a commit
        elsewhere needs (the server after the import check's child; a later approval)."""
        self._con.execute(f"ATTACH {_sql_literal(str(out))} AS keep")
        try:
            for item in self.staged:
                columns = [row[0] for row in self._con.execute(f"DESCRIBE {item.table}").fetchall()]
                raw = [c for c in columns if c.startswith("_raw_")]
                exclude = f" EXCLUDE ({', '.join(raw)})" if raw else ""
                self._con.execute(
                    f"CREATE TABLE keep.{item.table} AS SELECT *{exclude} FROM {item.table}"
                )
        finally:
            self._con.execute("DETACH keep")

    def load_staged(
        self,
        staged_db: Path,
        outcomes: Sequence[tuple[Path, StagedFile | ImportRefused]],
        previews: Sequence[FilePreview],
        refused_sha256: dict[Path, str] | None = None,
    ) -> None:
        """Takes what `save_staged` wrote (attached read-only) as this batch's files."""
        self._con.execute(f"ATTACH {_sql_literal(str(staged_db))} AS staged (READ_ONLY)")
        for _, outcome in outcomes:
            if isinstance(outcome, StagedFile):
                self._con.execute(
                    f"CREATE TEMP VIEW {outcome.table} AS SELECT * FROM staged.{outcome.table}"
                )
        self._outcomes = list(outcomes)
        self.previews = list(previews)
        self._refused_sha256 = dict(refused_sha256 or {})
        self._secret = load_secret(self.db_path)

    @property
    def closed(self) -> bool:
        """Committed or closed: its staged rows are gone."""
        return self._closed

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
    by: User,
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
        by=by,
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
    by: User,
    names: Sequence[str] | None = None,
    kind: str | None = None,
) -> list[FilePreview]:
    """What importing these files would do, without writing anything: per file its kind, rows,
    coverage, the rows the store now holds for that coverage (which the import would replace),
    its unknown columns, or its refusal. To commit what was shown without validating again,
    use prepare_import and commit()."""
    with prepare_import(paths, db_path, by=by, names=names, kind=kind) as prepared:
        return prepared.previews


def _prepare(
    paths: Sequence[Path],
    db_path: Path,
    *,
    by: User,
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
    prepared = PreparedImport(db_path, by=by, demo=demo)
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
                        profile=preview,
                    )
                )
            except ImportRefused as refusal:
                outcomes.append(refusal)
                with contextlib.suppress(OSError):
                    prepared._refused_sha256[path] = _sha256(path)
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
                absent_columns=outcome.absent_columns,
            )
        previews.append(preview)
    return previews


def import_files(
    paths: Sequence[Path],
    db_path: Path,
    *,
    by: User,
    kind: str | None = None,
    names: Sequence[str] | None = None,
    demo: bool = False,
    progress: Callable[[str, str], None] | None = None,
) -> list[ImportResult]:
    """Imports a batch of files, all or nothing. Raises ImportRefused (store untouched)."""
    prepared = _prepare(
        paths,
        Path(db_path),
        by=by,
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
            # what went wrong where, never a cell's text beyond what a Problem keeps (no id,
            # no sensitive value) and no reader's message (it may quote a parser's error)
            "problems": [
                {
                    "key": p.key,
                    "row": p.row,
                    "column": p.column,
                    "value": p.value,
                    "withheld": p.withheld,
                    "params": {k: v for k, v in p.params.items() if k != "detail"},
                }
                for p in refusal.problems
            ],
            "total": refusal.total,
        },
    )
