"""No module of imagekit_server imports another that imports it back, directly or around a
loop (docs/architecture.md). The graph is read from the source with ``ast``: every import
statement counts, at module level, under ``if TYPE_CHECKING:`` and inside functions, so a
deferred import cannot hide a cycle. (The layers between packages are import-linter's
contracts in pyproject.toml.)"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "imagekit_server"

Graph = dict[str, set[str]]


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported_names(module: str, path: Path) -> Iterator[str]:
    """Dotted names each import statement of the module reaches, relative ones resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import name`: name may be a submodule or an attribute of pkg.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> Graph:
    modules = _modules()

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: Graph = {module: set() for module in modules}
    for module, path in modules.items():
        for name in _imported_names(module, path):
            target = owner(name)
            if target is not None and target != module:
                graph[module].add(target)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
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
            node, targets = work[-1]
            target = next(targets, None)
            if target is None:
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
            elif target not in index:
                index[target] = low[target] = len(index)
                stack.append(target)
                on_stack.add(target)
                work.append((target, iter(sorted(graph[target]))))
            elif target in on_stack:
                low[node] = min(low[node], index[target])
    return found


def _describe(graph: Graph, component: list[str]) -> str:
    members = set(component)
    edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & members)]
    return "cycle: " + "; ".join(edges)


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert "imagekit_server.app" in graph and "imagekit_server.context" in graph
    assert "imagekit_server.settings" in graph["imagekit_server.context"]
    # Deferred imports count: cli/commands.py imports the app only inside a command.
    assert "imagekit_server.app" in graph["imagekit_server.cli.commands"]


def test_cycles_are_found_and_named() -> None:
    graph: Graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert _describe(graph, ["a", "b", "c"]) == "cycle: a -> b; b -> c; c -> a"


def test_no_module_imports_in_a_cycle() -> None:
    graph = import_graph()
    found = [_describe(graph, component) for component in cycles(graph)]
    assert not found, "\n".join(found)
