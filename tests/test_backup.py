"""`python -m metrics backup` / `restore` (metrics/backup.py): a backup is one consistent set
(store, key, settings, refusal log) even while imports replace the store, and a restore
verifies every file and the key before it changes anything."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from metrics import audit, backup, store
from metrics.__main__ import main
from metrics.access import LOCAL_USER, AccessDenied, Role, User
from metrics.audit import audit_log_path
from metrics.i18n import TEXTS
from metrics.ingest import ImportRefused, import_files
from metrics.kpis import api as kpis
from metrics.settings import DEFAULT_SETTINGS_PATH, SETTINGS_ENV_VAR, load_settings
from tests.conftest import TEST_KEY
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv
from tests.kpi_stores import build_reference_store
from tests.small_groups import build_small_group_store

ROOT = Path(__file__).resolve().parents[1]
OTHER_KEY = "a1" * 32


@pytest.fixture(autouse=True)
def _own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A settings file of the test's own: a restore writes beside it (or over it)."""
    path = tmp_path / "settings" / "settings.toml"
    path.parent.mkdir()
    shutil.copy(DEFAULT_SETTINGS_PATH, path)
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(path))
    return path


@pytest.fixture
def source_db(tmp_path: Path) -> Path:
    """A real store (two years, every kind of export) under the test's key."""
    return build_small_group_store(tmp_path / "source")


def new_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    """Another installation: its own configuration directory (no key yet); its store path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / name / "config"))
    return tmp_path / name / "data" / "vielfalt.duckdb"


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table of the store, row by row (the file read as it is now)."""
    with store.open_current(db) as con:
        tables = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'current_store'"
            ).fetchall()
        ]
        return {name: con.execute(f"FROM {name} ORDER BY ALL").fetchall() for name in tables}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_of(directory: Path) -> dict:
    return json.loads((directory / backup.MANIFEST_NAME).read_text(encoding="utf-8"))


def rewrite_manifest(directory: Path, role: str) -> None:
    """Makes the manifest agree with the file of `role` again (a forger's backup)."""
    data = manifest_of(directory)
    path = directory / backup.FILE_NAMES[role]  # type: ignore[index]
    data["files"][role].update(size=path.stat().st_size, sha256=sha256(path))
    (directory / backup.MANIFEST_NAME).write_text(json.dumps(data), encoding="utf-8")


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if offset is None else offset
    # a hex digit stays a hex digit: the key stays readable, only its checksum tells
    data[at] = ord("0") if data[at] != ord("0") else ord("1")
    path.write_bytes(bytes(data))


def import_version(db: Path, directory: Path, version: int) -> Path:
    """Imports version v of a personnel file: 200 + 50·v persons, all with weekly_hours = v,
    at the same date (each import replaces the last)."""
    rows = personnel_population(200 + 50 * version, weekly_hours=str(version))
    path = write_csv(directory / f"v{version}.csv", PERSONNEL_HEADER, rows)
    import_files([path], db, by=LOCAL_USER)
    return path


def version_of(db: Path) -> int:
    """The version a store holds; fails on anything but one complete version."""
    with store.open_current(db) as con:
        ((count, lowest, highest),) = con.execute(
            "SELECT count(*), min(weekly_hours), max(weekly_hours) FROM personnel"
        ).fetchall()
    assert lowest == highest and count == 200 + 50 * int(lowest), (count, lowest, highest)
    return int(lowest)


def personnel_rows(db: Path) -> list[tuple[object, ...]]:
    return contents(db)["personnel"]


# --- round trip ----------------------------------------------------------------------------


def test_round_trip_to_a_new_machine_restores_store_key_and_settings(
    source_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    key = store.secret_path(source_db)
    target = tmp_path / "backup"
    assert main(["backup", str(target), "--db", str(source_db), "--with-key"]) == 0
    out = capsys.readouterr().out
    assert str(target) in out and "Pseudonymschlüssel" in out

    # private: the directory and every file, and the key itself never in the manifest
    assert target.stat().st_mode & 0o777 == 0o700
    names = sorted(p.name for p in target.iterdir())
    assert names == [
        "audit.jsonl",
        "manifest.json",
        "pseudonym.key",
        "settings.toml",
        "vielfalt.duckdb",
    ]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in target.iterdir())
    manifest = manifest_of(target)
    assert TEST_KEY not in (target / "manifest.json").read_text(encoding="utf-8")
    for role, entry in manifest["files"].items():
        path = target / entry["name"]
        assert (entry["size"], entry["sha256"]) == (path.stat().st_size, sha256(path)), role
    with store.open_store(source_db) as con:
        meta = dict(con.execute("FROM meta").fetchall())
    assert manifest["store"]["revision"] == meta["revision"]
    assert manifest["store"]["created_at"] == meta["created_at"]
    assert manifest["pseudonym_key_check"] == meta["pseudonym_key_check"]
    assert manifest["app_version"] and manifest["created_at"]

    db = new_machine(tmp_path, monkeypatch, "second")
    assert main(["restore", str(target), "--db", str(db), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Store restored" in out and "Pseudonym key written" in out
    assert db.read_bytes() == source_db.read_bytes()
    assert contents(db) == contents(source_db)
    assert store.secret_path(db) == store.default_secret_path()
    assert store.secret_path(db).read_bytes() == key.read_bytes()
    assert db.stat().st_mode & 0o777 == 0o600 and db.parent.stat().st_mode & 0o777 == 0o700
    assert store.secret_path(db).stat().st_mode & 0o777 == 0o600
    # the settings were identical: nothing written beside them
    assert not list((tmp_path / "settings").glob("*.restored"))
    # the audit log came along, whole, and says who made the backup and who restored it
    assert audit.verify(db) == []
    events = [entry["event"] for entry in audit.entries(db)]
    assert events[: len(events) - 1] == [e["event"] for e in audit.entries(source_db)][:-1]
    assert events[-1] == "restore" and audit.entries(source_db)[-1]["event"] == "backup"
    assert audit.entries(db)[-1]["user"].startswith("cli:")
    # and the restored installation goes on importing under the same pseudonyms
    import_version(db, tmp_path, 1)


def test_the_key_stays_out_of_a_backup_unless_asked_and_only_a_data_role_may_back_up(
    source_db: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "backup"
    assert main(["backup", str(target), "--db", str(source_db), "--lang", "en"]) == 0
    assert "does not hold the pseudonym key" in capsys.readouterr().out
    assert not (target / "pseudonym.key").exists()
    assert "key" not in manifest_of(target)["files"]
    assert TEST_KEY not in "".join(p.read_text(errors="replace") for p in target.iterdir())

    management = User("idp#leitung", "Lena Leitung", frozenset({Role.MANAGEMENT}))
    before = audit_log_path(source_db).read_bytes()
    with pytest.raises(AccessDenied):
        backup.make_backup(source_db, tmp_path / "other", by=management)
    assert not (tmp_path / "other").exists()
    assert audit.entries(source_db)[-1]["event"] == "denied"
    assert audit_log_path(source_db).read_bytes().startswith(before)
    with pytest.raises(AccessDenied):
        backup.restore_backup(target, tmp_path / "x" / "vielfalt.duckdb", by=management)
    assert not (tmp_path / "x").exists()


@pytest.mark.slow  # two planned releases: ~20 s
def test_the_restored_store_publishes_the_same_kpis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the reference store keeps its key beside it, as older installations do
    source = build_reference_store(tmp_path / "reference")
    assert store.secret_path(source) == store.legacy_secret_path(source)
    backup.make_backup(source, tmp_path / "backup", by=LOCAL_USER, with_key=True)
    db = new_machine(tmp_path, monkeypatch, "second")
    restored = backup.restore_backup(tmp_path / "backup", db, by=LOCAL_USER)
    assert restored.key == store.default_secret_path() and restored.key_written
    settings = load_settings()
    with store.open_store(source) as con:
        original = kpis.compute_kpis(con, 2024, None, settings)
    with store.open_store(db) as con:
        assert kpis.compute_kpis(con, 2024, None, settings) == original


# --- consistency while imports run -----------------------------------------------------------


def test_a_backup_holds_the_version_it_opened_when_an_import_replaces_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store is renamed over between opening and copying: the copy is the old version."""
    db = tmp_path / "data" / "vielfalt.duckdb"
    import_version(db, tmp_path, 1)
    old = db.read_bytes()
    copy_stream = backup._copy_stream
    replaced = []

    def import_first(source, fd):
        if not replaced:  # only the store's copy, the first
            import_version(db, tmp_path, 2)
            replaced.append(True)
        return copy_stream(source, fd)

    monkeypatch.setattr(backup, "_copy_stream", import_first)
    manifest = backup.make_backup(db, tmp_path / "backup", by=LOCAL_USER, with_key=True)
    monkeypatch.setattr(backup, "_copy_stream", copy_stream)
    assert replaced and version_of(db) == 2
    assert (tmp_path / "backup" / "vielfalt.duckdb").read_bytes() == old
    assert manifest.files["store"].sha256 == hashlib.sha256(old).hexdigest()
    restored = tmp_path / "restored" / "vielfalt.duckdb"
    backup.restore_backup(tmp_path / "backup", restored, by=LOCAL_USER)
    assert version_of(restored) == 1


# imports the files given as arguments over and over until stopped
LOOPING_IMPORTER = """
import itertools, sys
from pathlib import Path
from metrics.access import LOCAL_USER
from metrics.ingest import import_files
db, files = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
print("ready", flush=True)
for path in itertools.cycle(files):
    import_files([path], db, by=LOCAL_USER)
"""


def test_backups_taken_while_another_process_imports_restore_to_one_of_its_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "data" / "vielfalt.duckdb"
    files = [import_version(db, tmp_path, v) for v in (3, 2, 1)]  # ends on version 1
    # each version once more, in a store of its own under the same key: what it must equal
    references = {}
    for version, path in zip((3, 2, 1), files, strict=True):
        reference = tmp_path / f"reference-{version}" / "vielfalt.duckdb"
        import_files([path], reference, by=LOCAL_USER)
        references[version] = personnel_rows(reference)

    copy_stream = backup._copy_stream

    def slow_copy(source, fd):
        time.sleep(0.3)  # as a large store's copy takes: imports rename over it meanwhile
        return copy_stream(source, fd)

    importer = subprocess.Popen(
        [sys.executable, "-c", LOOPING_IMPORTER, str(db), *map(str, files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    taken: list[Path] = []
    replaced_during = 0
    try:
        assert importer.stdout is not None and importer.stdout.readline().strip() == "ready"
        for attempt in range(20):
            before = store.store_stamp(db)
            with monkeypatch.context() as patch:
                patch.setattr(backup, "_copy_stream", slow_copy)
                backup.make_backup(db, tmp_path / f"backup-{attempt}", by=LOCAL_USER, with_key=True)
            replaced_during += store.store_stamp(db) != before
            taken.append(tmp_path / f"backup-{attempt}")
            if replaced_during >= 3 and len(taken) >= 5:
                break
    finally:
        importer.terminate()
        importer.wait(timeout=60)
        assert importer.stdout is not None
        importer.stdout.close()
    assert replaced_during >= 1, "no import replaced the store during a backup"

    seen = set()
    for directory in taken:
        manifest = backup.read_manifest(directory)
        restored = tmp_path / f"restored-{directory.name}" / "vielfalt.duckdb"
        backup.restore_backup(directory, restored, by=LOCAL_USER)  # verifies checksums and the key
        assert sha256(restored) == manifest.files["store"].sha256
        version = version_of(restored)
        assert personnel_rows(restored) == references[version]
        with store.open_store(restored) as con:
            meta = dict(con.execute("FROM meta").fetchall())
        assert meta["pseudonym_key_check"] == manifest.key_check
        seen.add(version)
    print(f"{len(taken)} backups, {replaced_during} with a rename during the copy: {seen}")


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["store", "key", "settings"])
def test_a_tampered_file_is_refused_and_the_existing_store_stays_byte_identical(
    role: str, source_db: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "backup"
    backup.make_backup(source_db, target, by=LOCAL_USER, with_key=True)
    import_version(source_db, tmp_path, 1)  # the store moves on after the backup
    before, key_before = source_db.read_bytes(), store.secret_path(source_db).read_bytes()
    tampered = target / backup.FILE_NAMES[role]  # type: ignore[index]
    flip_byte(tampered)

    assert main(["restore", str(target), "--db", str(source_db), "--force"]) == 1
    err = capsys.readouterr().err
    assert str(tampered) in err and "Prüfsumme" in err and "unverändert" in err
    assert "Traceback" not in err
    assert source_db.read_bytes() == before
    assert store.secret_path(source_db).read_bytes() == key_before
    assert not [p for p in source_db.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_store_that_duckdb_cannot_open_is_refused_even_with_matching_checksums(
    source_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "backup"
    backup.make_backup(source_db, target, by=LOCAL_USER, with_key=True)
    (target / "vielfalt.duckdb").write_bytes(b"\0" * 64 + (target / "vielfalt.duckdb").read_bytes())
    rewrite_manifest(target, "store")
    db = tmp_path / "elsewhere" / "vielfalt.duckdb"
    with pytest.raises(backup.BackupError, match="cannot be opened as a store") as refused:
        backup.restore_backup(target, db, by=LOCAL_USER)
    assert "vielfalt.duckdb" in str(refused.value)
    assert not db.exists()
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_key_that_does_not_belong_to_the_store_is_refused(
    source_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "backup"
    backup.make_backup(source_db, target, by=LOCAL_USER, with_key=True)
    (target / "pseudonym.key").write_text(OTHER_KEY)
    rewrite_manifest(target, "key")
    db = new_machine(tmp_path, monkeypatch, "second")
    with pytest.raises(backup.BackupError, match="does not belong to the store"):
        backup.restore_backup(target, db, by=LOCAL_USER)
    assert not db.exists() and not store.default_secret_path().exists()


def test_restoring_over_an_existing_store_needs_force(
    source_db: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "backup"
    backup.make_backup(source_db, target, by=LOCAL_USER, with_key=True)
    backed_up = contents(source_db)
    import_version(source_db, tmp_path, 1)
    before = source_db.read_bytes()

    assert main(["restore", str(target), "--db", str(source_db), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert f"{source_db}: a store exists here already; --force replaces it" in err
    assert source_db.read_bytes() == before

    assert main(["restore", str(target), "--db", str(source_db), "--force"]) == 0
    assert "Pseudonymschlüssel war schon vorhanden" in capsys.readouterr().out
    assert contents(source_db) == backed_up


def test_a_different_key_in_place_is_replaced_only_with_force(
    source_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "backup"
    backup.make_backup(source_db, target, by=LOCAL_USER, with_key=True)
    db = new_machine(tmp_path, monkeypatch, "second")
    key = store.default_secret_path()
    key.parent.mkdir(parents=True)
    key.write_text(OTHER_KEY)
    with pytest.raises(backup.BackupError, match="another pseudonym key is here") as refused:
        backup.restore_backup(target, db, by=LOCAL_USER)
    assert str(key) in str(refused.value)
    assert key.read_text() == OTHER_KEY and not db.exists()

    restored = backup.restore_backup(target, db, force=True, by=LOCAL_USER)
    assert restored.key_written and key.read_text() == TEST_KEY
    assert contents(db) == contents(source_db)


def test_a_backup_without_key_restores_only_where_the_right_key_is(
    source_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    target = tmp_path / "backup"
    assert main(["backup", str(target), "--db", str(source_db)]) == 0
    assert "enthält den Pseudonymschlüssel nicht" in capsys.readouterr().out
    assert "key" not in manifest_of(target)["files"]
    assert not (target / "pseudonym.key").exists()

    db = new_machine(tmp_path, monkeypatch, "second")
    key = store.default_secret_path()
    assert main(["restore", str(target), "--db", str(db), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "The backup holds no pseudonym key" in err and str(key) in err
    assert not db.exists()

    key.parent.mkdir(parents=True)
    key.write_text(OTHER_KEY)
    with pytest.raises(backup.BackupError, match="does not belong to the backed-up store"):
        backup.restore_backup(
            target, db, force=True, by=LOCAL_USER
        )  # --force does not make a wrong key right
    assert not db.exists() and key.read_text() == OTHER_KEY

    key.write_text(TEST_KEY)  # the key, brought from where it was kept
    restored = backup.restore_backup(target, db, by=LOCAL_USER)
    assert not restored.key_written and key.read_text() == TEST_KEY
    assert contents(db) == contents(source_db)


def test_backup_refuses_a_directory_in_use_and_a_key_of_another_store(
    source_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    with pytest.raises(backup.BackupError, match="not an empty directory"):
        backup.make_backup(source_db, used, by=LOCAL_USER, with_key=True)
    assert [p.name for p in used.iterdir()] == ["notes.txt"]

    monkeypatch.setenv(store.SECRET_ENV_VAR, str(tmp_path / "other.key"))
    (tmp_path / "other.key").write_text(OTHER_KEY)
    with pytest.raises(backup.BackupError, match="does not belong to the store") as refused:
        backup.make_backup(source_db, tmp_path / "backup", by=LOCAL_USER, with_key=True)
    assert str(tmp_path / "other.key") in str(refused.value)
    assert not (tmp_path / "backup").exists()  # nothing half-written left behind

    (tmp_path / "other.key").unlink()
    with pytest.raises(backup.BackupError, match="--with-key"):
        backup.make_backup(source_db, tmp_path / "backup", by=LOCAL_USER, with_key=True)
    with pytest.raises(backup.BackupError, match="no store here"):
        backup.make_backup(
            tmp_path / "none.duckdb", tmp_path / "backup", by=LOCAL_USER, with_key=True
        )


def test_a_directory_without_manifest_is_no_backup(tmp_path: Path, capsys) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "restore", str(tmp_path), "--db", str(tmp_path / "x")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"{tmp_path}: keine vollständige Sicherung (manifest.json fehlt)" in result.stderr
    assert "Traceback" not in result.stderr


# --- settings and the refusal log --------------------------------------------------------------


def test_settings_are_put_beside_unless_asked_to_replace_them(
    source_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _own_settings: Path
) -> None:
    target = tmp_path / "backup"
    backup.make_backup(source_db, target, by=LOCAL_USER, with_key=True)
    backed_up = _own_settings.read_text(encoding="utf-8")
    newer = backed_up.replace("k_ordinary = 5", "k_ordinary = 6")
    _own_settings.write_text(newer, encoding="utf-8")

    db = new_machine(tmp_path, monkeypatch, "second")
    restored = backup.restore_backup(target, db, by=LOCAL_USER)
    beside = _own_settings.with_name("settings.toml.restored")
    assert (restored.settings_outcome, restored.settings) == ("beside", beside)
    assert beside.read_text(encoding="utf-8") == backed_up
    assert _own_settings.read_text(encoding="utf-8") == newer

    restored = backup.restore_backup(target, db, force=True, with_settings=True, by=LOCAL_USER)
    assert (restored.settings_outcome, restored.settings) == ("replaced", _own_settings)
    assert _own_settings.read_text(encoding="utf-8") == backed_up


def test_settings_this_version_rejects_are_not_restored(
    source_db: Path, tmp_path: Path, _own_settings: Path
) -> None:
    target = tmp_path / "backup"
    backup.make_backup(source_db, target, by=LOCAL_USER, with_key=True)
    saved = target / "settings.toml"
    saved.write_text(saved.read_text("utf-8").replace("k_ordinary = 5", "k_ordinary = 1"), "utf-8")
    rewrite_manifest(target, "settings")
    before, settings = source_db.read_bytes(), _own_settings.read_bytes()
    with pytest.raises(backup.BackupError, match="k_ordinary"):
        backup.restore_backup(target, source_db, force=True, with_settings=True, by=LOCAL_USER)
    assert source_db.read_bytes() == before and _own_settings.read_bytes() == settings


def test_the_refusal_log_is_backed_up_and_never_rolls_back_a_log_in_place(
    source_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = write_csv(tmp_path / "bad.csv", PERSONNEL_HEADER, [["kein Datum"] * 20])
    with pytest.raises(ImportRefused):
        import_files([bad], source_db, by=LOCAL_USER)
    log = store.refusal_log_path(source_db)
    target = tmp_path / "backup"
    manifest = backup.make_backup(source_db, target, by=LOCAL_USER, with_key=True)
    assert manifest.files["refusal_log"].sha256 == sha256(log)

    db = new_machine(tmp_path, monkeypatch, "second")
    assert backup.restore_backup(target, db, by=LOCAL_USER).refusal_log_outcome == "restored"
    assert store.refusal_log_path(db).read_bytes() == log.read_bytes()

    with pytest.raises(ImportRefused):  # a refusal after the backup stays in the log
        import_files([bad], source_db, by=LOCAL_USER)
    after = log.read_bytes()
    assert (
        backup.restore_backup(target, source_db, force=True, by=LOCAL_USER).refusal_log_outcome
        == "kept"
    )
    assert log.read_bytes() == after


def test_every_message_key_of_the_backup_exists_in_both_languages() -> None:
    source = (ROOT / "metrics" / "backup.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"(backup\.[a-z_]+)"', source))
    assert len(used) > 15
    assert sorted(used - set(TEXTS)) == []
