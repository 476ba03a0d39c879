"""The import graph reads top-down (CLI -> engines -> registry, rules, kinds -> data) without cycles.

Every ``import`` of a connerr module counts, at module level or inside a function (a lazy import is
still a dependency); imports under ``if TYPE_CHECKING:`` do not run and are left out. A new module
must be given its layer here, which is the point: where it sits is a decision.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set

import connerr

PACKAGE = Path(connerr.__file__).parent

#: module -> layer; a module may import only from its own layer or lower ones
LAYERS: Dict[str, int] = {
    # data and plumbing
    **dict.fromkeys(("_version", "_data", "_namedtuple", "_native_types", "_cli_common", "_domains"), 0),
    # the registry, the kind table and the indexes over the data files
    **dict.fromkeys(
        ("platforms", "taxonomy", "_fastindex", "pyrules", "_aliases", "_evidence", "_recognise"), 1
    ),
    # the rule table, answers and records, the live machine
    **dict.fromkeys(
        (
            "_rules",
            "_diagnosis",
            "exceptions",
            "reference",
            "notes",
            "native",
            "_backend_cffi",
            "_backend_python",
            "_native",
        ),
        2,
    ),
    # what users call: normalize, translate, explain, the fault servers and probes
    **dict.fromkeys(
        (
            "_normalize",
            "_translate",
            "_explain",
            "_logscan",
            "faults",
            "probe",
            "matrix",
            "testing",
            "_retry",
            "_table",
        ),
        3,
    ),
    # the command line
    **dict.fromkeys(("cli", "_explain_cli", "_probe_cli", "_answers", "__main__"), 4),
}


def _modules() -> List[str]:
    return sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run: ``if TYPE_CHECKING:`` bodies are skipped (their ``else`` is kept)."""
    stack: List[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imports_of(module: str) -> Set[str]:
    """The connerr modules ``module`` imports when it runs."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    known = set(_modules())
    found: Set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "connerr" and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "connerr":
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(a.name for a in node.names if a.name in known)
    found.discard(module)
    return found


def test_every_module_has_a_layer() -> None:
    assert set(_modules()) - set(LAYERS) == set()


def test_imports_go_down_the_layers() -> None:
    upward = [
        (module, target)
        for module in _modules()
        for target in sorted(imports_of(module))
        if LAYERS.get(target, -1) > LAYERS[module]
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    graph = {module: imports_of(module) for module in _modules()}
    cycles: List[List[str]] = []
    state: Dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: List[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_walk_sees_lazy_imports() -> None:
    """Guard against a walk that sees nothing: known edges, lazy and eager, are found."""
    assert "_normalize" in imports_of("_translate")
    assert "native" in imports_of("_normalize")  # imported inside a function
    assert "_explain" in imports_of("_explain_cli")
