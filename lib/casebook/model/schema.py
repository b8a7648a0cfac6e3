"""The JSON Schema of the case-file format, generated from the models and the vocabulary.

Editors (via the ``# yaml-language-server: $schema=…`` line) validate case files while they are
written; the schema names every allowed event type, kind, role and fact. It is committed at
``docs/casefile.schema.json``, with ``docs/vocabulary.md`` (the vocabulary as a page), and a
test fails when either is stale: ``python -m casebook.model.schema --write`` regenerates both,
``--check`` tells whether they are current.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..paths import repo_root
from .casefile import Casefile
from .vocabulary import Vocabulary, load_vocabulary
from .vocabulary_doc import VOCABULARY_DOC, render_vocabulary_doc

__all__ = ["SCHEMA_PATH", "casefile_schema", "generated", "render_schema"]

SCHEMA_PATH = "docs/casefile.schema.json"


def _enum(names: dict[str, Any]) -> dict[str, Any]:
    return {"enum": sorted(names)}


def casefile_schema(vocab: Vocabulary) -> dict[str, Any]:
    """The models' schema with vocabulary names pinned as enums."""
    schema = Casefile.model_json_schema()
    defs = schema["$defs"]
    props = {name: d["properties"] for name, d in defs.items() if "properties" in d}
    props["Event"]["type"].update(_enum(vocab.event_types))
    props["Evidence"]["kind"].update(_enum(vocab.evidence_kinds))
    props["Source"]["kind"].update(_enum(vocab.source_kinds))
    props["Source"]["account"].update(_enum(vocab.accounts))
    props["Source"]["reliability"].update(_enum(vocab.reliability))
    props["Event"]["participants"]["propertyNames"] = _enum(vocab.participant_roles)
    for model in ("Event", "Evidence", "Actor"):
        props[model]["facts"]["propertyNames"] = _enum(vocab.facts)
    props["Actor"]["roles"]["items"] = _enum(vocab.actor_roles)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "casebook case file, format 1"
    return schema


def render_schema() -> str:
    return json.dumps(casefile_schema(load_vocabulary()), indent=2, sort_keys=True) + "\n"


def generated() -> dict[str, str]:
    """Every committed file generated from the models and the vocabulary, and its text."""
    vocab = load_vocabulary()
    return {SCHEMA_PATH: json.dumps(casefile_schema(vocab), indent=2, sort_keys=True) + "\n",
            VOCABULARY_DOC: render_vocabulary_doc(vocab)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casebook.model.schema")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate the committed files")
    group.add_argument("--check", action="store_true", help="exit 1 if one is stale")
    args = parser.parse_args(argv)
    stale = 0
    for rel, text in generated().items():
        target = repo_root() / rel
        if args.write:
            from ..atomic import write_text_atomic

            write_text_atomic(target, text)
            print(f"wrote {rel}")
            continue
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{rel} is stale: run `make schema`", file=sys.stderr)
            stale = 1
    return stale


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
