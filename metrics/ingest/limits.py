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

# a browser upload is checked in a child process (metrics/ingest/isolated.py), killed beyond
# these: DuckDB's staging limit above plus Python's own share, and ten minutes of CPU (a 12 M-row
# CSV is checked in about a minute, bench/RESULTS.md)
IMPORT_CHILD_MEMORY_BYTES = 6 * 1024**3

IMPORT_CHILD_CPU_SECONDS = 600

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

# openpyxl builds a Python object per cell, about 0.2 kB each, and a bomb within the unpacked
# limit can hold 30 million cells (minutes and gigabytes in the server): a file is refused at
# this many, counted in the zip before parsing (and again while reading). 5 million is 250,000
# rows of 20 columns, beyond any monthly export of a public employer; CSV has no such limit.
XLSX_MAX_CELLS = 5_000_000

# the shared strings are loaded whole, even in streaming mode: real exports share a few MB
XLSX_MAX_SHARED_STRINGS_BYTES = 128 * _MIB

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
