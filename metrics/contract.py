"""The data contract of CONTRACT.md § 1 as data: sources, columns, aliases, codes, types.

Everything the importer accepts is described here and nowhere else; the store schema and the
import templates are derived from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class ColumnType(StrEnum):
    DATE = "date"
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    CODE = "code"
    # a person or applicant id: validated as text, stored only as a keyed hash
    PSEUDONYM = "pseudonym"


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    type: ColumnType
    required: bool = True
    # default for an empty cell or a missing optional column (already canonical)
    default: str | int | bool | None = None
    # code -> accepted aliases (the code itself is always accepted)
    codes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    # the store keeps this column under another name (hashed ids)
    stored_as: str | None = None
    # health or origin data (GDPR Art. 9): its cell text is never quoted in a message or log
    sensitive: bool = False

    @property
    def store_name(self) -> str:
        return self.stored_as or self.name

    @property
    def header(self) -> str:
        """The header a German export gives the column (its first alias)."""
        return self.aliases[0] if self.aliases else self.name

    def header_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def code_lookup(self) -> dict[str, str]:
        """Lower-cased, trimmed spelling -> canonical code."""
        lookup: dict[str, str] = {}
        for code, aliases in self.codes.items():
            for spelling in (code, *aliases):
                lookup[spelling.strip().lower()] = code
        return lookup


@dataclass(frozen=True)
class Source:
    kind: str
    table: str
    label_de: str
    label_en: str
    columns: tuple[Column, ...]
    # columns whose values an import covers and replaces (CONTRACT § 1.4)
    coverage_column: str

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def quoted_headers(self, names: Sequence[str]) -> str:
        """ "„Stellvertretung“, „Mobiles Arbeiten“": columns by the headers exports give them."""
        return ", ".join(f"„{self.column(name).header}“" for name in names)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


CARRIER_CODES = {
    "BA": ("Agentur", "Bundesagentur", "Agentur für Arbeit"),
    "Kommune": ("Stadt", "kommunal", "Kommunaler Träger"),
}
GENDER_CODES = {
    "w": ("weiblich", "f", "female"),
    "m": ("männlich", "male"),
    "d": ("divers",),
    "x": ("ohne Angabe", "keine Angabe"),
}
DISABILITY_CODES = {"nein": (), "schwerbehindert": (), "gleichgestellt": ()}
# the same column in the personnel and the applicant export
DISABILITY = Column(
    "disability", ("Schwerbehinderung",), ColumnType.CODE, codes=DISABILITY_CODES, sensitive=True
)
LEADERSHIP_LEVELS = ("Teamleitung", "Bereichsleitung", "Geschäftsführung")
EMPLOYMENT_TYPES = ("Tarif", "Beamte", "Ausbildung")
CARRIERS = tuple(CARRIER_CODES)
GENDERS = tuple(GENDER_CODES)
YES_NO_UNKNOWN = {"ja": (), "nein": (), "keine Angabe": ("k. A.", "k.A.", "ohne Angabe")}
PARENT_COUNT = {"0": (), "1": (), "2": (), "keine Angabe": ("k. A.", "k.A.", "ohne Angabe")}

# booleans: CONTRACT § 1.1 — ja/nein, j/n, 1/0, true/false, x/empty
TRUE_SPELLINGS = ("ja", "j", "1", "true", "x", "wahr", "yes", "y")
FALSE_SPELLINGS = ("nein", "n", "0", "false", "falsch", "no", "")

MIN_BIRTH_YEAR = 1940
MIN_WORKING_AGE = 14
MAX_WEEKLY_HOURS = 60

PERSONNEL = Source(
    kind="personnel",
    table="personnel",
    label_de="Personalbestand",
    label_en="personnel snapshot",
    coverage_column="reporting_date",
    columns=(
        Column("reporting_date", ("Stichtag",), ColumnType.DATE),
        Column(
            "person_id",
            ("Pseudonym", "Personal-ID", "PersNr"),
            ColumnType.PSEUDONYM,
            stored_as="person_key",
        ),
        Column("carrier", ("Träger",), ColumnType.CODE, codes=CARRIER_CODES),
        Column("org_unit", ("Organisationseinheit", "Bereich"), ColumnType.TEXT),
        Column("gender", ("Geschlecht",), ColumnType.CODE, codes=GENDER_CODES),
        # upper bound (reporting year − 14) depends on the row: checked in ingest
        Column("birth_year", ("Geburtsjahr",), ColumnType.INT, minimum=MIN_BIRTH_YEAR),
        Column(
            "employment_type",
            ("Beschäftigungsart", "Statusgruppe"),
            ColumnType.CODE,
            codes={
                "Tarif": ("Arbeitnehmer", "Tarifbeschäftigte"),
                "Beamte": ("Beamtin", "Beamter"),
                "Ausbildung": ("Auszubildende", "Anwärter", "Referendare", "Nachwuchskräfte"),
            },
        ),
        Column(
            "pay_group",
            ("Entgeltgruppe", "Besoldungsgruppe", "Tätigkeitsebene"),
            ColumnType.TEXT,
        ),
        Column(
            "weekly_hours",
            ("Wochenstunden", "Arbeitszeit"),
            ColumnType.DECIMAL,
            minimum=0,
            maximum=MAX_WEEKLY_HOURS,
        ),
        Column(
            "full_time_hours",
            ("Regelarbeitszeit", "Vollzeitstunden"),
            ColumnType.DECIMAL,
            # "> 0": the importer treats 0 as out of range
            minimum=0,
            maximum=MAX_WEEKLY_HOURS,
        ),
        Column(
            "leadership",
            ("Führungsebene", "Führungsfunktion"),
            ColumnType.CODE,
            codes={"keine": ("nein", "-"), **{level: () for level in LEADERSHIP_LEVELS}},
        ),
        Column("deputy", ("Stellvertretung",), ColumnType.BOOL, required=False, default=False),
        DISABILITY,
        Column(
            "credit_factor",
            ("Mehrfachanrechnung",),
            ColumnType.INT,
            sensitive=True,
            required=False,
            default=1,
            minimum=1,
            maximum=3,
        ),
        Column(
            "under18_approved",
            ("Anrechnung unter 18 Std",),
            ColumnType.BOOL,
            required=False,
            default=False,
        ),
        Column(
            "leave",
            ("Beurlaubung",),
            ColumnType.CODE,
            required=False,
            default="keine",
            codes={
                "keine": ("nein", "-"),
                "Elternzeit": (),
                "Pflege": ("Pflegezeit", "Familienpflegezeit"),
                "sonstige": ("sonstiges",),
            },
        ),
        Column("leave_replaced", ("Vertretung",), ColumnType.BOOL, required=False, default=False),
        Column(
            "mobile_work",
            ("Mobiles Arbeiten", "Telearbeit"),
            ColumnType.CODE,
            required=False,
            default="keine",
            codes={"keine": ("nein", "-"), "mobil": ("mobiles Arbeiten",), "Telearbeit": ()},
        ),
        Column("fixed_term", ("Befristet",), ColumnType.BOOL, required=False, default=False),
        Column("entry_date", ("Eintrittsdatum",), ColumnType.DATE, required=False),
    ),
)

APPLICATIONS = Source(
    kind="applications",
    table="applications",
    label_de="Bewerbungen",
    label_en="applications",
    coverage_column="application_date",
    columns=(
        Column("application_date", ("Eingangsdatum",), ColumnType.DATE),
        Column(
            "applicant_id",
            ("Bewerber-Pseudonym", "Bewerber-ID"),
            ColumnType.PSEUDONYM,
            stored_as="applicant_key",
        ),
        Column("posting_id", ("Ausschreibung", "Stellen-ID"), ColumnType.TEXT),
        Column("carrier", ("Träger",), ColumnType.CODE, required=False, codes=CARRIER_CODES),
        Column("gender", ("Geschlecht",), ColumnType.CODE, codes=GENDER_CODES),
        DISABILITY,
        Column(
            "leadership_posting",
            ("Führungsposition",),
            ColumnType.BOOL,
            required=False,
            default=False,
        ),
        Column(
            "stage",
            ("Verfahrensstand",),
            ColumnType.CODE,
            codes={
                "beworben": ("Bewerbung", "eingegangen"),
                "eingeladen": ("Vorstellungsgespräch", "Interview"),
                "eingestellt": ("Einstellung", "hired"),
            },
        ),
    ),
)

# CONTRACT § 2's per-applicant rules start from these facts of each application of a year
# (bound: $start, $end); an applicant has disclosed / been invited / been hired if any of their
# applications says so, and has the gender of their latest application (LATEST_GENDER_SQL). The
# KPI engine and the disclosure attacker both read applicants through them.
APPLICATIONS_OF_YEAR_SQL = f"""
    SELECT applicant_key, carrier, gender, application_date, posting_id,
        disability <> 'nein' AS disclosed,
        stage IN ('eingeladen', 'eingestellt') AS invited,
        stage = 'eingestellt' AS hired
    FROM {APPLICATIONS.table}
    WHERE application_date >= $start AND application_date < $end"""
# ties broken deterministically
LATEST_GENDER_SQL = "arg_max(gender, (application_date, posting_id, gender))"

SURVEY = Source(
    kind="survey",
    table="survey_responses",
    label_de="Vielfaltsbefragung",
    label_en="diversity survey",
    coverage_column="wave",
    columns=(
        Column("wave", ("Befragungsjahr",), ColumnType.INT, minimum=2000, maximum=2100),
        Column(
            "german_at_birth",
            ("Deutsch seit Geburt",),
            ColumnType.CODE,
            codes=YES_NO_UNKNOWN,
            sensitive=True,
        ),
        Column(
            "immigrated",
            ("Selbst zugewandert",),
            ColumnType.CODE,
            codes=YES_NO_UNKNOWN,
            sensitive=True,
        ),
        Column(
            "parents_not_german_at_birth",
            ("Eltern nicht deutsch seit Geburt",),
            ColumnType.CODE,
            codes=PARENT_COUNT,
            sensitive=True,
        ),
        Column(
            "parents_immigrated",
            ("Eltern zugewandert",),
            ColumnType.CODE,
            codes=PARENT_COUNT,
            sensitive=True,
        ),
        Column(
            "leadership",
            ("Führungskraft",),
            ColumnType.CODE,
            required=False,
            default="keine Angabe",
            codes=YES_NO_UNKNOWN,
        ),
        Column(
            "gender",
            ("Geschlecht",),
            ColumnType.CODE,
            required=False,
            default="x",
            codes=GENDER_CODES,
        ),
    ),
)

SURVEY_INVITED = Source(
    kind="survey_invited",
    table="survey_invited",
    label_de="Eingeladene je Befragungswelle",
    label_en="invited per survey wave",
    coverage_column="wave",
    columns=(
        Column("wave", ("Befragungsjahr",), ColumnType.INT, minimum=2000, maximum=2100),
        Column("invited", ("Eingeladene",), ColumnType.INT, minimum=1),
    ),
)

SOURCES: tuple[Source, ...] = (PERSONNEL, APPLICATIONS, SURVEY, SURVEY_INVITED)
SOURCES_BY_KIND = {source.kind: source for source in SOURCES}

# Headers that identify a person directly: a file carrying any of them is refused whole
# (CONTRACT § 1: data minimisation happens at the source). Compared after normalise_header().
DIRECT_IDENTIFIER_HEADERS = frozenset(
    {
        "name",
        "vorname",
        "nachname",
        "familienname",
        "geburtsname",
        "first name",
        "last name",
        "firstname",
        "lastname",
        "full name",
        "e-mail",
        "email",
        "e-mail-adresse",
        "mail",
        "geburtsdatum",
        "date of birth",
        "birth date",
        "birthdate",
        "straße",
        "strasse",
        "street",
        "adresse",
        "anschrift",
        "address",
        "wohnort",
        "plz",
        "postleitzahl",
        "telefon",
        "telefonnummer",
        "phone",
        "mobilnummer",
        "handy",
        "steuer-id",
        "steuer-identifikationsnummer",
        "steuernummer",
        "steueridentifikationsnummer",
        "tax id",
        "sv-nummer",
        "sozialversicherungsnummer",
        "rentenversicherungsnummer",
        "social security number",
        "iban",
        "bic",
        "kontonummer",
    }
)


def normalise_header(header: str) -> str:
    """Case-insensitive, trimmed, inner whitespace collapsed (CONTRACT § 1)."""
    return " ".join(str(header).replace("\ufeff", "").split()).lower()


# Headers of the columns whose cell text no message or log quotes: the person and applicant ids
# (a raw id singles a person out) and the sensitive columns. Compared after normalise_header().
UNQUOTABLE_HEADERS = frozenset(
    normalise_header(name)
    for source in SOURCES
    for column in source.columns
    if column.type is ColumnType.PSEUDONYM or column.sensitive
    for name in column.header_names()
)


def quotable(header: str | None) -> bool:
    """Whether a message may quote a cell of the column with this header."""
    return header is None or normalise_header(header) not in UNQUOTABLE_HEADERS


def header_lookup(source: Source) -> dict[str, Column]:
    return {
        normalise_header(name): column
        for column in source.columns
        for name in column.header_names()
    }


def recognise_source(headers: list[str]) -> Source | None:
    """The source whose required columns are all present (the most specific if several match),
    else the one with most of its required columns present if that is at least half of them: a
    file that is clearly of a kind but lacks a column is then refused for that column."""
    normalised = {normalise_header(h) for h in headers}
    scored = []
    for source in SOURCES:
        lookup = header_lookup(source)
        present = {lookup[h].name for h in normalised if h in lookup}
        found = sum(c.name in present for c in source.required)
        scored.append((found == len(source.required), found / len(source.required), found, source))
    complete, fraction, _, best = max(scored, key=lambda score: score[:3])
    return best if complete or fraction >= 0.5 else None
