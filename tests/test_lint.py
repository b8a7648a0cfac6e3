"""Code quality gates that run with the suite: ruff on everything, mypy --strict on lib/."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_ruff_is_clean() -> None:
    proc = _run("ruff", "check", "lib", "tests", "bench")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    proc = _run("mypy", "--no-incremental")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_slow_import_trap_is_not_installed() -> None:
    """rfc3987-syntax costs ~2 s per nbformat/papermill import: install/overrides.txt keeps
    it out. If this fails, a dependency change brought it back (see docs/setup.md)."""
    assert importlib.util.find_spec("rfc3987_syntax") is None


@pytest.mark.parametrize("module", ["pandas", "plotly", "papermill", "nbformat", "casebook"])
def test_installed_packages_are_byte_compiled(module: str) -> None:
    """install/bootstrap.sh compiles bytecode once: where PYTHONDONTWRITEBYTECODE is set,
    nothing would cache it and every report would recompile its imports (3x slower)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    cached = Path(importlib.util.cache_from_source(spec.origin))
    assert cached.exists(), f"{cached} missing: run install/bootstrap.sh"
