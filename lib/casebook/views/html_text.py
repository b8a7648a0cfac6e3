"""Rewriting the text of an HTML fragment without touching its markup.

The safety net of redaction reads what a page *says* — text between tags, attribute values,
and the string literals of inline scripts (a figure's data) — and never the markup itself: a
person named "Script" or "Div" must not turn ``<script>`` into something a browser no longer
runs. Each piece is unescaped, passed through ``fn`` and escaped again only when ``fn`` changed
it, so unchanged markup stays byte for byte.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

__all__ = ["map_html_text"]

_TOKEN = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<[^>]*>", re.S | re.I)
_ATTRIBUTE = re.compile(r"""(\s[^\s"'=<>/]+\s*=\s*)(?:"([^"]*)"|'([^']*)')""")
_JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_OPEN = re.compile(r"<(script|style)\b[^>]*>", re.I)


def _text(piece: str, fn: Callable[[str], str]) -> str:
    plain = html.unescape(piece)
    changed = fn(plain)
    return piece if changed == plain else html.escape(changed, quote=False)


def _tag(tag: str, fn: Callable[[str], str]) -> str:
    def attribute(m: re.Match[str]) -> str:
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        plain = html.unescape(raw)
        changed = fn(plain)
        if changed == plain:
            return m.group(0)
        return f'{m.group(1)}"{html.escape(changed, quote=True)}"'
    return _ATTRIBUTE.sub(attribute, tag)


def _script(block: str, fn: Callable[[str], str]) -> str:
    """An inline script or style: its opening tag's attributes, and in a script the JSON
    string literals (a figure's labels and hover text)."""
    opening = _OPEN.match(block)
    assert opening is not None
    head, body = block[:opening.end()], block[opening.end():]
    if opening.group(1).lower() == "style":
        return _tag(head, fn) + body

    def literal(m: re.Match[str]) -> str:
        try:
            plain = json.loads(m.group(0))
        except ValueError:
            return m.group(0)
        changed = fn(plain)
        if changed == plain:
            return m.group(0)
        return json.dumps(changed, ensure_ascii=False).replace("</", "<\\/")
    return _tag(head, fn) + _JS_STRING.sub(literal, body)


def map_html_text(markup: str, fn: Callable[[str], str]) -> str:
    """``markup`` with ``fn`` applied to its text, attribute values and script strings."""
    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(markup):
        if m.start() > pos:
            out.append(_text(markup[pos:m.start()], fn))
        token = m.group(0)
        if token.startswith("<!--"):
            out.append(token)
        elif m.group(1):
            out.append(_script(token, fn))
        else:
            out.append(_tag(token, fn))
        pos = m.end()
    if pos < len(markup):
        out.append(_text(markup[pos:], fn))
    return "".join(out)
