"""Untrusted YAML in, plain data with positions out — nothing else.

Case files and protocol files are data, never code. This reader builds Python values from the
YAML *event* stream itself, so it can enforce, in one iterative pass:

- only the core schema (str, int, float, bool, null, lists, mappings): any explicit tag such as
  ``!!python/object`` is refused, and dates stay the text the author wrote;
- only a regular file, read to a bound (:mod:`.untrusted`);
- bounded size (bytes), nesting depth, node count and text size *after* alias expansion (no
  billion laughs, no megabyte string repeated by aliases);
- no control characters in text (other than newline and tab): they would reach a terminal, a
  spreadsheet or a notebook as commands or break them — each is a located problem;
- strict UTF-8, one document per file, no duplicate keys, no merge keys;
- a position (1-based line and column) for every value and every mapping key, keyed by field
  path, so later validation can say ``events[12].when`` at ``42:7``.

Nothing here raises anything but :class:`~casebook.errors.InputError` subclasses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import CONTROL, FieldPath, InputError, Problem, display_path
from .untrusted import UntrustedFileError, read_untrusted

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_EXPANDED_CHARS", "MAX_NODES", "Document",
           "parse_yaml", "read_yaml"]

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 500_000
#: Characters of text after aliases are expanded: a file without aliases never comes near it.
MAX_EXPANDED_CHARS = 2 * MAX_BYTES

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map")}

Position = tuple[int, int]


@dataclass(slots=True)
class Document:
    """Parsed data plus where each piece was written."""

    path: str
    data: Any
    positions: dict[FieldPath, Position] = field(default_factory=dict)
    key_positions: dict[FieldPath, Position] = field(default_factory=dict)
    #: Problems that do not stop parsing (control characters), reported with the rest.
    problems: list[Problem] = field(default_factory=list)
    raw: bytes = b""  # the exact bytes parsed

    def locate(self, where: FieldPath, *, key: bool = False) -> Position:
        """Line and column of a field, or of its nearest recorded ancestor."""
        if key and where in self.key_positions:
            return self.key_positions[where]
        probe = tuple(where)
        while probe:
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, where: FieldPath, message: str, *, key: bool = False,
                suggestion: str | None = None) -> Problem:
        from ..errors import format_field

        line, col = self.locate(where, key=key)
        return Problem(self.path, line, col, format_field(where), message, suggestion)


class _Fail(Exception):
    def __init__(self, line: int, column: int, message: str):
        self.line, self.column, self.message = line, column, message


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    path: FieldPath
    anchor: str | None
    nodes_at_start: int
    chars_at_start: int
    key: str | None = None
    key_pos: Position | None = None
    key_lines: dict[str, int] = field(default_factory=dict)


def _tag_text(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


def _pos(event: Any) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)


def _check_tag(event: Any) -> str | None:
    """Refuse every tag but the core schema's: no objects, no custom types."""
    tag: str | None = event.tag
    if tag is not None and tag != "!" and tag not in _ALLOWED_TAGS:
        raise _Fail(*_pos(event), f"tag '{_tag_text(tag)}' is not allowed: case and protocol "
                    "files hold plain data only; remove the tag")
    return tag


_NULL = re.compile(r"^(?:~|null|Null|NULL)?$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def _scalar(event: Any) -> Any:
    """Resolve a scalar by the YAML 1.2 core schema: ``yes``/``no``/``on`` stay text, dates and
    ``1:30`` stay as written; only an explicit core tag may change the type."""
    tag = _check_tag(event)
    value: str = event.value
    if tag == _CORE + "str" or (tag is None and not event.implicit[0]):
        return value
    if _NULL.match(value) and tag in (None, _CORE + "null"):
        return None
    if value in _BOOL and tag in (None, _CORE + "bool"):
        return _BOOL[value]
    if _INT.match(value) and tag in (None, _CORE + "int"):
        return int(value)
    if _FLOAT.match(value) and tag in (None, _CORE + "float"):
        return float(value)
    if tag is not None and tag != _CORE + "str":
        raise _Fail(*_pos(event), f"{value!r} is not a valid {_tag_text(tag)}")
    return value


def _events(text: str) -> Iterator[Any]:
    loader = _Loader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def _build(text: str, doc: Document) -> None:
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int, int]] = {}
    nodes = 0
    chars = 0
    documents = 0
    root: list[Any] = []

    def attach(value: Any, pos: Position, path_end: FieldPath) -> None:
        if not stack:
            root.append(value)
            doc.positions[()] = pos
            return
        top = stack[-1]
        if isinstance(top.container, list):
            doc.positions[path_end] = pos
            top.container.append(value)
        elif top.key is None:  # this value is a key
            if isinstance(value, (dict, list)):
                raise _Fail(*pos, "a mapping key must be a plain name, not a list or mapping")
            key = str(value)
            if key in top.key_lines:
                raise _Fail(*pos, f"duplicate key {key!r} (first written on line "
                            f"{top.key_lines[key]})")
            top.key, top.key_pos = key, pos
            top.key_lines[key] = pos[0]
        else:
            assert isinstance(top.container, dict)
            doc.positions[path_end] = pos
            if top.key_pos is not None:
                doc.key_positions[path_end] = top.key_pos
            top.container[top.key] = value
            top.key = None

    def child_path() -> FieldPath:
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        return (*top.path, top.key) if top.key is not None else top.path

    for event in _events(text):
        kind = type(event).__name__
        if kind == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                raise _Fail(*_pos(event), "only one YAML document per file (found a second '---')")
            continue
        if kind in ("StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"):
            continue
        if kind == "AliasEvent":
            if event.anchor not in anchors:
                raise _Fail(*_pos(event), f"alias *{event.anchor} refers to no anchor")
            value, size, length = anchors[event.anchor]
            nodes += size
            chars += length
            if nodes > MAX_NODES:
                raise _Fail(*_pos(event), f"more than {MAX_NODES:,} values after expanding "
                            "aliases: refusing to expand further")
            if chars > MAX_EXPANDED_CHARS:
                raise _Fail(*_pos(event), f"aliases expand the file's text to more than "
                            f"{MAX_EXPANDED_CHARS:,} characters: refusing to expand further")
            attach(value, _pos(event), child_path())
            continue
        if kind in ("SequenceStartEvent", "MappingStartEvent"):
            _check_tag(event)
            nodes += 1
            if len(stack) >= MAX_DEPTH:
                raise _Fail(*_pos(event), f"nested more than {MAX_DEPTH} levels deep")
            path = child_path()
            container: dict[str, Any] | list[Any] = [] if kind == "SequenceStartEvent" else {}
            if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                raise _Fail(*_pos(event), "a mapping key must be a plain name, not a list or "
                            "mapping")
            attach(container, _pos(event), path)
            stack.append(_Frame(container, path, event.anchor, nodes, chars))
            continue
        if kind in ("SequenceEndEvent", "MappingEndEvent"):
            frame = stack.pop()
            if frame.anchor:
                anchors[frame.anchor] = (frame.container, nodes - frame.nodes_at_start + 1,
                                         chars - frame.chars_at_start)
            continue
        if kind == "ScalarEvent":
            nodes += 1
            if nodes > MAX_NODES:
                raise _Fail(*_pos(event), f"more than {MAX_NODES:,} values in one file")
            awaiting_key = bool(stack) and isinstance(stack[-1].container, dict) \
                and stack[-1].key is None
            if awaiting_key and event.value == "<<" and event.implicit[0]:
                raise _Fail(*_pos(event), "merge keys (<<) are not supported: write the keys out")
            value = event.value if awaiting_key else _scalar(event)
            chars += len(event.value)
            if CONTROL.search(event.value):
                where = child_path() if not awaiting_key else (*stack[-1].path, event.value)
                doc.problems.append(_control_problem(doc.path, event, where, awaiting_key))
            attach(value, _pos(event), child_path())
            if event.anchor:
                anchors[event.anchor] = (value, 1, len(event.value))
            continue
    doc.data = root[0] if root else None


def _control_problem(path: str, event: Any, where: FieldPath, key: bool) -> Problem:
    from ..errors import format_field

    found = CONTROL.search(event.value)
    assert found is not None
    char = found.group()
    what = "key" if key else "text"
    return Problem(path, *_pos(event), format_field(where) if not key else
                   format_field(where[:-1]),
                   f"{what} holds the control character U+{ord(char):04X} at character "
                   f"{found.start() + 1}: only printable characters, newlines and tabs may be "
                   "used (a control character could drive a terminal or break an export); "
                   "remove it")


#: Syntax errors that a value written as plain text causes, and quoting fixes.
_QUOTABLE = ("mapping values are not allowed", "that cannot start any token",
             "found unexpected ':'", "could not find expected ':'",
             "expected <block end>, but found", "found unexpected end of stream")


def _quoting_hint(err: yaml.MarkedYAMLError) -> str:
    """A colon, an ``@``, a backquote or a leading ``*``/``&``/``[`` inside text confuses
    YAML; putting the text in quotes fixes it — say so."""
    problem = str(err.problem or "")
    if any(p in problem for p in _QUOTABLE):
        return (" — if this value is text, put it in quotes: key: \"…\" (a colon followed "
                "by a space, a leading @, ` or * cannot appear in unquoted text)")
    return ""


def parse_yaml(text: str, path: str) -> tuple[Document, list[Problem]]:
    """Parse text; return the document and the problems (empty when it parsed)."""
    doc = Document(path=path, data=None)
    try:
        _build(text, doc)
    except _Fail as fail:
        return doc, [Problem(path, fail.line, fail.column, "", fail.message)]
    except yaml.MarkedYAMLError as err:
        mark = err.context_mark or err.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        parts = [p for p in (err.context, err.problem) if p]
        where = ""
        if err.context_mark and err.problem_mark and err.problem_mark.line != err.context_mark.line:
            where = f" (the problem shows on line {err.problem_mark.line + 1})"
        message = "YAML syntax: " + "; ".join(parts) + where + _quoting_hint(err)
        return doc, [Problem(path, line, col, "", message)]
    except yaml.YAMLError as err:
        return doc, [Problem(path, 0, 0, "", f"YAML syntax: {err}")]
    except RecursionError:  # pragma: no cover - the builder is iterative; belt and braces
        return doc, [Problem(path, 0, 0, "", f"nested more than {MAX_DEPTH} levels deep")]
    return doc, []


def read_yaml(path: Path | str, error: type[InputError],
              max_bytes: int = MAX_BYTES) -> Document:
    """Read a YAML file safely, or raise ``error`` listing what is wrong with it."""
    shown = display_path(path)
    try:
        raw = read_untrusted(Path(path), max_bytes)
    except UntrustedFileError as err:
        raise error([Problem(shown, 0, 0, "", str(err))]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        col = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise error([Problem(shown, line, col, "", f"not UTF-8 text (byte 0x{raw[err.start]:02x}"
                             "): save the file as UTF-8")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    doc, problems = parse_yaml(text, shown)
    if problems:
        raise error(problems)
    doc.raw = raw
    return doc
