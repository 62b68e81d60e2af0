"""The KPIs: the registry (CONTRACT § 2) and the engine that counts and publishes it (§ 3).

Pages, reports and the CLI read KPIs only through `api`, its public face
(``from metrics.kpis import api as kpis``). The package itself imports nothing, so that
`metrics.settings` can read the registry without starting the engine, which reads the settings.

The modules, in the order the data flows:

- `vocabulary` — dimensions, categories, kinds, units, sources and their labels;
- `atoms` — the words every population is written in (``staff``, ``active``, ``gender=w`` …): the
  SQL is compiled from them, and the same atoms tell which published figures are nested in which;
- `registry` — one frozen `Kpi` per id (labels, legal source, unit, kind, sensitivity, target
  key, breakdowns, variants) and the `Measure` it counts; its validation;
- `counting` — years, reporting dates, and a handful of DuckDB queries per year (GROUP BY
  GROUPING SETS with FILTER aggregates over every measure at once), never a loop over persons;
- `protection` — the rules' pass: each figure by its count rule, each breakdown as a table,
  nested pairs whose difference would fall below k;
- `year` — a year's sections, counted once, protected, extended by breakdowns on demand;
- `release` — the year planned once per store state: the rules, then the attacker of
  `metrics.disclosure.planner` until it pins nothing (CONTRACT § 3), kept beside the store;
- `published` — from the planned release to `KpiValue`s (`values`: what a value is and how it
  reads);
- `api` — what pages, reports and the CLI ask for: above all `PublishedYear`, a year's planned
  release with its values per view, breakdowns (typed rows), BGleiG table and SGB IX sums.

A name with a leading underscore is shared between these modules, not outside the package.
Survey KPIs have no carrier view; `sb_quota` follows its own monthly rule (CONTRACT § 2.1).
"""
