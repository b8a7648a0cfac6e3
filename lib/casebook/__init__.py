"""casebook: rebuild a police case as a sourced event graph and check it against protocols.

The notebooks import only what is listed in ``__all__``; everything else may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import CasebookError, CasefileError, DefinitionError, Problem, ProtocolError

if TYPE_CHECKING:
    from .engine.graph import build_graph
    from .model.load import load_case

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """``build_graph`` and ``load_case`` on first use: ``casebook report`` and ``batch`` import
    the package without needing networkx or pydantic in the parent process."""
    if name == "build_graph":
        from .engine.graph import build_graph
        return build_graph
    if name == "load_case":
        from .model.load import load_case
        return load_case
    raise AttributeError(f"module 'casebook' has no attribute {name!r}")

__all__ = [
    "CasebookError",
    "CasefileError",
    "DefinitionError",
    "Problem",
    "ProtocolError",
    "__version__",
    "build_graph",
    "load_case",
]
