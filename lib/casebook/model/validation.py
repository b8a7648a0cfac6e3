"""Turning pydantic's validation errors into located, readable problems.

Pydantic knows *what* is wrong (``loc``, ``type``); the YAML document knows *where*. This module
joins the two and words the message for a case-file author: an unknown key names the keys that
were expected and the closest one ("did you mean …?"); a wrong enumeration value names the
allowed values.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import FieldPath, Problem, suggest
from .yamlsafe import Document

__all__ = ["describe_value", "known_keys", "pydantic_problems"]

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}


def describe_value(value: Any) -> str:
    """A short rendering of a bad value for a message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _members(annotation: Any) -> list[Any]:
    from .casefile import Pinpoint, SourceRef

    if annotation is SourceRef:  # a cited source is an id or a pinpoint mapping
        return [Pinpoint]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(annotation) for m in _members(a)]
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    return [annotation]


def known_keys(model: type[BaseModel], loc: FieldPath) -> list[str]:
    """The keys a mapping at ``loc`` (relative to ``model``) may have, for suggestions."""
    candidates: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for cand in candidates:
            for member in _members(cand):
                origin = typing.get_origin(member)
                args = typing.get_args(member)
                if isinstance(member, type) and issubclass(member, BaseModel):
                    if isinstance(part, str) and part in member.model_fields:
                        nxt.append(member.model_fields[part].annotation)
                elif origin in (dict,) and len(args) == 2:
                    nxt.append(args[1])
                elif origin in (list, tuple) and args and isinstance(part, int):
                    nxt.append(args[0])
        candidates = nxt
    keys: set[str] = set()
    for cand in candidates:
        for member in _members(cand):
            if isinstance(member, type) and issubclass(member, BaseModel):
                keys.update(f.alias or name for name, f in member.model_fields.items())
    return sorted(keys)


def _clean_loc(loc: tuple[Any, ...]) -> FieldPath:
    """Drop pydantic's union-branch labels (``function-after[...]``, ``list[...]``, ``str``)."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, int):
            out.append(part)
        elif isinstance(part, str) and ("[" in part or part in _BRANCH_WORDS):
            continue
        else:
            out.append(part)
    return tuple(out)


_BRANCH_WORDS = {"str", "int", "float", "bool", "list", "dict", "none", "function-before",
                 "function-after", "function-plain", "tagged-union", "union"}


def pydantic_problems(doc: Document, err: ValidationError, *, prefix: FieldPath = (),
                      model: type[BaseModel] | None = None) -> list[Problem]:
    """Located problems for every error pydantic found, duplicates from union branches merged."""
    seen: set[tuple[FieldPath, str]] = set()
    problems: list[Problem] = []
    union_paths: dict[FieldPath, list[dict[str, Any]]] = {}
    for e in [dict[str, Any](x) for x in err.errors(include_url=False)]:
        loc = (*prefix, *_clean_loc(e["loc"]))
        union_paths.setdefault(loc, []).append(e)
    for loc, errors in union_paths.items():
        # When a union failed on every branch, one message about the value is enough.
        if len(errors) > 1 and all(e["type"] in _TYPE_WORDS for e in errors):
            wanted = sorted({_TYPE_WORDS[e["type"]] for e in errors})
            msg = f"expected {' or '.join(wanted)}, got {describe_value(errors[0]['input'])}"
            errors = [{**errors[0], "type": "_merged", "msg": msg}]
        for e in errors:
            problem = _one(doc, loc, e, prefix, model)
            key = (loc, problem.message)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
    return problems


def _one(doc: Document, loc: FieldPath, e: dict[str, Any], prefix: FieldPath,
         model: type[BaseModel] | None) -> Problem:
    kind = e["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        choices = known_keys(model, loc[len(prefix):-1]) if model else []
        expected = f"; expected one of: {', '.join(choices)}" if choices else ""
        return doc.problem(loc, f"unknown key {key!r}{expected}", key=True,
                           suggestion=suggest(key, choices))
    if kind == "missing":
        return doc.problem(loc[:-1], f"missing required key {str(loc[-1])!r}")
    if kind == "literal_error":
        allowed = [str(a).strip("'") for a in e.get("ctx", {}).get("expected", "").split(" or ")]
        allowed = [a for part in allowed for a in part.split(", ")]
        allowed = [a.strip().strip("'") for a in allowed if a.strip()]
        return doc.problem(loc, f"{describe_value(e['input'])} is not allowed; expected one of: "
                           f"{', '.join(allowed)}", suggestion=suggest(str(e["input"]), allowed))
    if kind in _TYPE_WORDS:
        return doc.problem(loc, f"expected {_TYPE_WORDS[kind]}, got {describe_value(e['input'])}")
    msg = str(e["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return doc.problem(loc, msg)
