"""Sources as a reader cites them: "Ex. 3, ACLU, “Complaint” (2021), p. 12, ¶ 48".

A citation is the source's short form (its ``cite``, else publisher, title and year), its
exhibit number, and the pinpoint it was cited with, linked to the source's URL. Tables hold
:class:`Citation` values; the HTML renders them as links, the exports as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model.case import Case
from ..model.casefile import Pinpoint
from ..model.dates import parse_edtf

__all__ = ["Citation", "citation", "citations", "compact", "pinned"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited source: what a reader sees, and where it links to."""

    text: str
    url: str | None = None
    source: str = ""  # the source id, for a program or a lookup
    short: str = ""  # the compact form for dense tables: exhibit or short title, year, pinpoint

    def __str__(self) -> str:
        return self.text

    def compact(self) -> Citation:
        """The same citation in its compact form (the full one is in the exhibit list)."""
        return Citation(self.short or self.text, self.url, self.source, self.short)


def _when(value: str | int | None) -> str:
    if value is None:
        return ""
    try:
        return parse_edtf(value).human()
    except ValueError:
        return str(value)


def citation(case: Case, source: str, pin: Pinpoint | None = None) -> Citation:
    """One source cited, with its pinpoint (``pin``, else the one it carries, if any)."""
    pin = pin or getattr(source, "pin", None)
    src = case.sources.get(source)
    if src is None:
        return Citation(str(source), None, str(source))
    exhibit = (pin.exhibit if pin and pin.exhibit else None) or src.exhibit
    head = src.cite or f"{src.publisher}, “{src.title}”"
    when = _when(src.date) if not src.cite else ""
    pinpoint = _pin_text(pin)
    text = ", ".join(p for p in (exhibit, head + (f" ({when})" if when else ""), pinpoint)
                     if p)
    year = str(src.date)[:4] if src.date is not None else ""
    brief = exhibit or src.cite or f"{src.publisher}, “{_clip(src.title, 36)}”" + (
        f" ({year})" if year.isdigit() else "")
    return Citation(text, src.url, str(source), ", ".join(p for p in (brief, pinpoint) if p))


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + "…"


def _pin_text(pin: Pinpoint | None) -> str:
    if pin is None:
        return ""
    return Pinpoint.model_validate({**pin.model_dump(), "exhibit": None}).text()


def citations(case: Case, sources: Iterable[str]) -> tuple[Citation, ...]:
    """Each source cited once, in the order given."""
    seen: dict[str, Citation] = {}
    for source in sources:
        if str(source) not in seen:
            seen[str(source)] = citation(case, source)
    return tuple(seen.values())


def pinned(case: Case, owner: Any, ids: Iterable[str]) -> tuple[Citation, ...]:
    """The sources ``ids`` (a finding's), cited with the pinpoints ``owner`` (its event) was
    written with — on the event itself or on one of its claims."""
    pins: dict[str, Pinpoint] = {}
    refs = [*getattr(owner, "sources", ()), *(ref for claims in
                                               getattr(owner, "facts", {}).values()
                                               for claim in claims for ref in claim.sources)]
    refs += [ref for claim in getattr(owner, "when", ()) for ref in claim.sources]
    for ref in refs:
        pin = getattr(ref, "pin", None)
        if pin is not None:
            pins.setdefault(str(ref), pin)
    return tuple(citation(case, sid, pins.get(sid)) for sid in dict.fromkeys(ids) if sid)


def compact(cited: Iterable[Citation], most: int = 4) -> tuple[Citation, ...]:
    """Citations in compact form for a dense table: at most ``most``, then how many more
    (every one is in the exhibit list and the exports)."""
    items = [c.compact() for c in cited]
    if len(items) <= most:
        return tuple(items)
    rest = len(items) - (most - 1)
    return (*items[:most - 1], Citation(f"and {rest} more sources"))
