"""The package's layers import only downward, and the test support stays out of the product.

core (errors, paths, atomic) → model → intake → engine → views → exports → notebook → run →
cli. A module may import from its own layer and the layers below it, lazily inside a function
as much as at the top. ``casebook.testing`` (the synthetic-case generator) is imported by the
tests, the benchmarks and — lazily — the ``synth`` command only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "lib" / "casebook"
LAYERS = ["core", "model", "intake", "engine", "views", "exports", "notebook", "run", "cli"]
CORE = {"errors", "paths", "atomic"}


def _module_name(path: Path) -> str:
    parts = ["casebook", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, module: str, is_package: bool) -> list[tuple[str, list[str]]]:
    """(absolute module, names) for every import of ``source``, lazy ones included."""
    package = module if is_package else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            out.append((name, [a.name for a in node.names]))
    return out


def _layer(module: str) -> str | None:
    """The layer of a casebook module (None: the package root or not casebook)."""
    parts = module.split(".")
    if parts[0] != "casebook" or len(parts) == 1:
        return None
    return "core" if parts[1] in CORE else parts[1]


def _violations(source: str, module: str, is_package: bool = False) -> list[str]:
    mine = _layer(module)
    bad = []
    for target, names in _imports(source, module, is_package):
        if target == "casebook":  # the package root: only its version
            targets = [f"casebook.{n}" for n in names if n != "__version__"]
        else:
            targets = [target]
        for t in targets:
            theirs = _layer(t)
            if theirs is None:
                continue
            if theirs == "testing" and mine not in ("cli", "testing"):
                bad.append(f"{module} imports {t} (test support)")
            elif theirs in LAYERS and mine in LAYERS and \
                    LAYERS.index(theirs) > LAYERS.index(mine):
                bad.append(f"{module} ({mine}) imports {t} ({theirs}), a higher layer")
    return bad


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer() -> None:
    layers = {_layer(_module_name(p)) for p in _modules()} - {None}
    assert layers <= {*LAYERS, "testing"}, layers - {*LAYERS, "testing"}


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down_the_layers(path: Path) -> None:
    module = _module_name(path)
    assert _violations(path.read_text(encoding="utf-8"), module,
                       path.name == "__init__.py") == []


def test_the_layer_check_catches_what_it_is_meant_to() -> None:
    source = ("from ..views.tables import cast_table\n"
              "def f():\n    from ..run import batch\n"
              "from .. import __version__\nfrom ..errors import CasebookError\n"
              "from ..testing.synth import synth_case\n")
    found = _violations(source, "casebook.engine.findings")
    assert sorted(found) == [
        "casebook.engine.findings (engine) imports casebook.run (run), a higher layer",
        "casebook.engine.findings (engine) imports casebook.views.tables (views), a higher layer",
        "casebook.engine.findings imports casebook.testing.synth (test support)"]
    assert _violations("from . import report\n", "casebook.run", is_package=True) == []
    assert _violations("from .. import notebook\n", "casebook.model.case") != []


def test_nothing_outside_tests_and_benches_imports_the_generator() -> None:
    users = [p for p in [*_modules(), *(ROOT / "notebooks").glob("*.ipynb")]
             if "casebook.testing" in p.read_text(encoding="utf-8")
             or "..testing" in p.read_text(encoding="utf-8")]
    assert [str(p.relative_to(ROOT)) for p in users] == ["lib/casebook/cli/main.py"]
