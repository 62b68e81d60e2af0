"""Roles and the audit log: every function that changes data or lets figures leave the app
checks the acting user's role itself (the menu is not the control) and enters what was done;
the log's chain of hashes shows a removed or changed line."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from metrics import audit, downloads, report, store
from metrics.access import (
    LOCAL_USER,
    PERMISSIONS,
    AccessDenied,
    Action,
    Role,
    RoleMapping,
    User,
    reached_from_elsewhere,
    user_from_claims,
)
from metrics.ingest import (
    delete_coverage,
    import_files,
    inspect_files,
    prepare_import,
    set_invited,
    stage_upload,
)
from metrics.settings import SettingsError, load_settings, parse_settings
from metrics.views import build_audit_page
from metrics.views.audit import ReleaseCheck, check_release, release_check_text
from tests.conftest import copy_store
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv
from tests.small_groups import build_small_group_store


def user(*roles: Role) -> User:
    return User(f"user-{'-'.join(roles) or 'none'}", "Erika Muster", frozenset(roles))


MANAGER = user(Role.MANAGEMENT)
MAINTAINER = user(Role.DATA_MAINTENANCE)
REPRESENTATIVE = user(Role.REPRESENTATIVES)


@pytest.fixture
def db(keyed_small_store: Path, tmp_path: Path) -> Path:
    """A copy of the small-group store (and its key) of this test's own, its audit log empty."""
    return copy_store(keyed_small_store, tmp_path / "store")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def events(db: Path) -> list[tuple[str, str]]:
    return [(str(e["user"]), str(e["event"])) for e in audit.entries(db)]


def test_each_role_may_what_its_people_do() -> None:
    assert MANAGER.may(Action.EXPORT) and not MANAGER.may(Action.CHANGE_DATA)
    assert not MANAGER.may(Action.VIEW_AUDIT) and not MANAGER.may(Action.VIEW_DATA)
    assert REPRESENTATIVE.may(Action.VIEW_AUDIT) and REPRESENTATIVE.may(Action.VIEW_DATA)
    assert not REPRESENTATIVE.may(Action.CHANGE_DATA)
    assert MAINTAINER.may(Action.CHANGE_DATA) and not MAINTAINER.may(Action.EXPORT)
    assert all(user(Role.ADMINISTRATOR).may(action) for action in Action)
    assert not any(user().may(action) for action in Action)
    assert set(PERMISSIONS) == set(Role)
    assert LOCAL_USER.roles == frozenset(Role)


def test_roles_come_from_the_configured_claim() -> None:
    mapping = RoleMapping(
        "groups",
        ((Role.MANAGEMENT, ("leitung",)), (Role.REPRESENTATIVES, ("personalrat", "sbv"))),
    )
    claims = {"sub": "42", "iss": "https://idp", "name": "Erika", "groups": ["sbv", "x"]}
    person = user_from_claims(claims, mapping)
    assert person.roles == {Role.REPRESENTATIVES}
    assert person.id == "https://idp#42" and person.name == "Erika"
    assert user_from_claims({"sub": "1", "groups": "leitung"}, mapping).roles == {Role.MANAGEMENT}
    assert user_from_claims({"sub": "1"}, mapping).roles == frozenset()
    with pytest.raises(ValueError, match="subject"):
        user_from_claims({"groups": ["leitung"]}, mapping)


def good_file(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "personal.csv", PERSONNEL_HEADER, personnel_population(12, "31.10.2026")
    )


CHANGES: dict[str, Callable[[Path, Path, User], object]] = {
    "import_files": lambda db, tmp, by: import_files([good_file(tmp)], db, by=by),
    "prepare_import": lambda db, tmp, by: prepare_import([good_file(tmp)], db, by=by),
    "inspect_files": lambda db, tmp, by: inspect_files([good_file(tmp)], db, by=by),
    "stage_upload": lambda db, tmp, by: stage_upload(
        [("p.csv", good_file(tmp).read_bytes())], db, "de", by=by
    ),
    "delete_coverage": lambda db, tmp, by: delete_coverage(db, "personnel", ["31.12.2025"], by=by),
    "set_invited": lambda db, tmp, by: set_invited(db, 2025, 60, by=by),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_changing_data_is_refused_without_the_role_and_the_attempt_entered(
    db: Path, tmp_path: Path, change: str
) -> None:
    before = digest(db)
    for refused in (MANAGER, REPRESENTATIVE, user()):
        with pytest.raises(AccessDenied):
            CHANGES[change](db, tmp_path, refused)
    assert digest(db) == before
    assert [event for _, event in events(db)] == ["denied"] * 3
    assert not [p for p in db.parent.iterdir() if ".staging-" in p.name or "upload" in p.name]


def test_what_data_maintenance_changes_is_entered_with_who_did_it(db: Path, tmp_path: Path) -> None:
    [result] = import_files([good_file(tmp_path)], db, by=MAINTAINER)
    assert delete_coverage(db, "personnel", ["31.10.2026"], by=MAINTAINER) == 12
    set_invited(db, 2024, 50, by=MAINTAINER)
    entries = audit.entries(db)
    assert [e["event"] for e in entries] == ["import", "delete", "invited"]
    assert {e["user"] for e in entries} == {MAINTAINER.id}
    [imported] = entries[0]["details"]["files"]  # type: ignore[index]
    assert imported["sha256"] == result.sha256 and imported["rows"] == 12
    assert entries[1]["details"] == {"kind": "personnel", "coverage": ["31.10.2026"], "rows": 12}
    assert entries[2]["details"] == {"wave": 2024, "invited": 50}
    assert audit.verify(db) == []
    assert audit.audit_log_path(db).stat().st_mode & 0o777 == 0o600


EXPORTS: dict[str, Callable[[Path, User], bytes]] = {
    **{
        suffix: lambda db, by, suffix=suffix: _report(db, suffix, by)
        for suffix in (".xlsx", ".pptx")
    },
    "table_csv": lambda db, by: downloads.table_csv(
        db, pd.DataFrame({"a": [1]}), "de", by=by, name="t.csv", year=2025
    ),
    "chart_png": lambda db, by: downloads.chart_png(db, go.Figure(), by=by, name="c.png"),
}


def _report(db: Path, suffix: str, by: User) -> bytes:
    with store.open_store(db) as con:
        return report.FORMATS[suffix](con, 2025, None, "de", by=by)


@pytest.mark.parametrize("export", list(EXPORTS))
def test_exports_are_refused_without_the_role(db: Path, export: str) -> None:
    for refused in (MAINTAINER, user()):
        with pytest.raises(AccessDenied):
            EXPORTS[export](db, refused)
    assert [event for _, event in events(db)] == ["denied", "denied"]


def test_an_export_is_entered_with_its_selection(db: Path) -> None:
    data = EXPORTS[".xlsx"](db, MANAGER)
    downloads.table_csv(db, pd.DataFrame({"a": [1, 2]}), "de", by=MANAGER, name="t.csv", year=2025)
    first, second = audit.entries(db)
    assert first["event"] == "export" and first["user"] == MANAGER.id
    assert first["details"] == {
        "report": "workbook",
        "year": 2025,
        "carrier": None,
        "lang": "de",
        "bytes": len(data),
    }
    assert second["details"] == {"file": "t.csv", "rows": 2, "year": 2025}


def test_a_changed_or_removed_line_breaks_the_chain(db: Path) -> None:
    for n in range(5):
        audit.record(db, MANAGER, "download", file=f"{n}.csv")
    log = audit.audit_log_path(db)
    lines = log.read_text().splitlines()
    assert audit.verify(db) == []
    log.write_text("\n".join(lines[:2] + lines[3:]) + "\n")  # line 3 removed
    assert audit.verify(db) == [3]
    changed = lines[1].replace("1.csv", "x.csv")
    log.write_text("\n".join([lines[0], changed, *lines[2:]]) + "\n")
    assert audit.verify(db) == [3]  # line 2 changed: line 3 no longer matches it


def test_old_entries_go_and_the_chain_still_checks(db: Path) -> None:
    now = datetime(2026, 12, 1, 12, 0)
    for days in (800, 740, 10, 1):
        audit.record_at(db, MANAGER, "download", now - timedelta(days=days), {"days": days})
    assert audit.prune(db, 730, now=now) == 2
    kept = audit.entries(db)
    assert [e["event"] for e in kept] == [audit.ANCHOR, "download", "download"]
    assert [e["details"].get("days") for e in kept[1:]] == [10, 1]  # type: ignore[union-attr]
    assert audit.verify(db) == []
    audit.record(db, MANAGER, "download", file="after.csv")
    assert audit.verify(db) == [] and audit.prune(db, 730, now=now) == 0
    # pruned again later: one anchor, not two
    assert audit.prune(db, 5, now=now) == 1
    assert [e["event"] for e in audit.entries(db)][:2] == [audit.ANCHOR, "download"]
    assert audit.verify(db) == []


def test_writers_at_once_keep_the_chain(db: Path) -> None:
    def write(n: int) -> None:
        for i in range(25):
            audit.record(db, MANAGER, "download", file=f"{n}-{i}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(audit.entries(db)) == 100 and audit.verify(db) == []


def test_a_changed_settings_file_is_entered_once(db: Path, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("a = 1\n")
    assert audit.record_settings(db, settings, k_ordinary=5)
    assert not audit.record_settings(db, settings, k_ordinary=5)
    settings.write_text("a = 2\n")
    assert audit.record_settings(db, settings, k_ordinary=5)
    assert [e["event"] for e in audit.entries(db)] == ["settings", "settings"]


def test_the_audit_page_publishes_small_counts_like_every_count(db: Path) -> None:
    audit.record(db, MAINTAINER, "delete", kind="personnel", coverage=["31.10.2026"], rows=3)
    audit.record(db, MAINTAINER, "delete", kind="personnel", coverage=["30.11.2026"], rows=40)
    context = build_audit_page(db, load_settings().rules, "de")
    details = list(context.entries["Einzelheiten"])
    assert details[0] == "Art: personnel; Stichtage: 30.11.2026; Zeilen: 40"
    assert details[1] == "Art: personnel; Stichtage: 31.10.2026; Zeilen: < 5"
    assert list(context.entries["Vorgang"]) == ["Löschung", "Löschung"]
    assert context.broken_lines == ()


def test_the_audit_page_reads_in_the_users_language(db: Path) -> None:
    digest = "ab" * 32
    audit.record(db, LOCAL_USER, "backup", dir="/backup/x", with_key=False, sha256=digest)
    english = build_audit_page(db, load_settings().rules, "en").entries.iloc[0]
    assert english["User"] == "local (no login)"
    assert english["Roles"] == (  # as entered: by their ids
        "administrator, data maintenance, management, representatives, working group"
    )
    assert english["Event"] == "Backup made"
    assert english["Details"] == "directory: /backup/x; with key: no; checksum: abababababab…"
    german = build_audit_page(db, load_settings().rules, "de").entries.iloc[0]
    assert german["Rollen"].startswith("Administration, Datenpflege, Leitung")
    assert german["Einzelheiten"].startswith("Verzeichnis: /backup/x; mit Schlüssel: nein")


def test_access_settings_are_checked() -> None:
    base = _settings_document()
    parse_settings(base)
    for change, key in (
        ({"roles_claim": ""}, "access.roles_claim"),
        ({"management": "leitung"}, "access.management"),
        ({"boss": ["x"]}, "access.boss"),
    ):
        broken = json.loads(json.dumps(base))
        broken["access"].update(change)
        with pytest.raises(SettingsError, match=key):
            parse_settings(broken)
    missing = json.loads(json.dumps(base))
    del missing["access"]["administrator"]
    with pytest.raises(SettingsError, match=r"access\.administrator: missing"):
        parse_settings(missing)
    wrong = json.loads(json.dumps(base))
    wrong["audit"]["page_views"] = "nein"
    with pytest.raises(SettingsError, match=r"audit\.page_views"):
        parse_settings(wrong)


def _settings_document() -> dict[str, object]:
    import tomllib

    from metrics.settings import settings_path

    with settings_path().open("rb") as handle:
        return tomllib.load(handle)


def test_the_release_check_says_whether_the_attacker_pins_anybody(tmp_path: Path) -> None:
    """The Protokoll page's check runs the attacker over the planned release; it names how
    many groups are pinned, never which (that would itself publish them)."""
    db = build_small_group_store(tmp_path / "store")
    settings = load_settings()
    with store.open_store(db) as con:
        check = check_release(con, 2025, settings)
    assert check.figures > 0 and check.pinned == 0
    whole, text = release_check_text(check, "de")
    assert whole and f"{check.figures} veröffentlichte Zahlen" in text
    whole, text = release_check_text(ReleaseCheck(2025, 865, 2), "en")
    assert not whole
    assert "2 groups of persons can be pinned down from 865 published figures" in text


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}, None),
        ({"Host": "localhost:8501"}, None),
        ({"Host": "[::1]:8501"}, None),
        ({"Host": "LOCALHOST"}, None),
        ({}, None),
        # the deploy file's nginx site passes the client's Host and two forwarding headers
        (
            {"Host": "127.0.0.1:8501", "X-Real-IP": "10.1.2.3", "X-Forwarded-For": "10.1.2.3"},
            "X-Forwarded-For",
        ),
        ({"host": "127.0.0.1", "x-real-ip": "10.1.2.3"}, "X-Real-IP"),
        ({"Host": "127.0.0.1", "Forwarded": "for=10.1.2.3;proto=https"}, "Forwarded"),
        ({"Host": "127.0.0.1", "X-Forwarded-Host": "vielfalt.example.org"}, "X-Forwarded-Host"),
        # a proxy that forwards nothing but the public name
        ({"Host": "vielfalt.example.org"}, "Host: vielfalt.example.org"),
        ({"Host": "192.168.1.20:8501"}, "Host: 192.168.1.20"),
        ({"Host": "[2001:db8::1]:443"}, "Host: 2001:db8::1"),
        # an empty forwarding header says nothing
        ({"Host": "127.0.0.1:8501", "X-Forwarded-For": ""}, None),
    ],
)
def test_a_request_through_a_proxy_or_under_another_name_is_seen(headers, expected) -> None:
    assert reached_from_elsewhere(headers) == expected
