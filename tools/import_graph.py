"""The import graph of metrics/: its edges, the imports made inside functions, and its cycles.

    .venv/bin/python tools/import_graph.py      prints the graph's size, the imports inside
                                                functions and every cycle (none expected)

A cycle counts `from package import name` as running the package's __init__ (what Python does
on the first import), except inside the package itself. tests/test_code_quality.py asserts that
there is none.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def module_files(root: Path) -> dict[str, Path]:
    modules = {}
    for path in sorted((root / "metrics").rglob("*.py")):
        name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    return modules


def import_graph(root: Path) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """Edges module -> modules it imports (with the packages whose __init__ that runs), and
    the imports made inside a function or class."""
    modules = module_files(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    inner: list[tuple[str, str]] = []
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                base = node.module
                submodules = [
                    f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules
                ]
                inside = name == base or name.startswith(base + ".")
                targets = ([] if inside and submodules else [base]) + submodules
            else:
                continue
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
                    if node.col_offset > 0:
                        inner.append((name, target))
    for name in list(graph):
        for target in list(graph[name]):
            parts = target.split(".")
            for end in range(2, len(parts)):
                package = ".".join(parts[:end])
                if package in modules and package != name and not name.startswith(package + "."):
                    graph[name].add(package)
    return graph, sorted(set(inner))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, neighbours = work[-1]
            for neighbour in neighbours:
                if neighbour not in index:
                    index[neighbour] = low[neighbour] = len(index)
                    stack.append(neighbour)
                    on_stack.add(neighbour)
                    work.append((neighbour, iter(sorted(graph[neighbour]))))
                    break
                if neighbour in on_stack:
                    low[node] = min(low[node], index[neighbour])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    graph, inner = import_graph(root)
    print(f"modules: {len(graph)}, edges: {sum(map(len, graph.values()))}")
    print(f"imports inside functions: {len(inner)}")
    for name, target in inner:
        print(f"    {name} -> {target}")
    print("cycles:", cycles(graph) or "none")


if __name__ == "__main__":
    main()
