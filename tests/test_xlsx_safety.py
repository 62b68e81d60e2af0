"""XLSX files are zips of XML: entity expansion (billion laughs), external entities (XXE) and zip
bombs are refused cleanly (ImportRefused, no hang, no traceback), by two independent layers: a
scan for DTDs before parsing, and openpyxl's defusedxml/lxml parsers themselves."""

from __future__ import annotations

import hashlib
import random
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl.xml
import openpyxl.xml.functions
import pytest

from metrics import store
from metrics.access import LOCAL_USER
from metrics.ingest import ImportRefused, import_files, limits, read

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
# ten levels of ten: 10^9 "ha" if expanded
BILLION_LAUGHS = (
    '<!DOCTYPE x [<!ENTITY l0 "ha">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


def workbook_xml(dtd: str = "", sheet_name: str = "Daten") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def sheet_xml(dtd: str = "", invited: str = "10") -> str:
    def text(value: str) -> str:
        return f'<c t="inlineStr"><is><t>{value}</t></is></c>'

    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{dtd}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{text("Befragungsjahr")}{text("Eingeladene")}</row>'
        f'<row r="2"><c><v>2025</v></c>{text(invited)}</row></sheetData></worksheet>'
    )


def write_xlsx(path: Path, workbook: str, sheet: str) -> Path:
    """An XLSX made by hand, part by part, so that the attack is exactly what we wrote."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "vielfalt.duckdb"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "etc-passwd"
    path.write_text("GEHEIM-XXE-MARKER")
    return path


def attacks(tmp_path: Path, secret_file: Path) -> dict[str, Path]:
    xxe = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
    return {
        "laughs in the sheet": write_xlsx(
            tmp_path / "a1.xlsx", workbook_xml(), sheet_xml(BILLION_LAUGHS, "&l9;")
        ),
        "laughs in the workbook": write_xlsx(
            tmp_path / "a2.xlsx", workbook_xml(BILLION_LAUGHS, "&l9;"), sheet_xml()
        ),
        "xxe in the sheet": write_xlsx(
            tmp_path / "a3.xlsx", workbook_xml(), sheet_xml(xxe, "&xxe;")
        ),
        "xxe in the workbook": write_xlsx(
            tmp_path / "a4.xlsx", workbook_xml(xxe, "&xxe;"), sheet_xml()
        ),
    }


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    # worksheets and shared strings are read with iterparse: defusedxml's, which forbids entities
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")
    if openpyxl.xml.LXML:
        # the other parts go through lxml with entity resolution switched off
        root = openpyxl.xml.functions.fromstring(b'<!DOCTYPE r [<!ENTITY e "EXPANDED">]><r>&e;</r>')
        assert "EXPANDED" not in (root.text or "")


def test_a_hand_made_workbook_imports(tmp_path: Path, db: Path) -> None:
    path = write_xlsx(tmp_path / "ok.xlsx", workbook_xml(), sheet_xml())
    [result] = import_files([path], db, kind="survey_invited", by=LOCAL_USER)
    assert result.rows == 1
    with store.open_store(db) as con:
        assert con.execute("SELECT * FROM survey_invited").fetchall() == [(2025, 10)]


@pytest.mark.parametrize("scan_first", [True, False], ids=["dtd-scan", "parsers-alone"])
def test_entity_attacks_are_refused_cleanly(
    tmp_path: Path,
    db: Path,
    secret_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    scan_first: bool,
) -> None:
    if not scan_first:
        # the second layer on its own: openpyxl's parsers must refuse too
        monkeypatch.setattr(read, "_declares_entities", lambda *_args: False)
    for attack, path in attacks(tmp_path, secret_file).items():
        with pytest.raises(ImportRefused) as caught:
            import_files([path], db, kind="survey_invited", by=LOCAL_USER)
        report = caught.value.report("de")
        assert "XML-Entitäten" in report, (attack, report)
        assert "GEHEIM" not in report
        assert not db.exists(), attack
    log = store.refusal_log_path(db).read_text(encoding="utf-8")
    assert "GEHEIM" not in log


def test_billion_laughs_neither_hangs_nor_eats_memory(tmp_path: Path, db: Path) -> None:
    """In a child process capped at 1 GiB and 60 s: a regression (entities expanded) fails the
    test instead of taking the machine down."""
    path = write_xlsx(tmp_path / "bomb.xlsx", workbook_xml(), sheet_xml(BILLION_LAUGHS, "&l9;"))

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1024**3 * 2, 1024**3 * 2))

    monkey_free = [
        sys.executable,
        "-c",
        (
            "import sys; import metrics.ingest.read as i;"
            " i._declares_entities = lambda *a: False;"  # the parsers alone must hold
            " from metrics.__main__ import main; sys.exit(main(sys.argv[1:]))"
        ),
        "import",
        "--db",
        str(db),
        "--kind",
        "survey_invited",
        str(path),
    ]
    completed = subprocess.run(
        monkey_free,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit_memory,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert completed.returncode == 1, completed.stderr
    assert "XML-Entitäten" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not db.exists()


def test_zip_bomb_is_refused_before_unpacking(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 8 MiB of one character packs to a few KB; thresholds scaled down to keep the test fast
    monkeypatch.setattr(limits, "_XLSX_RATIO_FLOOR_BYTES", 1024 * 1024)
    padding = "<!-- " + "x" * (8 * 1024 * 1024) + " -->"
    path = write_xlsx(tmp_path / "zip.xlsx", workbook_xml(), sheet_xml() + padding)
    assert path.stat().st_size < 100_000
    with pytest.raises(ImportRefused) as caught:
        import_files([path], db, kind="survey_invited", by=LOCAL_USER)
    assert "würde entpackt 9 MB groß" in caught.value.report("de")
    monkeypatch.setattr(limits, "XLSX_MAX_UNPACKED_BYTES", 1024)
    plain = write_xlsx(tmp_path / "plain.xlsx", workbook_xml(), sheet_xml())
    with pytest.raises(ImportRefused, match="Unpacked"):
        import_files([plain], db, kind="survey_invited", by=LOCAL_USER)


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken", b"\x00" * 100])
def test_files_that_are_no_xlsx_are_refused(tmp_path: Path, db: Path, content: bytes) -> None:
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as caught:
        import_files([path], db, by=LOCAL_USER)
    assert caught.value.file_name == "kaputt.xlsx"
    assert not db.exists()


def test_a_refused_xlsx_leaves_an_existing_store_byte_identical(
    tmp_path: Path, db: Path, secret_file: Path
) -> None:
    import_files([write_xlsx(tmp_path / "ok.xlsx", workbook_xml(), sheet_xml())], db, by=LOCAL_USER)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for path in attacks(tmp_path, secret_file).values():
        with pytest.raises(ImportRefused):
            import_files([path], db, by=LOCAL_USER)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def cells_sheet(*rows: str) -> str:
    body = "".join(f'<row r="{i}">{cells}</row>' for i, cells in enumerate(rows, start=1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


def text_cell(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


INVITED_HEADER = text_cell("Befragungsjahr") + text_cell("Eingeladene")


def test_formulas_count_with_the_value_excel_stored(tmp_path: Path, db: Path) -> None:
    sheet = cells_sheet(
        INVITED_HEADER,
        "<c><v>2024</v></c><c><f>5*2</f><v>10</v></c>",
        '<c t="str"><f>"20"&amp;"25"</f><v>2025</v></c><c><v>12</v></c>',
    )
    import_files([write_xlsx(tmp_path / "f.xlsx", workbook_xml(), sheet)], db, by=LOCAL_USER)
    with store.open_store(db) as con:
        assert con.execute("SELECT * FROM survey_invited ORDER BY 1").fetchall() == [
            (2024, 10),
            (2025, 12),
        ]


def test_a_formula_without_stored_value_is_refused_not_read_as_empty(
    tmp_path: Path, db: Path
) -> None:
    sheet = cells_sheet(
        INVITED_HEADER,
        "<c><v>2024</v></c><c><f>B3*2</f></c>",
        "<c><v>2025</v></c><c><v>12</v></c>",
    )
    with pytest.raises(ImportRefused) as caught:
        import_files([write_xlsx(tmp_path / "f.xlsx", workbook_xml(), sheet)], db, by=LOCAL_USER)
    assert (
        "Zeile 2, Spalte „Eingeladene“, Wert „=B3*2“: Formel ohne gespeicherten Wert"
        in caught.value.report("de")
    )


def test_an_error_cell_is_named_not_taken_for_an_empty_optional_cell(
    tmp_path: Path, db: Path
) -> None:
    header = "".join(
        text_cell(h)
        for h in (
            "Befragungsjahr",
            "Deutsch seit Geburt",
            "Selbst zugewandert",
            "Eltern nicht deutsch seit Geburt",
            "Eltern zugewandert",
            "Führungskraft",
        )
    )
    answers = "".join(text_cell(v) for v in ("2024", "ja", "nein", "0", "0"))
    sheet = cells_sheet(header, answers + '<c t="e"><v>#N/A</v></c>')
    with pytest.raises(ImportRefused) as caught:
        import_files([write_xlsx(tmp_path / "e.xlsx", workbook_xml(), sheet)], db, by=LOCAL_USER)
    assert "Zeile 2, Spalte „Führungskraft“, Wert „#N/A“" in caught.value.report("de")


def cell_bomb(path: Path, rows: int, columns: int = 50) -> Path:
    """A sheet of small numbers, under every size limit; openpyxl would build an object per
    cell. It packs about 10 : 1 (120,000 rows: 8.8 MiB, 92 MiB unpacked); the review's file
    packed 84 : 1 (12 MiB to 1,000 MiB), and the cells, not the ratio, are what costs."""
    numbers = random.Random(7)
    # values vary enough that deflate finds no long repeats, as in a real export
    block = "".join(
        "<row>"
        + "".join(f"<c><v>{numbers.randrange(100)}</v></c>" for _ in range(columns))
        + "</row>"
        for _ in range(1000)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml())
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            body = block.encode()
            for _ in range(rows // 1000):
                sheet.write(body)
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_a_sheet_of_millions_of_cells_is_refused_before_openpyxl_builds_them(
    tmp_path: Path, db: Path
) -> None:
    """5.5 million cells (about 8 MiB, ratio ~10, under every size limit): counted in the zip and
    refused, where openpyxl would take minutes and gigabytes in the server."""
    path = cell_bomb(tmp_path / "bombe.xlsx", rows=110_000)
    assert path.stat().st_size * 50 < 1024 * 1024 * 1024 and limits.XLSX_MAX_CELLS == 5_000_000
    with pytest.raises(ImportRefused) as caught:
        import_files([path], db, by=LOCAL_USER)
    assert "mehr als 5 Mio. Zellen" in caught.value.report("de")
    assert "more than 5 million cells" in caught.value.report("en")
    assert not db.exists()


def test_cells_are_counted_whatever_the_chunks_and_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "_CHUNK", 7)  # matches cut at every position
    rows = ['<x:c r="A1"><x:v>1</x:v></x:c><c/><c>', "<c\tr='B2'>", "<col min='1'/><cols>", "<cx>"]
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "".join(rows) * 3)
    with zipfile.ZipFile(path) as archive:
        assert read._count_cells(archive, archive.getinfo("xl/worksheets/sheet1.xml"), 100) == 12


def test_the_cell_cap_holds_while_reading_too(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "_count_cells", lambda archive, info, cap: 0)  # fooled
    monkeypatch.setattr(limits, "XLSX_MAX_CELLS", 3)
    path = write_xlsx(tmp_path / "x.xlsx", workbook_xml(), sheet_xml())
    with pytest.raises(ImportRefused, match="million cells"):
        import_files([path], db, kind="survey_invited", by=LOCAL_USER)
