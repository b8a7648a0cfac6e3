"""Batch reruns: failure isolation, up-to-date skipping, resuming after SIGTERM."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from casebook.run.batch import run_batch
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow
CASES = FIXTURES / "cases"


def _corpus(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(CASES / "clean-investigation--clean.yaml", folder / "clean.yaml")
    shutil.copy(next(CASES.glob("witness-not-present--fails-*.yaml")), folder / "witness.yaml")
    boom = (CASES / "clean-investigation--clean.yaml").read_text(encoding="utf-8")
    (folder / "boom.yaml").write_text(boom.replace("id: clean-investigation", "id: boom-case"),
                                      encoding="utf-8")
    shutil.copy(FIXTURES / "invalid" / "bad-dates--error.yaml", folder / "broken.yaml")
    return folder


def _failing_notebook(tmp: Path) -> Path:
    """The case study with planted failures: a cell raises for the case whose path mentions
    'boom'; the kernel dies for 'dies'; for 'crash' the kernel kills the worker process
    that runs it."""
    nb = nbformat.read(ROOT / "notebooks" / "case-study.ipynb", as_version=4)
    cell = nbformat.v4.new_code_cell('if "boom" in case:\n    raise RuntimeError("planted")\n'
                                     'if "dies" in case:\n    import os; os._exit(1)\n'
                                     'if "crash" in case:\n    import os, signal\n'
                                     '    os.kill(os.getppid(), signal.SIGKILL)')
    nb.cells.insert(4, cell)
    path = tmp / "failing.ipynb"
    nbformat.write(nb, path)
    return path


def _status(result) -> dict[str, str]:
    return {Path(c.path).name: c.status for c in result.cases}


def test_failure_isolation_and_up_to_date(tmp_path: Path) -> None:
    cases, out = _corpus(tmp_path / "cases"), tmp_path / "out"
    first = run_batch([cases], out, jobs=2, corpus=False)
    assert _status(first) == {"clean.yaml": "ok", "witness.yaml": "ok", "boom.yaml": "ok",
                              "broken.yaml": "invalid"}
    broken = next(c for c in first.cases if c.path.endswith("broken.yaml"))
    assert "broken.yaml:9:11: events[0].when" in broken.error
    boom_html = out / "boom-case" / "counsel-then" / "report.html"
    before = boom_html.read_bytes()

    again = run_batch([cases], out, jobs=2, corpus=False)
    assert _status(again)["clean.yaml"] == "up-to-date"
    assert _status(again)["witness.yaml"] == "up-to-date"
    assert _status(again)["boom.yaml"] == "up-to-date"
    still = next(c for c in again.cases if c.path.endswith("broken.yaml"))
    assert still.status == "invalid" and "broken.yaml:9:11" in still.error

    dies = (cases / "boom.yaml").read_text(encoding="utf-8").replace("boom-case", "dies-case")
    (cases / "dies.yaml").write_text(dies, encoding="utf-8")
    failing = run_batch([cases], out, jobs=2, corpus=False,
                        notebook=_failing_notebook(tmp_path))
    status = _status(failing)
    assert status["boom.yaml"] == "failed" and status["broken.yaml"] == "invalid"
    assert status["dies.yaml"] == "failed"  # a dead kernel fails its case, not the batch
    died = next(c for c in failing.cases if c.path.endswith("dies.yaml"))
    assert "dies.yaml" in died.error and "died" in died.error.lower()
    assert status["clean.yaml"] == "ok" and status["witness.yaml"] == "ok"
    assert not failing.ok
    assert boom_html.read_bytes() == before  # the previous good report is untouched
    kept = out / "boom-case" / "counsel-then.failed.ipynb"
    failed_nb = nbformat.read(kept, as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in failed_nb.cells
               for o in c.get("outputs", []))
    with (out / "summary.csv").open(newline="", encoding="utf-8") as fh:
        rows = {Path(r["path"]).name: r for r in csv.DictReader(fh)}
    assert "RuntimeError" in rows["boom.yaml"]["error"] and "cell" in rows["boom.yaml"]["error"]
    assert "bad-dates" not in rows["broken.yaml"]["error"]  # named by the copied file
    assert "broken.yaml:5:53" in rows["broken.yaml"]["error"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "boom-case" in index and "failed" in index and "invalid" in index


def test_touching_one_case_reruns_only_it(tmp_path: Path) -> None:
    cases, out = _corpus(tmp_path / "cases"), tmp_path / "out"
    (cases / "broken.yaml").unlink()
    run_batch([cases], out, jobs=2, corpus=False)
    clean = cases / "clean.yaml"
    clean.write_text(clean.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    counted: list[tuple[int, int]] = []
    second = run_batch([cases], out, jobs=2, corpus=False,
                       progress=lambda done, total, _case: counted.append((done, total)))
    assert _status(second) == {"clean.yaml": "ok", "witness.yaml": "up-to-date",
                               "boom.yaml": "up-to-date"}
    assert counted == [(1, 3), (2, 3), (3, 3)]  # one step per case, up-to-date ones too
    assert list(second.stages) == ["freshness and validation",
                                   "cases and corpus page in workers", "index and summaries"]
    assert sum(second.stages.values()) <= second.seconds
    findings = (out / "findings.csv").read_text(encoding="utf-8")
    assert "DOJ-2017-8" in findings and "clean-investigation" in findings
    each = [list(csv.reader((out / c.report).parent.joinpath("findings.csv").open(
        encoding="utf-8"))) for c in second.cases if c.report]
    joined = list(csv.reader(io.StringIO(findings)))
    assert joined == [each[0][0]] + [row for rows in each for row in rows[1:]]  # one header
    assert (out / "plotly.min.js").exists()
    html = (out / "witness-not-present" / "counsel-then" / "report.html").read_text()
    assert '<script src="../../plotly.min.js"></script>' in html


def test_findings_of_reports_with_other_columns_are_joined_by_column(tmp_path: Path) -> None:
    from casebook.run.index import _write_all_findings

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("case,rule,status\nx,R1,fail\n", encoding="utf-8")
    b.write_text("case,status,rule,extra\ny,pass,R2,more\n", encoding="utf-8")  # an older one
    _write_all_findings(tmp_path, [a, b, tmp_path / "gone.csv"])
    rows = list(csv.DictReader((tmp_path / "findings.csv").open(encoding="utf-8")))
    assert rows == [{"case": "x", "rule": "R1", "status": "fail"},
                    {"case": "y", "rule": "R2", "status": "pass"}]


def test_a_worker_process_that_dies_fails_only_its_case(tmp_path: Path) -> None:
    cases, out = _corpus(tmp_path / "cases"), tmp_path / "out"
    (cases / "broken.yaml").unlink()
    crash = (cases / "boom.yaml").read_text(encoding="utf-8").replace("boom-case", "crash-case")
    (cases / "crash.yaml").write_text(crash, encoding="utf-8")
    (cases / "boom.yaml").unlink()
    result = run_batch([cases], out, jobs=2, notebook=_failing_notebook(tmp_path))
    status = _status(result)
    assert status == {"clean.yaml": "ok", "witness.yaml": "ok", "crash.yaml": "failed"}
    crashed = next(c for c in result.cases if c.path.endswith("crash.yaml"))
    assert "crash.yaml: the worker process rendering it died" in crashed.error
    assert not result.corpus_error and (out / "corpus" / "then" / "report.html").exists()
    assert not list(out.glob(".casebook-running-*")) and not list(out.glob("*/.*.tmp-*"))
    with (out / "summary.csv").open(newline="", encoding="utf-8") as fh:
        rows = {Path(r["path"]).name: r for r in csv.DictReader(fh)}
    assert rows["crash.yaml"]["status"] == "failed"


def _corpus_cases(out: Path) -> set[str]:
    with (out / "corpus" / "then" / "cases.csv").open(newline="", encoding="utf-8") as fh:
        return {row["case"] for row in csv.DictReader(fh)}


def test_the_corpus_page_comes_with_the_batch_and_follows_its_valid_cases(
        tmp_path: Path) -> None:
    cases, out = _corpus(tmp_path / "cases"), tmp_path / "out"
    (cases / "boom.yaml").unlink()
    first = run_batch([cases], out, jobs=2)
    assert first.ok is False and not first.corpus_error  # broken.yaml is invalid
    page = out / "corpus" / "then" / "report.html"
    assert _corpus_cases(out) == {"clean-investigation", "witness-not-present"}
    assert 'href="corpus/then/report.html"' in (out / "index.html").read_text()
    built = page.stat().st_mtime_ns

    again = run_batch([cases], out, jobs=2)
    assert "cases and corpus page in workers" not in again.stages  # nothing to render
    assert page.stat().st_mtime_ns == built

    (cases / "witness.yaml").unlink()  # one case fewer: only the corpus page is stale
    third = run_batch([cases], out, jobs=2)
    assert {c.status for c in third.cases} == {"up-to-date", "invalid"}
    assert page.stat().st_mtime_ns != built
    assert _corpus_cases(out) == {"clean-investigation"}


def _valid_with_extras(cases: Path, n: int = 3) -> None:
    """The corpus without its invalid file, plus ``n`` more valid cases (``extra-0`` …), so
    that an interrupted batch still has cases left to render."""
    (cases / "broken.yaml").unlink()
    for i in range(n):
        shutil.copy(next(CASES.glob("lineup-not-blind--fails-*.yaml")), cases / f"extra-{i}.yaml")
        text = (cases / f"extra-{i}.yaml").read_text(encoding="utf-8")
        (cases / f"extra-{i}.yaml").write_text(text.replace("id: lineup-not-blind",
                                                            f"id: extra-{i}"), encoding="utf-8")


def test_sigterm_leaves_no_partial_report_and_the_next_run_completes(tmp_path: Path) -> None:
    cases, out = _corpus(tmp_path / "cases"), tmp_path / "out"
    _valid_with_extras(cases)
    cmd = [str(Path(sys.executable).parent / "casebook"), "batch", str(cases), "-o", str(out),
           "--jobs", "2"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stderr is not None
    deadline = time.monotonic() + 240
    first = ""
    while time.monotonic() < deadline:  # wait for the first finished case, then stop it
        line = proc.stderr.readline()
        if ": ok (" in line or not line:
            first = line
            break
    # a progress bar and the case's status, one line per finished case
    assert re.match(r"\[#{3}\.{17}\] 1/6 [a-z0-9-]+: ok \(\d+\.\d s\)$", first.strip()), first
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=120)
    proc.stderr.close()
    assert proc.returncode != 0
    assert not list(out.glob("*/.*.tmp-*"))  # the stopped workers' folders removed at once
    for variant in out.glob("*/counsel-then"):
        assert (variant / "report.html").exists(), f"partial report {variant}"
    rendered = {p.parent.parent.name for p in out.glob("*/counsel-then/report.html")}
    assert len(rendered) < 6  # it really was interrupted
    resumed = run_batch([cases], out, jobs=2, corpus=False)
    statuses = _status(resumed)
    assert set(statuses.values()) <= {"ok", "up-to-date"}
    # cases the parent recorded before the signal are up to date; a report a worker finished
    # just as the batch stopped is not in the manifest yet, so it is safely rendered again
    assert 1 <= sum(s == "up-to-date" for s in statuses.values()) <= len(rendered)
    assert not list(out.glob("*/.*.tmp-*"))


def test_an_edited_corpus_notebook_makes_the_corpus_page_stale(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from casebook.run import batch

    root, out = tmp_path / "root", tmp_path / "out"
    (root / "notebooks").mkdir(parents=True)
    notebook = root / "notebooks" / "corpus.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    (out / "corpus" / "then").mkdir(parents=True)
    (out / "corpus" / "then" / "report.html").write_text("page", encoding="utf-8")
    monkeypatch.setattr(batch, "repo_root", lambda: root)
    result = batch.BatchResult(out)

    def task() -> tuple[str, dict] | None:
        return batch._corpus_task(out, [CASES / "clean-investigation--clean.yaml"], result,
                                  "then", None, "all", False, "shared", manifest, False)

    manifest: dict = {}
    first = task()
    assert first is not None
    manifest["corpus"] = {"key": first[0], "report": "corpus/then/report.html"}
    assert task() is None  # nothing changed: up to date
    notebook.write_text('{"edited": true}', encoding="utf-8")
    assert task() is not None


def test_an_edited_patterns_file_makes_the_corpus_page_stale_and_is_stamped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """data/patterns.yaml is an input of every report: the batch's freshness key and the
    provenance stamp both come from the one list in casebook.run.inputs."""
    import hashlib
    import shutil

    from casebook.run import batch
    from casebook.run.inputs import report_inputs, shared_inputs_digest
    from casebook.run.report import provenance

    root = tmp_path / "root"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    monkeypatch.setenv("CASEBOOK_ROOT", str(root))
    out = tmp_path / "out"
    (out / "corpus" / "then").mkdir(parents=True)
    (out / "corpus" / "then" / "report.html").write_text("page", encoding="utf-8")
    result = batch.BatchResult(out)
    cases = [CASES / "clean-investigation--clean.yaml"]
    manifest: dict = {}

    def task() -> tuple[str, dict] | None:
        return batch._corpus_task(out, cases, result, "then", None, "all", False,
                                  shared_inputs_digest(), manifest, False)

    def stamped() -> str:
        inputs = report_inputs(root / "notebooks" / "corpus.ipynb", {})
        return provenance(inputs, "then", None, "corpus", False)["inputs_sha256"]["patterns"]

    patterns = root / "data" / "patterns.yaml"
    first = task()
    assert first is not None
    manifest["corpus"] = {"key": first[0], "report": "corpus/then/report.html"}
    assert task() is None
    assert stamped() == hashlib.sha256(patterns.read_bytes()).hexdigest()
    patterns.write_text(patterns.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert task() is not None
    assert stamped() == hashlib.sha256(patterns.read_bytes()).hexdigest()
