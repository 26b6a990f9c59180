"""The shape of the code (ARCHITECTURE.md): layers, no import cycle, modules of a readable size,
no branching on a method's name outside the methods."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from bulletin.methods import METHODS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bulletin"
MAX_LINES = 450
# modules allowed over MAX_LINES, each with the reason
LONG_MODULES: dict[str, str] = {}


def test_import_contracts_are_kept():
    """import-linter checks the layers and the renderer's independence ([tool.importlinter] in pyproject.toml)."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is not installed (pip install -e '.[dev]')"
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _cycles(adjacency: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), i.e. import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in adjacency[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(adjacency):
        if v not in index:
            visit(v)
    return found


def test_cycles_are_found_when_there_are_some():
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert _cycles({"a": ["b"], "b": []}) == []


def test_no_two_modules_import_each_other():
    """Not even through others, and not hidden in a function body (grimp sees every import)."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    graph = grimp.build_graph("bulletin", exclude_type_checking_imports=True)
    adjacency = {m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i in graph.modules)
                 for m in graph.modules}
    assert _cycles(adjacency) == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_readable(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    name = str(path.relative_to(ROOT))
    assert lines <= MAX_LINES or name in LONG_MODULES, f"{name} has {lines} lines; split it (or say why in LONG_MODULES)"


def test_nothing_branches_on_a_method_name_outside_the_methods():
    """A method's name appears as text only in bulletin/methods/; elsewhere the Method object is asked."""
    names = set(METHODS)
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "methods" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in names:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
            if (isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute)
                    and node.left.attr == "method"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: compares .method")
    assert offenders == []
