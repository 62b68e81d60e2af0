"""Disclosure control (CONTRACT § 3): the only road from counts to anything published.

- `rules`: the count and share rules, table protection (primary and complementary suppression).
- `space`: the persons of a year as micro-cells, and every published figure as a box of them;
  `applicant_space` and `survey_space` the same for the applicants (a view per carrier) and the
  respondents of a survey wave.
- `attacker`: the linear attacker over a whole release (HiGHS through scipy), also usable on its
  own: ``python -m metrics audit --year Y``.
"""

from metrics.disclosure.rules import (
    MIN_K,
    TOTAL_LABEL,
    WITHHELD_SIGN,
    DisclosureRules,
    ProtectedTable,
    Published,
    Reason,
    assert_no_small_counts,
    change_publishable,
    count_passes,
    count_text,
    population_passes,
    protect_table,
    publish_count,
    publish_share,
    published_import_log,
    share_passes,
    suppressed_label,
    withheld_sign,
    yearly_holdings,
)

__all__ = [
    "MIN_K",
    "TOTAL_LABEL",
    "WITHHELD_SIGN",
    "DisclosureRules",
    "ProtectedTable",
    "Published",
    "Reason",
    "assert_no_small_counts",
    "change_publishable",
    "count_passes",
    "count_text",
    "population_passes",
    "protect_table",
    "publish_count",
    "publish_share",
    "published_import_log",
    "share_passes",
    "suppressed_label",
    "withheld_sign",
    "yearly_holdings",
]
