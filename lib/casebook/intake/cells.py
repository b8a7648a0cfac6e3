"""What a cell says, read as a case file holds it: lists, participants, cited sources with
pinpoints, yes/no, fact values by their type, ``name=value`` pairs."""

from __future__ import annotations

import re
from typing import Any

from ..model.vocabulary import Vocabulary
from ..model.yamlsafe import parse_yaml
from .reading import Cell
from .written_dates import WrittenDateError, edtf_of

__all__ = ["CellError", "bool_of", "fact_kind", "fact_value", "ids_of", "pairs_of",
           "sources_of", "split_claims", "who_of"]

_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


class CellError(ValueError):
    def __init__(self, message: str, suggestion: str | None = None) -> None:
        self.message = message
        self.suggestion = suggestion
        super().__init__(message)


def _pieces(text: str, separators: str = ";\n") -> list[str]:
    """Split on the separators, except inside braces (a pinpoint may hold a ``;``)."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [p.strip() for p in out if p.strip()]


def ids_of(cell: Cell) -> list[str]:
    """``a, b`` or one a line: a list of ids."""
    return [p.strip() for p in re.split(r"[,;\n]", cell.text) if p.strip()]


def bool_of(cell: Cell) -> bool:
    if isinstance(cell.value, bool):
        return cell.value
    text = cell.text.casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(f"{cell.text!r} is not yes or no")


def who_of(cell: Cell) -> dict[str, list[str]]:
    """``by: dpd, msp; requested_by: detective`` → participants by role; bare ids mean
    ``by``."""
    out: dict[str, list[str]] = {}
    for piece in _pieces(cell.text):
        role, sep, ids = piece.partition(":")
        if not sep:
            role, ids = "by", piece
        role = re.sub(r"\s+", "_", role.strip().casefold())
        names = [p.strip() for p in re.split(r"[,\s]+", ids) if p.strip()]
        if not names:
            raise CellError(f"role {role!r} names nobody: write `{role}: actor-id, …`")
        out.setdefault(role, []).extend(n for n in names if n not in out.get(role, []))
    return out


def sources_of(cell: Cell) -> list[Any]:
    """Cited sources: ids, or ``id {page: 12, paragraph: 48}`` pinpoints."""
    out: list[Any] = []
    for piece in _pieces(cell.text):
        sid, brace, rest = piece.partition("{")
        sid = sid.strip().rstrip(",")
        if not brace:
            out.extend(p.strip() for p in sid.split(",") if p.strip())
            continue
        doc, problems = parse_yaml("{" + rest, cell.path)
        if problems or not isinstance(doc.data, dict):
            raise CellError(f"the pinpoint of {sid!r} is not readable: write it as "
                            "`id {page: 12, paragraph: 48}`")
        out.append({"id": sid, **doc.data})
    return out


def pairs_of(cell: Cell) -> list[tuple[str, str]]:
    """``name=value`` pairs, one a line or separated by ``;``."""
    out = []
    for piece in _pieces(cell.text):
        name, sep, value = piece.partition("=")
        if not sep:
            raise CellError(f"{piece!r} is not `name=value`")
        out.append((re.sub(r"[\s\-]+", "_", name.strip().casefold()), value.strip()))
    return out


def split_claims(cell: Cell) -> list[Any]:
    """A marked cell — ``2019-07 | 2019-08`` — holds competing values; any other, one."""
    if isinstance(cell.value, str) and " | " in cell.value:
        return [p.strip() for p in cell.value.split(" | ") if p.strip()]
    return [cell.value]


def fact_value(value: Any, kind: str, cell: Cell) -> Any:
    """A fact's value as its type in the vocabulary wants it (``unknown`` stays)."""
    if isinstance(value, str) and value.strip().casefold() == "unknown":
        return "unknown"
    if kind == "bool":
        try:
            return bool_of(Cell(cell.path, cell.sheet, cell.row, cell.column, cell.header,
                                value))
        except CellError:
            raise CellError(f"{value!r} is not yes, no or unknown") from None
    if kind == "number":
        if isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int | float):
            return value
        text = str(value).replace(",", "")
        for convert in (int, float):
            try:
                return convert(text)
            except ValueError:
                pass
        return str(value)  # a quantity (6~, 16..17) or a mistake the checks will name
    if kind in ("actors", "evidence"):
        return [p.strip() for p in re.split(r"[,;\n]", str(value)) if p.strip()]
    if kind == "date":
        try:
            return edtf_of(value)
        except WrittenDateError as err:
            raise CellError(err.message, err.suggestion) from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, bool | int | float) else str(value)


def fact_kind(vocab: Vocabulary, name: str) -> str:
    return vocab.facts[name].type if name in vocab.facts else "text"
