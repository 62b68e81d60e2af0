"""The two-person rule's requests: an import or a deletion asked for by one signed-in user with
the data role, carried out when a second one approves it (`[access] two_person_rule`).

A request must outlive the session and the process (the approver is another person, perhaps
on another app process, hours later), so it is kept beside the store in `<store>.pending/<id>/`:
`request.json` (who, when, until when, what) and, for an import, `staged.duckdb`, the rows as the
import check staged them (ids already hashed, raw ids dropped), in the private data directory
(0700/0600). The approval commits exactly those rows: what was checked and shown is what is
written. Taking a request is an atomic rename, so of two approvers at the same moment one
carries it out and the other is told it is gone. A request expires after `approval_hours`.
Every step is in the audit log: approval_requested, approved, rejected, withdrawn, expired.
Pending requests are not part of a backup: they are changes not yet made.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from metrics import audit, store
from metrics.access import SYSTEM_USER, AccessDenied, Action, User
from metrics.contract import SOURCES_BY_KIND
from metrics.disclosure import DisclosureRules, count_text
from metrics.formatting import format_date
from metrics.i18n import Lang, t
from metrics.ingest.prepare import FilePreview, PreparedImport
from metrics.ingest.problems import ImportRefused, ImportResult, _coverage_text
from metrics.ingest.pseudonyms import key_check
from metrics.ingest.read import StagedFile
from metrics.ingest.two_person import ApprovedRequest
from metrics.ingest.write import _coverage_values, _process_alive, _source, delete_coverage
from metrics.settings import Settings

REQUEST_FILE = "request.json"
STAGED_FILE = "staged.duckdb"
_TAKEN = ".taken-"  # a request being carried out or removed: <id>.taken-<pid>


class RequestGone(LookupError):
    """The request was approved, rejected or withdrawn meanwhile, or it expired."""


class OwnRequest(AccessDenied):
    """Nobody approves or rejects their own request (they may withdraw it)."""

    def __init__(self, user: User) -> None:
        super().__init__(user, Action.CHANGE_DATA)
        self.args = (f"{user.id}: a request needs a second person",)


@dataclass(frozen=True)
class ChangeRequest:
    id: str
    action: str  # "import" or "delete"
    requested_by: str  # the user id, as in the audit log
    requested_name: str
    requested_at: datetime
    expires_at: datetime
    # an import: its files as previewed when it was asked for
    previews: tuple[FilePreview, ...] = ()
    # a deletion: the kind of data and what of it
    kind: str = ""
    values: tuple[str, ...] = ()
    # an import: the staged files and the key they were hashed with
    staged: tuple[StagedFile, ...] = field(default=(), repr=False)
    key_check: str = ""

    @property
    def approved(self) -> ApprovedRequest:
        return ApprovedRequest(self.id, self.requested_by)

    def describe(self, lang: Lang, rules: DisclosureRules, *, preview: bool = True) -> list[str]:
        """What the request would do, one line per file (import) or one line (deletion).
        `preview`: the upload's own preview, for those who may change data (they have the
        files); the others (the representatives) read file, kind, coverage and rows as the
        import log publishes them."""
        if self.action == "import" and preview:
            return [p.summary(lang, rules) for p in self.previews]
        if self.action == "import":
            return [
                t(
                    "approval.file_what",
                    lang,
                    file=p.file_name,
                    kind=_kind_label(p.kind, lang),
                    coverage=_coverage_text(p.coverage),
                    rows=count_text(p.rows, lang, rules),
                )
                for p in self.previews
            ]
        return [
            t(
                "approval.delete_what",
                lang,
                kind=_kind_label(self.kind, lang),
                values=", ".join(self.values),
            )
        ]

    def expires_text(self, lang: Lang) -> str:
        return _when(self.expires_at, lang)

    def heading(self, lang: Lang) -> str:
        return t(
            f"approval.heading_{self.action}",
            lang,
            name=self.requested_name,
            at=_when(self.requested_at, lang),
            until=_when(self.expires_at, lang),
        )


def _kind_label(kind: str | None, lang: Lang) -> str:
    source = SOURCES_BY_KIND[kind or ""]
    return source.label_de if lang == "de" else source.label_en


def _when(at: datetime, lang: Lang) -> str:
    return f"{format_date(at.date(), lang)} {at:%H:%M}"


def pending_dir(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.pending")


def request_import(
    prepared: PreparedImport, settings: Settings, *, now: datetime | None = None
) -> ChangeRequest:
    """Keeps a checked import (every file passed) as a request of its author, `prepared.by`,
    and closes it; nothing is written to the store."""
    db_path = prepared.db_path
    audit.authorise(db_path, prepared.by, Action.CHANGE_DATA, "approval_request")
    if prepared.closed or not prepared.ok:
        raise ValueError("only a checked import whose files all passed can be asked for")
    try:
        request, folder = _new_request(db_path, prepared.by, "import", settings, now)
        try:
            prepared.save_staged(folder / STAGED_FILE)
            request = replace(
                request,
                previews=tuple(prepared.previews),
                staged=tuple(prepared.staged),
                key_check=key_check(prepared._secret),
            )
            _publish(folder, request)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    finally:
        prepared.close()
    files = [
        {"file": p.file_name, "sha256": p.sha256, "kind": p.kind, "rows": p.rows}
        for p in request.previews
    ]
    audit.record(
        db_path, prepared.by, "approval_requested", request=request.id, action="import", files=files
    )
    return request


def request_deletion(
    db_path: Path,
    kind: str,
    values: list[str],
    settings: Settings,
    *,
    by: User,
    now: datetime | None = None,
) -> ChangeRequest:
    """Keeps a deletion of what imports of `kind` cover for `values` as a request of `by`."""
    audit.authorise(db_path, by, Action.CHANGE_DATA, "approval_request", kind=kind)
    wanted = _coverage_values(_source(kind), values)
    if not wanted:
        raise ValueError("nothing to delete")
    request, folder = _new_request(db_path, by, "delete", settings, now)
    request = replace(request, kind=kind, values=tuple(wanted))
    _publish(folder, request)
    audit.record(
        db_path,
        by,
        "approval_requested",
        request=request.id,
        action="delete",
        kind=kind,
        coverage=wanted,
    )
    return request


def pending_requests(db_path: Path, *, now: datetime | None = None) -> list[ChangeRequest]:
    """The requests waiting, oldest first; expired ones are removed (and entered as such)."""
    folder = pending_dir(db_path)
    if not folder.is_dir():
        return []
    now = now or datetime.now()
    waiting = []
    for entry in sorted(folder.iterdir()):
        if _TAKEN in entry.name:
            _remove_if_abandoned(entry)
            continue
        if not (entry / REQUEST_FILE).is_file():
            continue
        try:
            request = _read(entry)
        except (OSError, ValueError, KeyError):
            continue  # being written or removed right now
        if request.expires_at <= now:
            _expire(db_path, request)
            continue
        waiting.append(request)
    return sorted(waiting, key=lambda r: r.requested_at)


def approve(
    db_path: Path, request_id: str, *, by: User, now: datetime | None = None
) -> list[ImportResult] | int:
    """Carries the request out for `by`, a second person with the data role: the import's
    results, or the number of rows deleted. Raises RequestGone, OwnRequest, AccessDenied, and
    what the import or deletion raises (ImportRefused, StoreError); the request is gone after
    any attempt that reached the store."""
    audit.authorise(db_path, by, Action.CHANGE_DATA, "approve", request=request_id)
    request = _current(db_path, request_id, now)
    if request.requested_by == by.id:
        audit.record(db_path, by, "denied", attempted="approve", request=request_id)
        raise OwnRequest(by)
    taken = _take(db_path, request_id)
    try:
        if request.action == "import":
            outcome: list[ImportResult] | int = _commit_import(db_path, request, taken, by)
        else:
            outcome = delete_coverage(
                db_path, request.kind, list(request.values), by=by, approval=request.approved
            )
    except BaseException as problem:
        audit.record(
            db_path,
            by,
            "approval_failed",
            request=request_id,
            requested_by=request.requested_by,
            problem=type(problem).__name__,
        )
        raise
    finally:
        shutil.rmtree(taken, ignore_errors=True)
    audit.record(
        db_path,
        by,
        "approved",
        request=request_id,
        action=request.action,
        requested_by=request.requested_by,
    )
    return outcome


def reject(db_path: Path, request_id: str, *, by: User, now: datetime | None = None) -> None:
    """Removes the request: rejected by a second person, or withdrawn by its author."""
    audit.authorise(db_path, by, Action.CHANGE_DATA, "reject", request=request_id)
    request = _current(db_path, request_id, now)
    shutil.rmtree(_take(db_path, request_id), ignore_errors=True)
    event = "withdrawn" if request.requested_by == by.id else "rejected"
    audit.record(
        db_path,
        by,
        event,
        request=request_id,
        action=request.action,
        requested_by=request.requested_by,
    )


# --- the folder ------------------------------------------------------------------------------


def _new_request(
    db_path: Path, by: User, action: str, settings: Settings, now: datetime | None
) -> tuple[ChangeRequest, Path]:
    """A request's bare fields and its folder, not yet visible (no request.json in it)."""
    now = (now or datetime.now()).replace(microsecond=0)
    request = ChangeRequest(
        id=uuid.uuid4().hex[:12],
        action=action,
        requested_by=by.id,
        requested_name=by.name,
        requested_at=now,
        expires_at=now + timedelta(hours=settings.approval_hours),
    )
    parent = pending_dir(db_path)
    store.private_directory(db_path.parent)
    store.private_directory(parent)
    folder = parent / request.id
    folder.mkdir(mode=0o700)
    return request, folder


def _fields(request: ChangeRequest) -> dict[str, object]:
    return {name: getattr(request, name) for name in ChangeRequest.__dataclass_fields__}


def _publish(folder: Path, request: ChangeRequest) -> None:
    """Writes request.json last and atomically: a folder without it is no request yet."""
    data = {
        **{k: v for k, v in _fields(request).items() if k not in ("previews", "staged")},
        "requested_at": request.requested_at.isoformat(),
        "expires_at": request.expires_at.isoformat(),
        "previews": [asdict(p) for p in request.previews],
        "staged": [_staged_json(s) for s in request.staged],
    }
    partial = folder / f"{REQUEST_FILE}.partial"
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        json.dump(data, out, ensure_ascii=False, default=str)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, folder / REQUEST_FILE)
    store.fsync_directory(folder)


def _staged_json(staged: StagedFile) -> dict[str, object]:
    data = asdict(staged)
    data["source"] = staged.source.kind
    data["path"] = str(staged.path)
    return data


def _read(folder: Path) -> ChangeRequest:
    data = json.loads((folder / REQUEST_FILE).read_text(encoding="utf-8"))
    previews = []
    for p in data["previews"]:
        if p.get("refusal") is not None:
            raise ValueError("a request holds only files that passed")
        p["coverage"], p["unknown_columns"] = tuple(p["coverage"]), tuple(p["unknown_columns"])
        previews.append(FilePreview(**p))
    staged = []
    for s in data["staged"]:
        s["source"] = SOURCES_BY_KIND[s["source"]]
        s["path"] = Path(s["path"])
        s["coverage"], s["unknown_columns"] = tuple(s["coverage"]), tuple(s["unknown_columns"])
        staged.append(StagedFile(**s))
    return ChangeRequest(
        id=data["id"],
        action=data["action"],
        requested_by=data["requested_by"],
        requested_name=data["requested_name"],
        requested_at=datetime.fromisoformat(data["requested_at"]),
        expires_at=datetime.fromisoformat(data["expires_at"]),
        previews=tuple(previews),
        kind=data["kind"],
        values=tuple(data["values"]),
        staged=tuple(staged),
        key_check=data["key_check"],
    )


def _current(db_path: Path, request_id: str, now: datetime | None) -> ChangeRequest:
    folder = pending_dir(db_path) / request_id
    if "/" in request_id or _TAKEN in request_id or not (folder / REQUEST_FILE).is_file():
        raise RequestGone(request_id)
    try:
        request = _read(folder)
    except FileNotFoundError:  # another approver took it between the check and the read
        raise RequestGone(request_id) from None
    if request.expires_at <= (now or datetime.now()):
        _expire(db_path, request)
        raise RequestGone(request_id)
    return request


def _take(db_path: Path, request_id: str) -> Path:
    """Renames the request's folder out of the way (atomic: one caller wins), or RequestGone."""
    folder = pending_dir(db_path) / request_id
    taken = folder.with_name(f"{request_id}{_TAKEN}{os.getpid()}-{uuid.uuid4().hex[:6]}")
    try:
        os.rename(folder, taken)
    except FileNotFoundError:
        raise RequestGone(request_id) from None
    return taken


def _remove_if_abandoned(taken: Path) -> None:
    """A request a killed process had taken (its rows never written): nobody's now."""
    pid = taken.name.partition(_TAKEN)[2].partition("-")[0]
    if pid.isdigit() and not _process_alive(int(pid)):
        shutil.rmtree(taken, ignore_errors=True)


def _expire(db_path: Path, request: ChangeRequest) -> None:
    try:
        taken = _take(db_path, request.id)
    except RequestGone:
        return  # another process took it first
    shutil.rmtree(taken, ignore_errors=True)
    audit.record(
        db_path,
        SYSTEM_USER,
        "expired",
        request=request.id,
        action=request.action,
        requested_by=request.requested_by,
    )


def _commit_import(
    db_path: Path, request: ChangeRequest, folder: Path, by: User
) -> list[ImportResult]:
    prepared = PreparedImport(db_path, by=by)
    try:
        outcomes: list[tuple[Path, StagedFile | ImportRefused]] = [
            (s.path, s) for s in request.staged
        ]
        prepared.load_staged(folder / STAGED_FILE, outcomes, request.previews)
        if key_check(prepared._secret) != request.key_check:
            raise store.StoreError(
                f"{db_path}: the pseudonym key changed since the import was asked for; "
                "upload the files again"
            )
        prepared.approval = request.approved
        return prepared.commit()
    finally:
        prepared.close()
