"""Shared test helpers: paths, and writing small case files."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
WILLIAMS = ROOT / "casefile" / "williams-shinola.yaml"
REFERENCE = ROOT.parent / "shared" / "reference"
#: The project's own research notes (docs/reference/): stored public pages, in our words, with
#: their URLs — the source of the cases and standards added beyond the shared reference.
OWN_REFERENCE = ROOT / "docs" / "reference"


def reference_text() -> str:
    """All of the reference material: the shared reference beside the checkout (skips the
    test when it is absent) and the project's own research notes."""
    if not REFERENCE.is_dir():
        pytest.skip(f"the reference folder {REFERENCE} is not beside the checkout")
    files = [*sorted(REFERENCE.rglob("*")), *sorted(OWN_REFERENCE.glob("*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in files if p.is_file())


_EXPECT = re.compile(r"^# expect: (\d+):(\d+) (\S*): (.*?)(?: \| did you mean `(.+)`)?$")


def assert_expected_problems(path: Path, problems: list) -> None:
    """A fixture's `# expect: LINE:COL FIELD: MESSAGE | did you mean `X`` lines must match the
    reported problems exactly: line, column, field, part of the message, the suggestion, and
    nothing more."""
    expected = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _EXPECT.match(line)
        if m:
            expected.append((int(m[1]), int(m[2]), m[3], m[4], m[5]))
    assert expected, f"{path.name} has no '# expect:' lines"

    def matches(p, line: int, col: int, field: str, text: str, hint: str | None) -> bool:
        return (p.line, p.column, p.field) == (line, col, field) and text in p.message and (
            hint is None or p.suggestion == hint)

    for exp in expected:
        assert any(matches(p, *exp) for p in problems), (
            f"expected {exp} among:\n" + "\n".join(map(str, problems)))
    assert len(problems) == len(expected), "unexpected extra problems:\n" + "\n".join(
        str(p) for p in problems if not any(matches(p, *e) for e in expected))


@pytest.fixture
def write_case(tmp_path: Path):
    """Write YAML text (dedented) to a file and return its path."""

    def write(text: str, name: str = "case.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if __import__("os").environ.get("CI") else "dev")


def michigan_and_general_protocols() -> list:
    """The standards a Michigan fixture case is held to, and those that bind no state in
    particular (national rules, federal guidance, science): the fixtures' planted failures are
    stated against these; other states' laws fail there only as benchmarks of the same
    conduct."""
    from casebook.engine.protocols import load_protocols
    from casebook.model.registry import load_registry

    registry = load_registry()

    def michigan(agency: str) -> bool:
        entry = registry.actors.get(agency)
        return entry is not None and entry.state == "MI"

    return [p for p in load_protocols()
            if (not p.binds.states or "MI" in p.binds.states)
            and all(michigan(a) for a in p.binds.agencies)]


def identity_leaks(text: str, case_file: Path) -> list[str]:
    """What in ``text`` would identify a private person of ``case_file``, read from the file
    as plain YAML: each name word of three letters or more (accents, case, soft hyphens and
    zero-width spaces ignored) and each description, whole."""
    import unicodedata

    def fold(s: str) -> str:
        s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", s))
        s = "".join(c for c in s if not unicodedata.combining(c))
        return re.sub("[\u00ad\u200b]", "", s).casefold()

    data = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    folded = fold(text)
    found = []
    for actor in (data.get("actors") or {}).values():
        if not (actor.get("private") or actor.get("minor")):
            continue
        for word in re.findall(r"[^\W\d_]{3,}", fold(actor.get("name") or "")):
            if re.search(rf"(?<![^\W_]){re.escape(word)}", folded):
                found.append(word)
        if actor.get("description") and fold(actor["description"]) in folded:
            found.append(actor["description"])
    return found

