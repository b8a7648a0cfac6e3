"""Numbers the sources give loosely — "about six days", "16 to 17 months", "more than $8,000" —
kept as honest ranges, the way dates keep their precision.

A number fact may be written as a plain number (``30``) or as a quantity:

========== ========================================= ============================
written     meaning                                   bounds
========== ========================================= ============================
``6~``      about 6                                   6 - margin … 6 + margin
``16..17``  somewhere from 16 to 17                   16 … 17
``8000..``  at least 8,000 ("more than $8,000")       8000 … no upper bound
``..3``     at most 3                                 no lower bound … 3
========== ========================================= ============================

The margin of ``~`` is a tenth of the number, and at least 1 (``6~`` is 5 … 7, ``120~`` is
108 … 132): "about" in a source rarely means more precision than that. Checks compare bounds,
never a midpoint: a range that straddles a rule's threshold decides nothing (``unknown``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Quantity", "QuantitySyntaxError", "parse_quantity"]

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_FORMS = re.compile(rf"^(?:(?P<about>{_NUMBER})~|(?P<lo>{_NUMBER})?\.\.(?P<hi>{_NUMBER})?)$")


class QuantitySyntaxError(ValueError):
    """Not a number or a quantity; ``message`` says what is expected."""

    def __init__(self, text: str) -> None:
        self.message = (f"{text!r} is not a number or a quantity; write a number (30), about "
                        "a number (6~), a range (16..17), at least (8000..) or at most (..3)")
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as the sources give it: the text and the lowest and highest it can mean."""

    text: str
    low: float
    high: float
    approximate: bool = False

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def at_least(self, minimum: float) -> bool | None:
        """True when every value it can mean is ≥ ``minimum``, False when none is, else None."""
        if self.low >= minimum:
            return True
        if self.high < minimum:
            return False
        return None

    def at_most(self, maximum: float) -> bool | None:
        """True when every value it can mean is ≤ ``maximum``, False when none is, else None."""
        if self.high <= maximum:
            return True
        if self.low > maximum:
            return False
        return None

    def human(self) -> str:
        """'about 6', '16 to 17', 'at least 8,000', 'at most 3' or the number."""
        if self.approximate:
            return f"about {_num(self.low + (self.high - self.low) / 2)}"
        if self.exact:
            return _num(self.low)
        if math.isinf(self.high):
            return f"at least {_num(self.low)}"
        if math.isinf(self.low):
            return f"at most {_num(self.high)}"
        return f"{_num(self.low)} to {_num(self.high)}"


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,}"


def parse_quantity(value: int | float | str) -> Quantity:
    """A quantity from a number or a written form (module docstring); raises
    :class:`QuantitySyntaxError`."""
    if isinstance(value, bool):
        raise QuantitySyntaxError(str(value))
    if isinstance(value, int | float):
        return Quantity(str(value), float(value), float(value))
    text = str(value).strip().replace(",", "")
    m = _FORMS.match(text)
    if not m:
        try:
            number = float(text)
        except ValueError:
            raise QuantitySyntaxError(str(value)) from None
        return Quantity(str(value), number, number)
    if m["about"] is not None:
        n = float(m["about"])
        margin = max(1.0, n / 10)
        return Quantity(str(value), n - margin, n + margin, approximate=True)
    if m["lo"] is None and m["hi"] is None:
        raise QuantitySyntaxError(str(value))
    low = float(m["lo"]) if m["lo"] is not None else -math.inf
    high = float(m["hi"]) if m["hi"] is not None else math.inf
    if low > high:
        raise QuantitySyntaxError(str(value))
    return Quantity(str(value), low, high)
