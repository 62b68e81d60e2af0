"""Administrator settings: one TOML file (``settings.toml`` at the repository root).

`load_settings()` reads it (or the file named by ``VIELFALT_SETTINGS``), checks every value and
returns a frozen `Settings`. A bad or missing value raises `SettingsError` naming the key, so an
administrator's typo stops the program instead of silently changing a published number.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from metrics.access import Role, RoleMapping
from metrics.disclosure import MIN_K, DisclosureRules
from metrics.kpis.registry import KPIS, target_key_error
from metrics.sb_quota import LevyRates

SETTINGS_ENV_VAR = "VIELFALT_SETTINGS"
NO_ROLES = RoleMapping("groups", ())
DEFAULT_SETTINGS_PATH = Path(__file__).resolve().parent.parent / "settings.toml"

_LEVY_BANDS = ("from_3_to_5", "from_2_to_3", "below_2")
_BENCHMARK_TEXT_KEYS = ("id", "kpi", "label_de", "label_en", "source")


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Benchmark:
    """An external comparison figure (percent) for a survey KPI, with its source."""

    id: str
    kpi: str
    value: float
    year: int
    label_de: str
    label_en: str
    source: str

    def label(self, lang: str = "de") -> str:
        return self.label_en if lang == "en" else self.label_de


@dataclass(frozen=True)
class Settings:
    k_ordinary: int
    k_sensitive: int
    # (key, value) pairs rather than a dict: keeps the object hashable and picklable (cache keys)
    targets: tuple[tuple[str, float], ...]
    levy_rates: tuple[tuple[int, LevyRates], ...]
    benchmarks: tuple[Benchmark, ...]
    # days a refused import stays in the log beside the store
    log_retention_days: int = 365
    # with a login: which claim values give which role
    role_mapping: RoleMapping = NO_ROLES
    # days an entry stays in the audit log; whether page views are entered at all
    audit_retention_days: int = 730
    audit_page_views: bool = False
    # with a login: an import or deletion asked for by one data-maintenance user is carried out
    # only when a second one approves it; a request not approved in time expires
    two_person_rule: bool = False
    approval_hours: int = 72
    # [report]: the organisation named on the reports' title pages and in their file properties,
    # and a PowerPoint file of its own whose slide master the deck uses (None: the built-in one);
    # neither compared nor in the repr, so that they change no cache key or plan of a year
    organisation: str = field(default="", compare=False, repr=False)
    report_template: Path | None = field(default=None, compare=False, repr=False)
    # where it was read from: no input of a figure either (a copy elsewhere plans nothing anew)
    path: Path | None = field(default=None, compare=False, repr=False)

    @property
    def rules(self) -> DisclosureRules:
        return DisclosureRules(k_ordinary=self.k_ordinary, k_sensitive=self.k_sensitive)

    @property
    def target_table(self) -> dict[str, float]:
        return dict(self.targets)

    def target(self, key: str) -> float | None:
        return self.target_table.get(key)

    @property
    def levy_rate_table(self) -> dict[int, LevyRates]:
        """Rates by first year of validity, in the form `metrics.sb_quota` expects."""
        return dict(self.levy_rates)

    def benchmarks_for(self, kpi_id: str) -> tuple[Benchmark, ...]:
        return tuple(b for b in self.benchmarks if b.kpi == kpi_id)


def settings_path(path: str | os.PathLike[str] | None = None) -> Path:
    """An explicit path wins over VIELFALT_SETTINGS, which wins over the repository's file."""
    if path:
        return Path(path)
    if os.environ.get(SETTINGS_ENV_VAR):
        return Path(os.environ[SETTINGS_ENV_VAR])
    return DEFAULT_SETTINGS_PATH


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    source = settings_path(path)
    try:
        with source.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"{source}: settings file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{source}: not valid TOML: {error}") from None
    return parse_settings(data, source)


def parse_settings(data: Mapping[str, object], source: Path | None = None) -> Settings:
    """Settings from an already parsed TOML document; every key checked."""
    where = f"{source}: " if source else ""

    def fail(key: str, message: str) -> SettingsError:
        return SettingsError(f"{where}{key}: {message}")

    _refuse_unknown(
        data,
        {
            "disclosure",
            "targets",
            "levy_rates",
            "benchmarks",
            "privacy",
            "access",
            "audit",
            "report",
        },
        "",
        fail,
    )

    disclosure = _table(data, "disclosure", fail)
    _refuse_unknown(disclosure, {"k_ordinary", "k_sensitive"}, "disclosure.", fail)
    k_ordinary = _k(disclosure, "k_ordinary", fail)
    k_sensitive = _k(disclosure, "k_sensitive", fail)
    if k_sensitive < k_ordinary:
        raise fail(
            "disclosure.k_sensitive",
            f"must be at least k_ordinary ({k_ordinary}), got {k_sensitive}",
        )

    targets = _targets(_table(data, "targets", fail), fail)
    levy_rates = _levy_rates(_table(data, "levy_rates", fail), fail)
    benchmarks = _benchmarks(data.get("benchmarks"), fail)
    privacy = _table(data, "privacy", fail)
    _refuse_unknown(privacy, {"log_retention_days"}, "privacy.", fail)
    retention = _whole(privacy.get("log_retention_days"), "privacy.log_retention_days", fail)
    if retention < 1:
        raise fail("privacy.log_retention_days", f"must be at least 1, got {retention}")
    audit = _table(data, "audit", fail)
    _refuse_unknown(audit, {"retention_days", "page_views"}, "audit.", fail)
    audit_retention = _whole(audit.get("retention_days"), "audit.retention_days", fail)
    if audit_retention < 1:
        raise fail("audit.retention_days", f"must be at least 1, got {audit_retention}")
    page_views = audit.get("page_views")
    if not isinstance(page_views, bool):
        raise fail("audit.page_views", f"must be true or false, got {page_views!r}")
    access_table = _table(data, "access", fail)
    # optional: settings files from before the two-person rule still load
    two_person_rule = access_table.get("two_person_rule", False)
    if not isinstance(two_person_rule, bool):
        raise fail("access.two_person_rule", f"must be true or false, got {two_person_rule!r}")
    approval_hours = _whole(access_table.get("approval_hours", 72), "access.approval_hours", fail)
    if approval_hours < 1:
        raise fail("access.approval_hours", f"must be at least 1, got {approval_hours}")
    organisation, report_template = _report(data, source, fail)
    return Settings(
        k_ordinary=k_ordinary,
        k_sensitive=k_sensitive,
        targets=targets,
        levy_rates=levy_rates,
        benchmarks=benchmarks,
        log_retention_days=retention,
        role_mapping=_role_mapping(_table(data, "access", fail), fail),
        audit_retention_days=audit_retention,
        audit_page_views=page_views,
        two_person_rule=two_person_rule,
        approval_hours=approval_hours,
        organisation=organisation,
        report_template=report_template,
        path=source,
    )


def _report(data: Mapping[str, object], source: Path | None, fail) -> tuple[str, Path | None]:
    """[report], optional as a whole and in each key: settings files from before it still load.
    A relative template path is read from the settings file's folder, where an administrator
    keeps it."""
    report = data.get("report", {})
    if not isinstance(report, Mapping):
        raise fail("report", "must be a table ([report])")
    _refuse_unknown(report, {"organisation", "template"}, "report.", fail)
    organisation = report.get("organisation", "")
    if not isinstance(organisation, str) or len(organisation.strip()) > 120:
        raise fail(
            "report.organisation", f"must be a name of at most 120 characters, got {organisation!r}"
        )
    template = report.get("template", "")
    if not isinstance(template, str):
        raise fail("report.template", f"must be the path of a .pptx file, got {template!r}")
    path: Path | None = None
    if template.strip():
        path = Path(template.strip()).expanduser()
        if not path.is_absolute():
            path = (source.parent if source else Path.cwd()) / path
        if path.suffix.lower() != ".pptx":
            raise fail("report.template", f"must be a .pptx file, got {template!r}")
        if not path.is_file():
            raise fail("report.template", f"file not found: {path}")
    return organisation.strip(), path


def _role_mapping(access: Mapping[str, object], fail) -> RoleMapping:
    """[access]: the claim, and per role the claim values that give it (every role a key)."""
    known = {"roles_claim", "two_person_rule", "approval_hours", *(role.value for role in Role)}
    _refuse_unknown(access, known, "access.", fail)
    claim = access.get("roles_claim")
    if not isinstance(claim, str) or not claim.strip():
        raise fail("access.roles_claim", f"must be the name of a claim, got {claim!r}")
    values: list[tuple[Role, tuple[str, ...]]] = []
    for role in Role:
        key = f"access.{role.value}"
        if role.value not in access:
            raise fail(key, "missing (a list of claim values; [] for nobody)")
        given = access[role.value]
        if not isinstance(given, list) or not all(isinstance(v, str) and v for v in given):
            raise fail(key, f"must be a list of claim values, got {given!r}")
        values.append((role, tuple(given)))
    return RoleMapping(claim.strip(), tuple(values))


# --- checks ----------------------------------------------------------------------------------


def _refuse_unknown(table: Mapping[str, object], known: set[str], prefix: str, fail) -> None:
    for key in table:
        if key not in known:
            raise fail(f"{prefix}{key}", f"unknown key (known: {', '.join(sorted(known))})")


def _table(data: Mapping[str, object], key: str, fail) -> Mapping[str, object]:
    if key not in data:
        raise fail(key, "missing")
    value = data[key]
    if not isinstance(value, Mapping):
        raise fail(key, f"must be a table, got {value!r}")
    return value


def _number(value: object, key: str, fail) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise fail(key, f"must be a number, got {value!r}")
    return float(value)


def _whole(value: object, key: str, fail) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(key, f"must be a whole number, got {value!r}")
    return value


def _k(table: Mapping[str, object], name: str, fail) -> int:
    key = f"disclosure.{name}"
    if name not in table:
        raise fail(key, "missing")
    k = _whole(table[name], key, fail)
    if k < MIN_K:
        # below 3 a published "< k" pins a group down to one or two persons
        raise fail(key, f"must be at least {MIN_K}, got {k}")
    return k


def _targets(table: Mapping[str, object], fail) -> tuple[tuple[str, float], ...]:
    targets = []
    for key, raw in table.items():
        full_key = f"targets.{key}"
        problem = target_key_error(key)
        if problem:
            raise fail(full_key, problem)
        value = _number(raw, full_key, fail)
        if value < 0:
            raise fail(full_key, f"must not be negative, got {raw!r}")
        targets.append((key, value))
    return tuple(targets)


def _levy_rates(table: Mapping[str, object], fail) -> tuple[tuple[int, LevyRates], ...]:
    if not table:
        raise fail("levy_rates", "needs at least one year")
    rates = []
    for year_key, entry in table.items():
        key = f"levy_rates.{year_key}"
        if not str(year_key).isdigit() or not 2000 <= int(year_key) <= 2100:
            raise fail(key, "the table name must be a year (2000–2100)")
        if not isinstance(entry, Mapping):
            raise fail(key, f"must be a table, got {entry!r}")
        _refuse_unknown(entry, {*_LEVY_BANDS, "zero"}, f"{key}.", fail)
        amounts: dict[str, int] = {}
        for band in _LEVY_BANDS:
            if band not in entry:
                raise fail(f"{key}.{band}", "missing")
            amounts[band] = _euro(entry[band], f"{key}.{band}", fail)
        zero = _euro(entry["zero"], f"{key}.zero", fail) if "zero" in entry else None
        rates.append((int(year_key), LevyRates(**amounts, zero=zero)))
    return tuple(sorted(rates))


def _euro(value: object, key: str, fail) -> int:
    amount = _whole(value, key, fail)
    if amount < 0:
        raise fail(key, f"must not be negative, got {amount}")
    return amount


def _benchmarks(entries: object, fail) -> tuple[Benchmark, ...]:
    if entries is None:
        raise fail("benchmarks", "missing (write [[benchmarks]] entries)")
    if not isinstance(entries, list):
        raise fail("benchmarks", "must be a list of [[benchmarks]] tables")
    benchmarks = []
    known = set(_BENCHMARK_TEXT_KEYS) | {"value", "year"}
    for position, entry in enumerate(entries, start=1):
        key = f"benchmarks[{position}]"
        if not isinstance(entry, Mapping):
            raise fail(key, f"must be a table, got {entry!r}")
        _refuse_unknown(entry, known, f"{key}.", fail)
        for name in (*_BENCHMARK_TEXT_KEYS, "value", "year"):
            if name not in entry:
                raise fail(f"{key}.{name}", "missing")
        for name in _BENCHMARK_TEXT_KEYS:
            if not isinstance(entry[name], str) or not entry[name].strip():
                raise fail(f"{key}.{name}", f"must be a non-empty text, got {entry[name]!r}")
        if entry["kpi"] not in KPIS:
            raise fail(f"{key}.kpi", f"unknown KPI id {entry['kpi']!r}")
        value = _number(entry["value"], f"{key}.value", fail)
        if not 0 <= value <= 100:
            raise fail(f"{key}.value", f"must be a percent value 0–100, got {entry['value']!r}")
        benchmarks.append(
            Benchmark(
                id=entry["id"],
                kpi=entry["kpi"],
                value=value,
                year=_whole(entry["year"], f"{key}.year", fail),
                label_de=entry["label_de"],
                label_en=entry["label_en"],
                source=entry["source"],
            )
        )
    ids = [b.id for b in benchmarks]
    for benchmark_id in ids:
        if ids.count(benchmark_id) > 1:
            raise fail("benchmarks", f"id {benchmark_id!r} is used more than once")
    return tuple(benchmarks)
