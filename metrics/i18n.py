"""Every user-facing string, German and English, in one place; plus de-DE number formatting.

German is the default language. Keys are grouped by prefix (``import.``, ``cli.``, ...).
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["de", "en"]
LANGUAGES: tuple[Lang, ...] = ("de", "en")

TEXTS: dict[str, dict[Lang, str]] = {
    # --- import: file-level refusals -------------------------------------------------------
    "import.refused": {
        "de": "Datei „{file}“ wurde nicht importiert ({count} Problem(e)); der Datenbestand "
        "bleibt unverändert.",
        "en": "File “{file}” was not imported ({count} problem(s)); the store is unchanged.",
    },
    "import.more_problems": {
        "de": "… und {count} weitere Probleme.",
        "en": "… and {count} more problems.",
    },
    "import.problem_row": {
        "de": "Zeile {row}, Spalte „{column}“, Wert „{value}“: {expected}",
        "en": "Row {row}, column “{column}”, value “{value}”: {expected}",
    },
    "import.problem_column": {
        "de": "Spalte „{column}“: {expected}",
        "en": "Column “{column}”: {expected}",
    },
    "import.problem_file": {"de": "{expected}", "en": "{expected}"},
    "import.empty_file": {
        "de": "Die Datei ist leer (keine Kopfzeile oder keine Datenzeilen).",
        "en": "The file is empty (no header or no data rows).",
    },
    "import.unreadable": {
        "de": "Die Datei kann nicht gelesen werden: {detail}",
        "en": "The file cannot be read: {detail}",
    },
    "import.unsupported_format": {
        "de": "Dateiformat „{suffix}“ wird nicht unterstützt; erwartet: CSV, XLSX oder Parquet.",
        "en": "File format “{suffix}” is not supported; expected: CSV, XLSX or Parquet.",
    },
    "import.nul_bytes": {
        "de": "Zeile {row} enthält NUL-Bytes; die Datei ist beschädigt oder keine Textdatei.",
        "en": "Row {row} contains NUL bytes; the file is damaged or not a text file.",
    },
    "import.ragged_row": {
        "de": "Zeile {row} hat {found} Spalten, die Kopfzeile hat {expected}.",
        "en": "Row {row} has {found} columns, the header has {expected}.",
    },
    "import.csv_structure": {
        "de": "Zeile {row}: die CSV-Struktur ist fehlerhaft ({detail}).",
        "en": "Row {row}: the CSV structure is broken ({detail}).",
    },
    "import.unknown_kind": {
        "de": "Art der Datei nicht erkannt: die Kopfzeile passt zu keiner Quelle. Am nächsten "
        "kommt „{source}“; es fehlen: {missing}.",
        "en": "Kind of file not recognised: the header matches no source. Closest is "
        "“{source}”; missing: {missing}.",
    },
    "import.direct_identifier": {
        "de": "enthält direkte Personenmerkmale; Dateien mit Namen, Geburtsdatum, Anschrift, "
        "Kontakt- oder Steuerdaten werden nicht angenommen (Datenminimierung an der Quelle).",
        "en": "holds direct identifiers; files with names, birth date, address, contact or tax "
        "data are refused (data minimisation at the source).",
    },
    "import.duplicate_column": {
        "de": "kommt mehrfach vor (auch als „{other}“).",
        "en": "occurs more than once (also as “{other}”).",
    },
    "import.missing_column": {
        "de": "Pflichtspalte fehlt (erlaubte Überschriften: {aliases}).",
        "en": "required column is missing (accepted headers: {aliases}).",
    },
    "import.too_large": {
        "de": "Die Datei ist {size} MB groß; im Browser sind höchstens {limit} MB erlaubt.",
        "en": "The file is {size} MB; the browser upload limit is {limit} MB.",
    },
    # --- import: cell-level expectations ----------------------------------------------------
    "expect.required": {"de": "Pflichtfeld ist leer", "en": "required value is empty"},
    "expect.date": {
        "de": "erwartet ein Datum TT.MM.JJJJ oder JJJJ-MM-TT",
        "en": "expected a date DD.MM.YYYY or YYYY-MM-DD",
    },
    "expect.int": {"de": "erwartet eine ganze Zahl", "en": "expected a whole number"},
    "expect.decimal": {
        "de": "erwartet eine Zahl (z. B. 19,5)",
        "en": "expected a number (e.g. 19.5)",
    },
    "expect.bool": {
        "de": "erwartet ja/nein (auch j/n, 1/0, x/leer)",
        "en": "expected yes/no (ja/nein, j/n, 1/0, x/empty)",
    },
    "expect.code": {"de": "erwartet einen von: {codes}", "en": "expected one of: {codes}"},
    "expect.range": {
        "de": "erwartet einen Wert von {minimum} bis {maximum}",
        "en": "expected a value from {minimum} to {maximum}",
    },
    "expect.at_least": {
        "de": "erwartet einen Wert ab {minimum}",
        "en": "expected a value of at least {minimum}",
    },
    "expect.positive": {"de": "erwartet einen Wert größer 0", "en": "expected a value above 0"},
    "expect.future_date": {
        "de": "Datum liegt in der Zukunft",
        "en": "date is in the future",
    },
    "expect.future_wave": {
        "de": "Befragungsjahr liegt in der Zukunft",
        "en": "survey year is in the future",
    },
    "expect.birth_year": {
        "de": "erwartet ein Geburtsjahr von {minimum} bis Stichtagsjahr − 14 ({maximum})",
        "en": "expected a birth year from {minimum} to reporting year − 14 ({maximum})",
    },
    "expect.duplicate_person": {
        "de": "dieselbe Person ist zum Stichtag {date} mehrfach enthalten (auch Zeile {first})",
        "en": "the same person appears more than once at reporting date {date} (also row {first})",
    },
    "expect.duplicate_wave": {
        "de": "Befragungsjahr ist mehrfach enthalten (auch Zeile {first})",
        "en": "survey year appears more than once (also row {first})",
    },
    # --- import: success --------------------------------------------------------------------
    "import.done": {
        "de": "„{file}“: {rows} Zeilen {kind} importiert ({coverage}); {replaced} vorhandene "
        "Zeilen ersetzt.",
        "en": "“{file}”: imported {rows} rows of {kind} ({coverage}); replaced {replaced} "
        "existing rows.",
    },
    "import.unknown_columns": {
        "de": "Nicht verwendete Spalten ignoriert: {columns}",
        "en": "Unused columns ignored: {columns}",
    },
    "import.demo_replaced": {
        "de": "Der Bestand enthielt Demodaten; sie wurden durch die importierten Daten ersetzt.",
        "en": "The store held demo data; it has been replaced by the imported data.",
    },
    "import.progress": {"de": "{file}: {step}", "en": "{file}: {step}"},
    "progress.reading": {"de": "lese Datei", "en": "reading file"},
    "progress.decoding": {"de": "wandle Zeichenkodierung um", "en": "converting encoding"},
    "progress.parsing": {"de": "lese Zeilen", "en": "parsing rows"},
    "progress.validating": {"de": "prüfe Werte", "en": "validating values"},
    "progress.writing": {"de": "schreibe in den Datenbestand", "en": "writing to the store"},
    # --- import: preview, hardening, batch checks (Data page) ------------------------------
    "import.preview": {
        "de": "„{file}“: {rows} Zeilen {kind} ({coverage}).",
        "en": "“{file}”: {rows} rows of {kind} ({coverage}).",
    },
    "import.preview_replaces": {
        "de": "{coverage}: {rows} Zeilen; ersetzt die {replaced} Zeilen, die der Bestand dazu "
        "jetzt enthält.",
        "en": "{coverage}: {rows} rows; replaces the {replaced} rows the store now holds for it.",
    },
    "import.preview_new": {
        "de": "{coverage}: {rows} Zeilen; der Bestand enthält dazu noch nichts.",
        "en": "{coverage}: {rows} rows; the store holds nothing for it yet.",
    },
    "import.preview_demo": {
        "de": "Der Bestand enthält Demodaten; sie werden beim Import vollständig ersetzt.",
        "en": "The store holds demo data; the import replaces it entirely.",
    },
    "import.xlsx_entities": {
        "de": "Die XLSX-Datei enthält XML-Entitäten (DTD) und wird aus Sicherheitsgründen nicht "
        "geöffnet. Bitte in Excel neu speichern oder als CSV exportieren.",
        "en": "The XLSX file contains XML entities (DTD) and is not opened for security reasons. "
        "Please save it again in Excel or export CSV.",
    },
    "import.xlsx_too_large": {
        "de": "Die XLSX-Datei würde entpackt {size} MB groß – weit mehr als eine Tabelle dieser "
        "Größe; sie wird nicht geöffnet. Bitte als CSV exportieren.",
        "en": "Unpacked, the XLSX file would take {size} MB, far more than a spreadsheet of its "
        "size; it is not opened. Please export CSV.",
    },
    "import.xlsx_unsafe_reader": {
        "de": "XLSX-Dateien können auf diesem Server nicht sicher gelesen werden (defusedxml "
        "fehlt). Bitte als CSV exportieren und die IT informieren.",
        "en": "XLSX files cannot be read safely on this server (defusedxml is missing). Please "
        "export CSV and tell IT.",
    },
    "import.internal_error": {
        "de": "Beim Lesen ist ein interner Fehler aufgetreten ({detail}). Der Datenbestand ist "
        "unverändert; bitte die Datei an die IT weitergeben.",
        "en": "An internal error occurred while reading ({detail}). The store is unchanged; "
        "please pass the file on to IT.",
    },
    "import.store_rejected": {
        "de": "Der Datenbestand hat die Zeilen nicht angenommen: {detail}",
        "en": "The store did not accept the rows: {detail}",
    },
    "expect.too_large": {
        "de": "Zahl ist zu groß (höchstens 2.147.483.647)",
        "en": "number is too large (at most 2,147,483,647)",
    },
    "expect.duplicate_person_in_file": {
        "de": "dieselbe Person ist zum Stichtag {date} auch in „{other}“ enthalten (Zeile {first})",
        "en": "the same person at reporting date {date} is also in “{other}” (row {first})",
    },
    "expect.duplicate_wave_in_file": {
        "de": "Befragungsjahr ist auch in „{other}“ enthalten (Zeile {first})",
        "en": "survey year is also in “{other}” (row {first})",
    },
    # --- data management (Data page backend) -----------------------------------------------
    "data.coverage.personnel": {"de": "Stichtag {value}", "en": "reporting date {value}"},
    "data.coverage.applications": {"de": "Eingangsjahr {value}", "en": "application year {value}"},
    "data.coverage.survey": {"de": "Befragungswelle {value}", "en": "survey wave {value}"},
    "data.coverage.survey_invited": {
        "de": "Eingeladene der Welle {value}",
        "en": "invited to wave {value}",
    },
    "data.deleted_file_name": {"de": "(gelöscht)", "en": "(deleted)"},
    "data.manual_entry_file_name": {"de": "(Eingabe)", "en": "(manual entry)"},
    "data.edit_refused": {
        "de": "Die Eingabe wurde nicht übernommen ({count} Problem(e)); der Datenbestand bleibt "
        "unverändert.",
        "en": "The entry was not saved ({count} problem(s)); the store is unchanged.",
    },
    "data.problem_input": {
        "de": "{column} „{value}“: {expected}",
        "en": "{column} “{value}”: {expected}",
    },
    "data.demo_store": {
        "de": "Der Bestand enthält Demodaten; Eingaben sind erst nach dem Import echter Daten "
        "möglich.",
        "en": "The store holds demo data; entries are possible once real data has been imported.",
    },
    # --- CLI --------------------------------------------------------------------------------
    "cli.demo_built": {
        "de": "Demo-Datenbestand erstellt: {db} ({seconds:.1f} s; Exporte in {exports}).",
        "en": "Demo store built: {db} ({seconds:.1f} s; exports in {exports}).",
    },
    "cli.store_error": {"de": "Fehler im Datenbestand: {detail}", "en": "Store error: {detail}"},
}


def t(key: str, lang: Lang = "de", **params: object) -> str:
    """The text for key in lang, with params filled in; German when no English text exists."""
    texts = TEXTS[key]
    template = texts.get(lang) or texts["de"]
    return template.format(**params) if params else template


def format_number(value: float | int | None, lang: Lang = "de", decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (de) or '1,234.5' (en); None -> '–'."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
