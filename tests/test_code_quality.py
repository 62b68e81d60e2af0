"""The code's own checks, part of the suite so that CI runs them: the type checker over the app
(configured in pyproject.toml) and the linter over everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_type_checks() -> None:
    stdout, stderr, status = mypy_api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(ROOT / ".mypy_cache")]
    )
    assert status == 0, stdout + stderr


def test_the_code_is_lint_clean_and_formatted() -> None:
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run(
            [*ruff, *command], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_metrics_has_no_import_cycle() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import import_graph
    finally:
        sys.path.remove(str(ROOT / "tools"))
    graph, _ = import_graph.import_graph(ROOT)
    assert "metrics.kpis.registry" in graph["metrics.settings"]  # settings reads the registry
    assert import_graph.cycles(graph) == []
    # the check sees a cycle where there is one
    graph["metrics.kpis.registry"].add("metrics.settings")
    assert import_graph.cycles(graph)
