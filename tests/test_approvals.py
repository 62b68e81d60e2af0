"""The two-person rule (`[access] two_person_rule`): an import or a deletion a signed-in user
asks for is carried out only when a second user with the data role approves it; the request is
kept beside the store (it outlives the session and the process), carried out exactly as checked,
taken by one approver only, and expires. Real stores, real imports, the real audit log."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from metrics import audit, store
from metrics.access import LOCAL_USER, AccessDenied, Role, User, command_line_user
from metrics.ingest import delete_coverage, import_files, stage_upload
from metrics.ingest.approvals import (
    OwnRequest,
    RequestGone,
    approve,
    pending_dir,
    pending_requests,
    reject,
    request_deletion,
    request_import,
)
from metrics.ingest.two_person import ApprovalRequired
from metrics.settings import SETTINGS_ENV_VAR, Settings, load_settings
from tests.conftest import copy_store
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv

REPO = Path(__file__).resolve().parents[1]


def person(name: str, *roles: Role) -> User:
    return User(f"https://idp#{name}", name.title(), frozenset(roles), signed_in=True)


DANA = person("dana", Role.DATA_MAINTENANCE)
DIRK = person("dirk", Role.DATA_MAINTENANCE)
ANTON = person("anton", Role.ADMINISTRATOR)
PAUL = person("paul", Role.REPRESENTATIVES)


@pytest.fixture
def db(keyed_small_store: Path, tmp_path: Path) -> Path:
    """A copy of the small-group store (and its key) of this test's own, its audit log empty."""
    return copy_store(keyed_small_store, tmp_path / "store")


@pytest.fixture
def rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The repository's settings with the two-person rule on, as the functions read them."""
    text = (REPO / "settings.toml").read_text()
    assert "two_person_rule = false" in text
    path = tmp_path / "settings.toml"
    path.write_text(text.replace("two_person_rule = false", "two_person_rule = true"))
    monkeypatch.setenv(SETTINGS_ENV_VAR, str(path))
    settings = load_settings()
    assert settings.two_person_rule and settings.approval_hours == 72
    return settings


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def personnel_2026(tmp_path: Path, n: int = 12) -> bytes:
    rows = personnel_population(n, "31.10.2026")
    return write_csv(tmp_path / "personal_2026.csv", PERSONNEL_HEADER, rows).read_bytes()


def staged(db: Path, tmp_path: Path, by: User, n: int = 12):
    return stage_upload([("personal_2026.csv", personnel_2026(tmp_path, n))], db, "de", by=by)


def rows_of(db: Path, date: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT count(*) FROM personnel WHERE strftime(reporting_date, '%d.%m.%Y') = ?", [date]
        ).fetchone()[0]


def events(db: Path) -> list[tuple[str, str]]:
    return [(str(e["user"]), str(e["event"])) for e in audit.entries(db)]


def test_under_the_rule_a_signed_in_user_cannot_import_or_delete_alone(
    db: Path, tmp_path: Path, rule: Settings
) -> None:
    before = digest(db)
    upload = staged(db, tmp_path, DANA)
    assert upload.prepared.ok
    with pytest.raises(ApprovalRequired):
        upload.prepared.commit()
    with pytest.raises(ApprovalRequired):
        delete_coverage(db, "personnel", ["31.12.2024"], by=DANA)
    path = tmp_path / "p.csv"
    path.write_bytes(personnel_2026(tmp_path))
    with pytest.raises(ApprovalRequired):
        import_files([path], db, by=ANTON)
    assert digest(db) == before
    denied = [e for e in audit.entries(db) if e["event"] == "denied"]
    assert [e["details"]["reason"] for e in denied] == ["two_person_rule"] * 3
    # the local user (no login) and the command line (the store owner) act alone
    assert import_files([path], db, by=command_line_user())
    assert delete_coverage(db, "personnel", ["31.10.2026"], by=LOCAL_USER) == 12


def test_an_import_asked_for_is_carried_out_when_a_second_person_approves(
    db: Path, tmp_path: Path, rule: Settings
) -> None:
    before = digest(db)
    upload = staged(db, tmp_path, DANA)
    request = request_import(upload.prepared, rule)
    assert upload.prepared.closed  # the session's preview is gone; the request holds the rows
    assert digest(db) == before
    [waiting] = pending_requests(db)
    assert waiting.id == request.id and waiting.action == "import"
    assert waiting.requested_name == "Dana" and waiting.expires_at - waiting.requested_at == (
        timedelta(hours=72)
    )
    lines = waiting.describe("de", rule.rules)
    assert len(lines) == 1 and "personal_2026.csv" in lines[0] and "12" in lines[0]
    # what is kept holds no raw id: the staged rows carry only hashed pseudonyms
    folder = pending_dir(db) / request.id
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    with duckdb.connect(str(folder / "staged.duckdb"), read_only=True) as con:
        tables = [row[0] for row in con.execute("SHOW TABLES").fetchall()]
        columns = {c for t in tables for c, *_ in con.execute(f"DESCRIBE {t}").fetchall()}
    assert not any(c.startswith("_raw_") for c in columns)
    assert b"P0000" not in (folder / "staged.duckdb").read_bytes()  # personnel_population ids

    # nobody approves their own request; the representatives may not approve at all
    with pytest.raises(OwnRequest):
        approve(db, request.id, by=DANA)
    with pytest.raises(AccessDenied):
        approve(db, request.id, by=PAUL)
    assert digest(db) == before and pending_requests(db)

    results = approve(db, request.id, by=DIRK)
    assert isinstance(results, list) and [r.rows for r in results] == [12]
    assert rows_of(db, "31.10.2026") == 12
    assert pending_requests(db) == [] and list(pending_dir(db).iterdir()) == []
    log = audit.entries(db)
    steps = [(e["user"], e["event"]) for e in log if e["event"] != "denied"]
    assert steps == [
        (DANA.id, "approval_requested"),
        (DIRK.id, "import"),
        (DIRK.id, "approved"),
    ]
    imported = next(e for e in log if e["event"] == "import")
    assert imported["details"]["requested_by"] == DANA.id
    assert imported["details"]["request"] == request.id
    with pytest.raises(RequestGone):
        approve(db, request.id, by=ANTON)
    assert audit.verify(db) == []


def test_a_deletion_asked_for_is_carried_out_on_approval_and_a_rejection_changes_nothing(
    db: Path, tmp_path: Path, rule: Settings
) -> None:
    held = rows_of(db, "31.12.2024")
    assert held > 0
    before = digest(db)
    first = request_deletion(db, "personnel", ["31.12.2024"], rule, by=DANA)
    assert first.describe("de", rule.rules) == ["Personalbestand: 31.12.2024"]
    reject(db, first.id, by=ANTON)
    assert digest(db) == before and pending_requests(db) == []
    second = request_deletion(db, "personnel", ["31.12.2024"], rule, by=DANA)
    reject(db, second.id, by=DANA)  # its author withdraws it
    third = request_deletion(db, "personnel", ["31.12.2024"], rule, by=DANA)
    assert approve(db, third.id, by=ANTON) == held
    assert rows_of(db, "31.12.2024") == 0
    steps = [event for user, event in events(db)]
    assert steps == [
        "approval_requested",
        "rejected",
        "approval_requested",
        "withdrawn",
        "approval_requested",
        "delete",
        "approved",
    ]
    with pytest.raises(ValueError):
        request_deletion(db, "personnel", ["kein Datum"], rule, by=DANA)


def test_a_request_expires(db: Path, tmp_path: Path, rule: Settings) -> None:
    asked = datetime(2026, 12, 1, 9, 0)
    request = request_deletion(db, "personnel", ["31.12.2024"], rule, by=DANA, now=asked)
    assert pending_requests(db, now=asked + timedelta(hours=71)) == [
        dataclasses.replace(request, staged=())
    ]
    with pytest.raises(RequestGone):
        approve(db, request.id, by=DIRK, now=asked + timedelta(hours=72))
    assert pending_requests(db) == []
    assert [event for _, event in events(db)] == ["approval_requested", "expired"]
    assert rows_of(db, "31.12.2024") > 0


def test_of_two_approvers_at_once_one_carries_the_import_out(
    db: Path, tmp_path: Path, rule: Settings
) -> None:
    request = request_import(staged(db, tmp_path, DANA).prepared, rule)
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def approver(user: User) -> None:
        start.wait()
        try:
            outcomes.append(approve(db, request.id, by=user))
        except RequestGone as gone:
            outcomes.append(gone)

    threads = [threading.Thread(target=approver, args=(u,)) for u in (DIRK, ANTON)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(o).__name__ for o in outcomes) == ["RequestGone", "list"]
    assert rows_of(db, "31.10.2026") == 12
    assert [event for _, event in events(db)].count("import") == 1


def test_a_request_made_in_one_process_is_approved_in_another(
    db: Path, tmp_path: Path, rule: Settings
) -> None:
    """The app's processes share the store: the author's process asks, another approves."""
    request = request_import(staged(db, tmp_path, DANA).prepared, rule)
    script = f"""
from pathlib import Path
from metrics.access import Role, User
from metrics.ingest.approvals import approve
dirk = User("https://idp#dirk", "Dirk", frozenset({{Role.DATA_MAINTENANCE}}), signed_in=True)
print(sum(r.rows for r in approve(Path({str(db)!r}), {request.id!r}, by=dirk)))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "12"
    assert rows_of(db, "31.10.2026") == 12


def test_an_import_asked_for_under_another_key_is_not_carried_out(
    db: Path, tmp_path: Path, rule: Settings
) -> None:
    request = request_import(staged(db, tmp_path, DANA).prepared, rule)
    before = digest(db)
    store.legacy_secret_path(db).write_text(secrets.token_hex(32))
    with pytest.raises(store.StoreError, match="key changed"):
        approve(db, request.id, by=DIRK)
    assert digest(db) == before
    assert pending_requests(db) == []
    assert [event for _, event in events(db)][-1] == "approval_failed"


def test_those_who_may_not_change_data_read_a_request_as_the_import_log_publishes_it(
    db: Path, tmp_path: Path, rule: Settings
) -> None:
    """The representatives see what waits, but not the upload's own preview: its row counts
    are published by the count rule, as in the import log."""
    small = request_import(staged(db, tmp_path, DANA, n=3).prepared, rule)
    [line] = small.describe("de", rule.rules, preview=False)
    assert line == "„personal_2026.csv“: Personalbestand (31.10.2026), < 5 Zeilen"
    [full] = small.describe("de", rule.rules)
    assert "3 Zeilen" in full  # the data maintainers' preview of a file they hold
