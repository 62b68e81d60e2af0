"""Browser uploads, staged beside the store for the Data page's preview: the files go to a
private folder next to the store (raw person ids stay where the data lives, never in /tmp), are
checked and previewed, and the folder goes with the preview."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from metrics.i18n import Lang
from metrics.ingest.prepare import PreparedImport, prepare_import
from metrics.ingest.problems import check_upload_size

# what tells two uploads apart: the files' names and sizes in bytes, in order (as the page
# sees them before reading a file)
UploadSignature = tuple[tuple[str, int], ...]


@dataclass
class StagedUpload:
    """Uploaded files checked and previewed, not imported: `prepared.commit()` imports them,
    `discard()` forgets them."""

    signature: UploadSignature
    directory: Path
    prepared: PreparedImport

    def discard(self) -> None:
        self.prepared.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def stage_upload(files: Sequence[tuple[str, bytes]], db_path: Path, lang: Lang) -> StagedUpload:
    """(name, content) of each uploaded file, checked and previewed against the store. Raises
    ImportRefused for a file over the upload limit (nothing is written then)."""
    for name, data in files:
        check_upload_size(name, len(data), lang=lang)
    directory = Path(tempfile.mkdtemp(prefix=".upload-", dir=db_path.parent))
    try:
        paths = []
        for index, (name, data) in enumerate(files):
            path = directory / f"{index}{Path(name).suffix.lower()}"
            path.write_bytes(data)
            paths.append(path)
        prepared = prepare_import(paths, db_path, names=[name for name, _ in files])
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return StagedUpload(tuple((name, len(data)) for name, data in files), directory, prepared)
