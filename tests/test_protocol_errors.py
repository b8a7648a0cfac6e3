"""Bad protocol files give precise, located errors — all of a file's problems at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook import ProtocolError
from casebook.engine.protocols import load_protocol, load_protocols
from tests.conftest import FIXTURES, assert_expected_problems

INVALID = sorted((FIXTURES / "protocols" / "invalid").glob("*--error.yaml"))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_fixture_reports_exactly_its_expected_problems(path: Path) -> None:
    with pytest.raises(ProtocolError) as info:
        load_protocol(path)
    assert_expected_problems(path, info.value.problems)


def test_duplicate_rule_ids_across_files_are_located(tmp_path: Path) -> None:
    source = FIXTURES / "protocols" / "valid" / "test-standard.yaml"
    text = source.read_text(encoding="utf-8")
    (tmp_path / "test-standard.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "copy-standard.yaml").write_text(
        text.replace("id: test-standard", "id: copy-standard"), encoding="utf-8")
    with pytest.raises(ProtocolError) as info:
        load_protocols(tmp_path)
    messages = [str(p) for p in info.value.problems]
    assert messages and all("is already defined in" in m for m in messages)
    assert all(m.startswith(str(tmp_path / "test-standard.yaml")) for m in messages)
    first_rule_line = text.splitlines().index("  - id: TEST-1") + 1
    assert f"test-standard.yaml:{first_rule_line}:9: rules[0].id" in messages[0]


def test_unknown_protocol_id_is_suggested() -> None:
    with pytest.raises(ProtocolError) as info:
        load_protocols(FIXTURES / "protocols" / "valid", ids=["test-standrd"])
    (problem,) = info.value.problems
    assert problem.suggestion == "test-standard"
