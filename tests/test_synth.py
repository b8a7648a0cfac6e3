"""casebook.testing.synth: valid, deterministic cases whose planted failures the engine
finds exactly.

The engine is compared with what the generator *planted* (its sidecar), never with the
engine's own earlier output; the plant table is also checked against the protocol files,
read as plain YAML.
"""

from __future__ import annotations

import ast
import itertools
import json
from pathlib import Path

import pytest
import yaml

from casebook import load_case
from casebook.cli import main
from casebook.engine.findings import evaluate
from casebook.engine.protocols import Protocol, load_protocols
from casebook.testing import synth
from casebook.testing.plants import (
    BASELINE_ONLY,
    PLANTED_INCIDENT_EVENTS,
    PLANTED_INCIDENT_TYPES,
    PLANTS,
    protocol_rules,
)
from casebook.testing.synth import (
    SynthCase,
    expected_findings,
    synth_case,
    synth_planted,
    write_planted,
)
from tests.conftest import ROOT

GENERATOR = sorted((ROOT / "lib" / "casebook" / "testing").glob("*.py"))
ENGINE = {"findings", "checks", "protocols", "load", "graph"}
SEEDS = [0, 1, 7, 42, 2024]
AS_OF = "2026-11-22"
Pairs = set[tuple[str, str]]


@pytest.fixture(scope="module")
def protocols() -> list[Protocol]:
    return load_protocols()


def _found(path: Path, protocols: list[Protocol]) -> tuple[Pairs, Pairs]:
    """(rule, event) pairs the engine finds failing and unknown, under `best`."""
    found = evaluate(load_case(path), protocols, lens="best", as_of=AS_OF)

    def pairs(status: str) -> Pairs:
        hit = found[found["status"] == status]
        return set(zip(hit["rule"], hit["event"], strict=True))

    return pairs("fail"), pairs("unknown")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Three cases of ~26 events for each seed in SEEDS."""
    out = {}
    for seed in SEEDS:
        folder = tmp_path_factory.mktemp(f"seed-{seed}")
        write_planted(folder, cases=3, events=26, seed=seed)
        out[seed] = folder
    return out


# -- valid, deterministic ------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_generated_files_are_valid(corpus: dict[int, Path], seed: int) -> None:
    cases = sorted(corpus[seed].glob("*.yaml"))
    assert len(cases) == 3
    for path in cases:
        case = load_case(path)  # raises on any problem
        assert len(case.events) == 2 * PLANTED_INCIDENT_EVENTS
        assert all(ev.sources for ev in case.events)
        assert (corpus[seed] / f"{case.id}.expected.json").is_file()


def test_same_seed_gives_identical_bytes(corpus: dict[int, Path], tmp_path: Path) -> None:
    write_planted(tmp_path, cases=3, events=26, seed=7)
    assert _files(tmp_path) == _files(corpus[7])
    assert synth_planted(40, seed=5).text == synth_planted(40, seed=5).text


def test_output_does_not_depend_on_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = synth_planted(40, seed=9).text
    monkeypatch.setattr(synth, "_DUMPER", yaml.SafeDumper)  # PyYAML's pure-Python emitter
    assert synth_planted(40, seed=9).text == fast


def test_different_seeds_differ(corpus: dict[int, Path]) -> None:
    def bodies(seed: int) -> set[bytes]:
        return {p.read_bytes() for p in corpus[seed].glob("*.yaml")}

    for a, b in itertools.pairwise(SEEDS):
        assert not bodies(a) & bodies(b)
    assert synth_planted(26, seed=1).text != synth_planted(26, seed=2).text


def test_manifest_records_seed_and_parameters(corpus: dict[int, Path]) -> None:
    manifest = json.loads((corpus[42] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == 42
    assert manifest["parameters"]["cases"] == 3
    assert manifest["parameters"]["events"] == 26
    assert [f["file"] for f in manifest["files"]] == sorted(
        p.name for p in corpus[42].glob("*.yaml"))
    for entry in manifest["files"]:  # each case is reproducible on its own
        planted = synth_planted(26, entry["seed"], entry["case"])
        assert planted.text == (corpus[42] / entry["file"]).read_text(encoding="utf-8")


# -- the engine finds exactly what was planted ---------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_engine_finds_exactly_the_planted_findings(corpus: dict[int, Path], seed: int,
                                                   protocols: list[Protocol]) -> None:
    for path in sorted(corpus[seed].glob("*.yaml")):
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        want_fail, want_unknown = expected_findings(expected)
        assert want_fail, f"{path.name}: nothing planted"
        fails, unknown = _found(path, protocols)
        for pair in want_fail:
            assert pair in fails, f"{path.name}: planted {pair} is not `fail`"
        for pair in want_unknown:
            assert pair in unknown, f"{path.name}: planted unknown {pair} is not `unknown`"
        assert fails == want_fail, f"{path.name}: unplanted failures {fails - want_fail}"
        assert unknown == want_unknown, f"{path.name}: unplanted unknowns {unknown - want_unknown}"


def test_clean_baseline_fails_nothing(tmp_path: Path, protocols: list[Protocol]) -> None:
    planted = synth_planted(40, seed=3, failure_rate=0, unknown_rate=0)
    assert planted.expected["failures"] == planted.expected["unknowns"] == []
    path = tmp_path / "clean.yaml"
    path.write_text(planted.text, encoding="utf-8")
    assert _found(path, protocols) == (set(), set())


SCENARIOS = [(p.name, state) for p in PLANTS
             for state in ("fail", "unknown", *(() if p.graph else ("disputed",)))]


def test_each_plant_alone(tmp_path: Path, protocols: list[Protocol]) -> None:
    """Every row of the table in every state, each planted alone in its own incident (one
    case, one incident per scenario; incidents share no graph node): exactly its rules trip."""
    planted = synth_planted(0, seed=11, case_id="one-plant-each", failure_rate=0,
                            unknown_rate=0, plan=[{name: state} for name, state in SCENARIOS])
    path = tmp_path / "one-plant-each.yaml"
    path.write_text(planted.text, encoding="utf-8")
    fails, unknown = _found(path, protocols)
    entries = planted.expected["failures"] + planted.expected["unknowns"]
    for k, (name, state) in enumerate(SCENARIOS, start=1):
        requires = {p.name: p.requires for p in PLANTS}[name]
        assert {e["plant"] for e in entries if e["incident"] == k} == {name, requires} - {""}
        suffix = f"-{k}"
        mine = {"failures": [e for e in planted.expected["failures"] if e["incident"] == k],
                "unknowns": [e for e in planted.expected["unknowns"] if e["incident"] == k]}
        want_fail, want_unknown = expected_findings(mine)
        got_fail = {p for p in fails if p[1].endswith(suffix)}
        got_unknown = {p for p in unknown if p[1].endswith(suffix)}
        assert (got_fail, got_unknown) == (want_fail, want_unknown), (name, state)
    assert (fails, unknown) == expected_findings(planted.expected)  # and nothing else


def test_force_is_checked() -> None:
    with pytest.raises(ValueError, match="no plant"):
        synth_planted(13, force={"no-such-plant": "fail"})
    with pytest.raises(ValueError, match="exclude each other"):
        synth_planted(13, force={"warrant-on-fr-alone": "fail",
                                 "warrant-on-fr-and-lineup": "fail"})


# -- the table agrees with the protocol files (read as data, not through the engine) -------

def _pairs(table: dict[str, tuple[str, ...]]) -> Pairs:
    return {(r, PLANTED_INCIDENT_TYPES[ev]) for ev, rules in table.items() for r in rules}


def test_clean_values_meet_every_rule_and_failing_values_fail_it() -> None:
    for plant in PLANTS:
        if plant.graph:
            continue
        rules = {r.id: r for r in protocol_rules()}
        for _event, ids in plant.fails.items():
            for rid in ids:
                rule = rules[rid]
                assert rule.passes(plant.clean), (
                    f"{rid} ({rule.file}) is not met by the clean value {plant.clean!r} of "
                    f"{plant.fact!r}: change the row {plant.name!r} of PLANTS")
                assert not rule.passes(plant.failing), (
                    f"{rid} ({rule.file}) is met by the failing value {plant.failing!r}")


def test_rows_trip_the_rules_that_read_them() -> None:
    """A few rows, against rules of the protocol files as a reader sees them (other
    standards that read the same fact trip too)."""
    rows = {p.name: p for p in PLANTS}

    def trips(row: str, event: str) -> set[str]:
        return set(rows[row].fails.get(event, ()))

    assert {"APLS-2020-3", "DOJ-2017-1", "NAS-2014-2", "NC-EIRA-1"} <= trips(
        "lineup-not-blind", "photo-lineup")
    assert {"DPD-307.5-1a", "MAYOR-2019-2", "MD-FRT-2-503a1i"} <= trips(
        "property-offense", "fr-search")
    assert trips("witness-not-present", "photo-lineup") == {"ALI-ID-10.03b3", "DOJ-2017-8"}
    assert "DUE-PROCESS-ID-1" in trips("suggestive-lineup", "photo-lineup")
    assert "FRANKS-1" in trips("false-affidavit", "warrant-request")
    assert trips("lineup-on-fr-lead", "photo-lineup") == {
        "DPD-2023-1", "DPD-LINEUP-1", "SET-2024-3"}
    assert set(rows["lineup-on-fr-lead"].unknowns["photo-lineup"]) == {"SET-2024-3"}
    assert {"DPD-307.5-1b", "DPD-SOP-1", "MSP-1", "MSP-7", "OTH-WCPO-2", "SET-2024-1"} <= \
        trips("warrant-on-fr-alone", "warrant-issued")


def test_every_rule_at_an_incident_event_is_plantable() -> None:
    """So the clean baseline really is checked by every rule that can see it; when a new rule
    cannot be planted, say what to add."""
    covered = set().union(*(_pairs(p.fails) | _pairs(p.unknowns) for p in PLANTS))
    in_incident = set(PLANTED_INCIDENT_TYPES.values())
    missing = []
    for rule in protocol_rules():
        for etype in rule.applies_to:
            if etype not in in_incident or (rule.id, etype) in covered \
                    or rule.check in BASELINE_ONLY:
                continue
            if rule.facts:
                missing.append(
                    f"{rule.id} ({rule.file}) reads {', '.join(rule.facts)} at {etype}, which "
                    "no row of casebook.testing.plants.PLANTS plants: add a `_fact(...)` row "
                    "with its clean and failing values, and write the fact in "
                    "`_incident_planted` on the node the rule reads")
            else:
                missing.append(
                    f"{rule.id} ({rule.file}) uses the check {rule.check!r} at {etype}, which "
                    "casebook.testing.plants cannot plant: add a provenance row naming that "
                    "check in `fail_checks`, or teach `ProtocolRule` to read it")
    assert not missing, "\n".join(missing)


# -- independence from the engine ----------------------------------------------------------

def _casebook_imports(tree: ast.AST) -> tuple[set[str], list[str]]:
    """The casebook modules a file imports, and any names it takes from the package itself
    (``from . import x`` / ``from casebook import x``: the package re-exports the engine)."""
    modules: set[str] = set()
    package_names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "casebook" or alias.name.startswith("casebook."):
                    modules.add(alias.name.removeprefix("casebook").lstrip(".").split(".")[-1])
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0:
                if module != "casebook" and not module.startswith("casebook."):
                    continue
                module = module.removeprefix("casebook").lstrip(".")
            elif node.level > 2:
                package_names.append("." * node.level + module)  # outside the package
                continue
            if module:
                modules.add(module.split(".")[-1])
            else:
                package_names.extend(a.name for a in node.names)
    return modules, package_names


@pytest.mark.parametrize("path", GENERATOR, ids=lambda p: p.name)
def test_the_generator_imports_no_engine_module(path: Path) -> None:
    modules, package_names = _casebook_imports(ast.parse(path.read_text(encoding="utf-8")))
    assert not modules & ENGINE, sorted(modules)
    assert not ({""} & modules) and not package_names, (modules, package_names)
    # the check itself catches the imports it is meant to
    caught, _ = _casebook_imports(ast.parse(
        "from .findings import evaluate\nimport casebook.engine.graph\n"
        "from casebook.model.load import load_case\nfrom json import load\n"))
    assert caught == {"findings", "graph", "load"}


# -- the command line and the benchmark generator ------------------------------------------

def test_cli_synth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["synth", "--cases", "3", "--events", "24", "--seed", "7", "-o", str(out)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert len(list(out.glob("*.yaml"))) == 3
    assert len(list(out.glob("*.expected.json"))) == 3
    assert (out / "manifest.json").is_file()
    assert main(["validate", "--quiet", str(out)]) == 0
    assert main(["synth", "--cases", "0", "-o", str(out)]) == 2


def test_synth_case_keeps_its_shape(tmp_path: Path) -> None:
    made = synth_case(50, seed=50)
    assert isinstance(made, SynthCase)
    assert (made.case_id, made.events) == ("synthetic-50-50", 48)
    path = tmp_path / f"{made.case_id}.yaml"
    path.write_text(made.text, encoding="utf-8")
    assert len(load_case(path).events) == 48
