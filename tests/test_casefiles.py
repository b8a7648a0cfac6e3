"""Every case file in casefile/: valid, sourced, and true to the reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook import load_case
from tests.conftest import ROOT, reference_text

CASEFILES = sorted((ROOT / "casefile").glob("*.yaml"))


def test_there_are_eleven_cases() -> None:
    assert len(CASEFILES) >= 11


@pytest.mark.parametrize("path", CASEFILES, ids=lambda p: p.stem)
def test_case_has_at_least_five_sourced_events(path: Path) -> None:
    case = load_case(path)
    assert len(case.events) >= 5
    assert all(ev.sources for ev in case.events)
    assert case.file.case.state, "the state decides which standards bind"


@pytest.mark.parametrize("path", CASEFILES, ids=lambda p: p.stem)
def test_names_and_urls_come_from_the_reference(path: Path) -> None:
    reference = reference_text()
    case = load_case(path)
    for actor in case.actors.values():
        name = actor.actor.name
        if not name:
            continue
        if actor.kind == "person":  # a person's name, whole, exactly as the reference gives it
            assert name in reference, f"{actor.id}: {name!r}"
        else:  # a place or body may be qualified ("Hampton Inn, Woodbridge"): its name is known
            head = name.removeprefix("The ").split(" (")[0].split(",")[0].split()[0]
            assert head.lower() in reference.lower(), f"{actor.id}: {name!r}"
    for sid, src in case.sources.items():
        if src.url:
            assert src.url.rstrip("/") in reference, f"{sid}: {src.url}"


@pytest.mark.parametrize("path", CASEFILES, ids=lambda p: p.stem)
def test_minors_are_never_named(path: Path) -> None:
    for actor in load_case(path).actors.values():
        if actor.actor.minor:
            assert actor.actor.name is None and actor.name is None
