"""The Daten page in AppTest (the real app script in-process, the real importer and store): the
file uploader's own texts in the page's language, an upload's sample rows and data quality for
the data roles before and after the import, and the import log after a deletion."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from metrics import app_support, store
from metrics.access import LOCAL_USER
from metrics.ingest import delete_coverage, import_files, load_secret, pseudonym_key, set_invited
from metrics.safe_text import markdown_literal
from tests.exports import PERSONNEL_HEADER, person, personnel_population, write_csv

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = Path(__file__).resolve().parents[1] / "pages" / "data.py"
BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    db = tmp_path / "store" / "vielfalt.duckdb"
    db.parent.mkdir()
    with duckdb.connect(str(db)) as con:
        store.create_schema(con)
    return db


def data_page(db: Path, lang: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["lang"] = lang
    app.run()
    app.switch_page("pages/data.py").run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def data_page_alone(
    db: Path, lang: str, monkeypatch: pytest.MonkeyPatch, *, groups: list[str] | None = None
) -> AppTest:
    """The Daten page on its own, run as app.py's navigation runs it. Through app.py, AppTest's
    legacy router (the repository has a pages/ folder) sends every run of a page through the
    app's deep-link switch (app_support.require_navigation), and a page switch drops what was
    just uploaded. With `groups`, a signed-in user of those groups (settings.toml [access])."""
    monkeypatch.setenv(store.DB_ENV_VAR, str(db))
    script = (
        "import runpy\nfrom metrics import app_support as ui\n"
        f"with ui.navigation_run():\n    runpy.run_path({str(PAGE)!r})\n"
    )
    app = AppTest.from_string(script, default_timeout=120)
    if groups is not None:
        app.secrets["auth"] = {
            "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
            "cookie_secret": "test",
            "client_id": "vielfaltsmonitor",
            "client_secret": "test",
            "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
        }
        app.user = {"is_logged_in": True, "sub": "u-1", "name": "Test", "groups": groups}
    app.session_state["lang"] = lang
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def uploader_style(app: AppTest) -> str:
    [style] = [
        block.proto.body
        for block in app.get("html")
        if "stFileUploaderDropzoneInstructions" in block.proto.body
    ]
    return style


@pytest.mark.parametrize(
    ("lang", "button", "instructions"),
    [
        ("de", "Durchsuchen", "oder hierher ziehen · höchstens 50 MB je Datei"),
        ("en", "Browse", "or drag here · at most 50 MB per file"),
    ],
)
def test_the_uploader_speaks_the_page_language_and_states_the_real_limit(
    db: Path, lang: str, button: str, instructions: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = data_page(db, lang, monkeypatch)
    style = uploader_style(app)
    assert f'content:"{button}"' in style
    assert f'content:"{instructions} · CSV, TXT, TSV, XLSX, PARQUET"' in style
    # the limit the widget enforces (server.maxUploadSize) is the one the page states
    [uploader] = app.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == store.UPLOAD_LIMIT_MB == 50
    limit = "höchstens 50 MB je Datei" if lang == "de" else "at most 50 MB per file"
    assert any(limit in caption.value for caption in app.caption)


def test_the_uploader_style_targets_what_the_installed_streamlit_renders() -> None:
    """The style hides Streamlit's own texts by its test ids: an upgrade that renames one, or
    changes the texts, fails here instead of showing English again."""
    style = app_support.uploader_css("de", 50, ["csv"])
    bundle = "\n".join(path.read_text("utf-8") for path in BUNDLE.glob("*.js"))
    for test_id in set(re.findall(r"data-testid='([A-Za-z]+)'", style)):
        assert f"`{test_id}`" in bundle or f'"{test_id}"' in bundle, test_id
    [uploader] = [p.read_text("utf-8") for p in BUNDLE.glob("FileUploader.*.js")]
    for english in ("per file", "`Upload`", "Drag and drop files here"):
        assert english in uploader, english
    # our texts are CSS strings: quotes, backslashes and markup cannot leave them
    assert app_support._css_string('a"b\\c</style>') == '"a\\"b\\\\c\\3C /style>"'


RAW_IDS = ["P000001", "P000002", *(f"Q{i:06d}" for i in range(6))]


def export(tmp_path: Path) -> Path:
    rows = [
        person(RAW_IDS[0], "30.11.2025", gender="weiblich", carrier="Agentur für Arbeit"),
        person(RAW_IDS[1], "30.11.2025", disability="schwerbehindert", credit_factor="2"),
        *(person(raw_id, "30.11.2025") for raw_id in RAW_IDS[2:]),
    ]
    return write_csv(tmp_path / "personal_november.csv", PERSONNEL_HEADER, rows)


def rendered_text(app: AppTest) -> str:
    parts = [e.value for e in (*app.markdown, *app.caption, *app.success, *app.warning)]
    parts += [e.label for e in app.expander]
    for frame in app.dataframe:
        value: pd.DataFrame = frame.value
        parts += [" ".join(map(str, value.columns)), value.to_string()]
    return "\n".join(str(p) for p in parts)


def test_an_upload_shows_its_sample_and_data_quality_before_and_after_the_import(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = export(tmp_path)
    app = data_page_alone(db, "de", monkeypatch)
    app.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    labels = [e.label for e in app.expander]
    # labels as written (a file name is no Markdown)
    sample_label = markdown_literal(
        "„personal_november.csv“: die ersten 5 Zeilen, wie sie gespeichert werden"
    )
    quality_label = markdown_literal("„personal_november.csv“: Datenqualität je Spalte")
    assert sample_label in labels and quality_label in labels
    frames = {tuple(f.value.columns): f.value for f in app.dataframe}
    sample = next(v for columns, v in frames.items() if "Geschlecht (gender)" in columns)
    quality = next(v for columns, v in frames.items() if "Gelesen als" in columns)
    secret = load_secret(db)
    assert sample["Pseudonym (person_id)"].tolist()[:2] == [
        pseudonym_key(secret, RAW_IDS[0]),
        pseudonym_key(secret, RAW_IDS[1]),
    ]
    assert set(sample["Schwerbehinderung (disability)"]) == {"•"}
    assert sample["Träger (carrier)"].tolist()[0] == "BA"
    row = quality.set_index("Spalte").loc["Geschlecht (gender)"]
    assert (row["Werte"], row["Gelesen als"]) == ("w 8", "weiblich → w")
    assert quality.set_index("Spalte").loc["Schwerbehinderung (disability)", "Werte"] == "•"
    # the raw ids of the file appear nowhere on the page (CONTRACT § 1: only the pseudonym)
    shown = rendered_text(app)
    assert [raw_id for raw_id in RAW_IDS if raw_id in shown] == []

    [confirm] = [b for b in app.button if b.label == "Jetzt importieren"]
    confirm.click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert any("8 Zeilen Personalbestand importiert" in s.value for s in app.success)
    after = markdown_literal("Importiert: Datenqualität von „personal_november.csv“")
    assert after in [e.label for e in app.expander]
    assert sample_label not in [e.label for e in app.expander]  # the preview is closed
    log = next(f.value for f in app.dataframe if "Prüfsumme (SHA-256)" in f.value.columns)
    assert log["Datei"].tolist() == ["personal_november.csv"]


def test_only_the_data_roles_see_the_upload_and_with_it_the_sample(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample and the data quality belong to the upload, which the page offers only to
    those who may change data: the representatives read the holdings and the log."""
    path = export(tmp_path)
    maintenance = data_page_alone(db, "de", monkeypatch, groups=["vielfaltsmonitor-datenpflege"])
    maintenance.file_uploader[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not maintenance.error, [e.value for e in maintenance.error]
    assert any("Datenqualität" in e.label for e in maintenance.expander)
    council = data_page_alone(db, "de", monkeypatch, groups=["vielfaltsmonitor-personalrat"])
    assert not council.error, [e.value for e in council.error]
    assert council.get("file_uploader") == []
    assert not [e.label for e in council.expander if "personal" in e.label]
    assert "Importprotokoll" in [s.value for s in council.subheader]


def test_the_page_reads_its_log_after_a_deletion_and_a_typed_in_count(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It failed as a whole ("unexpected error") once the log held a deletion; and a store
    holding only invited counts offered an empty deletion choice that failed too."""
    personnel = personnel_population(6, "31.10.2025")
    import_files([write_csv(tmp_path / "p.csv", PERSONNEL_HEADER, personnel)], db, by=LOCAL_USER)
    delete_coverage(db, "personnel", ["31.10.2025"], by=LOCAL_USER)
    set_invited(db, 2024, 1066, by=LOCAL_USER)
    for lang, column, outcomes in (
        ("de", "Ergebnis", ["geändert", "gelöscht", "importiert"]),
        ("en", "Outcome", ["changed", "deleted", "imported"]),
    ):
        app = data_page(db, lang, monkeypatch)
        assert not app.error, [e.value for e in app.error]
        log = next(f.value for f in app.dataframe if column in f.value.columns)
        assert log[column].tolist() == outcomes
