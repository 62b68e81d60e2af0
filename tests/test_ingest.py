"""The importer: every accepted format variant, every refusal rule, atomicity, idempotence."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import store
from metrics.access import LOCAL_USER
from metrics.ingest import (
    ImportRefused,
    import_files,
    limits,
    load_secret,
    logged_refusal_report,
    pseudonym_key,
    read,
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
    write_xlsx,
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "vielfalt.duckdb"


def rows_of(db: Path, sql: str) -> list[tuple]:
    with store.open_store(db) as con:
        return con.execute(sql).fetchall()


def refusal(paths: list[Path], db: Path, **kwargs) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        import_files(paths, db, by=LOCAL_USER, **kwargs)
    return caught.value


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


TWO_PERSONS = [
    person(
        "P1",
        weekly_hours="19,5",
        pay_group="te iv",
        carrier="Agentur für Arbeit",
        gender="weiblich",
    ),
    person(
        "P2",
        carrier="Stadt",
        gender="M",
        employment_type="Beamter",
        pay_group="A11",
        disability="schwerbehindert",
        credit_factor="2",
        leave="Elternzeit",
        leave_replaced="ja",
        weekly_hours="41",
        full_time_hours="41",
    ),
]
EXPECTED_TWO_PERSONS = [
    (date(2024, 12, 31), "BA", "w", "Tarif", "TE IV", 19.5, "nein", 1, "keine", False),
    (
        date(2024, 12, 31),
        "Kommune",
        "m",
        "Beamte",
        "A 11",
        41.0,
        "schwerbehindert",
        2,
        "Elternzeit",
        True,
    ),
]
PERSONNEL_COLUMNS = (
    "reporting_date, carrier, gender, employment_type, pay_group, weekly_hours, "
    "disability, credit_factor, leave, leave_replaced"
)


def stored_two_persons(db: Path) -> list[tuple]:
    return rows_of(db, f"SELECT {PERSONNEL_COLUMNS} FROM personnel ORDER BY carrier")


# --- accepted variants ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1252", ";"), ("utf-8", ";"), ("utf-8-sig", ";"), ("utf-8", ","), ("cp1252", "\t")],
)
def test_csv_encodings_and_delimiters(
    tmp_path: Path, db: Path, encoding: str, delimiter: str
) -> None:
    path = write_csv(
        tmp_path / "p.csv", PERSONNEL_HEADER, TWO_PERSONS, encoding=encoding, delimiter=delimiter
    )
    [result] = import_files([path], db, by=LOCAL_USER)
    assert result.kind == "personnel" and result.rows == 2
    assert stored_two_persons(db) == EXPECTED_TWO_PERSONS


def test_windows_1252_bytes_beyond_latin1_are_decoded(tmp_path: Path, db: Path) -> None:
    # „ “ – € are 0x84 0x93 0x96 0x80 in Windows-1252: DuckDB's latin-1 reader would reject them
    path = write_csv(
        tmp_path / "p.csv", PERSONNEL_HEADER, [person(org_unit="„Markt – Integration“ €")]
    )
    assert b"\x84" in path.read_bytes()
    import_files([path], db, by=LOCAL_USER)
    assert rows_of(db, "SELECT org_unit FROM personnel") == [("„Markt – Integration“ €",)]


def test_windows_1252_without_c1_bytes_is_read_directly_with_its_umlauts(
    tmp_path: Path, db: Path
) -> None:
    # no byte 0x80-0x9F: Windows-1252 and Latin-1 agree, DuckDB reads the file without a copy
    path = write_csv(
        tmp_path / "p.csv", PERSONNEL_HEADER, [person(org_unit="Büro Süd, Maßnahmen ÄÖÜ")]
    )
    assert read._file_digest_and_encoding(path, path.name).encoding == "latin-1"
    import_files([path], db, by=LOCAL_USER)
    assert rows_of(db, "SELECT org_unit FROM personnel") == [("Büro Süd, Maßnahmen ÄÖÜ",)]


PADDED = "  Bereich 1 "


@pytest.mark.parametrize(
    ("padding", "encoding", "plain_edges"),
    [
        # only spaces anywhere: a plain trim is enough
        (lambda v: f" {v}  ", "cp1252", True),
        (lambda v: f" {v}  ", "utf-8", True),
        # any other trimmable character in the file: the full clean, same values
        (lambda v: f"\t{v}", "cp1252", False),
        (lambda v: f"{v}\u00a0", "cp1252", False),
        (lambda v: f"\u00a0{v}", "utf-8", False),
        (lambda v: f"{v}\u202f", "utf-8", False),
        (lambda v: f"\ufeff{v}", "utf-8", False),
        # a line break inside a quoted cell (the writer quotes it)
        (lambda v: f"{v}\r\n", "cp1252", False),
    ],
)
def test_cells_are_cleaned_alike_however_the_file_is_padded(
    tmp_path: Path,
    db: Path,
    padding,
    encoding: str,
    plain_edges: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        person("P1", org_unit=padding("Bereich 1"), gender=padding("w")),
        person("P2", org_unit=PADDED, weekly_hours=padding("19,5")),
    ]
    path = write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, rows, encoding=encoding)
    assert read._file_digest_and_encoding(path, path.name).plain_edges is plain_edges
    # a sequence straddling two chunks is seen as well
    monkeypatch.setattr(limits, "_CHUNK", 7)
    assert read._file_digest_and_encoding(path, path.name).plain_edges is plain_edges
    monkeypatch.undo()
    import_files([path], db, by=LOCAL_USER)
    assert rows_of(db, "SELECT org_unit, gender, weekly_hours FROM personnel ORDER BY 3") == [
        ("Bereich 1", "w", 19.5),
        ("Bereich 1", "w", 39.0),
    ]


def test_an_edge_character_is_seen_wherever_the_chunks_of_the_scan_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a three-byte narrow NBSP or BOM may straddle two (or, with tiny chunks, three) reads
    body = "a;b\r\n" + "x;y\r\n" * 3
    path = tmp_path / "f.csv"
    for chunk in range(1, 12):
        monkeypatch.setattr(limits, "_CHUNK", chunk)
        path.write_bytes(body.encode("utf-8"))
        assert read._file_digest_and_encoding(path, path.name).plain_edges
        for character in ("\u202f", "\ufeff", "\t", "\u00a0", '"'):
            for position in range(3, len(body)):
                text = body[:position] + character + body[position:]
                path.write_bytes(text.encode("utf-8"))
                scan = read._file_digest_and_encoding(path, path.name)
                assert not scan.plain_edges, (character, position, chunk)


def test_an_unquoted_carriage_return_ends_a_line_and_never_stays_in_a_cell(
    tmp_path: Path, db: Path
) -> None:
    # what lets a file without quotes skip the costly trim of CR and LF at cell edges
    path = write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person(org_unit="Bereich 1")])
    path.write_bytes(path.read_bytes().replace(b"Bereich 1", b"Bereich 1\r"))
    assert read._file_digest_and_encoding(path, path.name).plain_edges
    problem = refusal([path], db).problems[0]
    assert problem.key == "import.ragged_row"


def test_iso_dates_decimal_point_and_thousands_separator(tmp_path: Path, db: Path) -> None:
    rows = [person("P1", "2024-12-31", weekly_hours="19.5", entry_date="2010-04-01")]
    write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, rows, delimiter=",")
    import_files([tmp_path / "p.csv"], db, by=LOCAL_USER)
    assert rows_of(db, "SELECT reporting_date, weekly_hours, entry_date FROM personnel") == [
        (date(2024, 12, 31), 19.5, date(2010, 4, 1))
    ]
    invited = write_csv(tmp_path / "i.csv", ["Befragungsjahr", "Eingeladene"], [["2025", "1.050"]])
    import_files([invited], db, by=LOCAL_USER)
    assert rows_of(db, "SELECT wave, invited FROM survey_invited") == [(2025, 1050)]


def test_headers_and_codes_case_insensitive_and_trimmed(tmp_path: Path, db: Path) -> None:
    header = [f"  {h.upper()} " for h in PERSONNEL_HEADER]
    row = person(
        carrier=" agentur ",
        gender=" W",
        leadership="TEAMLEITUNG",
        deputy="X",
        employment_type="tarifbeschäftigte",
        mobile_work="Telearbeit",
        leave="pflegezeit",
    )
    import_files([write_csv(tmp_path / "p.csv", header, [row])], db, by=LOCAL_USER)
    assert rows_of(
        db,
        "SELECT carrier, gender, leadership, deputy, employment_type, mobile_work, "
        "leave FROM personnel",
    ) == [("BA", "w", "Teamleitung", True, "Tarif", "Telearbeit", "Pflege")]


def test_optional_columns_may_be_missing_and_get_defaults(tmp_path: Path, db: Path) -> None:
    required = (*PERSONNEL_HEADER[:11], "Schwerbehinderung")
    row = [*person()[:11], "gleichgestellt"]
    import_files([write_csv(tmp_path / "p.csv", required, [row])], db, by=LOCAL_USER)
    assert rows_of(
        db,
        "SELECT deputy, credit_factor, under18_approved, leave, leave_replaced, "
        "mobile_work, fixed_term, entry_date FROM personnel",
    ) == [(False, 1, False, "keine", False, "keine", False, None)]


@pytest.mark.parametrize("spelling", ["ja", "j", "1", "true", "x", "JA"])
def test_boolean_spellings_true(tmp_path: Path, db: Path, spelling: str) -> None:
    import_files(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person(deputy=spelling)])],
        db,
        by=LOCAL_USER,
    )
    assert rows_of(db, "SELECT deputy FROM personnel") == [(True,)]


@pytest.mark.parametrize("spelling", ["nein", "n", "0", "false", ""])
def test_boolean_spellings_false(tmp_path: Path, db: Path, spelling: str) -> None:
    import_files(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person(deputy=spelling)])],
        db,
        by=LOCAL_USER,
    )
    assert rows_of(db, "SELECT deputy FROM personnel") == [(False,)]


def test_xlsx(tmp_path: Path, db: Path) -> None:
    typed_rows = []
    for row in TWO_PERSONS:
        typed = list(row)
        typed[0] = pd.Timestamp(2024, 12, 31)  # Excel stores a real date
        typed[5] = int(row[5])  # and numbers as numbers
        typed[8] = float(row[8].replace(",", "."))
        typed_rows.append(typed)
    path = write_xlsx(tmp_path / "p.xlsx", PERSONNEL_HEADER, typed_rows)
    [result] = import_files([path], db, by=LOCAL_USER)
    assert result.rows == 2
    assert stored_two_persons(db) == EXPECTED_TWO_PERSONS


def test_parquet(tmp_path: Path, db: Path) -> None:
    frame = pd.DataFrame(TWO_PERSONS, columns=list(PERSONNEL_HEADER))
    frame["Stichtag"] = pd.Timestamp(2024, 12, 31)
    frame["Wochenstunden"] = [19.5, 41.0]
    frame["Geburtsjahr"] = frame["Geburtsjahr"].astype(int)
    path = tmp_path / "p.parquet"
    frame.to_parquet(path)
    import_files([path], db, by=LOCAL_USER)
    assert stored_two_persons(db) == EXPECTED_TWO_PERSONS


def test_applications_survey_and_invited_recognised_by_headers(tmp_path: Path, db: Path) -> None:
    apps = write_csv(
        tmp_path / "a.csv",
        APPLICATION_HEADER,
        [
            application("B1", stage="Vorstellungsgespräch", disability="gleichgestellt"),
            application("B2", "2024-06-01", carrier="", gender="männlich", stage="eingestellt"),
        ],
    )
    survey = write_csv(
        tmp_path / "s.csv",
        SURVEY_HEADER,
        [
            survey_answer(german_at_birth="nein", parents_not_german="keine Angabe"),
            survey_answer(leadership="", gender=""),
        ],
    )
    invited = write_csv(tmp_path / "i.csv", ["Befragungsjahr", "Eingeladene"], [["2025", "40"]])
    results = import_files([apps, survey, invited], db, by=LOCAL_USER)
    assert [r.kind for r in results] == ["applications", "survey", "survey_invited"]
    stored = "SELECT carrier, gender, disability, stage FROM applications ORDER BY 4"
    assert rows_of(db, stored) == [
        ("BA", "w", "gleichgestellt", "eingeladen"),
        (None, "m", "nein", "eingestellt"),
    ]
    assert rows_of(
        db,
        "SELECT german_at_birth, parents_not_german_at_birth, leadership, gender "
        "FROM survey_responses ORDER BY 1",
    ) == [("ja", "0", "keine Angabe", "x"), ("nein", "keine Angabe", "nein", "w")]
    assert rows_of(db, "SELECT * FROM survey_invited") == [(2025, 40)]


def test_unknown_columns_are_dropped_and_listed(tmp_path: Path, db: Path) -> None:
    header = [*PERSONNEL_HEADER, "Bemerkung"]
    [result] = import_files(
        [write_csv(tmp_path / "p.csv", header, [[*person(), "egal"]])], db, by=LOCAL_USER
    )
    assert result.unknown_columns == ("Bemerkung",)
    assert "Bemerkung" in result.summary("de")


# --- refusals: every rule names file, row, column and value -------------------------------------


def refused_personnel(
    tmp_path: Path, db: Path, rows: list[list[str]], header: tuple[str, ...] = PERSONNEL_HEADER
) -> ImportRefused:
    path = write_csv(tmp_path / "personal.csv", header, rows)
    error = refusal([path], db)
    assert error.file_name == "personal.csv"
    assert not db.exists(), "a refused first import must not create a store"
    return error


@pytest.mark.parametrize(
    ("field_index", "value", "column", "german"),
    [
        (4, "q", "Geschlecht", "erwartet einen von: w, m, d, x"),
        (2, "Land", "Träger", "erwartet einen von: BA, Kommune"),
        (0, "31.02.2024", "Stichtag", "erwartet ein Datum TT.MM.JJJJ oder JJJJ-MM-TT"),
        (8, "viel", "Wochenstunden", "erwartet eine Zahl"),
        (8, "60,5", "Wochenstunden", "erwartet einen Wert von 0 bis 60"),
        (9, "0", "Regelarbeitszeit", "erwartet einen Wert größer 0"),
        (5, "1939", "Geburtsjahr", "erwartet ein Geburtsjahr von 1940 bis Stichtagsjahr − 14"),
        (5, "2011", "Geburtsjahr", "Stichtagsjahr − 14 (2010)"),
        (5, "19x0", "Geburtsjahr", "erwartet eine ganze Zahl"),
        (11, "vielleicht", "Stellvertretung", "erwartet ja/nein"),
        (1, "", "Pseudonym", "Pflichtfeld ist leer"),
        (10, "Chef", "Führungsebene", "erwartet einen von: keine, Teamleitung"),
    ],
)
def test_cell_refusals_name_row_column_value(
    tmp_path: Path, db: Path, field_index: int, value: str, column: str, german: str
) -> None:
    rows = personnel_population(3)
    rows[1][field_index] = value
    error = refused_personnel(tmp_path, db, rows)
    report = error.report("de")
    assert f"Zeile 3, Spalte „{column}“, Wert „{value}“" in report
    assert german in report
    assert "personal.csv" in report
    assert "Row 3, column" in error.report("en")


def test_future_reporting_date_refused(tmp_path: Path, db: Path) -> None:
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d.%m.%Y")
    report = refused_personnel(tmp_path, db, [person(date=tomorrow)]).report("de")
    assert f"Zeile 2, Spalte „Stichtag“, Wert „{tomorrow}“: Datum liegt in der Zukunft" in report


def test_duplicate_person_at_reporting_date_refused(tmp_path: Path, db: Path) -> None:
    rows = [person("PERS-004711"), person("P2"), person("PERS-004711")]
    error = refused_personnel(tmp_path, db, rows)
    report = error.report("de")
    assert (
        "Zeile 4, Spalte „Pseudonym“ (Wert nicht gezeigt: geschützte Spalte): wiederholt "
        "Zeile 2 (gleiches Pseudonym und Stichtag 31.12.2024)" in report
    )
    assert "PERS-004711" not in report + error.report("en") + str(error)


def test_missing_required_column_refused(tmp_path: Path, db: Path) -> None:
    header = tuple(h for h in PERSONNEL_HEADER if h != "Wochenstunden")
    rows = [[v for h, v in zip(PERSONNEL_HEADER, person(), strict=True) if h != "Wochenstunden"]]
    error = refused_personnel(tmp_path, db, rows, header)
    assert "Spalte „Wochenstunden“: Pflichtspalte fehlt" in error.report("de")
    assert "required column is missing" in error.report("en")


@pytest.mark.parametrize(
    "identifier",
    [
        "Name",
        "Vorname",
        "E-Mail",
        "Geburtsdatum",
        "IBAN",
        "Straße",
        "Telefon",
        "Steuer-ID",
        "SV-Nummer",
    ],
)
def test_direct_identifiers_refuse_the_whole_file(
    tmp_path: Path, db: Path, identifier: str
) -> None:
    error = refused_personnel(tmp_path, db, [[*person(), "x"]], (*PERSONNEL_HEADER, identifier))
    assert f"Spalte „{identifier}“: enthält direkte Personenmerkmale" in error.report("de")


def test_empty_files_refused(tmp_path: Path, db: Path) -> None:
    empty = tmp_path / "leer.csv"
    empty.write_bytes(b"")
    assert "Die Datei ist leer" in refusal([empty], db).report("de")
    header_only = write_csv(tmp_path / "kopf.csv", PERSONNEL_HEADER, [])
    assert "Die Datei ist leer" in refusal([header_only], db).report("de")


def test_unrecognised_kind_names_closest_source_and_missing_columns(
    tmp_path: Path, db: Path
) -> None:
    path = write_csv(tmp_path / "x.csv", ["Stichtag", "Pseudonym", "Irgendwas"], [["1", "2", "3"]])
    report = refusal([path], db).report("de")
    assert "Art der Datei nicht erkannt" in report and "Personalbestand" in report
    assert "Wochenstunden" in report


def test_ragged_row_and_nul_bytes_refused(tmp_path: Path, db: Path) -> None:
    rows = personnel_population(3)
    rows[2] = rows[2][:5]
    report = refused_personnel(tmp_path, db, rows).report("de")
    assert "Zeile 4 hat 5 Spalten, die Kopfzeile hat 20" in report
    path = write_csv(tmp_path / "nul.csv", PERSONNEL_HEADER, personnel_population(2))
    path.write_bytes(path.read_bytes().replace(b"P000001", b"P\x0000001"))
    assert "Zeile 3 enthält NUL-Bytes" in refusal([path], db).report("de")


def test_problem_list_is_capped_with_a_count_of_the_rest(tmp_path: Path, db: Path) -> None:
    rows = personnel_population(50, gender="?")
    error = refused_personnel(tmp_path, db, rows)
    assert error.total == 50 and len(error.problems) == 20
    assert "… und 30 weitere Probleme." in error.report("de")
    assert "… and 30 more problems." in error.report("en")


def test_refusal_is_logged_beside_the_store(tmp_path: Path, db: Path) -> None:
    import_files([write_csv(tmp_path / "ok.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER)
    refused_path = write_csv(tmp_path / "bad.csv", PERSONNEL_HEADER, [person(gender="?")])
    refusal([refused_path], db)
    log = store.import_log(db)
    assert list(log["outcome"]) == ["refused", "ok"]
    assert list(log["file_name"]) == ["bad.csv", "ok.csv"]
    assert log.loc[0, "sha256"] == digest(refused_path)
    assert log.loc[0, "total"] == 1
    report = logged_refusal_report("bad.csv", log.loc[0, "problems"], 1, "en")
    assert "Row 2, column “Geschlecht”, value “?”" in report
    assert store.refusal_log_path(db).stat().st_mode & 0o777 == 0o600


def test_a_refused_file_leaves_no_id_and_no_health_or_origin_value_in_messages_or_logs(
    tmp_path: Path, db: Path
) -> None:
    """A duplicate row and a disability cell with free text (a diagnosis), an applicant file
    and a survey file with bad answers: neither the reports, nor the exception, nor the log
    beside the store, nor the import log as the Data page shows it quote those cells."""
    secrets_in_files = ["PERS-004711", "Schwerbehinderung GdB 50 Diabetes", "BEW-0815", "Türkei"]
    personnel = write_csv(
        tmp_path / "personal.csv",
        PERSONNEL_HEADER,
        [
            person("PERS-004711"),
            person("PERS-004711", disability="Schwerbehinderung GdB 50 Diabetes"),
        ],
    )
    applicants = write_csv(
        tmp_path / "bewerbungen.csv",
        APPLICATION_HEADER,
        [application("BEW-0815"), application("", disability="Schwerbehinderung GdB 50 Diabetes")],
    )
    survey = write_csv(
        tmp_path / "befragung.csv", SURVEY_HEADER, [survey_answer(immigrated="Türkei")]
    )
    texts = []
    for path in (personnel, applicants, survey):
        error = refusal([path], db)
        texts += [error.report("de"), error.report("en"), str(error), repr(error.problems)]
    texts.append(store.refusal_log_path(db).read_text(encoding="utf-8"))
    log = store.import_log(db)
    texts += [
        logged_refusal_report(name, problems, int(total), lang)
        for name, problems, total in zip(
            log["file_name"], log["problems"], log["total"], strict=True
        )
        for lang in ("de", "en")
    ]
    everything = "\n".join(texts)
    assert (
        "Spalte „Pseudonym“ (Wert nicht gezeigt: geschützte Spalte): wiederholt Zeile 2"
        in everything
    )
    assert "column “Schwerbehinderung” (value not shown: protected column)" in everything
    assert "Spalte „Selbst zugewandert“ (Wert nicht gezeigt" in everything
    for secret in secrets_in_files:
        assert secret not in everything


def test_refusals_older_than_the_retention_period_are_dropped(tmp_path: Path, db: Path) -> None:
    for name in ("alt.csv", "neu.csv"):
        refusal([write_csv(tmp_path / name, PERSONNEL_HEADER, [person(gender="?")])], db)
    log_file = store.refusal_log_path(db)
    lines = log_file.read_text(encoding="utf-8").splitlines()
    old = json.loads(lines[0]) | {"imported_at": "2020-01-01T08:00:00", "message": "PERS-004711"}
    log_file.write_text("\n".join([json.dumps(old), lines[1]]) + "\n", encoding="utf-8")
    assert store.prune_refusals(db, retention_days=365) == 1
    assert list(store.import_log(db)["file_name"]) == ["neu.csv"]
    assert "PERS-004711" not in log_file.read_text(encoding="utf-8")
    assert log_file.stat().st_mode & 0o777 == 0o600
    assert store.prune_refusals(db, retention_days=365) == 0


# --- atomicity and idempotence ------------------------------------------------------------------


def test_bad_row_at_the_end_of_a_large_file_leaves_the_store_byte_identical(
    tmp_path: Path, db: Path
) -> None:
    import_files(
        [
            write_csv(
                tmp_path / "first.csv", PERSONNEL_HEADER, personnel_population(100, "30.11.2024")
            )
        ],
        db,
        by=LOCAL_USER,
    )
    before = digest(db)
    files_before = sorted(p.name for p in db.parent.iterdir() if p.suffix != ".jsonl")
    rows = personnel_population(60_000, "31.12.2024")
    rows[-1][8] = "99"
    path = write_csv(tmp_path / "large.csv", PERSONNEL_HEADER, rows)
    error = refusal([path], db)
    assert "Zeile 60001, Spalte „Wochenstunden“, Wert „99“" in error.report("de")
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir() if p.suffix != ".jsonl") == files_before


def test_a_refused_file_in_a_batch_imports_nothing(tmp_path: Path, db: Path) -> None:
    good = write_csv(tmp_path / "good.csv", PERSONNEL_HEADER, [person()])
    bad = write_csv(tmp_path / "bad.csv", APPLICATION_HEADER, [application(stage="?")])
    assert refusal([good, bad], db).file_name == "bad.csv"
    assert not db.exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path, db: Path) -> None:
    path = write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, personnel_population(20))
    import_files([path], db, by=LOCAL_USER)
    first = rows_of(db, "SELECT * FROM personnel ORDER BY ALL")
    [again] = import_files([path], db, by=LOCAL_USER)
    assert again.replaced_rows == 20
    assert rows_of(db, "SELECT * FROM personnel ORDER BY ALL") == first
    assert rows_of(db, "SELECT count(*), count(DISTINCT sha256) FROM import_log") == [(2, 1)]


def test_import_replaces_only_the_dates_year_and_waves_it_covers(tmp_path: Path, db: Path) -> None:
    november = personnel_population(3, "30.11.2024")
    december = personnel_population(3, "31.12.2024")
    import_files(
        [write_csv(tmp_path / "a.csv", PERSONNEL_HEADER, november + december)], db, by=LOCAL_USER
    )
    corrected = personnel_population(2, "31.12.2024", gender="m")
    [result] = import_files(
        [write_csv(tmp_path / "b.csv", PERSONNEL_HEADER, corrected)], db, by=LOCAL_USER
    )
    assert result.replaced_rows == 3 and result.coverage == ("31.12.2024",)
    assert rows_of(
        db, "SELECT reporting_date, gender, count(*) FROM personnel GROUP BY ALL ORDER BY 1"
    ) == [(date(2024, 11, 30), "w", 3), (date(2024, 12, 31), "m", 2)]
    apps_2023 = [application("B1", "01.02.2023"), application("B2", "01.03.2024")]
    import_files([write_csv(tmp_path / "a1.csv", APPLICATION_HEADER, apps_2023)], db, by=LOCAL_USER)
    import_files(
        [write_csv(tmp_path / "a2.csv", APPLICATION_HEADER, [application("B3", "01.05.2024")])],
        db,
        by=LOCAL_USER,
    )
    assert rows_of(
        db, "SELECT year(application_date), count(*) FROM applications GROUP BY 1 ORDER BY 1"
    ) == [(2023, 1), (2024, 1)]


# --- pseudonyms --------------------------------------------------------------------------------


def test_ids_are_stored_only_as_keyed_hashes(tmp_path: Path, db: Path) -> None:
    raw_ids = [f"Pers-{i:04d}-Kennung-XQZ" for i in range(300)]
    rows = [person(raw_id) for raw_id in raw_ids]
    import_files([write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, rows)], db, by=LOCAL_USER)
    apps = [application(f"Bewerb-{i:04d}-Kennung-XQZ") for i in range(300)]
    import_files([write_csv(tmp_path / "a.csv", APPLICATION_HEADER, apps)], db, by=LOCAL_USER)
    content = db.read_bytes()
    assert b"Kennung-XQZ" not in content
    secret = load_secret(db)
    stored = {r[0] for r in rows_of(db, "SELECT person_key FROM personnel")}
    assert stored == {pseudonym_key(secret, raw_id) for raw_id in raw_ids}
    # control: the same strings stored as given would be found by this scan
    control = tmp_path / "control.duckdb"
    with duckdb.connect(str(control)) as con:
        con.execute("CREATE TABLE t AS SELECT unnest(?) AS id", [raw_ids])
        con.execute("CHECKPOINT")
    assert b"Kennung-XQZ" in control.read_bytes()


def test_the_secret_is_created_once_outside_the_data_directory(tmp_path: Path, db: Path) -> None:
    import_files([write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER)
    secret_file = store.secret_path(db)
    assert db.parent not in secret_file.parents and secret_file == store.default_secret_path()
    assert secret_file.stat().st_mode & 0o077 == 0
    first = secret_file.read_text()
    import_files([write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER)
    assert secret_file.read_text() == first


# --- the store ---------------------------------------------------------------------------------


def test_store_with_other_schema_version_is_refused(tmp_path: Path, db: Path) -> None:
    import_files([write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(store.StoreError, match="schema version 999"):
        store.open_store(db).__enter__()
    with pytest.raises(store.StoreError, match="schema version 999"):
        import_files(
            [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
        )


def test_real_data_never_mixes_with_demo_data(tmp_path: Path, db: Path) -> None:
    import_files(
        [write_csv(tmp_path / "d.csv", PERSONNEL_HEADER, personnel_population(5, "30.11.2024"))],
        db,
        demo=True,
        by=LOCAL_USER,
    )
    [result] = import_files(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
    )
    assert result.demo_replaced
    assert rows_of(db, "SELECT count(*) FROM personnel") == [(1,)]
    with store.open_store(db) as con:
        assert store.store_status(con).demo is False


def test_resolve_db_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.DB_ENV_VAR, raising=False)
    assert store.resolve_db_path(None) == Path("data/vielfalt.duckdb")
    monkeypatch.setenv(store.DB_ENV_VAR, "/tmp/x.duckdb")
    assert store.resolve_db_path(None) == Path("/tmp/x.duckdb")
    assert store.resolve_db_path("y.duckdb") == Path("y.duckdb")


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("E9b", "E 9b"),
        ("te  iv", "TE IV"),
        ("TEIV", "TE IV"),
        ("a 11", "A 11"),
        ("Azubi", "Azubi"),
        ("Anw.", "Anw."),
        ("EG 9", "EG 9"),
        # spelt as stored, or nearly
        ("E 9b", "E 9b"),
        ("E 9B", "E 9b"),
        ("e 9b", "E 9b"),
        ("A 13", "A 13"),
        ("TE IV", "TE IV"),
        ("TE iv", "TE IV"),
        ("TE  IV", "TE IV"),
        ("A IV", "A IV"),
        ("a iv", "A IV"),
    ],
)
def test_pay_group_spelling_is_normalised(
    tmp_path: Path, db: Path, written: str, stored: str
) -> None:
    import_files(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person(pay_group=written)])],
        db,
        by=LOCAL_USER,
    )
    assert rows_of(db, "SELECT pay_group FROM personnel") == [(stored,)]


def test_the_data_directory_and_every_file_in_it_are_the_owners_alone_from_the_first_import(
    tmp_path: Path,
) -> None:
    """Under the common umask 022 (files 0644 by default): the data directory is made 0700 and
    the store, its lock and the refusal log 0600 from the first write on; the key too."""
    db = tmp_path / "daten" / "vielfalt.duckdb"
    db.parent.mkdir(mode=0o755)
    previous = os.umask(0o022)
    try:
        import_files(
            [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
        )
        refusal([write_csv(tmp_path / "bad.csv", PERSONNEL_HEADER, [person(gender="?")])], db)
    finally:
        os.umask(previous)
    assert db.parent.stat().st_mode & 0o777 == 0o700
    modes = {p.name: p.stat().st_mode & 0o777 for p in db.parent.iterdir()}
    assert {"vielfalt.duckdb", "vielfalt.refusals.jsonl"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes
    assert store.secret_path(db).stat().st_mode & 0o777 == 0o600


def test_a_store_moved_without_its_key_takes_no_import(tmp_path: Path, db: Path) -> None:
    import_files([write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER)
    before = digest(db)
    store.secret_path(db).unlink()  # the key stayed on the old server: a new one is made
    with pytest.raises(store.StoreError, match="another key"):
        import_files(
            [write_csv(tmp_path / "q.csv", PERSONNEL_HEADER, [person()])], db, by=LOCAL_USER
        )
    assert digest(db) == before
