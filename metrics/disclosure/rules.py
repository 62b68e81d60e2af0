"""Disclosure control (CONTRACT § 3): the only road from raw aggregate counts to anything published.

Pure functions, no database and no Streamlit. Every number that leaves the store (page, chart data,
table, download, report, CLI) must come out of `publish_count`, `publish_share` or `protect_table`.

Rules in short:

- k = 5 for ordinary counts, k = 10 for sensitive ones (disability, migration); never below 3.
- A published count is 0 or ≥ k (ordinary), ≥ k (sensitive: 0 is disclosive too).
- A share a / n is published only if a and n − a both pass; a share over an empty population is
  None and not suppressed.
- Filtered views: the population and every count must also pass against its complement in each
  parent population, so no published pair can be subtracted to reveal a count in 1 … k−1.
- Tables with totals: complementary suppression until every row and column with a suppressed cell
  has at least two, the suppressed cells of a row/column with a published total sum to ≥ k, and no
  suppressed cell (cell or total) can be solved for exactly from the published figures.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from metrics.formatting import format_number
from metrics.i18n import Lang

MIN_K = 3
TOTAL_LABEL = "Gesamt"


class Reason(StrEnum):
    SMALL_COUNT = "small_count"  # the count (or numerator) is in 1..k-1 (or 0 for sensitive)
    SMALL_REMAINDER = "small_remainder"  # n - a is in 1..k-1 (or 0 for sensitive: 100 %)
    SMALL_POPULATION = "small_population"  # the filtered population or its complement is too small
    DIFFERENCING = "differencing"  # a small count could be derived from a parent figure
    COMPLEMENTARY = "complementary"  # suppressed to protect another suppressed cell
    TABLE_WITHHELD = "table_withheld"  # the table total fails; nothing of the table is published
    SECONDARY = "secondary"  # the release's attacker could pin a group with it (CONTRACT § 3)
    ASSIGNED = "assigned"  # d / x assigned to w / m for publication: no count of their own


@dataclass(frozen=True)
class DisclosureRules:
    k_ordinary: int = 5
    k_sensitive: int = 10

    def __post_init__(self) -> None:
        for name in ("k_ordinary", "k_sensitive"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {value!r}")
            # below 3 a published "< k" would pin a cell down to 1 or 2 persons
            if value < MIN_K:
                raise ValueError(f"{name} must be at least {MIN_K}, got {value}")

    def k(self, sensitive: bool) -> int:
        return self.k_sensitive if sensitive else self.k_ordinary


# the Federal Statistical Office's sign for "withheld for confidentiality" (Zeichenerklärung)
WITHHELD_SIGN = "•"


def suppressed_label(k: int) -> str:
    return f"< {k}"


def withheld_sign(reason: Reason | str | None, k: int, *, percentage: bool) -> str:
    """CONTRACT § 3 signs: "< k" only for a count that is itself based on fewer than k persons;
    "•" for everything withheld to protect another figure, and for every percentage."""
    if not percentage and reason in (Reason.SMALL_COUNT, Reason.SMALL_POPULATION):
        return suppressed_label(k)
    return WITHHELD_SIGN


def _as_count(value: object, what: str) -> int:
    """A person count as a Python int; refuses bools, fractions and negatives."""
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{what} must be an integer count, got {value!r}")
    try:
        count = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what} must be an integer count, got {value!r}") from None
    if count < 0:
        raise ValueError(f"{what} must not be negative, got {count}")
    return count


def _passes(n: int, k: int, sensitive: bool) -> bool:
    if sensitive:
        return n >= k
    return n == 0 or n >= k


def count_passes(n: int, *, sensitive: bool, rules: DisclosureRules) -> bool:
    """May this person count be published on its own?"""
    return _passes(_as_count(n, "count"), rules.k(sensitive), sensitive)


def share_passes(
    numerator: int, denominator: int, *, sensitive: bool, rules: DisclosureRules
) -> bool:
    """May the share numerator / denominator be published (ignoring parents)?

    For 0 / 0 this answers the count rule literally (ordinary: True, sensitive: False);
    `publish_share` reports an empty population as None without suppression instead.
    """
    numerator, denominator = _checked_share(numerator, denominator)
    k = rules.k(sensitive)
    return _passes(numerator, k, sensitive) and _passes(denominator - numerator, k, sensitive)


def _checked_share(numerator: object, denominator: object) -> tuple[int, int]:
    numerator = _as_count(numerator, "numerator")
    denominator = _as_count(denominator, "denominator")
    if numerator > denominator:
        raise ValueError(f"numerator {numerator} exceeds denominator {denominator}")
    return numerator, denominator


@dataclass(frozen=True)
class Published:
    value: float | int | None  # count, or share as a fraction 0..1 (the caller converts to %)
    numerator: int | None  # None when suppressed; for a count the count itself
    denominator: int | None  # None when suppressed; None for a count
    suppressed: bool
    reason: Reason | None
    k: int  # the k that applied, for the "< k" label
    # a share published as its rounded value only: numerator and denominator are withheld
    counts_withheld: bool = False

    @property
    def label(self) -> str | None:
        """The sign of a withheld count ("< k" or "•"); shares use `KpiValue.label`."""
        if not self.suppressed:
            return None
        return withheld_sign(self.reason, self.k, percentage=False)


def _withheld(reason: Reason, k: int) -> Published:
    return Published(
        value=None, numerator=None, denominator=None, suppressed=True, reason=reason, k=k
    )


def publish_count(
    n: int, *, sensitive: bool, rules: DisclosureRules, parents: Sequence[int] = ()
) -> Published:
    """A person count, checked against the count rule and against each parent population.

    parents: the same count in every population this view is nested in (for a view filtered on two
    dimensions: both one-filter views and the unfiltered population). Each complement
    parent − n must pass the same rule, or the pair (parent, n) would reveal it.
    """
    n = _as_count(n, "count")
    parent_counts = [_as_count(parent, "parent count") for parent in parents]
    for parent in parent_counts:
        if parent < n:
            raise ValueError(f"parent count {parent} is smaller than the filtered count {n}")
    k = rules.k(sensitive)
    if not _passes(n, k, sensitive):
        return _withheld(Reason.SMALL_COUNT, k)
    if not all(_passes(parent - n, k, sensitive) for parent in parent_counts):
        return _withheld(Reason.DIFFERENCING, k)
    return Published(value=n, numerator=n, denominator=None, suppressed=False, reason=None, k=k)


def population_passes(n: int, *, parents: Sequence[int], rules: DisclosureRules) -> bool:
    """May a filtered population of n persons be shown at all?

    The ordinary rule applies to n and to its complement parent − n in every parent population.
    """
    n = _as_count(n, "population")
    k = rules.k_ordinary
    parent_counts = [_as_count(parent, "parent population") for parent in parents]
    for parent in parent_counts:
        if parent < n:
            raise ValueError(f"parent population {parent} is smaller than the filtered {n}")
    return _passes(n, k, False) and all(_passes(parent - n, k, False) for parent in parent_counts)


def count_text(n: int, lang: Lang, rules: DisclosureRules) -> str:
    """A person count for operational tables (rows per reporting date, responses per wave):
    published like any count, so a tiny import cannot single anyone out either."""
    published = publish_count(int(n), sensitive=False, rules=rules)
    return published.label or format_number(n, lang)


def change_publishable(change: float, unit: str, *, sensitive: bool, k: int) -> bool:
    """Whether the change between two published points may be stated (CONTRACT § 3): never as
    a person count below k, and not at all for a sensitive count. A change of a share or a
    ratio is no count of persons."""
    if unit != "count":
        return True
    return not sensitive and not 0 < abs(change) < k


def yearly_holdings(summary: pd.DataFrame) -> pd.DataFrame:
    """The store's holdings as they may be shown to everybody: personnel rows per reporting
    year, not per reporting date. Rows per monthly snapshot differ by the persons who joined
    or left in that month (CONTRACT § 3: a monthly series is a release of its own). Columns:
    kind, coverage (a year for personnel), snapshots (reporting dates in it, None otherwise),
    rows (person-months for personnel)."""
    personnel = summary["kind"] == "personnel"
    monthly = summary[personnel]
    years = monthly["coverage"].str[-4:]  # "31.12.2025"
    folded = (
        monthly.assign(coverage=years)
        .groupby("coverage", sort=False)
        .agg(snapshots=("rows", "size"), rows=("rows", "sum"))
        .reset_index()
        .assign(kind="personnel")
    )
    others = summary[~personnel].assign(snapshots=None)
    columns = ["kind", "coverage", "snapshots", "rows"]
    parts = [frame[columns] for frame in (folded, others) if not frame.empty]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)


def published_import_log(log: pd.DataFrame, lang: Lang, rules: DisclosureRules) -> pd.DataFrame:
    """The import log as it may be shown to everybody: the rows of a personnel file (a monthly
    snapshot: that month's headcount, see `yearly_holdings`) and of a survey file (a wave's
    respondents, published only as the release has them: see the Daten page's waves) read "•";
    other files' row counts pass the count rule."""

    def rows(kind: str, n: int) -> str:
        return WITHHELD_SIGN if kind in ("personnel", "survey") else count_text(n, lang, rules)

    return log.assign(
        **{
            column: [
                rows(kind, n) for kind, n in zip(log["kind"], log[column].fillna(0), strict=True)
            ]
            for column in ("rows", "replaced_rows")
        }
    )


def publish_share(
    numerator: int,
    denominator: int,
    *,
    sensitive: bool,
    rules: DisclosureRules,
    parents: Sequence[tuple[int, int]] = (),
) -> Published:
    """A share numerator / denominator as a fraction 0..1, or suppressed with the first reason.

    Checks, in this order: the population (denominator, and its complement in each parent) against
    the ordinary rule -> SMALL_POPULATION; the numerator -> SMALL_COUNT; the remainder
    denominator − numerator -> SMALL_REMAINDER; the complements of numerator and remainder in each
    parent -> DIFFERENCING (the last three with the KPI's sensitivity). The population is checked
    first also without parents: a group of 1..k−1 persons is the honest reason.
    An empty population that passes the population check gives value None, not suppressed.
    """
    numerator, denominator = _checked_share(numerator, denominator)
    parent_shares = [_checked_share(*parent) for parent in parents]
    remainder = denominator - numerator
    for parent_numerator, parent_denominator in parent_shares:
        if parent_numerator < numerator or parent_denominator - parent_numerator < remainder:
            raise ValueError(
                f"parent share {parent_numerator}/{parent_denominator} does not contain "
                f"the filtered share {numerator}/{denominator}"
            )
    k = rules.k(sensitive)

    if not population_passes(
        denominator, parents=[parent_den for _, parent_den in parent_shares], rules=rules
    ):
        return _withheld(Reason.SMALL_POPULATION, k)
    if denominator == 0:
        # nobody to count: "no data", not a protected figure (CONTRACT § 2)
        return Published(value=None, numerator=0, denominator=0, suppressed=False, reason=None, k=k)
    if not _passes(numerator, k, sensitive):
        return _withheld(Reason.SMALL_COUNT, k)
    if not _passes(remainder, k, sensitive):
        return _withheld(Reason.SMALL_REMAINDER, k)
    for parent_numerator, parent_denominator in parent_shares:
        parent_remainder = parent_denominator - parent_numerator
        if not (
            _passes(parent_numerator - numerator, k, sensitive)
            and _passes(parent_remainder - remainder, k, sensitive)
        ):
            return _withheld(Reason.DIFFERENCING, k)
    return Published(
        value=numerator / denominator,
        numerator=numerator,
        denominator=denominator,
        suppressed=False,
        reason=None,
        k=k,
    )


# --------------------------------------------------------------------------------------------
# Tables with totals
# --------------------------------------------------------------------------------------------

Position = tuple[int, int]
# a node of the row/column graph: ("row", i) or ("col", j)
Node = tuple[str, int]


@dataclass(frozen=True)
class ProtectedTable:
    cells: pd.DataFrame  # same shape as input; published ints, suppressed cells as pd.NA (Int64)
    suppressed: pd.DataFrame  # bool mask, True where suppressed
    reasons: pd.DataFrame  # Reason or None per cell
    row_totals: pd.Series  # published (Int64, NA if suppressed)
    column_totals: pd.Series
    grand_total: int | None
    withheld: bool  # True: nothing may be shown
    k: int
    # why a total is suppressed (Reason or None); not in the agreed API, but the UI needs it
    row_total_reasons: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    column_total_reasons: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))

    def display(self, total_label: str = TOTAL_LABEL) -> pd.DataFrame:
        """Object frame to show: ints, "< k" where suppressed, totals as last row/column "Gesamt".

        total_label lets an English page say "Total". A withheld table comes back with "< k" in
        every position (no number at all).
        """
        label = suppressed_label(self.k)

        def shown(value: float) -> object:
            return label if pd.isna(value) else int(value)

        rows = [
            [*(shown(v) for v in self.cells.iloc[i]), shown(self.row_totals.iloc[i])]
            for i in range(len(self.cells.index))
        ]
        grand = label if self.grand_total is None else self.grand_total
        rows.append([*(shown(v) for v in self.column_totals), grand])
        index = pd.Index([*self.cells.index, total_label], dtype=object)
        columns = pd.Index([*self.cells.columns, total_label], dtype=object)
        return pd.DataFrame(rows, index=index, columns=columns, dtype=object)


def _table_counts(counts: pd.DataFrame) -> list[list[int]]:
    """Validate the input table and return its values as Python ints."""
    if not isinstance(counts, pd.DataFrame):
        raise TypeError("counts must be a pandas DataFrame")
    if isinstance(counts.index, pd.MultiIndex) or isinstance(counts.columns, pd.MultiIndex):
        raise ValueError("counts must have a flat index and flat columns (rows × columns)")
    if TOTAL_LABEL in counts.index or TOTAL_LABEL in counts.columns:
        raise ValueError(f"counts must not contain margins (found {TOTAL_LABEL!r})")
    for column, dtype in counts.dtypes.items():
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            raise TypeError(f"column {column!r} must hold integer counts, has dtype {dtype}")
    if counts.isna().to_numpy().any():
        raise ValueError("counts must not contain missing values")
    as_float = counts.to_numpy(dtype="float64")
    if (as_float < 0).any() or (as_float != np.floor(as_float)).any():
        raise ValueError("counts must be non-negative integers")
    return [[int(v) for v in row] for row in counts.to_numpy(dtype="int64")]


class _TableProtector:
    """Complementary suppression on the table augmented by its margins.

    The augmented grid has R+1 rows and C+1 columns: row R holds the column totals, column C the
    row totals, (R, C) the grand total. Every row and column of the grid is a "line" whose last cell
    is its total, and each line is one linear equation (cells sum to the total).
    """

    def __init__(self, interior: list[list[int]], n_columns: int, k: int, sensitive: bool):
        self.n_rows = len(interior)
        self.n_columns = n_columns
        self.k = k
        self.sensitive = sensitive
        row_totals = [sum(row) for row in interior]
        column_totals = [sum(row[j] for row in interior) for j in range(n_columns)]
        self.values: list[list[int]] = [
            [*row, total] for row, total in zip(interior, row_totals, strict=True)
        ]
        self.values.append([*column_totals, sum(row_totals)])
        self.grand: Position = (self.n_rows, n_columns)
        self.reasons: dict[Position, Reason] = {}
        self.lines: list[tuple[list[Position], Position]] = [
            ([(i, j) for j in range(n_columns + 1)], (i, n_columns)) for i in range(self.n_rows + 1)
        ] + [
            ([(i, j) for i in range(self.n_rows + 1)], (self.n_rows, j))
            for j in range(n_columns + 1)
        ]

    def value(self, position: Position) -> int:
        return self.values[position[0]][position[1]]

    def is_margin(self, position: Position) -> bool:
        return position[0] == self.n_rows or position[1] == self.n_columns

    def protect(self) -> bool:
        """Suppress primary and complementary cells; False if no safe pattern was found."""
        if not _passes(self.value(self.grand), self.k, self.sensitive):
            return False
        for i, row in enumerate(self.values):
            for j, value in enumerate(row):
                if (i, j) != self.grand and not _passes(value, self.k, self.sensitive):
                    self.reasons[(i, j)] = Reason.SMALL_COUNT
        # each step suppresses one more cell, so this reaches a fixed point
        while True:
            if not self._fix_lines():
                return False
            bridge = self._find_bridge()
            if bridge is None:
                break
            partner = self._bridge_partner(*bridge)
            if partner is None:
                return False
            self.reasons[partner] = Reason.COMPLEMENTARY
        self._release_unneeded()
        return True

    def _line_is_protected(self, cells: list[Position], total: Position) -> bool:
        hidden = [p for p in cells if p in self.reasons]
        if not hidden:
            return True
        if len(hidden) < 2:
            return False
        # with the total published, total − published cells = the hidden sum
        return total in self.reasons or sum(self.value(p) for p in hidden) >= self.k

    def _is_protected(self, lines: Iterable[int] | None = None) -> bool:
        """Every line (or the given ones) protected, and no suppressed cell solvable."""
        checked = self.lines if lines is None else [self.lines[line] for line in lines]
        return (
            all(self._line_is_protected(cells, total) for cells, total in checked)
            and self._find_bridge() is None
        )

    def _fix_lines(self) -> bool:
        """Line rules to a fixed point: ≥ 2 suppressed, and sum ≥ k where the total is published."""
        changed = True
        while changed:
            changed = False
            for line_number, (cells, total) in enumerate(self.lines):
                while not self._line_is_protected(cells, total):
                    hidden_sum = sum(self.value(p) for p in cells if p in self.reasons)
                    candidates = self._candidates(cells, fixing_line=line_number)
                    if total not in self.reasons and hidden_sum < self.k:
                        # a zero adds nothing to the hidden sum
                        candidates = [p for p in candidates if self.value(p) > 0]
                    partner = self._cheapest(candidates, fixing_line=line_number)
                    if partner is None:
                        return False
                    self.reasons[partner] = Reason.COMPLEMENTARY
                    changed = True
        return True

    def _release_unneeded(self) -> None:
        """Publish again every complementary cell the final pattern does not need.

        Greedy choices made early can become redundant once later ones are in place; totals are
        tried first (readers need them most), then the largest cells.
        """
        complementary = [p for p, reason in self.reasons.items() if reason is Reason.COMPLEMENTARY]
        for position in sorted(
            complementary, key=lambda p: (not self.is_margin(p), -self.value(p), p)
        ):
            del self.reasons[position]
            # the pattern was protected before: only the two lines through the cell can break
            if not self._is_protected(self._lines_through(position)):
                self.reasons[position] = Reason.COMPLEMENTARY

    def _candidates(
        self, cells: Iterable[Position], fixing_line: int | None = None
    ) -> list[Position]:
        return [
            p
            for p in cells
            if p not in self.reasons and p != self.grand and self._can_hide(p, fixing_line)
        ]

    def _can_hide(self, position: Position, fixing_line: int | None) -> bool:
        # a zero in a line whose published total is 0 is known whether hidden or not, and hiding
        # it would leave that line with a hidden sum of 0 that nothing can raise
        if self.value(position) > 0:
            return True
        for line in self._lines_through(position):
            total = self.lines[line][1]
            if line != fixing_line and total not in self.reasons and self.value(total) == 0:
                return False
        return True

    def _lines_through(self, position: Position) -> tuple[int, int]:
        return position[0], self.n_rows + 1 + position[1]

    def _cheapest(
        self, candidates: list[Position], fixing_line: int | None = None
    ) -> Position | None:
        """The complementary cell that costs least.

        Inner cells before totals (readers need totals most, and hiding one drags the totals
        row/column in); non-zero before zero; then a cell whose other line already has a
        suppressed cell (it starts no new cascade); then the smallest value; position breaks ties.
        """
        if not candidates:
            return None

        def untouched_lines(position: Position) -> int:
            return sum(
                1
                for line in self._lines_through(position)
                if line != fixing_line and not any(p in self.reasons for p in self.lines[line][0])
            )

        return min(
            candidates,
            key=lambda p: (
                self.is_margin(p),
                self.value(p) == 0,
                untouched_lines(p),
                self.value(p),
                p,
            ),
        )

    def _adjacency(self) -> dict[Node, list[tuple[Node, Position]]]:
        adjacency: dict[Node, list[tuple[Node, Position]]] = {}
        for i, j in self.reasons:
            adjacency.setdefault(("row", i), []).append((("col", j), (i, j)))
            adjacency.setdefault(("col", j), []).append((("row", i), (i, j)))
        return adjacency

    @staticmethod
    def _reachable(
        adjacency: dict[Node, list[tuple[Node, Position]]], start: Node, without: Position
    ) -> set[Node]:
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for neighbour, edge in adjacency.get(node, ()):
                if edge != without and neighbour not in seen:
                    seen.add(neighbour)
                    queue.append(neighbour)
        return seen

    def _find_bridge(self) -> tuple[set[Node], set[Node]] | None:
        """A suppressed cell the published figures determine exactly, as the two sides it joins.

        Suppressed cells are edges between their row and column; the line equations leave a cell
        free only if it lies on a cycle of such edges. A bridge (an edge on no cycle) can be solved
        for, although every line around it has two suppressed cells. The first bridge in position
        order is returned; all bridges are found in one depth-first search (`_bridges`).
        """
        adjacency = self._adjacency()
        bridges = _bridges(adjacency)
        if not bridges:
            return None
        i, j = min(bridges)
        return (
            self._reachable(adjacency, ("row", i), (i, j)),
            self._reachable(adjacency, ("col", j), (i, j)),
        )

    def _bridge_partner(self, one_side: set[Node], other_side: set[Node]) -> Position | None:
        # any cell joining the two sides closes a cycle through the bridge
        def joins(position: Position) -> bool:
            row, column = ("row", position[0]), ("col", position[1])
            return (row in one_side and column in other_side) or (
                row in other_side and column in one_side
            )

        all_positions = ((i, j) for i in range(self.n_rows + 1) for j in range(self.n_columns + 1))
        return self._cheapest([p for p in self._candidates(all_positions) if joins(p)])


def _bridges(adjacency: dict[Node, list[tuple[Node, Position]]]) -> set[Position]:
    """Every edge on no cycle (Tarjan's bridges, iterative): linear in the suppressed cells,
    where testing each edge by a search without it was quadratic (hundreds of org units)."""
    order: dict[Node, int] = {}
    low: dict[Node, int] = {}
    bridges: set[Position] = set()
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        # (node, the edge it was reached by, its remaining neighbours)
        stack: list[tuple[Node, Position | None, Iterator[tuple[Node, Position]]]] = [
            (root, None, iter(adjacency[root]))
        ]
        while stack:
            node, via, neighbours = stack[-1]
            for neighbour, edge in neighbours:
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, edge, iter(adjacency.get(neighbour, ()))))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        bridges.add(via)  # type: ignore[arg-type]  # via is set below the root
    return bridges


def protect_table(
    counts: pd.DataFrame, *, sensitive: bool, rules: DisclosureRules
) -> ProtectedTable:
    """Person counts (rows × columns, without margins) with totals, safe to publish.

    Primary suppression of every cell and total that fails the count rule; then complementary
    suppression, greedy (see `_TableProtector._cheapest`: inner non-zero cells first, smallest
    first), to a fixed point where no row/column holds exactly one suppressed cell, the suppressed
    cells of a row/column with a published total sum to ≥ k, and no suppressed cell can be solved
    for exactly; finally complementary cells the pattern does not need are published again. If
    the grand total fails (or no safe pattern is found) the whole table is withheld.
    """
    interior = _table_counts(counts)
    n_columns = len(counts.columns)
    k = rules.k(sensitive)
    protector = _TableProtector(interior, n_columns, k, sensitive)
    withheld = not protector.protect()
    n_rows = len(interior)

    def reason_at(position: Position) -> Reason | None:
        return Reason.TABLE_WITHHELD if withheld else protector.reasons.get(position)

    def published_at(position: Position) -> object:
        return pd.NA if reason_at(position) is not None else protector.value(position)

    cell_reasons = [[reason_at((i, j)) for j in range(n_columns)] for i in range(n_rows)]
    suppressed = pd.DataFrame(
        [[reason is not None for reason in row] for row in cell_reasons],
        index=counts.index,
        columns=counts.columns,
        dtype=bool,
    )
    # one frame from rows of values: a column at a time cost ~2 ms per column (833 org units)
    cells = pd.DataFrame(
        [[published_at((i, j)) for j in range(n_columns)] for i in range(n_rows)],
        index=counts.index,
        columns=counts.columns,
        dtype="Int64",
    )
    reasons = pd.DataFrame(cell_reasons, index=counts.index, columns=counts.columns, dtype=object)
    row_totals = pd.Series(
        pd.array([published_at((i, n_columns)) for i in range(n_rows)], dtype="Int64"),
        index=counts.index,
    )
    column_totals = pd.Series(
        pd.array([published_at((n_rows, j)) for j in range(n_columns)], dtype="Int64"),
        index=counts.columns,
    )
    return ProtectedTable(
        cells=cells,
        suppressed=suppressed,
        reasons=reasons,
        row_totals=row_totals,
        column_totals=column_totals,
        grand_total=None if withheld else protector.value(protector.grand),
        withheld=withheld,
        k=k,
        row_total_reasons=pd.Series(
            [reason_at((i, n_columns)) for i in range(n_rows)], index=counts.index, dtype=object
        ),
        column_total_reasons=pd.Series(
            [reason_at((n_rows, j)) for j in range(n_columns)], index=counts.columns, dtype=object
        ),
    )


def assert_no_small_counts(values: Iterable[object], k: int) -> None:
    """For page/export scans: fail if any integral int/float among values lies in 1..k−1.

    Bools, non-integral floats, NaN/inf and non-numbers (strings, None, pd.NA) are skipped.
    """
    offending: list[tuple[int, object]] = []
    for position, value in enumerate(values):
        if isinstance(value, bool | np.bool_):
            continue
        if isinstance(value, numbers.Integral):
            number = int(value)
        elif isinstance(value, numbers.Real):
            as_float = float(value)
            if not math.isfinite(as_float) or not as_float.is_integer():
                continue
            number = int(as_float)
        else:
            continue
        if 1 <= number <= k - 1:
            offending.append((position, value))
    if offending:
        listed = ", ".join(f"#{position}: {value!r}" for position, value in offending)
        raise AssertionError(f"{len(offending)} value(s) in 1..{k - 1} found: {listed}")
