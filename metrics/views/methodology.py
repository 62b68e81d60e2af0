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
class MethodologyContext:
    title: str
    kpis: pd.DataFrame
    disclosure_rules: tuple[str, ...]
    breakdowns: str


def build_methodology(settings: Settings, lang: Lang) -> MethodologyContext:
    """Every KPI's definition, legal source and the disclosure rules, from the registry."""
    rows = []
    for kpi in kpis.REGISTRY:
        target = settings.target(kpi.target_key) if kpi.target_key else None
        rows.append(
            {
                "ID": kpi.id,
                t("view.kpi", lang): kpi.label(lang),
                t("view.definition", lang): kpi.definition(lang),
                t("view.legal_source", lang): kpi.legal_source or "–",
                t("view.unit", lang): kpi.unit,
                t("app.target", lang): "–"
                if target is None
                else format_target(target, kpi.unit, lang),
                t("view.sensitivity", lang): t(
                    "view.sensitive" if kpi.sensitive else "view.ordinary", lang
                ),
            }
        )
    rules = (
        t("view.rule_counts", lang, k=settings.k_ordinary, k_sensitive=settings.k_sensitive),
        t("view.rule_shares", lang),
        t("view.rule_tables", lang),
        t("view.rule_differencing", lang),
        t("view.rule_survey", lang),
        t("view.rule_pseudonyms", lang),
    )
    dimensions = ", ".join(kpis.dimension_label(d, lang) for d in kpis.DIMENSIONS)
    return MethodologyContext(
        t("page.methodology", lang),
        pd.DataFrame(rows),
        rules,
        t("view.catalogue", lang, dimensions=dimensions),
    )
