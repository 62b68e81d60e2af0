"""How a figure reads wherever it is shown: numbers, shares, changes and dates, in the pages,
charts, reports and the CLI's table (German or English conventions).

One decimal for percentages and percentage points, two for ratios, none for persons and euros:
the cards, the charts and the reports say the same "8,7 %". The CLI's JSON is data, not text,
and keeps CONTRACT § 4's two decimals (`metrics.kpis.values`). Which value is withheld and its
sign ("•", "< k") is the release planner's decision (`metrics.disclosure`), not a format.
"""

from __future__ import annotations

import math
from datetime import date

from metrics.i18n import Lang

MINUS = "−"  # the typographic minus of a change (U+2212)
SHARE_DECIMALS = 1
RATIO_DECIMALS = 2
# per unit: the decimals its values and their changes are shown with (others: whole numbers)
_DECIMALS = {"%": SHARE_DECIMALS, "ratio": RATIO_DECIMALS}
# CONTRACT § 4 publishes shares and ratios to two decimals: no text shows more
PUBLISHED_DECIMALS = 2


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


def shown_against_target(value: float, unit: str, target: float | None) -> tuple[float, int]:
    """The value as its text reads, and the decimals it is written with. Usually the unit's
    decimals; a value below its target that would round up to it gets one decimal more, rounded
    down (4.47 % against 4.5 %: "4,47 %"), so that no text shows a missed target as reached
    while its status says missed."""
    decimals = decimals_of(unit)
    if target is None or value >= target or round(value, decimals) < target:
        return round(value, decimals), decimals
    decimals = min(decimals + 1, PUBLISHED_DECIMALS)
    scale = 10**decimals
    # the small epsilon keeps 4.47 (stored as 4.46999…) at 4.47
    return math.floor(value * scale + 1e-9) / scale, decimals


def rounded_as_shown(value: float, unit: str, target: float | None = None) -> float:
    """The value as its text reads, so that a text never calls "50,0 %" below a 50 % target."""
    return shown_against_target(value, unit, target)[0]


def format_value(value: float | None, unit: str, lang: Lang, target: float | None = None) -> str:
    """A published value: '8,7 %', '1.052', '0,93', '1.540 €'; None -> '–'. With its target:
    as `shown_against_target` reads it."""
    if value is None:
        return "–"
    shown, decimals = shown_against_target(value, unit, target)
    text = format_number(shown, lang, decimals)
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
