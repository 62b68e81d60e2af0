"""Disclosure control (CONTRACT § 3): hand-computed cases for every rule, then properties."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.disclosure import (
    TOTAL_LABEL,
    DisclosureRules,
    ProtectedTable,
    Published,
    Reason,
    assert_no_small_counts,
    count_passes,
    population_passes,
    protect_table,
    publish_count,
    publish_share,
    share_passes,
    suppressed_label,
)
from metrics.disclosure.rules import _bridges, _TableProtector

RULES = DisclosureRules()


# --- rules -----------------------------------------------------------------------------------


def test_default_thresholds_follow_the_contract():
    assert (RULES.k_ordinary, RULES.k_sensitive) == (5, 10)
    assert RULES.k(sensitive=False) == 5
    assert RULES.k(sensitive=True) == 10


def test_k_of_three_is_allowed():
    rules = DisclosureRules(k_ordinary=3, k_sensitive=3)
    assert count_passes(3, sensitive=False, rules=rules)
    assert not count_passes(2, sensitive=False, rules=rules)


@pytest.mark.parametrize("settings_", [{"k_ordinary": 2}, {"k_sensitive": 2}, {"k_ordinary": 0}])
def test_k_below_three_is_refused(settings_):
    with pytest.raises(ValueError, match="at least 3"):
        DisclosureRules(**settings_)


@pytest.mark.parametrize("bad", [5.0, True, "5"])
def test_k_must_be_an_int(bad):
    with pytest.raises(TypeError):
        DisclosureRules(k_ordinary=bad)


def test_suppressed_label():
    assert suppressed_label(5) == "< 5"
    assert suppressed_label(10) == "< 10"


# --- counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "ordinary", "sensitive"),
    [
        (0, True, False),  # 0 is disclosive only for sensitive counts
        (1, False, False),
        (4, False, False),
        (5, True, False),
        (9, True, False),
        (10, True, True),
        (250, True, True),
    ],
)
def test_count_rule(n, ordinary, sensitive):
    assert count_passes(n, sensitive=False, rules=RULES) is ordinary
    assert count_passes(n, sensitive=True, rules=RULES) is sensitive


@pytest.mark.parametrize("bad", [-1, 2.5, True, None])
def test_counts_must_be_non_negative_integers(bad):
    with pytest.raises((TypeError, ValueError)):
        count_passes(bad, sensitive=False, rules=RULES)


def test_numpy_integers_are_counts():
    assert count_passes(np.int64(7), sensitive=False, rules=RULES)
    assert publish_count(np.int32(7), sensitive=False, rules=RULES).value == 7


def test_ordinary_zero_is_published():
    assert publish_count(0, sensitive=False, rules=RULES) == Published(
        value=0, numerator=0, denominator=None, suppressed=False, reason=None, k=5
    )


def test_sensitive_zero_is_suppressed():
    result = publish_count(0, sensitive=True, rules=RULES)
    assert result == Published(
        value=None,
        numerator=None,
        denominator=None,
        suppressed=True,
        reason=Reason.SMALL_COUNT,
        k=10,
    )
    assert result.label == "< 10"


def test_small_count_is_suppressed_with_label():
    result = publish_count(3, sensitive=False, rules=RULES)
    assert (result.value, result.suppressed, result.reason, result.label) == (
        None,
        True,
        Reason.SMALL_COUNT,
        "< 5",
    )


def test_published_count_has_no_label():
    assert publish_count(12, sensitive=True, rules=RULES).label is None


def test_count_whose_complement_in_the_parent_is_small_is_suppressed():
    # 20 of 23 in the filter: the pair 23 / 20 would reveal the 3 outside it
    result = publish_count(20, sensitive=False, rules=RULES, parents=[23])
    assert (result.suppressed, result.reason) == (True, Reason.DIFFERENCING)


def test_ordinary_count_equal_to_its_parent_is_published():
    assert not publish_count(20, sensitive=False, rules=RULES, parents=[20]).suppressed


def test_sensitive_count_equal_to_its_parent_is_suppressed():
    # 12 severely disabled persons in BA out of 12 in total: "none in Kommune" is disclosive
    result = publish_count(12, sensitive=True, rules=RULES, parents=[12])
    assert result.reason is Reason.DIFFERENCING


def test_count_is_checked_against_every_parent():
    assert publish_count(10, sensitive=True, rules=RULES, parents=[20, 30]).value == 10
    result = publish_count(10, sensitive=True, rules=RULES, parents=[20, 19])
    assert result.reason is Reason.DIFFERENCING


def test_empty_filtered_count_is_checked_against_its_parent():
    # a published 0 next to a parent of 3 tells that the 3 are all outside the filter
    result = publish_count(0, sensitive=False, rules=RULES, parents=[3])
    assert result.reason is Reason.DIFFERENCING


def test_parent_smaller_than_filtered_count_is_an_error():
    with pytest.raises(ValueError, match="parent"):
        publish_count(10, sensitive=False, rules=RULES, parents=[9])


@pytest.mark.parametrize(
    ("n", "parents", "expected"),
    [
        (0, [], True),
        (3, [], False),
        (5, [], True),
        (20, [23], False),
        (20, [20], True),
        (20, [25], True),
        (20, [40, 22], False),
        (0, [3], False),
    ],
)
def test_population_rule(n, parents, expected):
    assert population_passes(n, parents=parents, rules=RULES) is expected


def test_population_rule_is_ordinary_even_with_a_higher_sensitive_k():
    assert population_passes(6, parents=[], rules=DisclosureRules(k_ordinary=5, k_sensitive=20))


# --- shares ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "sensitive", "expected"),
    [
        (5, 10, False, True),
        (0, 7, False, True),  # 0 % is an ordinary published figure
        (7, 7, False, True),  # so is 100 %
        (3, 10, False, False),
        (7, 10, False, False),
        (10, 20, True, True),
        (10, 19, True, False),
        (0, 25, True, False),
        (25, 25, True, False),  # 100 % tells every person's status
    ],
)
def test_share_rule(numerator, denominator, sensitive, expected):
    assert share_passes(numerator, denominator, sensitive=sensitive, rules=RULES) is expected


def test_share_numerator_above_denominator_is_an_error():
    with pytest.raises(ValueError, match="exceeds"):
        share_passes(6, 5, sensitive=False, rules=RULES)
    with pytest.raises(ValueError, match="exceeds"):
        publish_share(6, 5, sensitive=False, rules=RULES)


@pytest.mark.parametrize("sensitive", [False, True])
def test_share_over_empty_population_is_none_and_not_suppressed(sensitive):
    result = publish_share(0, 0, sensitive=sensitive, rules=RULES)
    assert result == Published(
        value=None,
        numerator=0,
        denominator=0,
        suppressed=False,
        reason=None,
        k=RULES.k(sensitive),
    )
    assert result.label is None


def test_published_share_is_a_fraction():
    assert publish_share(5, 20, sensitive=False, rules=RULES) == Published(
        value=0.25, numerator=5, denominator=20, suppressed=False, reason=None, k=5
    )
    assert publish_share(10, 25, sensitive=True, rules=RULES).value == pytest.approx(0.4)
    assert publish_share(7, 7, sensitive=False, rules=RULES).value == 1.0


@pytest.mark.parametrize(
    ("numerator", "denominator", "sensitive", "reason"),
    [
        (2, 4, False, Reason.SMALL_POPULATION),  # a group of 4 persons is too small by itself
        (3, 3, True, Reason.SMALL_POPULATION),
        (2, 10, False, Reason.SMALL_COUNT),
        (8, 10, False, Reason.SMALL_REMAINDER),
        (0, 25, True, Reason.SMALL_COUNT),  # sensitive 0 %
        (25, 25, True, Reason.SMALL_REMAINDER),  # sensitive 100 %
        (12, 20, True, Reason.SMALL_REMAINDER),
    ],
)
def test_share_suppression_reasons(numerator, denominator, sensitive, reason):
    result = publish_share(numerator, denominator, sensitive=sensitive, rules=RULES)
    assert (result.value, result.numerator, result.denominator) == (None, None, None)
    assert result.suppressed
    assert result.reason is reason
    # "< k" only where the count itself is small; a small remainder reads "•"
    small = reason in (Reason.SMALL_COUNT, Reason.SMALL_POPULATION)
    assert result.label == (suppressed_label(RULES.k(sensitive)) if small else "•")


def test_share_whose_population_complement_is_small_is_suppressed():
    # 20 of 23 persons in the filtered view: the 3 others would be a population of their own
    result = publish_share(10, 20, sensitive=False, rules=RULES, parents=[(12, 23)])
    assert result.reason is Reason.SMALL_POPULATION


def test_share_whose_numerator_complement_is_small_is_suppressed():
    # parent 12 of 40, view 10 of 20: 2 of the 20 outside the view are counted
    result = publish_share(10, 20, sensitive=False, rules=RULES, parents=[(12, 40)])
    assert result.reason is Reason.DIFFERENCING


def test_share_whose_remainder_complement_is_small_is_suppressed():
    # parent 17 of 40 (remainder 23), view 10 of 30 (remainder 20): 3 not counted outside
    result = publish_share(10, 30, sensitive=False, rules=RULES, parents=[(17, 40)])
    assert result.reason is Reason.DIFFERENCING


def test_share_complement_zero_is_fine_for_ordinary_but_not_for_sensitive():
    parents = [(10, 40)]  # every counted person of the parent is in the view
    assert publish_share(10, 20, sensitive=False, rules=RULES, parents=parents).value == 0.5
    result = publish_share(10, 20, sensitive=True, rules=RULES, parents=parents)
    assert result.reason is Reason.DIFFERENCING


def test_share_with_parents_that_pass_is_published():
    result = publish_share(10, 20, sensitive=True, rules=RULES, parents=[(20, 40), (30, 60)])
    assert (result.value, result.suppressed) == (0.5, False)


def test_empty_filtered_population_is_still_checked_against_its_parent():
    result = publish_share(0, 0, sensitive=False, rules=RULES, parents=[(1, 3)])
    assert result.reason is Reason.SMALL_POPULATION
    empty = publish_share(0, 0, sensitive=True, rules=RULES, parents=[(2, 30)])
    assert (empty.value, empty.suppressed) == (None, False)


def test_parent_share_must_contain_the_filtered_share():
    with pytest.raises(ValueError, match="does not contain"):
        publish_share(10, 20, sensitive=False, rules=RULES, parents=[(9, 40)])
    with pytest.raises(ValueError, match="does not contain"):
        publish_share(10, 20, sensitive=False, rules=RULES, parents=[(25, 29)])


# --- tables ----------------------------------------------------------------------------------


def frame(rows: list[list[int]], index: Iterable[str] | None = None, columns=None) -> pd.DataFrame:
    return pd.DataFrame(rows, index=index, columns=columns)


def suppressed_positions(table: ProtectedTable) -> set[tuple[int, int]]:
    mask = table.suppressed.to_numpy()
    return {(int(i), int(j)) for i, j in zip(*np.nonzero(mask), strict=True)}


def test_table_without_small_counts_is_published_unchanged():
    counts = frame([[10, 20], [30, 0]], index=["BA", "Kommune"], columns=["w", "m"])
    table = protect_table(counts, sensitive=False, rules=RULES)
    assert not table.withheld
    assert not table.suppressed.to_numpy().any()
    assert table.cells.dtypes.tolist() == ["Int64", "Int64"]
    pd.testing.assert_frame_equal(table.cells, counts.astype("Int64"))
    assert table.row_totals.tolist() == [30, 30]
    assert table.column_totals.tolist() == [40, 20]
    assert table.grand_total == 60
    assert table.reasons.isna().to_numpy().all()


def test_table_cell_of_two_gets_complements_in_its_row_and_column():
    # rows: carrier, columns: age band. The 2 is protected by the 10 in its row and the 8 in its
    # column; those two then need partners of their own: the 9 closes the rectangle.
    counts = frame(
        [[2, 10, 12], [8, 9, 20]], index=["BA", "Kommune"], columns=["< 30", "30–44", "≥ 55"]
    )
    table = protect_table(counts, sensitive=False, rules=RULES)
    assert suppressed_positions(table) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert table.reasons.iloc[0, 0] is Reason.SMALL_COUNT
    assert table.reasons.iloc[0, 1] is Reason.COMPLEMENTARY
    assert table.reasons.iloc[1, 0] is Reason.COMPLEMENTARY
    assert table.reasons.iloc[1, 1] is Reason.COMPLEMENTARY
    assert table.reasons.iloc[0, 2] is None
    assert table.cells["≥ 55"].tolist() == [12, 20]
    assert table.cells["< 30"].isna().all()
    # totals stay published: every row and column hides ≥ 2 cells summing to ≥ 5
    assert table.row_totals.tolist() == [24, 37]
    assert table.column_totals.tolist() == [10, 19, 32]
    assert table.grand_total == 61
    expected = pd.DataFrame(
        [["< 5", "< 5", 12, 24], ["< 5", "< 5", 20, 37], [10, 19, 32, 61]],
        index=pd.Index(["BA", "Kommune", TOTAL_LABEL], dtype=object),
        columns=pd.Index(["< 30", "30–44", "≥ 55", TOTAL_LABEL], dtype=object),
        dtype=object,
    )
    pd.testing.assert_frame_equal(table.display(), expected)


def test_table_whose_total_is_three_is_withheld():
    table = protect_table(frame([[1, 2], [0, 0]]), sensitive=False, rules=RULES)
    assert table.withheld
    assert table.grand_total is None
    assert table.suppressed.to_numpy().all()
    assert table.cells.isna().to_numpy().all()
    assert table.row_totals.isna().all() and table.column_totals.isna().all()
    assert (table.reasons == Reason.TABLE_WITHHELD).to_numpy().all()
    assert (table.display() == "< 5").to_numpy().all()


def test_sensitive_table_with_zero_total_is_withheld():
    table = protect_table(frame([[0, 0]]), sensitive=True, rules=RULES)
    assert table.withheld


def test_small_row_total_is_suppressed_with_the_other_row_total():
    # row 0 holds 3 persons: its total is hidden, and so must be row 1's (else 33 − 30 = 3)
    table = protect_table(frame([[3, 0], [10, 20]]), sensitive=False, rules=RULES)
    assert suppressed_positions(table) == {(0, 0), (1, 0)}
    assert table.row_totals.isna().all()
    assert table.row_total_reasons.tolist() == [Reason.SMALL_COUNT, Reason.COMPLEMENTARY]
    assert table.column_totals.tolist() == [13, 20]
    assert table.grand_total == 33
    assert table.display().loc[0, TOTAL_LABEL] == "< 5"


def test_sensitive_table_hides_zeros_and_their_complements():
    # 0 of 15 in row 0 is "100 % / 0 %": disclosive for a sensitive count
    counts = frame([[15, 0], [30, 12], [20, 20]])
    table = protect_table(counts, sensitive=True, rules=RULES)
    assert table.k == 10
    assert suppressed_positions(table) == {(0, 0), (0, 1), (2, 0), (2, 1)}
    assert table.reasons.iloc[0, 1] is Reason.SMALL_COUNT
    assert table.row_totals.tolist() == [15, 42, 40]
    assert table.column_totals.tolist() == [65, 32]
    assert table.display().iloc[0, 1] == "< 10"


def test_table_closes_a_cell_that_line_rules_alone_would_leave_solvable():
    # The line rules alone (every row/column ≥ 2 hidden, hidden sums ≥ 5) would hide
    # (0,0)=3, (0,1)=4, (1,2)=4, (2,0)=1, (2,2)=4, row totals 4 and 5, column totals 4 and 4.
    # Then: col 1 total = (0,1); row 0: (0,0) + (0,1) = 7; column totals: c0 + c1 = 16 − 8;
    # so (2,0) = c0 − (0,0) = 8 − (0,1) − (0,0) = 1: recovered. One more hidden cell joining the
    # two groups of hidden cells prevents that.
    counts = frame([[3, 4, 0], [0, 0, 4], [1, 0, 4]])
    table = protect_table(counts, sensitive=False, rules=RULES)
    assert_no_cell_can_be_solved_for(counts, table)
    assert table.reasons.iloc[2, 0] is Reason.SMALL_COUNT


def test_zero_rows_do_not_force_the_table_to_be_withheld():
    # hiding a zero of an all-zero row protects nothing (its total 0 tells it) and would leave
    # that row with a hidden sum of 0; such zeros are never chosen as complements
    counts = frame([[26, 2], [0, 0], [0, 5], [0, 0], [0, 11]])
    table = protect_table(counts, sensitive=False, rules=RULES)
    assert not table.withheld
    assert not table.suppressed.iloc[[1, 3]].to_numpy().any()
    assert table.row_totals.tolist() == [28, 0, 5, 0, 11]
    assert_no_cell_can_be_solved_for(counts, table)


def test_single_column_table_hides_the_row_total_with_its_cell():
    # with one column a row total equals its cell; the 3 needs the 10 (column sum ≥ 5), and
    # each hidden cell needs its row total hidden too
    counts = frame([[3], [10], [12]])
    table = protect_table(counts, sensitive=False, rules=RULES)
    assert suppressed_positions(table) == {(0, 0), (1, 0)}
    assert table.row_totals.isna().tolist() == [True, True, False]
    assert table.row_total_reasons.tolist() == [Reason.SMALL_COUNT, Reason.COMPLEMENTARY, None]
    assert (table.column_totals.tolist(), table.grand_total) == ([25], 25)
    assert_no_cell_can_be_solved_for(counts, table)


def test_empty_table_without_rows():
    counts = pd.DataFrame({"w": pd.Series([], dtype="int64"), "m": pd.Series([], dtype="int64")})
    table = protect_table(counts, sensitive=False, rules=RULES)
    assert (table.withheld, table.grand_total) == (False, 0)
    assert protect_table(counts, sensitive=True, rules=RULES).withheld


def test_integral_float_counts_are_accepted():
    table = protect_table(frame([[10.0, 20.0]]), sensitive=False, rules=RULES)
    assert table.cells.iloc[0].tolist() == [10, 20]


@pytest.mark.parametrize(
    "counts",
    [
        frame([[1, -1]]),
        frame([[1.5, 2]]),
        pd.DataFrame({"a": pd.array([1, None], dtype="Int64")}),
        pd.DataFrame({"a": ["1", "2"]}),
        pd.DataFrame({"a": [True, False]}),
        frame([[1, 2]], index=[TOTAL_LABEL]),
    ],
)
def test_table_refuses_bad_counts(counts):
    with pytest.raises((TypeError, ValueError)):
        protect_table(counts, sensitive=False, rules=RULES)


# --- assert_no_small_counts --------------------------------------------------------------------


def test_assert_no_small_counts_finds_small_integral_numbers():
    with pytest.raises(AssertionError, match=r"2 value\(s\) in 1..4") as raised:
        assert_no_small_counts([0, 3, 5.0, 2.0, True, 2.5, "3", None, float("nan"), pd.NA], 5)
    assert "#1: 3" in str(raised.value) and "#3: 2.0" in str(raised.value)


def test_assert_no_small_counts_accepts_safe_values():
    assert_no_small_counts([0, 5, 7.5, True, False, "< 5", np.int64(12), np.float64(0.25)], 5)
    with pytest.raises(AssertionError):
        assert_no_small_counts([np.int64(9)], 10)


# --- property helpers --------------------------------------------------------------------------


def passes(n: int, k: int, sensitive: bool) -> bool:
    return n >= k if sensitive else n == 0 or n >= k


def augmented(counts: pd.DataFrame) -> np.ndarray:
    """The table with its margins: last row column totals, last column row totals."""
    values = counts.to_numpy(dtype="int64")
    with_row_totals = np.column_stack([values, values.sum(axis=1)])
    return np.vstack([with_row_totals, with_row_totals.sum(axis=0)])


def augmented_mask(table: ProtectedTable) -> np.ndarray:
    mask = np.column_stack([table.suppressed.to_numpy(), table.row_totals.isna().to_numpy()])
    last = [*table.column_totals.isna().tolist(), table.grand_total is None]
    return np.vstack([mask, np.array(last, dtype=bool)])


def augmented_published(table: ProtectedTable) -> np.ndarray:
    """Published cells and totals in the augmented layout, NaN where hidden."""

    def as_float(values: pd.DataFrame | pd.Series) -> np.ndarray:
        return values.to_numpy(dtype="float64", na_value=np.nan)

    grid = np.column_stack([as_float(table.cells), as_float(table.row_totals)])
    last = [*as_float(table.column_totals), table.grand_total]
    return np.vstack([grid, np.array(last, dtype="float64")])


def augmented_lines(n_rows: int, n_columns: int):
    """Each row and column of the augmented grid as (cells, total cell)."""
    for i in range(n_rows + 1):
        yield [(i, j) for j in range(n_columns + 1)], (i, n_columns)
    for j in range(n_columns + 1):
        yield [(i, j) for i in range(n_rows + 1)], (n_rows, j)


def assert_no_cell_can_be_solved_for(counts: pd.DataFrame, table: ProtectedTable) -> None:
    """Linear algebra audit: no hidden cell or total is fixed by the published figures.

    Unknowns are the hidden positions; each line says cells − total = 0. A hidden position is
    determined exactly iff its unit vector lies in the row space of the system.
    """
    mask = augmented_mask(table)
    unknowns = [tuple(p) for p in np.argwhere(mask)]
    if not unknowns or table.withheld:
        return
    column_of = {p: n for n, p in enumerate(unknowns)}
    n_rows, n_columns = counts.shape
    system = np.zeros((n_rows + n_columns + 2, len(unknowns)))
    for line_number, (cells, total) in enumerate(augmented_lines(n_rows, n_columns)):
        for position in cells:
            if position in column_of:
                system[line_number, column_of[position]] = -1.0 if position == total else 1.0
    rank = np.linalg.matrix_rank(system)
    for position, column in column_of.items():
        unit = np.zeros(len(unknowns))
        unit[column] = 1.0
        assert np.linalg.matrix_rank(np.vstack([system, unit])) > rank, (
            f"hidden position {position} can be solved for"
        )


count_tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda n_rows: st.integers(min_value=1, max_value=6).flatmap(
        lambda n_columns: st.lists(
            st.lists(
                # small values are where suppression happens; draw them often
                st.one_of(st.integers(0, 4), st.integers(0, 30)),
                min_size=n_columns,
                max_size=n_columns,
            ),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
)
thresholds = st.sampled_from([3, 5, 10])


# --- table properties ------------------------------------------------------------------------


@settings(max_examples=800, deadline=None)
@given(rows=count_tables, k=thresholds, sensitive=st.booleans())
def test_protected_table_invariants(rows, k, sensitive):
    counts = frame(rows)
    rules = DisclosureRules(k_ordinary=k, k_sensitive=k)
    table = protect_table(counts, sensitive=sensitive, rules=rules)
    values = augmented(counts)
    mask = augmented_mask(table)
    n_rows, n_columns = counts.shape
    assert table.k == k

    if table.withheld:
        assert not passes(int(values[-1, -1]), k, sensitive)
        assert mask.all() and table.cells.isna().to_numpy().all()
        return
    assert passes(int(values[-1, -1]), k, sensitive)
    assert not mask[-1, -1]

    # published figures are the true ones and pass the count rule; failing ones are hidden
    published = augmented_published(table)
    for (i, j), value in np.ndenumerate(values):
        if mask[i, j]:
            assert np.isnan(published[i, j])
        else:
            assert published[i, j] == value
            assert passes(int(value), k, sensitive), f"published {value} at {(i, j)}"

    for cells, total in augmented_lines(n_rows, n_columns):
        hidden = [p for p in cells if mask[p]]
        # no row/column with exactly one hidden cell (the total counts as part of the line)
        assert len(hidden) != 1, f"single hidden cell in line {cells}"
        if hidden and not mask[total]:
            # differencing: published total − published cells = the hidden sum, never small
            derived = int(values[total]) - sum(
                int(values[p]) for p in cells if p != total and not mask[p]
            )
            assert derived == sum(int(values[p]) for p in hidden)
            assert derived >= k

    assert_no_cell_can_be_solved_for(counts, table)
    shown = table.display().to_numpy().ravel().tolist()
    assert_no_small_counts(shown, k)
    if sensitive:
        assert 0 not in shown


@settings(max_examples=100, deadline=None)
@given(rows=count_tables, k=thresholds, sensitive=st.booleans())
def test_protect_table_is_deterministic(rows, k, sensitive):
    rules = DisclosureRules(k_ordinary=k, k_sensitive=k)
    first = protect_table(frame(rows), sensitive=sensitive, rules=rules)
    second = protect_table(frame(rows), sensitive=sensitive, rules=rules)
    pd.testing.assert_frame_equal(first.display(), second.display())


# --- filtered views: random populations and filter sequences ---------------------------------

ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "carrier": ("BA", "Kommune"),
    "gender": ("w", "m", "d"),
    "age_band": ("< 30", "30–44", "45–54", "≥ 55"),
}

persons = st.lists(
    st.fixed_dictionaries(
        {name: st.sampled_from(values) for name, values in ATTRIBUTES.items()}
        | {"disabled": st.booleans()}
    ),
    max_size=80,
)


@st.composite
def view_filters(draw) -> frozenset[tuple[str, str]]:
    """A view from the catalogue: at most two filter dimensions."""
    dimensions = draw(st.lists(st.sampled_from(sorted(ATTRIBUTES)), max_size=2, unique=True))
    return frozenset((name, draw(st.sampled_from(ATTRIBUTES[name]))) for name in dimensions)


def ancestors(view: frozenset[tuple[str, str]]) -> list[frozenset[tuple[str, str]]]:
    """Every population the view is nested in: each proper subset of its filters."""
    return [
        frozenset(subset)
        for size in range(len(view))
        for subset in itertools.combinations(sorted(view), size)
    ]


def members(population: list[dict], view: frozenset[tuple[str, str]]) -> list[dict]:
    return [p for p in population if all(p[name] == value for name, value in view)]


@settings(max_examples=300, deadline=None)
@given(
    population=persons,
    filter_sequence=st.lists(view_filters(), min_size=1, max_size=6),
    k_ordinary=thresholds,
    k_sensitive=st.sampled_from([3, 5, 10]),
)
def test_filtered_views_never_reveal_small_counts(
    population, filter_sequence, k_ordinary, k_sensitive
):
    rules = DisclosureRules(k_ordinary=k_ordinary, k_sensitive=k_sensitive)
    # a page shows a view together with the populations it is nested in
    views = set(filter_sequence) | {a for view in filter_sequence for a in ancestors(view)}

    def figures(view):
        group = members(population, view)
        disabled = sum(p["disabled"] for p in group)
        women = sum(p["gender"] == "w" for p in group)
        men = sum(p["gender"] == "m" for p in group)
        return len(group), disabled, women, men

    headcounts, disabled_counts, disabled_shares, women_shares = {}, {}, {}, {}
    for view in views:
        size, disabled, women, men = figures(view)
        parent_figures = [figures(parent) for parent in ancestors(view)]
        headcounts[view] = publish_count(
            size, sensitive=False, rules=rules, parents=[f[0] for f in parent_figures]
        )
        disabled_counts[view] = publish_count(
            disabled, sensitive=True, rules=rules, parents=[f[1] for f in parent_figures]
        )
        disabled_shares[view] = publish_share(
            disabled,
            size,
            sensitive=True,
            rules=rules,
            parents=[(f[1], f[0]) for f in parent_figures],
        )
        women_shares[view] = publish_share(
            women,
            women + men,
            sensitive=False,
            rules=rules,
            parents=[(f[2], f[2] + f[3]) for f in parent_figures],
        )

    k_o, k_s = k_ordinary, k_sensitive
    for view in views:
        for result, k, sensitive in [
            (headcounts[view], k_o, False),
            (disabled_counts[view], k_s, True),
        ]:
            assert result.k == k
            if not result.suppressed:
                assert passes(result.value, k, sensitive)
        for share, k, sensitive in [
            (disabled_shares[view], k_s, True),
            (women_shares[view], k_o, False),
        ]:
            if share.value is not None:
                assert 0.0 <= share.value <= 1.0
                assert passes(share.numerator, k, sensitive)
                assert passes(share.denominator - share.numerator, k, sensitive)
                assert passes(share.denominator, k_o, False)
            else:
                # "no value" without suppression only for an empty population
                assert share.suppressed or share.denominator == 0
            assert share.suppressed == (share.label is not None)

        # differencing: a view and any population it is nested in never differ by a small count
        for parent in ancestors(view):
            for published, k, sensitive in [
                (headcounts, k_o, False),
                (disabled_counts, k_s, True),
            ]:
                child, above = published[view], published[parent]
                if not child.suppressed and not above.suppressed:
                    assert passes(above.value - child.value, k, sensitive)
            for published, k, sensitive in [
                (disabled_shares, k_s, True),
                (women_shares, k_o, False),
            ]:
                child, above = published[view], published[parent]
                if child.value is not None and above.value is not None:
                    assert passes(above.denominator - child.denominator, k_o, False)
                    assert passes(above.numerator - child.numerator, k, sensitive)
                    assert passes(
                        (above.denominator - above.numerator)
                        - (child.denominator - child.numerator),
                        k,
                        sensitive,
                    )


@settings(max_examples=300, deadline=None)
@given(
    numerator=st.integers(0, 200),
    extra=st.integers(0, 200),
    k=thresholds,
    sensitive=st.booleans(),
)
def test_share_is_a_fraction_or_suppressed(numerator, extra, k, sensitive):
    rules = DisclosureRules(k_ordinary=k, k_sensitive=k)
    result = publish_share(numerator, numerator + extra, sensitive=sensitive, rules=rules)
    if result.value is None:
        assert result.suppressed or numerator + extra == 0
    else:
        assert 0.0 <= result.value <= 1.0
        assert share_passes(numerator, numerator + extra, sensitive=sensitive, rules=rules)


# --- bridges of the suppression pattern, against their plain definition -------------------------


@settings(max_examples=300, deadline=None, derandomize=True)
@given(cells=st.sets(st.tuples(st.integers(0, 7), st.integers(0, 5)), max_size=30))
def test_bridges_are_the_suppressed_cells_whose_removal_disconnects_their_row_and_column(
    cells: set[tuple[int, int]],
) -> None:
    # a suppressed cell is an edge between its row and its column; it can be solved for
    # exactly when no other path of suppressed cells joins them
    adjacency: dict = {}
    for i, j in cells:
        adjacency.setdefault(("row", i), []).append((("col", j), (i, j)))
        adjacency.setdefault(("col", j), []).append((("row", i), (i, j)))
    expected = {
        (i, j)
        for i, j in cells
        if ("col", j) not in _TableProtector._reachable(adjacency, ("row", i), (i, j))
    }
    assert _bridges(adjacency) == expected


def test_holdings_show_personnel_rows_per_year_not_per_reporting_date() -> None:
    from metrics.disclosure import yearly_holdings

    summary = pd.DataFrame(
        {
            "kind": ["personnel", "personnel", "personnel", "applications", "survey_invited"],
            "coverage": ["31.11.2024", "31.12.2024", "31.01.2025", "2024", "2025"],
            "rows": [1060, 1061, 1059, 300, 900],  # 1060 -> 1061: one person joined
        }
    )
    shown = yearly_holdings(summary)
    assert shown.to_dict("records") == [
        {"kind": "personnel", "coverage": "2024", "snapshots": 2, "rows": 2121},
        {"kind": "personnel", "coverage": "2025", "snapshots": 1, "rows": 1059},
        {"kind": "applications", "coverage": "2024", "snapshots": None, "rows": 300},
        {"kind": "survey_invited", "coverage": "2025", "snapshots": None, "rows": 900},
    ]


def test_the_import_log_withholds_the_rows_of_personnel_files() -> None:
    """A personnel file's rows are one month's headcount: two of them side by side tell who
    joined or left in that month. They read "•", and so do a survey file's (its wave's
    respondents: published only as the wave's release has them); other files' row counts pass
    the count rule."""
    from metrics.disclosure import published_import_log

    log = pd.DataFrame(
        {
            "kind": ["personnel", "applications", "survey_invited", "applications", "survey"],
            "rows": [1061, 300, 3, None, 527],
            "replaced_rows": [1060, 0, 2, 0, 0],
        }
    )
    shown = published_import_log(log, "de", DisclosureRules(5, 10))
    assert shown["rows"].tolist() == ["•", "300", "< 5", "0", "•"]
    assert shown["replaced_rows"].tolist() == ["•", "0", "< 5", "0", "•"]
