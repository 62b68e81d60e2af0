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
        "de": "Datei „{file}“ wurde nicht importiert ({problems}); der Datenbestand bleibt "
        "unverändert.",
        "en": "File “{file}” was not imported ({problems}); the store is unchanged.",
    },
    "import.one_problem": {"de": "1 Problem", "en": "1 problem"},
    "import.problems": {"de": "{count} Probleme", "en": "{count} problems"},
    "import.more_problems": {
        "de": "… und {count} weitere Probleme.",
        "en": "… and {count} more problems.",
    },
    "import.problem_row": {
        "de": "Zeile {row}, Spalte „{column}“, Wert „{value}“: {expected}",
        "en": "Row {row}, column “{column}”, value “{value}”: {expected}",
    },
    "import.problem_row_withheld": {
        "de": "Zeile {row}, Spalte „{column}“ (Wert nicht gezeigt: geschützte Spalte): {expected}",
        "en": "Row {row}, column “{column}” (value not shown: protected column): {expected}",
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
        "de": "wiederholt Zeile {first} (gleiches Pseudonym und Stichtag {date})",
        "en": "repeats row {first} (same pseudonym and reporting date {date})",
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
    "import.done_new": {
        "de": "„{file}“: {rows} Zeilen {kind} importiert ({coverage}).",
        "en": "“{file}”: imported {rows} rows of {kind} ({coverage}).",
    },
    "import.unknown_columns": {
        "de": "Nicht verwendete Spalten ignoriert: {columns}",
        "en": "Unused columns ignored: {columns}",
    },
    "import.absent_columns": {
        "de": "Ohne Spalte {columns}: die Datei sagt darüber nichts. Kennzahlen, die darauf "
        "beruhen, zeigen für ihre Stichtage „keine Daten“ statt eines Werts.",
        "en": "Without column {columns}: the file says nothing about it. KPIs that rest on it "
        "show “no data” for its reporting dates instead of a value.",
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
    "import.too_demanding_memory": {
        "de": "Das Prüfen der Datei brauchte mehr als {memory} GB Arbeitsspeicher und wurde "
        "abgebrochen; der Datenbestand bleibt unverändert. Bitte die Datei teilen oder als CSV "
        "exportieren.",
        "en": "Checking the file took more than {memory} GB of memory and was stopped; the store "
        "is unchanged. Please split the file or export it as CSV.",
    },
    "import.too_demanding": {
        "de": "Das Prüfen der Datei wurde abgebrochen (mehr als {cpu} s Rechenzeit oder ein "
        "Absturz); der Datenbestand bleibt unverändert. Bitte die Datei teilen oder als CSV "
        "exportieren.",
        "en": "Checking the file was stopped (more than {cpu} s of CPU time, or a crash); the "
        "store is unchanged. Please split the file or export it as CSV.",
    },
    "import.xlsx_too_many_cells": {
        "de": "Die XLSX-Datei enthält mehr als {millions} Mio. Zellen – mehr, als eine Datei "
        "hier haben darf; sie wird nicht geöffnet. Bitte als CSV exportieren oder in mehrere "
        "Dateien teilen.",
        "en": "The XLSX file holds more than {millions} million cells, more than a file may "
        "have here; it is not opened. Please export it as CSV or split it into several files.",
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
    "expect.formula_without_value": {
        "de": "Formel ohne gespeicherten Wert; bitte die Datei in Excel öffnen und speichern",
        "en": "formula without a stored value; please open and save the file in Excel",
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
        "de": "Die Eingabe wurde nicht übernommen ({problems}); der Datenbestand bleibt "
        "unverändert.",
        "en": "The entry was not saved ({problems}); the store is unchanged.",
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
    "data.template.sheet_data": {"de": "Daten", "en": "Data"},
    "data.template.sheet_help": {"de": "Erläuterung", "en": "Explanation"},
    "data.template.column": {"de": "Spalte", "en": "Column"},
    "data.template.required": {"de": "Pflicht", "en": "Required"},
    "data.template.type": {"de": "Typ", "en": "Type"},
    "data.template.values": {"de": "Erlaubte Werte", "en": "Allowed values"},
    "data.template.aliases": {
        "de": "Auch akzeptierte Überschriften",
        "en": "Also accepted headers",
    },
    "data.template.yes": {"de": "ja", "en": "yes"},
    "data.template.no": {"de": "nein", "en": "no"},
    "data.template.no_default": {"de": "nein (leer = {default})", "en": "no (empty = {default})"},
    "data.template.range": {"de": "{minimum} bis {maximum}", "en": "{minimum} to {maximum}"},
    "data.template.at_least": {"de": "ab {minimum}", "en": "at least {minimum}"},
    "data.template.type_date": {
        "de": "Datum (TT.MM.JJJJ oder JJJJ-MM-TT)",
        "en": "date (DD.MM.YYYY or YYYY-MM-DD)",
    },
    "data.template.type_text": {"de": "Text", "en": "text"},
    "data.template.type_int": {"de": "ganze Zahl", "en": "whole number"},
    "data.template.type_decimal": {
        "de": "Zahl (Komma oder Punkt)",
        "en": "number (comma or point)",
    },
    "data.template.type_bool": {
        "de": "ja/nein (auch j/n, 1/0, x/leer)",
        "en": "yes/no (ja/nein, j/n, 1/0, x/empty)",
    },
    "data.template.type_code": {
        "de": "Code (Groß-/Kleinschreibung egal)",
        "en": "code (case does not matter)",
    },
    "data.template.type_pseudonym": {
        "de": "Pseudonym (gespeichert wird nur sein Schlüssel-Hash)",
        "en": "pseudonym (stored only as a keyed hash)",
    },
    # --- app shell -----------------------------------------------------------------------------
    "app.language": {"de": "Sprache", "en": "Language"},
    "app.planning": {
        "de": "Die Veröffentlichung wird geplant: Die Datenschutzprüfung läuft einmal je "
        "Datenstand und Jahr …",
        "en": "Planning the release: the disclosure check runs once per data state and year …",
    },
    "app.building_demo": {
        "de": "Kein Datenbestand gefunden – der Demo-Datenbestand wird erstellt …",
        "en": "No store found – building the demo store …",
    },
    "app.local_only_banner": {
        "de": "Ohne Anmeldung – nur lokal auf diesem Rechner.",
        "en": "Without login – local to this computer only.",
    },
    "app.local_only_refused": {
        "de": "Der Vielfaltsmonitor zeigt keine Daten: Er ist ohne Anmeldung eingerichtet, aber "
        "unter der Adresse {address} erreichbar, also von anderen Rechnern aus. Ohne Anmeldung "
        "darf er nur auf 127.0.0.1 laufen (server.address in .streamlit/config.toml); für den "
        "Betrieb im Netz richten Sie die Anmeldung ein (README, „Anmeldung“).",
        "en": "Vielfaltsmonitor shows no data: it is set up without login but reachable at "
        "{address}, that is from other computers. Without login it may only run on 127.0.0.1 "
        "(server.address in .streamlit/config.toml); to serve a network, set up the login "
        "(README, “Login”).",
    },
    "app.proxy_refused": {
        "de": "Der Vielfaltsmonitor zeigt keine Daten: Er ist ohne Anmeldung eingerichtet, aber "
        "diese Anfrage kam über einen Reverse-Proxy oder unter einem anderen Namen als 127.0.0.1 "
        "({header}), also womöglich von anderen Rechnern. Ohne Anmeldung dient er nur einer "
        "Person direkt auf diesem Rechner; für den Betrieb im Netz richten Sie zuerst die "
        "Anmeldung ein (README, „Anmeldung“; docs/deploy.md).",
        "en": "Vielfaltsmonitor shows no data: it is set up without login, but this request came "
        "through a reverse proxy or under a name other than 127.0.0.1 ({header}), so possibly "
        "from other computers. Without login it serves one person directly on this computer; to "
        "serve a network, set up the login first (README, “Login”; docs/deploy.md).",
    },
    "app.login_text": {
        "de": "Bitte melden Sie sich mit Ihrem Dienstkonto an.",
        "en": "Please sign in with your work account.",
    },
    "app.login_button": {"de": "Anmelden", "en": "Sign in"},
    "app.logout": {"de": "Abmelden", "en": "Sign out"},
    "app.signed_in_as": {"de": "Angemeldet: {name}", "en": "Signed in: {name}"},
    "app.no_role": {
        "de": "Sie sind als {name} angemeldet, haben aber keine Rolle im Vielfaltsmonitor. Die "
        "Rollen vergibt Ihre Administration über die Gruppen Ihres Kontos.",
        "en": "You are signed in as {name} but hold no role in Vielfaltsmonitor. Your "
        "administrators give roles through your account's groups.",
    },
    "app.not_allowed": {
        "de": "Diese Seite oder Aktion ist für Ihre Rolle nicht freigegeben.",
        "en": "Your role does not allow this page or action.",
    },
    "app.demo_banner": {
        "de": "**Demodaten:** Alle Zahlen sind synthetisch und dienen nur der Vorführung. Echte "
        "Exporte können unter „Daten“ importiert werden.",
        "en": "**Demo data:** all figures are synthetic, for demonstration only. Real exports can "
        "be imported under “Data”.",
    },
    "app.status": {"de": "Stand: {date}", "en": "Data as of {date}"},
    "app.status_empty": {"de": "Noch keine Personaldaten", "en": "No personnel data yet"},
    "app.filters": {"de": "Auswahl", "en": "Selection"},
    "app.year": {"de": "Jahr", "en": "Year"},
    "app.carrier": {"de": "Träger", "en": "Carrier"},
    "app.all_carriers": {"de": "Alle Träger", "en": "All carriers"},
    "app.breakdown": {"de": "Aufschlüsseln nach", "en": "Break down by"},
    "app.no_breakdown": {"de": "keine Aufschlüsselung", "en": "no breakdown"},
    "app.store_error": {
        "de": "Der Datenbestand kann nicht geöffnet werden: {detail}",
        "en": "The store cannot be opened: {detail}",
    },
    "app.unexpected_error": {
        "de": "Diese Ansicht konnte nicht erstellt werden. Die Einzelheiten stehen im "
        "Server-Protokoll; bitte die IT informieren.",
        "en": "This view could not be built. The details are in the server log; please tell IT.",
    },
    "app.start_title": {
        "de": "Willkommen beim Vielfaltsmonitor",
        "en": "Welcome to Vielfaltsmonitor",
    },
    "app.start_text": {
        "de": "Der Datenbestand enthält noch keine Personaldaten. Importieren Sie die Exporte "
        "Ihres Personalsystems unter „Daten“ – oder sehen Sie sich zuerst die Demo an.",
        "en": "The store holds no personnel data yet. Import the exports of your HR system under "
        "“Data” – or look at the demo first.",
    },
    "app.start_demo": {"de": "Demo-Datenbestand laden", "en": "Load the demo store"},
    "app.start_import": {
        "de": "Zu „Daten“: Exporte importieren",
        "en": "Go to “Data”: import exports",
    },
    "app.show_data": {"de": "Daten als Tabelle", "en": "Data as a table"},
    "app.download_csv": {"de": "CSV herunterladen", "en": "Download CSV"},
    "app.download_png": {"de": "Grafik als PNG", "en": "Chart as PNG"},
    "app.png_unavailable": {
        "de": "Grafik als PNG: auf diesem Server nicht möglich (Chromium fehlt, "
        "apt-get install chromium).",
        "en": "Chart as PNG: not available on this server (Chromium missing, "
        "apt-get install chromium).",
    },
    "app.target": {"de": "Ziel", "en": "Target"},
    "app.nothing_to_draw": {
        "de": "Für diese Auswahl ist kein Wert veröffentlichbar: Die Gruppen sind zu klein "
        "oder werden zum Schutz anderer zurückgehalten. Eine andere Aufschlüsselung, ein "
        "anderer Träger oder ein anderes Jahr zeigt mehr.",
        "en": "No value can be published for this selection: the groups are too small or are "
        "withheld to protect others. Another breakdown, carrier or year shows more.",
    },
    "chart.sparkline": {"de": "Verlauf", "en": "Trend"},
    "chart.withheld": {
        "de": "nicht ausgewiesen (Datenschutz)",
        "en": "not shown (confidentiality)",
    },
    # the caption of a chart's picture (PNG download): view, dates, source
    "chart.trend_subtitle": {
        "de": "{carrier} · Stichtage {first} bis {last}",
        "en": "{carrier} · reporting dates {first} to {last}",
    },
    "chart.applications_subtitle": {
        "de": "{carrier} · Bewerbungen des Jahres {year}",
        "en": "{carrier} · applications of {year}",
    },
    "chart.source": {
        "de": "Quelle: Vielfaltsmonitor, {sources}",
        "en": "Source: Diversity monitor, {sources}",
    },
    "app.previous_year": {"de": "ggü. Vorjahr", "en": "vs previous year"},
    "app.suppressed_note": {
        "de": "„< {k}“: Wert beruht auf weniger als {k} Personen. „•“: aus Datenschutzgründen "
        "nicht ausgewiesen, weil sich zusammen mit anderen veröffentlichten Zahlen auf wenige "
        "Personen schließen ließe.",
        "en": "“< {k}”: value based on fewer than {k} persons. “•”: withheld for "
        "confidentiality, since together with other published figures it would reveal a few "
        "persons.",
    },
    "app.gender_assigned_note": {
        "de": "Personen mit dem Geschlecht „divers“ oder „ohne Angabe“ sind in diesem Jahr so "
        "wenige, dass sie für die Veröffentlichung zufällig (je Person und Jahr fest) Frauen "
        "oder Männern zugeordnet sind, wie es das Statistische Bundesamt in solchen Fällen "
        "tut; ihre Zahl wird nicht ausgewiesen.",
        "en": "Persons of gender “diverse” or “not stated” are so few this year that for "
        "publication each is assigned at random (fixed per person and year) to women or men, "
        "as the Federal Statistical Office does in such cases; their number is not shown.",
    },
    "app.as_of": {"de": "Stand {date}", "en": "as of {date}"},
    "view.no_data": {"de": "keine Daten", "en": "no data"},
    "gap.women_leadership_share": {
        "de": "Bis {target}: {n} Frauen mehr unter gleich vielen Führungskräften",
        "en": "To reach {target}: {n} more women among as many leaders",
    },
    "gap.sb_quota": {
        "de": "Bis {target}: rund {n} besetzte Pflichtplätze mehr im Jahresmittel",
        "en": "To reach {target}: about {n} more filled places on average over the year",
    },
    # the same for one person
    "gap.women_leadership_share.one": {
        "de": "Bis {target}: 1 Frau mehr unter gleich vielen Führungskräften",
        "en": "To reach {target}: 1 more woman among as many leaders",
    },
    "gap.sb_quota.one": {
        "de": "Bis {target}: rund 1 besetzter Pflichtplatz mehr im Jahresmittel",
        "en": "To reach {target}: about 1 more filled place on average over the year",
    },
    "gap.sb_applicant_share.one": {
        "de": "Bis {target}: 1 schwerbehinderte bewerbende Person mehr unter gleich vielen",
        "en": "To reach {target}: 1 more severely disabled applicant among as many",
    },
    "gap.sb_applicant_share": {
        "de": "Bis {target}: {n} schwerbehinderte Bewerbende mehr unter gleich vielen",
        "en": "To reach {target}: {n} more severely disabled applicants among as many",
    },
    "app.trend_years": {"de": "Zeitraum der Verläufe", "en": "Years of the trends"},
    "view.carriers_title": {
        "de": "Träger im Vergleich, {year}",
        "en": "The carriers side by side, {year}",
    },
    "view.to_target_title": {
        "de": "Was es bis zum Ziel braucht, {date}",
        "en": "What it takes to reach the target, {date}",
    },
    "view.to_target_note": {
        "de": "Frauen mehr bei gleich vielen Führungskräften der Ebene, aus den veröffentlichten "
        "Zahlen berechnet; „–“: die Zahlen der Ebene sind zurückgehalten.",
        "en": "More women among as many leaders of the level, computed from the published "
        "figures; “–”: the level's figures are withheld.",
    },
    "view.women_share": {"de": "Frauenanteil", "en": "Women's share"},
    "view.women_to_target": {"de": "Frauen mehr bis zum Ziel", "en": "More women to the target"},
    "view.target_reached": {"de": "erreicht", "en": "reached"},
    "app.open_page": {"de": "{title}: Seite öffnen", "en": "{title}: open its page"},
    "view.years_without_data": {"de": "Keine Daten für {years}:", "en": "No data for {years}:"},
    "view.missing_columns": {
        "de": "Die Personaldaten dieses Stichtags haben keine Spalte {columns}.",
        "en": "The personnel data of this reporting date have no column {columns}.",
    },
    "app.no_data": {
        "de": "Für diese Auswahl liegen keine Daten vor.",
        "en": "No data for this selection.",
    },
    "app.not_in_carrier_view": {
        "de": "Die Befragung ist anonym und hat keine Träger-Sicht; gezeigt wird die ganze "
        "Einrichtung.",
        "en": "The survey is anonymous and has no carrier view; the whole institution is shown.",
    },
    # --- page contexts (metrics/views/) ---------------------------------------------------------
    "view.overview_title": {"de": "Kennzahlen {year} im Überblick", "en": "Key figures {year}"},
    "view.subtitle": {
        "de": "{carrier} · Stichtag {date}",
        "en": "{carrier} · reporting date {date}",
    },
    "view.survey_subtitle": {
        "de": "Anonyme Vielfaltsbefragung · letzte Welle {wave}",
        "en": "Anonymous diversity survey · latest wave {wave}",
    },
    "view.previous_wave": {"de": "ggü. vorheriger Welle", "en": "vs previous wave"},
    "view.year": {"de": "Jahr", "en": "Year"},
    "view.value": {"de": "Wert", "en": "Value"},
    "view.group": {"de": "Gruppe", "en": "Group"},
    "view.level": {"de": "Ebene", "en": "Level"},
    "view.staff": {"de": "Beschäftigte", "en": "Staff"},
    "view.all_staff": {"de": "alle Beschäftigten", "en": "all staff"},
    "view.all_leaders": {"de": "alle Führungskräfte", "en": "all leaders"},
    "view.approximation": {
        "de": "Nur ein Stichtag im Jahr: die Quote ist eine Näherung des Jahreswerts.",
        "en": "Only one reporting date in the year: the quota approximates the annual value.",
    },
    "view.wave": {"de": "Befragungswelle {wave}", "en": "survey wave {wave}"},
    "view.no_wave": {
        "de": "Bis zu diesem Jahr gab es noch keine Befragungswelle.",
        "en": "There was no survey wave up to this year.",
    },
    "view.breakdown_title": {
        "de": "{kpi} nach {dimension}, {year}",
        "en": "{kpi} by {dimension}, {year}",
    },
    "view.leadership_trend": {
        "de": "Frauenanteil an Führungskräften nach Ebene, in %",
        "en": "Women's share of leaders by level, in %",
    },
    "view.pipeline": {
        "de": "Frauenanteil von den Beschäftigten bis zur Geschäftsführung, Stand {date}",
        "en": "Women's share from staff to top management, as of {date}",
    },
    "view.underrepresentation_title": {
        "de": "Unterrepräsentanz nach § 3 Nr. 10 BGleiG, Stand {date}",
        "en": "Under-representation under § 3 no. 10 BGleiG, as of {date}",
    },
    "view.underrepresentation_note": {
        "de": "Bereiche mit weniger als {k} Frauen oder weniger als {k} Männern (außer keinen) "
        "werden nicht bewertet: Das Urteil verriete sonst kleine Zahlen. Führungsebenen werden "
        "immer bewertet (ihre Besetzung ist öffentlich). Bei ungerader Zahl gilt ein Geschlecht "
        "erst ab einem Unterschied von drei Personen als unterrepräsentiert.",
        "en": "Areas with fewer than {k} women or fewer than {k} men (other than none) are not "
        "assessed: the verdict would reveal small numbers. Leadership levels are always "
        "assessed (who holds them is public). With an odd number, a gender counts as "
        "under-represented only from a difference of three persons.",
    },
    "view.area_kind": {"de": "Bereich", "en": "Area"},
    "view.area": {"de": "Gruppe", "en": "Group"},
    "view.underrepresented": {"de": "unterrepräsentiert", "en": "under-represented"},
    "view.not_assessed": {"de": "nicht bewertet", "en": "not assessed"},
    "view.balanced": {"de": "keines", "en": "neither"},
    "view.sb_quota_title": {
        "de": "Beschäftigungsquote schwerbehinderter Menschen {year} (Verfahren §§ 154–160 SGB IX)",
        "en": "Employment quota of severely disabled persons {year} (method of §§ 154–160 SGB IX)",
    },
    "view.sb_quota_trend": {
        "de": "Beschäftigungsquote im Zeitverlauf, in %",
        "en": "Employment quota over time, in %",
    },
    "view.legal_quota": {"de": "Pflichtquote", "en": "legal quota"},
    "view.internal_target": {
        "de": "Ziel Inklusionsvereinbarung",
        "en": "inclusion agreement target",
    },
    "view.notice_title": {
        "de": "Anzeige nach § 163 SGB IX: Jahreswerte je Träger",
        "en": "Notice under § 163 SGB IX: annual figures per carrier",
    },
    "view.months_not_published": {
        "de": "Monatswerte werden nicht veröffentlicht: Eine Monatsreihe zeigte, wer in welchem "
        "Monat hinzukam, ausschied oder anerkannt wurde. Sie gehören nur in die Anzeige nach "
        "§ 163 SGB IX, die jeder Träger erstattet; hier stehen die Jahressummen.",
        "en": "Monthly figures are not published: a monthly series would show who joined, left "
        "or was recognised in which month. They belong only in the notice under § 163 SGB IX "
        "that each carrier files; shown here are the year's sums.",
    },
    "view.notice_note": {
        "de": "Platz-Monate: Summe der monatlichen Arbeitsplätze bzw. besetzten "
        "Pflichtarbeitsplätze. Jeder Träger zeigt seine Beschäftigten selbst an; der Gesamtwert "
        "ist die interne Kennzahl des Jobcenters.",
        "en": "Place-months: sum of the monthly places and filled mandatory places. Each carrier "
        "files its own notice; the combined figure is the Jobcenter's internal KPI.",
    },
    "view.quota": {"de": "Quote", "en": "Quota"},
    "view.months_covered": {"de": "Monate", "en": "Months"},
    "view.months_of_12": {"de": "{months} von 12", "en": "{months} of 12"},
    "view.places_total": {"de": "Arbeitsplätze (Platz-Monate)", "en": "Places (place-months)"},
    "view.filled_total": {"de": "besetzte Pflichtplätze", "en": "Filled mandatory places"},
    "view.mandatory": {"de": "Pflichtplätze (Soll)", "en": "Mandatory places"},
    "view.unfilled": {"de": "unbesetzt", "en": "Unfilled"},
    "view.levy": {"de": "Ausgleichsabgabe", "en": "Compensatory levy"},
    "view.sb_applicants_title": {
        "de": "Schwerbehinderte Bewerbende {year}",
        "en": "Severely disabled applicants {year}",
    },
    "view.invite_rate_disclosing": {
        "de": "Einladungsquote schwerbehinderte Bewerbende",
        "en": "Interview rate, disclosing applicants",
    },
    "view.invite_rate_others": {
        "de": "Einladungsquote übrige Bewerbende",
        "en": "Interview rate, other applicants",
    },
    "view.applicants_note": {
        "de": "Öffentliche Arbeitgeber müssen schwerbehinderte Bewerbende zum "
        "Vorstellungsgespräch einladen (§ 165 SGB IX), außer bei offensichtlich fehlender "
        "Eignung.",
        "en": "Public employers must invite severely disabled applicants to an interview "
        "(§ 165 SGB IX) unless they are obviously unsuitable.",
    },
    "view.part_time_trend": {
        "de": "Teilzeitquote der aktiven Beschäftigten nach Geschlecht, in %",
        "en": "Part-time share of active staff by gender, in %",
    },
    "view.part_time_by_level": {
        "de": "Teilzeitquote nach Führungsebene, Stand {date}",
        "en": "Part-time share by leadership level, as of {date}",
    },
    "view.mobile_trend": {
        "de": "Mobiles Arbeiten und Telearbeit, Anteil der aktiven Beschäftigten in %",
        "en": "Mobile work and telework, share of active staff in %",
    },
    "view.parental_trend": {
        "de": "Männeranteil an Beschäftigten in Elternzeit, in %",
        "en": "Men's share of staff on parental leave, in %",
    },
    "view.waves_title": {
        "de": "Migrationshintergrund und Einwanderungsgeschichte je Befragungswelle, in % "
        "(mit 95-%-Intervall)",
        "en": "Migration background and immigration history per survey wave, in % "
        "(with 95 % interval)",
    },
    "view.interval": {"de": "95-%-Intervall", "en": "95 % interval"},
    "view.interval_low": {"de": "95-%-Intervall von", "en": "95 % interval from"},
    "view.interval_high": {"de": "95-%-Intervall bis", "en": "95 % interval to"},
    "view.interval_note": {
        "de": "Die Befragung erreicht nicht alle Beschäftigten; das Intervall (Wilson, 95 %) "
        "zeigt die statistische Unsicherheit.",
        "en": "The survey does not reach all staff; the interval (Wilson, 95 %) shows the "
        "statistical uncertainty.",
    },
    "view.benchmark_source": {"de": "{label}: {source}.", "en": "{label}: {source}."},
    "view.response_title": {"de": "Rücklauf je Welle", "en": "Response per wave"},
    "view.response_rate": {"de": "Rücklaufquote", "en": "Response rate"},
    "view.survey_breakdown_title": {
        "de": "Befragung {wave} nach {dimension}, in %",
        "en": "Survey {wave} by {dimension}, in %",
    },
    "view.definition": {"de": "Definition", "en": "Definition"},
    "view.kpi": {"de": "Kennzahl", "en": "KPI"},
    "view.legal_source": {"de": "Rechtsgrundlage / Quelle", "en": "Legal basis / source"},
    "view.unit": {"de": "Einheit", "en": "Unit"},
    "view.unit_%": {"de": "Prozent", "en": "per cent"},
    "view.unit_count": {"de": "Anzahl", "en": "count"},
    "view.unit_flag": {"de": "ja/nein", "en": "yes/no"},
    "view.unit_ratio": {"de": "Verhältniszahl", "en": "ratio"},
    "view.glossary": {"de": "Begriffe", "en": "Glossary"},
    "glossary.percentage_points": {"de": "Prozentpunkte (Pp.)", "en": "Percentage points (pp)"},
    "glossary.percentage_points.text": {
        "de": "Der Abstand zweier Prozentwerte: Von 40 % auf 42 % sind es +2 Pp. (und nicht "
        "+2 %, denn 42 ist 5 % mehr als 40).",
        "en": "The distance between two percentages: from 40 % to 42 % is +2 pp (not +2 %, since "
        "42 is 5 % more than 40).",
    },
    "glossary.representation_index": {
        "de": "Repräsentationsindex",
        "en": "Representation index",
    },
    "glossary.representation_index.text": {
        "de": "Der Frauenanteil einer Gruppe (z. B. der Führungskräfte) geteilt durch den "
        "Frauenanteil an allen Beschäftigten. 1,0 heißt: Frauen sind dort so vertreten wie in "
        "der Belegschaft; unter 1,0 seltener, über 1,0 häufiger.",
        "en": "The share of women in a group (e.g. leaders) divided by the share of women among "
        "all staff. 1.0 means women are represented there as in the workforce; below 1.0 less, "
        "above 1.0 more often.",
    },
    "glossary.underrepresentation": {"de": "Unterrepräsentanz", "en": "Under-representation"},
    "glossary.underrepresentation.text": {
        "de": "Nach dem Bundesgleichstellungsgesetz ist ein Geschlecht in einem Bereich "
        "unterrepräsentiert, wenn sein Anteil dort unter 50 % liegt; das Gesetz verlangt dann "
        "Ziele und Maßnahmen im Gleichstellungsplan.",
        "en": "Under the Federal Equality Act a gender is under-represented in an area if its "
        "share there is below 50 %; the equality plan must then set targets and measures.",
    },
    "glossary.legal_quota": {"de": "Pflichtquote", "en": "Legal quota"},
    "glossary.legal_quota.text": {
        "de": "Arbeitgeber mit mindestens 20 Arbeitsplätzen müssen auf wenigstens 5 % davon "
        "schwerbehinderte Menschen beschäftigen (§ 154 SGB IX); für jeden unbesetzten "
        "Pflichtarbeitsplatz ist eine Ausgleichsabgabe zu zahlen. Jeder Träger ist dabei ein "
        "eigener Arbeitgeber. Das Ziel der Inklusionsvereinbarung ({internal}) ist das eigene, "
        "höhere Ziel des Jobcenters.",
        "en": "Employers with at least 20 workplaces must employ severely disabled people on at "
        "least 5 % of them (§ 154 SGB IX) and pay a compensatory levy for each mandatory place "
        "left unfilled. Each carrier is an employer of its own. The inclusion agreement's "
        "target ({internal}) is the Jobcenter's own, higher target.",
    },
    "glossary.place_months": {"de": "Platz-Monate", "en": "Place-months"},
    "glossary.place_months.text": {
        "de": "Das SGB IX zählt Arbeitsplätze und besetzte Pflichtarbeitsplätze Monat für Monat "
        "(§ 163 Abs. 2); die Jahresquote ist die Summe der besetzten Plätze aller Monate geteilt "
        "durch die Summe der Arbeitsplätze aller Monate. Ein Platz, der ein Jahr lang besteht, "
        "zählt 12 Platz-Monate.",
        "en": "SGB IX counts workplaces and filled mandatory places month by month (§ 163(2)); "
        "the annual quota is the sum of the filled places over the months divided by the sum of "
        "the workplaces. A place that exists all year counts 12 place-months.",
    },
    "glossary.reporting_date": {"de": "Stichtag", "en": "Reporting date"},
    "glossary.reporting_date.text": {
        "de": "Der Tag, dessen Personalbestand eine Jahreszahl beschreibt (hier der letzte "
        "gemeldete Stichtag des Jahres, meist der 31.12.).",
        "en": "The day whose staff a year's figure describes (here the last reporting date of "
        "the year, usually 31 December).",
    },
    "glossary.survey_wave": {"de": "Befragungswelle", "en": "Survey wave"},
    "glossary.survey_wave.text": {
        "de": "Eine Runde der anonymen Vielfaltsbefragung. Der Migrationshintergrund stammt "
        "nur aus ihr, nie aus Personaldaten; Jahre zwischen zwei Wellen zeigen die letzte Welle.",
        "en": "One round of the anonymous diversity survey. Migration background comes from it "
        "only, never from HR data; years between two waves show the latest wave.",
    },
    "glossary.interval": {"de": "95-%-Intervall", "en": "95 % interval"},
    "glossary.interval.text": {
        "de": "Der Bereich, in dem der wahre Anteil aller Beschäftigten mit 95 % "
        "Wahrscheinlichkeit liegt, wenn nur ein Teil an der Befragung teilnimmt. Eine Änderung "
        "innerhalb dieses Bereichs ist im Rahmen der Messgenauigkeit keine Änderung.",
        "en": "The range in which the true share among all staff lies with 95 % probability when "
        "only some staff take part in the survey. A change within it is no change within the "
        "accuracy of the measurement.",
    },
    "glossary.withheld": {"de": "„•“ (nicht ausgewiesen)", "en": "“•” (withheld)"},
    "glossary.withheld.text": {
        "de": "Der Wert wird aus Datenschutzgründen nicht gezeigt: Zusammen mit anderen "
        "veröffentlichten Zahlen ließe er auf wenige Personen schließen. Der Wert selbst kann "
        "groß sein.",
        "en": "The value is withheld for privacy: together with other published figures it "
        "would point to a few persons. The value itself may be large.",
    },
    "glossary.small": {"de": "„< k“ (zu wenige Personen)", "en": "“< k” (too few persons)"},
    "glossary.small.text": {
        "de": "Der Wert beruht auf weniger als k Personen ({k}, bei Gesundheitsmerkmalen "
        "{k_sensitive}) und wird deshalb nicht genannt.",
        "en": "The value rests on fewer than k persons ({k}, for health data {k_sensitive}) and "
        "is therefore not shown.",
    },
    "view.sensitivity": {"de": "Schutzstufe", "en": "Protection"},
    "view.sensitive": {
        "de": "besonders schützenswert (Art. 9 DSGVO)",
        "en": "special category (GDPR Art. 9)",
    },
    "view.ordinary": {"de": "normal", "en": "ordinary"},
    "view.rule_counts": {
        "de": "Personenzahlen werden nur gezeigt, wenn sie 0 oder mindestens {k} sind; bei "
        "Schwerbehinderung und Migrationshintergrund mindestens {k_sensitive} (0 wird dort "
        "ebenfalls unterdrückt).",
        "en": "Person counts are shown only if they are 0 or at least {k}; for disability and "
        "migration background at least {k_sensitive} (0 is suppressed there too).",
    },
    "view.rule_shares": {
        "de": "Ein Anteil wird nur gezeigt, wenn sowohl die gezählten als auch die übrigen "
        "Personen die Mindestzahl erreichen; bei schützenswerten Merkmalen also nie 0 % oder "
        "100 %.",
        "en": "A share is shown only if both the persons counted and the others reach the "
        "minimum; for special categories therefore never 0 % or 100 %.",
    },
    "view.rule_tables": {
        "de": "In Tabellen mit Summen werden weitere Zellen unterdrückt, damit keine "
        "unterdrückte Zahl aus Summen zurückgerechnet werden kann; ist die Summe selbst zu "
        "klein, entfällt die Tabelle.",
        "en": "In tables with totals, further cells are suppressed so that no suppressed number "
        "can be recomputed from totals; if the total itself is too small, the table is withheld.",
    },
    "view.rule_differencing": {
        "de": "Auswahlen (Träger, Aufschlüsselung) zeigen eine Gruppe nur, wenn sie und ihr "
        "Rest in der übergeordneten Gruppe die Mindestzahl erreichen – so lässt sich keine "
        "kleine Gruppe durch Differenzbildung erschließen.",
        "en": "Selections (carrier, breakdown) show a group only if it and its remainder in the "
        "parent group reach the minimum – so no small group can be derived by subtraction.",
    },
    "view.rule_survey": {
        "de": "Die Vielfaltsbefragung ist anonym und wird nie mit Personaldaten verknüpft.",
        "en": "The diversity survey is anonymous and never linked to personnel data.",
    },
    "view.rule_pseudonyms": {
        "de": "Personen- und Bewerbenden-Kennungen werden nur als Pseudonyme gespeichert (ein "
        "mit geheimem Schlüssel gebildeter Hashwert, HMAC-SHA256); der Schlüssel liegt außerhalb "
        "des Datenverzeichnisses. Dateien mit Namen, Anschrift oder Geburtsdatum werden "
        "abgewiesen. Der Datenbestand ist dennoch pseudonymisiert, nicht anonym: Merkmale wie "
        "Organisationseinheit, Geburtsjahr, Geschlecht und Eintrittsdatum lassen fast jede "
        "Person wiedererkennen. Er und seine Sicherungen sind wie Personalakten zu schützen; "
        "Meldungen und Protokolle nennen weder Kennungen noch Gesundheits- oder Herkunftsangaben.",
        "en": "Person and applicant ids are stored only as pseudonyms (a hash made with a secret "
        "key, HMAC-SHA256); the key is kept outside the data directory. Files with names, "
        "addresses or birth dates are refused. The store is still pseudonymised, not anonymous: "
        "org unit, birth year, gender and entry date single out almost every person. Protect it "
        "and its backups like personnel files; messages and logs name no ids and no health or "
        "origin data.",
    },
    "view.catalogue": {
        "de": "Erlaubte Aufschlüsselungen (höchstens Träger und eine weitere): {dimensions}. "
        "Befragung: nur Führungskraft und Geschlecht.",
        "en": "Allowed breakdowns (at most carrier plus one more): {dimensions}. Survey: "
        "leadership and gender only.",
    },
    "view.methodology_intro": {
        "de": "Alle Kennzahlen, wie sie berechnet werden, und die Regeln, nach denen Zahlen "
        "veröffentlicht oder unterdrückt werden.",
        "en": "All KPIs, how they are computed, and the rules by which numbers are published or "
        "suppressed.",
    },
    "view.disclosure_heading": {
        "de": "Schutz vor Rückschlüssen auf Personen",
        "en": "Protection against singling out persons",
    },
    "app.no_target": {"de": "ohne Zielwert", "en": "no target"},
    "app.status_good": {"de": "erreicht", "en": "met"},
    "app.status_warn": {"de": "knapp verfehlt", "en": "nearly met"},
    "app.status_bad": {"de": "verfehlt", "en": "not met"},
    # --- Data page (pages/data.py) ------------------------------------------------------------
    "datapage.upload": {"de": "Exporte importieren", "en": "Import exports"},
    "datapage.upload_help": {
        "de": "CSV (Windows-1252 oder UTF-8; Trennzeichen ; , oder Tab), XLSX oder Parquet, "
        "höchstens {limit} MB je Datei. Die Dateien werden erst geprüft; importiert wird erst "
        "nach Ihrer Bestätigung, und nur, wenn alle Dateien fehlerfrei sind.",
        "en": "CSV (Windows-1252 or UTF-8; delimiter ; , or tab), XLSX or Parquet, at most "
        "{limit} MB per file. The files are checked first; nothing is imported until you "
        "confirm, and only if every file is free of problems.",
    },
    "datapage.files": {"de": "Dateien auswählen", "en": "Choose files"},
    "datapage.checking": {"de": "Dateien werden geprüft …", "en": "Checking the files …"},
    "datapage.fix_and_retry": {
        "de": "Bitte die genannten Probleme in der Datei beheben und sie erneut hochladen. Es "
        "wurde nichts importiert.",
        "en": "Please fix the problems named above in the file and upload it again. Nothing "
        "has been imported.",
    },
    "datapage.confirm_import": {"de": "Jetzt importieren", "en": "Import now"},
    "datapage.holdings": {"de": "Datenbestand", "en": "What the store holds"},
    "datapage.nothing": {"de": "Der Datenbestand ist leer.", "en": "The store is empty."},
    "datapage.kind": {"de": "Art", "en": "Kind"},
    "datapage.coverage": {"de": "Stichtag / Jahr / Welle", "en": "Date / year / wave"},
    "datapage.rows": {"de": "Zeilen", "en": "Rows"},
    "datapage.snapshots": {"de": "Stichtage", "en": "Reporting dates"},
    "datapage.yearly_rows_note": {
        "de": "Personalbestand: Zeilen je Jahr (Summe über die Stichtage). Zeilen je Stichtag "
        "oder je Monatsdatei werden nicht gezeigt („•“), denn ihre Unterschiede verrieten, wer "
        "in welchem Monat hinzukam oder ausschied.",
        "en": "Personnel: rows per year (summed over its reporting dates). Rows per reporting "
        "date or per monthly file are not shown (“•”): their differences would reveal who "
        "joined or left in which month.",
    },
    "datapage.delete": {
        "de": "Stichtag, Bewerbungsjahr oder Befragungswelle löschen",
        "en": "Delete a reporting date, application year or survey wave",
    },
    "datapage.delete_confirm": {
        "de": "Ich möchte diese Daten endgültig aus dem Datenbestand löschen.",
        "en": "I want to delete these data from the store for good.",
    },
    "datapage.delete_button": {"de": "Löschen", "en": "Delete"},
    "datapage.delete_request_button": {
        "de": "Löschung zur Freigabe vorlegen",
        "en": "Submit the deletion for approval",
    },
    "datapage.request_import": {"de": "Zur Freigabe vorlegen", "en": "Submit for approval"},
    "datapage.two_person_note": {
        "de": "Vier-Augen-Prinzip: Ein Import oder eine Löschung wird erst ausgeführt, wenn eine "
        "zweite Person mit der Rolle Datenpflege oder Administration sie unter „Zur Freigabe“ "
        "freigibt.",
        "en": "Two-person rule: an import or a deletion is carried out only when a second "
        "person with the data maintenance or administrator role approves it under “Awaiting "
        "approval”.",
    },
    "datapage.requested": {
        "de": "Zur Freigabe vorgelegt (bis {until}). Eine zweite Person mit der Rolle "
        "Datenpflege oder Administration gibt sie auf dieser Seite frei.",
        "en": "Submitted for approval (until {until}). A second person with the data "
        "maintenance or administrator role approves it on this page.",
    },
    "approval.section": {"de": "Zur Freigabe", "en": "Awaiting approval"},
    "approval.none": {"de": "Nichts wartet auf Freigabe.", "en": "Nothing awaits approval."},
    "approval.heading_import": {
        "de": "Import, vorgelegt von {name} am {at}, offen bis {until}",
        "en": "Import, submitted by {name} on {at}, open until {until}",
    },
    "approval.heading_delete": {
        "de": "Löschung, vorgelegt von {name} am {at}, offen bis {until}",
        "en": "Deletion, submitted by {name} on {at}, open until {until}",
    },
    "approval.delete_what": {"de": "{kind}: {values}", "en": "{kind}: {values}"},
    "approval.file_what": {
        "de": "„{file}“: {kind} ({coverage}), {rows} Zeilen",
        "en": "“{file}”: {kind} ({coverage}), {rows} rows",
    },
    "approval.as_of": {
        "de": "Die Vorschau zeigt den Stand bei der Vorlage; ausgeführt wird gegen den "
        "Datenbestand zum Zeitpunkt der Freigabe.",
        "en": "The preview shows the store as it was when submitted; the change is made to the "
        "store as it is when approved.",
    },
    "approval.approve": {"de": "Freigeben", "en": "Approve"},
    "approval.reject": {"de": "Ablehnen", "en": "Reject"},
    "approval.withdraw": {"de": "Zurückziehen", "en": "Withdraw"},
    "approval.own": {
        "de": "Von Ihnen vorgelegt: Eine zweite Person muss sie freigeben.",
        "en": "Submitted by you: a second person must approve it.",
    },
    "approval.approved": {
        "de": "Freigegeben und ausgeführt.",
        "en": "Approved and carried out.",
    },
    "approval.rejected": {
        "de": "Abgelehnt; der Datenbestand bleibt, wie er ist.",
        "en": "Rejected; the store stays as it is.",
    },
    "approval.withdrawn": {
        "de": "Zurückgezogen; der Datenbestand bleibt, wie er ist.",
        "en": "Withdrawn; the store stays as it is.",
    },
    "approval.gone": {
        "de": "Diese Vorlage ist nicht mehr offen: inzwischen freigegeben, abgelehnt, "
        "zurückgezogen oder abgelaufen.",
        "en": "This request is no longer open: approved, rejected, withdrawn or expired meanwhile.",
    },
    "datapage.deleted": {"de": "{rows} Zeilen gelöscht.", "en": "{rows} rows deleted."},
    "datapage.invited": {
        "de": "Eingeladene je Befragungswelle",
        "en": "Invited staff per survey wave",
    },
    "datapage.wave": {"de": "Befragungsjahr", "en": "Survey year"},
    "datapage.respondents": {"de": "Antworten", "en": "Responses"},
    "datapage.respondents_note": {
        "de": "Antworten: wie die geplante Veröffentlichung des Jahres der Welle sie ausweist "
        "(Rücklaufquote); „…“, solange sie geplant wird, „•“, wo sie sie nicht ausweist.",
        "en": "Responses: as the planned release of the wave's year shows them (response rate); "
        "“…” while it is being planned, “•” where it does not show them.",
    },
    "datapage.invited_count": {"de": "Eingeladene", "en": "Invited"},
    "datapage.save": {"de": "Speichern", "en": "Save"},
    "datapage.log": {"de": "Importprotokoll", "en": "Import log"},
    "datapage.log_when": {"de": "Zeitpunkt", "en": "When"},
    "datapage.log_file": {"de": "Datei", "en": "File"},
    "datapage.log_sha256": {"de": "Prüfsumme (SHA-256)", "en": "Checksum (SHA-256)"},
    "datapage.log_replaced": {"de": "Ersetzte Zeilen", "en": "Rows replaced"},
    "datapage.log_outcome": {"de": "Ergebnis", "en": "Outcome"},
    "datapage.log_message": {"de": "Meldung", "en": "Message"},
    "datapage.log_ok": {"de": "importiert", "en": "imported"},
    "datapage.log_refused": {"de": "abgelehnt", "en": "refused"},
    "datapage.log_deleted": {"de": "gelöscht", "en": "deleted"},
    "datapage.log_edited": {"de": "geändert", "en": "changed"},
    # the file uploader's own texts, replaced by CSS (Streamlit has no parameter for them)
    "datapage.uploader_button": {"de": "Durchsuchen", "en": "Browse"},
    "datapage.uploader_instructions": {
        "de": "oder hierher ziehen · höchstens {limit} MB je Datei · {types}",
        "en": "or drag here · at most {limit} MB per file · {types}",
    },
    "datapage.uploader_drop": {"de": "Dateien hier ablegen", "en": "Drop the files here"},
    # the preview's sample and data quality (metrics/ingest/quality.py)
    "datapage.sample_title": {
        "de": "„{file}“: die ersten {rows} Zeilen, wie sie gespeichert werden",
        "en": "“{file}”: the first {rows} rows as they will be stored",
    },
    "datapage.sample_note": {
        "de": "Spalten unter ihrem Namen im Bestand, Codes vereinheitlicht, Datum und Zahlen "
        "gelesen, ja/nein für Ja-Nein-Spalten.",
        "en": "Columns under their names in the store, codes made canonical, dates and numbers "
        "parsed, yes/no for yes-no columns.",
    },
    "datapage.sample_pseudonym_note": {
        "de": "{column}: wie im Bestand nur der Schlüssel-Hash (HMAC-SHA256); die ID aus der "
        "Datei wird weder gespeichert noch angezeigt.",
        "en": "{column}: as in the store, only its keyed hash (HMAC-SHA256); the id from the "
        "file is neither stored nor shown.",
    },
    "datapage.sample_protected_note": {
        "de": "{columns}: je Zeile nicht gezeigt („•“), denn es sind Gesundheits- oder "
        "Herkunftsangaben (Art. 9 DSGVO); gespeichert werden sie wie gelesen.",
        "en": "{columns}: not shown per row (“•”): they are health or origin data (Art. 9 "
        "GDPR); they are stored as read.",
    },
    "datapage.quality_title": {
        "de": "„{file}“: Datenqualität je Spalte",
        "en": "“{file}”: data quality per column",
    },
    "datapage.quality_after": {
        "de": "Importiert: Datenqualität von „{file}“",
        "en": "Imported: data quality of “{file}”",
    },
    "datapage.quality_note": {
        "de": "Zählungen aus der Datei selbst, nur für die Datenpflege sichtbar. „Leer“: Zellen "
        "ohne Wert; in einer optionalen Spalte gilt für sie die Vorgabe (→). „Gelesen als“: "
        "Schreibweisen der Datei und der Code, als der sie gespeichert werden. {columns} werden "
        "nicht aufgeschlüsselt („•“): ihre Verteilung ist eine geschützte Angabe, die nur die "
        "Kennzahlenseiten nach der Prüfung auf Rückschlüsse zeigen. Eine fehlende optionale "
        "Spalte sagt nichts: Kennzahlen, die auf ihr beruhen, zeigen für die Stichtage der Datei "
        "„keine Daten“.",
        "en": "Counts from the file itself, shown only to the data roles. “Empty”: cells without "
        "a value; in an optional column they stand for its default (→). “Read as”: the file's "
        "spellings and the code they are stored as. {columns} are not broken down (“•”): their "
        "distribution is a protected figure that only the KPI pages show, after the check "
        "against singling anyone out. A missing optional column says nothing: KPIs that rest on "
        "it show “no data” for the file's reporting dates.",
    },
    "datapage.quality_column": {"de": "Spalte", "en": "Column"},
    "datapage.quality_header": {"de": "In der Datei", "en": "In the file"},
    "datapage.quality_empty": {"de": "Leer", "en": "Empty"},
    "datapage.quality_values": {"de": "Werte", "en": "Values"},
    "datapage.quality_read_as": {"de": "Gelesen als", "en": "Read as"},
    "datapage.quality_absent": {"de": "fehlt", "en": "missing"},
    "datapage.quality_absent_values": {"de": "keine Daten", "en": "no data"},
    "datapage.quality_empty_value": {"de": "leer", "en": "empty"},
    "datapage.quality_distinct": {"de": "{count} verschiedene", "en": "{count} different"},
    "datapage.quality_distinct_one": {"de": "überall gleich", "en": "the same in every row"},
    # column labels (CONTRACT § 1), shown with the canonical name
    "column.reporting_date": {"de": "Stichtag", "en": "Reporting date"},
    "column.person_id": {"de": "Pseudonym", "en": "Pseudonym"},
    "column.carrier": {"de": "Träger", "en": "Carrier"},
    "column.org_unit": {"de": "Organisationseinheit", "en": "Organisational unit"},
    "column.gender": {"de": "Geschlecht", "en": "Gender"},
    "column.birth_year": {"de": "Geburtsjahr", "en": "Year of birth"},
    "column.employment_type": {"de": "Beschäftigungsart", "en": "Employment type"},
    "column.pay_group": {"de": "Entgeltgruppe", "en": "Pay group"},
    "column.weekly_hours": {"de": "Wochenstunden", "en": "Weekly hours"},
    "column.full_time_hours": {"de": "Regelarbeitszeit", "en": "Full-time hours"},
    "column.leadership": {"de": "Führungsebene", "en": "Leadership level"},
    "column.deputy": {"de": "Stellvertretung", "en": "Deputy"},
    "column.disability": {"de": "Schwerbehinderung", "en": "Severe disability"},
    "column.credit_factor": {"de": "Mehrfachanrechnung", "en": "Multiple credit"},
    "column.under18_approved": {
        "de": "Anrechnung unter 18 Std",
        "en": "Counted under 18 hours",
    },
    "column.leave": {"de": "Beurlaubung", "en": "Leave"},
    "column.leave_replaced": {"de": "Vertretung", "en": "Replaced during leave"},
    "column.mobile_work": {"de": "Mobiles Arbeiten", "en": "Mobile work"},
    "column.fixed_term": {"de": "Befristet", "en": "Fixed-term"},
    "column.entry_date": {"de": "Eintrittsdatum", "en": "Entry date"},
    "column.application_date": {"de": "Eingangsdatum", "en": "Application date"},
    "column.applicant_id": {"de": "Bewerber-Pseudonym", "en": "Applicant pseudonym"},
    "column.posting_id": {"de": "Ausschreibung", "en": "Posting"},
    "column.leadership_posting": {"de": "Führungsposition", "en": "Leadership posting"},
    "column.stage": {"de": "Verfahrensstand", "en": "Stage"},
    "column.wave": {"de": "Befragungsjahr", "en": "Survey year"},
    "column.german_at_birth": {"de": "Deutsch seit Geburt", "en": "German since birth"},
    "column.immigrated": {"de": "Selbst zugewandert", "en": "Immigrated"},
    "column.parents_not_german_at_birth": {
        "de": "Eltern nicht deutsch seit Geburt",
        "en": "Parents not German since birth",
    },
    "column.parents_immigrated": {"de": "Eltern zugewandert", "en": "Parents immigrated"},
    "column.survey.leadership": {"de": "Führungskraft", "en": "Leader"},
    "column.invited": {"de": "Eingeladene", "en": "Invited"},
    "datapage.templates": {"de": "Vorlagen", "en": "Templates"},
    "datapage.templates_help": {
        "de": "Leere Vorlagen mit den deutschen Spaltenüberschriften und ein ausgefülltes "
        "Beispiel je Datenquelle.",
        "en": "Empty templates with the German column headers and a filled example per source.",
    },
    "datapage.template_csv": {"de": "Vorlage CSV", "en": "Template CSV"},
    "datapage.template_xlsx": {"de": "Vorlage XLSX", "en": "Template XLSX"},
    "datapage.example_csv": {"de": "Beispiel CSV", "en": "Example CSV"},
    # --- page titles ---------------------------------------------------------------------------
    "page.overview": {"de": "Überblick", "en": "Overview"},
    "page.women_leadership": {"de": "Frauen in Führung", "en": "Women in leadership"},
    "page.inclusion": {"de": "Inklusion", "en": "Inclusion"},
    "page.part_time": {"de": "Teilzeit & flexibles Arbeiten", "en": "Part-time & flexible work"},
    "page.migration": {"de": "Migrationshintergrund", "en": "Migration background"},
    "page.methodology": {"de": "Methodik", "en": "Methodology"},
    "page.data": {"de": "Daten", "en": "Data"},
    "page.audit": {"de": "Protokoll", "en": "Audit log"},
    "audit.page_intro": {
        "de": "Wer wann was importiert, gelöscht, exportiert oder heruntergeladen hat, "
        "Anmeldungen, abgewiesene Versuche und geänderte Einstellungen. Seitenaufrufe werden "
        "nicht protokolliert. Jeder Eintrag trägt die Prüfsumme des vorigen: Ein entfernter oder "
        "geänderter Eintrag fällt auf.",
        "en": "Who imported, deleted, exported or downloaded what and when, sign-ins, refused "
        "attempts and changed settings. Page views are not logged. Each entry carries the "
        "checksum of the one before: an entry removed or changed shows.",
    },
    "audit.chain_whole": {
        "de": "Protokoll vollständig: {count} Einträge, die Kette der Prüfsummen ist lückenlos.",
        "en": "Log whole: {count} entries, the chain of checksums is unbroken.",
    },
    "audit.chain_broken": {
        "de": "Das Protokoll wurde verändert: Die Prüfsummen passen in Zeile {lines} nicht.",
        "en": "The log was altered: the checksums do not match in line {lines}.",
    },
    "audit.empty": {"de": "Das Protokoll ist noch leer.", "en": "The log is still empty."},
    "audit.column_time": {"de": "Zeit", "en": "Time"},
    "audit.column_user": {"de": "Person", "en": "User"},
    "audit.column_roles": {"de": "Rollen", "en": "Roles"},
    "audit.column_event": {"de": "Vorgang", "en": "Event"},
    "audit.column_details": {"de": "Einzelheiten", "en": "Details"},
    "audit.release_title": {
        "de": "Datenschutzprüfung der Veröffentlichung",
        "en": "Disclosure check of the release",
    },
    "audit.release_intro": {
        "de": "Ein Angreifer, der alle veröffentlichten Zahlen eines Jahres (Seiten, Berichte, "
        "Downloads) und die öffentlich bekannten Führungspositionen kombiniert: Kann er eine "
        "Gruppe von weniger als k Personen bestimmen? Die Prüfung dauert bis zu einer Minute.",
        "en": "An attacker who combines every figure published for a year (pages, reports, "
        "downloads) and the publicly known leadership positions: can they pin down a group of "
        "fewer than k persons? The check takes up to a minute.",
    },
    "audit.release_button": {"de": "Jahr {year} prüfen", "en": "Check {year}"},
    "audit.release_running": {"de": "Prüfung läuft …", "en": "Checking …"},
    "audit.release_whole": {
        "de": "{year}: {figures} veröffentlichte Zahlen und öffentliche Tatsachen geprüft; keine "
        "Personengruppe lässt sich aus ihnen bestimmen.",
        "en": "{year}: {figures} published figures and public facts checked; no group of persons "
        "can be pinned down from them.",
    },
    "audit.release_pinned": {
        "de": "{year}: aus {figures} veröffentlichten Zahlen lassen sich {pinned} "
        "Personengruppen bestimmen. Bitte die Administration verständigen "
        "(python -m metrics audit --year {year} zeigt, welche).",
        "en": "{year}: {pinned} groups of persons can be pinned down from {figures} published "
        "figures. Please tell the administrator (python -m metrics audit --year {year} shows "
        "which).",
    },
    "audit.yes": {"de": "ja", "en": "yes"},
    "audit.no": {"de": "nein", "en": "no"},
    "audit.local_user": {"de": "lokal (ohne Anmeldung)", "en": "local (no login)"},
    "access.role.management": {"de": "Leitung", "en": "management"},
    "access.role.working_group": {"de": "AG Vielfalt", "en": "working group"},
    "access.role.representatives": {"de": "Interessenvertretungen", "en": "representatives"},
    "access.role.data_maintenance": {"de": "Datenpflege", "en": "data maintenance"},
    "access.role.administrator": {"de": "Administration", "en": "administrator"},
    "audit.detail.files": {"de": "Dateien", "en": "files"},
    "audit.detail.file": {"de": "Datei", "en": "file"},
    "audit.detail.sha256": {"de": "Prüfsumme", "en": "checksum"},
    "audit.detail.kind": {"de": "Art", "en": "kind"},
    "audit.detail.rows": {"de": "Zeilen", "en": "rows"},
    "audit.detail.coverage": {"de": "Stichtage", "en": "reporting dates"},
    "audit.detail.replaced_rows": {"de": "ersetzte Zeilen", "en": "rows replaced"},
    "audit.detail.report": {"de": "Bericht", "en": "report"},
    "audit.detail.year": {"de": "Jahr", "en": "year"},
    "audit.detail.carrier": {"de": "Träger", "en": "carrier"},
    "audit.detail.lang": {"de": "Sprache", "en": "language"},
    "audit.detail.bytes": {"de": "Bytes", "en": "bytes"},
    "audit.detail.attempted": {"de": "versucht", "en": "attempted"},
    "audit.detail.wave": {"de": "Welle", "en": "wave"},
    "audit.detail.invited": {"de": "Eingeladene", "en": "invited"},
    "audit.detail.page": {"de": "Seite", "en": "page"},
    "audit.detail.breakdown": {"de": "Aufschlüsselung", "en": "breakdown"},
    "audit.detail.k_ordinary": {"de": "k", "en": "k"},
    "audit.detail.k_sensitive": {"de": "k (sensibel)", "en": "k (sensitive)"},
    "audit.detail.dir": {"de": "Verzeichnis", "en": "directory"},
    "audit.detail.revision": {"de": "Stand", "en": "revision"},
    "audit.detail.with_key": {"de": "mit Schlüssel", "en": "with key"},
    "audit.detail.backup_created_at": {"de": "Sicherung vom", "en": "backup of"},
    "audit.detail.dropped": {"de": "entfernt", "en": "removed"},
    "audit.detail.before": {"de": "älter als", "en": "older than"},
    "audit.detail.last_hash": {"de": "letzte Prüfsumme", "en": "last checksum"},
    "audit.event.login": {"de": "Anmeldung", "en": "Sign-in"},
    "audit.event.import": {"de": "Import", "en": "Import"},
    "audit.event.import_refused": {"de": "Import abgewiesen", "en": "Import refused"},
    "audit.event.delete": {"de": "Löschung", "en": "Deletion"},
    "audit.event.invited": {"de": "Eingeladene geändert", "en": "Invited count changed"},
    "audit.event.export": {"de": "Bericht erstellt", "en": "Report made"},
    "audit.event.download": {"de": "Download", "en": "Download"},
    "audit.event.denied": {"de": "Abgewiesen: keine Berechtigung", "en": "Refused: not allowed"},
    "audit.event.settings": {"de": "Einstellungen geändert", "en": "Settings changed"},
    "audit.event.page_view": {"de": "Seite aufgerufen", "en": "Page opened"},
    "audit.event.backup": {"de": "Sicherung erstellt", "en": "Backup made"},
    "audit.event.restore": {"de": "Sicherung wiederhergestellt", "en": "Backup restored"},
    "audit.event.log_pruned": {
        "de": "Ältere Einträge entfernt (Aufbewahrungsfrist)",
        "en": "Older entries removed (retention period)",
    },
    "combined": {"de": "Gesamt (beide Träger)", "en": "Combined (both carriers)"},
    "total": {"de": "Gesamt", "en": "Total"},
    # --- CLI --------------------------------------------------------------------------------
    # --- CLI: kpis command ---------------------------------------------------------------
    "cli.kpis.title": {"de": "Kennzahlen {year} – {view}", "en": "KPIs {year} – {view}"},
    "cli.kpis.all_carriers": {"de": "alle Träger", "en": "all carriers"},
    "cli.kpis.carrier": {"de": "Träger {carrier}", "en": "carrier {carrier}"},
    "cli.kpis.reporting_date": {"de": "Stichtag {date}", "en": "reporting date {date}"},
    "cli.kpis.no_snapshot": {
        "de": "kein Personalstichtag im Jahr",
        "en": "no personnel snapshot in the year",
    },
    "cli.kpis.survey_wave": {"de": "Befragung {wave}", "en": "survey {wave}"},
    "cli.kpis.column_kpi": {"de": "Kennzahl", "en": "KPI"},
    "cli.kpis.column_value": {"de": "Wert", "en": "Value"},
    "cli.kpis.column_target": {"de": "Ziel", "en": "Target"},
    "cli.kpis.suppressed_note": {
        "de": "„< k“: Wert beruht auf weniger als k Personen (k = {k_ordinary}, bei sensiblen "
        "Daten {k_sensitive}); „•“: aus Datenschutzgründen nicht ausgewiesen (schützt andere "
        "Werte); „–“: keine Daten.",
        "en": "“< k”: value based on fewer than k persons (k = {k_ordinary}, for sensitive "
        "data {k_sensitive}); “•”: withheld for confidentiality (protects other figures); "
        "“–”: no data.",
    },
    "cli.audit.summary": {
        "de": "Prüfung der Veröffentlichung {year}: {figures} veröffentlichte Zahlen und "
        "öffentliche Tatsachen; festgelegte Personengruppen: {pinned}.",
        "en": "Audit of the {year} release: {figures} published figures and public facts; "
        "person groups pinned: {pinned}.",
    },
    "cli.kpis.year_not_in_store": {
        "de": "Das Jahr {year} ist nicht im Datenbestand (vorhanden: {years}).",
        "en": "The year {year} is not in the store (available: {years}).",
    },
    "cli.settings_error": {
        "de": "Fehler in den Einstellungen: {detail}",
        "en": "Settings error: {detail}",
    },
    "cli.kpis.see_below": {"de": "siehe unten", "en": "see below"},
    "cli.kpis.underrepresented_in": {
        "de": "{gender} unterrepräsentiert in: {areas}",
        "en": "{gender} under-represented in: {areas}",
    },
    "cli.kpis.nowhere": {"de": "keinem Bereich", "en": "no area"},
    "cli.demo_built": {
        "de": "Demo-Datenbestand erstellt: {db} ({seconds:.1f} s; Exporte in {exports}).",
        "en": "Demo store built: {db} ({seconds:.1f} s; exports in {exports}).",
    },
    "cli.planned": {
        "de": "Veröffentlichung geplant für: {years} ({seconds:.1f} s; die übrigen Jahre waren "
        "schon geplant).",
        "en": "Release planned for: {years} ({seconds:.1f} s; the other years were planned "
        "already).",
    },
    "cli.store_error": {"de": "Fehler im Datenbestand: {detail}", "en": "Store error: {detail}"},
    # --- report: PowerPoint deck, Excel workbook, PDF summary, reports page ----------------
    "report.page_title": {"de": "Berichte", "en": "Reports"},
    "report.page_intro": {
        "de": "Präsentation, Tabellen für den Jahresbericht und ein Kurzbericht zum Drucken, "
        "erstellt aus den veröffentlichten Kennzahlen für die Auswahl in der Seitenleiste "
        "(Jahr, Träger, Sprache). Jede Datei wird erst beim Klick erstellt und enthält nur "
        "geschützte Werte.",
        "en": "A presentation, tables for the annual report and a printable summary, built from "
        "the published KPIs for the selection in the sidebar (year, carrier, language). Each "
        "file is built only on click and holds protected values only.",
    },
    "report.selection": {"de": "Auswahl: {year} · {view}", "en": "Selection: {year} · {view}"},
    "report.download_deck": {"de": "Präsentation (PowerPoint)", "en": "Presentation (PowerPoint)"},
    "report.download_deck_help": {
        "de": "Für die Sitzung: Agenda, das Wichtigste in Kürze, je Leitkennzahl eine Aussage mit "
        "bearbeitbarer Grafik, Quote je Träger, Unterrepräsentanz, Führungsebenen, Eltern- und "
        "Pflegezeit, offene Punkte, Anhang mit Tabellen.",
        "en": "For the meeting: agenda, key messages, one message per headline KPI with an "
        "editable chart, each carrier's quota, under-representation, leadership levels, parental "
        "and care leave, open points, appendix with tables.",
    },
    "report.download_workbook": {
        "de": "Tabellen für den Jahresbericht (Excel)",
        "en": "Tables for the annual report (Excel)",
    },
    "report.download_workbook_help": {
        "de": "Alle Kennzahlen des Jahres, Tabellen nach Art der Gleichstellungsstatistik mit "
        "Zwischensummen, Anzeige nach SGB IX je Träger, Zeitreihe aller Jahre, Zeichenerklärung; "
        "druckfertig auf A4 quer.",
        "en": "Every KPI of the year, tables in the style of the federal equality statistics "
        "with subtotals, the SGB IX notice per carrier, every year's series, the signs; ready to "
        "print on A4 landscape.",
    },
    "report.download_pdf": {"de": "Kurzbericht zum Drucken (PDF)", "en": "Printable summary (PDF)"},
    "report.download_pdf_help": {
        "de": "A4: eine Seite Zusammenfassung, Inhalt, je Leitkennzahl Grafik und Aussage, alle "
        "Kennzahlen, Methodik, Zeichenerklärung.",
        "en": "A4: a one-page summary, contents, chart and finding per headline KPI, all KPIs, "
        "methodology, signs.",
    },
    "report.title": {
        "de": "Vielfaltsmonitor – Kennzahlen {year}",
        "en": "Diversity monitor – key figures {year}",
    },
    "report.workbook_title": {
        "de": "Vielfaltsmonitor – Tabellen zum Jahresbericht {year}",
        "en": "Diversity monitor – tables for the annual report {year}",
    },
    "report.view_carrier": {"de": "Träger {carrier}", "en": "Carrier {carrier}"},
    "report.reporting_date": {"de": "Stichtag {date}", "en": "Reporting date {date}"},
    "report.no_snapshot": {
        "de": "kein Personalstichtag im Jahr",
        "en": "no personnel snapshot in the year",
    },
    "report.data_as_of": {"de": "Datenstand {date}", "en": "Data as of {date}"},
    "report.created": {"de": "erstellt am {date}", "en": "created {date}"},
    "report.demo_marker": {
        "de": "DEMO-DATEN – synthetisch erzeugt, keine echten Personen",
        "en": "DEMO DATA – synthetic, no real persons",
    },
    "report.demo_short": {"de": "Demo-Daten", "en": "Demo data"},
    "report.definition": {"de": "Definition: {text}", "en": "Definition: {text}"},
    "report.source": {"de": "Quelle: {text}", "en": "Source: {text}"},
    "report.target": {"de": "Ziel: {target}", "en": "Target: {target}"},
    "report.no_target": {"de": "ohne Zielwert", "en": "no target"},
    "report.change": {"de": "ggü. {previous}: {change}", "en": "vs {previous}: {change}"},
    "report.persons": {"de": "{n} Personen", "en": "{n} persons"},
    "report.percentage_points": {"de": "{n} Prozentpunkte", "en": "{n} percentage points"},
    "report.previous_wave": {"de": "der Befragung {wave}", "en": "the {wave} survey"},
    "report.wave_note": {"de": "Befragungswelle {wave}", "en": "survey wave {wave}"},
    "report.trend_title": {"de": "{kpi} im Zeitverlauf", "en": "{kpi} over time"},
    "report.chart_unavailable": {
        "de": "Grafik nicht verfügbar (Bildexport nicht möglich). Werte:",
        "en": "Chart not available (image export failed). Values:",
    },
    "report.method_title": {"de": "Methodik und Datenschutz", "en": "Methodology and privacy"},
    "report.method_definitions": {
        "de": "Definitionen und Rechtsgrundlagen aller Kennzahlen: Blatt „Methodik“ der "
        "Excel-Tabellen und Seite „Methodik“ im Vielfaltsmonitor.",
        "en": "Definitions and legal sources of every KPI: sheet “Methodology” of the Excel "
        "workbook and page “Methodology” of the monitor.",
    },
    # generated findings: "{subject} liegt 2025 bei 52,6 % und damit über dem Ziel von 50 %; …"
    "report.finding.level": {
        "de": "{subject} liegt {year} bei {value}",
        "en": "In {year}, {subject} is {value}",
    },
    "report.finding.level_survey": {
        "de": "{subject} liegt laut Befragung {wave} bei {value}",
        "en": "According to the {wave} survey, {subject} is {value}",
    },
    "report.finding.above": {
        "de": " und damit über dem Ziel von {target}",
        "en": ", above the target of {target}",
    },
    "report.finding.met": {
        "de": " und erreicht damit das Ziel von {target}",
        "en": ", meeting the target of {target}",
    },
    "report.finding.below": {
        "de": " und damit unter dem Ziel von {target}",
        "en": ", below the target of {target}",
    },
    # a carrier's SB quota against its legal duty (§ 154 SGB IX)
    "report.finding.quota_above": {
        "de": " und damit über der gesetzlichen Quote von {target}",
        "en": ", above the legal quota of {target}",
    },
    "report.finding.quota_met": {
        "de": " und erfüllt damit genau die gesetzliche Quote von {target}",
        "en": ", exactly the legal quota of {target}",
    },
    "report.finding.quota_below": {
        "de": " und damit unter der gesetzlichen Quote von {target}",
        "en": ", below the legal quota of {target}",
    },
    "report.finding.rose": {
        "de": "gegenüber {previous} ist {pronoun} um {change} gestiegen",
        "en": "compared with {previous}, {pronoun} rose by {change}",
    },
    "report.finding.fell": {
        "de": "gegenüber {previous} ist {pronoun} um {change} gesunken",
        "en": "compared with {previous}, {pronoun} fell by {change}",
    },
    "report.finding.unchanged": {
        "de": "gegenüber {previous} ist {pronoun} nahezu unverändert",
        "en": "compared with {previous}, {pronoun} is almost unchanged",
    },
    "report.finding.previous_suppressed": {
        "de": "Der Vergleichswert für {previous} wird zum Schutz einzelner Personen nicht "
        "ausgewiesen.",
        "en": "The value for {previous} is withheld to protect individuals.",
    },
    "report.finding.suppressed": {
        "de": "{subject} wird für {year} zum Schutz einzelner Personen nicht ausgewiesen "
        "(„{sign}“).",
        "en": "{subject} is not shown for {year} to protect individuals (“{sign}”).",
    },
    "report.finding.no_data": {
        "de": "Für {year} liegen zu dieser Kennzahl keine Daten vor.",
        "en": "There are no data for this KPI in {year}.",
    },
    # subjects of the findings (German: with article; pronoun for the second clause)
    "report.subject.generic": {"de": "die Kennzahl „{label}“", "en": "the KPI “{label}”"},
    "report.pronoun.generic": {"de": "sie", "en": "it"},
    "report.subject.headcount": {
        "de": "die Zahl der Beschäftigten",
        "en": "the number of staff",
    },
    "report.pronoun.headcount": {"de": "sie", "en": "it"},
    "report.subject.women_share": {"de": "der Frauenanteil", "en": "the share of women"},
    "report.pronoun.women_share": {"de": "er", "en": "it"},
    "report.subject.women_leadership_share": {
        "de": "der Frauenanteil an Führungskräften",
        "en": "the share of women in leadership",
    },
    "report.pronoun.women_leadership_share": {"de": "er", "en": "it"},
    "report.subject.leadership_representation_index": {
        "de": "der Repräsentationsindex Führung",
        "en": "the leadership representation index",
    },
    "report.pronoun.leadership_representation_index": {"de": "er", "en": "it"},
    "report.subject.part_time_share": {"de": "die Teilzeitquote", "en": "the part-time share"},
    "report.pronoun.part_time_share": {"de": "sie", "en": "it"},
    "report.subject.mobile_work_share": {
        "de": "der Anteil der Beschäftigten mit mobilem Arbeiten oder Telearbeit",
        "en": "the share of staff with mobile work or telework",
    },
    "report.pronoun.mobile_work_share": {"de": "er", "en": "it"},
    "report.subject.sb_quota": {
        "de": "die Beschäftigungsquote schwerbehinderter Menschen",
        "en": "the severely disabled employment quota",
    },
    "report.pronoun.sb_quota": {"de": "sie", "en": "it"},
    "report.subject.sb_applicant_share": {
        "de": "der Anteil schwerbehinderter Bewerbender",
        "en": "the share of severely disabled applicants",
    },
    "report.pronoun.sb_applicant_share": {"de": "er", "en": "it"},
    "report.subject.migration_background_share": {
        "de": "der Anteil der Befragten mit Migrationshintergrund",
        "en": "the share of respondents with a migration background",
    },
    "report.pronoun.migration_background_share": {"de": "er", "en": "it"},
    # report messages (issue 16): slide titles, the executive summary, the open points
    "report.finding.within_margin": {
        "de": "gegenüber {previous} ist {pronoun} im Rahmen der Messgenauigkeit unverändert "
        "({change})",
        "en": "compared with {previous}, {pronoun} is unchanged within the margin of error "
        "({change})",
    },
    "report.finding.margin": {
        "de": "Veränderung {change}, Messgenauigkeit ±{margin} Pp. bei 95 % Sicherheit",
        "en": "change {change}, margin of error ±{margin} pp at 95 % confidence",
    },
    "report.message.no_data": {
        "de": "{kpi}: keine Daten für {year}",
        "en": "{kpi}: no data for {year}",
    },
    "report.message.withheld": {
        "de": "{kpi} {year}: zum Schutz einzelner Personen nicht ausgewiesen",
        "en": "{kpi} {year}: withheld to protect individuals",
    },
    "report.message.rose": {
        "de": "{subject} steigt auf {value}",
        "en": "{subject} rises to {value}",
    },
    "report.message.fell": {
        "de": "{subject} sinkt auf {value}",
        "en": "{subject} falls to {value}",
    },
    "report.message.is": {"de": "{subject} liegt bei {value}", "en": "{subject} is {value}"},
    "report.message.target_met": {
        "de": " – Ziel von {target} erreicht",
        "en": " – target of {target} met",
    },
    "report.message.target_missed": {
        "de": " – Ziel von {target} verfehlt",
        "en": " – target of {target} missed",
    },
    "report.message.quota_met": {
        "de": " – gesetzliche Quote von {target} erfüllt",
        "en": " – legal quota of {target} met",
    },
    "report.message.quota_missed": {
        "de": " – gesetzliche Quote von {target} verfehlt",
        "en": " – legal quota of {target} missed",
    },
    "report.message.within_margin": {
        "de": " – im Rahmen der Messgenauigkeit unverändert",
        "en": " – unchanged within the margin of error",
    },
    "report.message.representation_under": {
        "de": "Frauen stellen {staff} der Beschäftigten, aber {leaders} der Führungskräfte: "
        "in Führung schwächer vertreten als in der Belegschaft (Index {index})",
        "en": "Women are {staff} of staff but {leaders} of leaders: less represented in "
        "leadership than in the workforce (index {index})",
    },
    "report.message.representation_even": {
        "de": "Frauen in Führung anteilig vertreten: {leaders} der Führungskräfte bei {staff} "
        "der Beschäftigten (Index {index})",
        "en": "Women are represented in leadership in proportion: {leaders} of leaders, "
        "{staff} of staff (index {index})",
    },
    "report.and": {"de": "und", "en": "and"},
    "report.against": {"de": "gegenüber", "en": "against"},
    "report.summary.met": {"de": "Erreicht: {kpis}.", "en": "Met: {kpis}."},
    "report.summary.missed": {"de": "Verfehlt: {kpis}.", "en": "Missed: {kpis}."},
    "report.summary.changes": {
        "de": "Die größten Veränderungen gegenüber {previous}: {changes}.",
        "en": "The largest changes against {previous}: {changes}.",
    },
    "report.summary.withheld": {
        "de": "Zum Schutz einzelner Personen nicht ausgewiesen: {kpis}.",
        "en": "Withheld to protect individuals: {kpis}.",
    },
    "report.summary.quota_all": {
        "de": "Die gesetzliche Beschäftigungsquote von {legal} (§ 154 SGB IX) erfüllt jeder "
        "Träger: {carriers}.",
        "en": "Each carrier meets the legal employment quota of {legal} (§ 154 SGB IX): "
        "{carriers}.",
    },
    "report.summary.quota_some": {
        "de": "Die gesetzliche Beschäftigungsquote von {legal} (§ 154 SGB IX) erfüllt nicht "
        "jeder Träger: {carriers}.",
        "en": "Not every carrier meets the legal employment quota of {legal} (§ 154 SGB IX): "
        "{carriers}.",
    },
    "report.summary.quota_none": {
        "de": "Die gesetzliche Beschäftigungsquote von {legal} (§ 154 SGB IX) verfehlen die "
        "Träger: {carriers}.",
        "en": "The carriers miss the legal employment quota of {legal} (§ 154 SGB IX): {carriers}.",
    },
    "report.summary.quota_internal_met": {
        "de": "Zusammen erreichen sie mit {value} das Ziel der Inklusionsvereinbarung von "
        "{target}.",
        "en": "Together, at {value}, they meet the inclusion agreement's target of {target}.",
    },
    "report.summary.quota_internal_missed": {
        "de": "Zusammen verfehlen sie mit {value} das Ziel der Inklusionsvereinbarung von "
        "{target}.",
        "en": "Together, at {value}, they miss the inclusion agreement's target of {target}.",
    },
    "report.summary.quota_carrier_met": {
        "de": "Träger {carrier}: die gesetzliche Beschäftigungsquote von {legal} "
        "(§ 154 SGB IX) ist mit {value} erfüllt.",
        "en": "{carrier}: the legal employment quota of {legal} (§ 154 SGB IX) is met at {value}.",
    },
    "report.summary.quota_carrier_missed": {
        "de": "Träger {carrier}: die gesetzliche Beschäftigungsquote von {legal} "
        "(§ 154 SGB IX) ist mit {value} verfehlt.",
        "en": "{carrier}: the legal employment quota of {legal} (§ 154 SGB IX) is missed at "
        "{value}.",
    },
    "report.summary.quota_carrier_internal_met": {
        "de": "Das Ziel der Inklusionsvereinbarung von {target} ist erreicht.",
        "en": "The inclusion agreement's target of {target} is met.",
    },
    "report.summary.quota_carrier_internal_missed": {
        "de": "Das Ziel der Inklusionsvereinbarung von {target} ist noch nicht erreicht.",
        "en": "The inclusion agreement's target of {target} is not met yet.",
    },
    "report.open.point": {
        "de": "{name}: {value} gegenüber dem Ziel von {target}",
        "en": "{name}: {value} against the target of {target}",
    },
    "report.open.sb_internal": {
        "de": "Beschäftigungsquote schwerbehinderter Menschen (Ziel der Inklusionsvereinbarung)",
        "en": "Severely disabled employment quota (inclusion agreement target)",
    },
    # workbook: sheets, columns, rows, notes
    # --- report.wb.: the annual report's workbook (GleiStatV tables, SGB IX notice, print) ---
    "report.wb.sheet.info": {"de": "Datenstand", "en": "Info"},
    "report.wb.sheet.staff": {"de": "Beschäftigte", "en": "Staff"},
    "report.wb.sheet.org_units": {"de": "Organisationseinheiten", "en": "Org units"},
    "report.wb.sheet.series": {"de": "Zeitreihe", "en": "Time series"},
    "report.wb.sheet.signs": {"de": "Zeichenerklärung", "en": "Signs"},
    "report.wb.sb_combined": {"de": "gesamt (intern)", "en": "combined (internal)"},
    "report.wb.footer_page": {"de": "Seite &P von &N", "en": "Page &P of &N"},
    "report.wb.info.organisation": {"de": "Organisation", "en": "Organisation"},
    "report.wb.info.signs": {"de": "Zeichenerklärung", "en": "Signs"},
    "report.wb.info.see_signs": {
        "de": "Die Zeichen „•“, „< k“ und „–“ erklärt das Tabellenblatt „Zeichenerklärung“.",
        "en": "The signs “•”, “< k” and “–” are explained on the sheet “Signs”.",
    },
    "report.wb.col.id": {"de": "Technische ID", "en": "Technical ID"},
    "report.wb.col.numerator": {"de": "Zähler", "en": "Numerator"},
    "report.wb.col.denominator": {"de": "Nenner", "en": "Denominator"},
    "report.wb.col.change": {"de": "Veränderung (Pp. bzw. Index)", "en": "Change (pp or index)"},
    "report.wb.col.group": {"de": "Gruppe", "en": "Group"},
    "report.wb.col.total": {"de": "Insgesamt", "en": "Total"},
    "report.wb.col.leader_share": {"de": "Frauenanteil Führung in %", "en": "Women leading in %"},
    "report.wb.col.sign": {"de": "Zeichen", "en": "Sign"},
    "report.wb.col.meaning": {"de": "Bedeutung", "en": "Meaning"},
    "report.wb.see_note": {"de": "siehe Hinweis", "en": "see note"},
    "report.wb.yes": {"de": "ja", "en": "yes"},
    "report.wb.no": {"de": "nein", "en": "no"},
    "report.wb.heading.status": {"de": "Nach Statusgruppe", "en": "By status group"},
    "report.wb.heading.working_time": {
        "de": "Nach Arbeitszeit (aktive Beschäftigte)",
        "en": "By working time (active staff)",
    },
    "report.wb.heading.leave": {"de": "Beurlaubte", "en": "Staff on leave"},
    "report.wb.heading.applications": {
        "de": "Bewerbungen und Einstellungen {year}",
        "en": "Applications and hires {year}",
    },
    "report.wb.row.staff": {
        "de": "Beschäftigte ohne Nachwuchskräfte",
        "en": "Staff without trainees",
    },
    "report.wb.row.everyone": {"de": "Alle Personen", "en": "All persons"},
    "report.wb.row.active": {"de": "Aktive Beschäftigte zusammen", "en": "Active staff, total"},
    "report.wb.row.on_leave": {"de": "Beurlaubte insgesamt", "en": "On leave, total"},
    "report.wb.row.parental_leave": {
        "de": "darunter Elternzeit",
        "en": "of which parental leave",
    },
    "report.wb.row.care_leave": {
        "de": "darunter Pflegezeit / Familienpflegezeit",
        "en": "of which care leave",
    },
    "report.wb.row.deputies": {"de": "Stellvertretungen", "en": "Deputies"},
    "report.wb.row.total_staff": {
        "de": "Insgesamt (Beschäftigte ohne Nachwuchskräfte)",
        "en": "Total (staff without trainees)",
    },
    "report.wb.row.together": {"de": "{name} zusammen", "en": "{name}, total"},
    "report.wb.system.A": {
        "de": "Beamtinnen und Beamte (Besoldungsgruppen)",
        "en": "Civil servants (pay grades)",
    },
    "report.wb.system.TE": {
        "de": "Tarifbeschäftigte TV-BA (Tätigkeitsebenen)",
        "en": "Employees TV-BA (activity levels)",
    },
    "report.wb.system.E": {
        "de": "Tarifbeschäftigte TVöD (Entgeltgruppen)",
        "en": "Employees TVöD (pay groups)",
    },
    "report.wb.system.other": {"de": "Übrige Gruppen", "en": "Other groups"},
    "report.wb.system_short.TE": {"de": "TV-BA", "en": "TV-BA"},
    "report.wb.system_short.E": {"de": "TVöD", "en": "TVöD"},
    "report.wb.status.Beamte": {"de": "Beamtinnen und Beamte", "en": "Civil servants"},
    "report.wb.status.Tarif": {"de": "Tarifbeschäftigte", "en": "Employees"},
    "report.wb.career.higher": {"de": "Höherer Dienst", "en": "Senior service"},
    "report.wb.career.elevated": {"de": "Gehobener Dienst", "en": "Upper intermediate service"},
    "report.wb.career.intermediate": {"de": "Mittlerer Dienst", "en": "Intermediate service"},
    "report.wb.career.basic": {"de": "Einfacher Dienst", "en": "Basic service"},
    "report.wb.career.equivalent": {"de": "vergleichbar {career}", "en": "equivalent: {career}"},
    "report.wb.note.status": {
        "de": "Personen am Stichtag {date}, Frauen und Männer; Personen mit Geschlecht divers "
        "oder ohne Angabe sind nicht aufgeschlüsselt. Nachwuchskräfte: alle Frauen bzw. Männer "
        "abzüglich der Beschäftigten ohne Nachwuchskräfte (beides veröffentlichte Zahlen).",
        "en": "Persons at the reporting date {date}, women and men; persons of gender diverse or "
        "not stated are not broken down. Trainees: all women or men less the staff without "
        "trainees (both published figures).",
    },
    "report.wb.note.on_leave": {
        "de": "Beurlaubte insgesamt: Beschäftigte ohne Nachwuchskräfte abzüglich der aktiven "
        "Beschäftigten (beides veröffentlichte Zahlen); darunter Elternzeit sowie Pflegezeit "
        "oder Familienpflegezeit.",
        "en": "On leave, total: staff without trainees less the active staff (both published "
        "figures); of which parental leave and care leave.",
    },
    "report.wb.note.derived": {
        "de": "Summen, Differenzen und Anteile sind nur aus veröffentlichten Zahlen gebildet; "
        "ist ein Teil nicht ausgewiesen, ist es auch das Ergebnis nicht („•“).",
        "en": "Sums, differences and shares are formed from published figures only; where a "
        "part is withheld, so is the result (“•”).",
    },
    "report.wb.note.careers": {
        "de": "Reihenfolge: je Besoldungs- bzw. Tarifsystem die höchste Gruppe zuerst. "
        "Laufbahngruppen nach dem Eingangsamt: {mapping}.",
        "en": "Order: within each pay system the highest group first. Career groups by entry "
        "grade: {mapping}.",
    },
    "report.wb.note.pay_group_cells": {
        "de": "Vollzeit, Teilzeit und Beurlaubte je Entgelt-/Besoldungsgruppe veröffentlicht "
        "die Freigabe noch nicht; die Spalten fehlen deshalb (Summen im Blatt „Beschäftigte“).",
        "en": "Full-time, part-time and leave per pay group are not yet published by the "
        "release; the columns are therefore left out (totals on the sheet “Staff”).",
    },
    "report.wb.note.deputies": {
        "de": "Stellvertretungen: Beschäftigte mit Stellvertretungsfunktion; je Führungsebene "
        "veröffentlicht die Freigabe sie nicht.",
        "en": "Deputies: staff holding a deputy role; the release does not publish them per "
        "leadership level.",
    },
    "report.wb.note.place_months": {
        "de": "Zähler und Nenner in Platzmonaten (SGB IX).",
        "en": "Numerator and denominator in place-months (SGB IX).",
    },
    "report.wb.note.series": {
        "de": "Jeder Wert wie ihn die Freigabe seines Jahres veröffentlicht; Befragungskennzahlen "
        "aus der letzten Welle bis zum Jahr. Die Unterrepräsentanz nach BGleiG steht in den "
        "Blättern „Entgeltgruppen“ und „Führungsebenen“.",
        "en": "Each value as the release of its year publishes it; survey KPIs from the latest "
        "wave up to the year. Under-representation (BGleiG) is on the sheets “Pay groups” and "
        "“Leadership levels”.",
    },
    "report.wb.sb.period": {"de": "Zeitraum", "en": "Period"},
    "report.wb.sb.year": {"de": "Jahr {year}", "en": "Year {year}"},
    "report.wb.sb.months": {"de": "Monate mit Stichtag", "en": "Months with a snapshot"},
    "report.wb.sb.counted": {
        "de": "Zu berücksichtigende Arbeitsplätze (Platzmonate)",
        "en": "Places that count (place-months)",
    },
    "report.wb.sb.filled": {
        "de": "Besetzte Pflichtarbeitsplätze (Platzmonate)",
        "en": "Filled mandatory places (place-months)",
    },
    "report.wb.sb.quota": {"de": "Beschäftigungsquote in %", "en": "Employment quota in %"},
    "report.wb.sb.legal": {"de": "Gesetzliche Quote in %", "en": "Legal quota in %"},
    "report.wb.sb.target": {"de": "Ziel in %", "en": "Target in %"},
    "report.wb.sb.mandatory": {
        "de": "Pflichtarbeitsplätze (Soll, Platzmonate)",
        "en": "Mandatory places (place-months)",
    },
    "report.wb.sb.unfilled": {
        "de": "Unbesetzte Pflichtarbeitsplätze (Platzmonate)",
        "en": "Unfilled mandatory places (place-months)",
    },
    "report.wb.sb.levy": {"de": "Ausgleichsabgabe in €", "en": "Compensatory levy in €"},
    "report.wb.sb.approximation": {
        "de": "Näherung (ein Stichtag im Jahr)",
        "en": "Approximation (one snapshot a year)",
    },
    "report.wb.sb.not_published": {
        "de": "Nicht in der Freigabe und deshalb nicht in diesem Blatt: {item}.",
        "en": "Not in the release and therefore not on this sheet: {item}.",
    },
    "report.wb.sb.missing.months": {
        "de": "die Monatszeilen; zu berücksichtigende Arbeitsplätze und Pflichtarbeitsplätze "
        "stehen nur als Jahressumme",
        "en": "the monthly rows; places that count and mandatory places are given only as the "
        "year's sums",
    },
    "report.wb.sb.missing.all_places": {
        "de": "die Arbeitsplätze insgesamt (§ 156 Abs. 1 SGB IX)",
        "en": "all places (§ 156(1) SGB IX)",
    },
    "report.wb.sb.missing.not_counted": {
        "de": "die nicht zählenden Arbeitsplätze (Nachwuchskräfte, Stellen unter 18 Std., "
        "vertretene Beurlaubte; §§ 156, 157 SGB IX)",
        "en": "the places not counted (trainees, posts under 18 hours, replaced staff on leave; "
        "§§ 156, 157 SGB IX)",
    },
    "report.wb.sb.missing.severely_disabled": {
        "de": "die besetzten Plätze mit schwerbehinderten Menschen",
        "en": "the places filled with severely disabled persons",
    },
    "report.wb.sb.missing.equal_status": {
        "de": "die besetzten Plätze mit gleichgestellten Menschen",
        "en": "the places filled with persons of equal status",
    },
    "report.wb.sb.missing.multiple_credit": {
        "de": "die Mehrfachanrechnungen (§ 159 SGB IX); die besetzten Pflichtarbeitsplätze "
        "enthalten sie",
        "en": "the multiple credits (§ 159 SGB IX); the filled mandatory places include them",
    },
    "report.wb.sign.withheld": {
        "de": "aus Datenschutzgründen nicht ausgewiesen: zusammen mit anderen veröffentlichten "
        "Zahlen ließe der Wert auf wenige Personen schließen",
        "en": "withheld for confidentiality: together with other published figures the value "
        "would reveal a few persons",
    },
    "report.wb.sign.small": {
        "de": "Wert beruht auf weniger als {k} Personen",
        "en": "value based on fewer than {k} persons",
    },
    "report.wb.sign.small_sensitive": {
        "de": "Wert beruht auf weniger als {k} Personen (Schwerbehinderung, "
        "Migrationshintergrund; dort auch bei 0)",
        "en": "value based on fewer than {k} persons (disability, migration background; there "
        "also for 0)",
    },
    "report.wb.sign.none": {
        "de": "kein Wert (keine Daten, kein Ziel oder kein Vergleichswert)",
        "en": "no value (no data, no target or nothing to compare with)",
    },
    "report.wb.sign.pp": {"de": "Prozentpunkte", "en": "percentage points"},
    "report.wb.sign.place_months_term": {"de": "Platzmonate", "en": "place-months"},
    "report.wb.sign.place_months": {
        "de": "Arbeitsplätze, summiert über die Monate mit Stichtag (SGB IX); keine Personen",
        "en": "places summed over the months with a snapshot (SGB IX); not persons",
    },
    "report.wb.sign.percentages": {
        "de": "Ein Anteil in % wird nie mit „< k“ gekennzeichnet; Anteile mit einer "
        "Nachkommastelle.",
        "en": "A share in % is never marked “< k”; shares with one decimal.",
    },
    # --- end of report.wb. ---
    "report.sheet.kpis": {"de": "Kennzahlen", "en": "KPIs"},
    "report.sheet.pay_groups": {"de": "Entgeltgruppen", "en": "Pay groups"},
    "report.sheet.leadership": {"de": "Führungsebenen", "en": "Leadership levels"},
    "report.sheet.sb": {"de": "SGB IX {name}", "en": "SGB IX {name}"},
    "report.sheet.methodology": {"de": "Methodik", "en": "Methodology"},
    "report.col.item": {"de": "Angabe", "en": "Item"},
    "report.col.value": {"de": "Wert", "en": "Value"},
    "report.col.kpi": {"de": "Kennzahl", "en": "KPI"},
    "report.col.unit": {"de": "Einheit", "en": "Unit"},
    "report.col.value_year": {"de": "Wert {year}", "en": "Value {year}"},
    "report.col.target": {"de": "Ziel", "en": "Target"},
    "report.col.previous": {"de": "Vorjahr {year}", "en": "Previous year {year}"},
    "report.col.note": {"de": "Hinweis", "en": "Note"},
    "report.col.women": {"de": "Frauen", "en": "Women"},
    "report.col.men": {"de": "Männer", "en": "Men"},
    "report.col.women_share": {"de": "Frauenanteil in %", "en": "Share of women in %"},
    "report.col.underrepresented": {"de": "Unterrepräsentiert", "en": "Under-represented"},
    "report.col.k": {"de": "Mindestzahl k", "en": "Minimum k"},
    "report.row.full_time": {"de": "Vollzeit", "en": "Full-time"},
    "report.row.part_time": {"de": "Teilzeit", "en": "Part-time"},
    "report.row.total": {"de": "Insgesamt", "en": "Total"},
    "report.row.all_leaders": {"de": "Führungskräfte insgesamt", "en": "All leaders"},
    "report.row.applicants": {"de": "Bewerbende", "en": "Applicants"},
    "report.row.hires": {"de": "Einstellungen", "en": "Hires"},
    "report.info.title": {"de": "Titel", "en": "Title"},
    "report.info.view": {"de": "Sicht", "en": "View"},
    "report.info.reporting_date": {"de": "Stichtag", "en": "Reporting date"},
    "report.info.data_as_of": {"de": "Datenstand", "en": "Data as of"},
    "report.info.data": {"de": "Daten", "en": "Data"},
    "report.info.demo": {
        "de": "DEMO-DATEN (synthetisch erzeugt, keine echten Personen)",
        "en": "DEMO DATA (synthetic, no real persons)",
    },
    "report.info.real": {
        "de": "Personaldaten des Datenbestands",
        "en": "Personnel data of the store",
    },
    "report.info.created": {"de": "Erstellt am", "en": "Created"},
    "report.info.privacy": {"de": "Datenschutz", "en": "Privacy"},
    "report.unit.%": {"de": "%", "en": "%"},
    "report.unit.count": {"de": "Personen", "en": "persons"},
    "report.unit.ratio": {"de": "Verhältnis", "en": "ratio"},
    "report.unit.€": {"de": "€", "en": "€"},
    "report.unit.flag": {"de": "Bewertung", "en": "assessment"},
    "report.note.staff": {
        "de": "Beschäftigte ohne Nachwuchskräfte am Stichtag {date}, Frauen und Männer. Personen "
        "mit Geschlecht divers oder ohne Angabe sind nicht aufgeschlüsselt.",
        "en": "Staff without trainees at the reporting date {date}, women and men. Persons of "
        "gender diverse or not stated are not broken down.",
    },
    "report.note.active": {
        "de": "Aktive Beschäftigte (ohne Beurlaubte und Nachwuchskräfte) am Stichtag {date}; "
        "Teilzeit: Wochenstunden unter der Regelarbeitszeit.",
        "en": "Active staff (not on leave, without trainees) at the reporting date {date}; "
        "part-time: weekly hours below full-time hours.",
    },
    "report.note.leaders": {
        "de": "Beschäftigte mit Führungsfunktion am Stichtag {date}; Unterrepräsentanz nach "
        "§ 3 Nr. 10 BGleiG, bewertet ab {k} Personen je Bereich.",
        "en": "Staff in a leadership role at the reporting date {date}; under-representation "
        "under § 3 no. 10 BGleiG, assessed from {k} persons per area.",
    },
    "report.note.pay_groups": {
        "de": "Beschäftigte ohne Nachwuchskräfte am Stichtag {date} je Entgelt- bzw. "
        "Besoldungsgruppe; Unterrepräsentanz nach § 3 Nr. 10 BGleiG, bewertet ab {k} Personen.",
        "en": "Staff without trainees at the reporting date {date} per pay group; "
        "under-representation under § 3 no. 10 BGleiG, assessed from {k} persons.",
    },
    "report.note.applications": {
        "de": "Bewerbende des Jahres {year}, jede Person einmal; Geschlecht der letzten Bewerbung.",
        "en": "Applicants of {year}, each person once; gender of the latest application.",
    },
    "report.note.sb": {
        "de": "Berechnung nach §§ 154–160 SGB IX für {name}: Monatswerte zum letzten Stichtag "
        "jedes Monats; Quote = besetzte Pflichtarbeitsplätze / zu berücksichtigende "
        "Arbeitsplätze über das Jahr.",
        "en": "Computed under §§ 154–160 SGB IX for {name}: monthly values at each month's "
        "latest snapshot; quota = filled mandatory places / places that count over the year.",
    },
    "report.note.sb_internal": {
        "de": "Die gemeinsame Quote beider Träger ist eine interne Kennzahl; die Anzeige an die "
        "Agentur für Arbeit erstattet jeder Träger für sich.",
        "en": "The combined quota of both carriers is an internal KPI; each carrier files its "
        "own notice with the employment agency.",
    },
    "report.note.survey_previous": {
        "de": "Vorjahreswert aus der Befragungswelle {wave}",
        "en": "previous value from survey wave {wave}",
    },
    "report.note.not_in_carrier_view": {
        "de": "Befragungskennzahlen gibt es nur für beide Träger gemeinsam.",
        "en": "Survey KPIs exist only for both carriers together.",
    },
    # the PDF: summary page, contents, one section per headline KPI, the sections after them
    "report.pdf.page": {"de": "Seite {page} von {pages}", "en": "Page {page} of {pages}"},
    "report.pdf.summary": {"de": "Zusammenfassung", "en": "Summary"},
    "report.pdf.headline_table": {"de": "Leitkennzahlen {year}", "en": "Headline KPIs {year}"},
    "report.pdf.headlines": {"de": "Leitkennzahlen im Einzelnen", "en": "Headline KPIs in detail"},
    "report.pdf.col_status": {"de": "Zielerreichung", "en": "Target met"},
    "report.pdf.col_change": {"de": "ggü. {previous}", "en": "vs {previous}"},
    "report.pdf.col_change_none": {"de": "Veränderung", "en": "Change"},
    "report.pdf.see_signs": {
        "de": "Zeichen („•“, „< {k}“, „< {k_sensitive}“, „–“): Zeichenerklärung auf Seite {page}. "
        "Inhalt: Seite 2.",
        "en": "Signs (“•”, “< {k}”, “< {k_sensitive}”, “–”): see “Signs and notes” on page {page}. "
        "Contents: page 2.",
    },
    "report.pdf.contents": {"de": "Inhalt", "en": "Contents"},
    "report.pdf.open_points": {
        "de": "Offene Punkte: noch nicht erreichte Ziele",
        "en": "Open points: targets not yet met",
    },
    "report.pdf.no_open_points": {
        "de": "Alle Ziele der Leitkennzahlen sind erreicht.",
        "en": "Every target of the headline KPIs is met.",
    },
    "report.pdf.all_kpis": {"de": "Alle Kennzahlen {year}", "en": "All KPIs {year}"},
    "report.pdf.signs": {"de": "Zeichenerklärung", "en": "Signs and notes"},
    "report.pdf.col_sign": {"de": "Zeichen", "en": "Sign"},
    "report.pdf.col_meaning": {"de": "Bedeutung", "en": "Meaning"},
    "report.pdf.sign_withheld": {
        "de": "aus Datenschutzgründen nicht ausgewiesen, weil sich zusammen mit anderen "
        "veröffentlichten Zahlen auf wenige Personen schließen ließe",
        "en": "withheld for confidentiality, since together with other published figures it "
        "would reveal a few persons",
    },
    "report.pdf.sign_small": {
        "de": "Wert beruht auf weniger als {k} Personen",
        "en": "value based on fewer than {k} persons",
    },
    "report.pdf.sign_small_sensitive": {
        "de": "Wert beruht auf weniger als {k} Personen oder auf keiner (Schwerbehinderung, "
        "Migrationshintergrund: besonders schützenswerte Merkmale)",
        "en": "value based on fewer than {k} persons or on none (disability, migration "
        "background: special categories)",
    },
    "report.pdf.sign_dash": {
        "de": "kein Wert (keine Daten, kein Ziel oder kein Vergleichswert)",
        "en": "no value (no data, no target or nothing to compare with)",
    },
    "report.pdf.sign_pp": {"de": "Prozentpunkte", "en": "percentage points"},
    "report.pdf.gender_see_signs": {
        "de": "Geschlecht „divers“ und „ohne Angabe“ in diesem Jahr Frauen oder Männern "
        "zugeordnet: siehe Zeichenerklärung (Seite {page}).",
        "en": "Gender “diverse” and “not stated” assigned to women or men this year: see "
        "“Signs and notes” (page {page}).",
    },
    "report.pdf.sign_percent_note": {
        "de": "Ein Anteil in Prozent wird nie als „< k“ gekennzeichnet: ein zurückgehaltener "
        "Anteil steht als „•“.",
        "en": "A percentage is never marked “< k”: a share held back reads “•”.",
    },
    "report.cli.written": {
        "de": "Bericht geschrieben: {path} ({seconds:.1f} s)",
        "en": "Report written: {path} ({seconds:.1f} s)",
    },
    "report.cli.unknown_suffix": {
        "de": "Unbekanntes Dateiformat „{suffix}“: erwartet wird .pptx, .xlsx oder .pdf.",
        "en": "Unknown file format “{suffix}”: expected .pptx, .xlsx or .pdf.",
    },
    "report.cli.year_missing": {
        "de": "Das Jahr {year} ist nicht im Datenbestand (vorhanden: {years}).",
        "en": "The year {year} is not in the store (available: {years}).",
    },
    "report.cli.failed": {
        "de": "Der Bericht konnte nicht erstellt werden: {detail}",
        "en": "The report could not be built: {detail}",
    },
    # --- PowerPoint deck (metrics/report/deck.py) --------------------------------------------
    "report.deck.agenda": {"de": "Agenda", "en": "Agenda"},
    "report.deck.template_unreadable": {
        "de": "Die PowerPoint-Vorlage {path} (settings.toml, [report] template) lässt sich nicht "
        "als PowerPoint-Datei öffnen. Die Administration muss dort eine gültige .pptx-Datei "
        "angeben oder den Eintrag leeren; Tabellen und PDF lassen sich weiterhin erstellen.",
        "en": "The PowerPoint template {path} (settings.toml, [report] template) cannot be opened "
        "as a PowerPoint file. Ask the administrator to name a valid .pptx file or to empty the "
        "entry; the workbook and the PDF still work.",
    },
    "report.deck.template_no_layouts": {
        "de": "Die PowerPoint-Vorlage {path} (settings.toml, [report] template) hat kein "
        "Folienlayout. Die Administration muss dort eine Vorlage mit Folienmaster angeben.",
        "en": "The PowerPoint template {path} (settings.toml, [report] template) has no slide "
        "layout. Ask the administrator to name a template with a slide master.",
    },
    "report.deck.section.summary": {"de": "Das Wichtigste in Kürze", "en": "Key messages"},
    "report.deck.section.headlines": {"de": "Leitkennzahlen", "en": "Headline KPIs"},
    "report.deck.section.quota": {
        "de": "Beschäftigungsquote je Träger (§ 154 SGB IX)",
        "en": "Each carrier's employment quota (§ 154 SGB IX)",
    },
    "report.deck.section.underrepresentation": {
        "de": "Unterrepräsentanz nach BGleiG",
        "en": "Under-representation (BGleiG)",
    },
    "report.deck.section.pipeline": {
        "de": "Frauen auf den Führungsebenen",
        "en": "Women across the leadership levels",
    },
    "report.deck.section.leave": {"de": "Eltern- und Pflegezeit", "en": "Parental and care leave"},
    "report.deck.section.open_points": {
        "de": "Offene Punkte / nächste Schritte",
        "en": "Open points / next steps",
    },
    "report.deck.section.appendix": {
        "de": "Anhang: Kennzahlen, Methodik, Zeichenerklärung",
        "en": "Appendix: KPI table, methodology, signs",
    },
    "report.deck.keywords": {
        "de": "Vielfalt; Gleichstellung; BGleiG; SGB IX; Kennzahlen {year}",
        "en": "diversity; equality; BGleiG; SGB IX; KPIs {year}",
    },
    "report.deck.category": {"de": "Präsentation", "en": "Presentation"},
    "report.deck.summary_title": {"de": "Das Wichtigste in Kürze", "en": "Key messages"},
    "report.deck.target": {"de": "Ziel: {target}", "en": "Target: {target}"},
    "report.deck.legal_quota": {
        "de": "Gesetzliche Quote (§ 154 SGB IX): {target}",
        "en": "Legal quota (§ 154 SGB IX): {target}",
    },
    "report.deck.internal_target": {
        "de": "Ziel Inklusionsvereinbarung: {target}",
        "en": "Inclusion agreement target: {target}",
    },
    "report.deck.target_series": {"de": "Ziel {target}", "en": "Target {target}"},
    "report.deck.target_of": {"de": "Ziel {kpi}: {target}", "en": "Target {kpi}: {target}"},
    "report.deck.legal_series": {
        "de": "Gesetzliche Quote {target}",
        "en": "Legal quota {target}",
    },
    "report.deck.internal_series": {
        "de": "Ziel Inklusionsvereinbarung {target}",
        "en": "Inclusion agreement target {target}",
    },
    "report.deck.finding_target_met": {"de": "Das Ziel ist erreicht.", "en": "The target is met."},
    "report.deck.finding_target_missed": {
        "de": "Das Ziel ist noch nicht erreicht.",
        "en": "The target is not met yet.",
    },
    "report.deck.finding_quota_met": {
        "de": "Die gesetzliche Beschäftigungspflicht ist erfüllt.",
        "en": "The legal employment duty is met.",
    },
    "report.deck.finding_quota_missed": {
        "de": "Die gesetzliche Beschäftigungspflicht ist nicht erfüllt.",
        "en": "The legal employment duty is not met.",
    },
    "report.deck.finding_no_target": {
        "de": "Für diese Kennzahl ist kein Ziel festgelegt.",
        "en": "No target is set for this KPI.",
    },
    "report.deck.finding_within_margin": {
        "de": "Gegenüber der Befragung {wave} im Rahmen der Messgenauigkeit unverändert "
        "(Unsicherheit der Veränderung ±{margin}).",
        "en": "Unchanged against the {wave} survey within the margin of error (margin of the "
        "change ±{margin}).",
    },
    "report.deck.finding_beyond_margin": {
        "de": "Die Veränderung gegenüber der Befragung {wave} ist größer als ihre Unsicherheit "
        "(±{margin}).",
        "en": "The change against the {wave} survey is larger than its margin of error "
        "(±{margin}).",
    },
    "report.deck.finding_interval": {
        "de": "95-%-Konfidenzintervall: {low} bis {high}.",
        "en": "95 % confidence interval: {low} to {high}.",
    },
    "report.deck.finding_since": {"de": "Seit {year}: {change}.", "en": "Since {year}: {change}."},
    "report.deck.index_explained": {
        "de": "Der Repräsentationsindex teilt den Frauenanteil an Führungskräften ({leaders}) "
        "durch den an den Beschäftigten ({staff}); {one} hieße: Frauen führen so oft, wie sie "
        "in der Belegschaft vertreten sind.",
        "en": "The representation index divides the share of women among leaders ({leaders}) "
        "by their share of the staff ({staff}); {one} would mean women lead as often as they "
        "are represented in the staff.",
    },
    "report.deck.index_value": {
        "de": "{year} ergibt das {index}.",
        "en": "In {year} that gives {index}.",
    },
    "report.deck.gaps": {
        "de": "Lücken im Diagramm: Jahre ohne ausgewiesenen Wert ({signs}).",
        "en": "Gaps in the chart: years without a published value ({signs}).",
    },
    "report.deck.quota_title_met": {
        "de": "{carriers} erfüllen die gesetzliche Quote von {legal}",
        "en": "{carriers} meet the legal quota of {legal}",
    },
    "report.deck.quota_title_missed": {
        "de": "{carriers} verfehlen die gesetzliche Quote von {legal}",
        "en": "{carriers} miss the legal quota of {legal}",
    },
    "report.deck.quota_title_met_one": {
        "de": "{carriers} erfüllt die gesetzliche Quote von {legal}",
        "en": "{carriers} meets the legal quota of {legal}",
    },
    "report.deck.quota_title_missed_one": {
        "de": "{carriers} verfehlt die gesetzliche Quote von {legal}",
        "en": "{carriers} misses the legal quota of {legal}",
    },
    "report.deck.quota_title_some": {
        "de": "{met} erfüllt die gesetzliche Quote von {legal}, {missed} nicht",
        "en": "{met} meets the legal quota of {legal}, {missed} does not",
    },
    "report.deck.quota_title_withheld": {
        "de": "Beschäftigungsquote je Träger {year}: aus Datenschutzgründen nicht ausgewiesen",
        "en": "Employment quota per carrier {year}: withheld for confidentiality",
    },
    "report.deck.quota_note": {
        "de": "Gesetzliches Verfahren der §§ 154–160 SGB IX: Monatswerte zum letzten Stichtag "
        "jedes Monats. Jeder Träger erstattet die Anzeige an die Agentur für Arbeit für sich; "
        "das Ziel der Inklusionsvereinbarung ist ein internes Ziel des Jobcenters.",
        "en": "Legal method of §§ 154–160 SGB IX: monthly values at each month's latest "
        "snapshot. Each carrier files its own notice with the employment agency; the inclusion "
        "agreement's target is the Jobcenter's own.",
    },
    "report.deck.col_item": {"de": "Angabe", "en": "Item"},
    "report.deck.row_quota": {"de": "Quote (gesetzliches Verfahren)", "en": "Quota (legal method)"},
    "report.deck.row_months_covered": {"de": "Monate mit Stichtag", "en": "Months covered"},
    "report.deck.row_mandatory_place_months": {
        "de": "Pflichtarbeitsplätze (Platz-Monate)",
        "en": "Mandatory places (place-months)",
    },
    "report.deck.row_unfilled_place_months": {
        "de": "Unbesetzte Platz-Monate",
        "en": "Unfilled place-months",
    },
    "report.deck.row_levy_eur": {"de": "Ausgleichsabgabe", "en": "Compensatory levy"},
    "report.deck.col_area": {"de": "Bereich", "en": "Area"},
    "report.deck.col_women": {"de": "Frauen", "en": "Women"},
    "report.deck.col_men": {"de": "Männer", "en": "Men"},
    "report.deck.col_underrepresented": {"de": "Unterrepräsentiert", "en": "Under-represented"},
    "report.deck.men": {"de": "Männer", "en": "Men"},
    "report.deck.women": {"de": "Frauen", "en": "Women"},
    "report.deck.neither": {"de": "keines", "en": "neither"},
    "report.deck.not_assessed": {"de": "nicht bewertet", "en": "not assessed"},
    "report.deck.pay_group": {"de": "Gruppe {area}", "en": "Group {area}"},
    "report.deck.underrepresented_one": {
        "de": "{gender} sind in {n} von {areas} bewerteten Bereichen unterrepräsentiert",
        "en": "{gender} are under-represented in {n} of {areas} assessed areas",
    },
    "report.deck.underrepresented_both": {
        "de": "Unterrepräsentiert sind Männer in {men}, Frauen in {women} von {areas} "
        "bewerteten Bereichen",
        "en": "Men are under-represented in {men}, women in {women} of {areas} assessed areas",
    },
    "report.deck.underrepresented_none": {
        "de": "In keinem der {areas} bewerteten Bereiche ist ein Geschlecht unterrepräsentiert",
        "en": "Neither gender is under-represented in any of the {areas} assessed areas",
    },
    "report.deck.underrepresentation_short": {
        "de": "Bereiche (§ 3 Nr. 2 BGleiG): Entgelt- und Besoldungsgruppen, Führungsebenen. "
        "Unterrepräsentiert (§ 3 Nr. 10): ein Geschlecht unter der Hälfte. Nicht bewertet: "
        "ließe auf unter {k} Personen schließen.",
        "en": "Areas (§ 3 no. 2 BGleiG): pay groups, leadership levels. Under-represented "
        "(§ 3 no. 10): one gender below half. Not assessed: would reveal fewer than {k} "
        "persons.",
    },
    "report.deck.underrepresentation_note": {
        "de": "Bereiche nach § 3 Nr. 2 BGleiG: Entgelt- und Besoldungsgruppen und Führungsebenen. "
        "Unterrepräsentiert nach § 3 Nr. 10 BGleiG: ein Geschlecht stellt weniger als die Hälfte "
        "(bei ungerader Personenzahl mit mindestens zwei Personen Abstand). Nicht bewertet: "
        "Bereiche, deren Bewertung auf weniger als {k} Personen schließen ließe.",
        "en": "Areas under § 3 no. 2 BGleiG: pay groups and leadership levels. Under-represented "
        "under § 3 no. 10 BGleiG: one gender is less than half (with an odd number of persons, "
        "by at least two). Not assessed: areas whose verdict would reveal fewer than {k} "
        "persons.",
    },
    "report.deck.staff": {"de": "Beschäftigte", "en": "Staff"},
    "report.deck.deputies": {"de": "Stellvertretungen", "en": "Deputies"},
    "report.deck.women_share_series": {"de": "Frauenanteil", "en": "Share of women"},
    "report.deck.pipeline_title": {
        "de": "Frauen stellen {staff} der Beschäftigten und {leaders} der Führungskräfte",
        "en": "Women are {staff} of the staff and {leaders} of the leaders",
    },
    "report.deck.pipeline_title_plain": {
        "de": "Frauenanteil je Führungsebene {year}",
        "en": "Share of women by leadership level {year}",
    },
    "report.deck.pipeline_note": {
        "de": "Frauenanteil = Frauen / (Frauen + Männer) am Stichtag; Ziel je Führungsebene "
        "nach dem Gleichstellungsplan (§ 13 BGleiG).",
        "en": "Share of women = women / (women + men) at the reporting date; target per "
        "leadership level under the equality plan (§ 13 BGleiG).",
    },
    "report.deck.leave_not_shown": {
        "de": "Ohne ausgewiesenen Wert in allen Jahren und daher nicht gezeigt: {kpis}.",
        "en": "Without a published value in every year and so not shown: {kpis}.",
    },
    "report.deck.no_open_points": {
        "de": "Alle Ziele mit ausgewiesenem Wert sind erreicht.",
        "en": "Every target with a published value is met.",
    },
    "report.deck.next_step": {
        "de": "Nächster Schritt: je offenem Punkt Maßnahme und Verantwortliche festlegen und "
        "zum nächsten Stichtag prüfen.",
        "en": "Next step: agree a measure and an owner for each open point and review them at "
        "the next reporting date.",
    },
    "report.deck.col_change": {"de": "Veränderung", "en": "Change"},
    "report.deck.kpi_table_title": {
        "de": "Anhang: Kennzahlen {year}",
        "en": "Appendix: KPIs {year}",
    },
    "report.deck.method_title": {
        "de": "Anhang: Methodik und Datenschutz",
        "en": "Appendix: methodology and privacy",
    },
    "report.deck.legend_title": {"de": "Anhang: Zeichenerklärung", "en": "Appendix: signs"},
    "report.deck.sign_small": {
        "de": "„< {k}“: Wert beruht auf weniger als {k} Personen.",
        "en": "“< {k}”: value based on fewer than {k} persons.",
    },
    "report.deck.sign_small_sensitive": {
        "de": "„< {k}“ bei sensiblen Angaben (Schwerbehinderung, Migration): Wert beruht auf "
        "weniger als {k} Personen oder auf keiner.",
        "en": "“< {k}” for sensitive figures (disability, migration): value based on fewer than "
        "{k} persons or on none.",
    },
    "report.deck.sign_withheld": {
        "de": "„•“: aus Datenschutzgründen nicht ausgewiesen, weil sich zusammen mit anderen "
        "Zahlen auf wenige Personen schließen ließe. Ein Anteil in Prozent steht nie als „< …“.",
        "en": "“•”: withheld for confidentiality, since together with other figures it would "
        "reveal a few persons. A percentage never reads “< …”.",
    },
    "report.deck.sign_dash": {
        "de": "„–“: kein Wert (keine Daten, kein Ziel oder kein Vergleichswert).",
        "en": "“–”: no value (no data, no target or nothing to compare with).",
    },
    "report.deck.sign_gap": {
        "de": "Lücke in einer Linie oder ein fehlender Balken: Wert nicht ausgewiesen, nie 0.",
        "en": "A gap in a line or a missing bar: value not published, never 0.",
    },
    "report.deck.sign_pp": {
        "de": "„Pp.“: Prozentpunkte.",
        "en": "“pp”: percentage points.",
    },
    # --- backup and restore (python -m metrics backup / restore) ------------------------------
    "backup.no_store": {
        "de": "{db}: hier gibt es keinen Datenbestand, nichts zu sichern.",
        "en": "{db}: there is no store here, nothing to back up.",
    },
    "backup.target_not_empty": {
        "de": "{dir}: ist kein leeres Verzeichnis; bitte ein neues oder leeres Verzeichnis "
        "für die Sicherung angeben.",
        "en": "{dir}: is not an empty directory; give a new or empty directory for the backup.",
    },
    "backup.key_missing": {
        "de": "{key_file}: Pseudonymschlüssel nicht gefunden, --with-key kann ihn nicht mit "
        "sichern. Ohne ihn lassen sich spätere Importe nicht mit dem Datenbestand verknüpfen.",
        "en": "{key_file}: pseudonym key not found, so --with-key cannot back it up. Without it, "
        "later imports cannot be linked to the store.",
    },
    "backup.key_damaged": {
        "de": "{key_file}: der Pseudonymschlüssel ist beschädigt (kein Hex-Text von mindestens "
        "16 Bytes).",
        "en": "{key_file}: the pseudonym key is damaged (not hex text of at least 16 bytes).",
    },
    "backup.key_mismatch": {
        "de": "{key_file}: dieser Schlüssel gehört nicht zum Datenbestand {db} (Fingerabdruck "
        "{found}, der Datenbestand erwartet {expected}).",
        "en": "{key_file}: this key does not belong to the store {db} (fingerprint {found}, the "
        "store expects {expected}).",
    },
    "backup.store_unreadable": {
        "de": "{file}: lässt sich nicht als Datenbestand öffnen ({detail}).",
        "en": "{file}: cannot be opened as a store ({detail}).",
    },
    "backup.io_error": {
        "de": "{file}: Lesen oder Schreiben fehlgeschlagen ({detail}).",
        "en": "{file}: reading or writing failed ({detail}).",
    },
    "backup.no_manifest": {
        "de": "{dir}: keine vollständige Sicherung (manifest.json fehlt).",
        "en": "{dir}: not a complete backup (manifest.json is missing).",
    },
    "backup.manifest_invalid": {
        "de": "{file}: kein gültiges Manifest einer Vielfaltsmonitor-Sicherung ({detail}).",
        "en": "{file}: not a valid Vielfaltsmonitor backup manifest ({detail}).",
    },
    "backup.file_missing": {
        "de": "{file}: fehlt in der Sicherung.",
        "en": "{file}: is missing from the backup.",
    },
    "backup.size_mismatch": {
        "de": "{file}: hat {found} Bytes, laut Manifest {expected}; die Datei ist verändert "
        "oder beschädigt.",
        "en": "{file}: has {found} bytes, the manifest says {expected}; the file was changed "
        "or is damaged.",
    },
    "backup.checksum_mismatch": {
        "de": "{file}: die SHA-256-Prüfsumme stimmt nicht mit dem Manifest überein; die Datei "
        "ist verändert oder beschädigt.",
        "en": "{file}: its SHA-256 checksum does not match the manifest; the file was changed "
        "or is damaged.",
    },
    "backup.store_exists": {
        "de": "{db}: hier gibt es schon einen Datenbestand; mit --force wird er durch die "
        "Sicherung ersetzt.",
        "en": "{db}: a store exists here already; --force replaces it with the backup.",
    },
    "backup.key_differs": {
        "de": "{key_file}: hier liegt ein anderer Pseudonymschlüssel (Fingerabdruck {found}, die "
        "Sicherung hat {expected}); mit --force wird er ersetzt. Ein anderer Datenbestand, der "
        "diesen Schlüssel nutzt, kann danach nicht mehr importieren.",
        "en": "{key_file}: another pseudonym key is here (fingerprint {found}, the backup has "
        "{expected}); --force replaces it. Any other store that uses this key can no longer "
        "import afterwards.",
    },
    "backup.key_needed": {
        "de": "Die Sicherung enthält keinen Pseudonymschlüssel, und unter {key_file} liegt keiner. "
        "Den Schlüssel des Datenbestands (Fingerabdruck {expected}) dorthin legen oder "
        "VIELFALT_SECRET auf ihn zeigen lassen.",
        "en": "The backup holds no pseudonym key, and there is none at {key_file}. Put the store's "
        "key (fingerprint {expected}) there, or point VIELFALT_SECRET at it.",
    },
    "backup.key_wrong": {
        "de": "{key_file}: dieser Schlüssel gehört nicht zum gesicherten Datenbestand "
        "(Fingerabdruck {found}, erwartet {expected}); den richtigen Schlüssel dorthin legen oder "
        "VIELFALT_SECRET auf ihn zeigen lassen.",
        "en": "{key_file}: this key does not belong to the backed-up store (fingerprint {found}, "
        "expected {expected}); put the right key there, or point VIELFALT_SECRET at it.",
    },
    "backup.settings_invalid": {
        "de": "{file}: die gesicherten Einstellungen gelten in dieser Version nicht: {detail}",
        "en": "{file}: the backed-up settings are not valid in this version: {detail}",
    },
    "backup.after_restore_failed": {
        "de": "Datenbestand und Schlüssel sind wiederhergestellt, aber {file} konnte nicht "
        "geschrieben werden ({detail}).",
        "en": "The store and key are restored, but {file} could not be written ({detail}).",
    },
    "backup.refused": {
        "de": "Wiederherstellung abgelehnt: {detail} Vorhandener Datenbestand und Schlüssel "
        "sind unverändert.",
        "en": "Restore refused: {detail} The existing store and key are unchanged.",
    },
    "backup.written": {
        "de": "Sicherung geschrieben: {dir} ({files} Dateien, {size}; Revision des "
        "Datenbestands {revision}).",
        "en": "Backup written: {dir} ({files} files, {size}; store revision {revision}).",
    },
    "backup.key_included": {
        "de": "Die Sicherung enthält den Pseudonymschlüssel: so sicher verwahren wie den "
        "Schlüssel selbst (wer sie und einen HR-Export hat, kann Pseudonyme Personen zuordnen).",
        "en": "The backup holds the pseudonym key: keep it as safe as the key itself (whoever "
        "has it and an HR export can link pseudonyms to persons).",
    },
    "backup.key_left_out": {
        "de": "Die Sicherung enthält den Pseudonymschlüssel nicht (--with-key nimmt ihn mit auf). "
        "Den Schlüssel getrennt von den Daten sichern. Zum Wiederherstellen muss "
        "der Schlüssel von {key_file} (Fingerabdruck {fingerprint}) dort liegen, wo die "
        "Installation ihn sucht: VIELFALT_SECRET, sonst ~/.config/vielfaltsmonitor/pseudonym.key.",
        "en": "The backup does not hold the pseudonym key (--with-key adds it). Back the key up "
        "apart from the data. To restore, the key from {key_file} "
        "(fingerprint {fingerprint}) must be where the installation looks for it: "
        "VIELFALT_SECRET, else ~/.config/vielfaltsmonitor/pseudonym.key.",
    },
    "backup.restored": {
        "de": "Datenbestand wiederhergestellt: {db} (Sicherung vom {created}, Revision "
        "{revision}); alle Prüfsummen und der Schlüssel-Fingerabdruck stimmen.",
        "en": "Store restored: {db} (backup of {created}, revision {revision}); every checksum "
        "and the key fingerprint match.",
    },
    "backup.restored_key_written": {
        "de": "Pseudonymschlüssel geschrieben: {key_file}",
        "en": "Pseudonym key written: {key_file}",
    },
    "backup.restored_key_in_place": {
        "de": "Pseudonymschlüssel war schon vorhanden und passt: {key_file}",
        "en": "The pseudonym key was in place already and matches: {key_file}",
    },
    "backup.settings_replaced": {
        "de": "Einstellungen wiederhergestellt: {file}",
        "en": "Settings restored: {file}",
    },
    "backup.settings_beside": {
        "de": "Gesicherte Einstellungen abgelegt als {file}; {current} bleibt unverändert. "
        "Vergleichen und übernehmen, oder mit --with-settings wiederherstellen.",
        "en": "Backed-up settings put at {file}; {current} is unchanged. Compare and adopt "
        "them, or restore with --with-settings.",
    },
    "backup.settings_unchanged": {
        "de": "Einstellungen gleich wie in der Sicherung: {file}",
        "en": "Settings identical to the backup's: {file}",
    },
    "backup.log_restored": {
        "de": "Protokoll wiederhergestellt: {file}",
        "en": "Log restored: {file}",
    },
    "backup.log_kept": {
        "de": "Protokoll vorhanden und beibehalten (ein Protokoll wird nie zurückgesetzt): {file}",
        "en": "Log present and kept (a log is never rolled back): {file}",
    },
    "backup.plan_next": {
        "de": "Danach: python -m metrics plan (plant die Veröffentlichung jedes Jahres neu).",
        "en": "Next: python -m metrics plan (plans every year's release afresh).",
    },
}


def t(key: str, lang: Lang = "de", **params: object) -> str:
    """The text for key in lang, with params filled in; German when no English text exists."""
    texts = TEXTS[key]
    template = texts.get(lang) or texts["de"]
    return template.format(**params) if params else template
