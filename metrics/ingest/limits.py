"""The importer's limits and shared constants: how many problems are reported, memory and
size limits of the staging, the header fragments that betray a direct identifier. The size
limits are read as `limits.<name>` where they are used, so that a test can lower them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

_log = logging.getLogger("metrics.ingest")  # one logger for the whole importer

MAX_REPORTED_PROBLEMS = 20

STAGING_MEMORY_LIMIT = "4GB"

_CHUNK = 16 * 1024 * 1024

_MIB = 1024 * 1024

# the store keeps INT columns as 32-bit INTEGER: larger values are refused, not overflowed
_MAX_STORED_INT = 2**31 - 1

# a header line longer than this is not a header (e.g. a binary file without line breaks)
_MAX_HEADER_CHARS = 1_000_000

# XLSX is a zip: refuse archives that would unpack to more than this, or that are compressed far
# beyond what a spreadsheet reaches (a zip bomb); real exports unpack to 5-20 times their size
XLSX_MAX_UNPACKED_BYTES = 1024 * _MIB

_XLSX_SUSPICIOUS_RATIO = 200

_XLSX_RATIO_FLOOR_BYTES = 64 * _MIB

# cells are trimmed of these (DuckDB's trim() alone strips only spaces, not tabs or NBSP)
_TRIMMED = " \t\r\n\u00a0\u202f\ufeff"

# how the log names rows that came from no file
_DELETED_NAME_KEY = "data.deleted_file_name"

_MANUAL_ENTRY_NAME_KEY = "data.manual_entry_file_name"

# header fragments that identify a person wherever they appear in a header
_DIRECT_IDENTIFIER_FRAGMENTS = (
    "e-mail",
    "geburtsdatum",
    "iban",
    "sv-nummer",
    "steuer-id",
    "telefon",
    "vorname",
    "nachname",
    "sozialversicherung",
)

Progress = Callable[[str], None]
