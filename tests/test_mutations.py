"""Random damage to valid case files only ever gives located problems.

Hypothesis mutates the bytes and lines of real case files — deletions, insertions of hostile
bytes and YAML syntax, duplicated and swapped lines, truncation — and the loader must either
accept the result or report problems that name the file, never raise anything else, never hang
(hypothesis's deadline) and never write a file.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casebook.errors import Problem
from casebook.model.load import load_or_problems
from tests.conftest import FIXTURES

SEEDS = [FIXTURES / "cases" / "clean-investigation--clean.yaml",
         FIXTURES / "cases" / "minimal--valid.yaml"]
HOSTILE = [b"\x00", b"\xff\xfe", b"\x1b[2J", b": ", b"- ", b"&a ", b"*a", b"!!python/object ",
           b"{", b"]", b"'", b'"', b"\t", b"\r", b"<<: ", b"---\n", b"%YAML 1.1\n",
           "\u202e".encode(), b"\n  " * 3, b"id: " + b"x" * 200]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "line", "truncate", "flip"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(HOSTILE))
        elif kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        else:
            lines = bytes(data).split(b"\n")
            i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            lines.insert(j, lines[i])  # a duplicated line, somewhere else
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@settings(max_examples=150, deadline=2000,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=mutated())
def test_damaged_files_give_located_problems_only(tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "mut"
    folder.mkdir(exist_ok=True)
    path = folder / "case.yaml"
    path.write_bytes(content)
    before = sorted(os.listdir(folder))
    case, problems = load_or_problems(path)  # anything but a located problem would raise
    assert (case is None) == bool(problems)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path.endswith("case.yaml") and problem.message
        assert problem.line >= 0 and problem.column >= 0
        assert "\x1b" not in str(problem)  # printable on a terminal
    assert sorted(os.listdir(folder)) == before  # nothing written
