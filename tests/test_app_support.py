"""The app's store connection: always the current file, and locked down once set up."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from metrics import app_support, store
from metrics.ingest import import_files
from tests.exports import PERSONNEL_HEADER, personnel_population, write_csv


def test_connection_reads_the_current_file_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "vielfalt.duckdb"
    import_files(
        [write_csv(tmp_path / "a.csv", PERSONNEL_HEADER, personnel_population(5, "30.11.2024"))], db
    )
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n")
    with store.open_store(db) as old_instance:  # another session still reading the old file
        import_files(
            [
                write_csv(
                    tmp_path / "b.csv", PERSONNEL_HEADER, personnel_population(7, "31.12.2024")
                )
            ],
            db,
        )
        assert old_instance.execute("SELECT count(*) FROM personnel").fetchall() == [(5,)]
        with app_support.connection() as con:
            assert con.execute("SELECT count(*) FROM personnel").fetchall() == [(12,)]
            for query in (
                f"SELECT * FROM read_csv('{outside}')",
                f"COPY personnel TO '{tmp_path / 'leak.csv'}'",
                f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
                "SET enable_external_access = true",
                "SET memory_limit = '100GB'",
            ):
                with pytest.raises(duckdb.Error):
                    con.execute(query).fetchall()
    assert not (tmp_path / "leak.csv").exists()
