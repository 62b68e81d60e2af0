"""The audit log: who imported, deleted, exported or changed what, and when.

An append-only JSON-lines file beside the store (the owner's alone, 0600), read by the employee
representatives. Each entry carries the SHA-256 of the line before it, so a line removed or
changed afterwards breaks the chain and `verify` names where. Page views are not recorded unless
the settings ask for it: that would monitor the users themselves. Entries older than the
retention period are dropped at start-up; the first entry then anchors the chain with the hash
of the last line dropped.

Functions that change data or let figures leave the app take the user they act for: they call
`authorise` first (it checks the role and records a refusal) and `record` once the action is
done.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from metrics import store
from metrics.access import SYSTEM_USER, Action, User, require

ANCHOR = "log_pruned"


def audit_log_path(db_path: Path) -> Path:
    return db_path.with_suffix(".audit.jsonl")


def authorise(db_path: Path, user: User, action: Action, event: str, **details: object) -> None:
    """Raises AccessDenied unless the user may do `action`; a refusal is recorded too."""
    if not user.may(action):
        record(db_path, user, "denied", attempted=event, **details)
    require(user, action)


def _digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def _last_line(handle: int) -> str:
    """The file's last line (without its newline), read backwards from the end."""
    end = os.lseek(handle, 0, os.SEEK_END)
    chunk, position, tail = 4096, end, b""
    while position > 0:
        position = max(0, position - chunk)
        tail = os.pread(handle, end - position, position)
        if tail.rstrip(b"\n").count(b"\n") >= 1:
            break
    lines = tail.rstrip(b"\n").split(b"\n")
    return lines[-1].decode("utf-8") if lines and lines[-1] else ""


def record(db_path: Path, user: User, event: str, **details: object) -> None:
    """Appends an entry; the file lock orders writers of several processes, so each entry's
    `prev` is the line really before it."""
    record_at(db_path, user, event, datetime.now(), details)


def record_at(
    db_path: Path, user: User, event: str, at: datetime, details: Mapping[str, object]
) -> None:
    """`record` with the entry's time given (the tests of the retention period)."""
    log = audit_log_path(db_path)
    store.private_directory(log.parent)
    with _locked(log, create=True) as fd:
        previous = _last_line(fd)
        entry = {
            "at": at.isoformat(timespec="seconds"),
            "user": user.id,
            "name": user.name,
            "roles": user.role_names,
            "event": event,
            "details": dict(details),
            "prev": _digest(previous) if previous else "",
        }
        os.write(fd, (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8"))


@contextmanager
def _locked(log: Path, *, create: bool) -> Iterator[int]:
    """The log's file, locked; reopened if a pruning renamed a new file over it meanwhile (an
    entry appended to the old one would be lost)."""
    while True:
        flags = os.O_RDWR | os.O_APPEND | (os.O_CREAT if create else 0)
        fd = os.open(log, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_ino == os.stat(log).st_ino:
                yield fd
                return
        finally:
            os.close(fd)


def entries(db_path: Path) -> list[dict[str, object]]:
    """Every entry, oldest first."""
    return [json.loads(line) for line in _lines(audit_log_path(db_path))]


def _lines(log: Path) -> list[str]:
    if not log.exists():
        return []
    with log.open(encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip()]


def verify(db_path: Path) -> list[int]:
    """Line numbers (from 1) whose `prev` is not the hash of the line before: empty if the log
    is whole. A first line that is a pruning's anchor gives the hash the next line must carry.
    (The owner of the file could rewrite it whole; the chain shows a line removed or changed.)"""
    broken = []
    expected = ""
    for number, line in enumerate(_lines(audit_log_path(db_path)), start=1):
        entry = json.loads(line)
        if number == 1 and entry["event"] == ANCHOR:
            expected = str(entry["details"]["last_hash"])
            continue
        if entry["prev"] != expected:
            broken.append(number)
        expected = _digest(line)
    return broken


def _time(line: str) -> datetime:
    return datetime.fromisoformat(str(json.loads(line)["at"]))


def prune(db_path: Path, retention_days: int, now: datetime | None = None) -> int:
    """Drops the entries older than the retention period; the new first line is an anchor
    holding the hash of the last line dropped, so `verify` still checks the rest. Returns how
    many entries were dropped. Rewritten by rename, under the writers' lock."""
    log = audit_log_path(db_path)
    if not log.exists():
        return 0
    cutoff = (now or datetime.now()) - timedelta(days=retention_days)
    with _locked(log, create=False):
        lines = _lines(log)
        first = 1 if lines and json.loads(lines[0])["event"] == ANCHOR else 0
        end = first
        # entries are in time order: the old ones are a run at the start
        while end < len(lines) and _time(lines[end]) < cutoff:
            end += 1
        if end == first:
            return 0
        anchor = {
            "at": (now or datetime.now()).isoformat(timespec="seconds"),
            "user": "system",
            "name": "Vielfaltsmonitor",
            "roles": "",
            "event": ANCHOR,
            "details": {
                "dropped": end - first,
                "before": cutoff.isoformat(timespec="seconds"),
                "last_hash": _digest(lines[end - 1]),
            },
            "prev": "",
        }
        tmp = log.with_name(f".{log.name}.tmp")
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(out, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(anchor, ensure_ascii=False) + "\n")
            handle.writelines(line + "\n" for line in lines[end:])
        os.replace(tmp, log)
        return end - first


def record_settings(db_path: Path, settings_file: Path | None, **summary: object) -> bool:
    """Enters the settings file when it changed since the last entry (by its SHA-256): a
    changed k or target changes what is published. Returns whether it entered it."""
    if settings_file is None or not settings_file.exists():
        return False
    digest = hashlib.sha256(settings_file.read_bytes()).hexdigest()
    last = next((e for e in reversed(entries(db_path)) if e["event"] == "settings"), None)
    if last is not None and dict(last["details"]).get("sha256") == digest:  # type: ignore[call-overload]
        return False
    record(db_path, SYSTEM_USER, "settings", file=str(settings_file), sha256=digest, **summary)
    return True
