"""How figures read: one decimal for shares and points, two for ratios, none for persons and
euros, German and English conventions (metrics/formatting.py)."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.formatting import (
    format_change,
    format_date,
    format_number,
    format_target,
    format_value,
    rounded_as_shown,
)


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "text"),
    [
        (1234.5, "de", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567, "de", 0, "1.234.567"),
        (None, "de", 0, "–"),
    ],
)
def test_numbers_in_german_and_english(value, lang, decimals, text) -> None:
    assert format_number(value, lang, decimals) == text


@pytest.mark.parametrize(
    ("value", "unit", "lang", "text"),
    [
        (8.7312, "%", "de", "8,7 %"),
        (8.7312, "%", "en", "8.7 %"),
        (49.96, "%", "de", "50,0 %"),
        (0.8666, "ratio", "de", "0,87"),
        (1052.0, "count", "de", "1.052"),
        (1540.0, "€", "de", "1.540 €"),
        (None, "%", "de", "–"),
    ],
)
def test_values_by_unit(value, unit, lang, text) -> None:
    assert format_value(value, unit, lang) == text


def test_a_value_is_compared_as_it_reads() -> None:
    # 49.96 % reads "50,0 %": against a 50 % target it is met, not missed
    assert rounded_as_shown(49.96, "%") == 50.0
    assert rounded_as_shown(0.996, "ratio") == 1.0
    assert rounded_as_shown(4.6, "count") == 5


@pytest.mark.parametrize(
    ("change", "unit", "lang", "text"),
    [
        (2.04, "%", "de", "+2,0 Pp."),
        (-2.04, "%", "en", "−2.0 pp"),
        (-0.034, "ratio", "de", "−0,03"),
        (12.0, "count", "de", "+12"),
        (0.0, "%", "de", "±0,0 Pp."),
    ],
)
def test_changes_carry_sign_and_unit(change, unit, lang, text) -> None:
    assert format_change(change, unit, lang) == text


@pytest.mark.parametrize(
    ("target", "unit", "text"),
    [(50.0, "%", "50 %"), (4.5, "%", "4,5 %"), (1.0, "ratio", "1,0"), (12.0, "count", "12")],
)
def test_targets_as_the_settings_give_them(target, unit, text) -> None:
    assert format_target(target, unit, "de") == text


def test_dates_in_german_and_iso_in_english() -> None:
    assert format_date(date(2025, 12, 31), "de") == "31.12.2025"
    assert format_date(date(2025, 12, 31), "en") == "2025-12-31"
