"""Tests for casebook.model.dates: bounds, human text, margins, rejections and comparisons.

Expected bounds below are worked out by hand from the calendar, not copied from output.
"""

from __future__ import annotations

import calendar
import pickle
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.model.dates import (
    APPROXIMATE_MARGIN,
    UNCERTAIN_MARGIN,
    DateSyntaxError,
    Edtf,
    Margin,
    definitely_before,
    hull,
    in_force_on,
    is_edtf,
    overlaps,
    parse_edtf,
    possibly_before,
)

D = date
KINDS = {"day", "month", "season", "year", "decade", "span", "one-of"}


def bounds(text: str) -> tuple[date, date]:
    d = parse_edtf(text)
    return d.earliest, d.latest


# --- accepted forms: exact bounds, kind and human text ---------------------------------------

FORMS = [
    # text, earliest, latest, kind, human
    ("2018-10-02", D(2018, 10, 2), D(2018, 10, 2), "day", "2 October 2018"),
    ("2019-03", D(2019, 3, 1), D(2019, 3, 31), "month", "March 2019"),
    ("2019-02", D(2019, 2, 1), D(2019, 2, 28), "month", "February 2019"),
    ("2020-02", D(2020, 2, 1), D(2020, 2, 29), "month", "February 2020"),
    ("1900-02", D(1900, 2, 1), D(1900, 2, 28), "month", "February 1900"),
    ("2000-02", D(2000, 2, 1), D(2000, 2, 29), "month", "February 2000"),
    ("2019", D(2019, 1, 1), D(2019, 12, 31), "year", "2019"),
    ("2019-07~", D(2019, 6, 1), D(2019, 8, 31), "month", "about July 2019"),
    ("2019?", D(2018, 1, 1), D(2020, 12, 31), "year", "possibly 2019"),
    ("2019%", D(2017, 1, 1), D(2021, 12, 31), "year", "about 2019, possibly"),
    ("2018-10-02%", D(2018, 9, 26), D(2018, 10, 8), "day", "about 2 October 2018, possibly"),
    ("2019-21", D(2019, 3, 1), D(2019, 5, 31), "season", "spring 2019"),
    ("2019-22", D(2019, 6, 1), D(2019, 8, 31), "season", "summer 2019"),
    ("2019-23", D(2019, 9, 1), D(2019, 11, 30), "season", "autumn 2019"),
    ("2019-24", D(2019, 12, 1), D(2020, 2, 29), "season", "winter 2019"),
    ("2018-24", D(2018, 12, 1), D(2019, 2, 28), "season", "winter 2018"),
    ("201X", D(2010, 1, 1), D(2019, 12, 31), "decade", "the 2010s"),
    ("2019-XX", D(2019, 1, 1), D(2019, 12, 31), "year", "2019"),
    ("2019-XX-XX", D(2019, 1, 1), D(2019, 12, 31), "year", "2019"),
    ("2019-07-XX", D(2019, 7, 1), D(2019, 7, 31), "month", "July 2019"),
    ("2020-01-09/2020-01-10", D(2020, 1, 9), D(2020, 1, 10), "span", "from 9 to 10 January 2020"),
    ("2019-07-09/2019-08-10", D(2019, 7, 9), D(2019, 8, 10), "span",
     "from 9 July to 10 August 2019"),
    ("2019-12-30/2020-01-02", D(2019, 12, 30), D(2020, 1, 2), "span",
     "from 30 December 2019 to 2 January 2020"),
    ("2019-07/2019-08", D(2019, 7, 1), D(2019, 8, 31), "span", "from July to August 2019"),
    ("2018/2019", D(2018, 1, 1), D(2019, 12, 31), "span", "from 2018 to 2019"),
    ("2019-24/2020-03", D(2019, 12, 1), D(2020, 3, 31), "span",
     "from winter 2019 to March 2020"),
    ("2019-07/..", D(2019, 7, 1), date.max, "span", "from July 2019 onwards"),
    ("../2019-08-23", date.min, D(2019, 8, 23), "span", "until 23 August 2019"),
    ("2019-07/", D(2019, 7, 1), date.max, "span", "from July 2019 to an unknown end"),
    ("/2019-08-23", date.min, D(2019, 8, 23), "span",
     "from an unknown start to 23 August 2019"),
    ("2019-07~/2019-08", D(2019, 6, 1), D(2019, 8, 31), "span",
     "from about July 2019 to August 2019"),
    ("[2019-07..2019-08-23]", D(2019, 7, 1), D(2019, 8, 23), "one-of",
     "between July and 23 August 2019"),
    ("[..2019-08-23]", date.min, D(2019, 8, 23), "one-of", "on or before 23 August 2019"),
    ("[2019-07..]", D(2019, 7, 1), date.max, "one-of", "in or after July 2019"),
    ("[2019-07-01, 2019-07-03]", D(2019, 7, 1), D(2019, 7, 3), "one-of",
     "either 1 July 2019 or 3 July 2019"),
    ("[2019-07-01,2019-07-03, 2019-06]", D(2019, 6, 1), D(2019, 7, 3), "one-of",
     "one of 1 July 2019, 3 July 2019 or June 2019"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "earliest", "latest", "kind", "human"), FORMS)
def test_form(text: str, earliest: date, latest: date, kind: str, human: str) -> None:
    d = parse_edtf(text)
    assert (d.earliest, d.latest) == (earliest, latest)
    assert d.kind == kind
    assert d.human() == human
    assert d.text == text
    assert d.sort_key() == (earliest, latest)


def test_qualifier_flags() -> None:
    assert (parse_edtf("2019~").approximate, parse_edtf("2019~").uncertain) == (True, False)
    assert (parse_edtf("2019?").approximate, parse_edtf("2019?").uncertain) == (False, True)
    assert (parse_edtf("2019%").approximate, parse_edtf("2019%").uncertain) == (True, True)
    assert (parse_edtf("2019").approximate, parse_edtf("2019").uncertain) == (False, False)
    span = parse_edtf("2019-07~/2019-08?")
    assert (span.approximate, span.uncertain) == (True, True)
    one_of = parse_edtf("[2019-07, 2019-08?]")
    assert (one_of.approximate, one_of.uncertain) == (False, True)


def test_is_point_and_is_span() -> None:
    assert parse_edtf("2018-10-02").is_point
    assert not parse_edtf("2018-10-02~").is_point
    assert not parse_edtf("2018-10").is_point
    assert not parse_edtf("[2018-10-02]").is_point
    assert parse_edtf("2019-07/2019-08").is_span
    assert parse_edtf("2019-07/..").is_span
    assert not parse_edtf("[2019-07..2019-08]").is_span
    assert not parse_edtf("2019").is_span


def test_span_keeps_its_ends() -> None:
    span = parse_edtf("2019-07~/2019-08")
    assert span.start == parse_edtf("2019-07~")
    assert span.end == parse_edtf("2019-08")
    assert parse_edtf("2019-07/..").end is None
    assert parse_edtf("/2019-07").start is None


def test_whitespace_stripped_and_ints_are_years() -> None:
    assert parse_edtf("  2019-07 \n").text == "2019-07"
    assert parse_edtf(2019) == parse_edtf("2019")
    assert bounds("0800") == (D(800, 1, 1), D(800, 12, 31))


def test_parse_is_cached() -> None:
    assert parse_edtf("2017-05-04") is parse_edtf("2017-05-04")


def test_is_edtf() -> None:
    assert is_edtf("2019-07~")
    assert is_edtf("[2019-07..2019-08-23]")
    assert not is_edtf("2019-13")
    assert not is_edtf("")


def test_a_span_whose_ends_overlap_is_not_inverted() -> None:
    # 2019-08~ may be as early as July; the span is then all within July.
    assert bounds("2019-08~/2019-07") == (D(2019, 7, 1), D(2019, 7, 31))


# --- margins ----------------------------------------------------------------------------------


def test_margin_constants() -> None:
    for table in (APPROXIMATE_MARGIN, UNCERTAIN_MARGIN):
        assert table["day"] == Margin(days=3)
        assert table["month"] == Margin(months=1)
        assert table["season"] == Margin(months=1)
        assert table["year"] == Margin(months=12)
        assert table["decade"] == Margin(months=120)
    with pytest.raises(TypeError):
        APPROXIMATE_MARGIN["day"] = Margin(days=1)  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2018-10-02~", D(2018, 9, 29), D(2018, 10, 5)),
        ("2018-10-02?", D(2018, 9, 29), D(2018, 10, 5)),
        ("2018-10-02%", D(2018, 9, 26), D(2018, 10, 8)),
        ("2019-01-01~", D(2018, 12, 29), D(2019, 1, 4)),
        ("2019-07~", D(2019, 6, 1), D(2019, 8, 31)),
        ("2019-07?", D(2019, 6, 1), D(2019, 8, 31)),
        ("2019-07%", D(2019, 5, 1), D(2019, 9, 30)),
        ("2020-01~", D(2019, 12, 1), D(2020, 2, 29)),
        ("2019-07-XX~", D(2019, 6, 1), D(2019, 8, 31)),
        ("2019-21~", D(2019, 2, 1), D(2019, 6, 30)),
        ("2019-24?", D(2019, 11, 1), D(2020, 3, 31)),
        ("2019-22%", D(2019, 4, 1), D(2019, 10, 31)),
        ("2019~", D(2018, 1, 1), D(2020, 12, 31)),
        ("2019-XX?", D(2018, 1, 1), D(2020, 12, 31)),
        ("201X~", D(2000, 1, 1), D(2029, 12, 31)),
        # clamped at the ends of the representable calendar
        ("0001~", date.min, D(2, 12, 31)),
        ("9999%", D(9997, 1, 1), date.max),
        ("9999-12-31~", D(9999, 12, 28), date.max),
        ("9999-24", D(9999, 12, 1), date.max),
    ],
)
def test_margin(text: str, earliest: date, latest: date) -> None:
    assert bounds(text) == (earliest, latest)


def test_approximate_date_does_not_sort_as_precise() -> None:
    texts = ["2019-07-15", "2019-07", "2019-07~", "2019-06-30"]
    ordered = sorted(texts, key=lambda t: parse_edtf(t).sort_key())
    assert ordered == ["2019-07~", "2019-06-30", "2019-07", "2019-07-15"]


# --- rejections -------------------------------------------------------------------------------

REJECTED = [
    # text, column, phrases the message must contain
    ("2019-13", 5, ["month 13 does not exist", "expected 01-12"]),
    ("2019-00", 5, ["month 00 does not exist"]),
    ("2019-25", 5, ["season 25 is not supported", "21-24"]),
    ("2019-02-30", 8, ["day 30 does not exist in February 2019", "expected 01-28"]),
    ("1900-02-29", 8, ["day 29 does not exist in February 1900", "expected 01-28"]),
    ("2019-04-31", 8, ["day 31 does not exist in April 2019", "expected 01-30"]),
    ("2019-7", 5, ["month needs two digits", "write 2019-07"]),
    ("2019-07-1", 8, ["day needs two digits", "write 2019-07-01"]),
    ("19-07-01", 0, ["year needs four digits"]),
    ("2019/07/01", 4, ["use '-'", "write 2019-07-01"]),
    ("2019.7.1", 4, ["use '-'", "write 2019-07-01"]),
    ("2019/7", 4, ["write 2019-07"]),
    ("01/07/2019", 0, ["YYYY-MM-DD"]),
    ("July 2019", 0, ["month names are not supported", "write 2019-07"]),
    ("2 October 2018", 2, ["month names", "write 2018-10-02"]),
    ("spring 2019", 0, ["season names", "write 2019-21"]),
    ("about 2019", 0, ["words are not supported", "2019~"]),
    ("", 0, ["empty", "expected a date such as 2019-07-01"]),
    ("   ", 0, ["empty"]),
    ("2019-07-01T10:00", 10, ["times are not supported", "2019-07-01"]),
    ("2019-07-01 10:00", 10, ["times are not supported"]),
    ("-2019", 0, ["negative years", "0001-9999"]),
    ("Y20000", 0, ["beyond 9999"]),
    ("20190", 0, ["four digits", "beyond 9999"]),
    ("10000-01-01", 0, ["four digits", "beyond 9999"]),
    ("0000", 0, ["year 0000", "0001-9999"]),
    ("2020/2019", 0, ["inverted span", "starts after it ends"]),
    ("2019-08-02/2019-08-01", 0, ["inverted span", "starts after it ends"]),
    ("[2019-08..2019-07]", 0, ["inverted range", "starts after it ends"]),
    ("2019-07~~", 8, ["one qualifier", "%"]),
    ("2019~-07", 4, ["qualifier", "end of the whole date"]),
    ("~2019", 0, ["qualifier", "end of the whole date"]),
    ("2019 07", 4, ["no spaces"]),
    ("201x", 3, ["upper-case X"]),
    ("201u", 3, ["upper-case X"]),
    ("20X9", 2, ["only the last digit of a year"]),
    ("2019-X", 5, ["XX"]),
    ("2019-XX-05", 8, ["a day needs a known month"]),
    ("2019-21-01", 8, ["a season has no day"]),
    ("201X-07", 5, ["no month"]),
    ("2019-07-01-05", 10, ["at most three parts"]),
    ("2019-", 5, ["two-digit month"]),
    ("(2019)", 0, ["unexpected '('"]),
    ("2019/2020/2021", 9, ["exactly one '/'"]),
    ("../..", 0, ["at least one date"]),
    ("/", 0, ["at least one date"]),
    ("2019-07/2019-13", 13, ["month 13 does not exist"]),
    ("{2019, 2020}", 0, ["not supported", "[a, b]"]),
    ("[2019", 5, ["end with ']'"]),
    ("[2019]~", 6, ["nothing may follow ']'"]),
    ("[]", 1, ["empty"]),
    ("[2019,]", 6, ["empty"]),
    ("[2019, 2019-02-30]", 15, ["day 30 does not exist in February 2019"]),
    ("[2019..2020, 2021]", 5, ["list cannot contain a range"]),
    ("[..]", 1, ["at least one date"]),
    ("[2019..2020..2021]", 11, ["one '..'"]),
]


@pytest.mark.parametrize(("text", "column", "phrases"), REJECTED)
def test_rejected(text: str, column: int, phrases: list[str]) -> None:
    with pytest.raises(DateSyntaxError) as caught:
        parse_edtf(text)
    error = caught.value
    assert error.text == text.strip()
    assert error.message.startswith(f"{text.strip()!r} is not an EDTF date: ")
    assert str(error) == error.message
    for phrase in phrases:
        assert phrase in error.message
    assert error.column == column
    assert "\n" not in error.message
    assert ". " not in error.message.replace("e.g. ", "")  # one sentence


def test_rejects_non_text() -> None:
    with pytest.raises(DateSyntaxError, match="got a bool"):
        parse_edtf(True)
    with pytest.raises(DateSyntaxError, match="negative years"):
        parse_edtf(-44)
    with pytest.raises(DateSyntaxError, match="got a float"):
        parse_edtf(2019.5)  # type: ignore[arg-type]


def test_error_is_a_value_error_and_pickles() -> None:
    assert issubclass(DateSyntaxError, ValueError)
    with pytest.raises(DateSyntaxError) as caught:
        parse_edtf("2019-13")
    again = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(again, DateSyntaxError)
    assert (again.text, again.message, again.column) == ("2019-13", caught.value.message, 5)


# --- comparisons ------------------------------------------------------------------------------


def test_definitely_before() -> None:
    assert definitely_before(parse_edtf("2019-03"), parse_edtf("2019-09-19"))
    assert not definitely_before(parse_edtf("2019-07~"), parse_edtf("2019-08"))
    assert not definitely_before(parse_edtf("2019"), parse_edtf("2019-12-31"))
    assert definitely_before(parse_edtf("2019-07-31"), parse_edtf("2019-08"))


def test_possibly_before() -> None:
    assert not possibly_before(parse_edtf("2019-08"), parse_edtf("2019-07-15"))
    assert possibly_before(parse_edtf("2019"), parse_edtf("2019-07-15"))
    assert possibly_before(parse_edtf("2019-07-15"), parse_edtf("2019"))
    assert not possibly_before(parse_edtf("2019-07-15"), parse_edtf("2019-07-15"))
    assert possibly_before(parse_edtf("2019-07-15~"), parse_edtf("2019-07-15~"))


def test_overlaps() -> None:
    assert overlaps(parse_edtf("2019-07~"), parse_edtf("2019-08"))
    assert overlaps(parse_edtf("2019-07-31"), parse_edtf("2019-07"))
    assert not overlaps(parse_edtf("2019-07"), parse_edtf("2019-08"))
    assert overlaps(parse_edtf("../2019-01-01"), parse_edtf("1900"))


def test_hull() -> None:
    claims = [parse_edtf("2019-07"), parse_edtf("2019-08-23"), parse_edtf("2019~")]
    assert hull(claims) == (D(2018, 1, 1), D(2020, 12, 31))
    assert hull(iter([parse_edtf("2019-03-04")])) == (D(2019, 3, 4), D(2019, 3, 4))
    with pytest.raises(ValueError):
        hull([])


@pytest.mark.parametrize(
    ("start", "end", "when", "expected"),
    [
        ("2019-09-19", None, "2019-03", "no"),
        ("2019-09-19", None, "[2019-07..2019-08-23]", "no"),
        ("2019-08-01", None, "[2019-07..2019-08-23]", "uncertain"),
        ("2019-09-19", None, "2020-01", "yes"),
        ("2019-09-19", None, "2019-09-19", "yes"),
        ("2019-09-19", None, "2019-09-18", "no"),
        ("2019-09-19", None, "2019-09", "uncertain"),
        # an imprecise start: in force from some day in September 2019
        ("2019-09", None, "2019-09-15", "uncertain"),
        ("2019-09", None, "2019-10", "yes"),
        ("2019-09", None, "2019-08-31", "no"),
        # an end (inclusive)
        ("2019-09-19", "2019-12-31", "2019-12-31", "yes"),
        ("2019-09-19", "2019-12-31", "2020-01-01", "no"),
        ("2019-09-19", "2019-12-31", "2019-24", "uncertain"),
        (None, "2019-12-31", "1990", "yes"),
        (None, None, "2019", "yes"),
        ("2019-09-19", None, "2019-10/..", "yes"),
    ],
)
def test_in_force_on(start: str | None, end: str | None, when: str, expected: str) -> None:
    start_date = parse_edtf(start) if start else None
    end_date = parse_edtf(end) if end else None
    assert in_force_on(start_date, end_date, parse_edtf(when)) == expected


# --- properties -------------------------------------------------------------------------------

QUALIFIERS = st.sampled_from(["", "", "~", "?", "%"])


@st.composite
def single_dates(draw: st.DrawFn) -> str:
    """Any single date from the grammar: day, month, season, year, X forms, with a qualifier."""
    day = draw(st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)))
    iso = day.isoformat()
    form = draw(st.sampled_from(["day", "month", "year", "season", "decade", "X", "XX", "XX-XX"]))
    text = {
        "day": iso,
        "month": iso[:7],
        "year": iso[:4],
        "season": f"{iso[:4]}-{draw(st.integers(21, 24))}",
        "decade": f"{iso[:3]}X",
        "X": f"{iso[:7]}-XX",
        "XX": f"{iso[:4]}-XX",
        "XX-XX": f"{iso[:4]}-XX-XX",
    }[form]
    return text + draw(QUALIFIERS)


@st.composite
def any_dates(draw: st.DrawFn) -> str:
    """Single dates, spans (ends in order), ranges and lists."""
    shape = draw(st.sampled_from(["single", "span", "range", "list"]))
    if shape == "single":
        return draw(single_dates())
    if shape == "list":
        return "[" + ", ".join(draw(st.lists(single_dates(), min_size=1, max_size=4))) + "]"
    a, b = sorted([draw(single_dates()), draw(single_dates())], key=bounds)
    if shape == "span":
        # '..' is an open end, '' an unknown one; at least one end is a date.
        a, b = draw(st.sampled_from([(a, b), (a, ".."), (a, ""), ("..", b), ("", b)]))
        return f"{a}/{b}"
    a, b = draw(st.sampled_from([(a, b), (a, ""), ("", b)]))
    return f"[{a}..{b}]"


@given(any_dates())
def test_every_generated_date_parses_with_ordered_bounds(text: str) -> None:
    d = parse_edtf(text)
    assert d.earliest <= d.latest
    assert d.kind in KINDS
    assert d.human()
    assert is_edtf(text)


@given(single_dates())
def test_qualifiers_only_widen(text: str) -> None:
    plain = parse_edtf(text.rstrip("~?%"))
    qualified = parse_edtf(text)
    assert qualified.earliest <= plain.earliest <= plain.latest <= qualified.latest
    assert qualified.kind == plain.kind


@given(st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)))
def test_plain_dates_agree_with_the_calendar(day: date) -> None:
    iso = day.isoformat()
    last = calendar.monthrange(day.year, day.month)[1]
    assert bounds(iso) == (day, day)
    assert bounds(iso[:7]) == (day.replace(day=1), day.replace(day=last))
    assert bounds(iso[:4]) == (D(day.year, 1, 1), D(day.year, 12, 31))


@given(st.text())
def test_any_text_parses_or_raises_date_syntax_error(text: str) -> None:
    try:
        d = parse_edtf(text)
    except DateSyntaxError as error:
        assert 0 <= error.column <= len(error.text)
        assert error.message.startswith(repr(error.text))
    else:
        assert isinstance(d, Edtf)
        assert d.earliest <= d.latest


@given(st.text(alphabet="0123456789-X~?%/.[], Tux"))
def test_edtf_like_text_parses_or_raises_date_syntax_error(text: str) -> None:
    try:
        d = parse_edtf(text)
    except DateSyntaxError as error:
        assert 0 <= error.column <= len(error.text)
    else:
        assert d.earliest <= d.latest


@given(any_dates())
def test_definitely_before_is_irreflexive(text: str) -> None:
    d = parse_edtf(text)
    assert not definitely_before(d, d)


@given(any_dates(), any_dates(), any_dates())
def test_definitely_before_is_transitive(a_text: str, b_text: str, c_text: str) -> None:
    a, b, c = parse_edtf(a_text), parse_edtf(b_text), parse_edtf(c_text)
    if definitely_before(a, b) and definitely_before(b, c):
        assert definitely_before(a, c)
    if definitely_before(a, b):
        assert possibly_before(a, b)
        assert not overlaps(a, b)
        assert not definitely_before(b, a)


@given(st.lists(any_dates(), min_size=1, max_size=5), any_dates())
def test_hull_covers_every_date(texts: list[str], other: str) -> None:
    parsed = [parse_edtf(t) for t in texts]
    low, high = hull(parsed)
    assert all(low <= d.earliest and d.latest <= high for d in parsed)
    assert in_force_on(None, None, parse_edtf(other)) == "yes"
