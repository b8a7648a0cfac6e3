"""Examples in the docs are real: they load."""

from __future__ import annotations

import re
from pathlib import Path

from casebook import build_graph, load_case
from tests.conftest import ROOT


def _complete_example() -> str:
    text = (ROOT / "docs" / "casefile-format.md").read_text(encoding="utf-8")
    section = text.split("## A complete example", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert match
    return match.group(1)


def test_complete_example_in_the_format_doc_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(_complete_example(), encoding="utf-8")
    case = load_case(path)
    g = build_graph(case)
    # The example shows a dispute, a rejected claim, an unnamed minor and a registry actor.
    offense = case.event_by_id["offense"]
    assert case.fact(offense, "stolen_value_usd").disputed
    assert case.when_disputed(offense)
    assert [str(d) for d in case.bounds(offense)] == ["2018-10-01", "2018-10-31"]
    assert case.actors["child"].label() == "the accused's child"
    assert case.actors["police"].name == "Detroit Police Department"
    assert "lineup-pick" in g.predecessors("arrest")
