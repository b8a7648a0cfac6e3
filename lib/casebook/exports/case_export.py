"""What ``casebook export`` hands a format: one case as a reader of that audience may see it —
redacted before anything is written when asked — with its graph and, computed only when a
format asks, its findings under a lens."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from ..engine.protocols import Protocol
    from ..model.case import Case
    from ..views.audience import Audience

__all__ = ["CaseExport", "case_export", "export_case"]


@dataclass
class CaseExport:
    """One case to write: as loaded, or redacted (``redacted``: private persons by role, ids
    that name them aliased, every text redacted)."""

    case: Case
    protocols: list[Protocol]
    lens: str = "then"
    as_of: str | None = None
    viewer: Audience = field(default_factory=lambda: _audience("counsel"))
    redacted: bool = False
    _findings: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def graph(self) -> nx.DiGraph:
        from ..engine.graph import build_graph

        return build_graph(self.case)

    @property
    def shows_verdicts(self) -> bool:
        """Whether this audience sees how the record fared (violations on the nodes)."""
        return self.viewer.sees("findings")

    @property
    def findings(self) -> pd.DataFrame:
        if self._findings is None:
            from ..engine.findings import evaluate

            self._findings = evaluate(self.case, self.protocols,
                                      lens=self.lens,  # type: ignore[arg-type]
                                      as_of=self.as_of)
        return self._findings

    def violations(self) -> dict[str, list[str]]:
        """Rule ids violated at each event under the lens (empty when the audience does not
        see findings)."""
        if not self.shows_verdicts:
            return {}
        out: dict[str, list[str]] = {}
        frame = self.findings
        for rule, event in frame.loc[frame["violation"], ["rule", "event"]].itertuples(
                index=False, name=None):
            out.setdefault(str(event), [])
            if rule not in out[str(event)]:
                out[str(event)].append(str(rule))
        return out

    def fr_derived(self) -> set[str]:
        """Evidence derived from a face-recognition output, and every node that followed
        from one."""
        from ..engine.graph import fr_derived, fr_downstream

        g = self.graph
        return fr_derived(g) | fr_downstream(g)

    def label(self, actor_id: str) -> str:
        actor = self.case.actors.get(actor_id)
        return actor.label(self.redacted) if actor else actor_id

    def meta(self) -> dict[str, Any]:
        return {"case": self.case.id, "title": self.case.title, "lens": self.lens,
                "as_of": self.as_of, "redacted": self.redacted}


def case_export(path: str | Path, *, lens: str = "then", as_of: str | None = None,
                audience: str = "counsel", redact: bool = False,
                protocols: str = "all") -> CaseExport:
    """Load the case at ``path`` for export, redacted when ``redact``."""
    from ..engine.protocols import select_protocols
    from ..model.load import load_case
    from ..views.redact import redact_case

    case = load_case(path)
    protos = select_protocols(protocols)
    if redact:
        case, _redactor = redact_case(case, protos)
    return CaseExport(case, protos, lens, as_of, _audience(audience), redact)


def _audience(name: str) -> Audience:
    from ..views.audience import audience

    return audience(name)


def export_case(source: CaseExport, name: str, out: str | Path) -> list[Path]:
    """Write ``source`` in format ``name`` to ``out``; the files written."""
    from . import load_formats
    from .registry import FORMATS

    load_formats()
    fmt = FORMATS.get(name)
    if fmt is None or fmt.write_case is None:
        known = sorted(n for n, f in FORMATS.items() if f.write_case)
        raise ValueError(f"unknown export format {name!r}; known: {', '.join(known)}")
    return fmt.write_case(source, Path(out))
