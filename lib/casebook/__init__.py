"""casebook: rebuild a police case as a sourced event graph and check it against protocols.

The notebooks import only what is listed in ``__all__``; everything else may change.
"""

from __future__ import annotations

from .errors import CasebookError, CasefileError, DefinitionError, Problem, ProtocolError
from .graph import build_graph
from .load import load_case

__version__ = "0.1.0"

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
