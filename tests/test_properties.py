"""Properties of the loader and the graph that must hold for every input."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from casebook import CasebookError, build_graph, load_case
from casebook.model.yamlsafe import parse_yaml
from tests.conftest import FIXTURES, WILLIAMS

MINIMAL = FIXTURES / "cases" / "minimal--valid.yaml"
VALID = [MINIMAL, *([WILLIAMS] if WILLIAMS.exists() else [])]


def _read(path: Path) -> Any:
    """A case file's data as casebook reads it (dates stay text)."""
    doc, problems = parse_yaml(path.read_text(encoding="utf-8"), path.name)
    assert not problems
    return doc.data


def _load_text(text: str | bytes) -> None:
    """Load text as a case file; only casebook's own errors may escape."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "case.yaml"
        if isinstance(text, str):
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(text)
        try:
            load_case(path)
        except CasebookError:
            pass


@given(st.text(max_size=400))
def test_arbitrary_text_raises_only_casebook_errors(text: str) -> None:
    _load_text(text)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_casebook_errors(data: bytes) -> None:
    _load_text(data)


_KEYS = ["casebook", "case", "sources", "actors", "evidence", "events", "exercises", "id",
         "type", "when", "facts", "uses", "produces", "derived_from", "sources", "value",
         "kind", "title", "summary", "participants", "by", "peer_reviewed", "x"]
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                     st.text(max_size=20), st.sampled_from(["2019-07", "unknown", "s1", "acc"]))
_yaml_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)),
    max_leaves=30)


@given(st.dictionaries(st.sampled_from(_KEYS), _yaml_values, max_size=7))
def test_arbitrary_yaml_structures_raise_only_casebook_errors(data: dict[str, Any]) -> None:
    _load_text(yaml.safe_dump(data, allow_unicode=True))


def _mutate(data: Any, rng: random.Random) -> Any:
    """Replace one random node of a parsed case with something else."""
    paths: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k in list(node):
                paths.append((node, k))
                walk(node[k])
        elif isinstance(node, list):
            for i in range(len(node)):
                paths.append((node, i))
                walk(node[i])

    walk(data)
    parent, key = rng.choice(paths)
    parent[key] = rng.choice([None, 7, "zz", [], {}, {"value": "x"}, True, "2019-99",
                              ["nope"], {"typo": 1}])
    return data


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=4))
def test_mutated_valid_case_raises_only_casebook_errors(seed: int, mutations: int) -> None:
    rng = random.Random(seed)
    data = _read(MINIMAL)
    for _ in range(mutations):
        data = _mutate(data, rng)
    _load_text(yaml.safe_dump(data))


def _graph_signature(g: nx.DiGraph) -> tuple[Any, Any]:
    return (sorted((n, sorted(d.items())) for n, d in g.nodes(data=True)),
            sorted((u, v, d["label"]) for u, v, d in g.edges(data=True)))


@pytest.mark.slow
@given(st.randoms(use_true_random=False))
def test_shuffling_events_and_evidence_gives_an_identical_graph(rnd: random.Random) -> None:
    for source in VALID:
        data = _read(source)
        rnd.shuffle(data["events"])
        items = list(data.get("evidence", {}).items())
        rnd.shuffle(items)
        data["evidence"] = dict(items)
        with tempfile.TemporaryDirectory() as tmp:
            shuffled = Path(tmp) / "case.yaml"
            shuffled.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
            assert _graph_signature(build_graph(load_case(shuffled))) == _graph_signature(
                build_graph(load_case(source)))


def test_reserialised_case_reloads_equal(tmp_path: Path) -> None:
    for source in VALID:
        case = load_case(source)
        dumped = case.file.model_dump(mode="json", exclude_defaults=True)
        path = tmp_path / source.name
        path.write_text(yaml.safe_dump(dumped, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        assert load_case(path).file == case.file
