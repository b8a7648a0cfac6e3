"""The safe YAML reader: plain data only, bounded, positioned."""

from __future__ import annotations

import pytest

from casebook.model.yamlsafe import MAX_DEPTH, MAX_NODES, parse_yaml


def _problems(text: str) -> list[str]:
    _doc, problems = parse_yaml(text, "f.yaml")
    return [str(p) for p in problems]


def test_core_schema_only_true_false_are_booleans() -> None:
    doc, problems = parse_yaml("a: yes\nb: no\nc: on\nd: true\ne: False\nf: 1:30\n"
                               "g: 2019-07\nh: 0x1F\ni: 12\nj: 1.5e3\nk: ~\n", "f.yaml")
    assert not problems
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": True, "e": False, "f": "1:30",
                        "g": "2019-07", "h": "0x1F", "i": 12, "j": 1500.0, "k": None}


def test_keys_keep_their_text() -> None:
    doc, _ = parse_yaml("on: {events: [x]}\n2019: year\ntrue: t\n", "f.yaml")
    assert list(doc.data) == ["on", "2019", "true"]


def test_positions_for_values_and_keys() -> None:
    doc, _ = parse_yaml("top:\n  - id: a\n    when: 2019\n", "f.yaml")
    assert doc.positions[("top", 0, "when")] == (3, 11)
    assert doc.key_positions[("top", 0, "when")] == (3, 5)
    assert doc.locate(("top", 0, "missing", "deeper")) == (2, 5)


@pytest.mark.parametrize("text", [
    "a: !!python/object:os.system ls\n",
    "a: !!python/object/apply:subprocess.check_output [[ls]]\n",
    "a: !custom {x: 1}\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
])
def test_object_and_custom_tags_are_refused(text: str) -> None:
    (message,) = _problems(text)
    assert "is not allowed" in message and "remove the tag" in message


def test_explicit_core_tags_are_allowed() -> None:
    doc, problems = parse_yaml("a: !!str 2019\nb: !!int '7'\n", "f.yaml")
    assert not problems and doc.data == {"a": "2019", "b": 7}


def test_alias_bomb_is_stopped() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    (message,) = _problems("\n".join(lines) + "\n")
    assert f"more than {MAX_NODES:,} values after expanding aliases" in message


def test_small_aliases_expand() -> None:
    doc, problems = parse_yaml("a: &s [1, 2]\nb: *s\n", "f.yaml")
    assert not problems and doc.data["b"] == [1, 2]


def test_deep_nesting_is_refused() -> None:
    (message,) = _problems("[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5))
    assert f"nested more than {MAX_DEPTH} levels deep" in message


def test_duplicate_keys_merge_keys_and_second_document() -> None:
    assert "duplicate key 'a' (first written on line 1)" in _problems("a: 1\na: 2\n")[0]
    assert "merge keys" in _problems("base: &b {x: 1}\nc:\n  <<: *b\n")[0]
    assert "only one YAML document" in _problems("a: 1\n---\nb: 2\n")[0]


def test_complex_keys_are_refused() -> None:
    assert "must be a plain name" in _problems("? [a, b]\n: c\n")[0]


def test_syntax_error_points_at_the_construct_start() -> None:
    (message,) = _problems("x: 1\nitems: [a, b\ny: 2\n")
    assert message.startswith("f.yaml:2:8: YAML syntax: while parsing a flow sequence")
    assert "(the problem shows on line 3)" in message
