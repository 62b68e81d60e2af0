"""The release planner's last word: hide cells until the attacker pins nothing.

The KPI engine first applies the rules cell by cell (counts, shares, tables, nested pairs). Its
figures then go to the attacker as one release. For every pinned group, the planner hides the
cheapest cell among the figures the attacker combined (CONTRACT § 3 priorities: headline figures
of the all-carrier view last, breakdown cells first, small populations before large ones; public
facts never), and asks again — only about the groups pinned before, since hiding a figure can
only take information away. It stops when nothing is pinned. A group that comes back with
one proof of its empty cells after another loses a figure of its combination once those
proofs have cost as much (see `_cover`).

Figures of a universe are split into models by their "wide" dimension (age band, org unit, pay
group): no published figure crosses two of them, and each model holds every figure without one.
The models are linked only through the persons' other ("narrow") attributes: the joint tables
over all dimensions are exactly those whose narrow table every model allows (tables over
different wide dimensions with the same narrow margins always have a common non-negative
refinement). So what one model's breakdowns pin about the narrow attributes (the women, as the
sum of the women by age band; a 0 they prove), the attacker also knows when it looks at the org
units: such a fact goes to the other models as a derived figure that rests on the figures it
came from, and the planner breaks it by hiding one of those. The facts exchanged are the boxes
of the narrow figures and groups, one exchange deep.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.linalg

from metrics.disclosure.attacker import (
    Box,
    Figure,
    Group,
    Model,
    Pin,
    attack,
    build_integral_model,
    build_model,
    derivation,
    group_coverage,
)

WIDE_DIMENSIONS = ("age_band", "org_unit", "pay_group")

# the models of an audit by (name, "base" | "exchanged"): a model of its own figures alone, and
# the one that also knows what the other models derive (built only for a model that is asked)
Built = dict[tuple[str, str], Model]


@dataclass
class AuditResult:
    pins: list[Pin]
    figures: int
    models: list[tuple[str, int, int]] = field(default_factory=list)  # name, cells, classes
    # per model: the groups it pinned (a group may be pinned in several)
    pinned_in: dict[str, list[Group]] = field(default_factory=dict)
    # the models built, for reuse in the next audit
    built: Built = field(default_factory=dict, repr=False)


def _models(figures: Sequence[Figure]) -> dict[str, list[Figure]]:
    narrow = [f for f in figures if not f.box.dimensions & set(WIDE_DIMENSIONS)]
    models: dict[str, list[Figure]] = {}
    for wide in WIDE_DIMENSIONS:
        own = [f for f in figures if wide in f.box.dimensions]
        if own:
            models[wide] = narrow + own
    if not models:
        models["-"] = narrow
    return models


def _groups_for(model_name: str, groups: Sequence[Group]) -> list[Group]:
    others = set(WIDE_DIMENSIONS) - {model_name}
    return [g for g in groups if not g.box.dimensions & others]


def audit(
    persons: pd.DataFrame,
    categories: Mapping[str, Sequence[str]],
    figures: Sequence[Figure],
    groups: Sequence[Group],
    k_ordinary: int,
    k_sensitive: int,
    excused: Callable[[Group], bool] = lambda group: False,
    groups_of_model: Mapping[str, Sequence[Group]] | None = None,
    built: Built | None = None,
    facts: Sequence[Box] | None = None,
) -> AuditResult:
    """Every group the figures pin to a disclosive value (public facts aside); with
    groups_of_model, only those groups in each model (the others are not asked); built: the
    models of an audit of figures that said at least as much (reused where their figures are
    these, else their forced cells spare the LP); facts: the narrow boxes the wide models tell
    each other about, besides those of the figures (default: those of the groups; none: the
    models do not exchange what they know)."""
    result = AuditResult([], len(figures))
    own_of = {name: own for name, own in _models(figures).items() if own}
    suspects_of = {
        name: _groups_for(name, groups)
        if groups_of_model is None
        else list(groups_of_model.get(name, ()))
        for name in own_of
    }
    if not any(suspects_of.values()):
        return result  # nothing to ask: build nothing
    if facts is None:
        facts = [g.box for g in groups if _is_narrow(g.box)]
    asked = {name for name, suspects in suspects_of.items() if suspects}
    models, result.built = _release_models(persons, categories, own_of, built or {}, facts, asked)
    seen: set[object] = set()
    for name, model in models.items():
        suspects = suspects_of.get(name, [])
        if not suspects:
            continue
        result.models.append((name, int(model.cell_class.shape[0]), model.classes))
        for pin in attack(model, suspects, k_ordinary, k_sensitive):
            if excused(pin.group):
                continue
            result.pinned_in.setdefault(name, []).append(pin.group)
            if pin.group.box in seen:
                continue
            seen.add(pin.group.box)
            result.pins.append(pin)
    return result


def _release_models(
    persons: pd.DataFrame,
    categories: Mapping[str, Sequence[str]],
    own_of: Mapping[str, list[Figure]],
    built: Built,
    facts: Sequence[Box],
    asked: set[str] | None = None,
) -> tuple[dict[str, Model], Built]:
    """The models of a release, each knowing what the others derive about the narrow
    dimensions. Each wide model sees the narrow figures and its own breakdowns; what its
    breakdowns pin about the persons without a wide dimension (the sum of a breakdown, a 0 it
    proves) the attacker also knows when it looks at another wide dimension, so such a fact
    (among the narrow figures' and groups' boxes) goes to the other models as a figure that
    rests on the first model's figures. (One exchange: a chain through three models is not
    followed.) asked: the models that will be attacked (default: all); the others are only
    asked what they derive. Returns the models to attack by name, and every model built."""
    # the planner's cheap rounds (each model alone, no exchange) leave out what the bands tell
    # in whole persons; the check that ends them, and every audit, take it in
    integral = facts != () or len(own_of) < 2
    base = {
        name: _model_of(persons, categories, own, built.get((name, "base")), integral)
        for name, own in own_of.items()
    }
    everything: Built = {(name, "base"): model for name, model in base.items()}
    if len(base) < 2 or facts == ():
        return base, everything
    narrow = {b for own in own_of.values() for f in own for b in f.boxes if _is_narrow(b)}
    candidates = tuple(sorted(narrow | set(facts)))
    pinned = {name: model.knowledge.evaluated(candidates) for name, model in base.items()}
    models: dict[str, Model] = {}
    for name, model in base.items():
        if asked is not None and name not in asked:
            models[name] = model
            continue
        known_elsewhere: dict[Box, tuple[str, int]] = {}
        for other, evaluated in pinned.items():
            if other == name:
                continue
            for box, there, here in zip(candidates, evaluated, pinned[name], strict=True):
                if there is None or not there[1] or box in known_elsewhere or (here and here[1]):
                    continue
                known_elsewhere[box] = (other, there[0])
        if not known_elsewhere:
            models[name] = model
            continue
        derived = [
            _derived_fact(base[other], other, box, value)
            for box in _independent(model, list(known_elsewhere))
            for other, value in (known_elsewhere[box],)
        ]
        before = built.get((name, "exchanged"))
        figures = [*own_of[name], *derived]
        if before is not None and _same(before.figures_given, figures):
            models[name] = before
        else:
            # only a model that said at least as much may spare the LP: the base model says
            # less (a derived fact can force cells empty that it leaves open)
            forced = None if before is None else before.forced_cells
            models[name] = build_integral_model(persons, figures, categories, forced)
        models[name].release_figures = own_of[name]
        everything[(name, "exchanged")] = models[name]
    return models, everything


def _independent(model: Model, boxes: Sequence[Box]) -> list[Box]:
    """Of these boxes, enough to tell the model everything they tell: each one that cuts
    through its classes (a new distinction), and of the others a basis of what they add to its
    equations (the rest are combinations: as figures they would only make the model bigger)."""
    space = model.knowledge.space
    kept: list[Box] = []
    whole_boxes: list[Box] = []
    vectors: list[np.ndarray] = []
    for box in boxes:
        coverage = group_coverage(model, box)
        if coverage is None or coverage[1].any():
            kept.append(box)
        else:
            whole_boxes.append(box)
            vectors.append(coverage[0].astype(float))
    if vectors:
        rest = np.stack(vectors, axis=1)
        if space.basis.shape[1]:
            rest -= space.basis @ (space.basis.T @ rest)
        _, triangle, pivots = scipy.linalg.qr(rest, mode="economic", pivoting=True)
        diagonal = np.abs(np.diag(triangle))
        rank = int((diagonal > 1e-7).sum())
        kept.extend(whole_boxes[i] for i in sorted(pivots[:rank]))
    return kept


def _same(these: Sequence[Figure], those: Sequence[Figure]) -> bool:
    """The same figures, resting on the same sources."""
    return len(these) == len(those) and all(
        a == b and a.sources == b.sources for a, b in zip(these, those, strict=True)
    )


def _is_narrow(box: Box) -> bool:
    return not box.dimensions & set(WIDE_DIMENSIONS)


def _model_of(
    persons: pd.DataFrame,
    categories: Mapping[str, Sequence[str]],
    own: list[Figure],
    before: Model | None,
    integral: bool,
) -> Model:
    """The model of these figures alone (`build_integral_model` if integral): the one of an
    earlier audit if it had exactly them and was built alike."""
    if (
        before is not None
        and before.integral == integral
        and before.release_figures == own
        and before.figures_given == own
    ):
        return before
    forced = None
    # a model without the bands' whole numbers says less than one with them: no hint then
    if before is not None and (before.integral or not integral):
        forced = before.forced_cells
    build = build_integral_model if integral else build_model
    model = build(persons, own, categories, forced)
    model.release_figures = own
    return model


def _derived_fact(model: Model, name: str, box: Box, value: int) -> Figure:
    sources = derivation(model, box)
    return Figure(
        box,
        value,
        f"{box.describe()} = {value} (derived with the {name} breakdowns)",
        cost=0.0,
        public=all(f.public for f in sources),
        sources=sources,
    )


@dataclass
class PlanResult:
    hidden: list[Hashable]  # the cells the attacker made the planner hide, in order
    rounds: int
    last_audit: AuditResult


def plan(
    persons: pd.DataFrame,
    categories: Mapping[str, Sequence[str]],
    current_figures: Callable[[], list[Figure]],
    hide: Callable[[Hashable], None],
    groups: Sequence[Group],
    k_ordinary: int,
    k_sensitive: int,
    excused: Callable[[Group], bool] = lambda group: False,
    max_rounds: int = 200,
    restore: Callable[[Hashable], None] | None = None,
) -> PlanResult:
    """Hide cells (through `hide`) until `audit` finds nothing; returns what was hidden.

    First over the narrow figures and groups alone (no age band, org unit or pay group: a model
    of a few hundred classes, so a round costs milliseconds), where most pins are; then over
    everything, where only what involves a wide dimension is left to find. Last, a hidden cell
    that the final release gives away anyway (its counts pinned) is published again through
    `restore`: that changes nothing the attacker can know."""
    proposed = _figures_by_owner(current_figures())
    # the wide models tell each other about the boxes of every cell of the release, hidden
    # ones too (what one derives of a hidden cell, another may combine)
    proposed_facts = sorted(
        {b for own in proposed.values() for f in own for b in f.boxes if _is_narrow(b)}
    )
    check_facts = sorted(set(proposed_facts) | {g.box for g in groups if _is_narrow(g.box)})
    hidden: list[Hashable] = []
    rounds = 0
    narrow_groups = [g for g in groups if not g.box.dimensions & set(WIDE_DIMENSIONS)]

    def narrow_figures() -> list[Figure]:
        return [f for f in current_figures() if not f.box.dimensions & set(WIDE_DIMENSIONS)]

    phases = [(narrow_figures, narrow_groups), (current_figures, groups)]
    if len(narrow_groups) == len(groups) and len(narrow_figures()) == len(current_figures()):
        phases = phases[:1]  # nothing wide (applicants, the survey): one phase sees it all
    for figures_of, phase_groups in phases:
        # after the first round, each model is asked only about the groups it pinned: hiding
        # takes information away, so nothing else can become pinned
        pinned_in: Mapping[str, Sequence[Group]] | None = None
        built: Built = {}  # the latest models
        pinned_before: set[object] = set()
        spent: dict[Box, float] = {}  # per group: what hiding cells for it has cost so far
        # the rounds ask each model alone (cheap), a last check lets the wide models tell each
        # other about every cell and group (dear): if that finds more, the rounds go on with it
        facts: Sequence[Box] | None = ()
        while True:
            rounds += 1
            if rounds > max_rounds:
                raise RuntimeError(f"release planner did not converge in {max_rounds} rounds")
            figures = figures_of()
            result = audit(
                persons,
                categories,
                figures,
                phase_groups,
                k_ordinary,
                k_sensitive,
                excused,
                pinned_in,
                built,
                facts,
            )
            built.update(result.built)
            if not result.pins and facts == () and len(_models(figures)) > 1:
                facts, pinned_in = check_facts, None  # the check: every group, with exchange
                continue
            if not result.pins:
                break
            repeated = [pin for pin in result.pins if pin.group.box in pinned_before]
            chosen = _cover(result.pins, spent)
            for owner in chosen | _linked_cells(repeated, chosen, figures):
                hide(owner)
                hidden.append(owner)
            pinned_in = result.pinned_in
            pinned_before = {pin.group.box for pin in result.pins}
    if restore is not None and hidden:
        given_away = _given_away(
            persons,
            categories,
            current_figures(),
            proposed_facts,
            {o: proposed[o] for o in hidden},
            built,
        )
        for owner in given_away:
            restore(owner)
        if (
            given_away
            and audit(
                persons,
                categories,
                current_figures(),
                groups,
                k_ordinary,
                k_sensitive,
                excused,
                built=_unchanged(built, current_figures()),
                facts=check_facts,
            ).pins
        ):
            # what a model derives only with a restored figure's help is found by the
            # decomposed attacker now, not before: keep them hidden
            for owner in hidden:
                if owner in given_away:
                    hide(owner)
        else:
            hidden = [owner for owner in hidden if owner not in given_away]
    return PlanResult(hidden, rounds, result)


def _unchanged(built: Built, figures: Sequence[Figure]) -> Built:
    """The models of `built` whose own figures these still are (reused as they are). After a
    restore, the figures say more than every other model did: none of those is a valid hint
    of which cells stay open."""
    own_of = _models(figures)
    return {
        key: model
        for key, model in built.items()
        if key[1] == "base" and model.release_figures == own_of.get(key[0])
    }


def _figures_by_owner(figures: Sequence[Figure]) -> dict[Hashable, list[Figure]]:
    by_owner: dict[Hashable, list[Figure]] = {}
    for figure in figures:
        by_owner.setdefault(figure.owner, []).append(figure)
    return by_owner


def _given_away(
    persons: pd.DataFrame,
    categories: Mapping[str, Sequence[str]],
    figures: Sequence[Figure],
    facts: Sequence[Box],
    hidden: Mapping[Hashable, Sequence[Figure]],
    built: Built,
) -> set[Hashable]:
    """The hidden cells whose every count the published figures pin (the sum of two published
    carrier figures, say): publishing them adds no equation the attacker does not have.
    Decided in the model of the cell's dimensions (with what the other models derive): a model
    holds a subset of what the release tells, so what it pins, the release pins. built: the
    planner's latest models."""
    own_of = {name: own for name, own in _models(figures).items() if own}
    models, _ = _release_models(persons, categories, own_of, built, facts)
    given: set[Hashable] = set()
    for owner, own in hidden.items():
        boxes = {box for figure in own for box in figure.boxes}
        for model in models.values():
            if all(box.dimensions <= set(model.dimensions) for box in boxes):
                if all(model.knowledge.pinned(box) is not None for box in boxes):
                    given.add(owner)
                break
    return given


def _linked_cells(
    repeated: Sequence[Pin], chosen: set[Hashable], figures: Sequence[Figure]
) -> set[Hashable]:
    """A group pinned again right after its cover has parallel paths: the same small count
    through the same category (an org unit, an age band, a pay group) in the breakdown of one
    KPI after another. Hiding one breakdown per round takes a round per KPI; instead that
    category goes from every share breakdown of the view at once, as linked tables are protected
    together: a share is only rounded by it (the reader keeps the percentage), while a count
    taken along would be lost for a path that rounding the shares already closes (the demo
    store's 2025 headcount of 21 org-unit cells). Breakdown cells are owned by tuples ("group",
    measure, dimension, view, category) (see kpis.personnel_figures)."""
    cells = {
        (owner[2], owner[3], owner[4])
        for pin in repeated
        for figure in (*pin.figures, *pin.zero_figures)
        if (owner := figure.owner) in chosen and isinstance(owner, tuple) and owner[0] == "group"
    }
    return {
        figure.owner
        for figure in figures
        if isinstance(figure.owner, tuple)
        and figure.owner[0] == "group"
        and figure.owner[2:5] in cells
        and not figure.public
        and figure.share
    }


def _hideable(figure: Figure) -> list[Figure]:
    """The release's figures a combination rests on: a derived fact stands for its sources."""
    if figure.sources:
        return [f for source in figure.sources for f in _hideable(source)]
    return [] if figure.public else [figure]


def _cover(pins: Sequence[Pin], spent: dict[Box, float]) -> set[Hashable]:
    """Cells to hide so that every pin loses a figure of its combination: greedy weighted set
    cover (the cell in most open pins per cost first), as complementary suppression does.

    spent: per group, the cost of the cells hidden for it in earlier rounds (updated here). A
    group whose proof of empty cells is broken may come back with the next proof (a 0 of one
    more KPI's breakdown of the same org unit, round after round, with no end in sight). Once
    those proofs have cost as much as the cheapest figure of its combination, that figure goes
    instead: as in renting skis or buying them, this never costs more than twice the better
    of the two, and it ends the rounds."""
    candidates: dict[Hashable, tuple[float, str]] = {}
    covers: dict[Hashable, set[int]] = {}
    involved_in: list[list[Figure]] = []
    for number, pin in enumerate(pins):
        involved = [f for g in pin.figures for f in _hideable(g)]
        if not involved or spent.get(pin.group.box, 0.0) < min(f.cost for f in involved):
            involved += [f for g in pin.zero_figures for f in _hideable(g)]
        if not involved:
            raise RuntimeError(f"only public facts pin {pin.describe()}")
        involved_in.append(involved)
        for figure in involved:
            owner = figure.owner
            assert owner is not None
            candidates[owner] = (figure.cost, figure.where)
            covers.setdefault(owner, set()).add(number)
    open_pins = set(range(len(pins)))
    chosen: set[Hashable] = set()
    while open_pins:
        best = max(
            covers,
            key=lambda owner: (
                len(covers[owner] & open_pins) / candidates[owner][0],
                candidates[owner][1],
            ),
        )
        chosen.add(best)
        open_pins -= covers[best]
    for pin, involved in zip(pins, involved_in, strict=True):
        cost = sum(candidates[owner][0] for owner in {f.owner for f in involved} & chosen)
        spent[pin.group.box] = spent.get(pin.group.box, 0.0) + cost
    return chosen
