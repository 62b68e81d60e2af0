"""Properties of everything the KPI engine publishes (CONTRACT § 3), over random stores.

Random personnel, applications and survey answers are written as raw exports and imported
through the real importer; then every KPI of every view and a random sequence of catalogue
filters (carrier × one breakdown) is published. For all of it:

- no published person count (count, numerator, denominator, remainder) lies in 1 … k−1, and for
  sensitive figures none is 0 (0 % and 100 % reveal every member);
- a filtered figure and its published parent (the all-carrier figure, the view's total, the same
  category in the all-carrier breakdown) never differ by 1 … k−1 persons;
- what the hidden categories of a breakdown with a published total add up to (numerators and
  remainders) is 0 or at least k (ordinary), at least k (sensitive);
- the attacker of CONTRACT § 3 pins nothing in the whole personnel release;
- partitions add up (headcount by carrier, gender and employment type) and shares lie in 0 … 100.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrics.kpis import api as kpis
from metrics.settings import Settings
from metrics.store import open_store
from tests.exports import application, person, survey_answer
from tests.kpi_stores import build_store, check_applicants_of_both_carriers, settings_with

CARRIER_VIEWS = ("BA", "Kommune")
VIEWS = (None, *CARRIER_VIEWS)
RULES = [settings_with(3, 3), settings_with(5, 10), settings_with(3, 5)]


# Populations are drawn as a few groups of persons sharing every attribute, with sizes around
# k: that is how real staff cluster, and it makes breakdowns publish some cells and hide others.
GROUP_SIZES = st.sampled_from([2, 4, 6, 8, 10, 12, 15])


@st.composite
def personnel_rows(draw: st.DrawFn) -> list[list[str]]:
    rows: list[list[str]] = []
    for group in range(draw(st.integers(1, 9))):
        fields = {
            "carrier": draw(st.sampled_from(["BA", "BA", "Kommune"])),
            "gender": draw(st.sampled_from(["w", "w", "w", "m", "m", "d", "x"])),
            "employment_type": draw(st.sampled_from(["Tarif", "Tarif", "Beamte", "Ausbildung"])),
            "leadership": draw(st.sampled_from(["keine"] * 3 + ["Teamleitung", "Bereichsleitung"])),
            "deputy": draw(st.sampled_from(["nein", "nein", "ja"])),
            "disability": draw(st.sampled_from(["nein", "nein", "schwerbehindert"])),
            "weekly_hours": draw(st.sampled_from(["39", "39", "19,5", "30", "15"])),
            "leave": draw(st.sampled_from(["", "", "", "Elternzeit"])),
            "mobile_work": draw(st.sampled_from(["keine", "mobil"])),
            "org_unit": draw(st.sampled_from(["Bereich 1", "Bereich 2", "Bereich 3"])),
            "pay_group": draw(st.sampled_from(["E 9b", "E 11", "A 11"])),
            "birth_year": str(draw(st.sampled_from([1965, 1975, 1985, 2000]))),
        }
        size = draw(GROUP_SIZES)
        rows += [person(f"P{group}x{i}", "31.12.2024", **fields) for i in range(size)]
    return rows


@st.composite
def application_rows(draw: st.DrawFn) -> list[list[str]]:
    rows: list[list[str]] = []
    for group in range(draw(st.integers(0, 6))):
        fields = {
            "carrier": draw(st.sampled_from(["BA", "Kommune", ""])),
            "gender": draw(st.sampled_from(["w", "w", "m", "x"])),
            "disability": draw(st.sampled_from(["nein", "nein", "gleichgestellt"])),
            "stage": draw(st.sampled_from(["beworben", "eingeladen", "eingestellt"])),
        }
        date = f"15.{draw(st.integers(1, 12)):02d}.2024"
        # applicants may reappear in a later group: another posting, maybe another carrier
        first = draw(st.integers(0, 30))
        size = draw(GROUP_SIZES)
        rows += [
            application(f"B{first + i}", date, posting=f"2024-{group:03d}", **fields)
            for i in range(size)
        ]
    return rows


@st.composite
def survey_rows(draw: st.DrawFn) -> list[list[str]]:
    rows: list[list[str]] = []
    answers = st.sampled_from(["ja", "nein", "keine Angabe"])
    parents = st.sampled_from(["0", "0", "1", "2", "keine Angabe"])
    for _ in range(draw(st.integers(0, 5))):
        answer = survey_answer(
            "2024",
            draw(answers),
            draw(answers),
            draw(parents),
            draw(parents),
            draw(answers),
            draw(st.sampled_from(["w", "m", "x"])),
        )
        rows += [answer] * draw(GROUP_SIZES)
    return rows


def filters() -> st.SearchStrategy[list[tuple[str | None, str, str]]]:
    """Catalogue filters: (carrier or None, dimension, a KPI allowing it)."""
    choices = [
        (carrier, dimension, kpi.id)
        for kpi in kpis.REGISTRY
        for dimension in kpi.breakdowns
        for carrier in VIEWS
        if carrier is None or kpi.carrier_view
    ]
    return st.lists(st.sampled_from(choices), min_size=1, max_size=4)


def k_of(kpi: kpis.Kpi, rules: Settings) -> int:
    return rules.k_sensitive if kpi.sensitive else rules.k_ordinary


def passes(count: int, k: int, sensitive: bool) -> bool:
    return count >= k if sensitive else (count == 0 or count >= k)


def person_counts(kpi: kpis.Kpi, value: float | None, numerator, denominator):
    """(numerator, remainder, denominator) of a published share, (count,) of a count."""
    if kpi.kind == "count":
        return (int(value),) if value is not None else ()
    if kpi.kind == "share" and denominator and denominator == denominator:  # not NaN
        return (int(numerator), int(denominator - numerator), int(denominator))
    return ()  # a share shown rounded, its counts withheld


def check_published(kpi: kpis.Kpi, value, numerator, denominator, rules: Settings, where: str):
    k, sensitive = k_of(kpi, rules), kpi.sensitive
    counts = person_counts(kpi, value, numerator, denominator)
    if kpi.kind == "share" and counts:
        numerator_count, remainder, population = counts
        assert passes(numerator_count, k, sensitive), where
        assert passes(remainder, k, sensitive), where
        assert population >= rules.k_ordinary, where
        assert 0 <= value <= 100, where
    elif kpi.kind == "count" and counts:
        assert passes(counts[0], k, False), where


def check_difference(kpi, child, parent, rules: Settings, where: str) -> None:
    """A published filtered figure against its published parent."""
    child_counts = person_counts(kpi, *child)
    parent_counts = person_counts(kpi, *parent)
    if not child_counts or not parent_counts:
        return
    k, sensitive = k_of(kpi, rules), kpi.sensitive
    differences = [abs(p - c) for c, p in zip(child_counts, parent_counts, strict=True)]
    if all(d == 0 for d in differences):
        return  # the same population: nothing to subtract
    for index, difference in enumerate(differences):
        population_difference = index == len(differences) - 1 and kpi.kind == "share"
        ordinary = population_difference or not sensitive
        assert passes(difference, k if not population_difference else rules.k_ordinary,
                      not ordinary), (where, child, parent)  # fmt: skip


def triple(value: kpis.KpiValue) -> tuple:
    return (value.value, value.numerator, value.denominator)


# leaders per carrier, level and gender are public facts, published below k (CONTRACT § 3)
PUBLIC_FACTS = {"women_leadership_share", "women_leadership_share_by_level"}


def example_key(*rows: object) -> str:
    """The pseudonym key of an example: it decides which persons of gender d / x are assigned
    to w / m, and with it the release, so a random key made the same examples pass or fail by
    chance (CI hung on it twice). From the rows, each example keeps its key in every run;
    PROPERTY_KEY_SALT gives a hunt other keys, and names the one that failed."""
    salt = os.environ.get("PROPERTY_KEY_SALT", "")
    return hashlib.sha256(repr((salt, rows)).encode()).hexdigest()


# every example plans its release (~7 s): 10 in the suite, the same 10 in every run (a random
# draw once found a failing store and then shrank it for over 15 min: CI must not depend on the
# draw); PROPERTY_EXAMPLES=200 draws at random, for a long run that hunts
@pytest.mark.slow
@settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "10")),
    derandomize="PROPERTY_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    personnel=personnel_rows(),
    applications=application_rows(),
    survey=survey_rows(),
    extra_invited=st.integers(0, 20),
    rules=st.sampled_from(RULES),
    sequence=filters(),
)
def test_published_figures_never_reveal_small_groups(
    personnel, applications, survey, extra_invited, rules, sequence
):
    with tempfile.TemporaryDirectory() as directory:
        invited = [(2024, len(survey) + extra_invited)] if survey else []
        if not (personnel or applications or survey):
            personnel = [person("P0")]
        db = build_store(
            Path(directory),
            personnel=personnel,
            applications=applications,
            survey=survey,
            invited=invited,
            key=example_key(personnel, applications, survey, invited),
        )
        with open_store(db) as con:
            views = {view: kpis.compute_kpis(con, 2024, view, rules) for view in VIEWS}
            breakdowns = {
                (carrier, dimension, kpi_id): kpis.kpi_breakdown(
                    con, kpi_id, 2024, dimension, carrier, rules
                )
                for carrier, dimension, kpi_id in sequence
            }
            # the all-carrier row of each filtered breakdown, as a reader would fetch it
            for carrier, dimension, kpi_id in sequence:
                if carrier is not None and (None, dimension, kpi_id) not in breakdowns:
                    breakdowns[(None, dimension, kpi_id)] = kpis.kpi_breakdown(
                        con, kpi_id, 2024, dimension, None, rules
                    )
            # published results do not depend on the order of the questions
            carrier, dimension, kpi_id = sequence[0]
            again = kpis.kpi_breakdown(con, kpi_id, 2024, dimension, carrier, rules)
            assert again.equals(breakdowns[sequence[0]])
            # the attacker over the whole personnel release: nothing to pin
            audit = kpis.audit_release(con, 2024, rules)
            assert audit.pins == [], [pin.describe() for pin in audit.pins[:3]]

    # every KPI of every view, and its carrier view against the all-carrier figure
    for view, values in views.items():
        for full_id, value in values.items():
            kpi, _ = kpis.split_id(full_id)
            if value.suppressed:
                assert triple(value) == (None, None, None)
                continue
            if kpi.id in PUBLIC_FACTS:
                continue  # leaders per carrier, level and gender are public (CONTRACT § 3)
            check_published(kpi, *triple(value), rules, f"{full_id} in {view}")
            if view is not None and full_id in views[None]:
                parent = views[None][full_id]
                if not parent.suppressed:
                    check_difference(kpi, triple(value), triple(parent), rules, full_id)

    # applicants may be in both carrier views: BA + Kommune − all is the group in both
    check_applicants_of_both_carriers(views, rules.rules, "random store")

    # partitions add up where all parts are published
    for view, values in views.items():
        total = values["headcount"].value
        parts = [["w", "m", "d", "x"], ["Tarif", "Beamte", "Ausbildung"]]
        if view is None:
            parts.append(list(CARRIER_VIEWS))
        for categories in parts:
            shown = [values[f"headcount.{c}"] for c in categories]
            if total is None or values["headcount"].suppressed:
                continue
            if not any(v.suppressed for v in shown):
                assert sum(v.value for v in shown) == total
            elif sum(v.suppressed for v in shown) == 1:
                # a single hidden part is the total minus the others: it must be publishable
                derived = total - sum(v.value for v in shown if not v.suppressed)
                assert passes(derived, rules.k_ordinary, False), (view, categories)

    # breakdowns: counts, parents, complementary suppression
    for (carrier, dimension, kpi_id), frame in breakdowns.items():
        kpi = kpis.KPIS[kpi_id]
        where = f"{kpi_id} by {dimension} in {carrier}"
        if kpi_id in PUBLIC_FACTS and dimension in ("carrier", "leadership"):
            continue  # leaders per carrier, level and gender: public facts (CONTRACT § 3)
        total = views[carrier].get(kpi_id)
        for row in frame.itertuples(index=False):
            if row.suppressed:
                assert row.value is None or row.value != row.value  # None or NaN
                continue
            published = (row.value, row.numerator, row.denominator)
            check_published(kpi, *published, rules, f"{where}: {row.category}")
            if total is not None and not total.suppressed and dimension != "carrier":
                check_difference(kpi, published, triple(total), rules, f"{where} total")
            parent_frame = breakdowns.get((None, dimension, kpi_id))
            if carrier is not None and parent_frame is not None:
                parent = parent_frame.set_index("category").loc[row.category]
                if not parent["suppressed"]:
                    parent_values = (parent["value"], parent["numerator"], parent["denominator"])
                    check_difference(kpi, published, parent_values, rules, f"{where} parent")
        if (
            total is None
            or total.suppressed
            or total.counts_withheld  # a rounded share: no counts to subtract from
            or kpi.kind not in ("share", "count")
            or dimension == "carrier"
        ):
            continue
        # unknown to a reader: withheld cells, and shares shown rounded without their counts
        unknown = frame["suppressed"] | (frame["denominator"].isna() & frame["value"].notna())
        hidden = frame[unknown]
        shown = frame[~unknown]
        if kpi_id in PUBLIC_FACTS and not shown["denominator"].fillna(0).any():
            continue  # the hidden cells add up to the total, a public fact (CONTRACT § 3)
        # what the unknown cells add up to (the total minus the rest) must pass: a single
        # unknown cell is then the total minus the others, and large enough to be known
        if len(hidden):
            k = k_of(kpi, rules)
            if kpi.kind == "count":
                rest = total.value - shown["value"].fillna(0).sum()
                # unknown cells that add up to 0 are each 0: nobody behind them to single out
                assert passes(int(rest), k, False), where
            else:
                numerator = total.numerator - shown["numerator"].fillna(0).sum()
                population = total.denominator - shown["denominator"].fillna(0).sum()
                for hidden_sum in (numerator, population - numerator):
                    assert passes(int(hidden_sum), k, kpi.sensitive), where
