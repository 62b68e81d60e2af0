"""Browser uploads, staged beside the store for the Data page's preview: the files go to a
private folder next to the store (raw person ids stay where the data lives, never in /tmp) and
are checked and previewed in a child process under limits (`isolated`). The folder goes as soon
as they are staged (the preview keeps the staged rows, ids already hashed), and a killed
process's folder at the next start or write."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from metrics import audit, store
from metrics.access import Action, User
from metrics.i18n import Lang
from metrics.ingest.isolated import prepare_isolated
from metrics.ingest.prepare import PreparedImport
from metrics.ingest.problems import check_upload_size

# what tells two uploads apart: the files' names and sizes in bytes, in order (as the page
# sees them before reading a file)
UploadSignature = tuple[tuple[str, int], ...]


@dataclass
class StagedUpload:
    """Uploaded files checked and previewed, not imported: `prepared.commit()` imports them,
    `discard()` forgets them."""

    signature: UploadSignature
    prepared: PreparedImport

    @property
    def discarded(self) -> bool:
        return self.prepared.closed

    def discard(self) -> None:
        self.prepared.close()


def stage_upload(
    files: Sequence[tuple[str, bytes]], db_path: Path, lang: Lang, *, by: User
) -> StagedUpload:
    """(name, content) of each uploaded file, checked and previewed against the store. Raises
    ImportRefused for a file over the upload limit (nothing is written then)."""
    audit.authorise(db_path, by, Action.CHANGE_DATA, "upload")
    for name, data in files:
        check_upload_size(name, len(data), lang=lang)
    store.private_directory(db_path.parent)
    # the process id tells a start-up whether the folder's owner is gone (see remove_leftovers)
    prefix = f"{store.UPLOAD_DIR_PREFIX}{os.getpid()}-"
    directory = Path(tempfile.mkdtemp(prefix=prefix, dir=db_path.parent))
    try:
        paths = []
        for index, (name, data) in enumerate(files):
            path = directory / f"{index}{Path(name).suffix.lower()}"
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                out.write(data)
            paths.append(path)
        prepared = prepare_isolated(paths, db_path, [name for name, _ in files], by=by)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return StagedUpload(tuple((name, len(data)) for name, data in files), prepared)
