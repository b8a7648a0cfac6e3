"""Case-file text from plain data: block style a person edits, with comments where the author
has something to fill in or check.

Scalars are written by PyYAML's safe emitter, so any text — a colon, a quote, a leading ``@``
or ``=`` — comes out quoted as needed and reads back as the same string.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import FieldPath
from ..paths import repo_root

__all__ = ["case_yaml", "schema_line"]


def schema_line(output: str | Path) -> str:
    """The line that lets an editor check the file against docs/casefile.schema.json, its
    path relative to where the file is written."""
    schema = repo_root() / "docs" / "casefile.schema.json"
    where = Path(os.path.abspath(output)).parent
    relative = Path(os.path.relpath(schema, where)).as_posix()
    return f"# yaml-language-server: $schema={relative}"


def _flow(value: Any) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9,
                          sort_keys=False).strip()
    return text[:-3].rstrip() if text.endswith("\n...") or text.endswith("...") else text


def _block(value: Any) -> bool:
    if isinstance(value, dict):
        return bool(value)
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


def _key(key: Any) -> str:
    return _flow(str(key)) if not isinstance(key, int) else str(key)


def _lines(value: Any, path: FieldPath, indent: int, comments: Mapping[FieldPath, str],
           above: Mapping[FieldPath, str]) -> list[str]:
    pad = "  " * indent

    def note(p: FieldPath) -> str:
        return f"  # {comments[p]}" if p in comments else ""

    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            p = (*path, k)
            if p in above:
                out.append(f"{pad}# {above[p]}")
            if _block(v):
                out.append(f"{pad}{_key(k)}:{note(p)}")
                out += _lines(v, p, indent + 1, comments, above)
            else:
                out.append(f"{pad}{_key(k)}: {_flow(v)}{note(p)}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            p = (*path, i)
            if p in above:
                out.append(f"{pad}# {above[p]}")
            if isinstance(v, dict) and v:
                inner = _lines(v, p, indent + 1, comments, above)
                inner[0] = f"{pad}- {inner[0].lstrip()}"
                if p in comments:
                    inner[0] += note(p)
                out += inner
            else:
                out.append(f"{pad}- {_flow(v)}{note(p)}")
    return out


def _simplified(value: Any) -> Any:
    """A fact or date of one bare claim written as its value; one claim with more, as a
    mapping; several, as a list."""
    if isinstance(value, dict):
        return {k: _simplified(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_simplified(v) for v in value]
        if len(items) == 1 and isinstance(items[0], dict) and "value" in items[0]:
            return items[0]["value"] if len(items[0]) == 1 else items[0]
        return items
    return value


def case_yaml(data: Mapping[str, Any], comments: Mapping[FieldPath, str] | None = None,
              above: Mapping[FieldPath, str] | None = None, header: str = "",
              output: str | Path = "casefile/new.yaml") -> str:
    """The case file's text: the schema line, a header comment, then each section with a
    blank line between."""
    data = {k: (_simplified(v) if k in ("events", "evidence", "actors") else v)
            for k, v in data.items()}
    lines = [schema_line(output)]
    lines += [f"# {line}".rstrip() for line in header.splitlines()]
    for key, value in data.items():
        lines.append("")
        if _block(value):
            lines.append(f"{_key(key)}:")
            lines += _lines(value, (key,), 1, comments or {}, above or {})
        else:
            lines.append(f"{_key(key)}: {_flow(value)}")
    return "\n".join(lines) + "\n"
