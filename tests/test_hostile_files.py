"""Hostile files: only regular files are read, and never more than the limit; aliases cannot
amplify text; nothing a case says reaches a terminal as a control sequence.

Each refusal must name the file and the reason, exit 1 from ``validate``, and never hang: the
subprocess timeouts below only turn a hang into a failure, they measure nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from casebook import CasefileError, load_case
from casebook.model.untrusted import UntrustedFileError, read_untrusted
from casebook.model.yamlsafe import MAX_EXPANDED_CHARS, parse_yaml
from tests.conftest import FIXTURES, ROOT

CLEAN = FIXTURES / "cases" / "clean-investigation--clean.yaml"
HANG = 120  # seconds after which a command counts as hung


def _validate(*paths: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "casebook.cli", "validate", *map(str, paths)],
                          capture_output=True, text=True, cwd=cwd, timeout=HANG, check=False)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A folder of everything that is named like a case file and is not one."""
    os.mkfifo(tmp_path / "fifo--refused.yaml")
    (tmp_path / "endless--refused.yaml").symlink_to("/dev/zero")
    (tmp_path / "folder--refused.yaml").mkdir()
    (tmp_path / "dangling--refused.yaml").symlink_to(tmp_path / "nowhere")
    (tmp_path / "clean.yaml").write_bytes(CLEAN.read_bytes())
    return tmp_path


def test_special_files_in_a_folder_are_each_refused_by_name(hostile: Path) -> None:
    proc = _validate(hostile, cwd=hostile)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    expected = {"fifo--refused.yaml": "a FIFO (named pipe), not a regular file",
                "endless--refused.yaml": "a character device, not a regular file",
                "folder--refused.yaml": "a folder, not a regular file",
                "dangling--refused.yaml": "cannot read file: No such file or directory"}
    for name, reason in expected.items():
        assert any(line.startswith(f"{name}: ") and reason in line for line in lines), name
    assert "clean.yaml: ok" in lines
    assert "5 files checked, 4 with problems" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_fifo_named_directly_does_not_hang(hostile: Path) -> None:
    proc = _validate(hostile / "fifo--refused.yaml", cwd=hostile)
    assert proc.returncode == 1
    assert "fifo--refused.yaml: a FIFO" in proc.stdout


def test_a_link_to_dev_zero_is_not_read(hostile: Path) -> None:
    with pytest.raises(UntrustedFileError, match="character device"):
        read_untrusted(hostile / "endless--refused.yaml", 1024)


def test_the_size_from_stat_is_not_trusted(tmp_path: Path) -> None:
    """A file is read only up to the limit plus one byte, whatever its size."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 2048)
    assert read_untrusted(path, 2048) == b"x" * 2048
    with pytest.raises(UntrustedFileError, match="the limit is 2,047 bytes"):
        read_untrusted(path, 2047)


def test_a_long_string_repeated_by_aliases_is_refused_quickly() -> None:
    big = "x" * (1024 * 1024)
    text = f"a: &a {big}\nb: [" + ", ".join(["*a"] * 76) + "]\n"
    _doc, problems = parse_yaml(text, "amplify.yaml")
    (problem,) = problems
    assert problem.line == 2
    assert f"more than {MAX_EXPANDED_CHARS:,} characters" in problem.message


def test_aliases_of_a_mapping_count_its_text() -> None:
    item = "{t: " + "y" * 100_000 + "}"
    text = f"a: &a {item}\nb: [" + ", ".join(["*a"] * 300) + "]\n"
    _doc, problems = parse_yaml(text, "amplify.yaml")
    assert problems and "characters" in problems[0].message


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "esc.yaml"
    path.write_text(CLEAN.read_text(encoding="utf-8").replace(
        "summary: An invented robbery investigated by the book.",
        'summary: "An \\e]0;pwned\\a robbery \\e[31mRED\\e[0m"'), encoding="utf-8")
    for command in ("validate", "show", "check"):
        proc = subprocess.run([sys.executable, "-m", "casebook.cli", command, str(path)],
                              capture_output=True, text=True, cwd=ROOT, timeout=HANG,
                              check=False)
        out = proc.stdout + proc.stderr
        assert "\x1b" not in out and "\x07" not in out, command
        assert proc.returncode in (1, 2) and "control character U+001B" in out, command


def test_a_problem_prints_keys_and_suggestions_escaped() -> None:
    with pytest.raises(CasefileError) as info:
        load_case(FIXTURES / "invalid" / "id-with-trailing-newline--error.yaml")
    rendered = "\n".join(map(str, info.value.problems))
    assert "sources.report\\n: source id 'report\\n'" in rendered
    assert rendered.count("\n") == len(info.value.problems) - 1  # one line per problem
