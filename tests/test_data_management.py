"""The Data page's backend: preview before commit, deleting, editing invited counts, what the store
holds, the browser upload limit, batches of several files, leftovers of killed writes."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
import tomllib
import types
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from metrics import ingest, store
from metrics.access import LOCAL_USER
from metrics.disclosure import DisclosureRules
from metrics.ingest import (
    DataEditRefused,
    ImportRefused,
    check_upload_size,
    coverage_summary,
    delete_coverage,
    import_files,
    inspect_files,
    prepare_import,
    set_invited,
)
from tests.exports import (
    APPLICATION_HEADER,
    PERSONNEL_HEADER,
    SURVEY_HEADER,
    application,
    person,
    personnel_population,
    survey_answer,
    write_csv,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "vielfalt.duckdb"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows_of(db: Path, sql: str) -> list[tuple]:
    with store.open_current(db) as con:
        return con.execute(sql).fetchall()


def beside_store(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if not p.name.endswith(".jsonl"))


@pytest.fixture
def filled(tmp_path: Path, db: Path) -> Path:
    """Two reporting dates, applications of two years, a survey wave with its invited count."""
    october = personnel_population(6, "31.10.2024")
    november = personnel_population(4, "30.11.2024")
    import_files(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, october + november)], db, by=LOCAL_USER
    )
    apps = [
        application("B1", "01.02.2023"),
        application("B2", "01.03.2024"),
        application("B3", "01.04.2024"),
    ]
    survey = [survey_answer("2022"), survey_answer("2022"), survey_answer("2025")]
    import_files(
        [
            write_csv(tmp_path / "a.csv", APPLICATION_HEADER, apps),
            write_csv(tmp_path / "s.csv", SURVEY_HEADER, survey),
            write_csv(
                tmp_path / "i.csv",
                ["Befragungsjahr", "Eingeladene"],
                [["2022", "10"], ["2025", "12"]],
            ),
        ],
        db,
        by=LOCAL_USER,
    )
    return db


# --- preview -------------------------------------------------------------------------------------


def test_preview_shows_what_will_be_replaced_without_touching_the_store(
    tmp_path: Path, filled: Path
) -> None:
    before, files_before = digest(filled), beside_store(filled)
    corrected = personnel_population(5, "31.10.2024", gender="m")
    new_month = personnel_population(3, "31.12.2024")
    path = write_csv(tmp_path / "upload-123.tmp.csv", PERSONNEL_HEADER, corrected + new_month)
    [preview] = inspect_files([path], filled, names=["Personal Oktober.csv"], by=LOCAL_USER)
    assert preview.ok and preview.kind == "personnel" and preview.rows == 8
    assert preview.file_name == "Personal Oktober.csv"
    assert preview.coverage == ("31.10.2024", "31.12.2024")
    assert preview.file_rows == {"31.10.2024": 5, "31.12.2024": 3}
    assert preview.store_rows == {"31.10.2024": 6}
    assert preview.replaced_rows == 6
    german = preview.summary("de")
    assert "Stichtag 31.10.2024: 5 Zeilen; ersetzt die 6 Zeilen" in german
    assert "Stichtag 31.12.2024: 3 Zeilen; der Bestand enthält dazu noch nichts" in german
    assert "replaces the 6 rows the store now holds" in preview.summary("en")
    assert digest(filled) == before and beside_store(filled) == files_before


def test_store_rows_below_k_in_import_messages_read_as_suppressed(
    tmp_path: Path, filled: Path
) -> None:
    # the rows a file replaces are the store's figures: as in the holdings table, a small
    # number of persons at a date is not shown (the file's own rows are)
    first = write_csv(tmp_path / "a.csv", PERSONNEL_HEADER, personnel_population(3, "31.12.2024"))
    import_files([first], filled, by=LOCAL_USER)
    again = write_csv(tmp_path / "b.csv", PERSONNEL_HEADER, personnel_population(7, "31.12.2024"))
    [preview] = inspect_files([again], filled, by=LOCAL_USER)
    assert "7 Zeilen; ersetzt die < 5 Zeilen" in preview.summary("de", DisclosureRules())
    [result] = import_files([again], filled, by=LOCAL_USER)
    assert "imported 7 rows" in result.summary("en")
    assert "replaced < 5 existing rows" in result.summary("en", DisclosureRules())
    # the rules are the settings' ones
    assert "replaced 3 existing rows" in result.summary("en", DisclosureRules(k_ordinary=3))


def test_preview_then_commit_imports_what_was_shown_without_reading_the_files_again(
    tmp_path: Path, filled: Path
) -> None:
    path = write_csv(
        tmp_path / "p.csv", PERSONNEL_HEADER, personnel_population(1_048, "31.10.2024")
    )
    prepared = prepare_import([path], filled, names=["oktober.csv"], by=LOCAL_USER)
    [preview] = prepared.previews
    assert preview.store_rows == {"31.10.2024": 6}
    path.unlink()  # the commit works from the staged rows, not from the file
    [result] = prepared.commit()
    assert result.file_name == "oktober.csv" and result.rows == 1_048 and result.replaced_rows == 6
    assert rows_of(
        filled, "SELECT count(*) FROM personnel WHERE reporting_date = '2024-10-31'"
    ) == [(1_048,)]
    with pytest.raises(RuntimeError, match="already committed"):
        prepared.commit()
    # nothing of the staging is left beside the store
    assert not [p for p in filled.parent.iterdir() if ".staging-" in p.name]


def test_preview_lists_every_refused_file_and_commit_refuses_and_logs_them(
    tmp_path: Path, filled: Path
) -> None:
    before = digest(filled)
    good = write_csv(tmp_path / "good.csv", PERSONNEL_HEADER, personnel_population(2))
    bad = write_csv(tmp_path / "bad.csv", APPLICATION_HEADER, [application(stage="?")])
    worse = write_csv(tmp_path / "worse.csv", PERSONNEL_HEADER, [person(gender="?")])
    with prepare_import([good, bad, worse], filled, by=LOCAL_USER) as prepared:
        assert [p.ok for p in prepared.previews] == [True, False, False]
        assert not prepared.ok
        assert "Zeile 2, Spalte „Verfahrensstand“" in prepared.previews[1].summary("de")
        assert prepared.previews[2].refusal is not None
        with pytest.raises(ImportRefused) as caught:
            prepared.commit()
    assert caught.value.file_name == "bad.csv"
    assert digest(filled) == before
    refused = store.import_log(filled).query("outcome == 'refused'")
    assert sorted(refused["file_name"]) == ["bad.csv", "worse.csv"]


def test_preview_of_a_demo_store_says_the_demo_data_goes(tmp_path: Path, db: Path) -> None:
    import_files(
        [write_csv(tmp_path / "d.csv", PERSONNEL_HEADER, personnel_population(5, "31.12.2024"))],
        db,
        demo=True,
        by=LOCAL_USER,
    )
    [preview] = inspect_files(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
    )
    assert preview.replaces_demo and preview.store_rows == {}
    assert "Demodaten" in preview.summary("de")


def test_preview_without_a_store_creates_none(tmp_path: Path, db: Path) -> None:
    [preview] = inspect_files(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
    )
    assert preview.ok and preview.store_rows == {}
    assert not db.exists()
    # nothing beside the store; its pseudonym key was made outside the data directory
    assert not list(db.parent.iterdir())
    assert store.secret_path(db) == store.default_secret_path() and store.secret_path(db).exists()


def test_preview_sees_the_current_file_although_an_old_connection_is_open(
    tmp_path: Path, filled: Path
) -> None:
    # duckdb.connect(path) in this process would return the instance opened before the delete
    with store.open_store(filled) as old:
        delete_coverage(filled, "personnel", ["31.10.2024"], by=LOCAL_USER)
        assert old.execute("SELECT count(*) FROM personnel").fetchall() == [(10,)]
        path = write_csv(
            tmp_path / "p.csv", PERSONNEL_HEADER, personnel_population(2, "31.10.2024")
        )
        [preview] = inspect_files([path], filled, by=LOCAL_USER)
        assert preview.store_rows == {}
        assert coverage_summary(filled).query("kind == 'personnel'")["rows"].tolist() == [4]


# --- batches of several files ---------------------------------------------------------------------


def test_two_files_for_the_same_reporting_date_add_up(tmp_path: Path, filled: Path) -> None:
    ba = write_csv(
        tmp_path / "ba.csv",
        PERSONNEL_HEADER,
        [person(f"BA{i}", "31.10.2024", carrier="BA") for i in range(3)],
    )
    kommune = write_csv(
        tmp_path / "kommune.csv",
        PERSONNEL_HEADER,
        [person(f"K{i}", "31.10.2024", carrier="Kommune") for i in range(2)],
    )
    results = import_files([ba, kommune], filled, by=LOCAL_USER)
    assert [r.replaced_rows for r in results] == [6, 0]
    assert rows_of(
        filled,
        "SELECT carrier, count(*) FROM personnel WHERE reporting_date = "
        "'2024-10-31' GROUP BY ALL ORDER BY 1",
    ) == [("BA", 3), ("Kommune", 2)]


def test_the_same_person_in_two_files_of_a_batch_is_refused(tmp_path: Path, filled: Path) -> None:
    before = digest(filled)
    first = write_csv(tmp_path / "ba.csv", PERSONNEL_HEADER, [person("P1", "31.10.2024")])
    second = write_csv(
        tmp_path / "kommune.csv",
        PERSONNEL_HEADER,
        [person("P2", "31.10.2024"), person("P1", "31.10.2024")],
    )
    with pytest.raises(ImportRefused) as caught:
        import_files([first, second], filled, by=LOCAL_USER)
    report = caught.value.report("de")
    assert caught.value.file_name == "kommune.csv"
    assert (
        "Zeile 3, Spalte „Pseudonym“ (Wert nicht gezeigt: geschützte Spalte): dieselbe Person "
        "ist zum Stichtag 31.10.2024 auch in „ba.csv“ enthalten (Zeile 2)" in report
    )
    assert digest(filled) == before
    invited = [
        write_csv(tmp_path / f"i{n}.csv", ["Befragungsjahr", "Eingeladene"], [["2024", "5"]])
        for n in (1, 2)
    ]
    with pytest.raises(ImportRefused, match=r"also in “i1\.csv”"):
        import_files(invited, filled, by=LOCAL_USER)


# --- deleting ------------------------------------------------------------------------------------


def test_delete_a_reporting_date_an_application_year_and_a_survey_wave(filled: Path) -> None:
    assert delete_coverage(filled, "personnel", ["31.10.2024"], by=LOCAL_USER) == 6
    assert delete_coverage(filled, "applications", [2024], by=LOCAL_USER) == 2
    assert (
        delete_coverage(filled, "survey", ["2022"], by=LOCAL_USER) == 3
    )  # 2 responses + the invited count
    summary = coverage_summary(filled)
    assert summary.to_dict("records") == [
        {"kind": "personnel", "coverage": "30.11.2024", "rows": 4},
        {"kind": "applications", "coverage": "2023", "rows": 1},
        {"kind": "survey", "coverage": "2025", "rows": 1},
        {"kind": "survey_invited", "coverage": "2025", "rows": 1},
    ]
    log = store.import_log(filled).query("outcome == 'deleted'")
    assert set(log["file_name"]) == {"(gelöscht)"}
    assert sorted(zip(log["kind"], log["coverage"], log["replaced_rows"], strict=True)) == [
        ("applications", "2024", 2),
        ("personnel", "31.10.2024", 6),
        ("survey", "2022", 2),
        ("survey_invited", "2022", 1),
    ]


def test_delete_accepts_dates_and_iso_text_and_leaves_the_store_alone_if_nothing_matches(
    filled: Path,
) -> None:
    before = digest(filled)
    assert (
        delete_coverage(filled, "personnel", [date(2020, 1, 31), "2019-12-31"], by=LOCAL_USER) == 0
    )
    assert delete_coverage(filled, "survey_invited", [], by=LOCAL_USER) == 0
    assert digest(filled) == before
    assert delete_coverage(filled, "personnel", pd.Timestamp(2024, 11, 30), by=LOCAL_USER) == 4
    assert delete_coverage(filled, "survey_invited", 2025, by=LOCAL_USER) == 1
    assert rows_of(filled, "SELECT count(*) FROM survey_responses") == [(3,)]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("personnel", "31.13.2024"),
        ("personnel", 2024),
        ("applications", "24"),
        ("survey", True),
        ("nonsense", 2024),
    ],
)
def test_delete_refuses_values_that_are_no_coverage(filled: Path, kind: str, value: object) -> None:
    with pytest.raises(ValueError):
        delete_coverage(filled, kind, [value], by=LOCAL_USER)


def test_delete_without_a_store_deletes_nothing(db: Path) -> None:
    assert delete_coverage(db, "personnel", ["31.10.2024"], by=LOCAL_USER) == 0
    assert not db.exists()


# --- invited counts ------------------------------------------------------------------------------


def test_set_invited_replaces_the_count_and_is_logged(filled: Path) -> None:
    result = set_invited(filled, 2025, 40, by=LOCAL_USER)
    assert (result.kind, result.coverage, result.replaced_rows) == ("survey_invited", ("2025",), 1)
    set_invited(filled, 2019, 35.0, by=LOCAL_USER)  # a number input may hand over a float
    assert rows_of(filled, "SELECT * FROM survey_invited ORDER BY wave") == [
        (2019, 35),
        (2022, 10),
        (2025, 40),
    ]
    log = store.import_log(filled).query("outcome == 'edited'")
    assert list(log["file_name"]) == ["(Eingabe)", "(Eingabe)"]
    before = digest(filled)
    assert set_invited(filled, 2025, 40, by=LOCAL_USER).rows == 0  # unchanged: no new store file
    assert digest(filled) == before
    waves = store.survey_waves(filled)
    assert waves.to_dict("records") == [
        {"wave": 2019, "respondents": 0, "invited": 35},
        {"wave": 2022, "respondents": 2, "invited": 10},
        {"wave": 2025, "respondents": 1, "invited": 40},
    ]


@pytest.mark.parametrize(
    ("wave", "invited", "expected"),
    [
        (2025, 0, "Eingeladene „0“: erwartet einen Wert ab 1"),
        (2025, -3, "erwartet einen Wert ab 1"),
        (2025, 2.5, "Eingeladene „2.5“: erwartet eine ganze Zahl"),
        (2025, "viele", "erwartet eine ganze Zahl"),
        (2025, 10**10, "Zahl ist zu groß"),
        (2025, True, "erwartet eine ganze Zahl"),
        (1999, 10, "Befragungsjahr „1999“: erwartet einen Wert von 2000 bis 2100"),
        (date.today().year + 1, 10, "Befragungsjahr liegt in der Zukunft"),
        ("20x5", 10, "erwartet eine ganze Zahl"),
    ],
)
def test_set_invited_refuses_what_is_not_sensible(
    filled: Path, wave: object, invited: object, expected: str
) -> None:
    before = digest(filled)
    with pytest.raises(DataEditRefused) as caught:
        set_invited(filled, wave, invited, by=LOCAL_USER)  # type: ignore[arg-type]
    report = caught.value.report("de")
    assert report.startswith("Die Eingabe wurde nicht übernommen")
    assert expected in report
    assert "not saved" in caught.value.report("en")
    assert isinstance(caught.value, ImportRefused)
    assert digest(filled) == before


def test_set_invited_on_a_demo_store_is_refused_and_without_store_starts_one(
    tmp_path: Path, db: Path
) -> None:
    set_invited(db, 2025, 80, by=LOCAL_USER)
    assert rows_of(db, "SELECT * FROM survey_invited") == [(2025, 80)]
    demo = tmp_path / "demo" / "vielfalt.duckdb"
    import_files(
        [write_csv(tmp_path / "d.csv", PERSONNEL_HEADER, [person()])],
        demo,
        demo=True,
        by=LOCAL_USER,
    )
    with pytest.raises(DataEditRefused, match="demo data"):
        set_invited(demo, 2025, 80, by=LOCAL_USER)


# --- what the store holds ------------------------------------------------------------------------


def test_coverage_summary_lists_every_kind_in_order(filled: Path, db: Path) -> None:
    summary = coverage_summary(filled)
    assert list(summary.columns) == ["kind", "coverage", "rows"]
    assert summary.to_dict("records") == [
        {"kind": "personnel", "coverage": "31.10.2024", "rows": 6},
        {"kind": "personnel", "coverage": "30.11.2024", "rows": 4},
        {"kind": "applications", "coverage": "2023", "rows": 1},
        {"kind": "applications", "coverage": "2024", "rows": 2},
        {"kind": "survey", "coverage": "2022", "rows": 2},
        {"kind": "survey", "coverage": "2025", "rows": 1},
        {"kind": "survey_invited", "coverage": "2022", "rows": 1},
        {"kind": "survey_invited", "coverage": "2025", "rows": 1},
    ]
    empty = coverage_summary(db.parent / "none.duckdb")
    assert empty.empty and list(empty.columns) == ["kind", "coverage", "rows"]


def test_coverage_values_sort_by_date_not_by_text(tmp_path: Path, db: Path) -> None:
    dates = ["31.01.2025", "28.02.2025", "31.12.2024"]
    rows = [row for d in dates for row in personnel_population(1, d)]
    import_files([write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, rows)], db, by=LOCAL_USER)
    assert coverage_summary(db)["coverage"].tolist() == ["31.12.2024", "31.01.2025", "28.02.2025"]


# --- browser upload limit ------------------------------------------------------------------------


def test_upload_limit_matches_the_streamlit_setting() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert store.UPLOAD_LIMIT_MB == config["server"]["maxUploadSize"] == 50


def test_upload_size_check() -> None:
    check_upload_size("p.csv", 50 * 1024 * 1024)  # exactly the limit passes
    with pytest.raises(ImportRefused) as caught:
        check_upload_size("gross.csv", 50 * 1024 * 1024 + 1)
    assert caught.value.problems[0].key == "import.too_large"
    assert (
        "Die Datei ist 50,1 MB groß; im Browser sind höchstens 50 MB erlaubt."
        in caught.value.report("de")
    )
    with pytest.raises(ImportRefused) as caught:
        check_upload_size("big.csv", int(1234.5 * 1024 * 1024), limit_mb=200, lang="en")
    assert "The file is 1,234.5 MB; the browser upload limit is 200 MB." in caught.value.report(
        "en"
    )
    with pytest.raises(ValueError):
        check_upload_size("x.csv", -1)


def test_an_upload_is_staged_and_its_raw_file_is_gone_once_checked(
    tmp_path: Path, filled: Path
) -> None:
    data = write_csv(
        tmp_path / "x.csv", PERSONNEL_HEADER, personnel_population(8, "31.12.2024")
    ).read_bytes()
    before = digest(filled)
    staged = ingest.stage_upload([("Personal Dezember.CSV", data)], filled, "de", by=LOCAL_USER)
    assert staged.signature == (("Personal Dezember.CSV", len(data)),)
    # the raw file (raw ids) went to a private folder beside the store and is gone once staged:
    # the preview keeps the staged rows only
    assert not [p for p in filled.parent.iterdir() if p.name.startswith(".upload-")]
    assert staged.prepared.ok
    assert "Personal Dezember.CSV" in staged.prepared.previews[0].summary("de", DisclosureRules())
    assert digest(filled) == before  # staged, not imported
    [result] = staged.prepared.commit()
    assert result.rows == 8


def test_uploads_a_killed_process_left_are_removed_and_a_live_ones_kept(filled: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    folders = {
        name: filled.parent / name
        for name in (
            f".upload-{dead.pid}-abc",  # its process is gone
            ".upload-k3j4",  # from before upload folders carried their process id
            f".upload-{os.getpid()}-def",  # a live process's upload, being checked
        )
    }
    for folder in folders.values():
        folder.mkdir()
        (folder / "0.csv").write_text("Stichtag;Pseudonym\n31.12.2024;PERS-004711\n")
    ingest.remove_leftovers(filled)
    assert {name for name, folder in folders.items() if folder.exists()} == {
        f".upload-{os.getpid()}-def"
    }


def test_an_upload_over_the_limit_is_refused_before_anything_is_written(filled: Path) -> None:
    neighbours = beside_store(filled)
    big = bytes(store.UPLOAD_LIMIT_MB * 1024 * 1024 + 1)
    with pytest.raises(ImportRefused) as caught:
        ingest.stage_upload([("gross.csv", big)], filled, "en", by=LOCAL_USER)
    assert "gross.csv" in caught.value.report("en")
    assert beside_store(filled) == neighbours


# --- the store's neighbourhood -------------------------------------------------------------------


def test_a_write_removes_what_killed_writes_left_and_keeps_live_staging(
    tmp_path: Path, filled: Path
) -> None:
    stray_copy = filled.parent / f".{filled.name}.abc123.tmp"
    stray_wal = filled.parent / f".{filled.name}.abc123.tmp.wal"
    dead_staging = filled.parent / f".{filled.name}.staging-{2**22 + 12345}-xyz"
    for path in (stray_copy, stray_wal):
        path.write_bytes(b"half a store")
    dead_staging.mkdir()
    (dead_staging / "raw_0.csv").write_text("raw ids")
    with prepare_import(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], filled, by=LOCAL_USER
    ) as live:
        delete_coverage(filled, "applications", [2023], by=LOCAL_USER)
        assert not stray_copy.exists() and not stray_wal.exists() and not dead_staging.exists()
        assert live._workdir.exists()  # this process is alive: its staging stays
        live.commit()
    assert not live._workdir.exists()


def test_staging_never_spills_into_the_working_directory(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with prepare_import(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
    ) as prepared:
        (setting,) = prepared._con.execute("SELECT current_setting('temp_directory')").fetchall()[0]
        assert setting.startswith(str(db.parent))


def test_a_damaged_store_file_is_a_store_error_not_a_crash(tmp_path: Path, db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(store.StoreError):
        import_files(
            [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
        )
    with pytest.raises(store.StoreError):
        inspect_files(
            [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
        )
    with pytest.raises(store.StoreError):
        coverage_summary(db)


def test_the_secret_is_private_and_a_damaged_one_is_never_used(tmp_path: Path) -> None:
    """(Two first imports at once are in test_ingest_concurrency.) An empty key file, as the old
    create-then-write could leave to a second process, must not hash ids with an empty key."""
    db = tmp_path / "race" / "vielfalt.duckdb"
    secret = ingest.load_secret(db)
    assert len(secret) == 32 and store.secret_path(db).stat().st_mode & 0o077 == 0
    store.secret_path(db).write_text("")
    with pytest.raises(store.StoreError, match="damaged"):
        ingest.load_secret(db)
    key_folder = store.secret_path(db).parent
    assert not [p for p in key_folder.iterdir() if p.name.endswith(".new")]


def test_open_current_refuses_a_missing_store(db: Path) -> None:
    with pytest.raises(store.StoreError, match="no store"):
        store.open_current(db).__enter__()


def test_an_upload_that_outgrows_the_memory_limit_is_stopped_and_the_store_kept(
    tmp_path: Path, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check runs in a child process, killed beyond the memory limit (here 64 MB: less than
    the child needs to start), where a file that outgrew it used to take the whole server."""
    data = write_csv(
        tmp_path / "x.csv", PERSONNEL_HEADER, personnel_population(8, "31.12.2024")
    ).read_bytes()
    before = digest(filled)
    monkeypatch.setattr(ingest.limits, "IMPORT_CHILD_MEMORY_BYTES", 64 * 1024**2)
    with pytest.raises(ImportRefused) as caught:
        ingest.stage_upload([("Personal.csv", data)], filled, "de", by=LOCAL_USER)
    assert "mehr als 0.0625 GB Arbeitsspeicher" in caught.value.report("de")
    assert digest(filled) == before
    # neither the upload nor what the killed child staged is left beside the store
    assert not [p for p in filled.parent.iterdir() if p.name.startswith((".upload-", ".vielfalt"))]


def test_an_upload_that_takes_more_than_its_cpu_time_is_stopped_and_the_store_kept(
    tmp_path: Path, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RLIMIT_CPU ends a check that computes too long (here after 1 s: less than 60,000 rows
    take to check, and than the child needs to start), with a message, the store as it was."""
    data = write_csv(
        tmp_path / "x.csv", PERSONNEL_HEADER, personnel_population(60_000, "31.12.2024")
    ).read_bytes()
    before = digest(filled)
    monkeypatch.setattr(ingest.limits, "IMPORT_CHILD_CPU_SECONDS", 1)
    with pytest.raises(ImportRefused) as caught:
        ingest.stage_upload([("Personal.csv", data)], filled, "de", by=LOCAL_USER)
    assert "mehr als 1 s Rechenzeit" in caught.value.report("de")
    assert digest(filled) == before
    assert not [p for p in filled.parent.iterdir() if p.name.startswith((".upload-", ".vielfalt"))]


def test_the_check_does_not_run_the_page_script_again(
    tmp_path: Path, filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under Streamlit, `__main__` is the page script; a spawned child runs `__main__` first, and
    ran the whole app.py (housekeeping, a planner thread, a page) before each check."""
    ran = tmp_path / "the script ran"
    script = tmp_path / "page_script.py"
    script.write_text(f"from pathlib import Path\nPath({str(ran)!r}).write_text('yes')\n")
    page_module = types.ModuleType("__main__")
    page_module.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page_module)
    data = write_csv(
        tmp_path / "x.csv", PERSONNEL_HEADER, personnel_population(8, "31.12.2024")
    ).read_bytes()
    staged = ingest.stage_upload([("Personal.csv", data)], filled, "de", by=LOCAL_USER)
    staged.discard()
    assert not ran.exists()
    assert sys.modules["__main__"] is page_module


def test_a_checked_upload_keeps_no_raw_id_in_what_the_server_holds(
    tmp_path: Path, filled: Path
) -> None:
    rows = personnel_population(8, "31.12.2024")
    rows[0][1] = "Kennung-XQZ-4711"
    data = write_csv(tmp_path / "x.csv", PERSONNEL_HEADER, rows).read_bytes()
    staged = ingest.stage_upload([("Personal.csv", data)], filled, "de", by=LOCAL_USER)
    staging = [p for p in filled.parent.rglob("*") if p.is_file()]
    assert all(b"Kennung-XQZ-4711" not in p.read_bytes() for p in staging)
    [result] = staged.prepared.commit()
    assert result.rows == 8


def test_an_import_that_replaced_nothing_does_not_say_it_replaced_0_rows() -> None:
    from metrics.ingest import ImportResult

    new = ImportResult("p.csv", "x", "personnel", 12, ("31.10.2026",), 0, ())
    assert new.summary("de") == "„p.csv“: 12 Zeilen Personalbestand importiert (31.10.2026)."
    demo = dataclasses.replace(new, demo_replaced=True)
    assert "ersetzt" not in demo.summary("de").splitlines()[0]
    assert "Demodaten" in demo.summary("de")
