"""casebook: rebuild a police case as a sourced event graph and check it against protocols.

The package is layered (docs/architecture.md): ``model`` → ``engine`` → ``views`` → ``exports``
→ ``notebook`` → ``run`` → ``cli``. The notebooks call only the facades of
:mod:`casebook.notebook`; programs use the names in ``__all__``. Everything else may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import CasebookError, CasefileError, DefinitionError, Problem, ProtocolError

if TYPE_CHECKING:
    from .engine.findings import evaluate
    from .engine.graph import build_graph
    from .model.load import load_case

__version__ = "0.1.0"

_LAZY = {"build_graph": "engine.graph", "evaluate": "engine.findings", "load_case": "model.load"}


def __getattr__(name: str) -> Any:
    """``build_graph``, ``evaluate`` and ``load_case`` on first use: ``casebook report`` and
    ``batch`` import the package without needing networkx, pandas or pydantic in the parent
    process."""
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'casebook' has no attribute {name!r}")


__all__ = [
    "CasebookError",
    "CasefileError",
    "DefinitionError",
    "Problem",
    "ProtocolError",
    "__version__",
    "build_graph",
    "evaluate",
    "load_case",
]
