"""The attacker over the applicants and the survey (CONTRACT § 3), on releases worked out by hand,
and on real stores through the KPI engine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from metrics import store
from metrics.disclosure import applicant_space as space
from metrics.disclosure import survey_space
from metrics.disclosure.attacker import Box, Figure
from metrics.disclosure.planner import audit
from metrics.kpis import api as kpis
from tests.exports import survey_answer
from tests.kpi_stores import applicants, build_store, persons

Attributes = tuple[str, str, str]  # disclosed, stage, gender
OUT = (space.ABSENT,) * 3


def applicant_rows(n: int, all_: Attributes, ba: Attributes = OUT, kommune: Attributes = OUT):
    row = {}
    for view, values in (("all", all_), ("BA", ba), ("Kommune", kommune)):
        for attribute, value in zip(space.ATTRIBUTES, values, strict=True):
            row[f"{attribute}@{view}"] = value
    return {**row, "n": n}


def size(frame: pd.DataFrame, box: Box) -> int:
    inside = pd.Series(True, index=frame.index)
    for name, allowed in box.terms:
        inside &= frame[name].isin(allowed)
    return int(frame.loc[inside, "n"].sum())


def published(frame: pd.DataFrame, atoms: tuple[str, ...], view: str | None) -> Figure:
    box = space.applicant_box(atoms, view)
    return Figure(box, size(frame, box), f"{'+'.join(atoms) or 'applicants'} [{view}]", view)


YES, NO = ("ja", "beworben", "w"), ("nein", "beworben", "w")
# BA 30 applicants (12 disclosing), Kommune 25 (11), 5 of them in both, one of whom disclosed
# in both carriers' applications; every application has a carrier
APPLICANTS = pd.DataFrame(
    [
        applicant_rows(11, YES, ba=YES),
        applicant_rows(14, NO, ba=NO),
        applicant_rows(10, YES, kommune=YES),
        applicant_rows(10, NO, kommune=NO),
        applicant_rows(1, YES, ba=YES, kommune=YES),
        applicant_rows(4, NO, ba=NO, kommune=NO),
    ]
)


def test_carrier_views_minus_the_all_carrier_view_pin_a_disclosure_in_both_carriers() -> None:
    """BA 12 + Kommune 11 − all 22 disclosing applicants: one person who disclosed a severe
    disability to both carriers. Each view passes the rules by itself (12, 11, 22 ≥ 10); the
    attacker, who knows that a disclosure to a carrier is one in the all-carrier view, pins it."""
    figures = [
        *space.structure_figures(APPLICANTS),
        *(
            published(APPLICANTS, atoms, v)
            for v in (None, "BA", "Kommune")
            for atoms in ((), ("disclosed",))
        ),
    ]
    result = audit(
        APPLICANTS, space.applicant_categories(), figures, space.applicant_groups(), 5, 10
    )
    pinned = {pin.group.box: (pin.value, pin.reason) for pin in result.pins}
    both = Box.of({"disclosed@BA": {"ja"}, "disclosed@Kommune": {"ja"}})
    assert pinned[both] == (1, "small")
    assert {f.where for f in result.pins[0].figures} >= {"disclosed [BA]", "disclosed [None]"}
    # without the all-carrier count of disclosures nothing tells the two carriers apart
    apart = [f for f in figures if f.where != "disclosed [None]"]
    result = audit(APPLICANTS, space.applicant_categories(), apart, space.applicant_groups(), 5, 10)
    assert both not in {pin.group.box for pin in result.pins}


def test_only_structure_facts_the_data_satisfy_are_known_to_the_attacker() -> None:
    """ "Every application has a carrier" is a fact of this data, not of every store: one
    applicant with an application without carrier, and the attacker no longer assumes it."""
    wheres = {f.where for f in space.structure_figures(APPLICANTS)}
    assert "data: every applicant applied to a carrier" in wheres
    nowhere = pd.concat([APPLICANTS, pd.DataFrame([applicant_rows(1, NO)])], ignore_index=True)
    wheres = {f.where for f in space.structure_figures(nowhere)}
    assert "data: every applicant applied to a carrier" not in wheres
    assert "structure: disclosed in BA, so in all" in wheres  # a definition holds always


def respondents(n: int, migration: str, gender: str, leadership: str = "nein") -> dict:
    return {
        "responded": "ja",
        "migration": migration,
        "immigration": "unbestimmt",
        "leadership": leadership,
        "gender": gender,
        "n": n,
    }


def test_a_survey_breakdown_with_its_total_pins_the_small_gender_to_none() -> None:
    """Migration background: 18 of 73 respondents; women 10 of 40, men 8 of 30, d withheld.
    18 − 10 − 8 = 0 of the 3 respondents of gender d or x: the attacker knows that none of the
    respondents of gender d has a migration background. That 73 − 40 − 30 = 3 of them answered
    "no" it cannot give to d rather than x."""
    frame = pd.DataFrame(
        [
            respondents(10, "ja", "w"),
            respondents(30, "nein", "w"),
            respondents(8, "ja", "m"),
            respondents(22, "nein", "m"),
            respondents(3, "nein", "d"),
        ]
    )
    categories = survey_space.survey_categories()

    def figure(*atoms: str) -> Figure:
        box = survey_space.survey_box(atoms)
        return Figure(box, size(frame, box), "+".join(atoms), "+".join(atoms))

    shares = [
        figure(*scope, atom)
        for scope in ((), ("survey.gender=w",), ("survey.gender=m",))
        for atom in ("migration_background_determinable", "migration_background=yes")
    ]
    figures = [*survey_space.structure_figures(), *shares]
    result = audit(frame, categories, figures, survey_space.survey_groups(), 5, 10)
    pinned = {pin.group.box: (pin.value, pin.reason) for pin in result.pins}
    responded = Box.of({"responded": {"ja"}})
    assert pinned[responded & Box.of({"migration": {"ja"}, "gender": {"d"}})] == (0, "zero")
    # nobody has gender x: a pinned 0 there tells nothing about anyone
    assert responded & Box.of({"migration": {"ja"}, "gender": {"x"}}) not in pinned
    assert responded & Box.of({"migration": {"nein"}, "gender": {"d"}}) not in pinned


def test_a_store_release_is_planned_in_every_universe(tmp_path: Path) -> None:
    """Through the importer and the KPI engine. Applicants: women 12 of 30 and men 11 of 25
    disclosed, 23 of 61 in all, and the 6 applicants of gender d withheld (0 of 6 is
    disclosive). The rules protect each figure and the table, but 23 − 12 − 11 = 0 of the
    applicants of gender d or x: each of those groups is pinned to 0, and the d group is not
    empty. The planned release (what every output reads) leaves the attacker nothing in any
    universe, and keeps the headline share; a survey share shown only as its rounded value
    has no interval (its width would give the count back)."""
    db = build_store(
        tmp_path,
        personnel=persons("P", 60, gender="w") + persons("Q", 40, gender="m"),
        applications=[
            *applicants("A", 12, gender="w", disability="schwerbehindert"),
            *applicants("B", 18, gender="w"),
            *applicants("C", 11, gender="m", disability="gleichgestellt"),
            *applicants("D", 14, gender="m"),
            *applicants("E", 6, gender="d"),
        ],
        survey=[
            *(survey_answer("2024", german_at_birth="nein", gender="w") for _ in range(10)),
            *(survey_answer("2024", gender="w") for _ in range(30)),
            *(survey_answer("2024", german_at_birth="nein", gender="m") for _ in range(8)),
            *(survey_answer("2024", gender="m") for _ in range(22)),
            *(survey_answer("2024", gender="d") for _ in range(3)),
        ],
        invited=[(2024, 90)],
    )
    with store.open_store(db) as con:
        ruled = kpis.audit_state(con, kpis.rules_release(con, 2024))
        planned = kpis.audit_release(con, 2024)
        values = kpis.compute_kpis(con, 2024)
    universes = {name.split(":")[0] for name, *_ in planned.models}
    assert universes == {"personnel", "applicants", "survey"}
    zero = Box.of({"disclosed@all": {"ja"}, "gender@all": {"d"}})
    assert (zero, 0, "zero") in {(p.group.box, p.value, p.reason) for p in ruled.pins}
    assert planned.pins == []
    assert not values["sb_applicant_share"].suppressed
    share = values["migration_background_share"]
    if share.counts_withheld:
        assert "ci_low" not in share.extra
