"""The release: a year planned once per store state (the rules, then the attacker, CONTRACT § 3),
kept beside the store, and audited on demand.
"""

from __future__ import annotations

import functools
import logging
import os
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from metrics.contract import (
    CARRIERS,
    LEADERSHIP_LEVELS,
)
from metrics.disclosure import (
    Published,
    Reason,
    applicant_space,
    plans,
    survey_space,
)
from metrics.disclosure.attacker import Box, Figure, Group, Knowledge, Pin, build_model
from metrics.disclosure.planner import AuditResult, PlanResult, audit, plan
from metrics.disclosure.space import (
    box_of,
    personnel_categories,
    personnel_groups,
    personnel_persons,
)
from metrics.kpis.atoms import Measure, _category_atom
from metrics.kpis.counting import View, available_years, reporting_date
from metrics.kpis.protection import _Section, _withheld
from metrics.kpis.registry import REGISTRY, _variant_keys
from metrics.kpis.vocabulary import DIMENSIONS
from metrics.kpis.year import _count_year, _ensure_breakdown, _mark_assigned, _Year
from metrics.settings import Settings, SettingsError, load_settings
from metrics.store import open_current, plan_path, store_revision, store_stamp

log = logging.getLogger("vielfaltsmonitor")
_RELEASE_CACHE_SIZE = 48
_release_cache: OrderedDict[tuple[object, ...], _Year] = OrderedDict()
_release_building: dict[tuple[object, ...], threading.Lock] = {}
_release_lock = threading.Lock()


# the files behind a connection, each with its stamp
_StoreIdentity = tuple[tuple[str, tuple[int, int, int] | None], ...]


def _store_identity(con: duckdb.DuckDBPyConnection) -> _StoreIdentity | None:
    """The files behind the connection and their stamps (changed by every import); None for a
    database that lives in memory only (not cached)."""
    paths = sorted(
        path
        for (path,) in con.execute(
            "SELECT path FROM duckdb_databases() WHERE NOT internal AND path IS NOT NULL"
        ).fetchall()
        if path
    )
    if not paths:
        return None
    return tuple((path, store_stamp(Path(path))) for path in paths)


def _build_year(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> _Year:
    """The planned release of a year (CONTRACT § 3): every KPI, variant and breakdown of the
    catalogue, protected by the rules and then by the planner until the attacker pins nothing.
    Built once per store state, year and settings: a process-wide cache shared by pages, reports
    and the CLI, and the plan kept beside the store (`<store>.plans.json`) for every later
    process. A second caller of the same year waits for the first."""
    identity = _store_identity(con)
    if identity is None:
        return _planned(con, year, settings)
    key = (identity, year, settings)
    with _release_lock:
        if key in _release_cache:
            _release_cache.move_to_end(key)
            return _release_cache[key]
        building = _release_building.setdefault(key, threading.Lock())
    with building:
        with _release_lock:
            if key in _release_cache:
                return _release_cache[key]
        state = _planned(con, year, settings, Path(identity[0][0]))
        with _release_lock:
            _release_cache[key] = state
            _release_building.pop(key, None)
            while len(_release_cache) > _RELEASE_CACHE_SIZE:
                _release_cache.popitem(last=False)
    return state


def _rules_release(con: duckdb.DuckDBPyConnection, year: int, settings: Settings) -> _Year:
    """The year by the rules alone: stage 1, every breakdown of the catalogue (in a fixed order:
    a breakdown never changes a figure frozen before it), the public facts."""
    state = _count_year(con, year, settings)
    for dimension in (*DIMENSIONS, "pay_group"):
        _ensure_breakdown(con, state, dimension)
    _publish_public_facts(state)
    return state


def _planned(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings, db_path: Path | None = None
) -> _Year:
    """The rules' release with the plan applied: the stored plan of this store state if there
    is one, else a fresh plan (then stored)."""
    state = _rules_release(con, year, settings)
    if not _sections(state):
        return state
    revision = store_revision(con)
    if db_path is None or revision is None:
        _plan_state(con, state)
        return state
    key = plans.PlanKey(revision, plans.settings_digest(settings))
    path = plan_path(db_path)
    stored = plans.load(path, key, year)
    applied = None if stored is None else _apply_plan(state, stored.hidden)
    if stored is not None and applied is not None:
        state.plan = PlanResult(applied, stored.rounds, AuditResult([], 0))
        return state
    if stored is not None:  # it does not fit the release (cannot happen for this code version)
        state = _rules_release(con, year, settings)
    result = _plan_state(con, state)
    plans.save(path, key, year, [_cell_of(owner) for owner in result.hidden], result.rounds)
    return state


def plan_store(
    db_path: Path,
    settings: Settings,
    workers: int | None = None,
    years: Sequence[int] | None = None,
) -> list[int]:
    """Plans every year (or the given years) of the store's current state that has no stored
    plan yet, and stores the plans; returns the years with a stored plan now. Planning is
    CPU-bound: with settings from the settings file, the years are shared among one process
    per core (`python -m metrics plan --years …`; a process of its own, so that no worker runs
    the caller's main module — the app's script, say). Used to warm an installation after start
    and import."""
    path = plan_path(db_path)
    with open_current(db_path) as con:
        revision = store_revision(con)
        if revision is None:
            return []
        key = plans.PlanKey(revision, plans.settings_digest(settings))
        missing = [
            year
            for year in sorted(available_years(con), reverse=True)
            if (years is None or year in years)
            and reporting_date(con, year) is not None
            and plans.load(path, key, year) is None
        ]
    workers = min(len(missing), workers or os.cpu_count() or 1)
    if workers > 1 and _from_settings_file(settings):
        _plan_in_processes(db_path, missing, workers)
    else:
        for year in missing:
            result = _plan_cells(db_path, year, settings, revision)
            if result is not None:
                plans.save(path, key, year, *result)
    return sorted(year for year in missing if plans.load(path, key, year) is not None)


def _from_settings_file(settings: Settings) -> bool:
    try:
        return settings == load_settings()
    except SettingsError:
        return False


def _plan_in_processes(db_path: Path, years: Sequence[int], workers: int) -> None:
    # one BLAS thread per worker: the planner's matrices are small, and OpenBLAS threads only
    # contend for the cores the workers use (demo store, 10 years on 2 cores: 112 s → 62 s)
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "metrics", "plan", "--db", str(db_path)),
                *("--workers", "1", "--years", ",".join(str(y) for y in years[share::workers])),
            ],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for share in range(workers)
    ]
    for process in processes:
        _, errors = process.communicate()
        if process.returncode != 0:  # the caller plans what is missing then, itself
            log.warning("a planning process failed: %s", errors[-500:])


def _plan_cells(
    db_path: Path, year: int, settings: Settings, revision: str
) -> tuple[list[list[object]], int] | None:
    """A worker's part of `plan_store`: the year's plan as stored cells; None if the store
    changed meanwhile (its new state is planned afresh)."""
    with open_current(db_path) as con:
        if store_revision(con) != revision:
            return None
        state = plan_release(con, year, settings)
    if state is None or state.plan is None:
        return None
    return [_cell_of(owner) for owner in state.plan.hidden], state.plan.rounds


def _plan_state(con: duckdb.DuckDBPyConnection, state: _Year) -> PlanResult:
    """The attacker-driven planner over each universe of the year's release, in place: hides
    (or publishes as rounded shares) cells until the attacker pins nothing."""
    hidden: list[Hashable] = []
    rounds = 0
    last = AuditResult([], 0)
    for attack in _attacks(con, state):
        rules = attack.section.rules
        result = plan(
            attack.persons,
            attack.categories,
            attack.figures,
            functools.partial(_hide, attack.section),
            attack.groups,
            rules.k_ordinary,
            rules.k_sensitive,
            attack.excused,
            restore=functools.partial(_restore, attack.section),
        )
        hidden.extend(result.hidden)
        rounds += result.rounds
        last.pins.extend(result.last_audit.pins)
        last.figures += result.last_audit.figures
        last.models.extend(
            (f"{attack.universe}:{name}", cells, classes)
            for name, cells, classes in result.last_audit.models
        )
    state.plan = PlanResult(hidden, rounds, last)
    return state.plan


def _measure_key(measure: Measure) -> str:
    return "|".join(
        (
            measure.universe,
            ",".join(sorted(measure.population)),
            measure.numerator or "",
            measure.remainder or "",
        )
    )


def _cell_of(owner: object) -> list[object]:
    """A hidden cell's owner as JSON: ["base", measure, view] or ["group", measure, dimension,
    view, category]."""
    assert isinstance(owner, tuple) and isinstance(owner[1], Measure)
    return [owner[0], _measure_key(owner[1]), *owner[2:]]


def _apply_plan(state: _Year, hidden: Sequence[Sequence[object]]) -> list[Hashable] | None:
    """Hides the stored cells in order and returns their owners; None (state unusable) if one
    is not in the release."""
    sections = _sections(state)
    measures = {
        _measure_key(m): m
        for section in sections.values()
        for m, _ in (*section.base, *section.groups)
    }
    owners: list[Hashable] = []
    for cell in hidden:
        measure = measures.get(str(cell[1]))
        if measure is None:
            return None
        section = sections[measure.universe]
        owner: tuple[object, ...] = (cell[0], measure, *cell[2:])
        if cell[0] == "base" and len(cell) == 3:
            known = (measure, cell[2]) in section.base
        elif cell[0] == "group" and len(cell) == 5:
            group = section.groups.get((measure, str(cell[2])))
            view = cell[3]
            known = (
                group is not None
                and isinstance(view, str | None)
                and cell[4] in group.results.get(view, {})
            )
        else:
            known = False
        if not known:
            return None
        _hide(section, owner)
        owners.append(owner)
    return owners


def gender_assigned(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> bool:
    """Whether the year's release assigns d / x to w / m (CONTRACT § 3): every output of that
    year then carries the footnote `app.gender_assigned_note`."""
    return _build_year(con, year, settings or load_settings()).gender_assigned


def build_release(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> _Year:
    """The planned year with every breakdown of the catalogue: everything it publishes."""
    return _build_year(con, year, settings or load_settings())


def rules_release(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> _Year:
    """The year as the rules alone would publish it (not cached; for the benchmark and the
    tests that show what the planner adds)."""
    return _rules_release(con, year, settings or load_settings())


# a share with its counts withheld is published to 0.1 percentage points (a fraction to 3 places)
_WITHHELD_DECIMALS = 3
_WITHHELD_HALF_BAND = 0.0005


def _hide(section: _Section, owner: tuple[object, ...]) -> None:
    """Take a cell's information away: a share first keeps its rounded value (counts withheld),
    then goes; a count goes at once."""
    if owner[0] == "base":
        _, measure, view = owner
        current = section.base[(measure, view)]  # type: ignore[index]
    else:
        _, measure, dimension, view, category = owner
        current = section.groups[(measure, dimension)].results[view][category]  # type: ignore[index]
    assert isinstance(measure, Measure)
    section.before_plan.setdefault(owner, current)
    k = section.rules.k(measure.sensitive)
    if measure.is_share and not current.counts_withheld and current.value is not None:
        replacement = Published(
            round(float(current.value), _WITHHELD_DECIMALS),
            None,
            None,
            False,
            None,
            k,
            counts_withheld=True,
        )
    else:
        replacement = _withheld(Reason.SECONDARY, k)
    _set_cell(section, owner, replacement)


def _restore(section: _Section, owner: tuple[object, ...]) -> None:
    """Publish a hidden cell again as the rules had it: the planner found that the rest of the
    release gives its counts away anyway, so withholding it protects nobody."""
    _set_cell(section, owner, section.before_plan.pop(owner))


def _set_cell(section: _Section, owner: tuple[object, ...], published: Published) -> None:
    if owner[0] == "base":
        _, measure, view = owner
        section.base[(measure, view)] = published  # type: ignore[index]
    else:
        _, measure, dimension, view, category = owner
        section.groups[(measure, dimension)].results[view][category] = published  # type: ignore[index]


def _publish_public_facts(state: _Year) -> None:
    """The figures CONTRACT § 3 publishes by its own rules: leaders per carrier and level (public
    facts), and no figures of their own for d / x where they are assigned to w / m."""
    _mark_assigned(state)


@dataclass(frozen=True)
class ReleaseAudit:
    """What the attacker of CONTRACT § 3 can pin in a year's release (personnel, applicants,
    survey: universes that share no person)."""

    year: int
    figures: int
    pins_by_universe: dict[str, list[Pin]]
    models: list[tuple[str, int, int]]

    @property
    def pins(self) -> list[Pin]:
        return [pin for pins in self.pins_by_universe.values() for pin in pins]


def _sections(state: _Year) -> dict[str, _Section]:
    """The year's published universes."""
    sections = {"applicants": state.applicants, "survey": state.survey}
    if state.snapshot is not None:
        sections = {"personnel": state.personnel, **sections}
    return {name: section for name, section in sections.items() if section is not None}


@dataclass(frozen=True)
class _Attack:
    """One universe of a year's release as the attacker sees it."""

    universe: str
    section: _Section
    persons: pd.DataFrame
    categories: dict[str, tuple[str, ...]]
    figures: Callable[[], list[Figure]]  # everything published now, public facts included
    groups: Sequence[Group]
    excused: Callable[[Group], bool]


def _attack_of(
    universe: str,
    section: _Section,
    persons: pd.DataFrame,
    categories: dict[str, tuple[str, ...]],
    figures: Callable[[], list[Figure]],
    groups: Sequence[Group],
) -> _Attack:
    # a group the public facts pin by themselves is no leak of the release
    public_knowledge = Knowledge(
        build_model(persons, [f for f in figures() if f.public], categories)
    )

    def excused(group: Group) -> bool:
        # a term that allows every category says nothing (an org unit the year has only one of)
        box = Box(tuple((d, c) for d, c in group.box.terms if not set(categories[d]) <= c))
        return public_knowledge.pinned(box) is not None

    return _Attack(universe, section, persons, categories, figures, groups, excused)


def _attacks(con: duckdb.DuckDBPyConnection, state: _Year) -> list[_Attack]:
    sections = _sections(state)
    attacks = []
    if "personnel" in sections:
        attacks.append(_personnel_attack(con, state, sections["personnel"]))
    if "applicants" in sections:
        persons = applicant_space.applicant_persons(con, state.year)
        if len(persons):
            attacks.append(_applicant_attack(sections["applicants"], persons))
    if "survey" in sections and state.survey_wave is not None:
        attacks.append(_survey_attack(con, sections["survey"], state.survey_wave))
    return attacks


def _personnel_attack(con: duckdb.DuckDBPyConnection, state: _Year, section: _Section) -> _Attack:
    assert state.snapshot is not None
    persons = personnel_persons(con, state.snapshot, state.gender_sql)
    categories = personnel_categories(persons)
    if state.gender_assigned:
        categories["gender"] = ("w", "m")  # the published world has no d / x
    facts = _leader_facts(persons, categories)
    return _attack_of(
        "personnel",
        section,
        persons,
        categories,
        lambda: [*facts, *personnel_figures(state)],
        personnel_groups(categories),
    )


def _applicant_attack(section: _Section, persons: pd.DataFrame) -> _Attack:
    structure = applicant_space.structure_figures(persons)
    return _attack_of(
        "applicants",
        section,
        persons,
        applicant_space.applicant_categories(),
        lambda: [*structure, *section_figures(section, applicant_space.applicant_box)],
        applicant_space.applicant_groups(),
    )


def _survey_attack(con: duckdb.DuckDBPyConnection, section: _Section, wave: int) -> _Attack:
    structure = survey_space.structure_figures()
    return _attack_of(
        "survey",
        section,
        survey_space.survey_persons(con, wave),
        survey_space.survey_categories(),
        lambda: [
            *structure,
            *section_figures(section, lambda atoms, view: survey_space.survey_box(atoms)),
        ],
        survey_space.survey_groups(),
    )


def audit_release(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> ReleaseAudit:
    """The attacker over everything the year's release publishes (personnel, applicants,
    survey), plus the public facts: every group of persons it pins to a disclosive value."""
    return audit_state(con, build_release(con, year, settings))


def audit_state(con: duckdb.DuckDBPyConnection, state: _Year) -> ReleaseAudit:
    """`audit_release` of a given state of the year (e.g. one the planner worked on)."""
    figures = 0
    pins: dict[str, list[Pin]] = {}
    models: list[tuple[str, int, int]] = []
    for attack in _attacks(con, state):
        rules = attack.section.rules
        published = attack.figures()
        result = audit(
            attack.persons,
            attack.categories,
            published,
            attack.groups,
            rules.k_ordinary,
            rules.k_sensitive,
            attack.excused,
        )
        figures += len(published)
        pins[attack.universe] = result.pins
        models.extend(
            (f"{attack.universe}:{name}", cells, classes) for name, cells, classes in result.models
        )
    return ReleaseAudit(state.year, figures, pins, models)


def plan_release(
    con: duckdb.DuckDBPyConnection, year: int, settings: Settings | None = None
) -> _Year | None:
    """A fresh plan of the year (not cached, not stored): what `_build_year` does on a store
    state it has no plan for; the state's `plan` says what was hidden."""
    state = _rules_release(con, year, settings or load_settings())
    if not _sections(state):
        return None
    _plan_state(con, state)
    return state


def _leader_facts(persons: pd.DataFrame, categories: Mapping[str, Sequence[str]]) -> list[Figure]:
    """The public facts as the attacker knows them: leaders of every employment type per carrier,
    level and gender (w / m)."""
    figures = []
    leaders = persons[persons["leadership"] != "keine"]
    for carrier in CARRIERS:
        for level in LEADERSHIP_LEVELS:
            for gender in ("w", "m"):
                if gender not in categories["gender"]:
                    continue
                mask = (
                    (leaders["carrier"] == carrier)
                    & (leaders["leadership"] == level)
                    & (leaders["gender"] == gender)
                )
                box = Box.of({"carrier": {carrier}, "leadership": {level}, "gender": {gender}})
                figures.append(
                    Figure(
                        box,
                        int(leaders.loc[mask, "n"].sum()),
                        f"public: {level} {carrier} {gender}",
                        public=True,
                    )
                )
    return figures


# priorities of CONTRACT § 3, as the cost of hiding a cell (larger populations cost more)
_TIER_COST = {"headline": 1000.0, "carrier": 100.0, "variant": 10.0, "breakdown": 1.0}
# hiding an exact share only rounds it (`_hide`): the reader keeps the percentage, so that
# costs a quarter of losing the cell (demo store 2025: 222 cells hidden or rounded, 229 at par)
_ROUNDING_COST = 0.25


def _personnel_scope(atoms: Iterable[str], view: View) -> Box:
    return _personnel_scope_of(tuple(atoms), view)


@functools.lru_cache(maxsize=65536)  # asked for every figure in every round of the planner
def _personnel_scope_of(atoms: tuple[str, ...], view: View) -> Box:
    scope = box_of(atoms)
    return scope if view is None else scope & Box.of({"carrier": {view}})


def personnel_figures(state: _Year) -> list[Figure]:
    """Every published personnel count of the year (populations and numerators) as a box."""
    if state.personnel is None:
        return []
    return section_figures(state.personnel, _personnel_scope, state.public_cells)


def section_figures(
    section: _Section,
    scope_of: Callable[[Iterable[str], View], Box],
    public: set[tuple[object, ...]] | frozenset[tuple[object, ...]] = frozenset(),
) -> list[Figure]:
    """Every published count of a universe's section (populations and numerators) as a box of
    its micro-cells; scope_of: the box of the persons with some atoms in a view."""
    figures: list[Figure] = []
    variant_keys = _variant_keys(section.universe)

    def add(
        owner: tuple[object, ...],
        measure: Measure,
        view: View,
        extra: tuple[str, ...],
        published: Published,
        where: str,
        tier: str,
        size: int,
    ) -> None:
        if published.suppressed:
            return
        scope = scope_of((*measure.population, *extra), view)
        # size: the population (a count's own value), also where the release withholds it
        full_cost = _TIER_COST[tier] * (1 + size / 100)
        if published.counts_withheld and published.value is not None:
            # the attacker knows the share to its rounding: low ≤ numerator / population ≤ high
            assert measure.numerator is not None
            part = scope_of((*measure.population, *extra, measure.numerator), view)
            low = float(published.value) - _WITHHELD_HALF_BAND
            high = float(published.value) + _WITHHELD_HALF_BAND
            cost = full_cost
            for terms in (((part, 1.0), (scope, -low)), ((scope, high), (part, -1.0))):
                figures.append(
                    Figure(scope, 0.0, f"{where} (rounded)", owner, cost, False, terms, share=True)
                )
            return
        population = published.denominator if measure.is_share else published.numerator
        is_public = owner in public
        cost = full_cost * (_ROUNDING_COST if measure.is_share else 1.0)
        if population is not None:
            share = measure.is_share
            figures.append(
                Figure(scope, int(population), where, owner, cost, is_public, share=share)
            )
        if measure.is_share and published.numerator is not None:
            assert measure.numerator is not None
            figures.append(
                Figure(
                    scope_of((*measure.population, *extra, measure.numerator), view),
                    int(published.numerator),
                    f"{where} (numerator)",
                    owner,
                    cost,
                    is_public,
                    share=True,
                )
            )

    for (measure, view), published in section.base.items():
        if measure in section.mirrors:
            continue
        tier = "headline" if view is None else "carrier"
        add(
            ("base", measure, view),
            measure,
            view,
            (),
            published,
            f"{_measure_name(measure)} [{view or 'all'}]",
            tier,
            section.base_counts(measure, view).den,
        )
    for (measure, dimension), group in section.groups.items():
        tier = "variant" if (measure, dimension) in variant_keys else "breakdown"
        for view, row in group.results.items():
            for category, published in row.items():
                atom = _category_atom(section.universe, dimension, category)
                add(
                    ("group", measure, dimension, view, category),
                    measure,
                    view,
                    (atom,),
                    published,
                    f"{_measure_name(measure)} by {dimension}={category} [{view or 'all'}]",
                    tier,
                    group.rows[view][category].den,
                )
    return figures


def _measure_name(measure: Measure) -> str:
    for kpi in REGISTRY:
        if kpi.measure == measure:
            return kpi.id
    numerator = f" with {measure.numerator}" if measure.numerator else ""
    return "+".join(sorted(measure.population)) + numerator
