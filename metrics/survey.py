"""Survey KPIs (CONTRACT § 2): Destatis migration background and immigration history.

Raw, unpublished numbers: the KPI engine applies disclosure control (CONTRACT § 3) on top.
Survey answers are anonymous and are never joined to personnel data; only the tables
`survey_responses` and `survey_invited` are read here.

Classification is three-valued (yes / no / undetermined), computed in SQL; shares are over the
determinable respondents (yes + no), with a Wilson score interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import duckdb

from metrics.contract import GENDERS, SURVEY, SURVEY_INVITED, YES_NO_UNKNOWN

Definition = Literal["migration_background", "immigration_history"]
Dimension = Literal["leadership", "gender"]

Z_95 = 1.959964

# The only breakdowns allowed for survey KPIs (CONTRACT § 2): column -> its categories.
# Column names come from this whitelist only; values are always bound parameters.
BREAKDOWN_CATEGORIES: dict[str, tuple[str, ...]] = {
    "leadership": tuple(YES_NO_UNKNOWN),
    "gender": GENDERS,
}

# Destatis *Migrationshintergrund*: not German by birth, or at least one parent not German by
# birth — either suffices even if the other answer is missing; "no" needs both answers.
_MIGRATION_BACKGROUND_SQL = """
CASE
    WHEN german_at_birth = 'nein' OR parents_not_german_at_birth IN ('1', '2') THEN 'yes'
    WHEN german_at_birth = 'ja' AND parents_not_german_at_birth = '0' THEN 'no'
    ELSE 'undetermined'
END"""
# Destatis *Einwanderungsgeschichte* (since 2023): immigrated oneself, or both parents immigrated.
_IMMIGRATION_HISTORY_SQL = """
CASE
    WHEN immigrated = 'ja' OR parents_immigrated = '2' THEN 'yes'
    WHEN immigrated = 'nein' AND parents_immigrated IN ('0', '1') THEN 'no'
    ELSE 'undetermined'
END"""
CLASSIFICATIONS: dict[str, str] = {
    "migration_background": _MIGRATION_BACKGROUND_SQL,
    "immigration_history": _IMMIGRATION_HISTORY_SQL,
}


@dataclass(frozen=True)
class SurveyShare:
    wave: int
    yes: int
    no: int
    undetermined: int  # three-valued classification
    respondents: int
    # invited per wave only: None when the wave has no invited count, and for a sub-group
    # (a group's invited count is unknown, so a group's response rate is not defined)
    invited: int | None
    share: float | None  # yes / (yes + no), None if no determinable answer
    ci_low: float | None  # Wilson 95 % on yes / (yes + no), fraction 0..1
    ci_high: float | None
    response_rate: float | None  # respondents / invited

    @property
    def determinable(self) -> int:
        return self.yes + self.no


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion successes / n; None for n = 0.

    Preferred over the normal approximation because it stays inside 0..1 and behaves at 0 and
    n successes and for small n, which survey sub-groups often are.
    """
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return None
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    # mathematically low ≤ p ≤ high within 0..1; the clamps only absorb float rounding
    low = min(max(0.0, centre - half_width), p)
    high = max(min(1.0, centre + half_width), p)
    return low, high


def survey_waves(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Waves with at least one response, ascending (an invited count alone is not a wave)."""
    rows = con.execute(f"SELECT DISTINCT wave FROM {SURVEY.table} ORDER BY wave").fetchall()
    return [wave for (wave,) in rows]


def migration_background(
    con: duckdb.DuckDBPyConnection, wave: int, group: tuple[Dimension, str] | None = None
) -> SurveyShare:
    """Destatis migration background for a wave, optionally within one group, e.g.
    ``("leadership", "ja")`` or ``("gender", "w")``."""
    return _share(con, wave, "migration_background", group)


def immigration_history(
    con: duckdb.DuckDBPyConnection, wave: int, group: tuple[Dimension, str] | None = None
) -> SurveyShare:
    """Destatis immigration history for a wave, optionally within one group (as above)."""
    return _share(con, wave, "immigration_history", group)


def survey_breakdown(
    con: duckdb.DuckDBPyConnection,
    wave: int,
    definition: Definition,
    dimension: Dimension,
) -> dict[str, SurveyShare]:
    """The share for every category of `dimension` (all categories, empty ones with zeros), in one
    GROUP BY query. Categories have no invited count (see SurveyShare.invited)."""
    classification = _classification_sql(definition)
    categories = _categories(dimension)
    rows = con.execute(
        f"""
        SELECT {dimension} AS category, {_COUNTS_SQL}
        FROM (SELECT {dimension}, {classification} AS answer
              FROM {SURVEY.table} WHERE wave = $wave)
        GROUP BY {dimension}
        """,
        {"wave": wave},
    ).fetchall()
    counts = {category: tuple(numbers) for category, *numbers in rows}
    return {
        category: _make_share(wave, *counts.get(category, (0, 0, 0, 0)), invited=None)
        for category in categories
    }


_COUNTS_SQL = """
    count(*) FILTER (WHERE answer = 'yes') AS yes,
    count(*) FILTER (WHERE answer = 'no') AS no,
    count(*) FILTER (WHERE answer = 'undetermined') AS undetermined,
    count(*) AS respondents"""


def _classification_sql(definition: str) -> str:
    try:
        return CLASSIFICATIONS[definition]
    except KeyError:
        raise ValueError(
            f"unknown survey definition {definition!r}; expected one of {tuple(CLASSIFICATIONS)}"
        ) from None


def _categories(dimension: str) -> tuple[str, ...]:
    try:
        return BREAKDOWN_CATEGORIES[dimension]
    except KeyError:
        raise ValueError(
            f"survey KPIs break down only by {tuple(BREAKDOWN_CATEGORIES)}, not {dimension!r}"
        ) from None


def _share(
    con: duckdb.DuckDBPyConnection,
    wave: int,
    definition: str,
    group: tuple[str, str] | None,
) -> SurveyShare:
    classification = _classification_sql(definition)
    parameters: dict[str, object] = {"wave": wave}
    group_filter = ""
    if group is not None:
        dimension, value = group
        if value not in _categories(dimension):
            raise ValueError(f"{dimension} has no category {value!r}")
        group_filter = f"AND {dimension} = $group_value"
        parameters["group_value"] = value
    ((yes, no, undetermined, respondents),) = con.execute(
        f"""
        SELECT {_COUNTS_SQL}
        FROM (SELECT {classification} AS answer
              FROM {SURVEY.table} WHERE wave = $wave {group_filter})
        """,
        parameters,
    ).fetchall()
    invited = None if group is not None else invited_count(con, wave)
    return _make_share(wave, yes, no, undetermined, respondents, invited=invited)


def invited_count(con: duckdb.DuckDBPyConnection, wave: int) -> int | None:
    rows = con.execute(
        f"SELECT invited FROM {SURVEY_INVITED.table} WHERE wave = ?", [wave]
    ).fetchall()
    return rows[0][0] if rows else None


def _make_share(
    wave: int, yes: int, no: int, undetermined: int, respondents: int, *, invited: int | None
) -> SurveyShare:
    interval = wilson_interval(yes, yes + no)
    return SurveyShare(
        wave=wave,
        yes=yes,
        no=no,
        undetermined=undetermined,
        respondents=respondents,
        invited=invited,
        share=yes / (yes + no) if yes + no else None,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
        response_rate=respondents / invited if invited else None,
    )
