"""The code's own checks, part of the suite so that CI runs them: the type checker over the app
(configured in pyproject.toml) and the linter over everything."""

from __future__ import annotations

import ast
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


# Streamlit calls that render their text as Markdown, or show a table: only app_support makes
# them, through the functions that escape user text and neutralise tables (metrics.safe_text)
_RENDERING_CALLS = {
    "error",
    "warning",
    "success",
    "info",
    "caption",
    "markdown",
    "write",
    "title",
    "header",
    "subheader",
    "text",
    "toast",
    "dataframe",
    "table",
    "data_editor",
    "metric",
    "latex",
    "code",
}


def _rendering_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        # st.error(...), st.sidebar.caption(...), and a column's left.dataframe(...)
        if node.func.attr in _RENDERING_CALLS and not (
            isinstance(owner, ast.Name) and owner.id == "ui"
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.func.attr}(")
    return found


def test_pages_show_text_and_tables_only_through_app_support() -> None:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    files += sorted((ROOT / "metrics" / "views").glob("*.py"))
    assert [call for path in files for call in _rendering_calls(path)] == []
    # the check finds such a call where there is one
    assert _rendering_calls(ROOT / "metrics" / "app_support.py")
