"""How a figure reads wherever it is shown: numbers, shares, changes and dates, in the pages,
charts, reports and the CLI's table (German or English conventions).

One decimal for percentages and percentage points, two for ratios, none for persons and euros:
the cards, the charts and the reports say the same "8,7 %". The CLI's JSON is data, not text,
and keeps CONTRACT § 4's two decimals (`metrics.kpis.values`). Which value is withheld and its
sign ("•", "< k") is the release planner's decision (`metrics.disclosure`), not a format.
"""

from __future__ import annotations

from datetime import date

from metrics.i18n import Lang

MINUS = "−"  # the typographic minus of a change (U+2212)
SHARE_DECIMALS = 1
RATIO_DECIMALS = 2
# per unit: the decimals its values and their changes are shown with (others: whole numbers)
_DECIMALS = {"%": SHARE_DECIMALS, "ratio": RATIO_DECIMALS}


def format_number(value: float | int | None, lang: Lang = "de", decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (de) or '1,234.5' (en); None -> '–'."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def decimals_of(unit: str) -> int:
    return _DECIMALS.get(unit, 0)


def rounded_as_shown(value: float, unit: str) -> float:
    """The value as its text reads, so that a text never calls "50,0 %" below a 50 % target."""
    return round(value, decimals_of(unit))


def format_value(value: float | None, unit: str, lang: Lang) -> str:
    """A published value: '8,7 %', '1.052', '0,93', '1.540 €'; None -> '–'."""
    if value is None:
        return "–"
    text = format_number(value, lang, decimals_of(unit))
    if unit == "%":
        return f"{text} %"
    if unit == "€":
        return f"{text} €"
    return text


def format_target(target: float, unit: str, lang: Lang) -> str:
    """A target as the settings give it: '50 %', '4,5 %', '1,0'."""
    if unit == "%":
        return f"{format_number(target, lang, 0 if float(target).is_integer() else 1)} %"
    if unit == "ratio":
        return format_number(target, lang, 1)
    return format_number(target, lang, 0)


def format_change(change: float, unit: str, lang: Lang) -> str:
    """A change against the previous year: '+2,0 Pp.' / '+2.0 pp', '−0,03', '±0'."""
    sign = "+" if change > 0 else MINUS if change < 0 else "±"
    text = f"{sign}{format_number(abs(change), lang, decimals_of(unit))}"
    if unit == "%":
        return f"{text} {'Pp.' if lang == 'de' else 'pp'}"
    return text


def format_date(day: date, lang: Lang) -> str:
    """'31.12.2025' (de) or '2025-12-31' (en)."""
    return day.strftime("%d.%m.%Y") if lang == "de" else day.isoformat()
