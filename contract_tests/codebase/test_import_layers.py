"""The package's import order, written down: every module sits in one layer and imports only
from its own layer or the ones below it, the modules form no import circle, and nobody reaches
into a sibling package's private modules.

    leaves -> errors -> types -> helpers -> capabilities -> vendors -> decisions -> client
           -> sandbox / batch -> gateway -> cli

Imports under `if TYPE_CHECKING:` are names for mypy, not imports at run time, and do not
count; imports inside functions (the lazy ones) do.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from contract_tests.support.specs import ROOT

PACKAGE = ROOT / "wrappers" / "sora_unified"

# Each layer by the modules in it (a name ending in ".*" is a package and all its modules).
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "leaves",
        frozenset(
            {
                "_access_log",
                "_clock",
                "_constants",
                "_file_lock",
                "_lazy",
                "_pool",
                "_redact",
                "_shown",
                "_table",
                "_tls",
                "_urls",
                "_vendor_names",
                "_version",
                "_video_file",
                "_wire",
            }
        ),
    ),
    ("errors", frozenset({"errors"})),
    ("types", frozenset({"types"})),
    (
        "helpers",
        frozenset(
            {
                "_api_errors",
                "_download",
                "_http",
                "_images",
                "_limits",
                "_retry",
                "_server",
                "_status",
                "_wait",
            }
        ),
    ),
    ("capabilities", frozenset({"_capabilities.*", "_prices"})),
    ("vendors", frozenset({"vendors.*"})),
    (
        "decisions",
        frozenset(
            {
                "_budget",
                "_config",
                "_exit",
                "_image_uploads",
                "_planning",
                "_tasks",
                "callbacks",
            }
        ),
    ),
    ("client", frozenset({"", "_async_client", "_client", "_client_base", "_sync_client"})),
    ("sandbox / batch", frozenset({"sandbox.*", "batch.*"})),
    ("gateway / temporal", frozenset({"gateway.*", "temporal.*"})),
    ("testing", frozenset({"testing.*"})),
    ("cli", frozenset({"cli.*", "demo", "__main__"})),
)
# Packages whose underscored modules are theirs alone: others import the package's own names.
PACKAGES = (
    "batch",
    "cli",
    "gateway",
    "sandbox",
    "temporal",
    "testing",
    "vendors",
    "_capabilities",
)


def _name(path: Path) -> str:
    """A module's name inside sora_unified ("" for the package itself)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            yield from (n for child in node.orelse for n in _import_nodes_of(child))
            continue
        yield from _import_nodes_of(node)


def _import_nodes_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    elif not (isinstance(node, ast.If) and _type_checking_only(node)):
        yield from _import_nodes(node)


def _resolve(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The sora_unified modules `node` imports, by their names inside the package."""
    known = modules()
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
        yield from (
            t.removeprefix("sora_unified").lstrip(".")
            for t in targets
            if t == "sora_unified" or t.startswith("sora_unified.")
        )
        return
    if node.level:
        is_package = modules()[module].name == "__init__.py"
        base = module.split(".") if module else []
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        target = ".".join([*base, *([node.module] if node.module else [])])
    elif node.module and (node.module == "sora_unified" or node.module.startswith("sora_unified.")):
        target = node.module.removeprefix("sora_unified").lstrip(".")
    else:
        return
    for alias in node.names:
        submodule = f"{target}.{alias.name}" if target else alias.name
        yield submodule if submodule in known else target


@cache
def imports() -> dict[str, frozenset[str]]:
    """Each module's run-time imports of other sora_unified modules."""
    found: dict[str, frozenset[str]] = {}
    for module, path in modules().items():
        tree = ast.parse(path.read_text(), str(path))
        targets = {t for node in _import_nodes(tree) for t in _resolve(module, node)}
        found[module] = frozenset(targets - {module})
    return found


def layer_of(module: str) -> int:
    for index, (_, members) in enumerate(LAYERS):
        for member in members:
            if member.endswith(".*"):
                package = member[:-2]
                if module == package or module.startswith(package + "."):
                    return index
            elif module == member:
                return index
    raise LookupError(module)


def test_every_module_has_a_layer() -> None:
    missing = []
    for module in modules():
        try:
            layer_of(module)
        except LookupError:
            missing.append(module or "sora_unified")
    assert not missing, f"add these modules to a layer in {__name__}.LAYERS: {missing}"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = [
        f"{module or 'sora_unified'} ({LAYERS[layer_of(module)][0]}) imports"
        f" {target or 'sora_unified'} ({LAYERS[layer_of(target)][0]})"
        for module, targets in imports().items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert not upward, "\n".join(upward)


def _circles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_modules_form_no_import_circle() -> None:
    assert _circles(imports()) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset()}
    assert _circles(graph) == [["a", "b", "c"]]


def _is_private_to_a_sibling(module: str, target: str) -> str | None:
    for package in PACKAGES:
        inside = target.startswith(package + ".")
        private = inside and target.split(".")[1].startswith("_")
        if private and not (module == package or module.startswith(package + ".")):
            return package
    return None


def test_no_module_reaches_into_a_sibling_packages_private_modules() -> None:
    reaching = [
        f"{module or 'sora_unified'} imports {target} (use what sora_unified.{package} exports)"
        for module, targets in imports().items()
        for target in sorted(targets)
        if (package := _is_private_to_a_sibling(module, target))
    ]
    assert not reaching, "\n".join(reaching)


def test_vendor_adapters_never_import_each_other() -> None:
    adapters = {m for m in modules() if m.startswith("vendors.") and m != "vendors.base"}
    crossing = [(m, t) for m in adapters for t in imports()[m] if t in adapters]
    assert crossing == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from .errors import SoraError", {"errors"}),
        ("from . import types", {"types"}),
        ("import sora_unified.vendors.kie", {"vendors.kie"}),
        ("if TYPE_CHECKING:\n    from .vendors.base import VendorAdapter", set()),
        ("def f():\n    from .cli import main", {"cli"}),
    ],
)
def test_imports_are_read_as_python_reads_them(source: str, expected: set[str]) -> None:
    tree = ast.parse(source)
    found = {t for node in _import_nodes(tree) for t in _resolve("_planning", node)}
    assert found == expected
