"""Backup and restore: the store, the settings, the refusal log and the audit log as one set (the
pseudonym key only if asked: it is kept apart from the data), described by a manifest (size and
SHA-256 of every file) that a restore verifies first.

Consistency without stopping imports: writers never change the store file in place, they rename
a complete new file over it (`metrics.ingest.write`). A backup opens the store file once and
copies from that descriptor, so a rename during the copy leaves the opened version intact. The
copy is then opened with DuckDB and its key fingerprint compared with the key copied beside it.

A restore writes every part through a temporary file and a rename, under the writers' lock, and
only after every check passed: a refused or failed restore leaves the existing store and key as
they were. Both are entered in the audit log (a restore after the restored log's last line).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal

import duckdb

import metrics
from metrics import audit, store
from metrics.access import Action, User, require
from metrics.i18n import Lang, t

FORMAT = "vielfaltsmonitor-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
_CHUNK_BYTES = 1 << 20

Role = Literal["store", "key", "settings", "refusal_log", "audit_log"]
# Fixed names inside a backup directory: a restore never takes a path from the manifest.
FILE_NAMES: dict[Role, str] = {
    "store": "vielfalt.duckdb",
    "key": "pseudonym.key",
    "settings": "settings.toml",
    "refusal_log": "refusals.jsonl",
    "audit_log": "audit.jsonl",
}


class BackupError(Exception):
    """A backup or restore refused or failed. `message(lang)` names the file and the problem;
    str() is the English text (for logs)."""

    def __init__(self, text_key: str, /, **params: object) -> None:
        super().__init__(t(text_key, "en", **params))
        self.text_key = text_key
        self.params = params

    def message(self, lang: Lang) -> str:
        return t(self.text_key, lang, **self.params)


@dataclass(frozen=True)
class BackupFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What `manifest.json` says. key_check is the store's key fingerprint
    (`pseudonyms.key_check`), never the key."""

    created_at: str
    app_version: str
    schema_version: int
    revision: str | None
    store_created_at: str | None
    demo: bool
    key_check: str | None
    files: dict[Role, BackupFile]
    sources: dict[str, str]

    @property
    def has_key(self) -> bool:
        return "key" in self.files

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": self.created_at,
                "app_version": self.app_version,
                "store": {
                    "schema_version": self.schema_version,
                    "revision": self.revision,
                    "created_at": self.store_created_at,
                    "demo": self.demo,
                },
                "pseudonym_key_check": self.key_check,
                "files": {
                    role: {"name": f.name, "size": f.size, "sha256": f.sha256}
                    for role, f in self.files.items()
                },
                "sources": self.sources,
            },
            ensure_ascii=False,
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str, where: Path) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError(f"format is {data.get('format')!r}, expected {FORMAT!r}")
            if data.get("format_version") != FORMAT_VERSION:
                raise ValueError(f"format_version {data.get('format_version')!r} is not known")
            files: dict[Role, BackupFile] = {}
            for role, entry in data["files"].items():
                if role not in FILE_NAMES or entry["name"] != FILE_NAMES[role]:
                    raise ValueError(f"unexpected file entry {role!r}")
                files[role] = BackupFile(entry["name"], int(entry["size"]), str(entry["sha256"]))
            if "store" not in files:
                raise ValueError("no store listed")
            meta = data["store"]
            return cls(
                created_at=str(data["created_at"]),
                app_version=str(data["app_version"]),
                schema_version=int(meta["schema_version"]),
                revision=meta.get("revision"),
                store_created_at=meta.get("created_at"),
                demo=bool(meta.get("demo")),
                key_check=data.get("pseudonym_key_check"),
                files=files,
                sources={str(k): str(v) for k, v in data.get("sources", {}).items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError("backup.manifest_invalid", file=where, detail=error) from None


# --- backup ----------------------------------------------------------------------------------


def make_backup(db: Path, target_dir: Path, *, by: User, with_key: bool = False) -> Manifest:
    """Writes a backup of the store at `db` into `target_dir` (created 0700; must be new or
    empty): the store, its key (only with with_key: whoever holds the key and an HR export can
    link pseudonyms to persons), the settings file, the refusal log and the audit log, then
    `manifest.json`, last, so that a directory without it is no backup."""
    if not db.is_file():
        raise BackupError("backup.no_store", db=db)
    audit.authorise(db, by, Action.CHANGE_DATA, "backup")
    key_path = store.secret_path(db)
    key = _read_key(key_path) if with_key else None  # before the copy: fail early
    created = not target_dir.exists()
    try:
        if not created and (not target_dir.is_dir() or any(target_dir.iterdir())):
            raise BackupError("backup.target_not_empty", dir=target_dir)
        store.private_directory(target_dir)
    except OSError as error:
        raise _io_error(error, target_dir) from None
    written: list[Path] = []
    try:
        files: dict[Role, BackupFile] = {}
        # one descriptor: the version open now, whatever an import renames over the name later
        with open(db, "rb") as source:
            files["store"] = _write_part(target_dir, FILE_NAMES["store"], source, written)
        meta = _store_meta(target_dir / FILE_NAMES["store"])
        key_check = meta.get("pseudonym_key_check")
        if key is not None:
            raw, secret = key
            found = _fingerprint(secret)
            if key_check is not None and found != key_check:
                raise BackupError(
                    "backup.key_mismatch", key_file=key_path, db=db, found=found, expected=key_check
                )
            key_check = found  # a store from before fingerprints: the key's
            files["key"] = _write_bytes(target_dir, FILE_NAMES["key"], raw, written)
        settings = _settings_file()
        if settings.is_file():
            data = settings.read_bytes()
            files["settings"] = _write_bytes(target_dir, FILE_NAMES["settings"], data, written)
        logs: list[tuple[Role, Path]] = [
            ("refusal_log", store.refusal_log_path(db)),
            ("audit_log", audit.audit_log_path(db)),
        ]
        for role, log in logs:
            if log.is_file():
                # appended to in place: a line being written is left out
                data = log.read_bytes()
                data = data[: data.rfind(b"\n") + 1]
                files[role] = _write_bytes(target_dir, FILE_NAMES[role], data, written)
        manifest = Manifest(
            created_at=datetime.now().astimezone().isoformat(timespec="seconds"),
            app_version=metrics.__version__,
            schema_version=int(meta.get("schema_version", store.SCHEMA_VERSION)),
            revision=meta.get("revision"),
            store_created_at=meta.get("created_at"),
            demo=meta.get("demo") == "true",
            key_check=key_check,
            files=files,
            sources={
                "store": str(db.resolve()),
                "key": str(key_path.resolve()),
                "settings": str(settings.resolve()),
            },
        )
        _write_bytes(target_dir, MANIFEST_NAME, manifest.to_json().encode(), written)
        store.fsync_directory(target_dir)
        audit.record(
            db,
            by,
            "backup",
            dir=str(target_dir.resolve()),
            revision=manifest.revision,
            with_key=manifest.has_key,
        )
        return manifest
    except BaseException as error:
        for path in written:
            path.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                target_dir.rmdir()
        if isinstance(error, OSError):
            raise _io_error(error, target_dir) from None
        raise


def _write_part(directory: Path, name: str, source: BinaryIO, written: list[Path]) -> BackupFile:
    """Copies source into directory/name (0600, through a temporary name), hashing as it goes."""
    final, tmp = directory / name, directory / f".{name}.partial"
    written += [tmp, final]
    size, digest = _copy_stream(source, _new_private(tmp))
    os.replace(tmp, final)
    return BackupFile(name, size, digest)


def _write_bytes(directory: Path, name: str, data: bytes, written: list[Path]) -> BackupFile:
    final, tmp = directory / name, directory / f".{name}.partial"
    written += [tmp, final]
    _write_fd(_new_private(tmp), data)
    os.replace(tmp, final)
    return BackupFile(name, len(data), hashlib.sha256(data).hexdigest())


def _copy_stream(source: BinaryIO, fd: int) -> tuple[int, str]:
    """Copies source into the open file fd (and closes it); returns size and SHA-256."""
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "wb") as out:
        while chunk := source.read(_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


# --- restore ---------------------------------------------------------------------------------

SettingsOutcome = Literal["none", "unchanged", "replaced", "beside"]
LogOutcome = Literal["none", "restored", "kept"]


@dataclass(frozen=True)
class Restored:
    """What a restore did: the store at db, the key at key (written, or already in place),
    the settings (written to `settings`, or not), the refusal log and the audit log."""

    manifest: Manifest
    db: Path
    key: Path
    key_written: bool
    settings: Path | None
    settings_outcome: SettingsOutcome
    refusal_log_outcome: LogOutcome
    audit_log_outcome: LogOutcome


def read_manifest(source_dir: Path) -> Manifest:
    path = source_dir / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BackupError("backup.no_manifest", dir=source_dir) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BackupError("backup.manifest_invalid", file=path, detail=error) from None
    return Manifest.from_json(text, path)


def restore_backup(
    source_dir: Path, db: Path, *, by: User, force: bool = False, with_settings: bool = False
) -> Restored:
    """Restores the backup in source_dir to the store path db, its key to where
    `store.secret_path(db)` points, and its settings beside the settings file
    (`settings.toml.restored`), or over it with with_settings.

    Refused, with nothing changed: a file missing or not matching its size and SHA-256; a store
    DuckDB cannot open or whose key fingerprint the key does not match; an existing store, or a
    different existing key, unless force; a backup without key where the store's key is not in
    place; with_settings, settings this version rejects."""
    from metrics.ingest.write import _store_lock  # the one lock every writer of the store takes

    require(by, Action.CHANGE_DATA)  # no store to log a refusal beside, perhaps: refused plainly
    manifest = read_manifest(source_dir)
    try:
        # the small parts verified and held in memory; the store is verified while it is copied
        parts: dict[Role, bytes] = {
            role: _verified_bytes(source_dir, entry)
            for role, entry in manifest.files.items()
            if role != "store"
        }
        store_entry = manifest.files["store"]
        _check_size(source_dir / store_entry.name, store_entry)
        if db.exists() and not force:
            raise BackupError("backup.store_exists", db=db)
        settings_file = _settings_file()
        if with_settings and "settings" in parts:
            _check_settings(parts["settings"], source_dir / FILE_NAMES["settings"])
        store.private_directory(db.parent)
        with _store_lock(db):
            if db.exists() and not force:  # an import may have created one meanwhile
                raise BackupError("backup.store_exists", db=db)
            # where the key belongs, decided beside the store as it is now (a legacy key there)
            key_path = store.secret_path(db)
            restored = _restore_locked(
                source_dir, manifest, parts, db, key_path, settings_file, force, with_settings
            )
        audit.record(
            db,
            by,
            "restore",
            dir=str(source_dir.resolve()),
            revision=manifest.revision,
            backup_created_at=manifest.created_at,
        )
        return restored
    except OSError as error:
        raise _io_error(error, db) from None


def _restore_locked(
    source_dir: Path,
    manifest: Manifest,
    parts: dict[Role, bytes],
    db: Path,
    key_path: Path,
    settings_file: Path,
    force: bool,
    with_settings: bool,
) -> Restored:
    entry = manifest.files["store"]
    tmp: Path | None = None
    key_restored: bytes | None = None
    replaced = False
    old_key = key_path.read_bytes() if key_path.is_file() else None
    try:
        with open(source_dir / entry.name, "rb") as source:
            # named like a writer's copy: the next import removes it if this process is killed
            fd, tmp_name = tempfile.mkstemp(
                prefix=store.temp_store_prefix(db), suffix=".tmp", dir=db.parent
            )
            tmp = Path(tmp_name)
            size, digest = _copy_stream(source, fd)
        _check_digest(source_dir / entry.name, entry, size, digest)
        meta = _store_meta(tmp)
        expected = meta.get("pseudonym_key_check") or manifest.key_check
        key_restored = _key_to_write(
            source_dir, parts.get("key"), key_path, old_key, expected, force
        )
        if key_restored is not None:
            if not key_path.parent.exists():  # an existing directory (VIELFALT_SECRET's) stays
                store.private_directory(key_path.parent)
            _replace_with(key_path, key_restored, 0o600)
        os.replace(tmp, db)
        replaced = True
        store.fsync_directory(db.parent)
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        if key_restored is not None and not replaced:  # the old store keeps its key
            if old_key is None:
                key_path.unlink(missing_ok=True)
            else:
                _replace_with(key_path, old_key, 0o600)
        raise
    try:
        log_outcome = _restore_log(parts.get("refusal_log"), store.refusal_log_path(db))
        audit_outcome = _restore_log(parts.get("audit_log"), audit.audit_log_path(db))
        settings_outcome, written_to = _restore_settings(
            parts.get("settings"), settings_file, with_settings
        )
    except OSError as error:
        raise BackupError(
            "backup.after_restore_failed",
            file=error.filename or db.parent,
            detail=error.strerror or error,
        ) from None
    return Restored(
        manifest=manifest,
        db=db,
        key=key_path,
        key_written=key_restored is not None,
        settings=written_to,
        settings_outcome=settings_outcome,
        refusal_log_outcome=log_outcome,
        audit_log_outcome=audit_outcome,
    )


def _restore_log(data: bytes | None, log: Path) -> LogOutcome:
    if data is None:
        return "none"
    # a log records what happened: one already here (maybe newer entries) is never rolled back
    if log.exists():
        return "kept"
    _replace_with(log, data, 0o600)
    return "restored"


def _restore_settings(
    data: bytes | None, settings_file: Path, with_settings: bool
) -> tuple[SettingsOutcome, Path | None]:
    """The settings over the settings file (with_settings) or beside it as `….restored`, for
    the administrator to compare: the installation's own settings may be newer."""
    if data is None:
        return "none", None
    current = settings_file.read_bytes() if settings_file.is_file() else None
    if current == data:
        return "unchanged", None
    target = settings_file
    if not with_settings:
        target = settings_file.with_name(settings_file.name + ".restored")
    # the settings are no secret: they keep the mode of the file they stand in for
    mode = settings_file.stat().st_mode & 0o777 if current is not None else 0o600
    _replace_with(target, data, mode)
    return ("replaced" if with_settings else "beside"), target


def _key_to_write(
    source_dir: Path,
    key: bytes | None,
    key_path: Path,
    existing: bytes | None,
    expected: str | None,
    force: bool,
) -> bytes | None:
    """The key bytes to write to key_path, or None when the right key is there already;
    BackupError where the key and the store do not belong together."""
    in_place = _fingerprint_of(existing) if existing is not None else None
    if key is None:  # a backup without key: the store's key must be in place
        if existing is None:
            raise BackupError("backup.key_needed", key_file=key_path, expected=expected or "–")
        if expected is not None and in_place != expected:
            raise BackupError(
                "backup.key_wrong", key_file=key_path, found=in_place or "–", expected=expected
            )
        return None
    found = _fingerprint_of(key)
    if found is None:
        raise BackupError("backup.key_damaged", key_file=source_dir / FILE_NAMES["key"])
    if expected is not None and found != expected:
        raise BackupError(
            "backup.key_mismatch",
            key_file=source_dir / FILE_NAMES["key"],
            db=source_dir / FILE_NAMES["store"],
            found=found,
            expected=expected,
        )
    if existing is None:
        return key
    if in_place == found:
        return None
    if not force:
        raise BackupError(
            "backup.key_differs", key_file=key_path, found=in_place or "–", expected=found
        )
    return key


def _check_settings(data: bytes, where: Path) -> None:
    from metrics.settings import SettingsError, parse_settings

    try:
        parse_settings(tomllib.loads(data.decode("utf-8")), where)
    except (SettingsError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BackupError("backup.settings_invalid", file=where, detail=error) from None


# --- shared ----------------------------------------------------------------------------------


def _settings_file() -> Path:
    from metrics.settings import settings_path

    return settings_path()


def _store_meta(path: Path) -> dict[str, str]:
    """The meta table of a store file, which DuckDB must open as a store of this schema."""
    con = duckdb.connect(":memory:")
    try:
        # attached, not connected: connect() could hand out an instance of an older file
        con.execute("ATTACH ? AS checked (READ_ONLY)", [str(path)])
        store.check_schema(con, path, catalog="checked")
        return {str(k): str(v) for k, v in con.execute("FROM checked.meta").fetchall()}
    except (duckdb.Error, store.StoreError) as error:
        raise BackupError("backup.store_unreadable", file=path, detail=error) from None
    finally:
        con.close()


def _read_key(path: Path) -> tuple[bytes, bytes]:
    """The key file's bytes as they are and the secret they hold."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BackupError("backup.key_missing", key_file=path) from None
    except OSError as error:
        raise _io_error(error, path) from None
    secret = _secret(raw)
    if secret is None:
        raise BackupError("backup.key_damaged", key_file=path)
    return raw, secret


def _secret(raw: bytes) -> bytes | None:
    """The secret as `pseudonyms.load_secret` reads it; None for a damaged key."""
    try:
        secret = bytes.fromhex(raw.decode("ascii").strip())
    except ValueError:
        return None
    return secret if len(secret) >= 16 else None


def _fingerprint(secret: bytes) -> str:
    from metrics.ingest.pseudonyms import key_check

    return key_check(secret)


def _fingerprint_of(raw: bytes) -> str | None:
    secret = _secret(raw)
    return None if secret is None else _fingerprint(secret)


def _check_size(path: Path, entry: BackupFile) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BackupError("backup.file_missing", file=path) from None
    if size != entry.size:
        raise BackupError("backup.size_mismatch", file=path, expected=entry.size, found=size)


def _check_digest(path: Path, entry: BackupFile, size: int, digest: str) -> None:
    if size != entry.size:
        raise BackupError("backup.size_mismatch", file=path, expected=entry.size, found=size)
    if digest != entry.sha256:
        raise BackupError("backup.checksum_mismatch", file=path)


def _verified_bytes(directory: Path, entry: BackupFile) -> bytes:
    path = directory / entry.name
    _check_size(path, entry)
    data = path.read_bytes()
    _check_digest(path, entry, len(data), hashlib.sha256(data).hexdigest())
    return data


def _new_private(path: Path) -> int:
    """A new file only the owner can read (0600 whatever the umask); its descriptor."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)


def _write_fd(fd: int, data: bytes, mode: int = 0o600) -> None:
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), mode)
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _replace_with(path: Path, data: bytes, mode: int) -> None:
    """Replaces path by data at once: written beside it (mkstemp: 0600), then renamed."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    try:
        _write_fd(fd, data, mode)
        os.replace(tmp_name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
    store.fsync_directory(path.parent)


def _io_error(error: OSError, fallback: Path) -> BackupError:
    return BackupError(
        "backup.io_error", file=error.filename or fallback, detail=error.strerror or error
    )
