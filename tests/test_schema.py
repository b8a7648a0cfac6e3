"""The committed JSON Schema is current, and it validates what the loader accepts."""

from __future__ import annotations

import json

import jsonschema
import pytest

from casebook.model.schema import SCHEMA_PATH, generated
from casebook.model.yamlsafe import parse_yaml
from tests.conftest import FIXTURES, ROOT, WILLIAMS


@pytest.mark.parametrize("rel", ["docs/casefile.schema.json", "docs/vocabulary.md"])
def test_committed_generated_files_are_not_stale(rel: str) -> None:
    committed = (ROOT / rel).read_text(encoding="utf-8")
    assert committed == generated()[rel], "run `make schema`"


def _data(path):
    doc, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    assert not problems
    return doc.data


@pytest.mark.parametrize("path", [FIXTURES / "cases" / "minimal--valid.yaml", WILLIAMS],
                         ids=lambda p: p.stem)
def test_valid_cases_satisfy_the_schema(path) -> None:
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    schema = json.loads((ROOT / SCHEMA_PATH).read_text())
    jsonschema.validate(_data(path), schema)


def test_schema_rejects_unknown_keys_and_names() -> None:
    schema = json.loads((ROOT / SCHEMA_PATH).read_text())
    data = _data(FIXTURES / "cases" / "minimal--valid.yaml")
    data["events"][0]["summery"] = "typo"
    with pytest.raises(jsonschema.ValidationError, match="summery"):
        jsonschema.validate(data, schema)
    data = _data(FIXTURES / "cases" / "minimal--valid.yaml")
    data["events"][0]["type"] = "ofense"
    with pytest.raises(jsonschema.ValidationError, match="ofense"):
        jsonschema.validate(data, schema)


def test_williams_case_file_points_editors_at_the_schema() -> None:
    if not WILLIAMS.exists():
        pytest.skip("williams-shinola.yaml not written yet")
    first = WILLIAMS.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/casefile.schema.json"


def test_committed_standards_page_is_not_stale() -> None:
    from casebook.views.standards_doc import STANDARDS_DOC, render_standards_doc

    committed = (ROOT / STANDARDS_DOC).read_text(encoding="utf-8")
    assert committed == render_standards_doc(), "run `make schema`"
