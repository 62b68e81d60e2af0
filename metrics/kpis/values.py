"""Published KPI values (`KpiValue`) and how they read: numbers, targets, signs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypedDict

from metrics import formatting
from metrics.disclosure import (
    withheld_sign,
)
from metrics.formatting import format_value
from metrics.i18n import Lang
from metrics.kpis.vocabulary import category_label

_VALUE_DECIMALS = 2
_PERCENT_EXTRAS = ("ci_low", "ci_high", "response_rate")


class Area(TypedDict):
    """A pay group or leadership level assessed for BGleiG under-representation."""

    dimension: str
    area: str
    underrepresented: str | None  # the gender under-represented ("w" or "m"), None: neither


class KpiExtra(TypedDict, total=False):
    """What a value carries beside its number, by the kind of KPI it belongs to."""

    # survey shares: the wave, the 95 % Wilson interval and the response rate, in percent
    wave: int | None
    ci_low: float
    ci_high: float
    response_rate: float
    # the SGB IX quota: months counted, one snapshot for the year, Soll, unfilled, levy
    months_covered: int
    approximation: bool
    mandatory_place_months: int
    unfilled_place_months: int
    levy_eur: int
    # the BGleiG flag table
    areas: list[Area]
    # no value: the files of the date lack these optional columns (CONTRACT § 1.1)
    missing_columns: list[str]


@dataclass(frozen=True)
class KpiValue:
    """One KPI (or variant) of one view and year, after disclosure control."""

    id: str
    value: float | None  # percent values as percent (8.73), counts as int, ratios as float
    numerator: float | None  # None when suppressed (for a ratio: the two shares in percent)
    denominator: float | None
    target: float | None
    suppressed: bool
    reason: str | None
    k: int | None
    unit: str
    extra: KpiExtra = field(default_factory=KpiExtra)
    # a share published as its rounded value, its counts withheld (CONTRACT § 3)
    counts_withheld: bool = False

    @property
    def label(self) -> str | None:
        """The sign standing in for a withheld value: "< k" for a small count, else "•"."""
        if not self.suppressed or self.k is None:
            return None
        return withheld_sign(self.reason, self.k, percentage=self.unit != "count")

    def to_json(self) -> dict[str, object]:
        """The CONTRACT § 4 entry: percents rounded to 2 decimals, suppressed numbers null."""
        entry: dict[str, object] = {
            "value": _json_number(self.value, self.unit),
            "numerator": _json_number(self.numerator, self.unit),
            "denominator": _json_number(self.denominator, self.unit),
            "target": self.target,
            "suppressed": self.suppressed,
            "unit": self.unit,
        }
        if self.counts_withheld:
            entry["counts_withheld"] = True
        if self.suppressed:
            entry["label"] = self.label
            entry["reason"] = self.reason
        for key, value in self.extra.items():
            if key in _PERCENT_EXTRAS and isinstance(value, float):
                value = round(value, _VALUE_DECIMALS)
            entry[key] = value
        return entry


def _json_number(value: float | None, unit: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and unit != "%"):
        return int(value)
    return round(float(value), _VALUE_DECIMALS)


def persons_to_target(value: KpiValue, target: float | None = None) -> int | None:
    """What it takes: how many more members of the numerator bring a share to `target` (its own
    by default) in the same population (women in place of men among as many leaders). None
    where the target is met or the share's counts are not published: the answer is computed
    from the published numerator and denominator alone, so it tells nothing they do not."""
    target = value.target if target is None else target
    if (
        target is None
        or value.unit != "%"
        or value.suppressed
        or value.counts_withheld
        or value.value is None
        or value.numerator is None
        or value.denominator is None
        or value.value >= target
    ):
        return None
    # the smallest whole number reaching the target (a hair below a whole number is that number)
    return max(1, math.ceil(target / 100 * value.denominator - value.numerator - 1e-9))


def format_kpi_value(kpi_value: KpiValue, lang: Lang = "de") -> str:
    """Display text: '8,7 %' (de) / '8.7 %' (en), '1.050', '0,87', '< 10', '–' for no data."""
    if kpi_value.suppressed:
        return kpi_value.label or "–"
    value = kpi_value.value
    if kpi_value.unit == "flag":
        flagged = [a for a in kpi_value.extra.get("areas", []) if a["underrepresented"]]
        if not flagged:
            return "–"
        names = {
            "w": category_label("gender", "w", lang),
            "m": category_label("gender", "m", lang),
        }
        parts = []
        for gender in ("w", "m"):
            listed = [a["area"] for a in flagged if a["underrepresented"] == gender]
            if listed:
                parts.append(f"{names[gender]}: {', '.join(listed)}")
        return "; ".join(parts)
    # against its target: a missed target never reads as reached (4,47 % against 4,5 %)
    return format_value(
        None if value is None else float(value), kpi_value.unit, lang, kpi_value.target
    )


def format_target(kpi_value: KpiValue, lang: Lang = "de") -> str:
    target = kpi_value.target
    return "" if target is None else formatting.format_target(target, kpi_value.unit, lang)
