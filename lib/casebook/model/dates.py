"""EDTF dates with honest bounds.

Contract
--------
``parse_edtf`` reads one date written in EDTF (Library of Congress Extended Date/Time
Format): level 0 plus the level-1 features case files need (qualifiers ``~ ? %``, seasons
21-24, an unspecified last digit ``X``, open and unknown span ends) and the "one of a set"
forms ``[a..b]`` and ``[a, b, c]``. It returns an :class:`Edtf` whose ``earliest`` and
``latest`` are the first and last calendar day the text can mean. Precision is never
invented: ``2019-07`` is the whole of July, and a qualified date is widened by a documented
margin (``APPROXIMATE_MARGIN``, ``UNCERTAIN_MARGIN``) so that it cannot sort as if precise.
Open ends are ``date.min`` / ``date.max``.

Every comparison in this module (``definitely_before``, ``possibly_before``, ``overlaps``,
``hull``, ``in_force_on``) looks only at those bounds.

Any ``str`` either parses or raises :class:`DateSyntaxError`, whose message is one sentence
naming what was expected. Results are cached, so parsing the same text again is cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Final, Literal, NamedTuple, NoReturn

__all__ = [
    "APPROXIMATE_MARGIN",
    "UNCERTAIN_MARGIN",
    "DateSyntaxError",
    "Edtf",
    "Margin",
    "definitely_before",
    "hull",
    "in_force_on",
    "is_edtf",
    "overlaps",
    "parse_edtf",
    "possibly_before",
]


class DateSyntaxError(ValueError):
    """Raised for text that is not a supported EDTF date.

    ``message`` is one sentence saying what was expected, ``column`` the 0-based offset of
    the offending part in ``text`` (the stripped text), so an editor can point at it.
    """

    def __init__(self, text: str, reason: str, column: int = 0) -> None:
        self.text = text
        self.reason = reason
        self.column = column
        self.message = f"{text!r} is not an EDTF date: {reason}"
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type[DateSyntaxError], tuple[str, str, int]]:
        # Keeps the error picklable (e.g. across pytest-xdist workers) despite the custom init.
        return (type(self), (self.text, self.reason, self.column))


class Margin(NamedTuple):
    """How far a qualifier moves each bound outwards: whole days plus whole months."""

    days: int = 0
    months: int = 0


# One unit of the date's own precision on each side; an approximate or uncertain date must
# not sort as if it were exact. '%' (both) applies both tables, i.e. twice.
_ONE_UNIT: Final = {
    "day": Margin(days=3),
    "month": Margin(months=1),
    "season": Margin(months=1),
    "year": Margin(months=12),
    "decade": Margin(months=120),
}
APPROXIMATE_MARGIN: Final[Mapping[str, Margin]] = MappingProxyType(dict(_ONE_UNIT))
"""Widening for '~' (and half of '%'), by kind of date."""
UNCERTAIN_MARGIN: Final[Mapping[str, Margin]] = MappingProxyType(dict(_ONE_UNIT))
"""Widening for '?' (and the other half of '%'), by kind of date."""


@dataclass(frozen=True, slots=True)
class Edtf:
    """One parsed date: the text as written and the days it can possibly mean."""

    text: str
    earliest: date
    latest: date
    kind: str  # "day" | "month" | "season" | "year" | "decade" | "span" | "one-of"
    approximate: bool = False
    uncertain: bool = False
    # Spans 'a/b' and ranges '[a..b]': the two ends, None when open ('..') or unknown ('').
    start: Edtf | None = None
    end: Edtf | None = None
    # Lists '[a, b, c]': the candidates.
    options: tuple[Edtf, ...] = ()

    def human(self) -> str:
        """Plain English for reports, e.g. 'about July 2019' or 'from 9 to 10 January 2020'."""
        if self.kind == "span":
            return _human_span(self)
        if self.kind == "one-of":
            return _human_one_of(self)
        return _qualified(_plain(self), self)

    @property
    def is_point(self) -> bool:
        """True for a single day known exactly, the only kind that may be treated as one day."""
        return self.kind == "day" and not (self.approximate or self.uncertain)

    @property
    def is_span(self) -> bool:
        """True when the event lasted from one date to another ('a/b')."""
        return self.kind == "span"

    def sort_key(self) -> tuple[date, date]:
        """Order by earliest possible day, then latest: imprecise dates sort by their bounds."""
        return (self.earliest, self.latest)


# --- parsing ------------------------------------------------------------------------------

# The fast path: every single date (level 0, qualifier, season, unspecified digits) in one
# regex; meaning (month 13, 30 February, ...) is checked afterwards by _build.
_SINGLE: Final = re.compile(r"([0-9]{3}[0-9X])(?:-([0-9]{2}|XX)(?:-([0-9]{2}|XX))?)?([~?%])?")
_RUN: Final = re.compile(r"[0-9Xxu]*")
_TIME: Final = re.compile(r"[0-9]{1,2}:[0-9]{2}")
_YMD_SLASHED: Final = re.compile(r"([0-9]{4})([/.])([0-9]{1,2})[/.]([0-9]{1,2})")
_DMY_SLASHED: Final = re.compile(r"[0-9]{1,2}[/.][0-9]{1,2}[/.][0-9]{2,4}")
_YM_SLASHED: Final = re.compile(r"([0-9]{4})/([0-9])?([0-9])")
_WORD: Final = re.compile(r"[A-Za-z]+")
_YEAR_IN_WORDS: Final = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_DAY_IN_WORDS: Final = re.compile(r"(?<![0-9])[0-9]{1,2}(?![0-9])")

_MONTHS: Final = (
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MAX_YEAR: Final = date.max.year
_SEASONS: Final = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}
_MONTH_NAMES: Final = {
    **{name.lower(): n for n, name in enumerate(_MONTHS) if n},
    **{name[:3].lower(): n for n, name in enumerate(_MONTHS) if n},
    "sept": 9,
}
_SEASON_NAMES: Final = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_EXAMPLES: Final = "a date such as 2019-07-01, 2019-07 or 2019"


class _Reject(Exception):
    """Internal: a reason and column, turned into DateSyntaxError with the full text."""

    def __init__(self, column: int, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def parse_edtf(text: str | int) -> Edtf:
    """Parse one EDTF date; an int (a bare year from YAML, e.g. 2019) is read as its digits."""
    if type(text) is str:
        return _parse_cached(text)
    if isinstance(text, str):
        return _parse_cached(str(text))
    if isinstance(text, int) and not isinstance(text, bool):
        return _parse_cached(str(text))
    raise DateSyntaxError(repr(text), f"expected {_EXAMPLES}, got a {type(text).__name__}")


def is_edtf(text: str | int) -> bool:
    """True when ``parse_edtf`` would accept the text (for validators that only need yes/no)."""
    try:
        parse_edtf(text)
    except DateSyntaxError:
        return False
    return True


@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> Edtf:
    s = text.strip()
    try:
        match = _SINGLE.fullmatch(s)
        if match:
            return _build(match, 0)
        return _parse_slow(s)
    except _Reject as reject:
        raise DateSyntaxError(s, reject.reason, reject.column) from None


def _parse_slow(s: str) -> Edtf:
    """Everything but a plain single date: sets, spans, and precise diagnoses."""
    if not s:
        raise _Reject(0, f"the text is empty (expected {_EXAMPLES})")
    if m := _YMD_SLASHED.fullmatch(s):
        fixed = f"{m[1]}-{int(m[3]):02d}-{int(m[4]):02d}"
        raise _Reject(4, f"use '-' between year, month and day, not {m[2]!r} (write {fixed})")
    if _DMY_SLASHED.fullmatch(s):
        raise _Reject(0, "write the date as YYYY-MM-DD with a four-digit year first")
    if m := _YM_SLASHED.fullmatch(s):
        fixed = f"{m[1]}-{m[2] or '0'}{m[3]}"
        raise _Reject(4, f"'/' separates the start and end of a span (write {fixed} for a month)")
    if s[0] in "[{":
        return _parse_set(s)
    if "/" in s:
        return _parse_span(s)
    return _single(s, 0)


def _single(piece: str, base: int) -> Edtf:
    """One date that is not a span or set; ``base`` is its column in the whole text."""
    match = _SINGLE.fullmatch(piece)
    if match is None:
        _diagnose(piece, base)
    return _build(match, base)


def _parse_span(s: str) -> Edtf:
    slash = s.index("/")
    if (second := s.find("/", slash + 1)) >= 0:
        raise _Reject(second, "a span has exactly one '/' between its start and its end")
    left, right = s[:slash], s[slash + 1 :]
    start = _span_end(left, 0)
    end = _span_end(right, slash + 1)
    if start is None and end is None:
        raise _Reject(0, "a span needs at least one date (e.g. 2019-07/2019-08 or 2019-07/..)")
    return _joined(s, "span", start, end, left, right)


def _span_end(piece: str, base: int) -> Edtf | None:
    if piece in ("", ".."):
        return None
    if piece[0] == "[":
        raise _Reject(base, "the ends of a span are single dates, not sets")
    return _single(piece, base)


def _parse_set(s: str) -> Edtf:
    if s[0] == "{":
        raise _Reject(0, "'{...}' (all of a set) is not supported (write [a, b] for one of them)")
    close = s.find("]")
    if close < 0:
        raise _Reject(len(s), "a set must end with ']'")
    if close != len(s) - 1:
        raise _Reject(close + 1, "nothing may follow ']' (qualify the dates inside instead)")
    inner = s[1:-1]
    if not inner.strip():
        raise _Reject(1, "the set is empty (expected [a..b] or [a, b, c])")
    if "," in inner or ".." not in inner:
        return _parse_list(s, inner)
    dots = inner.index("..")
    if (again := inner.find("..", dots + 2)) >= 0:
        raise _Reject(1 + again, "a range has one '..' between its first and last day")
    lo_text, hi_text = inner[:dots], inner[dots + 2 :]
    lo = _single(lo_text, 1) if lo_text else None
    hi = _single(hi_text, 1 + dots + 2) if hi_text else None
    if lo is None and hi is None:
        raise _Reject(1, "a range needs at least one date ([a..b], [..b] or [a..])")
    return _joined(s, "one-of", lo, hi, lo_text, hi_text)


def _parse_list(s: str, inner: str) -> Edtf:
    options: list[Edtf] = []
    offset = 1
    for raw in inner.split(","):
        item = raw.strip()
        column = offset + len(raw) - len(raw.lstrip())
        if not item:
            raise _Reject(column, "an item of the list is empty (expected [a, b, c])")
        if ".." in item:
            reason = "a list cannot contain a range (write [a..b] alone, or single dates)"
            raise _Reject(column + item.index(".."), reason)
        options.append(_single(item, column))
        offset += len(raw) + 1
    return Edtf(
        s,
        min(o.earliest for o in options),
        max(o.latest for o in options),
        "one-of",
        any(o.approximate for o in options),
        any(o.uncertain for o in options),
        options=tuple(options),
    )


def _joined(s: str, kind: str, a: Edtf | None, b: Edtf | None, a_text: str, b_text: str) -> Edtf:
    """A span or range from two ends; either end may be None (open or unknown)."""
    if a is not None and b is not None and a.earliest > b.latest:
        what = "span" if kind == "span" else "range"
        raise _Reject(0, f"inverted {what}: it starts after it ends ({a_text} is after {b_text})")
    ends = [e for e in (a, b) if e is not None]
    return Edtf(
        s,
        a.earliest if a is not None else date.min,
        b.latest if b is not None else date.max,
        kind,
        any(e.approximate for e in ends),
        any(e.uncertain for e in ends),
        start=a,
        end=b,
    )


def _build(match: re.Match[str], base: int) -> Edtf:
    """Bounds for a single date that has the right shape; rejects dates that do not exist."""
    year_text, month_text, day_text, qualifier = match.groups()
    if year_text[3] == "X":
        if month_text is not None:
            raise _Reject(base + 5, "a year with an unspecified digit has no month (write 201X)")
        decade = int(year_text[:3]) * 10
        kind, lo, hi = "decade", date(max(decade, 1), 1, 1), date(decade + 9, 12, 31)
    else:
        year = int(year_text)
        if year == 0:
            raise _Reject(base, "year 0000 is not supported (expected a year 0001-9999)")
        if month_text is None or month_text == "XX":
            if month_text and day_text not in (None, "XX"):
                raise _Reject(base + 8, "a day needs a known month (write 2019-XX for some month)")
            kind, lo, hi = "year", date(year, 1, 1), date(year, 12, 31)
        else:
            kind, lo, hi = _month_or_day(year, int(month_text), day_text, base)
    approximate = qualifier in ("~", "%")
    uncertain = qualifier in ("?", "%")
    if approximate:
        lo, hi = _widen(lo, hi, APPROXIMATE_MARGIN[kind])
    if uncertain:
        lo, hi = _widen(lo, hi, UNCERTAIN_MARGIN[kind])
    return Edtf(match[0], lo, hi, kind, approximate, uncertain)


def _month_or_day(year: int, month: int, day_text: str | None, base: int) -> tuple[str, date, date]:
    if month in _SEASONS:
        if day_text is not None:
            raise _Reject(base + 8, f"a season has no day (write {year:04d}-{month})")
        first = 3 * (month - 20)  # 21 -> March ... 24 -> December
        return "season", date(year, first, 1), _month_end(year, first + 2)
    if 25 <= month <= 41:
        raise _Reject(base + 5, f"season {month} is not supported (expected 21-24, spring-winter)")
    if not 1 <= month <= 12:
        expected = "01-12, or 21-24 for a season"
        raise _Reject(base + 5, f"month {month:02d} does not exist (expected {expected})")
    if day_text is None or day_text == "XX":
        return "month", date(year, month, 1), _month_end(year, month)
    day, length = int(day_text), _month_end(year, month).day
    if not 1 <= day <= length:
        where = f"{_MONTHS[month]} {year}"
        raise _Reject(base + 8, f"day {day_text} does not exist in {where} (expected 01-{length})")
    return "day", date(year, month, day), date(year, month, day)


def _month_end(year: int, month: int) -> date:
    """Last day of a month; months past December roll into the next year (for seasons)."""
    if month > 12:
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    if year > _MAX_YEAR:
        return date.max
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return date(year, month, _MONTH_DAYS[month] + leap)


def _widen(lo: date, hi: date, margin: Margin) -> tuple[date, date]:
    """Move both bounds outwards by a margin, clamped to the representable years."""
    if margin.days:
        step = timedelta(days=margin.days)
        lo = lo - step if lo - date.min >= step else date.min
        hi = hi + step if date.max - hi >= step else date.max
    if margin.months:
        # Month margins apply to kinds whose bounds are whole months, so they stay whole.
        y, m = divmod(lo.year * 12 + lo.month - 1 - margin.months, 12)
        lo = date(y, m + 1, 1) if y >= 1 else date.min
        y, m = divmod(hi.year * 12 + hi.month - 1 + margin.months, 12)
        hi = _month_end(y, m + 1)
    return lo, hi


# --- diagnosis: only reached when the text is not a date, so clarity beats speed ----------


def _diagnose(p: str, base: int) -> NoReturn:
    """Raise the most helpful error for a piece that does not have the shape of a date."""
    _reject_words(p, base)
    if p[0] == "-" and p[1:2].isdigit():
        raise _Reject(base, "negative years (BCE) are not supported (expected a year 0001-9999)")
    if p[0] in "Yy":
        raise _Reject(base, "years beyond 9999 ('Y' years) are not supported (expected 0001-9999)")
    i = 0
    for part in ("year", "month", "day"):
        if part != "year":
            if i >= len(p) or p[i] != "-":
                break
            i += 1
        run = _RUN.match(p, i)
        digits = run.group() if run else ""
        _check_part(p, i, digits, part, base)
        i += len(digits)
    _reject_tail(p, i, base)


def _check_part(p: str, i: int, digits: str, part: str, base: int) -> None:
    column = base + i
    width = 4 if part == "year" else 2
    if not digits:
        if part == "year" and p[i] != "-":
            _reject_tail(p, i, base)
        size = "four" if width == 4 else "two"
        raise _Reject(column, f"expected a {size}-digit {part} (e.g. 2019-07-01)")
    for k, ch in enumerate(digits):
        if ch in "xu":
            raise _Reject(column + k, "write an unspecified digit as upper-case X (e.g. 201X)")
    if part == "year" and len(digits) > width:
        raise _Reject(column, "a year has four digits (years beyond 9999 are not supported)")
    if part == "year" and len(digits) < width:
        raise _Reject(column, "the year needs four digits (expected YYYY-MM-DD, e.g. 2019-07-01)")
    if len(digits) == 1 and digits != "X":
        padded = re.sub(r"-([0-9])(?![0-9])", r"-0\1", p)
        raise _Reject(column, f"the {part} needs two digits (write {padded})")
    if len(digits) != width:
        raise _Reject(column, f"the {part} has two digits (or XX when unspecified)")
    if part == "year" and "X" in digits[:3]:
        raise _Reject(column + digits.index("X"), "only the last digit of a year may be X (201X)")
    if part != "year" and digits.count("X") == 1:
        raise _Reject(column, f"an unspecified {part} is written XX")


def _reject_tail(p: str, i: int, base: int) -> NoReturn:
    """Explain the first character after the date parts that a date cannot have."""
    column = base + i
    c = p[i] if i < len(p) else ""
    rest = p[i + 1 :]
    if c in ("~", "?", "%") and rest[:1] in ("~", "?", "%"):
        raise _Reject(column + 1, "use one qualifier ('%' means approximate and uncertain)")
    if c in ("~", "?", "%"):
        raise _Reject(column, "a qualifier (~ ? %) may only stand at the end of the whole date")
    if c in ("T", "t", ":") or (c == " " and _TIME.match(rest)):
        raise _Reject(column, f"times are not supported (give the day only: {p[:i]})")
    if c == "-":
        raise _Reject(column, "a date has at most three parts (expected YYYY-MM-DD)")
    if c == ".":
        raise _Reject(column, "use '-' between year, month and day (e.g. 2019-07-01)")
    if c.isspace():
        raise _Reject(column, "a date contains no spaces (e.g. 2019-07-01)")
    if not c:
        raise _Reject(column, f"the date is incomplete (expected {_EXAMPLES})")
    raise _Reject(column, f"unexpected {c!r} (expected {_EXAMPLES})")


def _reject_words(p: str, base: int) -> None:
    """Dates written in words get a hint with the EDTF spelling."""
    for word in _WORD.finditer(p):
        name = word[0].lower()
        year = _YEAR_IN_WORDS.search(p)
        y = year[0] if year else "YYYY"
        if name in _MONTH_NAMES:
            fixed = f"{y}-{_MONTH_NAMES[name]:02d}"
            day = _DAY_IN_WORDS.search(p)
            if day:
                fixed += f"-{int(day[0]):02d}"
            raise _Reject(base + word.start(), f"month names are not supported (write {fixed})")
        if name in _SEASON_NAMES:
            fixed = f"{y}-{_SEASON_NAMES[name]}"
            raise _Reject(base + word.start(), f"season names are not supported (write {fixed})")
        if len(name) >= 3 and name.strip("x"):
            reason = f"words are not supported (expected {_EXAMPLES}; '2019~' is about 2019)"
            raise _Reject(base + word.start(), reason)


# --- human text -----------------------------------------------------------------------------


def _plain(d: Edtf) -> str:
    """A single date without its qualifier, from its (already validated) text."""
    core = d.text.rstrip("~?%")
    if d.kind == "decade":
        return f"the {int(core[:3]) * 10}s"
    year = int(core[:4])
    if d.kind == "day":
        return f"{int(core[8:10])} {_MONTHS[int(core[5:7])]} {year}"
    if d.kind == "month":
        return f"{_MONTHS[int(core[5:7])]} {year}"
    if d.kind == "season":
        return f"{_SEASONS[int(core[5:7])]} {year}"
    return str(year)


def _qualified(text: str, d: Edtf) -> str:
    if d.approximate and d.uncertain:
        return f"about {text}, possibly"
    if d.approximate:
        return f"about {text}"
    if d.uncertain:
        return f"possibly {text}"
    return text


def _pair(a: Edtf, b: Edtf) -> tuple[str, str]:
    """Both ends of a span or range, sharing the year when it is written once ('July to ...')."""
    plain = {"day", "month", "season"}
    exact = not (a.approximate or a.uncertain or b.approximate or b.uncertain)
    if exact and a.kind in plain and b.kind in plain and a.text[:4] == b.text[:4]:
        tail = b.human()
        if a.kind == b.kind == "day" and a.text[:7] == b.text[:7]:
            return str(a.earliest.day), tail
        return _plain(a).rsplit(" ", 1)[0], tail
    return a.human(), b.human()


def _human_span(d: Edtf) -> str:
    a, b = d.start, d.end
    if a is not None and b is not None:
        first, last = _pair(a, b)
        return f"from {first} to {last}"
    if a is not None:
        open_end = d.text.endswith("..")
        return f"from {a.human()} onwards" if open_end else f"from {a.human()} to an unknown end"
    assert b is not None  # a span always has at least one date
    if d.text.startswith(".."):
        return f"until {b.human()}"
    return f"from an unknown start to {b.human()}"


def _human_one_of(d: Edtf) -> str:
    if d.options:
        names = [o.human() for o in d.options]
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"either {names[0]} or {names[1]}"
        return f"one of {', '.join(names[:-1])} or {names[-1]}"
    a, b = d.start, d.end
    if a is not None and b is not None:
        first, last = _pair(a, b)
        return f"between {first} and {last}"
    if a is not None:
        return f"{_on(a)} or after {a.human()}"
    assert b is not None  # a range always has at least one date
    return f"{_on(b)} or before {b.human()}"


def _on(d: Edtf) -> str:
    return "on" if d.kind == "day" else "in"


# --- comparisons: bounds only ----------------------------------------------------------------


def definitely_before(a: Edtf, b: Edtf) -> bool:
    """True when every possible day of ``a`` is before every possible day of ``b``."""
    return a.latest < b.earliest


def possibly_before(a: Edtf, b: Edtf) -> bool:
    """True when ``a`` could have come first: some day of ``a`` precedes some day of ``b``."""
    return a.earliest < b.latest


def overlaps(a: Edtf, b: Edtf) -> bool:
    """True when ``a`` and ``b`` could share a day."""
    return a.earliest <= b.latest and b.earliest <= a.latest


def hull(dates: Iterable[Edtf]) -> tuple[date, date]:
    """The bounds covering every date given, e.g. all claims about a disputed date."""
    items = list(dates)
    if not items:
        raise ValueError("hull() needs at least one date")
    return min(d.earliest for d in items), max(d.latest for d in items)


def in_force_on(
    start: Edtf | None, end: Edtf | None, when: Edtf
) -> Literal["yes", "no", "uncertain"]:
    """Was a standard in force (from ``start`` to ``end`` inclusive, None = open) at ``when``?

    "yes" if it was in force on every possible day of ``when`` whichever days ``start`` and
    ``end`` turn out to be; "no" if on none of them; otherwise "uncertain".
    """
    surely_from = start.latest if start is not None else date.min
    maybe_from = start.earliest if start is not None else date.min
    surely_to = end.earliest if end is not None else date.max
    maybe_to = end.latest if end is not None else date.max
    if when.latest < maybe_from or when.earliest > maybe_to:
        return "no"
    if surely_from <= when.earliest and when.latest <= surely_to:
        return "yes"
    return "uncertain"
