"""Properties of the findings engine over real protocols and real cases."""

from __future__ import annotations

import random
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook import load_case
from casebook.engine.findings import evaluate
from casebook.engine.protocols import load_protocols
from casebook.model.yamlsafe import parse_yaml
from tests.conftest import FIXTURES, ROOT, WILLIAMS

CLEAN = FIXTURES / "cases" / "clean-investigation--clean.yaml"
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
KEY = ["rule", "event", "status", "basis", "in_force", "binds", "counts", "decided_by"]


def _read(path: Path) -> Any:
    doc, problems = parse_yaml(path.read_text(encoding="utf-8"), path.name)
    assert not problems
    return doc.data


def _evaluate(data: Any, lens: str = "best") -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.yaml"
        path.write_text(yaml.dump(data, Dumper=_DUMPER, allow_unicode=True), encoding="utf-8")
        found = evaluate(load_case(path), load_protocols(), lens=lens, as_of="2026-11-22")
    return found[KEY].sort_values(["rule", "event"]).reset_index(drop=True)


@cache
def _baseline(source: Path, lens: str) -> pd.DataFrame:
    return _evaluate(_read(source), lens)


@settings(max_examples=15)
@given(st.randoms(use_true_random=False), st.sampled_from(["then", "now", "best"]))
def test_event_order_in_the_file_changes_nothing(rnd: random.Random, lens: str) -> None:
    for source in (WILLIAMS, CLEAN):
        data = _read(source)
        rnd.shuffle(data["events"])
        pd.testing.assert_frame_equal(_baseline(source, lens), _evaluate(data, lens))


@settings(max_examples=15)
@given(st.sampled_from(["public-statement", "apology", "records-request", "photo-lineup",
                        "arrest", "fr-search"]),
       st.dates(min_value=pd.Timestamp("2010-01-01").date(),
                max_value=pd.Timestamp("2030-12-31").date()))
def test_an_unrelated_event_changes_no_existing_finding(etype: str, when: Any) -> None:
    data = _read(WILLIAMS)
    before = _baseline(WILLIAMS, "best")
    first_source = next(iter(data["sources"]))
    data["events"].append({"id": "unrelated-event", "type": etype, "when": when.isoformat(),
                           "summary": "Something unconnected.", "sources": [first_source]})
    after = _evaluate(data)
    after = after[after["event"] != "unrelated-event"].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)


def _fact_sites(data: Any) -> list[tuple[str, Any, str]]:
    sites = []
    for ev in data["events"]:
        for name in ev.get("facts", {}):
            sites.append(("events", ev, name))
    for section in ("actors", "evidence"):
        for item in data.get(section, {}).values():
            for name in item.get("facts", {}):
                sites.append((section, item, name))
    return sites


@pytest.mark.slow
def test_removing_any_one_fact_never_turns_a_finding_into_a_pass() -> None:
    """Unknown is never compliance: dropping a fact leaves each finding as it was, or makes
    it unknown (or not applicable) — never a new pass."""
    for source in (CLEAN, WILLIAMS):
        data = _read(source)
        before = _baseline(source, "best").set_index(["rule", "event"])["status"]
        for i in range(len(_fact_sites(data))):
            trial = _read(source)
            _section, owner, name = _fact_sites(trial)[i]
            del owner["facts"][name]
            after = _evaluate(trial).set_index(["rule", "event"])["status"]
            for key, status in after.items():
                old = before[key]
                assert status == old or status in ("unknown", "not_applicable"), (
                    f"{source.name}: removing {name} turned {key} from {old} into {status}")


# No exception, not even the synthetic-case generator: it reads the rule ids its planted rows
# trip from the protocol files (casebook.testing.plants).


def test_no_rule_or_case_id_is_hard_coded_in_the_library() -> None:
    code = "\n".join(p.read_text(encoding="utf-8")
                     for p in sorted((ROOT / "lib" / "casebook").rglob("*.py")))
    rule_ids = [r.id for p in load_protocols() for r in p.rules]
    rule_ids += [n.id for p in load_protocols() for n in p.not_checkable]
    case_ids = [load_case(p).id for p in sorted((ROOT / "casefile").glob("*.yaml"))]
    for ident in [*rule_ids, *case_ids]:
        assert not re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", code), ident
