"""The check vocabulary: every check a protocol rule may name, registered once.

As in pandera, a check is a registered name with declared, validated parameters; a rule says
``check: {fact_is: {fact: blind_administration, expected: [true]}}``. Each check looks at one
event of a case and returns an :class:`Outcome`:

- ``pass`` / ``fail`` — the record decides it; the outcome says on whose account, from which
  claims and sources, and through which chain of ids;
- ``unknown`` — the record is silent (absent or ``unknown`` facts). Unknown is never a pass;
- ``not_applicable`` — the rule's premise does not hold at this event (e.g. no FR output
  upstream of it).

When claims disagree on the result, the outcome is ``fail`` with ``disputed`` set: the record
holds an account of the failure, and the dispute is shown, not resolved.
"""

from __future__ import annotations

from . import (  # noqa: F401  (each registers its checks)
    disclosure,
    facts,
    identification,
    order,
    premises,
    provenance,
)
from .base import CHECKS, PREMISES, Check, CheckContext, Outcome, Status, register, register_premise

__all__ = ["CHECKS", "PREMISES", "Check", "CheckContext", "Outcome", "Status", "register",
           "register_premise"]
