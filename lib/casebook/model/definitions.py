"""Definition files (vocabulary, registry, protocols, patterns) parsed once per file version.

Each loader reads a YAML file and validates it; the result is cached under the file's path and
its modification stamp, so an edited file is read again and an unchanged one never is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import DefinitionError
from .validation import pydantic_problems
from .yamlsafe import Document, read_yaml

__all__ = ["cached_by_stamp", "protocol_rule_ids", "read_definition", "stamp"]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
Stamp = tuple[tuple[str, int, int], ...]


def stamp(paths: Iterable[Path]) -> Stamp:
    """Name, modification time (ns) and size of each file; a missing file stamps as -1."""
    out = []
    for p in paths:
        try:
            st = p.stat()
            out.append((str(p), st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((str(p), -1, -1))
    return tuple(out)


def cached_by_stamp(load: Callable[[Path], T], maxsize: int = 8) -> Callable[[Path], T]:
    """``load(path)`` cached on the path and the stamp of what it reads: the file itself, or
    a folder's ``*.yaml`` files."""
    cache: dict[tuple[Path, Stamp], T] = {}

    def cached(path: Path) -> T:
        path = path.resolve()
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        key = (path, stamp(files))
        if key not in cache:
            if len(cache) >= maxsize:
                cache.pop(next(iter(cache)))
            cache[key] = load(path)
        return cache[key]

    cached.__doc__ = load.__doc__
    return cached


def read_definition(path: Path, model: type[M]) -> tuple[Document, M]:
    """A definition file read safely and validated against ``model``, or a
    :class:`~casebook.errors.DefinitionError` locating every problem."""
    doc = read_yaml(path, DefinitionError)
    try:
        parsed = model.model_validate(doc.data)
    except ValidationError as err:
        raise DefinitionError(doc.problems + pydantic_problems(doc, err, model=model)) from None
    if doc.problems:
        raise DefinitionError(doc.problems)
    return doc, parsed


def _rule_ids(folder: Path) -> frozenset[str]:
    ids: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = read_yaml(path, DefinitionError).data
        except DefinitionError:
            continue  # a broken protocol file is reported where protocols are loaded
        for section in ("rules", "not_checkable"):
            items = data.get(section) if isinstance(data, dict) else None
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    ids.add(item["id"])
    return frozenset(ids)


_cached_rule_ids = cached_by_stamp(_rule_ids)


def protocol_rule_ids(folder: Path | None = None) -> frozenset[str]:
    """Every rule id of the protocol files, read as data — what a case file's exercises may
    name (the model reads the files without the engine that checks them)."""
    from ..paths import protocols_dir

    return _cached_rule_ids(folder or protocols_dir())
