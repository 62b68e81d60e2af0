"""What it takes: how many more women (or filled places) reach a missed target, computed from
the published counts only."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics import store, views
from metrics.kpis import api as kpis
from metrics.kpis.values import KpiValue
from metrics.views.blocks import gap_text
from tests.exports import person
from tests.kpi_stores import build_store, settings_with


def share(numerator, denominator, target=50.0, **changes) -> KpiValue:
    value = None if numerator is None else numerator / denominator * 100
    fields = dict(
        id="women_leadership_share",
        value=value,
        numerator=numerator,
        denominator=denominator,
        target=target,
        suppressed=False,
        reason=None,
        k=5,
        unit="%",
    )
    fields.update(changes)
    return KpiValue(**fields)


@pytest.mark.parametrize(
    ("numerator", "denominator", "target", "needed"),
    [
        (3, 10, 50.0, 2),  # 5 of 10: two more
        (4, 9, 50.0, 1),  # 4.5 of 9: one more makes 55.6 %
        (0, 7, 50.0, 4),
        (5, 10, 50.0, None),  # reached
        (6, 10, 50.0, None),
        (10, 120, 9.0, 1),  # 10.8 places of 120: one more
        (18, 200, 9.0, None),  # exactly 9 %
        (17, 200, 9.0, 1),
    ],
)
def test_persons_to_target_by_hand(numerator, denominator, target, needed) -> None:
    assert kpis.persons_to_target(share(numerator, denominator, target)) == needed


def test_nothing_is_said_where_the_counts_are_not_published() -> None:
    assert kpis.persons_to_target(share(None, None, suppressed=True, reason="small_count")) is None
    rounded = share(None, None, value=30.0, counts_withheld=True)
    assert kpis.persons_to_target(rounded) is None
    assert kpis.persons_to_target(share(3, 10, target=None)) is None
    assert kpis.persons_to_target(share(3, 10), target=20.0) is None  # another target, met


def test_the_quota_gap_is_in_filled_places_over_the_year() -> None:
    # 12 months of 120 places with 10 filled: 1,440 place-months, 120 filled; 9 % = 129.6
    quota = share(120, 1440, 9.0, id="sb_quota", extra={"months_covered": 12})
    assert kpis.persons_to_target(quota) == 10  # place-months
    assert gap_text("sb_quota", quota, 9.0, "de") == (
        "Bis 9 %: rund 1 besetzter Pflichtplatz mehr im Jahresmittel"
    )


def test_the_leadership_page_says_how_many_more_women_reach_the_target(tmp_path: Path) -> None:
    # 10 team leaders (3 women), 2 heads of area (both men), 30 staff without a leading role
    rows = [
        person(f"T{i}", "31.12.2024", gender="w" if i < 3 else "m", leadership="Teamleitung")
        for i in range(10)
    ]
    rows += [
        person(f"B{i}", "31.12.2024", gender="m", leadership="Bereichsleitung") for i in range(2)
    ]
    rows += [person(f"S{i}", "31.12.2024", gender="w" if i % 2 else "m") for i in range(30)]
    db = build_store(tmp_path, personnel=rows, key="0" * 64)
    rules = settings_with(3, 3)
    with store.open_store(db) as con:
        history = views.KpiHistory.of_store(con, rules)
        page = views.build_women_leadership(history, views.Filters(2024), "de")
    [card] = [c for c in page.cards if c.kpi_id == "women_leadership_share"]
    # 3 of 12 leaders are women: 6 make 50 %
    assert card.gap_text == "Bis 50 %: 3 Frauen mehr unter gleich vielen Führungskräften"
    assert page.to_target is not None
    table = page.to_target.table
    # 3 of 10 team leaders: 2 more; 0 of 2 heads of area: 1; no managing director, no row
    assert table.to_dict("list") == {
        "Ebene": ["alle Führungskräfte", "Teamleitung", "Bereichsleitung"],
        "Frauenanteil": ["25,0 %", "30,0 %", "0,0 %"],
        "Ziel": ["50 %", "50 %", "50 %"],
        "Frauen mehr bis zum Ziel": ["3", "2", "1"],
    }
