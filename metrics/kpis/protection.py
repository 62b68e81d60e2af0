"""The rules' pass over a year's figures (CONTRACT § 3): each KPI and variant by its count rule,
each breakdown as a table (complementary suppression), nested pairs whose difference would
fall below k. The release planner (`metrics.disclosure.planner`) then has the last word.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from metrics.disclosure import (
    DisclosureRules,
    Published,
    Reason,
    count_passes,
    population_passes,
    protect_table,
    publish_count,
    publish_share,
)
from metrics.kpis.atoms import SENSITIVE_ATOMS, Measure, Universe, _category_atom, _closure
from metrics.kpis.counting import _EMPTY, View, _CountKey, _Counts
from metrics.kpis.registry import _variant_keys


def _withheld(reason: Reason, k: int) -> Published:
    return Published(None, None, None, True, reason, k)


def _publish(counts: _Counts, measure: Measure, rules: DisclosureRules) -> Published:
    if measure.is_share:
        return publish_share(counts.num, counts.den, sensitive=measure.sensitive, rules=rules)
    return publish_count(counts.den, sensitive=measure.sensitive, rules=rules)


def _differences_pass(
    child: _Counts, parent: _Counts, sensitive: bool, rules: DisclosureRules
) -> bool:
    """May both figures be published side by side? (their differences pass the rule)

    Absolute differences: an applicant's attributes in a carrier view are taken over that
    carrier's applications, so a carrier figure need not be contained in the all-carrier one.
    """
    if child == parent:
        return True  # the filter removed nobody: nothing to reveal
    if not population_passes(abs(parent.den - child.den), parents=(), rules=rules):
        return False
    differences = (
        abs(parent.num - child.num),
        abs((parent.den - parent.num) - (child.den - child.num)),
    )
    return all(count_passes(d, sensitive=sensitive, rules=rules) for d in differences)


def _publish_guarded(
    counts: _Counts, parent: _Counts | None, measure: Measure, rules: DisclosureRules
) -> Published:
    """A carrier view's figure with the all-carrier figure as parent (differencing guard)."""
    if parent is None or parent == counts:
        return _publish(counts, measure, rules)
    contained = parent.num >= counts.num and (parent.den - parent.num) >= (counts.den - counts.num)
    if not contained:
        if not _differences_pass(counts, parent, measure.sensitive, rules):
            return _withheld(Reason.DIFFERENCING, rules.k(measure.sensitive))
        return _publish(counts, measure, rules)
    if measure.is_share:
        return publish_share(
            counts.num,
            counts.den,
            sensitive=measure.sensitive,
            rules=rules,
            parents=[(parent.num, parent.den)],
        )
    return publish_count(counts.den, sensitive=measure.sensitive, rules=rules, parents=[parent.den])


def _protect_row(
    cells: Mapping[str, _Counts],
    measure: Measure,
    rules: DisclosureRules,
    *,
    forced: set[str],
    margin_published: bool,
) -> tuple[dict[str, Published], bool]:
    """One view's row of categories (the view's figure is its total), complementary suppressed.

    A share is two tables over the same categories, numerators and remainders; a category is
    hidden if either table hides it. `forced`: categories that must be hidden for reasons outside
    this row (another view, the audit). protect_table cannot be told so: if the row line rule
    (at least two hidden cells, hidden mass ≥ k) does not already hold with them, they are
    entered with a failing value (see `_entered`) so that protect_table picks their partners.
    Empty categories (nobody in the population) are not part of the tables: their value is null
    and not suppressed (CONTRACT § 2), and a known zero would protect nothing.

    Also returns whether the row is *exposed*: a category that must be hidden is all the row
    holds, so the published total gives it away (the caller must hide something else).
    """
    sensitive = measure.sensitive
    k = rules.k(sensitive)
    result: dict[str, Published] = {}
    nonempty = [c for c, counts in cells.items() if counts.den > 0]
    for category, counts in cells.items():
        if counts.den == 0:
            result[category] = (
                _publish(_EMPTY, measure, rules)
                if measure.is_share
                else publish_count(0, sensitive=False, rules=rules)
            )
    if not nonempty:
        return result, False
    if not margin_published:
        # the view's own figure is suppressed: its parts would add up to it
        for category in nonempty:
            result[category] = _withheld(Reason.TABLE_WITHHELD, k)
        return result, False

    tables = (
        [
            {c: cells[c].num for c in nonempty},
            {c: cells[c].den - cells[c].num for c in nonempty},
        ]
        if measure.is_share
        else [{c: cells[c].den for c in nonempty}]
    )
    must_hide = set(forced) & set(nonempty)
    hidden, withheld = _suppressed_in_tables(tables, nonempty, set(), sensitive, rules)
    hidden |= must_hide
    while not withheld and not _line_holds(tables, hidden, must_hide, sensitive, rules):
        # partners needed: let protect_table choose them, hidden cells entered as failing
        wider, withheld = _suppressed_in_tables(tables, nonempty, hidden, sensitive, rules)
        if wider == hidden:
            withheld = True  # no further partner exists: nothing of the row can be shown
        hidden = wider

    for category in nonempty:
        counts = cells[category]
        if withheld:
            result[category] = _withheld(Reason.TABLE_WITHHELD, k)
        elif category in hidden:
            reason = _hidden_reason(counts, measure, rules, forced, category)
            result[category] = _withheld(reason, k)
        else:
            published = _publish(counts, measure, rules)
            assert not published.suppressed, "protect_table published a failing cell"
            result[category] = published
    exposed = len(nonempty) == 1 and bool(must_hide)
    return result, exposed


def _withhold_row(
    cells: Mapping[str, _Counts],
    measure: Measure,
    rules: DisclosureRules,
    *,
    hide_empty: bool = False,
) -> dict[str, Published]:
    """Every non-empty category hidden; empty ones null (nobody to protect) — or hidden too,
    where the row's total stays published and "the others are empty" would give a single
    category away."""
    k = rules.k(measure.sensitive)
    return {
        category: _withheld(Reason.TABLE_WITHHELD, k)
        if counts.den > 0 or hide_empty
        else _publish(_EMPTY, measure, rules)
        if measure.is_share
        else publish_count(0, sensitive=False, rules=rules)
        for category, counts in cells.items()
    }


def _protect_grid(
    group: _Group, carriers: tuple[View, ...], rules: DisclosureRules
) -> dict[View, dict[str, Published]] | None:
    """protect_table on carriers × categories, the all-carrier row as column totals.

    A share is two grids (numerators, remainders) hidden together. Cells that must be hidden
    for outside reasons (the audit) are entered as failing values, as in `_protect_row`; a
    hidden all-carrier cell is forced by entering its column's cells as 1. Sensitive figures
    are protected with k_sensitive under the ordinary rule and their zeros entered as failing:
    then a carrier without anybody in a category (a known 0) protects nothing and does not
    count as disclosive, while a real 0 % is hidden. Returns None if no pattern keeps the
    carriers' and the all-carrier figures (the row and grand totals) published.
    """
    measure = group.measure
    sensitive = measure.sensitive
    k = rules.k(sensitive)
    grid_rules = DisclosureRules(k_ordinary=k, k_sensitive=max(k, rules.k_sensitive))
    rows = [v for v in carriers if any(group.rows[v][c].den > 0 for c in group.categories)]
    columns = [c for c in group.categories if group.rows[None][c].den > 0]
    results = {view: _withhold_row(group.rows[view], measure, rules) for view in carriers}
    results[None] = _withhold_row(group.rows[None], measure, rules)
    if not columns or not rows:
        return results

    def values(view: View, category: str) -> list[int]:
        counts = group.rows[view][category]
        return [counts.num, counts.den - counts.num] if measure.is_share else [counts.den]

    def fails(value: int, counts: _Counts) -> bool:
        if counts.den == 0:
            return False  # nobody there: a known zero
        return not count_passes(value, sensitive=sensitive, rules=rules)

    n_tables = 2 if measure.is_share else 1
    forced_cells = {
        (v, c) for v in rows for c in group.forced[v] if c in columns and group.rows[v][c].den > 0
    }
    forced_columns = {c for c in group.forced[None] if c in columns}
    column_size = {c: sum(group.rows[v][c].den > 0 for v in rows) for c in columns}
    hidden_cells = set(forced_cells)
    hidden_columns = set(forced_columns)
    substitute_all = False
    while True:
        new_cells, new_columns = set(hidden_cells), set(hidden_columns)
        for table in range(n_tables):
            entered = []
            for view in rows:
                line = []
                for category in columns:
                    counts = group.rows[view][category]
                    value = values(view, category)[table]
                    column_forced = category in forced_columns or (
                        substitute_all and category in hidden_columns
                    )
                    if column_forced and counts.den > 0:
                        # the column total must fail: its cells entered small enough
                        value = max(1, (k - 1) // column_size[category])
                    elif (view, category) in hidden_cells and (
                        substitute_all or (view, category) in forced_cells
                    ):
                        value = _entered(value, True, False, grid_rules)
                    elif sensitive and counts.den > 0 and value == 0:
                        value = 1  # a real 0 % / 100 % is disclosive
                    line.append(value)
                entered.append(line)
            table_result = protect_table(
                pd.DataFrame(entered, index=rows, columns=columns),
                sensitive=False,
                rules=grid_rules,
            )
            if (
                table_result.withheld
                or table_result.row_totals.isna().any()
                or table_result.grand_total is None
            ):
                return None  # the carriers' or the all-carrier figure would have to go
            suppressed = table_result.suppressed.to_numpy()
            for i, view in enumerate(rows):
                for j, category in enumerate(columns):
                    if suppressed[i, j]:
                        new_cells.add((view, category))
            new_columns |= {c for c in columns if pd.isna(table_result.column_totals[c])}
        # a real zero entered as 1 can lift a failing all-carrier cell over k: check the truth
        failing = {
            c
            for c in columns
            if c not in new_columns and _publish(group.rows[None][c], measure, rules).suppressed
        }
        if failing:
            forced_columns |= failing
            hidden_columns = new_columns | failing
            hidden_cells = new_cells
            continue
        settled = new_cells == hidden_cells and new_columns == hidden_columns
        hidden_cells, hidden_columns = new_cells, new_columns
        if settled and _grid_lines_hold(
            group, rows, columns, hidden_cells, hidden_columns, forced_cells, values, fails, k
        ):
            break
        if settled:
            if substitute_all:
                return None
            substitute_all = True  # partners needed with the true values: enter hidden as failing

    for view in rows:
        for category in columns:
            counts = group.rows[view][category]
            if (view, category) in hidden_cells:
                reason = (
                    _hidden_reason(counts, measure, rules, group.forced[view], category)
                    if counts.den > 0
                    else Reason.COMPLEMENTARY
                )
                results[view][category] = _withheld(reason, k)
            else:
                results[view][category] = _publish(counts, measure, rules)
    for category in columns:
        counts = group.rows[None][category]
        if category in hidden_columns:
            reason = _hidden_reason(counts, measure, rules, group.forced[None], category)
            results[None][category] = _withheld(reason, k)
        else:
            results[None][category] = _publish(counts, measure, rules)
    for view in (None, *rows):
        for category, published in results[view].items():
            if not published.suppressed and category in columns:
                assert not _publish(group.rows[view][category], measure, rules).suppressed
    return results


def _grid_lines_hold(
    group: _Group,
    rows: list[View],
    columns: list[str],
    hidden_cells: set[tuple[View, str]],
    hidden_columns: set[str],
    forced_cells: set[tuple[View, str]],
    values,
    fails,
    k: int,
) -> bool:
    """Line rule with the true values for every row and column with a published total: where
    a hidden cell needs protection, at least two hidden cells and a hidden mass of ≥ k."""
    lines = [[(view, c) for c in columns] for view in rows]
    lines += [[(view, c) for view in rows] for c in columns if c not in hidden_columns]
    n_tables = len(values(rows[0], columns[0]))
    for line in lines:
        hidden = [cell for cell in line if cell in hidden_cells]
        for table in range(n_tables):
            needs = [
                cell
                for cell in hidden
                if cell in forced_cells or fails(values(*cell)[table], group.rows[cell[0]][cell[1]])
            ]
            if not needs:
                continue
            mass = sum(values(*cell)[table] for cell in hidden)
            if len(hidden) < 2 or mass < k:
                return False
    return True


def _suppressed_in_tables(
    tables: list[dict[str, int]],
    categories: list[str],
    hidden: set[str],
    sensitive: bool,
    rules: DisclosureRules,
) -> tuple[set[str], bool]:
    """Categories protect_table hides in any of the tables (cells in `hidden` entered as
    failing), with `hidden` itself; and whether a table must be withheld as a whole."""
    union = set(hidden)
    for values in tables:
        entered = [_entered(values[c], c in hidden, sensitive, rules) for c in categories]
        table = protect_table(
            pd.DataFrame([entered], columns=categories), sensitive=sensitive, rules=rules
        )
        if table.withheld or pd.isna(table.row_totals.iloc[0]):
            return union, True
        union |= {c for c in categories if bool(table.suppressed.iloc[0][c])}
    return union, False


def _line_holds(
    tables: list[dict[str, int]],
    hidden: set[str],
    must_hide: set[str],
    sensitive: bool,
    rules: DisclosureRules,
) -> bool:
    """The row line rule with the true values: in every table where a hidden cell needs
    protection (it fails, or must be hidden), at least two hidden cells summing to ≥ k."""
    k = rules.k(sensitive)
    for values in tables:
        protected = {
            c
            for c in hidden
            if c in must_hide or not count_passes(values[c], sensitive=sensitive, rules=rules)
        }
        if protected and (len(hidden) < 2 or sum(values[c] for c in hidden) < k):
            return False
    return True


def _entered(value: int, must_hide: bool, sensitive: bool, rules: DisclosureRules) -> int:
    """The value protect_table sees for a cell: a cell that must be hidden although it passes
    is entered as the largest failing count (k − 1), so that protect_table finds partners for
    it while its part of the hidden mass and of the total stays close to the truth; a zero as 1.
    The line rule is then checked again with the true values."""
    if not must_hide or not count_passes(value, sensitive=sensitive, rules=rules):
        return value
    return rules.k(sensitive) - 1 if value > 0 else 1


def _hidden_reason(
    counts: _Counts, measure: Measure, rules: DisclosureRules, forced: set[str], category: str
) -> Reason:
    sensitive = measure.sensitive
    if not count_passes(counts.num, sensitive=sensitive, rules=rules) and not measure.is_share:
        return Reason.SMALL_COUNT
    if not population_passes(counts.den, parents=(), rules=rules):
        return Reason.SMALL_POPULATION
    if not count_passes(counts.num, sensitive=sensitive, rules=rules):
        return Reason.SMALL_COUNT
    if measure.is_share and not count_passes(
        counts.den - counts.num, sensitive=sensitive, rules=rules
    ):
        return Reason.SMALL_REMAINDER
    if category in forced:
        return Reason.DIFFERENCING
    return Reason.COMPLEMENTARY


@dataclass
class _Group:
    """A measure broken down by one dimension, one row per view."""

    measure: Measure
    dimension: str
    categories: tuple[str, ...]
    rows: dict[View, dict[str, _Counts]]
    forced: dict[View, set[str]] = field(default_factory=dict)
    frozen: bool = False  # published elsewhere already (stage 1): the audit may not change it
    results: dict[View, dict[str, Published]] = field(default_factory=dict)
    # rows whose empty categories are shown as hidden, not as null: otherwise "nobody there"
    # plus the row's total would give a single hidden category away
    hide_empty: set[View] = field(default_factory=set)


@dataclass
class _Section:
    """Everything of one universe and year that is counted, and its publication."""

    universe: Universe
    universe_atom: str
    rules: DisclosureRules
    views: tuple[View, ...]
    partition: bool  # carrier rows add up exactly to the all-carrier row
    counts: dict[_CountKey, _Counts]
    base: dict[tuple[Measure, View], Published] = field(default_factory=dict)
    frozen_base: set[tuple[Measure, View]] = field(default_factory=set)
    groups: dict[tuple[Measure, str], _Group] = field(default_factory=dict)
    # measures whose published figure is a cell of another measure's variant table
    # (part_time_share_women is part_time_share by gender, category w): never published twice
    mirrors: dict[Measure, tuple[Measure, str, str]] = field(default_factory=dict)
    # public facts (audit owners): never hidden, and their differences are public too
    public: set[tuple] = field(default_factory=set)
    # what the planner hid, as the rules had published it (audit owner → published)
    before_plan: dict[tuple, Published] = field(default_factory=dict)

    def published_base(self, measure: Measure, view: View) -> Published:
        if measure in self.mirrors:
            source, dimension, category = self.mirrors[measure]
            return self.groups[(source, dimension)].results[view][category]
        return self.base[(measure, view)]

    def base_counts(self, measure: Measure, view: View) -> _Counts:
        return self.counts.get((measure, view, None, None), _EMPTY)

    # --- publication ----------------------------------------------------------------------

    def publish_base(self, measures: Iterable[Measure]) -> None:
        for measure in measures:
            if (measure, None) in self.base:
                continue
            all_counts = self.base_counts(measure, None)
            self.base[(measure, None)] = _publish(all_counts, measure, self.rules)
            for view in self.views[1:]:
                self.base[(measure, view)] = _publish_guarded(
                    self.base_counts(measure, view), all_counts, measure, self.rules
                )

    def add_group(self, measure: Measure, dimension: str, categories: Iterable[str]) -> _Group:
        key = (measure, dimension)
        if key in self.groups:
            return self.groups[key]
        admitted = tuple(c for c in categories if measure.admits(dimension, c))
        rows = {
            view: {c: self.counts.get((measure, view, dimension, c), _EMPTY) for c in admitted}
            for view in self.views
        }
        group = _Group(measure, dimension, admitted, rows, {view: set() for view in self.views})
        self.groups[key] = group
        self.protect(group)
        return group

    def margin_published(self, measure: Measure, view: View) -> bool:
        return not self.published_base(measure, view).suppressed

    def protect(self, group: _Group) -> None:
        if self.partition:
            group.results = self._protect_partition(group)
        else:
            group.results = self._protect_overlapping(group)
        k = self.rules.k(group.measure.sensitive)
        for view in group.hide_empty:
            row = group.results[view]
            for category in group.categories:
                if group.rows[view][category].den == 0 and not row[category].suppressed:
                    row[category] = _withheld(Reason.COMPLEMENTARY, k)

    def _protect_partition(self, group: _Group) -> dict[View, dict[str, Published]]:
        """Carrier rows that add up to the all-carrier row: one table carriers × categories whose
        column totals are the all-carrier row and whose row totals are the carriers' figures."""
        measure, rules = group.measure, self.rules
        carriers = self.views[1:]
        all_published = self.margin_published(measure, None)
        carriers_published = all(self.margin_published(measure, v) for v in carriers)
        if all_published and carriers_published and carriers:
            grid = _protect_grid(group, carriers, rules)
            if grid is not None:
                return grid
            # no pattern keeps the published totals: nothing but the totals is shown
            return {
                view: _withhold_row(group.rows[view], measure, rules, hide_empty=True)
                for view in self.views
            }
        results: dict[View, dict[str, Published]] = {}
        if all_published:
            # a carrier's figure is hidden, and so is every carrier row (each is the all-carrier
            # row minus the others); the all-carrier row stands on its own
            results = {view: _withhold_row(group.rows[view], measure, rules) for view in carriers}
            results[None], _ = _protect_row(
                group.rows[None],
                measure,
                rules,
                forced=group.forced[None],
                margin_published=True,
            )
            return results
        # the all-carrier figure is hidden, and with it its whole row: no column total links
        # the carrier rows, so a carrier whose own figure is published stands on its own
        results[None] = _withhold_row(group.rows[None], measure, rules)
        for view in carriers:
            results[view], _ = _protect_row(
                group.rows[view],
                measure,
                rules,
                forced=group.forced[view],
                margin_published=self.margin_published(measure, view),
            )
        return results

    def _protect_overlapping(self, group: _Group) -> dict[View, dict[str, Published]]:
        """Carrier views that overlap (an applicant in both) or leave people out (no carrier):
        each row is protected on its own, and a carrier cell whose difference to the
        all-carrier cell is small is hidden — or, where it cannot be hidden (it is all its view
        holds), the all-carrier cell is."""
        measure, rules = group.measure, self.rules
        carriers = self.views[1:]
        forced_all = set(group.forced[None])
        while True:
            results: dict[View, dict[str, Published]] = {}
            results[None], _ = _protect_row(
                group.rows[None],
                measure,
                rules,
                forced=forced_all,
                margin_published=self.margin_published(measure, None),
            )
            moved = set()
            for view in carriers:
                row = group.rows[view]
                guarded = {
                    c
                    for c in group.categories
                    if row[c].den > 0
                    and not results[None][c].suppressed
                    and not _differences_pass(row[c], group.rows[None][c], measure.sensitive, rules)
                }
                results[view], exposed = _protect_row(
                    row,
                    measure,
                    rules,
                    forced=group.forced[view] | guarded,
                    margin_published=self.margin_published(measure, view),
                )
                if exposed:
                    moved |= guarded
            if not moved - forced_all:
                return results
            forced_all |= moved

    # --- audit ----------------------------------------------------------------------------

    def audit(self) -> None:
        """Suppress figures until no published pair of nested figures differs by 1 … k−1.

        Each pass finds every violating pair and suppresses a small set of figures covering
        them (greedy: the figure in most violating pairs first, the nested one on ties), then
        protects the affected tables again, until a pass finds nothing.
        """
        while True:
            for measure, view in self._overlap_victims():
                self._suppress_base(measure, view)
                for key in sorted(self.groups, key=_group_sort_key):
                    if key[0] == measure:
                        self.protect(self.groups[key])
            pairs = self._violating_pairs()
            if not pairs:
                return
            dirty: set[tuple[Measure, str]] = set()
            for victim in _covering_victims(pairs, self._victim_cost):
                if victim[0] == "base":
                    _, measure, view = victim
                    if self._base_hidden(measure, view):
                        continue
                    self._suppress_base(measure, view)
                    dirty |= {key for key in self.groups if key[0] == measure}
                    dirty |= {
                        (source, dimension)
                        for mirror, (source, dimension, _) in self.mirrors.items()
                        if mirror == measure
                    }
                elif victim[0] == "derivable":
                    _, measure, dimension, view, _category = victim
                    if view in self.groups[(measure, dimension)].hide_empty:
                        continue
                    self.groups[(measure, dimension)].hide_empty.add(view)
                    dirty.add((measure, dimension))
                else:
                    _, measure, dimension, view, category = victim
                    if category in self.groups[(measure, dimension)].forced[view]:
                        continue
                    self.groups[(measure, dimension)].forced[view].add(category)
                    dirty.add((measure, dimension))
                    # the tables of a mirrored measure have this cell as their total
                    dirty |= {
                        key
                        for mirror, source in self.mirrors.items()
                        if source == (measure, dimension, category)
                        for key in self.groups
                        if key[0] == mirror
                    }
            if not dirty:
                # every victim is hidden already: what is left follows from figures nobody may
                # hide (public facts, stage-1 figures frozen before this breakdown); the
                # attacker (`audit_release`) is the last word on those
                return
            for key in sorted(dirty, key=_group_sort_key):
                self.protect(self.groups[key])

    def _overlap_victims(self) -> list[tuple[Measure, View]]:
        """Carrier views that overlap (an applicant who applied to both carriers is in both):
        BA + Kommune − all is then the group of those in both, and must pass like any figure
        (CONTRACT § 3; it once isolated a single disclosing applicant). Where it fails, the
        smaller carrier's figure goes (a carrier figure costs less than the headline)."""
        if self.partition or len(self.views) != 3:
            return []
        victims = []
        for (measure, view), published in self.base.items():
            if view is not None or published.suppressed:
                continue
            carriers = self.views[1:]
            if any(self.base[(measure, v)].suppressed for v in carriers):
                continue
            everyone, first, second = (self.base_counts(measure, v) for v in self.views)
            both = _Counts(
                first.num + second.num - everyone.num, first.den + second.den - everyone.den
            )
            k = self.rules.k(measure.sensitive)
            parts = [both.num, both.den - both.num] if measure.is_share else [both.den]

            if (
                measure.is_share and _overlap_fails(both.den, False, self.rules.k_ordinary, 1)
            ) or any(_overlap_fails(part, measure.sensitive, k, both.den) for part in parts):
                mutable = [v for v in carriers if (measure, v) not in self.frozen_base]
                if mutable:
                    victims.append(
                        (measure, min(mutable, key=lambda v: self.base_counts(measure, v).den))
                    )
        return victims

    def _victim_cost(self, owner: tuple) -> float:
        """CONTRACT § 3 priorities as the cost of hiding a figure: headline KPIs of the
        all-carrier view, then of the carrier views, then variants, then breakdown cells."""
        if owner[0] == "base":
            return 1000.0 if owner[2] is None else 100.0
        return 10.0 if (owner[1], owner[2]) in _variant_keys(self.universe) else 1.0

    def _base_hidden(self, measure: Measure, view: View) -> bool:
        targets = [view]
        if self.partition:
            targets = list(self.views) if view is None else [v for v in self.views if v]
        return all(self.base[(measure, target)].suppressed for target in targets)

    def _suppress_base(self, measure: Measure, view: View) -> None:
        k = self.rules.k(measure.sensitive)
        targets = [view]
        if self.partition:
            # all = Σ carriers: hiding one figure of the partition needs a second one
            targets = list(self.views) if view is None else [v for v in self.views if v]
        for target in targets:
            if not self.base[(measure, target)].suppressed:
                self.base[(measure, target)] = _withheld(Reason.DIFFERENCING, k)

    def _cells(self) -> list[_AuditCell]:
        cells: list[_AuditCell] = []
        for (measure, view), published in sorted(self.base.items(), key=_base_sort_key):
            if published.suppressed:
                continue
            owner: tuple = ("base", measure, view)
            mutable = (measure, view) not in self.frozen_base and owner not in self.public
            atoms = self._atoms(measure, view, ())
            cells += _cells_of(measure, atoms, self.base_counts(measure, view), owner, mutable)
        for (measure, dimension), group in sorted(self.groups.items(), key=_group_item_key):
            for view, row in group.results.items():
                for category, published in row.items():
                    counts = group.rows[view][category]
                    if published.suppressed or counts.den == 0:
                        continue
                    owner = ("cell", measure, dimension, view, category)
                    atom = _category_atom(self.universe, dimension, category)
                    atoms = self._atoms(measure, view, (atom,))
                    mutable = not group.frozen and owner not in self.public
                    cells += _cells_of(measure, atoms, counts, owner, mutable)
            cells += self._derivable_cells(group)
        return cells

    def _derivable_cells(self, group: _Group) -> list[_AuditCell]:
        """A row with a published total and a single hidden category gives that category away
        (the other categories, empty ones included, are known). It happens where the category is
        all the row holds; if that reveals too much, the row's empty categories are hidden too
        (`_Group.hide_empty`), which leaves the published figures as they are."""
        cells: list[_AuditCell] = []
        for view, row in group.results.items():
            hidden = [c for c in group.categories if row[c].suppressed]
            if len(hidden) != 1 or not self.margin_published(group.measure, view):
                continue
            (category,) = hidden
            if group.rows[view][category].den == 0:
                continue
            owner = ("derivable", group.measure, group.dimension, view, category)
            mutable = not group.frozen
            atom = _category_atom(self.universe, group.dimension, category)
            atoms = self._atoms(group.measure, view, (atom,))
            counts = group.rows[view][category]
            cells += _cells_of(group.measure, atoms, counts, owner, mutable)
        return cells

    def _atoms(self, measure: Measure, view: View, extra: tuple[str, ...]) -> frozenset[str]:
        view_atoms = (f"carrier={view}",) if view else ()
        return _closure({self.universe_atom, *measure.population, *view_atoms, *extra})

    def _violating_pairs(self) -> list[tuple[_AuditCell, _AuditCell]]:
        """Every pair of published figures, one nested in the other, that differ too little.

        A parent's atoms are a subset of the child's, so its category atoms (the categories of
        breakdowns and variants among them) are a subset of the child's too. Figures are
        bucketed by their category atoms and a child only looks into the buckets of subsets of
        its own (the parents without any category atom once per distinct rest of the child's
        atoms): this keeps the search near-linear in the number of categories.
        """
        by_atoms: dict[frozenset[str], list[_AuditCell]] = {}
        for cell in self._cells():
            by_atoms.setdefault(cell.atoms, []).append(cell)
        category_atoms = frozenset(
            _category_atom(self.universe, dimension, category)
            for (_, dimension), group in self.groups.items()
            for category in group.categories
        )
        buckets: dict[frozenset[str], list[frozenset[str]]] = {}
        for atoms in by_atoms:
            buckets.setdefault(atoms & category_atoms, []).append(atoms)
        plain_parents: dict[frozenset[str], list[frozenset[str]]] = {}
        pairs = []
        for child_atoms in sorted(by_atoms, key=_atoms_sort_key):
            categories = child_atoms & category_atoms
            rest = child_atoms - categories
            if rest not in plain_parents:
                plain_parents[rest] = [p for p in buckets.get(frozenset(), []) if p <= rest]
            parents = [p for p in plain_parents[rest] if p != child_atoms]
            for subset in _nonempty_subsets(categories):
                parents += [p for p in buckets.get(subset, []) if p < child_atoms]
            for parent_atoms in sorted(parents, key=_atoms_sort_key):
                for child in by_atoms[child_atoms]:
                    for parent in by_atoms[parent_atoms]:
                        if not self._pair_passes(child, parent):
                            pairs.append((child, parent))
        return pairs

    def _pair_passes(self, child: _AuditCell, parent: _AuditCell) -> bool:
        if child.owner in self.public and parent.owner in self.public:
            return True  # a difference of public facts is a public fact
        if child.owner[1] != parent.owner[1] and (_roundable(child) or _roundable(parent)):
            # two KPIs' populations of one category (the staff of an org unit by gender, all of
            # its persons): hiding a whole share for them costs the reader its percentage, while
            # the planner, asked by the attacker, can publish it rounded with its counts
            # withheld (CONTRACT § 3). The demo store's 2025 women's share hid 9 of 10 org units
            return True
        sensitive = bool((child.atoms | parent.atoms) & SENSITIVE_ATOMS)
        difference = abs(parent.value - child.value)
        if (
            difference == 0
            and child.population == parent.population
            and parent.population_atoms <= child.population_atoms
        ):
            return True  # the filter removed nobody from the population
        return count_passes(difference, sensitive=sensitive, rules=self.rules)


@dataclass(frozen=True)
class _AuditCell:
    atoms: frozenset[str]
    value: int
    population_atoms: frozenset[str]  # the population the figure is taken from
    population: int  # and its size
    owner: tuple
    mutable: bool


def _roundable(cell: _AuditCell) -> bool:
    """A breakdown cell of a share the rules may still change: the planner can round it."""
    return cell.mutable and cell.owner[0] == "cell" and cell.owner[1].is_share


def _overlap_fails(value: int, sensitive: bool, k: int, population: int) -> bool:
    """The count of the group in both overlapping views: 1 … k−1 fails (either sign: the views
    need not nest exactly), and for a sensitive count 0 within a non-empty group too."""
    return 0 < abs(value) < k or (sensitive and value == 0 and population != 0)


def _covering_victims(
    pairs: list[tuple[_AuditCell, _AuditCell]], cost: Callable[[tuple], float]
) -> list[tuple]:
    """Figures to suppress so that every violating pair loses at least one of its two.

    Greedy weighted set cover: the figure with most remaining pairs per cost (`cost`: the
    priorities of CONTRACT § 3), then the one in most pairs as the nested figure, then the
    first in owner order. Degrees are kept up to date as pairs are covered and the best figure
    is taken from a heap, so a breakdown by hundreds of org units costs O(pairs · log
    figures), not a full recount per victim."""
    victims: list[tuple] = []
    chosen: set[tuple] = set()
    # a pair of figures nobody may hide any more (a pair left to the planner while one of them
    # could still be rounded, say) is the attacker's, like every difference of such figures
    pairs = [(child, parent) for child, parent in pairs if child.mutable or parent.mutable]
    for child, parent in pairs:
        if child.mutable != parent.mutable:
            # a figure published elsewhere already (stage 1) cannot be taken back
            victim = child.owner if child.mutable else parent.owner
            if victim not in chosen:
                victims.append(victim)
                chosen.add(victim)
    remaining = [
        (child.owner, parent.owner)
        for child, parent in pairs
        if child.owner not in chosen and parent.owner not in chosen
    ]
    degree: dict[tuple, int] = {}
    as_child: dict[tuple, int] = {}
    pairs_of: dict[tuple, list[int]] = {}
    for index, (nested, outer) in enumerate(remaining):
        for owner in (nested, outer):
            degree[owner] = degree.get(owner, 0) + 1
            pairs_of.setdefault(owner, []).append(index)
        as_child[nested] = as_child.get(nested, 0) + 1
    rank = {owner: i for i, owner in enumerate(sorted(degree, key=_owner_sort_key))}
    costs = {owner: cost(owner) for owner in degree}

    def entry(owner: tuple) -> tuple[float, int, int]:
        return (-degree[owner] / costs[owner], -as_child.get(owner, 0), rank[owner])

    heap = [entry(o) for o in degree]
    heapq.heapify(heap)
    owner_at = {r: o for o, r in rank.items()}
    covered = [False] * len(remaining)
    left = len(remaining)
    while left:
        current = heapq.heappop(heap)
        best = owner_at[current[2]]
        if current != entry(best):
            continue  # an outdated entry: the owner's current one is in the heap too
        victims.append(best)
        for index in pairs_of[best]:
            if covered[index]:
                continue
            covered[index] = True
            left -= 1
            nested, outer = remaining[index]
            degree[nested] -= 1
            degree[outer] -= 1
            as_child[nested] -= 1
            for owner in {nested, outer} - {best}:
                heapq.heappush(heap, entry(owner))
        degree[best] = 0  # never again
    return victims


def _nonempty_subsets(atoms: frozenset[str]) -> list[frozenset[str]]:
    items = sorted(atoms)
    return [
        frozenset(item for bit, item in enumerate(items) if mask >> bit & 1)
        for mask in range(1, 2 ** len(items))
    ]


def _atoms_sort_key(atoms: frozenset[str]) -> tuple:
    return (len(atoms), sorted(atoms))


def _owner_sort_key(owner: tuple) -> tuple:
    return (owner[0], _measure_sort_key(owner[1]), tuple(str(part) for part in owner[2:]))


def _cells_of(
    measure: Measure, atoms: frozenset[str], counts: _Counts, owner: tuple, mutable: bool
) -> list[_AuditCell]:
    """The person counts a published figure reveals: population, numerator and remainder."""
    cells = [_AuditCell(atoms, counts.den, atoms, counts.den, owner, mutable)]
    # every share of the registry names its remainder (validate_registry)
    if measure.numerator is not None and measure.remainder is not None:
        for atom, value in (
            (measure.numerator, counts.num),
            (measure.remainder, counts.den - counts.num),
        ):
            cells.append(
                _AuditCell(_closure({*atoms, atom}), value, atoms, counts.den, owner, mutable)
            )
    return cells


def _measure_sort_key(measure: Measure) -> tuple:
    return (
        measure.universe,
        sorted(measure.population),
        measure.numerator or "",
        measure.remainder or "",
    )


def _base_sort_key(item: tuple[tuple[Measure, View], Published]) -> tuple:
    (measure, view), _ = item
    return (_measure_sort_key(measure), view or "")


def _group_sort_key(key: tuple[Measure, str]) -> tuple:
    return (_measure_sort_key(key[0]), key[1])


def _group_item_key(item: tuple[tuple[Measure, str], _Group]) -> tuple:
    return _group_sort_key(item[0])
