"""The linear attacker of CONTRACT § 3: what can someone pin who sees a whole release?

The persons of a universe (personnel at a reporting date, say) are micro-cells: every combination
of the categories of the dimensions the release speaks about, empty ones included — the attacker
does not know which combinations are empty. Every published count is the sum of the micro-cells
in its box (`Box`: allowed categories per dimension). The attacker knows these sums, that no cell
is negative, and nothing else; a person group (another box) is *pinned* when its size is the same
in every table of non-negative cells that reproduces the release.

How it is decided, exactly and without one LP per group:

1. Cells that no published figure tells apart are merged into classes (the attacker can never
   separate them; a group that cuts through a class cannot be pinned unless the class is
   empty for certain).
2. One LP (HiGHS) finds the classes that are zero in *every* solution (e.g. inside a published
   0, or a remainder that two published figures leave at nothing): homogenised, so that
   maximising the number of positive classes answers all of them at once.
3. The solutions then span the affine space {A y = b, y_Z = 0}: a group is pinned exactly when
   its indicator over the remaining classes lies in the row space of A. One orthonormal basis of
   that row space (a pivoted QR) decides every group by a projection.

A pinned group of 1 … k−1 persons is a leak; for a sensitive attribute so is a pinned 0 or a
pinned "all of them" (the group equals its population without the sensitive attribute).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.optimize
import scipy.sparse
import threadpoolctl

# The attacker's matrices are small (thousands of classes × hundreds of figures): BLAS threads
# gain nothing on them and, beside the app's sessions or the test workers, fight over the cores
# (a pivoted QR of the demo store's pay-group model: 0.05 s on one thread, 2 – 13 s on two
# threads of a loaded 2-core machine; bench/RESULTS.md). OpenBLAS's limit is process-wide and
# applies to the BLAS libraries loaded so far: numpy's and scipy's, imported above.
threadpoolctl.threadpool_limits(1, user_api="blas")

# a projection residual below this (relative to the group's size) counts as "in the row space"
_TOLERANCE = 1e-7


def _name(term: tuple[str, frozenset[str]]) -> str:
    return term[0]


@dataclass(frozen=True, order=True)
class Box:
    """Persons whose category in each named dimension is one of the allowed ones."""

    terms: tuple[tuple[str, frozenset[str]], ...] = ()

    @staticmethod
    def of(conditions: Mapping[str, Iterable[str]]) -> Box:
        return Box(tuple(sorted(((d, frozenset(c)) for d, c in conditions.items()), key=_name)))

    @functools.cached_property
    def dimensions(self) -> frozenset[str]:
        return frozenset(d for d, _ in self.terms)

    def allowed(self, dimension: str) -> frozenset[str] | None:
        for name, categories in self.terms:
            if name == dimension:
                return categories
        return None

    def __and__(self, other: Box) -> Box:
        if not other.terms:
            return self
        if not self.terms:
            return other
        merged: dict[str, frozenset[str]] = dict(self.terms)
        for dimension, categories in other.terms:
            merged[dimension] = (
                merged[dimension] & categories if dimension in merged else categories
            )
        return Box.of(merged)

    def describe(self) -> str:
        if not self.terms:
            return "all"
        return " ∧ ".join(f"{d}∈{{{', '.join(sorted(c))}}}" for d, c in self.terms)


@dataclass(frozen=True)
class Figure:
    """A published count: the number of persons in `box` is `value`; `where` names the output.

    owner: the release's cell this figure belongs to (the planner hides cells, not figures);
    cost: what hiding that cell loses (CONTRACT § 3 priorities); public: a public fact, never
    hidden.
    """

    box: Box
    value: float
    where: str
    owner: object = field(default=None, compare=False)
    cost: float = field(default=0.0, compare=False)
    public: bool = field(default=False, compare=False)
    # instead of a count, a bound: Σ weight · |box| ≥ value (a share shown only as its rounded
    # percentage gives two: numerator − low · population ≥ 0 and high · population − numerator ≥ 0)
    terms: tuple[tuple[Box, float], ...] = ()
    # a fact the attacker derived from other figures (in another model): what it rests on
    sources: tuple[Figure, ...] = field(default=(), compare=False)
    # the cell is a share: hiding it first publishes it as its rounded percentage only
    share: bool = field(default=False, compare=False)

    @property
    def is_bound(self) -> bool:
        return bool(self.terms)

    @property
    def boxes(self) -> tuple[Box, ...]:
        return tuple(box for box, _ in self.terms) if self.terms else (self.box,)


@dataclass(frozen=True)
class Group:
    """A person group the attacker must not pin. `population` is set for a sensitive group: the
    same persons without the sensitive condition (so "all of them" can be recognised)."""

    box: Box
    sensitive: bool = False
    population: Box | None = None


@dataclass(frozen=True)
class Pin:
    group: Group
    value: int
    # the published figures the attacker combines (non-zero weights of one combination)
    figures: tuple[Figure, ...]
    reason: str  # small | zero | all
    # figures that prove the cells empty which the combination relies on (LP dual certificate)
    zero_figures: tuple[Figure, ...] = ()

    def describe(self) -> str:
        # a group inside cells proven empty needs no combination, only the proof
        shown = self.figures or self.zero_figures
        sources = "; ".join(f.where for f in shown[:4])
        more = f" and {len(shown) - 4} more" if len(shown) > 4 else ""
        return f"{self.group.box.describe()} = {self.value} ({self.reason}), from {sources}{more}"


@dataclass
class Model:
    """Micro-cells of one universe over some dimensions, merged into classes."""

    dimensions: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]
    figures: list[Figure]  # the equations (counts, and bounds that hold with equality)
    figures_given: list[Figure] = field(repr=False, default_factory=list)  # to build_model
    # of those, the ones the release publishes (the others: facts derived in other models)
    release_figures: list[Figure] = field(repr=False, default_factory=list)
    # built with the bands' whole numbers (`build_integral_model`)
    integral: bool = False
    # per cell (flattened product of the dimensions' categories): its class
    cell_class: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))
    # per class: its true number of persons
    truth: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    incidence: scipy.sparse.csr_matrix | None = field(repr=False, default=None)
    forced_zero: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, bool))
    # computes the figures whose equations prove the forced classes empty (an LP of its own,
    # asked only when a pin or a derivation needs the proof) and, per figure, its classes
    zero_proof: Callable[[], tuple[list[Figure], scipy.sparse.csc_matrix]] = field(
        repr=False, default=lambda: ([], scipy.sparse.csc_matrix((0, 0)))
    )
    # the cells of classes that can hold persons, by their category codes, and their class
    # numbered among the open classes
    open_classes: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))
    open_codes: list[np.ndarray] = field(repr=False, default_factory=list)
    open_cell_class: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))
    open_cell_counts: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    open_cells: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))
    # persons per cell (flattened product)
    truth_cells: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    @functools.cached_property
    def knowledge(self) -> Knowledge:
        return Knowledge(self)

    @functools.cached_property
    def row_of(self) -> dict[int, int]:
        """Per figure (by identity), its row of the incidence matrix (asked for every pin)."""
        return {id(f): i for i, f in enumerate(self.figures)}

    @functools.cached_property
    def _proof(self) -> tuple[list[Figure], scipy.sparse.csc_matrix]:
        return self.zero_proof()

    @property
    def zero_sources(self) -> list[Figure]:
        """The figures of the cheapest proof that the forced classes are empty."""
        return self._proof[0]

    @property
    def zero_source_classes(self) -> scipy.sparse.csc_matrix:
        """Per zero source (row): the classes its boxes hold (by column: asked per class)."""
        return self._proof[1]

    @property
    def forced_cells(self) -> tuple[tuple[str, ...], np.ndarray]:
        """(dimensions, per cell: forced empty), for `build_model(forced_before=…)`."""
        return self.dimensions, self.forced_zero[self.cell_class]

    @property
    def open_count(self) -> int:
        return int(self.open_classes.shape[0])

    @property
    def classes(self) -> int:
        return int(self.truth.shape[0])


def _membership(
    box: Box,
    dimensions: Sequence[str],
    categories: Mapping[str, Sequence[str]],
    codes: Sequence[np.ndarray],
) -> np.ndarray:
    inside = np.ones(codes[0].shape[0] if codes else 1, dtype=bool)
    for dimension, allowed in box.terms:
        position = dimensions.index(dimension)
        mask = np.array([c in allowed for c in categories[dimension]], dtype=bool)
        inside &= mask[codes[position]]
    return inside


def _signature(
    boxes: Sequence[Box], dimensions: Sequence[str], categories: Mapping[str, Sequence[str]]
) -> np.ndarray:
    """Per cell of the product (C order), the sum of a random 64-bit weight per box that holds
    it: cells with equal signatures are in the same boxes. A box constrains a few dimensions,
    so its weights go onto the small grid of those (one per set of dimensions), and each such
    grid onto the cells once: a store of many org units has millions of cells."""
    sizes = [len(categories[d]) for d in dimensions]
    generator = np.random.default_rng(20261202)
    grids: dict[tuple[int, ...], np.ndarray] = {}
    for box in boxes:
        weight = generator.integers(1, 2**63, dtype=np.uint64)
        axes = tuple(dimensions.index(d) for d, _ in box.terms)
        order = np.argsort(axes)
        key = tuple(axes[i] for i in order)
        inside = np.ones((), dtype=np.uint64)
        for i in order:
            dimension, allowed = box.terms[i]
            mask = np.array([c in allowed for c in categories[dimension]], dtype=np.uint64)
            inside = np.multiply.outer(inside, mask)
        if key not in grids:
            grids[key] = np.zeros(inside.shape, dtype=np.uint64)
        grids[key] += inside * weight  # wraps modulo 2**64, as intended
    signature = np.zeros(sizes, dtype=np.uint64)
    for axes, grid in grids.items():
        shape = [1] * len(sizes)
        for axis in axes:
            shape[axis] = sizes[axis]
        signature += grid.reshape(shape)
    return signature.ravel()


def build_model(
    persons: pd.DataFrame,
    figures: Sequence[Figure],
    categories: Mapping[str, Sequence[str]],
    forced_before: tuple[tuple[str, ...], np.ndarray] | None = None,
) -> Model:
    """Classes of the micro-cells over the dimensions the figures use.

    persons: one row per person (or per cell with a column `n`), one column per dimension.
    categories: every category each dimension can take (also those nobody has).
    forced_before: (dimensions, cells forced empty) of a model whose figures said at least as
    much as these (the planner's previous round): only its forced cells can be forced now,
    which spares the LP most of its questions.
    """
    dimensions = tuple(sorted({d for f in figures for b in f.boxes for d in b.dimensions}))
    sizes = [len(categories[d]) for d in dimensions]
    cells = int(np.prod(sizes)) if dimensions else 1
    boxes = list(dict.fromkeys(box for figure in figures for box in figure.boxes))
    signature = _signature(boxes, dimensions, categories)
    _, cell_class = np.unique(signature, return_inverse=True)
    del signature
    classes = int(cell_class.max()) + 1
    # each class's boxes, from one of its cells
    representative = np.zeros(classes, dtype=np.int64)
    representative[cell_class] = np.arange(cells)
    codes = list(np.unravel_index(representative, sizes)) if dimensions else []
    class_members = {
        box: np.flatnonzero(_membership(box, dimensions, categories, codes)) for box in boxes
    }

    def rows_of(chosen: Sequence[Figure]) -> scipy.sparse.csr_matrix:
        rows, cols, weights = [], [], []
        for number, figure in enumerate(chosen):
            for box, weight in figure.terms or ((figure.box, 1.0),):
                members = class_members[box]
                rows.append(np.full(members.shape[0], number))
                cols.append(members)
                weights.append(np.full(members.shape[0], weight))
        if not rows:
            return scipy.sparse.csr_matrix((len(chosen), classes))
        return scipy.sparse.csr_matrix(
            (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(chosen), classes),
        )

    counts = [f for f in figures if not f.is_bound]
    bounds = [f for f in figures if f.is_bound]
    incidence = rows_of(counts)
    bound_rows = rows_of(bounds)
    if dimensions:
        index = np.zeros(len(persons), dtype=np.int64)
        for dimension, size in zip(dimensions, sizes, strict=True):
            lookup = {c: i for i, c in enumerate(categories[dimension])}
            index = index * size + persons[dimension].map(lookup).to_numpy(dtype=np.int64)
        weights = persons["n"].to_numpy() if "n" in persons else np.ones(len(persons))
        truth_cells = np.bincount(index, weights=weights, minlength=cells).astype(float)
    else:
        truth_cells = np.array([float(persons["n"].sum() if "n" in persons else len(persons))])
    truth = np.bincount(cell_class, weights=truth_cells, minlength=classes)
    model = Model(dimensions, {d: tuple(categories[d]) for d in dimensions}, counts, list(figures))
    model.cell_class, model.truth = cell_class, truth
    values = np.array([f.value for f in counts], dtype=float)
    if not np.allclose(incidence @ truth, values):
        wrong = [f.where for f, v in zip(counts, incidence @ truth, strict=True) if v != f.value]
        raise ValueError(f"figures do not match the persons: {wrong[:5]}")
    lowers = np.array([f.value for f in bounds], dtype=float)
    if bounds and not np.all(bound_rows @ truth >= lowers - 1e-9):
        raise ValueError("bounds do not hold for the persons")
    # a proof by public facts costs nothing: hiding other figures cannot break it
    costs = np.array([0.0 if f.public else max(f.cost, 1e-3) for f in (*counts, *bounds)])
    reachable = np.zeros(classes, dtype=bool)
    if forced_before is not None and forced_before[0] == dimensions:
        reachable = np.bincount(cell_class, weights=~forced_before[1], minlength=classes) > 0
    model.forced_zero, tight, proof = _forced_zero(
        incidence, values, bound_rows, lowers, truth, costs, reachable
    )
    # bounds that hold with equality in every solution are equations like the counts
    model.figures = [*counts, *(b for b, t in zip(bounds, tight, strict=True) if t)]
    model.incidence = scipy.sparse.vstack([incidence, bound_rows[np.flatnonzero(tight)]]).tocsr()

    def zero_proof() -> tuple[list[Figure], scipy.sparse.csc_matrix]:
        sources = [f for f, used in zip([*counts, *bounds], proof(), strict=True) if used]
        held = [np.unique(np.concatenate([class_members[b] for b in f.boxes])) for f in sources]
        classes_held = scipy.sparse.csr_matrix(
            (
                np.ones(sum(h.size for h in held)),
                np.concatenate([np.zeros(0, np.int64), *held]),
                np.cumsum([0, *(h.size for h in held)]),
            ),
            shape=(len(held), classes),
        ).tocsc()
        return sources, classes_held

    model.zero_proof = zero_proof
    model.open_classes = np.flatnonzero(~model.forced_zero)
    number = np.full(classes, -1)
    number[model.open_classes] = np.arange(model.open_classes.shape[0])
    open_cells = np.flatnonzero(~model.forced_zero[cell_class])
    model.open_codes = (
        [c.astype(np.int32) for c in np.unravel_index(open_cells, sizes)] if dimensions else []
    )
    model.open_cell_class = number[cell_class[open_cells]]
    model.open_cell_counts = np.bincount(model.open_cell_class, minlength=model.open_count)
    model.open_cells = open_cells
    model.truth_cells = truth_cells
    return model


def _forced_zero(
    incidence: scipy.sparse.csr_matrix,
    values: np.ndarray,
    bound_rows: scipy.sparse.csr_matrix,
    lowers: np.ndarray,
    truth: np.ndarray,
    costs: np.ndarray,
    reachable: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, Callable[[], np.ndarray]]:
    """Classes that are 0 in every non-negative solution of the counts and bounds, bounds that
    hold with equality in every solution, and how to find the counts and bounds that prove
    either (costs:
    per count, then per bound, what hiding it loses; the proof is the cheapest to break;
    reachable: classes known to hold persons in some solution).

    A class inside a published 0 is empty for certain, and each such 0 is its proof. Most empty
    classes are of that kind (an applicant model: 27,000 of 27,200 classes), so they leave the
    problem before the LP, which then decides only the rest."""
    count_rows = incidence.shape[0]
    zero_rows = np.flatnonzero(values == 0)
    inside_zero = np.zeros(truth.shape[0], dtype=bool)
    inside_zero[incidence[zero_rows].indices] = True
    rest = np.flatnonzero(~inside_zero)
    nonzero_rows = np.flatnonzero(values != 0)
    forced_rest, tight, proof_rest = _forced_zero_lp(
        incidence[nonzero_rows][:, rest],
        values[nonzero_rows],
        bound_rows[:, rest],
        lowers,
        truth[rest],
        np.concatenate([costs[nonzero_rows], costs[count_rows:]]),
        reachable[rest],
    )
    forced = inside_zero
    forced[rest[forced_rest]] = True

    def proof() -> np.ndarray:
        sources_rest = proof_rest()
        sources = np.zeros(count_rows + bound_rows.shape[0], dtype=bool)
        sources[zero_rows] = np.diff(incidence.indptr)[zero_rows] > 0
        sources[nonzero_rows] = sources_rest[: nonzero_rows.size]
        sources[count_rows:] = sources_rest[nonzero_rows.size :]
        return sources

    return forced, tight, proof


def _forced_zero_lp(
    incidence: scipy.sparse.csr_matrix,
    values: np.ndarray,
    bound_rows: scipy.sparse.csr_matrix,
    lowers: np.ndarray,
    truth: np.ndarray,
    costs: np.ndarray,
    reachable: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, Callable[[], np.ndarray]]:
    """`_forced_zero` by one LP over the directions in which the true table can move.

    The solutions are a convex polyhedron and the true table is one of them, so a class that is
    empty in the true table can hold persons in some solution exactly when a feasible direction
    v from the true table has v > 0 there: incidence v = 0, v ≥ 0 on the empty classes (free on
    the others), and for each bound that holds with equality, its slack s = bound_rows v ≥ 0
    (bounds with room to spare allow any small step). With 0 ≤ t ≤ 1, t ≤ each candidate (an
    empty class or a tight slack), maximise Σ t: directions form a cone (scaled and summed, they
    stay directions), so one optimum reaches t = 1 on every candidate that is not forced to 0.
    (As fast as HiGHS gets here: the homogenised LP over the solutions themselves took 3 – 4 ×
    as long.) The proof of the forced ones is `_cheapest_certificate`.
    """
    classes = truth.shape[0]
    count_rows, bounds = incidence.shape[0], bound_rows.shape[0]
    forced = np.zeros(classes, dtype=bool)
    tight = np.zeros(bounds, dtype=bool)
    slack_truth = bound_rows @ truth - lowers
    class_candidates = np.flatnonzero((truth == 0) & ~reachable)
    slack_candidates = np.flatnonzero(np.abs(slack_truth) < 1e-9)
    candidates = class_candidates.size + slack_candidates.size

    def nothing() -> np.ndarray:
        return np.zeros(count_rows + bounds, dtype=bool)

    if candidates == 0:
        return forced, tight, nothing
    slacks = slack_candidates.size
    variables = classes + slacks  # v, then s; then t (candidates)
    equality = scipy.sparse.vstack(
        [
            scipy.sparse.hstack(
                [incidence, scipy.sparse.csr_matrix((count_rows, slacks + candidates))]
            ),
            scipy.sparse.hstack(
                [
                    bound_rows[slack_candidates],
                    -scipy.sparse.identity(slacks),
                    scipy.sparse.csr_matrix((slacks, candidates)),
                ]
            ),
        ]
    ).tocsr()
    picked = np.concatenate([class_candidates, classes + np.arange(slacks)])
    # t_j − candidate_j ≤ 0
    upper = scipy.sparse.hstack(
        [
            scipy.sparse.csr_matrix(
                (-np.ones(candidates), (np.arange(candidates), picked)),
                shape=(candidates, variables),
            ),
            scipy.sparse.identity(candidates),
        ]
    ).tocsr()
    cost = np.concatenate([np.zeros(variables), -np.ones(candidates)])
    lower = np.full(classes, -np.inf)
    lower[truth == 0] = 0.0
    bounds_of = np.concatenate(
        [
            np.stack([lower, np.full(classes, np.inf)], axis=1),
            np.tile([0.0, np.inf], (slacks, 1)),
            np.tile([0.0, 1.0], (candidates, 1)),
        ]
    )
    # v = 0 is a solution, so the LP is feasible and bounded: a failure is HiGHS's numerics,
    # and another of its methods then solves it. Without presolve first: HiGHS's presolve took
    # 2 s of 2.2 on some of the demo store's models, and never saved more than 0.1 s.
    for method, options in (("highs", {"presolve": False}), ("highs-ipm", {}), ("highs-ds", {})):
        result = scipy.optimize.linprog(
            cost,
            A_ub=upper,
            b_ub=np.zeros(candidates),
            A_eq=equality,
            b_eq=np.zeros(count_rows + slacks),
            bounds=bounds_of,
            method=method,
            options=options,
        )
        if result.status == 0:
            break
    if result.status != 0:
        raise RuntimeError(f"attacker LP failed: {result.message}")
    reached = result.x[variables:] > 0.5
    forced[class_candidates[~reached[: class_candidates.size]]] = True
    tight[slack_candidates[~reached[class_candidates.size :]]] = True
    if not forced.any() and not tight.any():
        return forced, tight, nothing
    # columns of the equations: the classes (free where the true table has persons), then the
    # tight slacks
    kind = np.full(variables, _NONNEGATIVE)
    kind[np.flatnonzero(truth > 0)] = _FREE
    kind[np.flatnonzero(forced)] = _FORCED
    kind[classes + np.flatnonzero(tight[slack_candidates])] = _FORCED
    rows = np.concatenate([np.arange(count_rows), count_rows + slack_candidates])

    def proof() -> np.ndarray:
        sources = nothing()
        sources[rows[_cheapest_certificate(equality[:, :variables], kind, costs[rows])]] = True
        return sources

    return forced, tight, proof


_FREE, _NONNEGATIVE, _FORCED = 0, 1, 2


def _cheapest_certificate(
    equations: scipy.sparse.csr_matrix, kind: np.ndarray, costs: np.ndarray
) -> np.ndarray:
    """The equations of the cheapest proof that the forced columns are 0 in every direction.

    Weights u of the equations M d = 0 with (Mᵀu)_c = 0 on free columns, ≥ 0 on non-negative
    ones and ≥ 1 on forced ones prove it: 0 = uᵀ M d = Σ (Mᵀu)_c d_c is a sum of terms ≥ 0, so
    each is 0, and d_c = 0 wherever (Mᵀu)_c > 0. Among such weights, the LP takes the least
    Σ cost · |u| (u = u⁺ − u⁻): the planner breaks a proof by hiding one of its equations, and
    an arbitrary proof (the duals of the LP above) would often run through headline figures
    where breakdown cells prove the same."""
    transposed = equations.T.tocsr()
    both = scipy.sparse.hstack([transposed, -transposed]).tocsr()
    free = np.flatnonzero(kind == _FREE)
    bounded = np.flatnonzero(kind != _FREE)
    rows = equations.shape[0]
    for method, options in (("highs", {"presolve": False}), ("highs-ipm", {}), ("highs-ds", {})):
        result = scipy.optimize.linprog(
            np.concatenate([costs, costs]),
            A_ub=-both[bounded],
            b_ub=-(kind[bounded] == _FORCED).astype(float),
            A_eq=both[free],
            b_eq=np.zeros(free.size),
            bounds=(0, None),
            method=method,
            options=options,
        )
        if result.status == 0:
            break
    if result.status != 0:
        raise RuntimeError(f"attacker certificate LP failed: {result.message}")
    weights = result.x[:rows] - result.x[rows:]
    return np.flatnonzero(np.abs(weights) > 1e-9)


@dataclass(frozen=True)
class _RowSpace:
    basis: np.ndarray  # orthonormal columns spanning the figures' rows (over open classes)
    open_classes: np.ndarray  # indices of the classes not forced to zero
    # the pivoted QR of the figures' rows: rows^T[:, pivots] = basis @ triangle
    triangle: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    pivots: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def _row_space(model: Model) -> _RowSpace:
    open_classes = model.open_classes
    assert model.incidence is not None
    dense = model.incidence[:, open_classes].toarray()
    if dense.size == 0:
        return _RowSpace(np.zeros((open_classes.size, 0)), open_classes)
    q, r, pivots = scipy.linalg.qr(dense.T, mode="economic", pivoting=True)
    diagonal = np.abs(np.diag(r))
    rank = int((diagonal > diagonal.max() * 1e-10).sum()) if diagonal.size else 0
    return _RowSpace(q[:, :rank], open_classes, r[:rank, :rank], pivots[:rank])


def group_coverage(model: Model, box: Box) -> tuple[np.ndarray, np.ndarray] | None:
    """(open classes wholly in the group, open classes partly in it), as indices into
    `model.open_classes`; None if the group speaks about a dimension the model does not have
    (then no figure tells anything about it). Classes forced to zero do not matter."""
    if not box.dimensions <= set(model.dimensions):
        return None
    inside = _membership(box, model.dimensions, model.categories, model.open_codes)
    cells_in = np.bincount(model.open_cell_class, weights=inside, minlength=model.open_count)
    whole = cells_in == model.open_cell_counts
    partial = (cells_in > 0) & ~whole
    return whole, partial


class _Probe:
    """Decides every group at once by random directions in which the release cannot tell
    solutions apart.

    The solutions over the cells form an affine space; a group is pinned exactly when its sum is
    the same along every direction v of that space (v: class sums in the null space of the
    figures' rows, redistributed freely among a class's cells; zero on forced-empty cells). A few
    random directions decide it with probability 1. A box sum of a cell array is a sum over a
    sub-box of its marginal on the box's dimensions, so one marginal per set of dimensions
    serves every group that constrains them.
    """

    def __init__(self, model: Model, space: _RowSpace, directions: int = 4) -> None:
        self.model = model
        sizes = tuple(len(model.categories[d]) for d in model.dimensions)
        generator = np.random.default_rng(20261202)
        counts = model.open_cell_counts.astype(float)
        z = generator.standard_normal((space.open_classes.size, directions))
        if space.basis.shape[1]:
            z -= space.basis @ (space.basis.T @ z)
        classes = model.open_cell_class
        along = z[classes].T / counts[classes]
        within = generator.standard_normal((directions, classes.size))
        for row in within:
            row -= (np.bincount(classes, weights=row, minlength=counts.size) / counts)[classes]
        # per open cell: persons, then the directions, then their squares (zero elsewhere:
        # nobody is in a cell of a class forced empty, and no direction moves anybody there)
        self.open_values = np.concatenate(
            [model.truth_cells[model.open_cells][None], along + within, (along + within) ** 2]
        )
        self.open_codes = model.open_codes
        self.sizes = sizes
        self.directions = directions
        self._marginals: dict[tuple[int, ...], np.ndarray] = {}

    def _marginal(self, axes: tuple[int, ...]) -> np.ndarray:
        """(persons, directions…, squares…) summed over every axis but these: shape
        (1 + 2 · directions, *sizes of these axes)."""
        if axes not in self._marginals:
            # from the smallest marginal at hand that keeps these axes, or from the open cells
            source_axes: tuple[int, ...] | None = None
            smallest = self.open_values.shape[1]
            for kept, marginal in self._marginals.items():
                if set(axes) <= set(kept) and marginal[0].size < smallest:
                    source_axes, smallest = kept, marginal[0].size
            if source_axes is None:
                shape = tuple(self.sizes[a] for a in axes)
                size = math.prod(shape)
                index = (
                    np.ravel_multi_index([self.open_codes[a] for a in axes], shape)
                    if axes
                    else np.zeros(self.open_values.shape[1], dtype=np.int64)
                )
                rows = self.open_values.shape[0]
                flat = np.bincount(
                    (np.arange(rows)[:, None] * size + index[None]).ravel(),
                    weights=self.open_values.ravel(),
                    minlength=rows * size,
                )
                self._marginals[axes] = flat.reshape((rows, *shape))
            else:
                other = tuple(1 + i for i, a in enumerate(source_axes) if a not in axes)
                self._marginals[axes] = self._marginals[source_axes].sum(axis=other)
        return self._marginals[axes]

    def evaluate(self, box: Box) -> tuple[int, bool] | None:
        """(true size, pinned?) of the group; None if the model does not know its dimensions."""
        return self._evaluate(_queries(self.model.dimensions, self._categories, (box,)), 1)[0]

    def evaluate_many(self, boxes: Sequence[Box]) -> list[tuple[int, bool] | None]:
        """`evaluate` of many groups at once: groups over the same dimensions share one
        contraction of the marginal with their category masks (a full audit asks ~30,000; the
        planner asks the same ones of model after model, so their masks are kept)."""
        ask = _cached_queries if len(boxes) >= _CACHED_FROM else _queries
        queries = ask(self.model.dimensions, self._categories, tuple(boxes))
        return self._evaluate(queries, len(boxes))

    @functools.cached_property
    def _categories(self) -> tuple[tuple[str, ...], ...]:
        return tuple(self.model.categories[d] for d in self.model.dimensions)

    def _evaluate(self, queries: _Queries, count: int) -> list[tuple[int, bool] | None]:
        results: list[tuple[int, bool] | None] = [None] * count
        d = self.directions
        for axes, numbers, masks in queries:
            stacked = self._marginal(axes)
            if masks:
                contracted = _contract(masks, stacked)  # (groups, persons + directions + squares)
            else:
                contracted = stacked.reshape(1, stacked.shape[0], -1).sum(axis=2)
            sums = contracted[:, 1 : 1 + d]
            scale = np.sqrt(contracted[:, 1 + d :])
            pinned = np.all(np.abs(sums) <= _TOLERANCE * (scale + 1.0), axis=1)
            values = np.rint(contracted[:, 0]).astype(np.int64)
            for row, number in enumerate(numbers):
                at = row if masks else 0
                results[number] = (int(values[at]), bool(pinned[at]))
        return results


# per set of axes a model's boxes constrain: the axes, which boxes (by position), and per axis
# one row of category weights (1 allowed, 0 not) per box
_Queries = list[tuple[tuple[int, ...], list[int], list[np.ndarray]]]


def _queries(
    dimensions: tuple[str, ...],
    categories: tuple[tuple[str, ...], ...],
    boxes: tuple[Box, ...],
) -> _Queries:
    known = set(dimensions)
    by_axes: dict[tuple[int, ...], list[int]] = {}
    for number, box in enumerate(boxes):
        if box.dimensions <= known:
            axes = tuple(sorted(dimensions.index(d) for d in box.dimensions))
            by_axes.setdefault(axes, []).append(number)
    masks_of: dict[tuple[str, frozenset[str]], np.ndarray] = {}
    queries: _Queries = []
    # the most axes first: their marginals serve the fewer axes' by a sum
    for axes, numbers in sorted(by_axes.items(), key=lambda item: -len(item[0])):
        per_axis = []
        for axis in axes:
            name = dimensions[axis]
            rows = []
            for number in numbers:
                allowed = boxes[number].allowed(name)
                assert allowed is not None
                key = (name, allowed)
                if key not in masks_of:
                    masks_of[key] = np.array([c in allowed for c in categories[axis]], float)
                rows.append(masks_of[key])
            per_axis.append(np.stack(rows))
        queries.append((axes, numbers, per_axis))
    return queries


# the planner asks the same groups (~30,000) and facts of each model, round after round
_cached_queries = functools.lru_cache(maxsize=12)(_queries)
_CACHED_FROM = 1000


def _contract(masks: Sequence[np.ndarray], array: np.ndarray) -> np.ndarray:
    """Per group g and leading index d: Σ array[d, i, j, …] · masks[0][g, i] · masks[1][g, j] …"""
    result = np.tensordot(masks[0], array, axes=([1], [1]))  # (g, d, rest…)
    for mask in masks[1:]:
        shape = (mask.shape[0], 1, mask.shape[1]) + (1,) * (result.ndim - 3)
        result = (result * mask.reshape(shape)).sum(axis=2)
    return result


class Knowledge:
    """What the figures of a model let the attacker pin."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.space = _row_space(model)
        self.probe = _Probe(model, self.space)
        self._evaluated: tuple[tuple[Box, ...], list[tuple[int, bool] | None]] | None = None

    def evaluated(self, boxes: tuple[Box, ...]) -> list[tuple[int, bool] | None]:
        """`probe.evaluate_many`, remembered for the last boxes asked: the planner asks a model it
        reuses about the same boxes round after round."""
        if self._evaluated is None or self._evaluated[0] != boxes:
            self._evaluated = (boxes, self.probe.evaluate_many(boxes))
        return self._evaluated[1]

    def pinned(self, box: Box) -> int | None:
        """The group's size if the figures pin it, else None."""
        evaluated = self.probe.evaluate(box)
        if evaluated is None or not evaluated[1]:
            return None
        return evaluated[0]


def attack(
    model: Model,
    groups: Sequence[Group],
    k_ordinary: int,
    k_sensitive: int,
) -> list[Pin]:
    """Every group the release pins to a disclosive value."""
    knowledge = model.knowledge
    space, probe = knowledge.space, knowledge.probe
    pins: list[Pin] = []
    unique = list(dict.fromkeys(groups))
    evaluations = probe.evaluate_many([g.box for g in unique])
    # the populations of the pinned sensitive groups, in one pass too
    asked = [
        group.population
        for group, evaluated in zip(unique, evaluations, strict=True)
        if evaluated is not None and evaluated[1] and group.population is not None
    ]
    populations = dict(zip(asked, probe.evaluate_many(asked), strict=True))
    for group, evaluated in zip(unique, evaluations, strict=True):
        if evaluated is None or not evaluated[1]:
            continue
        value = evaluated[0]
        k = k_sensitive if group.sensitive else k_ordinary
        reason = None
        if 0 < value < k:
            reason = "small"
        elif group.sensitive and group.population is not None:
            population = populations[group.population]
            if population is not None:
                size, population_pinned = population
                if value == 0 and size > 0:
                    reason = "zero"
                elif population_pinned and value == size and value > 0:
                    reason = "all"
        if reason is not None:
            witness = _witness(model, space, group.box)
            zeros = _zero_figures(model, witness, group.box)
            if all(f.public for f in (*witness, *zeros)):
                # the empty cells the public figures need may come from a chain of figures:
                # offer the whole certificate of empty cells (the planner hides one of it)
                zeros = tuple(model.zero_sources)
                if all(f.public for f in zeros):
                    continue  # public facts alone pin the group: no leak of the release
            pins.append(Pin(group, value, witness, reason, zeros))
    return pins


def build_integral_model(
    persons: pd.DataFrame,
    figures: Sequence[Figure],
    categories: Mapping[str, Sequence[str]],
    forced_before: tuple[tuple[str, ...], np.ndarray] | None = None,
) -> Model:
    """`build_model`, with what the rounding bands tell in whole persons.

    A share shown only as its rounded percentage bounds its numerator by low · P … high · P.
    Where the figures pin the population P, the numerator is a whole number in that band, and
    a band of 0.1 percentage points holds at most one below 1,000 persons: the rounding then
    hides nothing from an attacker who counts persons (the linear attacker alone would miss
    it). Such a numerator joins the figures as a fact resting on the band and on what pins the
    population, and the model is built again, until no band gives a number. forced_before: as
    for `build_model`, of a model that said at least as much as this one with its numbers (the
    planner's previous round: hiding cells takes numbers away, never adds one)."""
    model = build_model(persons, figures, categories, forced_before)
    facts: list[Figure] = []
    while True:
        more = _whole_numerators(model, {f.box for f in facts})
        if not more:
            break
        facts += more
        model = build_model(persons, [*figures, *facts], categories, forced_before)
    model.figures_given = list(figures)
    model.integral = True
    return model


def _whole_numerators(model: Model, known: set[Box]) -> list[Figure]:
    """The numerators the model's rounding bands fix to one whole number (see
    `build_integral_model`); known: those fixed before."""
    bands: dict[tuple[Box, Box], list[Figure]] = {}
    for figure in model.figures_given:
        if figure.is_bound and len(figure.terms) == 2:
            (first, _), (second, _) = figure.terms
            # low: part − low · scope ≥ 0; high: high · scope − part ≥ 0
            part, scope = (first, second) if figure.terms[0][1] == 1.0 else (second, first)
            bands.setdefault((part, scope), []).append(figure)
    asked = [(part, scope) for part, scope in bands if part not in known]
    if not asked:
        return []
    evaluated = model.knowledge.probe.evaluate_many([box for pair in asked for box in pair])
    facts = []
    for number, (part, scope) in enumerate(asked):
        part_known, population = evaluated[2 * number], evaluated[2 * number + 1]
        if population is None or not population[1] or (part_known and part_known[1]):
            continue
        low = high = None
        for figure in bands[(part, scope)]:
            if figure.terms[0][1] == 1.0:
                low = -figure.terms[1][1]
            else:
                high = figure.terms[0][1]
        if low is None or high is None:
            continue
        size = population[0]
        least, most = math.ceil(low * size - 1e-9), math.floor(high * size + 1e-9)
        if least != most:
            continue
        sources = (*bands[(part, scope)], *derivation(model, scope))
        facts.append(
            Figure(
                part,
                least,
                f"{part.describe()} = {least} (the rounded share in whole persons)",
                public=all(f.public for f in sources),
                sources=sources,
            )
        )
    return facts


def derivation(model: Model, box: Box) -> tuple[Figure, ...]:
    """The figures by which a pinned box is known: one combination, and what proves the empty
    cells it relies on."""
    witness = _witness(model, model.knowledge.space, box)
    return (*witness, *_zero_figures(model, witness, box))


def _zero_figures(model: Model, witness: Sequence[Figure], box: Box) -> tuple[Figure, ...]:
    """The figures proving empty cells that matter to a combination: those of the LP's
    certificate whose boxes share a class with it or with the group (a nested pair of equal
    figures, typically; or a published 0 that empties the part of the group no figure of the
    combination covers, e.g. persons of gender d among leaders counted as w + m)."""
    if not model.forced_zero.any() or not model.zero_sources:
        return ()
    assert model.incidence is not None and model.zero_source_classes is not None
    rows = [model.row_of[id(f)] for f in witness]
    support = np.asarray(model.incidence[rows].sum(axis=0)).ravel() != 0
    support |= _class_coverage(model, box) & model.forced_zero
    # the sources holding any class of the support (a column slice: the support is small)
    touched = np.unique(model.zero_source_classes[:, np.flatnonzero(support)].indices)
    return tuple(model.zero_sources[i] for i in touched)


def _class_coverage(model: Model, box: Box) -> np.ndarray:
    """Per class (all classes), whether any of its cells is in the box."""
    covered = np.zeros(model.classes, dtype=bool)
    covered[model.cell_class[_box_cells(box, model.dimensions, model.categories)]] = True
    return covered


def _box_cells(
    box: Box, dimensions: Sequence[str], categories: Mapping[str, Sequence[str]]
) -> np.ndarray:
    """The flat indices (C order) of the cells in the box: the sub-grid of its allowed
    categories, without a pass over every cell."""
    if not dimensions:
        return np.zeros(1, dtype=np.int64)
    axes = []
    for dimension in dimensions:
        allowed = box.allowed(dimension)
        names = categories[dimension]
        axes.append(
            np.arange(len(names))
            if allowed is None
            else np.flatnonzero([c in allowed for c in names])
        )
    sizes = tuple(len(categories[d]) for d in dimensions)
    return np.ravel_multi_index(np.ix_(*axes), sizes).ravel()


def _witness(model: Model, space: _RowSpace, box: Box) -> tuple[Figure, ...]:
    """The figures of one linear combination that gives the group (from the pivoted QR)."""
    coverage = group_coverage(model, box)
    assert coverage is not None
    whole, _ = coverage
    weights = scipy.linalg.solve_triangular(space.triangle, space.basis.T @ whole.astype(float))
    used = space.pivots[np.abs(weights) > 1e-6]
    return tuple(model.figures[i] for i in sorted(used))


def groups_of(
    categories: Mapping[str, Sequence[str]],
    attributes: Sequence[str],
    sensitive: Mapping[str, frozenset[str]],
    populations: Mapping[str, Box] | None = None,
    depth: int = 3,
) -> list[Group]:
    """Every combination of up to `depth` attribute values (one category each), each also within
    every named population (staff, active staff, leaders, …) — the person groups of CONTRACT § 3.

    sensitive: per attribute, the categories that make a group sensitive (disabled = yes).
    """
    groups: list[Group] = []
    scopes: list[Box] = [Box(), *list((populations or {}).values())]
    for size in range(1, depth + 1):
        for names in itertools.combinations(attributes, size):
            for values in itertools.product(*(categories[n] for n in names)):
                box = Box.of({n: {v} for n, v in zip(names, values, strict=True)})
                is_sensitive = any(
                    v in sensitive.get(n, frozenset()) for n, v in zip(names, values, strict=True)
                )
                base = Box.of(
                    {n: {v} for n, v in zip(names, values, strict=True) if n not in sensitive}
                )
                for scope in scopes:
                    groups.append(
                        Group(
                            box & scope,
                            is_sensitive,
                            (base & scope) if is_sensitive else None,
                        )
                    )
    return groups
