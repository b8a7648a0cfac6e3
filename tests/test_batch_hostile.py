"""A batch no single case can stop, and runs that clean up after themselves.

Special files and undecodable names, ids too long for a file name, two files with one id, an
output that cannot be written, a second batch on the same folder, a case edited while it
renders, the batch killed outright, a single report stopped with SIGTERM. The subprocess
timeouts only turn a hang into a failure; nothing here measures speed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from casebook.errors import CasebookError
from casebook.run.batch import run_batch
from casebook.run.leftovers import hold_output_lock, remove_dead_leftovers
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow
CLEAN = FIXTURES / "cases" / "clean-investigation--clean.yaml"
HANG = 240
DEAD_PID = 4_194_301  # above Linux's default pid_max of 4,194,304 minus a margin: never alive


def _with_id(case_id: str) -> str:
    return CLEAN.read_text(encoding="utf-8").replace("id: clean-investigation",
                                                     f"id: {case_id}")


def _sleeping_notebook(tmp: Path, seconds: int = 120) -> Path:
    nb = nbformat.read(ROOT / "notebooks" / "case-study.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})"))
    path = tmp / "sleeping.ipynb"
    nbformat.write(nb, path)
    return path


def _status(result) -> dict[str, tuple[str, str]]:
    return {Path(c.path).name: (c.status, c.error) for c in result.cases}


def test_no_single_file_stops_the_batch(tmp_path: Path) -> None:
    cases, out = tmp_path / "cases", tmp_path / "out"
    cases.mkdir()
    shutil.copy(CLEAN, cases / "clean.yaml")
    os.mkfifo(cases / "fifo.yaml")
    (cases / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    (cases / "folder.yaml").mkdir()
    (cases / "long-id.yaml").write_text(_with_id("x" * 300), encoding="utf-8")
    (cases / "dup-a.yaml").write_text(_with_id("same-id"), encoding="utf-8")
    (cases / "dup-b.yaml").write_text(_with_id("same-id"), encoding="utf-8")
    latin = os.fsencode(cases) + b"/caf\xe9.yaml"  # a file name that is not UTF-8
    with open(latin, "w", encoding="utf-8") as fh:
        fh.write(_with_id("latin-name"))

    result = run_batch([cases], out, jobs=2, corpus=False)
    status = _status(result)
    assert status["clean.yaml"][0] == "ok"
    assert status["caf\\xe9.yaml"][0] == "ok"  # rendered, its name shown escaped
    assert "a FIFO (named pipe), not a regular file" in status["fifo.yaml"][1]
    assert "No such file or directory" in status["dangling.yaml"][1]
    assert "a folder, not a regular file" in status["folder.yaml"][1]
    assert "case id is 300 characters long; the limit is 80" in status["long-id.yaml"][1]
    for mine, other in (("dup-a.yaml", "dup-b.yaml"), ("dup-b.yaml", "dup-a.yaml")):
        state, error = status[mine]
        assert state == "invalid" and "'same-id' is also used by" in error and other in error
    assert not (out / "same-id").exists()  # neither rendered over the other
    assert not result.ok
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert len(rows) == 8 and any(r["path"].endswith("caf\\xe9.yaml") for r in rows)
    assert (out / "index.html").read_text(encoding="utf-8").count("<tr>") == 1 + 8  # + header
    manifest = json.loads((out / ".casebook-manifest.json").read_text(encoding="utf-8"))
    assert any(k.endswith("clean.yaml") for k in manifest)


def test_an_output_that_cannot_be_written_fails_that_case_only(tmp_path: Path) -> None:
    cases, out = tmp_path / "cases", tmp_path / "out"
    cases.mkdir()
    shutil.copy(CLEAN, cases / "clean.yaml")
    (cases / "blocked.yaml").write_text(_with_id("blocked"), encoding="utf-8")
    out.mkdir()
    (out / "blocked").write_text("a file where the case's report folder would go")
    result = run_batch([cases], out, jobs=1, corpus=False)
    status = _status(result)
    assert status["clean.yaml"][0] == "ok"
    assert status["blocked.yaml"][0] == "failed"
    assert "cannot write" in status["blocked.yaml"][1] and "blocked" in status["blocked.yaml"][1]
    assert (out / "index.html").exists() and (out / "summary.csv").exists()


def test_an_output_folder_that_cannot_be_made_is_a_clear_refusal(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    proc = subprocess.run([sys.executable, "-m", "casebook.cli", "batch", str(CLEAN), "-o",
                           str(tmp_path / "file" / "out")], capture_output=True, text=True,
                          timeout=HANG, check=False)
    assert proc.returncode == 2
    assert "file/out: cannot create the output folder" in proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr


def test_a_second_batch_is_refused_and_deletes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "some-case").mkdir(parents=True)
    mine = out / "some-case" / f".counsel-then.tmp-{os.getpid()}-abc"  # a live run's
    dead = out / "some-case" / f".counsel-then.tmp-{DEAD_PID}-abc"  # a dead run's
    mine.mkdir()
    dead.mkdir()
    with hold_output_lock(out):
        with pytest.raises(CasebookError, match=rf"process {os.getpid()}\) is writing"):
            run_batch([CLEAN], out, corpus=False)
        assert mine.exists() and dead.exists()  # the refused batch touched nothing
    result = run_batch([CLEAN], out, jobs=1, corpus=False)
    assert result.ok
    assert mine.exists()  # still in use by a live process
    assert not dead.exists()  # left by a dead one


def test_a_process_dead_but_not_yet_reaped_leaves_nothing_behind(tmp_path: Path) -> None:
    """A worker killed mid-case is a zombie until its parent notices; its folder is not in
    use and goes, as a running process's stays."""
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])  # never waited for: a zombie
    try:
        deadline = time.monotonic() + HANG
        while "Z" not in _state(zombie.pid):  # a zombie, or gone (reaped elsewhere): dead
            assert time.monotonic() < deadline
            time.sleep(0.01)
        out = tmp_path / "out"
        (out / "some-case").mkdir(parents=True)
        left = out / "some-case" / f".counsel-then.tmp-{zombie.pid}-abc"
        mine = out / "some-case" / f".counsel-then.tmp-{os.getpid()}-abc"
        left.mkdir()
        mine.mkdir()
        assert remove_dead_leftovers(out) == [left]
        assert mine.exists() and not left.exists()
    finally:
        zombie.wait()


def test_the_report_is_of_the_bytes_read_even_if_the_file_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file is edited right after it was read: the notebook must render the bytes read,
    and the stamp and the batch key must be theirs."""
    import casebook.run.report as report
    from casebook.model import load as load_module

    case = tmp_path / "edited.yaml"
    case.write_text(_with_id("edited-case"), encoding="utf-8")
    original = case.read_bytes()
    real = load_module.load_case

    def load_then_edit(path, **kw):
        loaded = real(path, **kw)
        if Path(path) == case:
            case.write_text(_with_id("edited-case").replace(
                "A clean investigation (test fixture)", "CHANGED WHILE RENDERING"),
                encoding="utf-8")
        return loaded

    monkeypatch.setattr(load_module, "load_case", load_then_edit)
    result = report.render_report(case, tmp_path / "out")
    assert result.case_sha256 == hashlib.sha256(original).hexdigest()
    stamp = json.loads((result.folder / "provenance.json").read_text(encoding="utf-8"))
    assert stamp["inputs_sha256"]["case file"] == result.case_sha256
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    assert "A clean investigation (test fixture)" in page
    assert "CHANGED WHILE RENDERING" not in page
    executed = (result.folder / "case-study.ipynb").read_text(encoding="utf-8")
    assert str(case) in executed and ".input" not in executed  # the file named, not the copy


def _pids_with(text: str) -> set[int]:
    """Processes whose command line contains ``text``."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if text in cmdline:
                found.add(int(proc.name))
    return found


def _wait_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + 60
    while pids and time.monotonic() < deadline:
        pids = {p for p in pids if Path(f"/proc/{p}").exists()
                and "(Z)" not in _state(p)}
        time.sleep(0.5)
    return pids


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1][:4]
    except OSError:
        return "(Z)"


def test_a_killed_batch_leaves_no_worker_or_kernel_running(tmp_path: Path) -> None:
    cases, out = tmp_path / "cases", tmp_path / "out"
    cases.mkdir()
    for i in range(2):
        (cases / f"c{i}.yaml").write_text(_with_id(f"slow-{i}"), encoding="utf-8")
    cmd = [str(Path(sys.executable).parent / "casebook"), "batch", str(cases), "-o", str(out),
           "--jobs", "2", "--notebook", str(_sleeping_notebook(tmp_path))]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + HANG
    workers: set[int] = set()
    while time.monotonic() < deadline and (len(workers) < 2
                                           or len(list(out.glob("*/.*.tmp-*"))) < 2):
        workers = {int(n.name.rsplit("-", 1)[-1]) for n in out.glob(".casebook-running-*")}
        time.sleep(0.5)
    assert len(workers) == 2, "the workers never started their cases"
    time.sleep(3)  # let the kernels take the notebooks
    kernels = set().union(*(_pids_with(f"casebook-kernel-{w}-") for w in workers))
    assert kernels, "no kernel found for the workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=HANG)
    assert _wait_gone(workers | kernels) == set(), "orphans kept running"
    assert list(out.glob("*/.*.tmp-*"))  # the killed run's temporary folders remain …
    again = run_batch([cases], out, jobs=1, corpus=False, notebook=None)
    assert again.ok and not list(out.glob("*/.*.tmp-*"))  # … until the next run
    assert not list(Path(tempfile.gettempdir()).glob(f"casebook-kernel-{proc.pid}-*"))


def test_a_report_stopped_with_sigterm_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [str(Path(sys.executable).parent / "casebook"), "report", str(CLEAN), "-o", str(out),
           "--notebook", str(_sleeping_notebook(tmp_path))]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline and not list(out.glob("*/.*.tmp-*")):
        time.sleep(0.3)
    assert list(out.glob("*/.*.tmp-*")), "the report never started"
    time.sleep(3)  # let the kernel take the notebook
    kernels = _pids_with(f"casebook-kernel-{proc.pid}-")
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=HANG)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "Traceback" not in err
    assert not list(out.glob("*/.*.tmp-*"))
    assert not list(Path(tempfile.gettempdir()).glob(f"casebook-kernel-{proc.pid}-*"))
    assert _wait_gone(kernels) == set()


def test_a_redacted_batch_names_nobody_and_says_what_was_run(tmp_path: Path) -> None:
    from tests.conftest import WILLIAMS, identity_leaks

    cases, out = tmp_path / "cases", tmp_path / "out"
    cases.mkdir()
    shutil.copy(WILLIAMS, cases / "williams-shinola.yaml")
    shutil.copy(FIXTURES / "invalid" / "bad-dates--error.yaml", cases / "robert-williams.yaml")
    result = run_batch([cases], out, jobs=1, redact=True, lens="then")
    assert {c.status for c in result.cases} == {"ok", "invalid"}
    index = (out / "index.html").read_text(encoding="utf-8")
    for setting in ("audience: <strong>counsel", "lens: <strong>then", "redacted: <strong>yes",
                    "casebook: <strong>"):
        assert setting in index, setting
    for path in out.rglob("*"):
        assert "williams" not in path.name.lower(), path
        if path.is_file() and path.suffix in (".html", ".csv", ".json", ".ipynb"):
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.name == "plotly.min.js":
                continue
            assert "williams-shinola" not in text and "robert-williams" not in text, path
            if path.suffix != ".html":  # the page's markup is checked in the browser tests
                assert not identity_leaks(text, WILLIAMS), (path, identity_leaks(text,
                                                                                 WILLIAMS))


def test_workers_started_early_are_capped_and_stopped_when_not_used() -> None:
    """The batch starts its workers while it still checks files — no more than it may have,
    no more than the tasks it expects — and stops them if it never uses them."""
    import multiprocessing

    import psutil

    from casebook.run.pool import EarlyPool

    def workers() -> list[psutil.Process]:  # the pool's processes (not its resource tracker)
        return [psutil.Process(p.pid) for p in multiprocessing.active_children()]

    before = {p.pid for p in workers()}
    early = EarlyPool(2)
    early.expect(1)
    early.expect(5)  # capped at two
    deadline = time.monotonic() + HANG
    while len({p.pid for p in workers()} - before) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1)
    started = [p for p in workers() if p.pid not in before]
    assert len(started) == 2
    early.close()
    psutil.wait_procs(started, timeout=HANG)
    assert not [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert early.take() is None
