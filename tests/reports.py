"""Report folders rendered once per test run and shared by the xdist workers (a lock file
decides who renders), for the tests that read them: the browser tests, the classroom tests."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

__all__ = ["render_once"]


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary root: shared by the xdist workers of one run, never across runs."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def render_once(tmp_path_factory: pytest.TempPathFactory, case: Path, audience: str,
                redact: bool = False, pdf: bool = False) -> Path:
    """The report folder of one variant, rendered once per run whichever worker asks first
    (with ``pdf``, its PDF too)."""
    from casebook.run.report import render_report

    variant = (f"{case.stem}-{audience}-then{'-redacted' if redact else ''}"
               f"{'-pdf' if pdf else ''}")
    # a neutral folder name: the path of a redacted report must not name anyone either
    key = "variant-" + hashlib.sha256(variant.encode()).hexdigest()[:12]
    shared = _shared_dir(tmp_path_factory) / "casebook-reports"
    shared.mkdir(exist_ok=True)
    done = shared / f"{key}.json"
    with _locked(shared / f"{key}.lock"):
        if done.exists():
            return Path(json.loads(done.read_text())["folder"])
        result = render_report(case, shared / key, audience=audience, lens="then",
                               redact=redact, pdf=pdf)
        done.write_text(json.dumps({"folder": str(result.folder),
                                    "seconds": result.seconds}))
        return result.folder
