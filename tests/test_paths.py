"""Paths resolve from the checkout, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook import paths
from tests.conftest import ROOT


def test_root_is_found_from_the_package() -> None:
    assert paths.repo_root() == ROOT
    assert paths.vocabulary_path().is_file()
    assert paths.registry_path().is_file()


def test_environment_variable_overrides_the_root(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("CASEBOOK_ROOT", str(tmp_path))
    assert paths.repo_root() == tmp_path.resolve()
    assert paths.protocols_dir() == tmp_path.resolve() / "data" / "protocols"


def test_relative_paths_work_from_a_subfolder(monkeypatch: pytest.MonkeyPatch) -> None:
    """As from JupyterLab, whose kernel starts in notebooks/."""
    monkeypatch.chdir(ROOT / "docs")
    resolved = paths.resolve("tests/fixtures/cases/minimal--valid.yaml")
    assert resolved == ROOT / "tests" / "fixtures" / "cases" / "minimal--valid.yaml"


def test_existing_relative_path_wins_over_the_root(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    assert paths.resolve("data") == tmp_path / "data"
