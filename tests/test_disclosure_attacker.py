"""The linear attacker of CONTRACT § 3 on small releases whose answers are worked out by hand."""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd
import pytest
import scipy.optimize
import threadpoolctl
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.disclosure.attacker import (
    Box,
    Figure,
    Group,
    Knowledge,
    attack,
    build_integral_model,
    build_model,
)
from metrics.disclosure.planner import PlanResult, audit, plan

CATEGORIES = {
    "carrier": ("BA", "Kommune"),
    "gender": ("w", "m", "d"),
    "leave": ("keine", "Elternzeit"),
    "disabled": ("ja", "nein"),
}


def persons(*rows: tuple[str, str, str, str, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["carrier", "gender", "leave", "disabled", "n"])


def count(frame: pd.DataFrame, where: str, **conditions: object) -> Figure:
    box = Box.of({d: c if isinstance(c, set) else {c} for d, c in conditions.items()})
    mask = pd.Series(True, index=frame.index)
    for dimension, allowed in box.terms:
        mask &= frame[dimension].isin(allowed)
    return Figure(box, int(frame.loc[mask, "n"].sum()), where, owner=where)


def group(**conditions: str) -> Group:
    return Group(Box.of({d: {c} for d, c in conditions.items()}))


def plan_cells(
    frame: pd.DataFrame,
    categories: dict[str, tuple[str, ...]],
    published: dict[str, tuple[Figure, float]],
    protected: Group,
) -> PlanResult:
    """The planner over named cells (figure, cost of hiding it); hidden cells leave `published`."""

    def figures() -> list[Figure]:
        return [
            Figure(f.box, f.value, f.where, owner=name, cost=cost)
            for name, (f, cost) in published.items()
        ]

    def hide(owner: Hashable) -> None:
        assert isinstance(owner, str)
        published.pop(owner)

    return plan(frame, categories, figures, hide, [protected], 5, 10)


STAFF = persons(
    ("Kommune", "w", "keine", "nein", 200),
    ("Kommune", "m", "keine", "nein", 150),
    ("Kommune", "m", "Elternzeit", "nein", 6),
    ("Kommune", "d", "keine", "nein", 1),
    ("BA", "w", "keine", "nein", 300),
    ("BA", "m", "keine", "nein", 210),
)


def test_the_issue_leak_carrier_total_minus_women_and_men_is_one_person() -> None:
    """Kommune headcount 357, w 200, m 156 and nothing about d: the attacker pins d = 1."""
    figures = [
        count(STAFF, "Kommune", carrier="Kommune"),
        count(STAFF, "Kommune w", carrier="Kommune", gender="w"),
        count(STAFF, "Kommune m", carrier="Kommune", gender="m"),
    ]
    model = build_model(STAFF, figures, CATEGORIES)
    pins = attack(model, [group(carrier="Kommune", gender="d")], 5, 10)
    assert [(p.value, p.reason) for p in pins] == [(1, "small")]
    assert {f.where for f in pins[0].figures} == {"Kommune", "Kommune w", "Kommune m"}


def test_without_the_men_nothing_is_pinned() -> None:
    figures = [
        count(STAFF, "Kommune", carrier="Kommune"),
        count(STAFF, "Kommune w", carrier="Kommune", gender="w"),
    ]
    model = build_model(STAFF, figures, CATEGORIES)
    assert attack(model, [group(carrier="Kommune", gender="d")], 5, 10) == []


def test_staff_minus_active_staff_pins_those_on_leave() -> None:
    """Two figures of different KPIs (headcount, the part-time denominator) subtract to 6 men on
    leave — 6 ≥ k passes; with k = 7 it is a leak."""
    figures = [
        count(STAFF, "headcount Kommune", carrier="Kommune"),
        count(STAFF, "active Kommune", carrier="Kommune", leave="keine"),
    ]
    model = build_model(STAFF, figures, CATEGORIES)
    on_leave = group(carrier="Kommune", leave="Elternzeit")
    assert attack(model, [on_leave], 5, 10) == []
    assert [p.value for p in attack(model, [on_leave], 7, 10)] == [6]


def test_forced_zero_cells_let_the_attacker_pin_through_them() -> None:
    """All 10 persons are women (both published): men and d are empty for certain, so the BA's
    women are the BA's 6 persons — no linear combination of the three figures says so, the
    non-negativity of the cells does."""
    frame = persons(("BA", "w", "keine", "nein", 6), ("Kommune", "w", "Elternzeit", "nein", 4))
    figures = [
        count(frame, "all", carrier={"BA", "Kommune"}),
        count(frame, "women", gender="w"),
        count(frame, "BA", carrier="BA"),
    ]
    model = build_model(frame, figures, CATEGORIES)
    knowledge = Knowledge(model)
    assert knowledge.pinned(Box.of({"carrier": {"BA"}, "gender": {"w"}})) == 6
    assert knowledge.pinned(Box.of({"carrier": {"Kommune"}, "gender": {"m"}})) == 0
    (pin,) = attack(model, [group(carrier="BA", gender="w")], 7, 10)
    assert pin.value == 6
    # the figures proving the empty cells are named, so the planner can take one away
    assert {f.where for f in pin.zero_figures} >= {"all", "women"}
    # a group that cuts through what the figures cannot tell apart is never pinned
    assert knowledge.pinned(Box.of({"carrier": {"Kommune"}, "gender": {"w", "d"}})) == 4
    assert knowledge.pinned(Box.of({"carrier": {"BA"}, "gender": {"w", "m"}})) == 6


def test_a_sensitive_group_pinned_to_zero_or_to_all_of_them_is_a_leak() -> None:
    frame = persons(
        ("BA", "w", "keine", "ja", 12),
        ("BA", "m", "keine", "nein", 40),
        ("BA", "w", "keine", "nein", 50),
    )
    figures = [
        count(frame, "BA", carrier="BA"),
        count(frame, "BA disabled", carrier="BA", disabled="ja"),
        count(frame, "BA men", carrier="BA", gender="m"),
        count(frame, "BA disabled women", carrier="BA", disabled="ja", gender="w"),
    ]
    model = build_model(frame, figures, CATEGORIES)
    disabled_men = Group(
        Box.of({"carrier": {"BA"}, "gender": {"m"}, "disabled": {"ja"}}),
        sensitive=True,
        population=Box.of({"carrier": {"BA"}, "gender": {"m"}}),
    )
    (pin,) = attack(model, [disabled_men], 5, 10)
    assert (pin.value, pin.reason) == (0, "zero")


def test_a_share_shown_only_rounded_gives_a_band_not_its_counts() -> None:
    """54 of 357 with the counts withheld: the attacker knows 15.1 % ± 0.05 pp, which pins
    neither the numerator nor the rest."""
    frame = persons(
        ("Kommune", "w", "keine", "nein", 303),
        ("Kommune", "w", "Elternzeit", "nein", 54),
    )
    whole = Box.of({"carrier": {"Kommune"}})
    part = Box.of({"carrier": {"Kommune"}, "leave": {"Elternzeit"}})
    low, high = 54 / 357 - 0.0005, 54 / 357 + 0.0005
    figures = [
        Figure(whole, 0.0, "rounded low", terms=((part, 1.0), (whole, -low))),
        Figure(whole, 0.0, "rounded high", terms=((whole, high), (part, -1.0))),
        count(frame, "women", gender="w"),
    ]
    model = build_integral_model(frame, figures, CATEGORIES)
    assert Knowledge(model).pinned(part) is None
    # with the exact denominator published too, the numerator is bounded by 53.8 … 54.2: to
    # the linear attacker a band, to anyone who counts persons 54
    whole = [*figures, count(frame, "Kommune", carrier="Kommune")]
    assert Knowledge(build_model(frame, whole, CATEGORIES)).pinned(part) is None
    assert Knowledge(build_integral_model(frame, whole, CATEGORIES)).pinned(part) == 54


TWO_GENDERS = {**CATEGORIES, "gender": ("w", "m")}


def test_a_rounded_share_of_a_known_population_is_read_in_whole_persons() -> None:
    """357 Kommune staff, 15.1 % of them on leave (54, counts withheld), 51 women on leave:
    the men on leave are 54 − 51 = 3. The band alone leaves 2.8 … 3.2, which a count of
    persons can only be 3; the planner then withholds the rounded share too."""
    frame = persons(
        ("Kommune", "w", "keine", "nein", 300),
        ("Kommune", "w", "Elternzeit", "nein", 51),
        ("Kommune", "m", "Elternzeit", "nein", 3),
        ("Kommune", "m", "keine", "nein", 3),
    )
    whole = Box.of({"carrier": {"Kommune"}})
    part = Box.of({"carrier": {"Kommune"}, "leave": {"Elternzeit"}})
    low, high = round(54 / 357, 3) - 0.0005, round(54 / 357, 3) + 0.0005
    band = (
        Figure(whole, 0.0, "on leave (rounded)", terms=((part, 1.0), (whole, -low))),
        Figure(whole, 0.0, "on leave (rounded)", terms=((whole, high), (part, -1.0))),
    )
    women = count(frame, "women on leave", carrier="Kommune", gender="w", leave="Elternzeit")
    published = {
        "Kommune": ((count(frame, "Kommune", carrier="Kommune"),), 100.0),
        "on leave (rounded)": (band, 1.0),
        "women on leave": ((women,), 50.0),
    }

    def figures() -> list[Figure]:
        return [
            Figure(f.box, f.value, f.where, owner=name, cost=cost, terms=f.terms)
            for name, (own, cost) in published.items()
            for f in own
        ]

    men_on_leave = group(carrier="Kommune", gender="m", leave="Elternzeit")
    (pin,) = audit(frame, TWO_GENDERS, figures(), [men_on_leave], 5, 10).pins
    assert (pin.group, pin.value, pin.reason) == (men_on_leave, 3, "small")
    result = plan(frame, TWO_GENDERS, figures, published.pop, [men_on_leave], 5, 10)  # type: ignore[arg-type]
    assert result.hidden == ["on leave (rounded)"]
    assert audit(frame, TWO_GENDERS, figures(), [men_on_leave], 5, 10).pins == []


def test_a_bound_tight_in_every_solution_is_an_equation() -> None:
    """x ≥ 3 together with x + y = 3, y ≥ 0 makes x = 3 and y = 0 for certain."""
    frame = persons(("BA", "w", "keine", "nein", 3))
    women = Box.of({"gender": {"w"}})
    figures = [
        count(frame, "all", carrier={"BA", "Kommune"}),
        Figure(women, 3.0, "at least three women", terms=((women, 1.0),)),
    ]
    model = build_model(frame, figures, CATEGORIES)
    assert Knowledge(model).pinned(Box.of({"gender": {"m"}})) == 0
    assert Knowledge(model).pinned(women) == 3


def test_figures_that_do_not_match_the_persons_are_refused() -> None:
    wrong = Figure(Box.of({"carrier": {"BA"}}), 1, "wrong")
    with pytest.raises(ValueError, match="wrong"):
        build_model(STAFF, [wrong], CATEGORIES)


def test_audit_excuses_what_public_facts_pin_by_themselves() -> None:
    figures = [
        count(STAFF, "Kommune", carrier="Kommune"),
        count(STAFF, "Kommune w", carrier="Kommune", gender="w"),
        count(STAFF, "Kommune m", carrier="Kommune", gender="m"),
    ]
    groups = [group(carrier="Kommune", gender="d")]
    assert audit(STAFF, CATEGORIES, figures, groups, 5, 10).pins
    excused = audit(STAFF, CATEGORIES, figures, groups, 5, 10, excused=lambda g: True)
    assert excused.pins == []


def test_the_planner_hides_the_cheapest_cell_that_breaks_the_combination() -> None:
    """The Kommune's men are a breakdown cell (cheap), its total a headline figure (dear): the
    planner takes the men away and keeps the total."""
    published = {
        "Kommune": (count(STAFF, "Kommune", carrier="Kommune"), 1000.0),
        "Kommune w": (count(STAFF, "Kommune w", carrier="Kommune", gender="w"), 2.0),
        "Kommune m": (count(STAFF, "Kommune m", carrier="Kommune", gender="m"), 1.0),
    }

    result = plan_cells(STAFF, CATEGORIES, published, group(carrier="Kommune", gender="d"))
    assert result.hidden == ["Kommune m"]
    assert set(published) == {"Kommune", "Kommune w"}


# five published zeros, each a proof that nobody in the Kommune is on Pflege (cost 1 each)
PFLEGE_ZEROS = {
    "Kommune Pflege": {"carrier": "Kommune", "leave": "Pflege"},
    "Pflege": {"leave": "Pflege"},
    "Pflege w|m|d": {"leave": "Pflege", "gender": {"w", "m", "d"}},
    "Pflege ja|nein": {"leave": "Pflege", "disabled": {"ja", "nein"}},
    "Pflege BA|Kommune": {"leave": "Pflege", "carrier": {"BA", "Kommune"}},
}


@pytest.mark.parametrize(
    ("combination_cost", "hidden", "rounds"),
    [
        # the combination's cheapest figure (the staff without leave) costs 2.5: after the
        # first three zeros (3 ≥ 2.5) it goes, and two zeros stay published
        (2.5, ["Kommune Pflege", "Pflege", "Pflege w|m|d", "Kommune keine"], 5),
        # it costs 100: each zero goes in turn, as the cheapest cell of its round
        (100.0, list(PFLEGE_ZEROS), 6),
    ],
)
def test_a_group_pinned_again_through_the_next_proof_of_empty_cells(
    combination_cost: float, hidden: list[str], rounds: int
) -> None:
    """Kommune staff minus those without leave are the 2 on Elternzeit once the attacker knows
    that nobody is on Pflege, and five published zeros each prove it. Breaking one proof brings
    the next: the planner hides the cheapest proof round after round until the proofs have cost
    as much as the combination's cheapest figure, then that figure."""
    categories = {**CATEGORIES, "leave": ("keine", "Elternzeit", "Pflege")}
    staff = persons(
        ("Kommune", "w", "keine", "nein", 200),
        ("Kommune", "m", "keine", "nein", 150),
        ("Kommune", "m", "Elternzeit", "nein", 2),
        ("BA", "w", "keine", "nein", 300),
        ("BA", "m", "keine", "nein", 210),
    )
    published = {
        "Kommune": (count(staff, "Kommune", carrier="Kommune"), 1000.0),
        "Kommune keine": (
            count(staff, "Kommune keine", carrier="Kommune", leave="keine"),
            combination_cost,
        ),
    }
    for rank, (name, conditions) in enumerate(PFLEGE_ZEROS.items()):
        # ties broken by order: the first is the cheapest
        published[name] = (count(staff, name, **conditions), 1.0 + rank / 1000)

    result = plan_cells(staff, categories, published, group(carrier="Kommune", leave="Elternzeit"))
    assert result.hidden == hidden
    assert result.rounds == rounds
    assert "Kommune" in published


def _forced_one_by_one(model_figures: list[Figure], frame: pd.DataFrame) -> set[int]:
    """The classes forced to 0, decided the slow way: one LP per class, max y_c."""
    model = build_model(frame, model_figures, CATEGORIES)
    assert model.incidence is not None
    values = np.array([f.value for f in model.figures])
    forced = set()
    for c in range(model.classes):
        objective = np.zeros(model.classes)
        objective[c] = -1.0
        result = scipy.optimize.linprog(
            objective,
            A_eq=model.incidence,
            b_eq=values,
            bounds=(0, frame["n"].sum()),  # no cell holds more than everybody
            method="highs",
        )
        assert result.status == 0
        if -result.fun < 1e-7:
            forced.add(c)
    return forced


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_forced_empty_classes_are_exactly_those_no_solution_fills(data: st.DataObject) -> None:
    """The one LP over the directions from the true table finds the classes that are 0 in every
    solution, as one LP per class does; its proof holds with its equations alone; and knowing
    the forced cells of a release that said more gives the same answer."""
    cells = [
        (c, g, leave, "nein")
        for c in CATEGORIES["carrier"]
        for g in CATEGORIES["gender"]
        for leave in CATEGORIES["leave"]
    ]
    counts = data.draw(st.lists(st.integers(0, 3), min_size=len(cells), max_size=len(cells)))
    frame = persons(*((*cell, n) for cell, n in zip(cells, counts, strict=True) if n))
    if frame.empty:
        frame = persons(("BA", "w", "keine", "nein", 1))
    choices = (
        [{"carrier": {c}} for c in CATEGORIES["carrier"]]
        + [{"gender": {g}} for g in CATEGORIES["gender"]]
        + [{"carrier": {c}, "gender": {g}} for c in CATEGORIES["carrier"] for g in ("w", "m")]
        + [{"leave": {"Elternzeit"}}, {"carrier": {"BA"}, "leave": {"keine"}}, {}]
    )
    chosen = data.draw(st.lists(st.sampled_from(range(len(choices))), min_size=1, unique=True))
    figures = [count(frame, f"f{i}", **choices[i]) for i in chosen]
    model = build_model(frame, figures, CATEGORIES)
    assert set(np.flatnonzero(model.forced_zero)) == _forced_one_by_one(figures, frame)
    # the proof: its figures alone force at least the same cells
    if model.forced_zero.any():
        proof = build_model(frame, list(model.zero_sources), CATEGORIES)
        if proof.dimensions == model.dimensions:
            assert not (model.forced_cells[1] & ~proof.forced_cells[1]).any()
    # a release that said as much or more (the same figures; and the total too) may seed the LP
    for more in (model, build_model(frame, [*figures, count(frame, "all")], CATEGORIES)):
        if more.dimensions == model.dimensions:
            seeded = build_model(frame, figures, CATEGORIES, more.forced_cells)
            assert (seeded.forced_zero == model.forced_zero).all()


def test_the_proof_of_empty_cells_runs_through_the_cheapest_figures() -> None:
    """Nobody in the Kommune is on leave: its staff and its active staff are both 4. Each of the
    two is published twice, as a headline figure (dear) and as a breakdown cell (cheap); the
    proof the planner is offered to break is the cheap one."""
    frame = persons(("Kommune", "w", "keine", "nein", 4), ("BA", "w", "Elternzeit", "nein", 3))
    kommune = Box.of({"carrier": {"Kommune"}})
    active = Box.of({"carrier": {"Kommune"}, "leave": {"keine"}})
    figures = [
        Figure(kommune, 4, "Kommune", "K", cost=1000.0),
        Figure(active, 4, "Kommune active", "KA", cost=900.0),
        Figure(kommune, 4, "by carrier: Kommune", "KB", cost=1.0),
        Figure(active, 4, "active by carrier: Kommune", "KAB", cost=2.0),
    ]
    model = build_model(frame, figures, CATEGORIES)
    assert {f.where for f in model.zero_sources} == {
        "by carrier: Kommune",
        "active by carrier: Kommune",
    }


def test_the_planner_publishes_again_what_the_release_gives_away_anyway() -> None:
    """Kommune − Kommune w − Kommune m pins the Kommune's one person of gender d. The planner
    hides the cheapest, Kommune w; all w − BA w gives it back, so it hides Kommune m next. Then
    nothing is pinned, and Kommune w, which all w − BA w gives away anyway, is published again:
    withholding it protects nobody."""
    published = {
        "Kommune": (count(STAFF, "Kommune", carrier="Kommune"), 1000.0),
        "Kommune w": (count(STAFF, "Kommune w", carrier="Kommune", gender="w"), 1.0),
        "Kommune m": (count(STAFF, "Kommune m", carrier="Kommune", gender="m"), 2.0),
        "BA w": (count(STAFF, "BA w", carrier="BA", gender="w"), 5.0),
        "all w": (count(STAFF, "all w", gender="w"), 3.0),
    }
    hidden: dict[object, tuple[Figure, float]] = {}

    def figures() -> list[Figure]:
        return [
            Figure(f.box, f.value, f.where, owner=name, cost=cost)
            for name, (f, cost) in published.items()
        ]

    def hide(owner: object) -> None:
        hidden[owner] = published.pop(owner)  # type: ignore[call-overload]

    def restore(owner: object) -> None:
        published[owner] = hidden.pop(owner)  # type: ignore[index]

    suspects = [group(carrier="Kommune", gender="d")]
    result = plan(STAFF, CATEGORIES, figures, hide, suspects, 5, 10, restore=restore)
    assert result.hidden == ["Kommune m"]
    assert set(published) == {"Kommune", "Kommune w", "BA w", "all w"}
    assert audit(STAFF, CATEGORIES, figures(), suspects, 5, 10).pins == []


WIDE = {"gender": ("w", "m"), "age_band": ("a1", "a2"), "org_unit": ("u1", "u2")}
WIDE_STAFF = pd.DataFrame(
    [
        ("w", "a1", "u1", 8), ("w", "a2", "u1", 2), ("w", "a1", "u2", 7), ("w", "a2", "u2", 5),
        ("m", "a1", "u1", 5), ("m", "a2", "u1", 3), ("m", "a1", "u2", 1), ("m", "a2", "u2", 1),
    ],
    columns=["gender", "age_band", "org_unit", "n"],
)  # fmt: skip


def test_what_one_breakdown_derives_the_attacker_uses_in_another() -> None:
    """The women by age band add up to the women (22), a figure nobody published. The org units
    (18, 14) and the men of u1 (8) then pin the men of u2: 14 − (22 − (18 − 8)) = 2. Each wide
    dimension has a model of its own; the age-band model's fact goes to the org-unit model."""
    figures = [
        count(WIDE_STAFF, "all"),
        count(WIDE_STAFF, "w a1", gender="w", age_band="a1"),
        count(WIDE_STAFF, "w a2", gender="w", age_band="a2"),
        count(WIDE_STAFF, "u1", org_unit="u1"),
        count(WIDE_STAFF, "u2", org_unit="u2"),
        count(WIDE_STAFF, "m u1", gender="m", org_unit="u1"),
    ]
    men_u2 = group(gender="m", org_unit="u2")
    result = audit(WIDE_STAFF, WIDE, figures, [men_u2, group(gender="w")], 5, 10)
    (pin,) = result.pins
    assert (pin.group, pin.value, pin.reason) == (men_u2, 2, "small")
    derived = [f for f in pin.figures if f.sources]
    assert [f.value for f in derived] == [22]
    assert {s.where for s in derived[0].sources} == {"w a1", "w a2"}
    # the planner breaks it by hiding one of the release's figures, the derived one has no owner
    published = {f.where: Figure(f.box, f.value, f.where, owner=f.where, cost=1.0) for f in figures}

    def current() -> list[Figure]:
        return list(published.values())

    outcome = plan(WIDE_STAFF, WIDE, current, published.pop, [men_u2, group(gender="w")], 5, 10)  # type: ignore[arg-type]
    assert outcome.hidden and all(owner in {f.where for f in figures} for owner in outcome.hidden)
    assert audit(WIDE_STAFF, WIDE, current(), [men_u2, group(gender="w")], 5, 10).pins == []


WIDER = {"gender": ("w", "m"), "disabled": ("ja", "nein"), **WIDE}
WIDER_STAFF = pd.DataFrame(
    [
        ("w", "nein", "a1", "u1", 12), ("w", "nein", "a2", "u2", 15), ("w", "nein", "a1", "u2", 9),
        ("m", "ja", "a1", "u1", 11), ("m", "nein", "a2", "u1", 20), ("m", "ja", "a2", "u2", 12),
        ("m", "nein", "a1", "u2", 30),
    ],
    columns=["gender", "disabled", "age_band", "org_unit", "n"],
)  # fmt: skip


def test_a_fact_from_another_breakdown_proves_cells_empty_that_the_own_figures_leave_open() -> None:
    """The women by age band add up to the women (36); the women without a disability by org
    unit (12, 24) add up to 36 too. So no woman has a disability, in u1 either: a sensitive
    group pinned to 0. Only the org-unit model that knows the derived 36 can prove u1's women
    with a disability empty, and only by non-negativity (w ∧ ja = 0 is a sum over both units);
    its own figures' model leaves those cells open and must not be the reference."""
    frame = WIDER_STAFF
    figures = [
        count(frame, "all"),
        count(frame, "w a1", gender="w", age_band="a1"),
        count(frame, "w a2", gender="w", age_band="a2"),
        count(frame, "u1 w nein", org_unit="u1", gender="w", disabled="nein"),
        count(frame, "u2 w nein", org_unit="u2", gender="w", disabled="nein"),
    ]
    in_u1 = Box.of({"gender": {"w"}, "disabled": {"ja"}, "org_unit": {"u1"}})
    disabled_women_u1 = Group(in_u1, True, Box.of({"gender": {"w"}, "org_unit": {"u1"}}))
    (pin,) = audit(frame, WIDER, figures, [disabled_women_u1, group(gender="w")], 5, 10).pins
    assert (pin.group, pin.value, pin.reason) == (disabled_women_u1, 0, "zero")


def test_the_attacker_runs_its_linear_algebra_on_one_blas_thread() -> None:
    # BLAS threads fight over the cores beside the app's sessions and the test workers
    # (bench/bench_blas_threads.py); importing the attacker sets every loaded BLAS to one
    blas = threadpoolctl.threadpool_info()
    assert blas, "numpy and scipy load a BLAS"
    assert {library["num_threads"] for library in blas if library["user_api"] == "blas"} == {1}
