"""Survey classification (Destatis definitions, three-valued), Wilson intervals, response rates
(CONTRACT § 2), on stores built through the real importer; expectations computed by hand."""

from __future__ import annotations

import inspect
import math
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics import store, survey
from metrics.access import LOCAL_USER
from metrics.ingest import import_files
from metrics.survey import (
    SurveyShare,
    immigration_history,
    migration_background,
    survey_breakdown,
    survey_waves,
    wilson_interval,
)
from tests.exports import SURVEY_HEADER, survey_answer, write_csv

INVITED_HEADER = ("Befragungsjahr", "Eingeladene")
KA = "keine Angabe"


def build_store(
    directory: Path,
    answers: Sequence[Sequence[str]],
    invited: Sequence[tuple[int, int]] = (),
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    files = [write_csv(directory / "survey.csv", SURVEY_HEADER, answers)]
    if invited:
        rows = [(str(wave), str(count)) for wave, count in invited]
        files.append(write_csv(directory / "invited.csv", INVITED_HEADER, rows))
    db = directory / "store" / "vielfalt.duckdb"
    import_files(files, db, by=LOCAL_USER)
    return db


def counts(share: SurveyShare) -> tuple[int, int, int]:
    return share.yes, share.no, share.undetermined


# --- three-valued classification, every branch ----------------------------------------------------

# (german_at_birth, parents_not_german_at_birth) -> migration background
MIGRATION_BACKGROUND_CASES = [
    ("ja", "0", "no"),  # German by birth, both parents too
    ("ja", "1", "yes"),
    ("ja", "2", "yes"),
    ("ja", KA, "undetermined"),  # the parents' answer is needed for "no"
    ("nein", "0", "yes"),
    ("nein", "1", "yes"),
    ("nein", "2", "yes"),
    ("nein", KA, "yes"),  # own answer suffices
    (KA, "0", "undetermined"),
    (KA, "1", "yes"),  # a parent suffices
    (KA, "2", "yes"),
    (KA, KA, "undetermined"),
]
# (immigrated, parents_immigrated) -> immigration history (both parents needed)
IMMIGRATION_HISTORY_CASES = [
    ("ja", "0", "yes"),
    ("ja", "1", "yes"),
    ("ja", "2", "yes"),
    ("ja", KA, "yes"),  # own answer suffices
    ("nein", "0", "no"),
    ("nein", "1", "no"),  # one immigrated parent is not enough
    ("nein", "2", "yes"),
    ("nein", KA, "undetermined"),
    (KA, "0", "undetermined"),
    (KA, "1", "undetermined"),
    (KA, "2", "yes"),  # both parents suffice
    (KA, KA, "undetermined"),
]
FIRST_CASE_WAVE = 2001  # case i is the only respondent of wave 2001 + i
ONE_HOT = {"yes": (1, 0, 0), "no": (0, 1, 0), "undetermined": (0, 0, 1)}


@pytest.fixture(scope="module")
def cases_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    answers = [
        survey_answer(
            str(FIRST_CASE_WAVE + index),
            german_at_birth=german,
            parents_not_german=parents_not_german,
            immigrated=immigrated,
            parents_immigrated=parents_immigrated,
        )
        for index, (
            (german, parents_not_german, _),
            (immigrated, parents_immigrated, _),
        ) in enumerate(zip(MIGRATION_BACKGROUND_CASES, IMMIGRATION_HISTORY_CASES, strict=True))
    ]
    return build_store(tmp_path_factory.mktemp("cases"), answers)


@pytest.mark.parametrize(
    ("index", "case"),
    list(enumerate(MIGRATION_BACKGROUND_CASES)),
    ids=[f"{g}/{p}" for g, p, _ in MIGRATION_BACKGROUND_CASES],
)
def test_migration_background_classification(
    cases_store: Path, index: int, case: tuple[str, str, str]
) -> None:
    with store.open_store(cases_store) as con:
        share = migration_background(con, FIRST_CASE_WAVE + index)
    assert counts(share) == ONE_HOT[case[2]]
    assert share.respondents == 1


@pytest.mark.parametrize(
    ("index", "case"),
    list(enumerate(IMMIGRATION_HISTORY_CASES)),
    ids=[f"{i}/{p}" for i, p, _ in IMMIGRATION_HISTORY_CASES],
)
def test_immigration_history_classification(
    cases_store: Path, index: int, case: tuple[str, str, str]
) -> None:
    with store.open_store(cases_store) as con:
        share = immigration_history(con, FIRST_CASE_WAVE + index)
    assert counts(share) == ONE_HOT[case[2]]
    assert share.respondents == 1


# --- a wave with shares, intervals, response rate, groups ----------------------------------------

# (how many, german_at_birth, parents_not_german_at_birth, immigrated, parents_immigrated,
#  leadership, gender)
WAVE_2025 = [
    # migration background yes (not German by birth): 5
    (2, "nein", "0", "ja", "0", "ja", "w"),  # immigration history yes
    (1, "nein", "0", "nein", "0", "nein", "w"),
    (2, "nein", "0", "nein", "0", "nein", "m"),
    # no / no: 45
    (8, "ja", "0", "nein", "0", "ja", "w"),
    (22, "ja", "0", "nein", "0", "nein", "w"),
    (12, "ja", "0", "nein", "0", "nein", "m"),
    (1, "ja", "0", "nein", "0", "nein", "d"),
    (2, "ja", "0", "nein", "0", KA, "x"),
    # undetermined / undetermined: 3
    (1, "ja", KA, KA, "0", "ja", "x"),
    (2, "ja", KA, KA, "0", KA, "x"),
]
WAVE_2022 = [(4, "nein", "0", "nein", "0", "nein", "w"), (6, "ja", "0", "nein", "0", "nein", "m")]


def answer(wave: int, fields: Sequence[str]) -> list[str]:
    """fields in the order of WAVE_2025's columns after the count."""
    german, parents_not_german, immigrated, parents_immigrated, leadership, gender = fields
    return survey_answer(
        str(wave),
        german_at_birth=german,
        immigrated=immigrated,
        parents_not_german=parents_not_german,
        parents_immigrated=parents_immigrated,
        leadership=leadership,
        gender=gender,
    )


def answers_of(wave: int, blocks: list[tuple]) -> list[list[str]]:
    return [answer(wave, fields) for count, *fields in blocks for _ in range(count)]


@pytest.fixture(scope="module")
def waves_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 2025 invited 106; 2022 without an invited count; 2019 invited but no answers imported
    return build_store(
        tmp_path_factory.mktemp("waves"),
        answers_of(2025, WAVE_2025) + answers_of(2022, WAVE_2022),
        invited=[(2025, 106), (2019, 100)],
    )


def test_survey_waves_are_waves_with_answers(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        assert survey_waves(con) == [2022, 2025]


def test_migration_background_share_interval_and_response_rate(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        share = migration_background(con, 2025)
    assert counts(share) == (5, 45, 3)
    assert share.respondents == 53  # 5 + 45 + 3
    assert share.invited == 106
    assert share.response_rate == pytest.approx(0.5)  # 53 / 106
    assert share.share == pytest.approx(0.1)  # 5 / (5 + 45), undetermined left out
    # Wilson, p = 0.1, n = 50, z² = 3.841459: denominator 1 + z²/n = 1.076829;
    # centre (0.1 + z²/100) / 1.076829 = 0.138415 / 1.076829 = 0.128539;
    # half width z·√(0.1·0.9/50 + z²/10000) / 1.076829 = 1.959964·0.046735 / 1.076829 = 0.085063
    assert share.ci_low == pytest.approx(0.0435, abs=5e-5)  # 0.128539 − 0.085063
    assert share.ci_high == pytest.approx(0.2136, abs=5e-5)  # 0.128539 + 0.085063


def test_immigration_history_share(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        share = immigration_history(con, 2025)
    assert counts(share) == (2, 48, 3)  # yes: immigrated; no: 3 + 45; undetermined: 3
    assert share.share == pytest.approx(0.04)  # 2 / 50
    # Wilson, p = 0.04, n = 50: centre (0.04 + 0.038415) / 1.076829 = 0.072820;
    # half 1.959964·√(0.04·0.96/50 + 0.000384146) / 1.076829 = 1.959964·0.033943 / 1.076829
    #      = 0.061781
    assert share.ci_low == pytest.approx(0.0110, abs=5e-5)  # 0.072820 − 0.061781
    assert share.ci_high == pytest.approx(0.1346, abs=5e-5)  # 0.072820 + 0.061781
    assert share.response_rate == pytest.approx(0.5)


def test_missing_invited_count(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        share = migration_background(con, 2022)
    assert counts(share) == (4, 6, 0)
    assert share.share == pytest.approx(0.4)  # 4 / 10
    assert (share.invited, share.response_rate) == (None, None)


def test_invited_wave_without_answers(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        share = migration_background(con, 2019)
    assert share == SurveyShare(
        wave=2019,
        yes=0,
        no=0,
        undetermined=0,
        respondents=0,
        invited=100,
        share=None,
        ci_low=None,
        ci_high=None,
        response_rate=0.0,  # 0 / 100
    )


def test_share_within_a_group(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        leaders = migration_background(con, 2025, ("leadership", "ja"))
        women = immigration_history(con, 2025, ("gender", "w"))
    # leaders: yes 2, no 8, undetermined 1
    assert (counts(leaders), leaders.respondents) == ((2, 8, 1), 11)
    assert leaders.share == pytest.approx(0.2)  # 2 / 10
    # Wilson 2 of 10: centre (0.2 + 0.192073) / 1.384146 = 0.283259;
    # half 1.959964·√(0.016 + 0.009604) / 1.384146 = 1.959964·0.160011 / 1.384146 = 0.226576
    assert leaders.ci_low == pytest.approx(0.0567, abs=5e-5)  # 0.283259 − 0.226576
    assert leaders.ci_high == pytest.approx(0.5098, abs=5e-5)  # 0.283259 + 0.226576
    # a group has no invited count of its own: no response rate
    assert (leaders.invited, leaders.response_rate) == (None, None)
    # women: immigration history yes 2; no 1 + 8 + 22 = 31; undetermined 0
    assert counts(women) == (2, 31, 0)


def test_breakdown_by_leadership(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        migration = survey_breakdown(con, 2025, "migration_background", "leadership")
        immigration = survey_breakdown(con, 2025, "immigration_history", "leadership")
    assert {category: counts(share) for category, share in migration.items()} == {
        "ja": (2, 8, 1),
        "nein": (3, 35, 0),  # 1 + 2; 22 + 12 + 1
        KA: (0, 2, 2),
    }
    assert {category: counts(share) for category, share in immigration.items()} == {
        "ja": (2, 8, 1),
        "nein": (0, 38, 0),  # 1 + 2 + 22 + 12 + 1
        KA: (0, 2, 2),
    }
    assert migration["nein"].share == pytest.approx(3 / 38)
    assert all(
        share.invited is None and share.response_rate is None for share in migration.values()
    )


def test_breakdown_by_gender_lists_every_category(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        breakdown = survey_breakdown(con, 2025, "migration_background", "gender")
        empty = survey_breakdown(con, 2022, "migration_background", "gender")
    assert {category: counts(share) for category, share in breakdown.items()} == {
        "w": (3, 30, 0),  # 2 + 1; 8 + 22
        "m": (2, 12, 0),
        "d": (0, 1, 0),
        "x": (0, 2, 3),
    }
    assert breakdown["d"].share == 0.0  # 0 / 1
    assert breakdown["d"].ci_low == 0.0
    assert breakdown["x"].share == 0.0  # 0 / 2, the 3 undetermined left out
    # 2022 has only w and m: d and x are present with zeros and no share
    assert counts(empty["d"]) == (0, 0, 0) and empty["d"].share is None
    assert empty["d"].ci_low is None


def test_only_the_allowed_breakdowns(waves_store: Path) -> None:
    with store.open_store(waves_store) as con:
        with pytest.raises(ValueError, match="break down"):
            migration_background(con, 2025, ("org_unit", "Bereich 1"))  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="category"):
            migration_background(con, 2025, ("gender", "w' OR 1=1 --"))
        with pytest.raises(ValueError, match="break down"):
            survey_breakdown(con, 2025, "migration_background", "carrier")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="definition"):
            survey_breakdown(con, 2025, "citizenship", "gender")  # type: ignore[arg-type]


def test_survey_is_never_joined_to_personnel() -> None:
    # tables are named only through the contract's Source objects; the personnel one is not used
    source = inspect.getsource(survey)
    assert "PERSONNEL" not in source and " join " not in source.lower()


# --- Wilson interval ------------------------------------------------------------------------------


def test_wilson_known_values() -> None:
    low, high = wilson_interval(5, 50)  # type: ignore[misc]
    assert (round(low, 4), round(high, 4)) == (0.0435, 0.2136)  # hand computation above
    # 0 of n: low 0, high z² / (n + z²) = 3.841459 / 13.841459 = 0.277533
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.277533, abs=1e-6))
    # n of n: low n / (n + z²) = 10 / 13.841459 = 0.722467, high 1
    assert wilson_interval(10, 10) == (pytest.approx(0.722467, abs=1e-6), 1.0)
    assert wilson_interval(0, 0) is None
    # a wider z widens the interval
    assert wilson_interval(5, 50, z=2.575829)[0] < low  # type: ignore[index]
    for successes, n in ((-1, 5), (6, 5), (0, -1)):
        with pytest.raises(ValueError):
            wilson_interval(successes, n)


@given(st.integers(1, 10**6).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_property_wilson_contains_the_share(case: tuple[int, int]) -> None:
    successes, n = case
    low, high = wilson_interval(successes, n)  # type: ignore[misc]
    assert 0.0 <= low <= successes / n <= high <= 1.0


# --- properties over random answers ---------------------------------------------------------------

random_answer = st.tuples(
    st.sampled_from(("ja", "nein", KA)),
    st.sampled_from(("0", "1", "2", KA)),
    st.sampled_from(("ja", "nein", KA)),
    st.sampled_from(("0", "1", "2", KA)),
    st.sampled_from(("ja", "nein", KA)),
    st.sampled_from(("w", "m", "d", "x")),
)


def oracle(definition: str, answer: tuple[str, ...]) -> str:
    german, parents_not_german, immigrated, parents_immigrated, *_ = answer
    if definition == "migration_background":
        if german == "nein" or parents_not_german in ("1", "2"):
            return "yes"
        return "no" if (german, parents_not_german) == ("ja", "0") else "undetermined"
    if immigrated == "ja" or parents_immigrated == "2":
        return "yes"
    return "no" if immigrated == "nein" and parents_immigrated in ("0", "1") else "undetermined"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(random_answer, min_size=1, max_size=30), st.integers(0, 40))
def test_property_counts_partition_and_interval_bounds(
    answers: list[tuple[str, ...]], extra_invited: int
) -> None:
    export = [answer(2025, fields) for fields in answers]
    invited = len(answers) + extra_invited
    with tempfile.TemporaryDirectory() as directory:
        db = build_store(Path(directory), export, invited=[(2025, invited)])
        with store.open_store(db) as con:
            for definition, compute in (
                ("migration_background", migration_background),
                ("immigration_history", immigration_history),
            ):
                share = compute(con, 2025)
                assert counts(share) == tuple(
                    sum(oracle(definition, answer) == outcome for answer in answers)
                    for outcome in ("yes", "no", "undetermined")
                )
                assert share.yes + share.no + share.undetermined == share.respondents
                assert share.respondents == len(answers)
                assert share.response_rate == pytest.approx(len(answers) / invited)
                assert 0.0 < share.response_rate <= 1.0
                if share.share is None:
                    assert share.yes + share.no == 0 and share.ci_low is None
                else:
                    assert 0.0 <= share.ci_low <= share.share <= share.ci_high <= 1.0
                for dimension in ("leadership", "gender"):
                    parts = survey_breakdown(con, 2025, definition, dimension)
                    assert tuple(map(sum, zip(*map(counts, parts.values()), strict=True))) == (
                        counts(share)
                    )
                    for part in parts.values():
                        if part.share is not None:
                            assert 0.0 <= part.ci_low <= part.share <= part.ci_high <= 1.0
                            assert not math.isnan(part.share)
