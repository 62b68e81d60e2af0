"""The preview's sample rows and data quality (metrics/ingest/quality.py) and how the Daten page
words them (metrics/views/data.py): real export files, the real importer, a real store; every
expectation counted by hand from the six rows below."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics import store
from metrics.access import LOCAL_USER
from metrics.disclosure import DisclosureRules
from metrics.ingest import (
    ImportRefused,
    delete_coverage,
    import_files,
    load_secret,
    prepare_import,
    pseudonym_key,
    set_invited,
    stage_file,
    stage_upload,
    staging_connection,
)
from metrics.ingest.quality import ColumnQuality, StagedDetails
from metrics.views import build_data_page, build_upload_details
from tests.exports import PERSONNEL_HEADER, person, personnel_population, write_csv, write_xlsx

DAY = "30.11.2025"
# the export lacks the optional column "Mobiles Arbeiten" altogether
MOBILE = PERSONNEL_HEADER.index("Mobiles Arbeiten")
HEADER = [h for i, h in enumerate(PERSONNEL_HEADER) if i != MOBILE]


def rows(day: str = DAY) -> list[list[str]]:
    """Six persons as a German export spells them (file rows 2 to 7)."""
    written = [
        person("P000001", day, gender="weiblich", carrier="Agentur für Arbeit", deputy="x"),
        person(
            "P000002",
            day,
            gender="m",
            weekly_hours="19,5",
            disability="schwerbehindert",
            credit_factor="2",
        ),
        person("P000003", day, gender="W", carrier="Stadt", deputy="", entry_date=""),
        person("P000004", day, gender="divers", leadership="Teamleitung", deputy="ja"),
        person("P000005", day, gender="männlich", leave="Elternzeit", leave_replaced="ja"),
        person("P000006", day, gender="w", carrier="Kommune", leave="Pflegezeit"),
    ]
    return [[v for i, v in enumerate(row) if i != MOBILE] for row in written]


def export(tmp_path: Path, form: str) -> Path:
    """The same six rows as a clean CSV (the importer's fast path), as a CSV with ISO dates (the
    text path: the typed reader refuses them) and as XLSX."""
    if form == "csv":
        return write_csv(tmp_path / "personal_november.csv", HEADER, rows())
    if form == "csv_iso":
        return write_csv(tmp_path / "personal_november.csv", HEADER, rows("2025-11-30"))
    return write_xlsx(tmp_path / "personal_november.xlsx", HEADER, rows())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "vielfalt.duckdb"


def details_of(path: Path, db: Path) -> StagedDetails:
    with prepare_import([path], db, by=LOCAL_USER) as prepared:
        [details] = prepared.details()
    assert details is not None
    return details


@pytest.mark.parametrize("form", ["csv", "csv_iso", "xlsx"])
def test_the_quality_counts_empty_cells_values_and_spellings_per_column(
    tmp_path: Path, db: Path, form: str
) -> None:
    quality = details_of(export(tmp_path, form), db).quality
    assert quality.kind == "personnel" and quality.rows == 6
    assert quality.absent == ("mobile_work",)
    by_name = {column.name: column for column in quality.columns}
    assert by_name["mobile_work"] == ColumnQuality("mobile_work", None)
    assert by_name["gender"] == ColumnQuality(
        "gender",
        "Geschlecht",
        empty=0,
        values=(("w", 3), ("m", 2), ("d", 1)),
        # "W" and "w" are the code itself; the aliases are listed with their cells
        read_as=(("divers", "d", 1), ("männlich", "m", 1), ("weiblich", "w", 1)),
    )
    carrier = by_name["carrier"]
    assert carrier.values == (("BA", 4), ("Kommune", 2))
    assert carrier.read_as == (("Agentur für Arbeit", "BA", 1), ("Stadt", "Kommune", 1))
    # an empty cell of an optional column is its default: nein
    deputy = by_name["deputy"]
    assert (deputy.empty, deputy.default) == (1, False)
    assert deputy.values == ((True, 2), (False, 4))
    assert deputy.read_as == (("x", True, 1),)
    leave = by_name["leave"]
    assert (leave.empty, leave.default) == (4, "keine")
    assert leave.values == (("keine", 4), ("Elternzeit", 1), ("Pflege", 1))
    assert leave.read_as == (("Pflegezeit", "Pflege", 1),)
    assert (by_name["leave_replaced"].empty, by_name["leave_replaced"].values) == (
        5,
        ((True, 1), (False, 5)),
    )
    assert (by_name["under18_approved"].empty, by_name["under18_approved"].values) == (
        6,
        ((False, 6),),
    )
    assert by_name["leadership"].values == (("keine", 5), ("Teamleitung", 1))
    # dates and numbers by their range, text and ids by their different values
    assert (by_name["weekly_hours"].lowest, by_name["weekly_hours"].highest) == (19.5, 39.0)
    entry = by_name["entry_date"]
    assert (entry.empty, entry.lowest, entry.highest) == (1, date(2010, 4, 1), date(2010, 4, 1))
    assert by_name["reporting_date"].lowest == date(2025, 11, 30)
    assert (by_name["person_id"].distinct, by_name["org_unit"].distinct) == (6, 1)
    # health data: read and stored, never broken down (CONTRACT § 3)
    for name in ("disability", "credit_factor"):
        assert by_name[name] == ColumnQuality(name, by_name[name].header, protected=True)


def test_the_sample_is_the_first_rows_as_stored_with_the_pseudonym_and_no_health_data(
    tmp_path: Path, db: Path
) -> None:
    path = export(tmp_path, "csv")
    with prepare_import([path], db, by=LOCAL_USER) as prepared:
        [details] = prepared.details()
        assert details is not None
        prepared.commit()
    sample = details.sample
    assert len(sample.rows) == 5
    assert "mobile_work" not in sample.columns  # the file lacks it: nothing to show
    assert sample.protected == {"disability", "credit_factor"}
    first = dict(zip(sample.columns, sample.rows[0], strict=True))
    secret = load_secret(db)
    assert first["person_id"] == pseudonym_key(secret, "P000001")
    assert first["reporting_date"] == date(2025, 11, 30)
    assert (first["carrier"], first["gender"], first["deputy"]) == ("BA", "w", True)
    assert (first["disability"], first["credit_factor"]) == (None, None)  # never read
    second = dict(zip(sample.columns, sample.rows[1], strict=True))
    assert second["weekly_hours"] == 19.5
    # no raw id anywhere in the sample
    assert not any(str(v).startswith("P0000") for row in sample.rows for v in row)
    # exactly as the store keeps them
    shown = [c for c in sample.columns if c not in sample.protected]
    stored_names = [
        store_name for c in shown for store_name in ["person_key" if c == "person_id" else c]
    ]
    with store.open_current(db) as con:
        kept = set(con.execute(f"SELECT {', '.join(stored_names)} FROM personnel").fetchall())
    for row in sample.rows:
        values = dict(zip(sample.columns, row, strict=True))
        assert tuple(values[c] for c in shown) in kept


def test_the_browser_upload_brings_the_same_details_from_its_checking_child(
    tmp_path: Path, db: Path
) -> None:
    path = export(tmp_path, "csv")
    direct = details_of(path, db)
    staged = stage_upload([(path.name, path.read_bytes())], db, "de", by=LOCAL_USER)
    try:
        [through_child] = staged.prepared.details()
    finally:
        staged.discard()
    assert through_child == direct
    with pytest.raises(RuntimeError):
        staged.prepared.details()  # its staged rows are gone


def test_a_refused_file_has_no_details_and_is_still_refused_with_row_column_and_value(
    tmp_path: Path, db: Path
) -> None:
    good = export(tmp_path, "csv")
    bad_rows = rows()
    bad_rows[2][HEADER.index("Geschlecht")] = "q"  # file row 4
    bad = write_csv(tmp_path / "personal_falsch.csv", HEADER, bad_rows)
    with prepare_import([good, bad], db, by=LOCAL_USER) as prepared:
        good_details, bad_details = prepared.details()
        refusal = prepared.previews[1].refusal
    assert good_details is not None and bad_details is None
    assert refusal is not None
    assert "Zeile 4, Spalte „Geschlecht“, Wert „q“" in refusal.report("de")


def test_only_a_preview_counts_the_cells(tmp_path: Path, db: Path) -> None:
    """A plain import (the CLI's) does not read a clean file a second time for the preview."""
    path = export(tmp_path, "csv")
    for profile, expected in ((False, {}), (True, {"": 1, "x": 1, "nein": 3, "ja": 1})):
        workdir = tmp_path / f"work-{profile}"
        workdir.mkdir()
        con = staging_connection(workdir)
        try:
            staged = stage_file(con, path, 0, workdir, b"k" * 32, profile=profile)
        finally:
            con.close()
        assert staged.cells.get("deputy", {}) == expected
        assert "disability" not in staged.cells and "credit_factor" not in staged.cells


def test_the_details_read_in_the_page_language(tmp_path: Path, db: Path) -> None:
    details = details_of(export(tmp_path, "csv"), db)
    german = build_upload_details(details, "de")
    assert (
        german.sample_title
        == "„personal_november.csv“: die ersten 5 Zeilen, wie sie gespeichert werden"
    )
    first = german.sample.iloc[0]
    assert first["Stichtag (reporting_date)"] == "30.11.2025"
    assert first["Pseudonym (person_id)"] == pseudonym_key(load_secret(db), "P000001")
    assert first["Stellvertretung (deputy)"] == "ja"
    assert first["Träger (carrier)"] == "BA"
    assert german.sample.iloc[1]["Wochenstunden (weekly_hours)"] == "19,5"
    assert german.sample.iloc[2]["Eintrittsdatum (entry_date)"] == ""
    assert set(german.sample["Schwerbehinderung (disability)"]) == {"•"}
    assert set(german.sample["Mehrfachanrechnung (credit_factor)"]) == {"•"}
    assert "Schlüssel-Hash" in " ".join(german.sample_notes)
    assert (
        "Schwerbehinderung (disability), Mehrfachanrechnung (credit_factor)"
        in (german.sample_notes[-1])
    )
    quality = german.quality.set_index("Spalte")
    assert list(quality.columns) == ["Leer", "Werte", "Gelesen als", "In der Datei"]
    assert quality.loc["Geschlecht (gender)"].tolist() == [
        "0",
        "w 3 · m 2 · d 1",
        "divers → d; männlich → m; weiblich → w",
        "Geschlecht",
    ]
    assert quality.loc["Stellvertretung (deputy)"].tolist() == [
        "1 → nein",
        "ja 2 · nein 4",
        "x → ja",
        "Stellvertretung",
    ]
    assert quality.loc["Beurlaubung (leave)", "Leer"] == "4 → keine"
    assert quality.loc["Mobiles Arbeiten (mobile_work)"].tolist() == [
        "–",
        "keine Daten",
        "",
        "fehlt",
    ]
    assert quality.loc["Schwerbehinderung (disability)", "Werte"] == "•"
    assert quality.loc["Wochenstunden (weekly_hours)", "Werte"] == "19,5 … 39"
    assert quality.loc["Pseudonym (person_id)", "Werte"] == "6 verschiedene"
    assert quality.loc["Organisationseinheit (org_unit)", "Werte"] == "überall gleich"
    english = build_upload_details(details, "en")
    assert english.sample.iloc[0]["Reporting date (reporting_date)"] == "2025-11-30"
    assert english.sample.iloc[1]["Weekly hours (weekly_hours)"] == "19.5"
    assert english.quality.set_index("Column").loc["Deputy (deputy)"].tolist() == [
        "1 → no",
        "yes 2 · no 4",
        "x → yes",
        "Stellvertretung",
    ]
    assert english.after_import("x.csv", "en").quality_title == (
        "Imported: data quality of “x.csv”"
    )


def test_the_import_log_reads_deletions_and_typed_in_counts_in_the_page_language(
    tmp_path: Path, db: Path
) -> None:
    """A deletion and a typed-in invited count are logged too (outcomes deleted, edited): the
    Daten page read them with a text it did not have and failed as a whole."""
    import_files(
        [write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, personnel_population(6, "31.10.2025"))],
        db,
        by=LOCAL_USER,
    )
    assert delete_coverage(db, "personnel", ["31.10.2025"], by=LOCAL_USER) == 6
    set_invited(db, 2024, 1066, by=LOCAL_USER)
    rules = DisclosureRules(5, 10)
    german = build_data_page(db, lambda _year: None, rules, "de").log
    assert list(german.columns) == [
        "Zeitpunkt",
        "Datei",
        "Art",
        "Zeilen",
        "Stichtag / Jahr / Welle",
        "Ersetzte Zeilen",
        "Ergebnis",
        "Meldung",
        "Prüfsumme (SHA-256)",
    ]
    assert german["Ergebnis"].tolist() == ["geändert", "gelöscht", "importiert"]
    assert german["Datei"].tolist() == ["(Eingabe)", "(gelöscht)", "p.csv"]
    assert german["Art"].tolist() == [
        "Eingeladene je Befragungswelle",
        "Personalbestand",
        "Personalbestand",
    ]
    # a personnel file's rows are a monthly headcount: withheld; the invited count is 1 row
    assert german["Zeilen"].tolist() == ["< 5", "•", "•"]
    assert german["Stichtag / Jahr / Welle"].tolist() == ["2024", "31.10.2025", "31.10.2025"]
    english = build_data_page(db, lambda _year: None, rules, "en").log
    assert english["Outcome"].tolist() == ["changed", "deleted", "imported"]
    assert english["File"].tolist() == ["(manual entry)", "(deleted)", "p.csv"]
    assert english["Date / year / wave"].tolist() == ["2024", "2025-10-31", "2025-10-31"]
    assert english["When"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()
    waves = build_data_page(db, lambda _year: None, rules, "de").waves
    assert waves is not None
    assert waves["Eingeladene"].tolist() == ["1.066"]


def test_a_refusal_in_the_log_reads_in_the_page_language(tmp_path: Path, db: Path) -> None:
    bad_rows = rows()
    bad_rows[0][HEADER.index("Geschlecht")] = "q"
    with pytest.raises(ImportRefused):
        import_files([write_csv(tmp_path / "falsch.csv", HEADER, bad_rows)], db, by=LOCAL_USER)
    log = build_data_page(db, lambda _year: None, DisclosureRules(), "de").log
    [refused] = log.to_dict("records")
    assert refused["Ergebnis"] == "abgelehnt" and refused["Datei"] == "falsch.csv"
    assert "Zeile 2, Spalte „Geschlecht“, Wert „q“" in refused["Meldung"]
