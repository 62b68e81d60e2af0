"""Methodik: every KPI's definition, legal source and disclosure rule, from the registry and
the settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from metrics.formatting import format_target
from metrics.i18n import Lang, t
from metrics.kpis import api as kpis
from metrics.settings import Settings


@dataclass(frozen=True)
class KpiEntry:
    """One KPI as the page explains it: its name, what it measures, and the facts after it."""

    label: str
    definition: str
    facts: str  # legal basis, unit, target, protection and, last, the internal id


@dataclass(frozen=True)
class MethodologyContext:
    title: str
    # the same as a table (plain-language columns first, the id last), for a download
    kpis: pd.DataFrame
    entries: tuple[KpiEntry, ...]
    disclosure_rules: tuple[str, ...]
    breakdowns: str
    glossary: tuple[tuple[str, str], ...]  # (term, explanation)


GLOSSARY_TERMS = (
    "percentage_points",
    "representation_index",
    "underrepresentation",
    "legal_quota",
    "place_months",
    "reporting_date",
    "survey_wave",
    "interval",
    "withheld",
    "small",
)


def build_methodology(settings: Settings, lang: Lang) -> MethodologyContext:
    """Every KPI's definition, legal source and the disclosure rules, from the registry."""
    rows = []
    entries = []
    for kpi in kpis.REGISTRY:
        target = settings.target(kpi.target_key) if kpi.target_key else None
        row = {
            t("view.kpi", lang): kpi.label(lang),
            t("view.definition", lang): kpi.definition(lang),
            t("view.legal_source", lang): kpi.source_text(lang) or "–",
            t("view.unit", lang): t(f"view.unit_{kpi.unit}", lang),
            t("app.target", lang): "–" if target is None else format_target(target, kpi.unit, lang),
            t("view.sensitivity", lang): t(
                "view.sensitive" if kpi.sensitive else "view.ordinary", lang
            ),
            "ID": kpi.id,
        }
        rows.append(row)
        facts = [f"{name}: {value}" for name, value in list(row.items())[2:]]
        entries.append(KpiEntry(kpi.label(lang), kpi.definition(lang), " · ".join(facts)))
    rules = (
        t("view.rule_counts", lang, k=settings.k_ordinary, k_sensitive=settings.k_sensitive),
        t("view.rule_shares", lang),
        t("view.rule_tables", lang),
        t("view.rule_differencing", lang),
        t("view.rule_survey", lang),
        t("view.rule_pseudonyms", lang),
    )
    dimensions = ", ".join(kpis.dimension_label(d, lang) for d in kpis.DIMENSIONS)
    internal = settings.target("sb_quota")
    settings_facts: dict[str, object] = {
        "k": settings.k_ordinary,
        "k_sensitive": settings.k_sensitive,
        "internal": "–" if internal is None else format_target(internal, "%", lang),
    }
    return MethodologyContext(
        t("page.methodology", lang),
        pd.DataFrame(rows),
        tuple(entries),
        rules,
        t("view.catalogue", lang, dimensions=dimensions),
        tuple(
            (t(f"glossary.{term}", lang), t(f"glossary.{term}.text", lang, **settings_facts))
            for term in GLOSSARY_TERMS
        ),
    )
