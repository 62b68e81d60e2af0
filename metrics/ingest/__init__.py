"""Import HR exports (CSV, XLSX, Parquet) into the store: read -> normalise -> validate -> commit.

Every file is first staged in an in-memory DuckDB database as text, then parsed and validated in
SQL (fast enough for millions of rows). Only a batch without a single problem reaches the store,
and it does so by copy-and-rename: the store is copied, the copy changed in one explicit
transaction, checkpointed and renamed over the original. A refused or interrupted import therefore
leaves every byte of the store as it was.

Besides the import itself this module holds every other write to the store (deleting what an
import covered, editing the invited count of a survey wave), all through the same copy-and-rename
under the same lock, and the preview the Data page shows before an import is committed.

The modules, in the order the data flows: `read` (any format to a text table, headers mapped)
-> `validate` (typed and checked in SQL) -> `pseudonyms` (keyed ids) -> `prepare` (one file,
then the batch and its preview; `uploads` stages the browser's files for it) -> `write` (copy,
change, rename). `problems` is what they
report, `limits` what bounds them. A name with a leading underscore is shared between these
modules, not outside the package.
"""

from metrics.ingest.prepare import (
    FilePreview,
    PreparedImport,
    import_files,
    inspect_files,
    prepare_import,
    stage_file,
    staging_connection,
)
from metrics.ingest.problems import (
    DataEditRefused,
    ImportRefused,
    ImportResult,
    Problem,
    check_upload_size,
    logged_refusal_report,
)
from metrics.ingest.pseudonyms import load_secret, pseudonym_key
from metrics.ingest.uploads import StagedUpload, stage_upload
from metrics.ingest.write import delete_coverage, remove_leftovers, set_invited
from metrics.store import coverage_summary, survey_waves

__all__ = [
    "DataEditRefused",
    "FilePreview",
    "ImportRefused",
    "ImportResult",
    "PreparedImport",
    "Problem",
    "StagedUpload",
    "check_upload_size",
    "coverage_summary",
    "delete_coverage",
    "import_files",
    "inspect_files",
    "load_secret",
    "logged_refusal_report",
    "prepare_import",
    "pseudonym_key",
    "remove_leftovers",
    "set_invited",
    "stage_file",
    "stage_upload",
    "staging_connection",
    "survey_waves",
]
