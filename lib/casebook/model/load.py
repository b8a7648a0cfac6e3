"""``load_case``: from a path to a validated :class:`~casebook.case.Case`, or every problem.

Two passes, as followthemoney loads its schema: first the shape of each item (pydantic, one
item at a time so one bad event does not hide the others), then meaning and references
(:mod:`casebook.integrity`) over the items whose shape was valid. Any mistake anywhere is
reported together in one :class:`~casebook.errors.CasefileError`; nothing else escapes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import CasebookError, CasefileError, FieldPath, Problem, display_path, suggest
from .case import Case
from .casefile import FORMAT_VERSION, SECTIONS, Casefile, CaseInfo, Teaching, TeachingPoint
from .definitions import protocol_rule_ids
from .integrity import IntegrityChecker
from .registry import Registry, load_registry
from .validation import pydantic_problems
from .vocabulary import Vocabulary, load_vocabulary
from .yamlsafe import Document, parse_yaml, read_yaml

__all__ = ["check_case_file", "check_case_text", "load_case"]

_TOP_KEYS = ["casebook", "case", *SECTIONS, "teaching"]
_REQUIRED = ["casebook", "case", "sources", "events"]


def _validate(model: type[BaseModel], value: Any, doc: Document, at: FieldPath,
              problems: list[Problem]) -> Any:
    """The item's model, or None; problems appended. An item whose only fault is unknown
    keys is still returned without them, so its other mistakes are found too."""
    try:
        return model.model_validate(value)
    except ValidationError as err:
        problems.extend(pydantic_problems(doc, err, prefix=at, model=model))
        extra = [e["loc"] for e in err.errors() if e["type"] == "extra_forbidden"]
        if not isinstance(value, dict) or len(extra) != err.error_count() \
                or any(len(loc) != 1 for loc in extra):
            return None
        known = {k: v for k, v in value.items() if (k,) not in extra}
        try:
            return model.model_validate(known)
        except ValidationError:
            return None


def _teaching(value: Any, doc: Document, problems: list[Problem]
              ) -> tuple[Teaching | None, dict[int, TeachingPoint]]:
    """The lesson, and its decision points by their place in the file: each point is
    validated on its own, so one bad point hides none of the others' mistakes."""
    if not isinstance(value, dict) or not isinstance(value.get("points", []), list):
        whole = _validate(Teaching, value, doc, ("teaching",), problems)
        return whole, dict(enumerate(whole.points)) if whole else {}
    raw_points = value.get("points", [])
    points = {i: p for i, raw in enumerate(raw_points)
              if (p := _validate(TeachingPoint, raw, doc, ("teaching", "points", i), problems))}
    rest = _validate(Teaching, {k: v for k, v in value.items() if k != "points"}, doc,
                     ("teaching",), problems)
    if rest is None:
        return None, points
    if len(raw_points) > rest.max_points:
        problems.append(doc.problem(("teaching", "points"), f"{len(raw_points)} decision "
                                    f"points; at most {rest.max_points} (raise 'max_points' "
                                    "to allow more)"))
    return rest.model_copy(update={"points": list(points.values())}), points


def _raw_ids(data: dict[str, Any]) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for section, (shape, _model) in SECTIONS.items():
        value = data.get(section)
        if shape == "mapping" and isinstance(value, dict):
            ids[section] = {str(k) for k in value}
        elif shape == "list" and isinstance(value, list):
            ids[section] = {str(v["id"]) for v in value if isinstance(v, dict) and "id" in v}
    return ids


def _check(doc: Document, vocab: Vocabulary, registry: Registry
           ) -> tuple[Casefile | None, list[Problem]]:
    problems: list[Problem] = list(doc.problems)
    data = doc.data
    if data is None:
        return None, [Problem(doc.path, 1, 1, "", "the file is empty; a case file starts with "
                              "'casebook: 1'")]
    if not isinstance(data, dict):
        return None, [doc.problem((), "a case file is a mapping of sections (casebook, case, "
                                  "sources, actors, evidence, events, exercises, teaching)")]
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(doc.problem((key,), f"unknown section {key!r}; expected one of: "
                                        f"{', '.join(_TOP_KEYS)}", key=True,
                                        suggestion=suggest(key, _TOP_KEYS)))
    for key in _REQUIRED:
        if key not in data:
            problems.append(doc.problem((), f"missing required section {key!r}"))
    version = data.get("casebook", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        problems.append(doc.problem(("casebook",), f"format version {version!r} is not "
                                    f"supported; this casebook reads version {FORMAT_VERSION}"))

    info = _validate(CaseInfo, data["case"], doc, ("case",), problems) if "case" in data \
        else None
    teaching, points = _teaching(data["teaching"], doc, problems) \
        if data.get("teaching") is not None else (None, {})
    items: dict[str, dict[Any, Any]] = {}
    for section, (shape, model) in SECTIONS.items():
        value = data.get(section)
        items[section] = {}
        if value is None:
            continue
        if shape == "mapping":
            if not isinstance(value, dict):
                problems.append(doc.problem((section,), f"{section!r} must be a mapping of "
                                            "id: entry"))
                continue
            entries: Iterable[tuple[Any, Any]] = value.items()
        else:
            if not isinstance(value, list):
                problems.append(doc.problem((section,), f"{section!r} must be a list "
                                            "('- id: …' entries)"))
                continue
            entries = enumerate(value)
        for key, raw in entries:
            parsed = _validate(model, raw, doc, (section, key), problems)
            if parsed is not None:
                items[section][key] = parsed

    checker = IntegrityChecker(doc, vocab, registry, raw_ids=_raw_ids(data))
    if info is not None:
        checker.check_case(info)
    checker.check_sources(items["sources"])
    checker.check_actors(items["actors"])
    checker.check_evidence(items["evidence"])
    checker.check_events(items["events"])
    checker.check_exercises(items["exercises"], protocol_rule_ids())
    if teaching is not None:
        checker.check_teaching(points, items["events"], items["exercises"])
    if not problems and not checker.problems:
        checker.check_graph(items["evidence"], items["events"])
    problems.extend(checker.problems)
    if problems or info is None:
        return None, problems
    casefile = Casefile(
        casebook=FORMAT_VERSION,
        case=info,
        sources=items["sources"],
        actors=items["actors"],
        evidence=items["evidence"],
        events=list(items["events"].values()),
        exercises=list(items["exercises"].values()),
        teaching=teaching,
    )
    return casefile, []


def load_case(path: str | Path, *, vocabulary: Vocabulary | None = None,
              registry: Registry | None = None) -> Case:
    """Load and validate a case file; raise :class:`CasefileError` listing every problem."""
    p = Path(path)
    doc = read_yaml(p, CasefileError)
    vocab = vocabulary or load_vocabulary()
    reg = registry or load_registry()
    casefile, problems = _check(doc, vocab, reg)
    if problems or casefile is None:
        raise CasefileError(problems)
    return Case(path=p.resolve(), display_path=doc.path, file=casefile, vocabulary=vocab,
                registry=reg, raw=doc.raw)


def check_case_text(text: str, path: str) -> list[Problem]:
    """Every problem of case-file text not yet written anywhere (``path`` names it in the
    problems) — so a generated file is proven to load before it is written."""
    doc, problems = parse_yaml(text, path)
    if problems:
        return problems
    return _check(doc, load_vocabulary(), load_registry())[1]


def check_case_file(path: str | Path) -> list[Problem]:
    """Every problem of a case file (empty when valid) — for ``casebook validate``."""
    return load_or_problems(path)[1]


def load_or_problems(path: str | Path) -> tuple[Case | None, list[Problem]]:
    """The case, or every problem of its file — for callers that go on with the next file."""
    try:
        return load_case(path), []
    except CasebookError as err:
        problems = getattr(err, "problems", None)
        if problems is None:
            return None, [Problem(display_path(path), 0, 0, "", str(err))]
        return None, list(problems)
