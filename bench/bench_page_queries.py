"""How many DuckDB queries a page builder sends once its year is cached (issue 13's goal: 0–1).

Each page context is built twice on the demo store through one KpiHistory, as the app does
within one store state: the first build fills the caches (the planned release, the published
year), the second is counted. The baseline, measured in the same run, is the first build's
count. Counted: every execute / sql / query call on the connection behind the history (a page
builder is given none: it asks the history's published years).

    python -m bench.bench_page_queries [--db PATH] [--year 2025] [--carrier BA]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from bench.common import machine_report
from metrics import demo, store, views
from metrics.settings import load_settings


class CountingConnection:
    """Forwards everything to a DuckDB connection and counts the statements sent."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.statements: list[str] = []

    def _counted(self, name: str) -> Callable[..., Any]:
        method = getattr(self._con, name)

        def call(query: str, *args: Any, **kwargs: Any) -> Any:
            self.statements.append(" ".join(str(query).split())[:90])
            return method(query, *args, **kwargs)

        return call

    def __getattr__(self, name: str) -> Any:
        if name in ("execute", "sql", "query"):
            return self._counted(name)
        return getattr(self._con, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("bench/out/page_queries/vielfalt.duckdb"))
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--carrier", default=None)
    parser.add_argument("--show", action="store_true", help="list the counted statements")
    args = parser.parse_args()
    if not args.db.exists():
        demo.build_demo_store(args.db)
    print(machine_report())
    settings = load_settings()
    builders = {
        "overview": views.build_overview,
        "women_leadership": views.build_women_leadership,
        "inclusion": views.build_inclusion,
        "part_time": views.build_part_time,
        "migration": views.build_migration,
    }
    filters = views.Filters(args.year, args.carrier)
    print(f"{'page':<18} {'first build':>12} {'cached':>8}")
    with store.open_store(args.db) as raw:
        for name, build in builders.items():
            con = CountingConnection(raw)
            history = views.KpiHistory.of_store(con, settings)  # type: ignore[arg-type]
            build(history, filters, "de")
            first = len(con.statements)
            con.statements.clear()
            build(history, filters, "de")
            print(f"{name:<18} {first:>12} {len(con.statements):>8}")
            if args.show:
                for statement in con.statements:
                    print("    " + statement)


if __name__ == "__main__":
    main()
