"""Every error class of the loader, from fixtures that carry their own expectations.

Each file in tests/fixtures/invalid/ is named `<what>--error.yaml` and lists, in `# expect:`
comments, exactly the problems the loader must report (see `assert_expected_problems`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook import CasefileError, load_case
from casebook.errors import suggest
from tests.conftest import FIXTURES, assert_expected_problems

INVALID = sorted((FIXTURES / "invalid").glob("*--error.yaml"))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_fixture_reports_exactly_its_expected_problems(path: Path) -> None:
    with pytest.raises(CasefileError) as info:
        load_case(path)
    assert_expected_problems(path, info.value.problems)


def test_every_problem_names_the_file_as_given(tmp_path: Path) -> None:
    with pytest.raises(CasefileError) as info:
        load_case(FIXTURES / "invalid" / "bad-dates--error.yaml")
    assert all(p.path.endswith("bad-dates--error.yaml") for p in info.value.problems)
    rendered = str(info.value.problems[0])
    assert re.match(r"^.*bad-dates--error\.yaml:\d+:\d+: [\w.\[\]]+: ", rendered)


def test_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"casebook: 1\ncase:\n  title: Caf\xe9\n")
    with pytest.raises(CasefileError) as info:
        load_case(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (3, 13)
    assert "not UTF-8" in problem.message and "0xe9" in problem.message


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.write(b"# " + b"x" * (10 * 1024 * 1024) + b"\n")
    with pytest.raises(CasefileError, match="the limit is 10,485,760"):
        load_case(path)


def test_empty_file_and_non_mapping(write_case) -> None:
    with pytest.raises(CasefileError, match="the file is empty"):
        load_case(write_case(""))
    with pytest.raises(CasefileError, match="a case file is a mapping"):
        load_case(write_case("- just\n- a list\n"))


def test_missing_file_is_a_casefile_error(tmp_path: Path) -> None:
    with pytest.raises(CasefileError, match="cannot read file"):
        load_case(tmp_path / "nope.yaml")


def test_unsupported_format_version(write_case) -> None:
    path = write_case("casebook: 2\ncase: {id: x, title: X, jurisdiction: Y, summary: Z}\n"
                      "sources: {}\nevents: []\n")
    with pytest.raises(CasefileError) as info:
        load_case(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.field) == (1, "casebook")
    assert "format version 2 is not supported" in problem.message


@pytest.mark.parametrize(("word", "choices", "expected"), [
    ("FR-Search", ["fr-search", "lineup"], "fr-search"),  # case does not hide a name
    ("doj-2017", ["doj-2017-photo-arrays", "dpd-fr-sop-2017"], "doj-2017-photo-arrays"),
    ("line", ["lineup", "lineup-blind"], "lineup"),  # two extend it: the closest
    ("warrnt", ["warrant", "arrest"], "warrant"),
    ("zzz", ["lineup", "warrant"], None),
])
def test_suggestions(word: str, choices: list[str], expected: str | None) -> None:
    assert suggest(word, choices) == expected
