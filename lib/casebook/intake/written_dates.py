"""Dates as people write them in a spreadsheet, read as EDTF — or a reason why not.

A chronology kept in Excel says ``Jan 2020``, ``about March 2019``, ``2019-07 to 2019-08-23``
or holds a date cell. Each is turned into the EDTF the case file stores (``2020-01``,
``2019-03~``, ``2019-07/2019-08-23``) without inventing precision: a month stays a month, an
approximate date stays approximate. A form that could mean two days (``3/4/2019``) is refused
with both readings, never guessed.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..model.dates import DateSyntaxError, parse_edtf

__all__ = ["WrittenDateError", "edtf_of"]

_MONTHS = {name: n for n, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
_SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_APPROX = re.compile(r"^(?:about|around|approximately|approx\.?|circa|ca\.?|c\.|~)\s*(.+)$",
                     re.IGNORECASE)
_UNCERTAIN = re.compile(r"^(?:possibly|perhaps|probably|maybe)\s+(.+)$|^(.+?)\s*\?$",
                        re.IGNORECASE)
_BETWEEN = re.compile(r"^(?:between|sometime between)\s+(.+?)\s+and\s+(.+)$", re.IGNORECASE)
_SPAN = re.compile(r"^(?:from\s+)?(.+?)\s+(?:to|until|till|through|thru|\u2013|\u2014|-)\s+(.+)$",
                   re.IGNORECASE)
_BEFORE = re.compile(r"^(?:before|by|no later than)\s+(.+)$", re.IGNORECASE)
_AFTER = re.compile(r"^(?:after|since|no earlier than)\s+(.+)$", re.IGNORECASE)
_WORD = r"([a-z]+)\.?"
_MONTH_YEAR = re.compile(rf"^{_WORD},?\s+(\d{{4}})$", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"^{_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$",
                             re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+{_WORD},?\s+(\d{{4}})$",
                             re.IGNORECASE)
_SEASON_YEAR = re.compile(r"^([a-z]+)\s+(\d{4})$", re.IGNORECASE)
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_SLASHED_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")


class WrittenDateError(ValueError):
    """A cell that is no date casebook can read; ``message`` says what would be, and
    ``suggestion`` is a reading to write instead, where there is one."""

    def __init__(self, message: str, suggestion: str | None = None) -> None:
        self.message = message
        self.suggestion = suggestion
        super().__init__(message)


def edtf_of(value: object) -> str:
    """The EDTF of a cell's value: a date cell, a year as a number, or text as written."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        raise WrittenDateError(f"{value!r} is not a date")
    if isinstance(value, int) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, float) and value.is_integer() and 1000 <= value <= 9999:
        return str(int(value))
    text = " ".join(str(value).split())
    try:
        parse_edtf(text)
        return text
    except DateSyntaxError as err:
        edtf_error = err
    found = _written(text)
    if found is None:
        raise WrittenDateError(
            f"{edtf_error.message}; nor is it a date form casebook reads (`Jan 2020`, "
            "`March 5, 2019`, `about March 2019`, `2019-07 to 2019-08-23`, `spring 2019`)")
    try:
        parse_edtf(found)
    except DateSyntaxError as err:
        raise WrittenDateError(f"{text!r} reads as {found!r}, which is no date: "
                               f"{err.reason}") from None
    return found


def _written(text: str) -> str | None:
    """The EDTF of a written form, or None when it is no form known here."""
    for pattern, build in ((_BETWEEN, "[{}..{}]"), (_SPAN, "{}/{}")):
        m = pattern.match(text)
        if m:
            a, b = _part(m[1]), _part(m[2])
            if a is not None and b is not None:
                return build.format(a, b)
    for pattern, build in ((_BEFORE, "[..{}]"), (_AFTER, "[{}..]")):
        m = pattern.match(text)
        if m:
            inner = _part(m[1])
            return build.format(inner) if inner is not None else None
    return _part(text)


def _part(text: str) -> str | None:
    """One date, perhaps qualified: ``about March 2019`` → ``2019-03~``."""
    text = text.strip().rstrip(",")
    m = _APPROX.match(text)
    if m:
        inner = _plain(m[1])
        return f"{inner}~" if inner is not None else None
    m = _UNCERTAIN.match(text)
    if m:
        inner = _plain(m[1] or m[2])
        return f"{inner}?" if inner is not None else None
    return _plain(text)


def _plain(text: str) -> str | None:
    text = text.strip()
    try:
        parse_edtf(text)
        return text
    except DateSyntaxError:
        pass
    m = _MONTH_YEAR.match(text)
    if m and m[1].lower() in _MONTHS:
        return f"{m[2]}-{_MONTHS[m[1].lower()]:02d}"
    m = _MONTH_DAY_YEAR.match(text)
    if m and m[1].lower() in _MONTHS:
        return _day(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    m = _DAY_MONTH_YEAR.match(text)
    if m and m[2].lower() in _MONTHS:
        return _day(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    m = _SEASON_YEAR.match(text)
    if m and m[1].lower() in _SEASONS:
        return f"{m[2]}-{_SEASONS[m[1].lower()]}"
    m = _SLASHED_MONTH.match(text)
    if m and 1 <= int(m[1]) <= 12:
        return f"{m[2]}-{int(m[1]):02d}"
    m = _SLASHED.match(text)
    if m:
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        readings = {r for r in (_day(year, first, second), _day(year, second, first)) if r}
        if len(readings) == 1:
            return readings.pop()
        if len(readings) == 2:
            us, other = _day(year, first, second), _day(year, second, first)
            raise WrittenDateError(
                f"{text!r} could be {us} (month first) or {other} (day first): write the "
                "date as YYYY-MM-DD", suggestion=us)
    return None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
