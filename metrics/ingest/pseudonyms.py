"""Pseudonyms: person ids become keyed HMACs under the store's secret, which never leaves the
server; the raw ids are never stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from metrics import store
from metrics.contract import (
    ColumnType,
    Source,
)
from metrics.ingest.validate import _sql_literal


def load_secret(db_path: Path) -> bytes:
    """The store's HMAC key (`store.secret_path`: outside the data directory unless an older
    installation keeps it beside the store); created on first use, readable by the owner only.

    The key appears complete or not at all (written to a private temporary file, then linked
    into place), so two first imports at once agree on one key and neither reads a half-written
    file, which would silently hash every id with an empty key."""
    path = store.secret_path(db_path)
    if not path.exists():
        store.private_directory(path.parent)
        # mkstemp creates the file with mode 0600
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            # FileExistsError: another import created it a moment ago; use that one
            with contextlib.suppress(FileExistsError):
                os.link(tmp_name, path)
        finally:
            os.unlink(tmp_name)
    try:
        secret = bytes.fromhex(path.read_text().strip())
    except ValueError:
        secret = b""
    if len(secret) < 16:
        raise store.StoreError(f"{path}: the pseudonym key is damaged; restore it from the backup")
    return secret


def key_check(secret: bytes) -> str:
    """A fingerprint of the key, kept in the store's meta: an import under another key (a store
    moved without its key file) would give every person a second pseudonym, so it is refused."""
    return hmac.new(secret, b"vielfaltsmonitor pseudonym key check", hashlib.sha256).hexdigest()[
        :16
    ]


def pseudonym_key(secret: bytes, raw_id: str) -> str:
    return hmac.new(secret, raw_id.encode("utf-8"), hashlib.sha256).hexdigest()


def _hash_pseudonyms(
    con: duckdb.DuckDBPyConnection, source: Source, typed_table: str, secret: bytes
) -> dict[str, str]:
    """Registers a raw id -> key table per pseudonym column; only distinct ids go through Python."""
    tables = {}
    for column in source.columns:
        if column.type is not ColumnType.PSEUDONYM:
            continue
        ids = [
            row[0]
            for row in con.execute(
                f"SELECT DISTINCT {column.name} FROM {typed_table} WHERE NOT _empty"
            ).fetchall()
        ]
        keys = pd.DataFrame(
            {"raw_id": ids, "key": [pseudonym_key(secret, i) for i in ids]}, dtype=object
        )
        table = f"{typed_table}_{column.name}_keys"
        con.register(f"{table}_view", keys)
        con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM {table}_view")
        con.unregister(f"{table}_view")
        tables[column.name] = table
    return tables


def _create_clean_view(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    typed_table: str,
    clean_view: str,
    key_tables: dict[str, str],
    present: Iterable[str],
) -> None:
    """The staged rows under the store's column names (ids replaced by their keys, optional
    columns not `present` in the file by their defaults), plus `_row` and the raw ids
    (`_raw_<column>`) for messages about the batch. A view: the rows are written once, by the
    commit."""
    present = set(present)
    selects, joins = ["t.rowid + 2 AS _row"], []
    for column in source.columns:
        if column.type is ColumnType.PSEUDONYM:
            alias = f"k_{column.name}"
            joins.append(
                f"JOIN {key_tables[column.name]} {alias} ON {alias}.raw_id = t.{column.name}"
            )
            selects.append(f"{alias}.key AS {column.store_name}")
            selects.append(f"t.{column.name} AS _raw_{column.name}")
        elif column.name in present:
            selects.append(f"t.{column.name} AS {column.store_name}")
        else:
            default = column.default
            literal = (
                "NULL"
                if default is None
                else _sql_literal(default)
                if isinstance(default, str)
                else str(default).lower()
            )
            selects.append(f"{literal} AS {column.store_name}")
    con.execute(
        f"CREATE TEMP VIEW {clean_view} AS SELECT {', '.join(selects)} "
        f"FROM {typed_table} t {' '.join(joins)} WHERE NOT t._empty"
    )


def _replace_condition(source: Source) -> str:
    if source.kind == "applications":
        return "year(application_date) IN (SELECT DISTINCT year(application_date) FROM {clean})"
    column = source.coverage_column
    return f"{column} IN (SELECT DISTINCT {column} FROM {{clean}})"
