"""From a year's published state to `KpiValue`s: values of a view, breakdowns, the SGB IX table,
the BGleiG under-representation.
"""

from __future__ import annotations

from collections.abc import Mapping

from metrics.contract import (
    CARRIERS,
    LEADERSHIP_LEVELS,
)
from metrics.disclosure import (
    DisclosureRules,
    Published,
    Reason,
    count_passes,
)
from metrics.kpis.counting import View
from metrics.kpis.protection import _Group, _Section, _withheld
from metrics.kpis.registry import KPIS, REGISTRY, Kpi, _natural_key, columns_needed, ratio_measures
from metrics.kpis.values import Area, KpiExtra, KpiValue
from metrics.kpis.year import _SURVEY_RESPONSE, _Year
from metrics.sb_quota import SbMonth
from metrics.settings import Settings


def _target(settings: Settings, kpi: Kpi, full_id: str, view: View) -> float | None:
    if kpi.target_key is None:
        return None
    targets = settings.target_table
    if view is not None and full_id == kpi.id and f"{kpi.id}.{view}" in targets:
        # a carrier's own figure: the target of its per-carrier variant (sb_quota: legal 5 %)
        return targets[f"{kpi.id}.{view}"]
    if full_id in targets:
        return targets[full_id]
    return targets.get(kpi.target_key)


def _value_from(
    full_id: str,
    kpi: Kpi,
    published: Published,
    target: float | None,
    extra: KpiExtra | None = None,
) -> KpiValue:
    extra = KpiExtra(**(extra or {}))
    if published.suppressed:
        return KpiValue(
            id=full_id,
            value=None,
            numerator=None,
            denominator=None,
            target=target,
            suppressed=True,
            reason=str(published.reason) if published.reason else None,
            k=published.k,
            unit=kpi.unit,
            extra=extra,
        )
    if kpi.unit == "%":
        value = None if published.value is None else float(published.value) * 100
        return KpiValue(
            full_id,
            value,
            published.numerator,
            published.denominator,
            target,
            False,
            None,
            published.k,
            kpi.unit,
            extra,
            counts_withheld=published.counts_withheld,
        )
    return KpiValue(
        full_id,
        published.value,
        published.numerator,
        None,
        target,
        False,
        None,
        published.k,
        kpi.unit,
        extra,
    )


def _no_data(
    full_id: str, kpi: Kpi, target: float | None, extra: KpiExtra | None = None
) -> KpiValue:
    extra = extra or KpiExtra()
    return KpiValue(full_id, None, None, None, target, False, None, None, kpi.unit, extra)


def _section_of(state: _Year, universe: str) -> _Section | None:
    return {
        "personnel": state.personnel,
        "applicants": state.applicants,
        "survey": state.survey,
    }[universe]


def _values_for_view(state: _Year, view: View) -> dict[str, KpiValue]:
    values: dict[str, KpiValue] = {}
    for kpi in REGISTRY:
        if view is not None and not kpi.carrier_view:
            continue  # survey KPIs have no carrier view
        for full_id, value in _kpi_values(state, kpi, view).items():
            values[full_id] = value
    return values


def _kpi_values(state: _Year, kpi: Kpi, view: View) -> dict[str, KpiValue]:
    values = _counted_values(state, kpi, view)
    return {full_id: _unless_missing(state, kpi, value) for full_id, value in values.items()}


def _unless_missing(state: _Year, kpi: Kpi, value: KpiValue) -> KpiValue:
    """The value, or no value where the files of its date lack a column it rests on: a file
    without `Mobiles Arbeiten` says nothing about mobile work, so it is no 0 % (CONTRACT § 1.1).
    The planner counted the defaults; leaving figures out of its release only takes away."""
    absent = state.absent_in_year if kpi.kind == "quota" else state.absent_at_snapshot
    missing = sorted(columns_needed(kpi) & absent)
    if not missing:
        return value
    return _no_data(value.id, kpi, value.target, KpiExtra(missing_columns=missing))


def _counted_values(state: _Year, kpi: Kpi, view: View) -> dict[str, KpiValue]:
    settings = state.settings
    values: dict[str, KpiValue] = {}

    def target(full_id: str) -> float | None:
        return _target(settings, kpi, full_id, view)

    if kpi.kind == "quota":
        values.update(_sb_values(state, kpi, view, target))
        return values
    if kpi.kind == "flag-table":
        values[kpi.id] = _underrepresentation_value(state, kpi, view)
        return values
    if kpi.kind == "ratio":
        values[kpi.id] = _ratio_value(state, kpi, view, target(kpi.id))
        return values
    assert kpi.measure is not None
    section = _section_of(state, kpi.measure.universe)
    extra = _survey_extra(state, kpi) if kpi.source == "survey" else KpiExtra()
    if section is None:
        values[kpi.id] = _no_data(kpi.id, kpi, target(kpi.id), extra)
    elif kpi.variant_of is not None:
        base_kpi_id, dimension, category = kpi.variant_of
        base_measure = KPIS[base_kpi_id].measure
        published = section.groups[(base_measure, dimension)].results[view][category]  # type: ignore[index]
        values[kpi.id] = _value_from(kpi.id, kpi, published, target(kpi.id))
    elif (kpi.measure, view) not in section.base:
        values[kpi.id] = _no_data(kpi.id, kpi, target(kpi.id), extra)
    else:
        published = section.base[(kpi.measure, view)]
        if not published.suppressed and kpi.source == "survey":
            extra.update(_survey_published_extra(state, kpi, published))
        values[kpi.id] = _value_from(kpi.id, kpi, published, target(kpi.id), extra)

    for variants in kpi.variants:
        if variants.all_carrier_view_only and view is not None:
            continue
        for category in variants.categories:
            full_id = f"{kpi.id}.{category}"
            if section is None:
                values[full_id] = _no_data(full_id, kpi, target(full_id))
            elif variants.dimension == "carrier":
                published = section.base[(kpi.measure, category)]
                values[full_id] = _value_from(full_id, kpi, published, target(full_id))
            else:
                group = section.groups[(kpi.measure, variants.dimension)]
                published = group.results[view][category]
                values[full_id] = _value_from(full_id, kpi, published, target(full_id))
        for name, parts in variants.combined:
            full_id = f"{kpi.id}.{name}"
            if section is None:
                values[full_id] = _no_data(full_id, kpi, target(full_id))
                continue
            group = section.groups[(kpi.measure, variants.dimension)]
            published = _combined(state, section, group, view, parts)
            values[full_id] = _value_from(full_id, kpi, published, target(full_id))
    for variant in kpi.population_variants:
        full_id = f"{kpi.id}.{variant.suffix}"
        if section is None:
            values[full_id] = _no_data(full_id, kpi, target(full_id))
        else:
            published = section.base[(variant.measure, view)]
            values[full_id] = _value_from(full_id, kpi, published, target(full_id))
    return values


def _combined(
    state: _Year, section: _Section, group: _Group, view: View, parts: tuple[str, ...]
) -> Published:
    """The count of some categories together (d and x), never more than the release tells:
    their sum where each is published, else (each withheld) the total minus the other
    published categories; withheld otherwise. Where d / x are assigned to w / m it has no figure."""
    measure = group.measure
    k = section.rules.k(measure.sensitive)
    if state.gender_assigned and group.dimension == "gender":
        return _withheld(Reason.ASSIGNED, k)
    row = group.results[view]
    cells = [row[c] for c in parts if c in row]
    if all(not c.suppressed and c.numerator is not None for c in cells):
        total = sum(int(c.numerator or 0) for c in cells)  # none is None (checked above)
        return Published(total, total, None, False, None, k)
    if any(not c.suppressed for c in cells):
        return _withheld(Reason.SECONDARY, k)  # with one part published the sum tells the other
    whole = section.published_base(measure, view)
    others = [row[c] for c in group.categories if c not in parts]
    known = [whole, *others]
    if any(c.suppressed or c.numerator is None for c in known):
        return _withheld(Reason.SECONDARY, k)
    # none is None (checked above)
    rest = int(whole.numerator or 0) - sum(int(c.numerator or 0) for c in others)
    return Published(rest, rest, None, False, None, k)


def _survey_extra(state: _Year, kpi: Kpi) -> KpiExtra:
    return KpiExtra(wave=state.survey_wave)


def _survey_published_extra(state: _Year, kpi: Kpi, published: Published) -> KpiExtra:
    """Interval and response rate of a published survey share (percent). A share shown only
    as its rounded percentage has no interval: its width would give the count back."""
    extra = KpiExtra()
    if kpi.survey_definition is not None:
        share = state.survey_shares[kpi.survey_definition]
        if share.ci_low is not None and share.ci_high is not None and not published.counts_withheld:
            extra["ci_low"] = share.ci_low * 100
            extra["ci_high"] = share.ci_high * 100
        response = state.survey.base.get((_SURVEY_RESPONSE, None)) if state.survey else None
        if response is not None and not response.suppressed and response.value is not None:
            extra["response_rate"] = float(response.value) * 100
    return extra


def _ratio_value(state: _Year, kpi: Kpi, view: View, target: float | None) -> KpiValue:
    section = state.personnel
    if section is None:
        return _no_data(kpi.id, kpi, target)
    numerator, denominator = ratio_measures(kpi)
    return _ratio_of(
        kpi.id,
        kpi,
        section.base[(numerator, view)],
        section.base[(denominator, view)],
        target,
        section.rules,
    )


def _ratio_of(
    full_id: str,
    kpi: Kpi,
    leadership: Published,
    staff: Published,
    target: float | None,
    rules: DisclosureRules,
) -> KpiValue:
    """The ratio of the two shares of `kpi.ratio_of` (women among leaders / among staff);
    suppressed if either share is."""
    for share in (leadership, staff):
        if share.suppressed:
            return KpiValue(
                full_id, None, None, None, target, True, str(share.reason), share.k, kpi.unit, {}
            )
    if leadership.value is None or staff.value is None or staff.value == 0:
        return _no_data(full_id, kpi, target)
    ratio = float(leadership.value) / float(staff.value)
    return KpiValue(
        full_id,
        ratio,
        float(leadership.value) * 100,
        float(staff.value) * 100,
        target,
        False,
        None,
        rules.k_ordinary,
        kpi.unit,
        {},
    )


# ---- BGleiG under-representation ---------------------------------------------------------------


def underrepresented(women: int, men: int) -> str | None:
    """'w', 'm' or None under § 3 Nr. 10 BGleiG for an area of `women` + `men` persons.

    Reading of the contract: N = W + M. N even: the smaller gender is under-represented
    (W < M or M < W). N odd: a difference of 1 is the closest balance possible and does not
    count; the gender is under-represented only if the other exceeds it by at least two
    persons, which for odd N means by three or more (3, 5, …).
    """
    if women < 0 or men < 0:
        raise ValueError("counts must not be negative")
    difference = men - women
    threshold = 1 if (women + men) % 2 == 0 else 2
    if difference >= threshold:
        return "w"
    if -difference >= threshold:
        return "m"
    return None


def _flag_assessed(dimension: str, women: int, men: int, rules: DisclosureRules) -> bool:
    """A verdict is a figure too (CONTRACT § 3): "keines" for an even area of 8 says 4 / 4, and
    "Frauen" for an area of 5 bounds the women to 0 … 2. A leadership level's counts are public
    facts, so its verdict says nothing new; any other area is assessed only where it holds at
    least k_ordinary persons and women and men each pass the count rule by themselves."""
    if dimension == "leadership":
        return women + men > 0
    return (
        women + men >= rules.k_ordinary
        and count_passes(women, sensitive=False, rules=rules)
        and count_passes(men, sensitive=False, rules=rules)
    )


def _underrepresentation_value(state: _Year, kpi: Kpi, view: View) -> KpiValue:
    if state.personnel is None:
        return _no_data(kpi.id, kpi, None, KpiExtra(areas=[]))
    areas: list[Area] = []
    for (dimension, area), (women, men) in _sorted_areas(state.underrepresentation_counts[view]):
        if _flag_assessed(dimension, women, men, state.settings.rules):
            areas.append(
                Area(dimension=dimension, area=area, underrepresented=underrepresented(women, men))
            )
    extra = KpiExtra(areas=areas)
    return KpiValue(kpi.id, None, None, None, None, False, None, None, kpi.unit, extra)


def _sorted_areas(
    counts: Mapping[tuple[str, str], tuple[int, int]],
) -> list[tuple[tuple[str, str], tuple[int, int]]]:
    def key(item: tuple[tuple[str, str], tuple[int, int]]) -> tuple:
        (dimension, area), _ = item
        if dimension == "leadership":
            return (1, LEADERSHIP_LEVELS.index(area), ())
        return (0, 0, _natural_key(area))

    return sorted(counts.items(), key=key)


# ---- sb_quota -----------------------------------------------------------------------------------


def _sb_month_passes(month: SbMonth, rules: DisclosureRules) -> bool:
    """CONTRACT § 2.1: counted severely disabled persons and the other persons on counted
    places both number at least k_sensitive in the month."""
    return count_passes(
        month.counted_disabled_persons, sensitive=True, rules=rules
    ) and count_passes(month.other_persons_on_places, sensitive=True, rules=rules)


def _sb_months_published(state: _Year, view: View) -> dict[int, bool]:
    """Per month: may this view's month be published? A carrier's month also needs the other
    carrier's month to pass, or combined − carrier would reveal it."""
    rules = state.settings.rules
    result = state.sb[view]
    published = {}
    for month in result.months:
        passes = _sb_month_passes(month, rules)
        if view is not None:
            for other in CARRIERS:
                if other == view:
                    continue
                other_month = next(m for m in state.sb[other].months if m.month == month.month)
                passes = passes and _sb_month_passes(other_month, rules)
        published[month.month] = passes
    return published


def _sb_value(state: _Year, kpi: Kpi, view: View, full_id: str, target: float | None) -> KpiValue:
    if not state.sb:
        return _no_data(full_id, kpi, target)
    result = state.sb[view]
    k = state.settings.rules.k_sensitive
    extra = KpiExtra(months_covered=result.months_covered, approximation=result.approximation)
    if result.months_covered == 0 or result.places_total == 0:
        return _no_data(full_id, kpi, target, extra)
    months = _sb_months_published(state, view)
    if not all(months.values()):
        own_pass = all(_sb_month_passes(m, state.settings.rules) for m in result.months)
        reason = Reason.DIFFERENCING if own_pass else Reason.SMALL_COUNT
        return KpiValue(full_id, None, None, None, target, True, str(reason), k, kpi.unit, extra)
    extra["mandatory_place_months"] = result.mandatory_place_months
    extra["unfilled_place_months"] = result.unfilled_place_months
    extra["levy_eur"] = result.levy_eur
    return KpiValue(
        full_id,
        result.filled_total / result.places_total * 100,
        _whole(result.filled_total),
        result.places_total,
        target,
        False,
        None,
        k,
        kpi.unit,
        extra,
    )


def _whole(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


def _sb_values(state: _Year, kpi: Kpi, view: View, target) -> dict[str, KpiValue]:
    values = {kpi.id: _sb_value(state, kpi, view, kpi.id, target(kpi.id))}
    if view is None:
        for carrier in CARRIERS:
            full_id = f"{kpi.id}.{carrier}"
            values[full_id] = _sb_value(state, kpi, carrier, full_id, target(full_id))
    return values
