"""Property-based fuzzing of the importer (hypothesis).

Two kinds of properties:

- An exact oracle: a valid personnel population, respelled in every accepted way (codes in any
  case with padding, aliases, boolean spellings, decimal comma or point, both date formats, random
  column order, optional columns left out, unknown extra columns), written in a random encoding,
  delimiter and format, optionally with exactly one invalid cell (or a missing required column,
  or a duplicate person). Without an invalid cell the import must succeed and the store must hold
  exactly the population; with one it must be refused.
- Chaos: ragged rows, NUL bytes, very long fields, random bytes, mismatched encodings, formula-like
  text, huge numbers. Whatever happens, the only exception is ImportRefused, a refusal leaves the
  store byte-identical (and no stray files), and a success leaves exactly the file's rows.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.cell import WriteOnlyCell

from metrics import store
from metrics.access import LOCAL_USER
from metrics.contract import FALSE_SPELLINGS, PERSONNEL, TRUE_SPELLINGS
from metrics.ingest import ImportRefused, ImportResult, import_files, load_secret, pseudonym_key
from tests.exports import PERSONNEL_HEADER, person, personnel_population, write_csv

# many generated files: a minute or more (see pyproject's markers)
pytestmark = pytest.mark.slow

# The suite runs a fixed, reproducible sample; FUZZ_EXAMPLES=5000 runs a long random campaign.
_CAMPAIGN = os.environ.get("FUZZ_EXAMPLES")
FUZZ_SETTINGS = settings(
    max_examples=int(_CAMPAIGN) if _CAMPAIGN else 100,
    deadline=None,
    derandomize=not _CAMPAIGN,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BASE_DATE = date(2024, 11, 30)
FILE_DATE = date(2024, 12, 31)
BASE_ROWS = 8
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le")
DELIMITERS = (";", ",", "\t")
STORE_COLUMNS = tuple(c.store_name for c in PERSONNEL.columns)


# --- a base store, copied for every example --------------------------------------------------


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("base")
    db = directory / "vielfalt.duckdb"
    # the key beside the store, so that each copy carries it (every test has its own key home)
    store.legacy_secret_path(db).write_text(secrets.token_hex(32))
    rows = personnel_population(BASE_ROWS, BASE_DATE.strftime("%d.%m.%Y"))
    import_files([write_csv(directory / "base.csv", PERSONNEL_HEADER, rows)], db, by=LOCAL_USER)
    (directory / "base.csv").unlink()
    return db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(directory: Path) -> list[str]:
    """Files beside the store, except the refusal log (which a refusal legitimately appends to)."""
    return sorted(p.name for p in directory.iterdir() if not p.name.endswith(".jsonl"))


@contextmanager
def fresh_copy(base_store: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as directory:
        store_dir = Path(directory) / "store"
        store_dir.mkdir()
        db = store_dir / base_store.name
        shutil.copyfile(base_store, db)
        shutil.copyfile(store.secret_path(base_store), store.legacy_secret_path(db))
        yield db


def store_rows(db: Path) -> dict[date, int]:
    with store.open_store(db) as con:
        return dict(
            con.execute("SELECT reporting_date, count(*) FROM personnel GROUP BY ALL").fetchall()
        )


def attempt(db: Path, path: Path, **kwargs: object) -> ImportResult | ImportRefused:
    """Imports and checks the invariants that hold whatever the file: a refusal is the only
    exception, names the file, renders in both languages and leaves the store byte-identical."""
    before, files_before = digest(db), listing(db.parent)
    rows_before = store_rows(db)
    try:
        [result] = import_files([path], db, by=LOCAL_USER, **kwargs)  # type: ignore[arg-type]
    except ImportRefused as refusal:
        assert refusal.file_name == path.name
        assert path.name in refusal.report("de") and path.name in refusal.report("en")
        assert refusal.problems and refusal.total >= len(refusal.problems)
        # a refusal must explain the file, never hide an importer bug
        assert all(p.key != "import.internal_error" for p in refusal.problems), refusal.report()
        assert digest(db) == before
        assert listing(db.parent) == files_before
        return refusal
    # success: the covered values now hold exactly the file's rows, all others are untouched
    after = store_rows(db)
    if result.kind == "personnel":
        covered = {
            pd.Timestamp(v.split(".")[::-1][0] + "-" + v[3:5] + "-" + v[:2]).date()
            for v in result.coverage
        }
        assert sum(after[d] for d in covered) == result.rows
        assert {d: n for d, n in after.items() if d not in covered} == {
            d: n for d, n in rows_before.items() if d not in covered
        }
    else:
        assert after == rows_before
    assert not [p for p in db.parent.iterdir() if p.name.endswith((".tmp", ".wal"))]
    return result


# --- the exact oracle: valid populations in every accepted spelling ---------------------------


@dataclass(frozen=True)
class Person:
    """One valid person in canonical (store) form."""

    person_id: str
    carrier: str
    org_unit: str
    gender: str
    birth_year: int
    employment_type: str
    pay_group: str
    weekly_hours: float
    full_time_hours: float
    leadership: str
    deputy: bool
    disability: str
    credit_factor: int
    under18_approved: bool
    leave: str
    leave_replaced: bool
    mobile_work: str
    fixed_term: bool
    entry_date: date | None

    def stored(self, secret: bytes) -> tuple[object, ...]:
        values = {
            **self.__dict__,
            "reporting_date": FILE_DATE,
            "person_key": pseudonym_key(secret, self.person_id),
        }
        return tuple(values[name] for name in STORE_COLUMNS)


ORG_UNIT_ALPHABET = "abcXYZ019 äöüÄÖÜß-/&()'.,;=+@\"#"
PAY_GROUPS = ("E 9b", "A 11", "TE IV", "E 13", "A 9", "TE III")

persons = st.builds(
    Person,
    person_id=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9\-]{0,11}", fullmatch=True),
    carrier=st.sampled_from(("BA", "Kommune")),
    org_unit=st.text(ORG_UNIT_ALPHABET, min_size=1, max_size=12)
    .map(lambda s: s.strip())
    .filter(bool),
    gender=st.sampled_from(("w", "m", "d", "x")),
    birth_year=st.integers(1940, 2010),
    employment_type=st.sampled_from(("Tarif", "Beamte", "Ausbildung")),
    pay_group=st.sampled_from(PAY_GROUPS),
    weekly_hours=st.integers(0, 600).map(lambda tenths: tenths / 10),
    full_time_hours=st.sampled_from((39.0, 39.5, 41.0)),
    leadership=st.sampled_from(("keine", "Teamleitung", "Bereichsleitung", "Geschäftsführung")),
    deputy=st.booleans(),
    disability=st.sampled_from(("nein", "schwerbehindert", "gleichgestellt")),
    credit_factor=st.integers(1, 3),
    under18_approved=st.booleans(),
    leave=st.sampled_from(("keine", "Elternzeit", "Pflege", "sonstige")),
    leave_replaced=st.booleans(),
    mobile_work=st.sampled_from(("keine", "mobil", "Telearbeit")),
    fixed_term=st.booleans(),
    entry_date=st.none() | st.dates(date(1970, 1, 1), date(2024, 12, 31)),
)

INVALID_VALUES: dict[str, tuple[str, ...]] = {
    "reporting_date": ("31.02.2024", "2024-13-01", "morgen", "", "31.12.2099"),
    "person_id": ("",),
    "carrier": ("Land", ""),
    "org_unit": ("",),
    "gender": ("q", "", "mw"),
    "birth_year": ("1939", "2011", "19x0", "", "1980,5"),
    "employment_type": ("Praktikum", ""),
    "pay_group": ("",),
    "weekly_hours": ("60,5", "-1", "viel", ""),
    "full_time_hours": ("0", "", "abc", "61"),
    "leadership": ("Chef", ""),
    "deputy": ("vielleicht",),
    "disability": ("ja", ""),
    "credit_factor": ("4", "0", "1,5", "x"),
    "under18_approved": ("2",),
    "leave": ("Urlaub",),
    "leave_replaced": ("jein",),
    "mobile_work": ("home",),
    "fixed_term": ("?",),
    "entry_date": ("32.01.2020", "gestern"),
}


def respell_code(draw: st.DrawFn, column: str, code: str) -> str:
    spellings = (code, *PERSONNEL.column(column).codes[code])
    spelling = draw(st.sampled_from(spellings))
    spelling = draw(st.sampled_from((spelling, spelling.upper(), spelling.lower())))
    return pad(draw, spelling)


def pad(draw: st.DrawFn, text: str) -> str:
    padding = st.sampled_from(("", " ", "  ", "\t"))
    return draw(padding) + text + draw(padding)


def respell_bool(draw: st.DrawFn, value: bool, optional: bool) -> str:
    spellings = TRUE_SPELLINGS if value else tuple(s for s in FALSE_SPELLINGS if s or optional)
    spelling = draw(st.sampled_from(spellings))
    return pad(draw, draw(st.sampled_from((spelling, spelling.upper()))))


def respell_decimal(draw: st.DrawFn, value: float) -> str:
    text = f"{value:g}" if value.is_integer() else f"{value:.1f}"
    return draw(st.sampled_from((text, text.replace(".", ","))))


def respell_date(draw: st.DrawFn, value: date) -> str:
    return draw(st.sampled_from((value.strftime("%d.%m.%Y"), value.isoformat())))


def respell_pay_group(draw: st.DrawFn, value: str) -> str:
    prefix, rest = value.split(" ")
    return draw(
        st.sampled_from((value, prefix + rest, value.lower(), f"{prefix}  {rest}", value.upper()))
    )


def cells_of(draw: st.DrawFn, p: Person) -> dict[str, str]:
    """The person as an export writes it: every cell in a random accepted spelling."""
    return {
        "reporting_date": respell_date(draw, FILE_DATE),
        "person_id": p.person_id,
        "carrier": respell_code(draw, "carrier", p.carrier),
        "org_unit": p.org_unit,
        "gender": respell_code(draw, "gender", p.gender),
        "birth_year": str(p.birth_year),
        "employment_type": respell_code(draw, "employment_type", p.employment_type),
        "pay_group": respell_pay_group(draw, p.pay_group),
        "weekly_hours": respell_decimal(draw, p.weekly_hours),
        "full_time_hours": respell_decimal(draw, p.full_time_hours),
        "leadership": respell_code(draw, "leadership", p.leadership),
        "deputy": respell_bool(draw, p.deputy, optional=True),
        "disability": respell_code(draw, "disability", p.disability),
        "credit_factor": ""
        if p.credit_factor == 1 and draw(st.booleans())
        else str(p.credit_factor),
        "under18_approved": respell_bool(draw, p.under18_approved, optional=True),
        "leave": respell_code(draw, "leave", p.leave),
        "leave_replaced": respell_bool(draw, p.leave_replaced, optional=True),
        "mobile_work": respell_code(draw, "mobile_work", p.mobile_work),
        "fixed_term": respell_bool(draw, p.fixed_term, optional=True),
        "entry_date": respell_date(draw, p.entry_date) if p.entry_date else "",
    }


def default_of(column: str, p: Person) -> Person:
    """The person as stored when the file lacks this optional column."""
    default = PERSONNEL.column(column).default
    return Person(**{**p.__dict__, column: default})


@dataclass(frozen=True)
class FuzzFile:
    header: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    newline: str
    file_format: str
    expected: list[Person]
    defect: str | None  # why the file must be refused, None if it must be imported


@st.composite
def personnel_files(draw: st.DrawFn) -> FuzzFile:
    people = draw(st.lists(persons, min_size=1, max_size=8, unique_by=lambda p: p.person_id))
    names = [c.name for c in PERSONNEL.columns]
    optional = [c.name for c in PERSONNEL.columns if not c.required]
    left_out = draw(st.sets(st.sampled_from(optional)))
    columns = [name for name in names if name not in left_out]
    columns = draw(st.permutations(columns))
    defect: str | None = None
    if draw(st.integers(0, 9)) == 0:
        dropped = draw(st.sampled_from([c.name for c in PERSONNEL.required]))
        columns = [c for c in columns if c != dropped]
        defect = f"missing column {dropped}"
    expected = list(people)
    for column in left_out:
        expected = [default_of(column, p) for p in expected]
    cells = [cells_of(draw, p) for p in people]
    if defect is None and draw(st.booleans()):
        row = draw(st.integers(0, len(cells) - 1))
        if len(cells) > 1 and draw(st.integers(0, 5)) == 0:
            other = draw(st.integers(0, len(cells) - 1).filter(lambda i: i != row))
            cells[row]["person_id"] = cells[other]["person_id"]
            defect = "duplicate person"
        else:
            column = draw(st.sampled_from(columns))
            cells[row][column] = draw(st.sampled_from(INVALID_VALUES[column]))
            defect = f"invalid {column}: {cells[row][column]!r}"
    header_of = {c.name: c.aliases[0] if c.aliases else c.name for c in PERSONNEL.columns}
    header = [
        draw(st.sampled_from((header_of[c], c, header_of[c].upper(), f" {header_of[c]} ")))
        for c in columns
    ]
    rows = [[cell[c] for c in columns] for cell in cells]
    if draw(st.booleans()):
        header.append("Bemerkung")
        rows = [[*row, draw(st.text("abc =+-@;,", max_size=5))] for row in rows]
    return FuzzFile(
        header=header,
        rows=rows,
        encoding=draw(st.sampled_from(ENCODINGS)),
        delimiter=draw(st.sampled_from(DELIMITERS)),
        newline=draw(st.sampled_from(("\r\n", "\n"))),
        file_format=draw(st.sampled_from(("csv",) * 8 + ("xlsx", "parquet"))),
        expected=expected,
        defect=defect,
    )


def write_fuzz_file(directory: Path, fuzz: FuzzFile) -> Path:
    if fuzz.file_format == "xlsx":
        # as an HR system exports it: every cell a text cell (pandas.to_excel would turn text
        # starting with "=" into a formula without a stored value, which is refused)
        path = directory / "export.xlsx"
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for values in [fuzz.header, *fuzz.rows]:
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
        workbook.save(path)
        return path
    if fuzz.file_format == "parquet":
        path = directory / "export.parquet"
        frame = pd.DataFrame(fuzz.rows, columns=fuzz.header, dtype=object)
        frame.columns = _unique(fuzz.header)
        frame.to_parquet(path)
        return path
    return write_csv(
        directory / "export.csv",
        fuzz.header,
        fuzz.rows,
        encoding=fuzz.encoding,
        delimiter=fuzz.delimiter,
        newline=fuzz.newline,
    )


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}.{seen[name]}")
    return unique


@FUZZ_SETTINGS
@given(fuzz=personnel_files())
def test_valid_files_in_any_spelling_import_exactly_and_invalid_ones_are_refused(
    base_store: Path, fuzz: FuzzFile
) -> None:
    with fresh_copy(base_store) as db:
        path = write_fuzz_file(db.parent.parent, fuzz)
        outcome = attempt(db, path)
        if fuzz.defect is not None:
            assert isinstance(outcome, ImportRefused), f"accepted although {fuzz.defect}"
            return
        assert isinstance(outcome, ImportResult), outcome.report("en")
        secret = load_secret(db)
        with store.open_store(db) as con:
            stored = con.execute(
                f"SELECT {', '.join(STORE_COLUMNS)} FROM personnel WHERE reporting_date = ?",
                [FILE_DATE],
            ).fetchall()
        assert sorted(stored, key=repr) == sorted(
            (p.stored(secret) for p in fuzz.expected), key=repr
        )
        assert outcome.unknown_columns == (("Bemerkung",) if "Bemerkung" in fuzz.header else ())


# --- chaos: whatever the bytes, only ImportRefused, never a partial import ---------------------


def valid_text(rows: int = 5, delimiter: str = ";") -> str:
    lines = [delimiter.join(PERSONNEL_HEADER)]
    lines += [delimiter.join(r) for r in personnel_population(rows, "31.12.2024")]
    return "\r\n".join(lines) + "\r\n"


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from(DELIMITERS))
    lines = valid_text(draw(st.integers(1, 6)), delimiter).split("\r\n")[:-1]
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.integers(0, len(lines) - 1))
        fields = lines[target].split(delimiter)
        damage = draw(
            st.sampled_from(
                (
                    "ragged_short",
                    "ragged_long",
                    "nul",
                    "long_field",
                    "formula",
                    "duplicate",
                    "quote",
                    "empty_line",
                    "blank_fields",
                    "huge_number",
                    "random_text",
                    "header_subset",
                    "cr_only",
                    "bom_inside",
                    "surrogate_text",
                )
            )
        )
        match damage:
            case "ragged_short":
                fields = fields[: draw(st.integers(0, len(fields) - 1))]
            case "ragged_long":
                fields += ["x"] * draw(st.integers(1, 3))
            case "nul":
                fields[draw(st.integers(0, len(fields) - 1))] += "\x00"
            case "long_field":
                fields[draw(st.integers(0, len(fields) - 1))] = "A" * 100_000
            case "formula":
                fields[draw(st.integers(0, len(fields) - 1))] = draw(
                    st.sampled_from(
                        (
                            '=HYPERLINK("http://x";"y")',
                            "+cmd|' /C calc'!A0",
                            "-2+3",
                            "@SUM(A1)",
                            "\t=1",
                            "=1+1",
                        )
                    )
                )
            case "duplicate" if len(lines) > 2:
                lines.append(lines[-1])
            case "quote":
                fields[draw(st.integers(0, len(fields) - 1))] += draw(
                    st.sampled_from(('"', 'a"b', '"unterminated', '""'))
                )
            case "empty_line":
                lines.insert(draw(st.integers(1, len(lines))), "")
            case "blank_fields":
                fields = [""] * len(fields)
            case "huge_number":
                fields[draw(st.integers(0, len(fields) - 1))] = draw(
                    st.sampled_from(
                        (
                            "99999999999999999999",
                            "1e308",
                            "-1e400",
                            "NaN",
                            "inf",
                            "1.000.000.000.000",
                            "2147483648",
                            "-0",
                        )
                    )
                )
            case "random_text":
                fields[draw(st.integers(0, len(fields) - 1))] = draw(st.text(max_size=30))
            case "header_subset":
                keep = draw(st.sets(st.integers(0, len(PERSONNEL_HEADER) - 1), min_size=1))
                lines = [
                    delimiter.join(f for i, f in enumerate(line.split(delimiter)) if i in keep)
                    for line in lines
                ]
                fields = lines[target].split(delimiter)
            case "cr_only":
                lines = ["\r".join(lines)]
                target, fields = 0, lines[0].split(delimiter)
            case "bom_inside":
                fields[0] = "\ufeff" + fields[0]
            case "surrogate_text":
                fields[draw(st.integers(0, len(fields) - 1))] = "\U0001f600 \u200b \u2028"
        lines[target] = delimiter.join(fields)
    text = "\r\n".join(lines) + draw(st.sampled_from(("\r\n", "", "\r\n\r\n")))
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors="replace")


@FUZZ_SETTINGS
@given(content=damaged_files())
def test_damaged_files_are_refused_cleanly_or_imported_whole(
    base_store: Path, content: bytes
) -> None:
    with fresh_copy(base_store) as db:
        path = db.parent.parent / "export.csv"
        path.write_bytes(content)
        attempt(db, path)


@settings(FUZZ_SETTINGS, max_examples=int(_CAMPAIGN) if _CAMPAIGN else 60)
@given(
    content=st.binary(max_size=3000)
    | st.builds(
        lambda head, tail: head + tail,
        st.sampled_from((b"PK\x03\x04", b"PAR1", b"\xff\xfe", b"\xef\xbb\xbf", b"Stichtag;")),
        st.binary(max_size=2000),
    ),
    suffix=st.sampled_from((".csv", ".txt", ".xlsx", ".parquet", ".tsv", ".xls")),
)
def test_random_bytes_are_refused_cleanly(base_store: Path, content: bytes, suffix: str) -> None:
    with fresh_copy(base_store) as db:
        path = db.parent.parent / f"export{suffix}"
        path.write_bytes(content)
        attempt(db, path)


def whole(text: str) -> int:
    """A whole number as the contract reads it: '1.050' (thousands), '2025,0' (decimal comma)."""
    if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text):
        return int(text.replace(".", ""))
    value = float(text.replace(",", "."))
    assert value.is_integer()
    return int(value)


@settings(FUZZ_SETTINGS, max_examples=int(_CAMPAIGN) if _CAMPAIGN else 60)
@given(
    waves=st.lists(
        st.tuples(
            st.one_of(st.integers(1990, 2030).map(str), st.sampled_from(("", "2025,0", "x"))),
            st.one_of(
                st.integers(-5, 10**12).map(str),
                st.sampled_from(("", "1.050", "1,5", "2147483648", "99999999999999999999")),
            ),
        ),
        min_size=1,
        max_size=4,
    ),
    encoding=st.sampled_from(ENCODINGS),
)
def test_invited_counts_are_refused_cleanly_or_imported_exactly(
    base_store: Path, waves: list[tuple[str, str]], encoding: str
) -> None:
    with fresh_copy(base_store) as db:
        path = write_csv(
            db.parent.parent / "eingeladene.csv",
            ["Befragungsjahr", "Eingeladene"],
            [list(w) for w in waves],
            encoding=encoding,
        )
        outcome = attempt(db, path)
        if isinstance(outcome, ImportResult):
            # rows with every cell empty are skipped, as exports end with such lines
            expected = {whole(w): whole(i) for w, i in waves if w or i}
            with store.open_store(db) as con:
                assert (
                    dict(con.execute("SELECT wave, invited FROM survey_invited").fetchall())
                    == expected
                )


def test_applications_with_formula_text_and_long_ids_import_verbatim(base_store: Path) -> None:
    """Formula-like text is data like any other: stored as given, neutralised only on export."""
    rows = [
        ["15.03.2024", "B" * 100_000, '=HYPERLINK("http://x")', "BA", "w", "nein", "", "beworben"],
        ["16.03.2024", "B2", "@SUM(A1)", "", "m", "nein", "ja", "eingestellt"],
    ]
    header = [
        "Eingangsdatum",
        "Bewerber-ID",
        "Ausschreibung",
        "Träger",
        "Geschlecht",
        "Schwerbehinderung",
        "Führungsposition",
        "Verfahrensstand",
    ]
    with fresh_copy(base_store) as db:
        path = write_csv(db.parent.parent / "a.csv", header, rows, encoding="utf-8")
        assert isinstance(attempt(db, path), ImportResult)
        with store.open_store(db) as con:
            assert sorted(con.execute("SELECT posting_id FROM applications").fetchall()) == [
                ('=HYPERLINK("http://x")',),
                ("@SUM(A1)",),
            ]


def test_a_person_row_with_every_field_at_its_limit(base_store: Path) -> None:
    row = person(
        "P" + "9" * 999,
        weekly_hours="60",
        birth_year="1940",
        credit_factor="3",
        org_unit="Ü" * 5000,
    )
    with fresh_copy(base_store) as db:
        path = write_csv(db.parent.parent / "p.csv", PERSONNEL_HEADER, [row], encoding="utf-16")
        assert isinstance(attempt(db, path), ImportResult)


def test_write_csv_roundtrip_sanity() -> None:
    # the oracle's writer quotes what needs quoting
    buffer = io.StringIO(valid_text(2))
    assert buffer.getvalue().count("\r\n") == 3


# --- the reader's typed fast path judges every cell as the text path does ------------------------


# number- and date-like text near valid values: separators, fractions, signs, exponents, padding
def _numberish(low: int, high: int) -> st.SearchStrategy[str]:
    """Text near a valid number between low and high, and some that is not."""
    return st.one_of(
        st.builds(
            lambda sign, whole, fraction, exponent, pad: (
                f"{pad}{sign}{whole}{fraction}{exponent}{pad}"
            ),
            st.sampled_from(["", "", "", "+", "-"]),
            st.integers(low, high),
            st.sampled_from(["", "", ",5", ".5", ",0", ".0", ",000", ".000", ",25", ".250"]),
            st.sampled_from(["", "", "", "", "e1", "e0", "E2"]),
            st.sampled_from(["", "", "", " "]),
        ),
        st.text(alphabet="0123456789,.+-e ", max_size=9),
        st.sampled_from(["inf", "-inf", "nan", "1.000", "1,000", "1e3", "1980,0", "1.980"]),
    )


_DATEISH = st.one_of(
    st.builds(
        lambda d, m, y, form: form.format(d=d, m=m, y=y),
        st.integers(0, 32),
        st.integers(0, 13),
        st.sampled_from([24, 1999, 2010, 2024, 2999]),
        st.sampled_from(["{d:02}.{m:02}.{y}", "{d}.{m}.{y}", "{y}-{m:02}-{d:02}", " {d}.{m}.{y} "]),
    ),
    st.text(alphabet="0123456789.-: ", max_size=12),
)
_CELLS = {
    "weekly_hours": _numberish(0, 61),
    "full_time_hours": _numberish(0, 61),
    "birth_year": _numberish(1935, 2012),
    "credit_factor": _numberish(0, 4),
    "entry_date": _DATEISH,
    "date": _DATEISH,
}


def _outcome(path: Path, db: Path) -> tuple:
    """What an import makes of the file: the stored rows (without the keyed ids, whose key is
    per store) or the refusal's problems."""
    try:
        import_files([path], db, by=LOCAL_USER)
    except ImportRefused as refusal:
        problems = [(p.key, p.row, p.column, p.value) for p in refusal.problems]
        return ("refused", refusal.total, problems)
    columns = ", ".join(c for c in STORE_COLUMNS if c != "person_key")
    with store.open_store(db) as con:
        return ("stored", con.execute(f"SELECT {columns} FROM personnel ORDER BY ALL").fetchall())


# the spellings on which a typed reader and the text path most easily part
_RISKY_CELLS = [
    ("birth_year", "1990,5"),
    ("birth_year", "1.990"),
    ("birth_year", "1990,0"),
    ("birth_year", "1,99e3"),
    ("credit_factor", "2,5"),
    ("credit_factor", "2.000"),
    ("weekly_hours", "1.000"),
    ("weekly_hours", "19.5"),
    ("weekly_hours", "nan"),
    ("full_time_hours", " 39,0 "),
    ("entry_date", "2010-04-01"),
    ("entry_date", "1.4.10"),
    ("date", "2024-12-31"),
    ("date", "31.12.2024 00:00"),
]


@FUZZ_SETTINGS
@given(cell=st.one_of(*(st.tuples(st.just(c), values) for c, values in sorted(_CELLS.items()))))
def test_the_readers_typed_path_stores_and_refuses_exactly_as_the_text_path(
    cell: tuple[str, str],
) -> None:
    # one date or number cell varied, the rest valid: the reader's typed path (dates and numbers
    # parsed by read_csv) must give exactly what the text path gives, stored or refused
    from metrics.ingest import read

    column, value = cell
    rows = [person("P1", **{column: value}), person("P2", entry_date="1.1.2020")]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "p.csv", PERSONNEL_HEADER, rows)
        fast = _outcome(path, Path(tmp) / "fast" / "vielfalt.duckdb")
        text_only, read._reader_types = read._reader_types, lambda *_args: {}
        try:
            text = _outcome(path, Path(tmp) / "text" / "vielfalt.duckdb")
        finally:
            read._reader_types = text_only
    assert fast == text


for _cell in _RISKY_CELLS:
    test_the_readers_typed_path_stores_and_refuses_exactly_as_the_text_path = example(cell=_cell)(
        test_the_readers_typed_path_stores_and_refuses_exactly_as_the_text_path
    )
