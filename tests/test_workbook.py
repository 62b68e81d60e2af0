"""The annual report's workbook on the demo store, opened with openpyxl and compared with the
release: every KPI and year, the equality tables (pay groups in their order, subtotals only of
published parts), the SGB IX notice of each carrier, the print setup, the English labels."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator, Mapping
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from metrics import store
from metrics.access import LOCAL_USER
from metrics.contract import CARRIERS
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.report import build_workbook
from metrics.report.content import report_history
from metrics.report.workbook import COUNT_FORMAT, PLACE_MONTHS_FORMAT
from metrics.settings import load_settings
from metrics.views import KpiHistory

YEAR = 2025
SETTINGS = load_settings()
ORGANISATION = "Jobcenter Musterstadt"
# every pay group of the three scales, highest first: the order the sheet must keep
LADDER = (
    *(f"A {n}" for n in range(16, 1, -1)),
    *(f"TE {r}" for r in ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")),
    "E 15Ü",
    "E 15",
    "E 14",
    "E 13",
    "E 12",
    "E 11",
    "E 10",
    "E 9c",
    "E 9b",
    "E 9a",
    *(f"E {n}" for n in range(8, 0, -1)),
)
SHEETS_DE = [
    "Datenstand",
    "Kennzahlen",
    "Beschäftigte",
    "Entgeltgruppen",
    "Führungsebenen",
    "Organisationseinheiten",
    "SGB IX BA",
    "SGB IX Kommune",
    "SGB IX gesamt (intern)",
    "Zeitreihe",
    "Zeichenerklärung",
    "Methodik",
]
SHEETS_EN = [
    "Info",
    "KPIs",
    "Staff",
    "Pay groups",
    "Leadership levels",
    "Org units",
    "SGB IX BA",
    "SGB IX Kommune",
    "SGB IX combined (internal)",
    "Time series",
    "Signs",
    "Methodology",
]


@pytest.fixture(scope="module")
def con(planned_demo_store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.open_store(planned_demo_store) as connection:
        yield connection


@pytest.fixture(scope="module")
def history(con: duckdb.DuckDBPyConnection) -> KpiHistory:
    return report_history(con, YEAR, SETTINGS)


@pytest.fixture(scope="module")
def published(history: KpiHistory) -> kpis.PublishedYear:
    return history.published(YEAR)


@pytest.fixture(scope="module")
def values(history: KpiHistory) -> Mapping[str, KpiValue]:
    return history.values(YEAR, None)


@pytest.fixture(scope="module")
def workbook(con: duckdb.DuckDBPyConnection) -> Workbook:
    settings = dataclasses.replace(SETTINGS, organisation=ORGANISATION)
    return load_workbook(io.BytesIO(build_workbook(con, YEAR, settings=settings, by=LOCAL_USER)))


@pytest.fixture(scope="module")
def english(con: duckdb.DuckDBPyConnection) -> Workbook:
    return load_workbook(io.BytesIO(build_workbook(con, YEAR, lang="en", by=LOCAL_USER)))


@pytest.fixture(scope="module")
def carrier_workbook(con: duckdb.DuckDBPyConnection) -> Workbook:
    return load_workbook(io.BytesIO(build_workbook(con, YEAR, "BA", by=LOCAL_USER)))


def header(sheet: Worksheet) -> list[object]:
    """The header row (the columns a note runs across beside a narrow table have none)."""
    titles = [cell.value for cell in sheet[1]]
    while titles and titles[-1] is None:
        titles.pop()
    return titles


def body(sheet: Worksheet) -> list[tuple]:
    """The table's rows: from below the header to the empty row before the notes."""
    rows = []
    for row in sheet.iter_rows(min_row=2):
        if all(cell.value is None for cell in row):
            break
        rows.append(row)
    return rows


def by_label(sheet: Worksheet) -> dict[object, tuple]:
    return {row[0].value: row for row in body(sheet)}


def shown(value: KpiValue | None) -> object:
    """What a cell of the KPI and time-series sheets must hold for a published value."""
    if value is None:
        return "–"
    if value.suppressed:
        return value.label
    if value.unit == "flag":
        return "siehe Hinweis"
    if value.value is None:
        return "–"
    return value.to_json()["value"]


# --- sheets and form ------------------------------------------------------------------------------


def test_workbook_sheets(workbook: Workbook, carrier_workbook: Workbook) -> None:
    assert workbook.sheetnames == SHEETS_DE
    for sheet in workbook.worksheets:
        assert all(cell.font.b for cell in sheet[1] if cell.value is not None), sheet.title
        assert sheet.freeze_panes in ("A2", "B2"), sheet.title
    # a carrier's report has that carrier's notice alone
    assert [name for name in carrier_workbook.sheetnames if name.startswith("SGB IX")] == [
        "SGB IX BA"
    ]


def test_info_sheet_names_the_organisation_and_points_to_the_signs(
    workbook: Workbook, english: Workbook
) -> None:
    info = by_label(workbook["Datenstand"])
    assert info["Organisation"][1].value == ORGANISATION
    assert info["Stichtag"][1].value == "31.12.2025"
    assert "Zeichenerklärung" in info["Zeichenerklärung"][1].value
    # the shipped settings name no organisation: no empty row for it
    assert "Organisation" not in by_label(english["Info"])


def test_print_setup_on_every_sheet(workbook: Workbook, english: Workbook) -> None:
    for sheet in [*workbook.worksheets, *english.worksheets]:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert str(setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title  # the header row
        assert sheet.oddFooter.left.text == "&A", sheet.title
        assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
    assert workbook.worksheets[0].oddFooter.right.text == "Seite &P von &N"
    assert english.worksheets[0].oddFooter.right.text == "Page &P of &N"


def test_column_widths_within_bounds(workbook: Workbook) -> None:
    for sheet in workbook.worksheets:
        table = body(sheet)
        for index, title in enumerate(header(sheet)):
            width = sheet.column_dimensions[chr(ord("A") + index)].width
            assert 10 <= width <= 60, (sheet.title, title, width)
            if index == 0:
                assert width <= 45, (sheet.title, title, width)
            numbers = [row[index] for row in table if isinstance(row[index].value, int | float)]
            if numbers and index > 0 and sheet.title != "Methodik":
                # a column of numbers is 10 to 16 characters wide, whatever its header
                assert width <= 16, (sheet.title, title, width)


def test_the_id_is_the_last_column_and_never_frozen(workbook: Workbook) -> None:
    for name in ("Kennzahlen", "Zeitreihe", "Methodik"):
        sheet = workbook[name]
        assert header(sheet)[-1] == "Technische ID"
        assert header(sheet)[0] in ("Kennzahl",)
        assert sheet.freeze_panes == "B2"  # the plain-language name stays, not the id
        ids = [row[-1].value for row in body(sheet)]
        assert all(kpi_id in kpis.KPI_IDS or "." in kpi_id for kpi_id in ids), name


# --- KPIs and the time series ---------------------------------------------------------------------


def test_kpi_sheet_holds_every_kpi_value_of_the_year(
    workbook: Workbook, history: KpiHistory, values: Mapping[str, KpiValue]
) -> None:
    sheet = workbook["Kennzahlen"]
    assert header(sheet)[:6] == [
        "Kennzahl",
        f"Wert {YEAR}",
        "Einheit",
        "Ziel",
        f"Vorjahr {YEAR - 1}",
        "Veränderung (Pp. bzw. Index)",
    ]
    previous = history.values(YEAR - 1, None)
    rows = {row[-1].value: row for row in body(sheet)}
    assert list(rows) == list(values)
    for kpi_id, value in values.items():
        row = rows[kpi_id]
        assert row[0].value == kpis.kpi_label(kpi_id, "de")
        assert row[1].value == shown(value), kpi_id
        if value.suppressed:
            assert value.label in (f"< {value.k}", "•")
        elif isinstance(row[1].value, float):
            assert row[1].number_format != "General"
        assert row[3].value == value.target
        if value.unit != "flag":
            assert row[4].value == shown(previous.get(kpi_id)), kpi_id
    headcount = rows["headcount"]
    assert headcount[1].number_format == COUNT_FORMAT
    assert headcount[1].value == values["headcount"].value
    share = rows["women_share"]
    assert share[5].value == pytest.approx(
        round(values["women_share"].value - previous["women_share"].value, 2)
    )
    assert (share[6].value, share[7].value) == (
        values["women_share"].numerator,
        values["women_share"].denominator,
    )
    quota = rows["sb_quota"]
    assert quota[6].number_format == PLACE_MONTHS_FORMAT  # place-months are no person count
    flag = rows["underrepresentation"]
    assert kpis.format_kpi_value(values["underrepresentation"], "de") in flag[-2].value


def test_series_sheet_is_every_published_value_of_every_year(
    workbook: Workbook, history: KpiHistory
) -> None:
    sheet = workbook["Zeitreihe"]
    years = [year for year in history.years if year <= YEAR]
    assert header(sheet)[2:-1] == [str(year) for year in years]
    rows = {row[-1].value: row for row in body(sheet)}
    by_year = {year: history.values(year, None) for year in years}
    expected_ids = {
        kpi_id
        for published in by_year.values()
        for kpi_id, value in published.items()
        if value.unit != "flag"
    }
    assert set(rows) == expected_ids
    withheld = 0
    for kpi_id, row in rows.items():
        assert row[0].value == kpis.kpi_label(kpi_id, "de")
        for column, year in enumerate(years, start=2):
            value = by_year[year].get(kpi_id)
            assert row[column].value == shown(value), (kpi_id, year)
            withheld += value is not None and value.suppressed
            if value is not None and value.unit == "count" and not value.suppressed:
                assert row[column].number_format == COUNT_FORMAT  # the scan finds it
    assert withheld, "the demo store withholds some value in some year"


# --- equality statistics --------------------------------------------------------------------------


def test_staff_sheet_derives_only_from_published_cells(
    workbook: Workbook, values: Mapping[str, KpiValue]
) -> None:
    rows = by_label(workbook["Beschäftigte"])

    def counts(label: str) -> tuple[object, object, object]:
        return tuple(cell.value for cell in rows[label][1:4])

    staff = values["women_share"]
    women_staff, men_staff = staff.numerator, staff.denominator - staff.numerator
    assert counts("Beschäftigte ohne Nachwuchskräfte") == (
        women_staff,
        men_staff,
        staff.denominator,
    )
    all_women, all_men = values["headcount.w"].value, values["headcount.m"].value
    assert counts("Alle Personen") == (all_women, all_men, all_women + all_men)
    # trainees: all persons less the staff, both published
    trainees = counts("Nachwuchskräfte")
    assert trainees == (all_women - women_staff, all_men - men_staff, sum(trainees[:2]))
    # on leave: staff less the active staff, both published
    active_women = values["part_time_share_women"].denominator
    active_men = values["part_time_share_men"].denominator
    on_leave = counts("Beurlaubte insgesamt")
    assert on_leave[:2] == (women_staff - active_women, men_staff - active_men)
    assert counts("Aktive Beschäftigte zusammen") == (
        active_women,
        active_men,
        active_women + active_men,
    )
    part = values["part_time_share_women"]
    assert counts("Teilzeit")[0] == part.numerator
    assert counts("Vollzeit")[0] == part.denominator - part.numerator
    care = values["care_leave_men_share"]
    assert care.suppressed  # demo store 2025: withheld, and so are its counts
    assert counts("darunter Pflegezeit / Familienpflegezeit") == ("•", "•", "•")


def test_equality_tables_are_the_published_counts(
    workbook: Workbook, values: Mapping[str, KpiValue]
) -> None:
    rows = by_label(workbook["Beschäftigte"])
    for label, kpi_id in (
        ("Bewerbende", "women_share_applicants"),
        ("Einstellungen", "women_share_hires"),
    ):
        value = values[kpi_id]
        women, men, both, share = (cell.value for cell in rows[label][1:5])
        assert (women, men, both) == (
            value.numerator,
            value.denominator - value.numerator,
            value.denominator,
        )
        assert share == pytest.approx(round(value.value, 1))
        assert rows[label][1].number_format == COUNT_FORMAT
    parental = values["parental_leave_men_share"]
    assert rows["darunter Elternzeit"][2].value == parental.numerator  # men
    assert rows["darunter Elternzeit"][1].value == parental.denominator - parental.numerator


def test_a_share_published_without_its_counts_is_in_the_equality_table(
    workbook: Workbook, published: kpis.PublishedYear
) -> None:
    # demo store 2025: the planner publishes some women's shares per employment type or org
    # unit only as their rounded percentage; the tables show them, with "•" for the counts, not
    # "–" for no data
    withheld = []
    for dimension, sheet, labels in (
        ("employment_type", "Beschäftigte", {"Beamte": "Beamtinnen und Beamte"}),
        ("org_unit", "Organisationseinheiten", {}),
    ):
        shown_rows = by_label(workbook[sheet])
        for row in published.breakdown("women_share", dimension):
            label = labels.get(row.category, kpis.category_label(dimension, row.category, "de"))
            if dimension == "employment_type" and row.category == "Tarif":
                label = "Tarifbeschäftigte"
            women, men, both, share = (cell.value for cell in shown_rows[label][1:5])
            if row.value.counts_withheld:
                withheld.append(row)
                assert (women, men, both) == ("•", "•", "•")
                assert share == pytest.approx(round(row.value.value, 1))
            else:
                assert (women, both) == (row.value.numerator, row.value.denominator)
    assert withheld, "the demo store has such a share"


def pay_group_table(sheet: Worksheet) -> list[tuple[str, str, list[object]]]:
    """(style, label, [women, men, total, share]) per row: 'group', 'subtotal' or 'heading'."""
    rows = []
    for row in body(sheet):
        label = row[0].value
        numbers = [cell.value for cell in row[1:5]]
        if all(value is None for value in numbers):
            rows.append(("heading", label, numbers))
        elif row[0].font.b:
            rows.append(("subtotal", label, numbers))
        else:
            rows.append(("group", label, numbers))
    return rows


@pytest.mark.parametrize("carrier", [None, "BA"])
def test_pay_groups_in_order_with_subtotals_of_published_parts(
    workbook: Workbook,
    carrier_workbook: Workbook,
    published: kpis.PublishedYear,
    carrier: str | None,
) -> None:
    book = workbook if carrier is None else carrier_workbook
    table = pay_group_table(book["Entgeltgruppen"])
    release = published.underrepresentation(carrier)
    release = release[release["dimension"] == "pay_group"].set_index("area")
    groups = [label for style, label, _ in table if style == "group"]
    # A highest first, then TE I (the highest of TV-BA) … TE VIII, then E 15 … E 1
    assert groups == [group for group in LADDER if group in release.index]
    assert set(groups) == set(release.index)
    # the groups each kind of subtotal adds up: a career group, a pay system, a status group
    parts: dict[str, list[list[object]]] = {"career": [], "system": [], "status": []}
    statuses = ("Beamtinnen und Beamte zusammen", "Tarifbeschäftigte zusammen")
    for style, label, numbers in table:
        if style == "heading":
            parts["career"], parts["system"] = [], []
        elif style == "group":
            area = release.loc[label]
            expected = (
                [area["label"]] * 2
                if area["suppressed"]
                else [int(area["women"]), int(area["men"])]
            )
            assert numbers[:2] == expected, label
            for members in parts.values():
                members.append(numbers)
        elif not label.startswith("Insgesamt"):
            kind = (
                "status"
                if label in statuses
                else "system"
                if label.startswith(("TV-BA", "TVöD"))
                else "career"
            )
            women = [m[0] for m in parts[kind]]
            men = [m[1] for m in parts[kind]]
            assert women, label
            if all(isinstance(v, int) for v in women + men):
                assert numbers[:3] == [sum(women), sum(men), sum(women) + sum(men)], label
            else:
                assert numbers == ["•"] * 4, label  # a part withheld: the subtotal too
            parts[kind] = []
    labels = [label for style, label, _ in table if style == "subtotal"]
    if carrier is None:
        assert "Beamtinnen und Beamte zusammen" in labels
        assert "vergleichbar gehobener Dienst zusammen" in labels
        # hand-checked: TV-BA's upper intermediate groups are TE IV and TE V
        tv_ba = release.loc[["TE IV", "TE V"]]
        row = next(n for s, lab, n in table if lab == "vergleichbar gehobener Dienst zusammen")
        assert row[0] == int(tv_ba["women"].sum())
    assert "Tarifbeschäftigte zusammen" in labels


def test_pay_group_sheet_says_what_the_release_does_not_publish(workbook: Workbook) -> None:
    sheet = workbook["Entgeltgruppen"]
    assert header(sheet) == [
        "Entgelt-/Besoldungsgruppe",
        "Frauen",
        "Männer",
        "Insgesamt",
        "Frauenanteil in %",
        "Unterrepräsentiert",
    ]
    notes = [row[0].value for row in sheet.iter_rows(min_row=len(body(sheet)) + 3)]
    assert any("Vollzeit, Teilzeit und Beurlaubte je Entgelt" in str(note) for note in notes)
    assert any("TE I–TE III" in str(note) for note in notes)


def test_leadership_sheet_highest_level_first_with_deputies(
    workbook: Workbook, values: Mapping[str, KpiValue]
) -> None:
    rows = body(workbook["Führungsebenen"])
    assert [row[0].value for row in rows] == [
        "Geschäftsführung",
        "Bereichsleitung",
        "Teamleitung",
        "Führungskräfte insgesamt",
        "Stellvertretungen",
    ]
    deputies = values["women_deputy_share"]
    assert rows[-1][1].value == deputies.numerator
    assert rows[-1][3].value == deputies.denominator


# --- SGB IX ---------------------------------------------------------------------------------------


def test_sgb_ix_sheet_is_the_notice_of_each_carrier(
    workbook: Workbook, published: kpis.PublishedYear
) -> None:
    tables = published.sb_quota_tables()
    for name, view in (("BA", "BA"), ("Kommune", "Kommune"), ("gesamt (intern)", None)):
        sheet = workbook[f"SGB IX {name}"]
        assert header(sheet) == ["Angabe", f"Jahr {YEAR}"]
        rows = {label: row[1].value for label, row in by_label(sheet).items()}
        value = tables[view].kpi
        extra = value.extra
        # yearly sums only: no month of a sensitive figure leaves the store (CONTRACT § 3)
        assert rows == {
            "Monate mit Stichtag": extra["months_covered"],
            "Zu berücksichtigende Arbeitsplätze (Platzmonate)": value.denominator,
            "Besetzte Pflichtarbeitsplätze (Platzmonate)": value.numerator,
            "Beschäftigungsquote in %": pytest.approx(round(value.value, 2)),
            ("Gesetzliche Quote in %" if view else "Ziel in %"): value.target,
            "Pflichtarbeitsplätze (Soll, Platzmonate)": extra["mandatory_place_months"],
            "Unbesetzte Pflichtarbeitsplätze (Platzmonate)": extra["unfilled_place_months"],
            "Ausgleichsabgabe in €": extra["levy_eur"],
            "Näherung (ein Stichtag im Jahr)": "ja" if extra["approximation"] else "nein",
        }
        notes = " ".join(str(row[0].value) for row in sheet.iter_rows(min_row=len(rows) + 3))
        for item in (
            "Monatszeilen",
            "Arbeitsplätze insgesamt",
            "nicht zählenden",
            "gleichgestellten",
        ):
            assert item in notes, (name, item)
        assert ("interne Kennzahl" in notes) == (view is None)
    assert tables["BA"].kpi.id == "sb_quota.BA" and set(CARRIERS) == {"BA", "Kommune"}


def test_no_place_month_header_says_persons(workbook: Workbook, english: Workbook) -> None:
    for book in (workbook, english):
        for sheet in book.worksheets:
            for index, title in enumerate(header(sheet)):
                cells = [row[index] for row in body(sheet)]
                if any(cell.number_format == PLACE_MONTHS_FORMAT for cell in cells):
                    assert "Person" not in str(title) and "person" not in str(title), title
            if sheet.title.startswith("SGB IX"):
                texts = [str(row[0].value) for row in body(sheet)] + header(sheet)
                assert not [text for text in texts if "Person" in text or "person" in text]


# --- signs and language ---------------------------------------------------------------------------


def test_signs_sheet_explains_every_sign(workbook: Workbook, published: kpis.PublishedYear) -> None:
    sheet = workbook["Zeichenerklärung"]
    signs = by_label(sheet)
    assert "aus Datenschutzgründen nicht ausgewiesen" in signs["•"][1].value
    assert str(SETTINGS.k_ordinary) in signs[f"< {SETTINGS.k_ordinary}"][1].value
    assert f"< {SETTINGS.k_sensitive}" in signs
    assert "kein Wert" in signs["–"][1].value
    notes = " ".join(str(row[0].value) for row in sheet.iter_rows(min_row=len(signs) + 3))
    assert ("zufällig" in notes) == published.gender_assigned


def test_english_workbook_has_english_sheet_names_and_headers(english: Workbook) -> None:
    assert english.sheetnames == SHEETS_EN
    german = ("Frauen", "Männer", "Kennzahl", "Wert", "Angabe", "Jahr", "Ziel", "Zeichen")
    for sheet in english.worksheets:
        for title in header(sheet):
            assert not any(word in str(title) for word in german), (sheet.title, title)
            assert not set(str(title)) & set("äöüß"), (sheet.title, title)
    assert header(english["KPIs"])[:2] == ["KPI", f"Value {YEAR}"]
    assert header(english["Staff"])[1:5] == ["Women", "Men", "Total", "Share of women in %"]
    methodology = body(english["Methodology"])
    assert "Personnel snapshot at the reporting date" in [row[2].value for row in methodology]
    info = by_label(english["Info"])
    assert info["Title"][1].value.endswith(str(YEAR))
