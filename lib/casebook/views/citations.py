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

__all__ = ["Citation", "citation", "citations", "pinned"]


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited source: what a reader sees, and where it links to."""

    text: str
    url: str | None = None
    source: str = ""  # the source id, for a program or a lookup

    def __str__(self) -> str:
        return self.text


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
    text = ", ".join(p for p in (exhibit, head + (f" ({when})" if when else ""),
                                 _pin_text(pin)) if p)
    return Citation(text, src.url, str(source))


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
