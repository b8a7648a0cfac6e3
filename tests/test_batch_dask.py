"""``casebook batch --scheduler``: the same batch on a Dask cluster — the same files and
summary as the local pool, a killed Dask worker failing only its case, an interrupted run
resumed."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from casebook.errors import CasebookError
from casebook.run.batch import run_batch
from tests.conftest import FIXTURES
from tests.test_batch import _corpus, _failing_notebook, _status, _valid_with_extras

pytestmark = pytest.mark.slow
CASES = FIXTURES / "cases"
VOLATILE = {"seconds"}  # how long a case took is the only column allowed to differ


def _tree(out: Path) -> set[str]:
    """Every file a batch wrote, by its path in the output folder (its own lock aside)."""
    return {str(p.relative_to(out)) for p in out.rglob("*")
            if p.is_file() and p.name != ".casebook-batch.lock"}


def _summary(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(newline="", encoding="utf-8") as fh:
        return [{k: v for k, v in row.items() if k not in VOLATILE}
                for row in csv.DictReader(fh)]


def test_a_local_dask_cluster_writes_what_the_local_pool_writes(tmp_path: Path) -> None:
    cases = _corpus(tmp_path / "cases")
    (cases / "boom.yaml").unlink()
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    by_pool = run_batch([cases], pool, jobs=2)
    by_dask = run_batch([cases], dask, jobs=2, scheduler="local")
    assert _status(by_dask) == _status(by_pool) == {
        "clean.yaml": "ok", "witness.yaml": "ok", "broken.yaml": "invalid"}
    assert _tree(dask) == _tree(pool)
    assert (dask / "corpus" / "then" / "report.html").exists()
    assert _summary(dask) == _summary(pool)
    assert (dask / "findings.csv").read_text() == (pool / "findings.csv").read_text()
    assert not list(dask.glob(".casebook-running-*"))
    again = run_batch([cases], dask, jobs=2, scheduler="local")  # the freshness manifest
    assert _status(again) == {"clean.yaml": "up-to-date", "witness.yaml": "up-to-date",
                              "broken.yaml": "invalid"}
    assert "cases and corpus page in workers" not in again.stages  # no cluster started


def test_a_running_cluster_takes_the_batch_by_its_address(tmp_path: Path) -> None:
    from distributed import LocalCluster

    cases = _corpus(tmp_path / "cases")
    for name in ("boom.yaml", "broken.yaml", "witness.yaml"):
        (cases / name).unlink()
    with LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0", scheduler_port=0) as cluster:
        result = run_batch([cases], tmp_path / "out", scheduler=cluster.scheduler_address,
                           corpus=False)
    assert _status(result) == {"clean.yaml": "ok"}
    assert (tmp_path / "out" / "clean-investigation" / "counsel-then" / "report.html").exists()


def test_a_scheduler_that_is_neither_local_nor_an_address_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CasebookError, match=r"--scheduler 'loacl': expected 'local'"):
        run_batch([CASES], tmp_path / "out", scheduler="loacl")
    assert not (tmp_path / "out").exists()


def test_a_killed_dask_worker_fails_only_its_case(tmp_path: Path) -> None:
    cases, out = _corpus(tmp_path / "cases"), tmp_path / "out"
    (cases / "broken.yaml").unlink()
    crash = (cases / "boom.yaml").read_text(encoding="utf-8").replace("boom-case", "crash-case")
    (cases / "crash.yaml").write_text(crash, encoding="utf-8")
    (cases / "boom.yaml").unlink()
    # the planted notebook has the kernel kill its parent: the Dask worker process
    result = run_batch([cases], out, jobs=2, scheduler="local",
                       notebook=_failing_notebook(tmp_path))
    assert _status(result) == {"clean.yaml": "ok", "witness.yaml": "ok", "crash.yaml": "failed"}
    crashed = next(c for c in result.cases if c.path.endswith("crash.yaml"))
    assert "crash.yaml: the Dask worker rendering it died" in crashed.error
    assert not result.corpus_error and (out / "corpus" / "then" / "report.html").exists()
    assert not list(out.glob(".casebook-running-*")) and not list(out.glob("*/.*.tmp-*"))
    rows = {Path(r["path"]).name: r["status"] for r in _summary(out)}
    assert rows == {"clean.yaml": "ok", "witness.yaml": "ok", "crash.yaml": "failed"}


def test_an_interrupted_dask_batch_resumes(tmp_path: Path) -> None:
    cases, out = _corpus(tmp_path / "cases"), tmp_path / "out"
    _valid_with_extras(cases)
    cmd = [str(Path(sys.executable).parent / "casebook"), "batch", str(cases), "-o", str(out),
           "--jobs", "2", "--scheduler", "local"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 240
    first = ""
    while time.monotonic() < deadline:  # the first finished case, then stop the batch
        line = proc.stderr.readline()
        if ": ok (" in line or not line:
            first = line
            break
    assert "1/6" in first and ": ok (" in first, first
    tree = [proc.pid, *(p.pid for p in psutil.Process(proc.pid).children(recursive=True))]
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=120)
    proc.stderr.close()
    assert proc.returncode == 128 + signal.SIGTERM
    gone = time.monotonic() + 30
    while time.monotonic() < gone and any(psutil.pid_exists(p) for p in tree):
        time.sleep(0.3)
    assert not [p for p in tree if psutil.pid_exists(p)], "the cluster outlived its batch"
    assert not list(out.glob("*/.*.tmp-*"))
    rendered = {p.parent.parent.name for p in out.glob("*/counsel-then/report.html")}
    assert len(rendered) < 6  # it really was interrupted
    resumed = run_batch([cases], out, jobs=2, corpus=False, scheduler="local")
    statuses = _status(resumed)
    assert set(statuses.values()) <= {"ok", "up-to-date"}
    assert 1 <= sum(s == "up-to-date" for s in statuses.values()) <= len(rendered)
