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

__all__ = ["cached_by_stamp", "read_definition", "stamp"]

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
        return doc, model.model_validate(doc.data)
    except ValidationError as err:
        raise DefinitionError(pydantic_problems(doc, err, model=model)) from None
