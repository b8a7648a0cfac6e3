"""``casebook batch``: the case-study notebook over a folder of cases — parallel, resumable,
failure-isolated, fast.

1. Every case file is validated first; invalid ones are reported with their locations and
   not run.
2. A case reruns only when one of its inputs changed: its file, the registry, the vocabulary,
   the protocols, the notebook, the package's source, or the parameters. Content hashes live
   in ``.casebook-manifest.json`` in the output folder; ``force`` reruns everything.
3. Stale cases run in worker processes. Each worker keeps one warm Jupyter kernel and passes it
   to papermill, so the kernel start and the imports (most of a report's cost) are paid once
   per worker, not once per case; the user namespace is reset between cases. The corpus page,
   when stale, is one more task for the workers, submitted first, so it renders alongside the
   cases; if it fails, the batch still writes everything else and exits non-zero.
4. A case whose notebook fails keeps its previous good report untouched (reports are swapped
   in by rename), leaves the failed executed notebook beside it, and is listed with the error;
   the batch goes on — also when the notebook takes its kernel or its worker process down.
   An interrupted batch (Ctrl-C, SIGTERM) leaves no half-written report, and the next run
   resumes where it stopped — the manifest is rewritten after every case.
5. The output folder gets ``index.html``, ``summary.csv`` (a row per case), ``findings.csv``
   (a row per finding, all cases), one shared ``plotly.min.js`` (unless ``standalone``), and
   the corpus page.
"""

from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_text_atomic
from ..errors import CasebookError
from ..paths import case_files, protocols_dir, registry_path, repo_root, vocabulary_path
from .kernel import (
    kill_kernel,
    remove_kernel_files,
    run_in_kernel,
    shutdown_kernel,
    start_kernel,
)

__all__ = ["BatchResult", "CaseOutcome", "run_batch"]

MANIFEST = ".casebook-manifest.json"
SHARED_PLOTLY = "plotly.min.js"


@dataclass
class CaseOutcome:
    """What happened to one case file in a batch."""

    path: str
    case: str = ""
    status: str = ""  # ok | up-to-date | failed | invalid
    report: str = ""  # relative to the output folder
    seconds: float = 0.0
    events: int = 0
    violations: int = 0
    fails: int = 0
    unknowns: int = 0
    disputed: int = 0
    error: str = ""


@dataclass
class BatchResult:
    out: Path
    cases: list[CaseOutcome] = field(default_factory=list)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # where the time went
    corpus_error: str = ""  # why the corpus page could not be rebuilt
    #: per rendered case, where its time went in the worker (render_report's stages)
    case_stages: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.corpus_error and all(c.status in ("ok", "up-to-date")
                                             for c in self.cases)


# -- inputs and freshness --------------------------------------------------------------

def _digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def shared_inputs_digest() -> str:
    """Everything every report depends on besides its case file."""
    root = repo_root()
    files = [registry_path(), vocabulary_path(), root / "notebooks" / "case-study.ipynb",
             *sorted(protocols_dir().glob("*.yaml")),
             *sorted((root / "lib" / "casebook").rglob("*.py"))]
    return _digest(files)


def _key(case: Path, params: dict[str, Any], shared: str) -> str:
    h = hashlib.sha256(case.read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(shared.encode())
    return h.hexdigest()


# -- the worker ------------------------------------------------------------------------

_KM: Any = None


def _worker_init() -> None:
    """Start this worker's kernel once; it warms itself with casebook's imports."""
    from multiprocessing.util import Finalize

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, _stop_worker)
    _restart_kernel()
    # Pool workers leave without running atexit; multiprocessing's finalizers do run.
    Finalize(None, lambda: shutdown_kernel(_KM), exitpriority=10)


def _stop_worker(signum: int, _frame: Any) -> None:
    """Stopped by the parent: take the kernel down too, then leave at once."""
    try:
        _not_running()
        kill_kernel(_KM)
    finally:
        os._exit(128 + signum)


RUNNING = ".casebook-running-"  # + worker pid: the task a worker is on, in the output folder
_RUNNING_FILE: Path | None = None


def _running(out: str, task: str) -> None:
    """Leave word of the task this worker is on: if the worker dies with it (killed, out of
    memory, a crash), the parent knows which task did it."""
    global _RUNNING_FILE
    _RUNNING_FILE = Path(out) / f"{RUNNING}{os.getpid()}"
    _RUNNING_FILE.write_text(task, encoding="utf-8")


def _not_running() -> None:
    if _RUNNING_FILE is not None:
        _RUNNING_FILE.unlink(missing_ok=True)


def _restart_kernel() -> None:
    global _KM
    shutdown_kernel(_KM)
    _KM = start_kernel()


def _fresh_namespace() -> None:
    """An empty namespace for the next task; a new kernel if the last task took it down."""
    try:
        run_in_kernel(_KM, "%reset -f")
    except RuntimeError:
        _restart_kernel()


def _render_one(path: str, out: str, params: dict[str, Any]) -> dict[str, Any]:
    """Render one case in this worker; never raises for a failing notebook."""
    from .report import ReportError, render_report

    t = time.perf_counter()
    _running(out, path)
    _fresh_namespace()
    try:
        result = render_report(path, out, km=_KM, **params)
    except ReportError as err:
        _restart_kernel()  # a failed notebook may leave the kernel in any state
        return {"status": "failed", "error": str(err), "seconds": time.perf_counter() - t}
    except CasebookError as err:
        return {"status": "failed", "error": str(err), "seconds": time.perf_counter() - t}
    finally:
        _not_running()
    return {"status": "ok", "report": str(result.html.relative_to(Path(out).resolve())),
            "seconds": time.perf_counter() - t, "stages": result.seconds}


# -- the batch ---------------------------------------------------------------------------

def _summary_counts(report_folder: Path) -> dict[str, int]:
    path = report_folder / "summary.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: int(data.get(k, 0)) for k in ("events", "violations", "fails", "unknowns",
                                              "disputed")}


def _clean_stale_temps(out: Path) -> None:
    """Half-written folders from an interrupted run (never a report: they were not swapped),
    and the task notes of its workers."""
    for tmp in out.glob("*/.*.tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    _tasks_of_dead_workers(out)


def _tasks_of_dead_workers(out: Path) -> set[str]:
    """The tasks whose worker died on them (their notes remain), the notes removed."""
    tasks = set()
    for note in out.glob(f"{RUNNING}*"):
        tasks.add(note.read_text(encoding="utf-8"))
        note.unlink(missing_ok=True)
        pid = note.name.removeprefix(RUNNING)
        if pid.isdigit():
            remove_kernel_files(int(pid))
    return tasks


def run_batch(paths: Sequence[str | Path], out: str | Path, *, jobs: int | None = None,
              audience: str = "counsel", lens: str = "then", as_of: str | None = None,
              force: bool = False, standalone: bool = False, protocols: str = "all",
              corpus: bool = True, notebook: str | Path | None = None,
              progress: Callable[[int, int, CaseOutcome], None] | None = None) -> BatchResult:
    """Run the case-study notebook (or another notebook taking the same parameters) over
    case files (see the module docstring)."""
    from .report import check_protocol_ids

    started = time.perf_counter()
    check_protocol_ids(protocols)  # before any case runs
    out_dir = Path(out).expanduser().resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean_stale_temps(out_dir)
    try:
        files = case_files(paths)
    except FileNotFoundError as err:
        raise CasebookError(str(err)) from None
    shared = shared_inputs_digest()
    params = {"audience": audience, "lens": lens, "as_of": as_of, "protocols": protocols,
              "redact": False, "notebook": str(Path(notebook).resolve()) if notebook else None,
              "shared_plotly": None if standalone else f"../../{SHARED_PLOTLY}"}
    if notebook:
        shared = hashlib.sha256((shared + _digest([Path(notebook)])).encode()).hexdigest()
    manifest_path = out_dir / MANIFEST
    manifest: dict[str, Any] = {}
    if manifest_path.exists() and not force:
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError:
            manifest = {}
    if not standalone:
        from ..views.display import plotly_js

        target = out_dir / SHARED_PLOTLY
        if not target.exists():
            write_text_atomic(target, plotly_js())

    result = BatchResult(out_dir)
    todo: list[tuple[Path, str, CaseOutcome]] = []
    for path in files:
        key = _key(path, params, shared)
        entry = manifest.get(str(path))
        outcome = CaseOutcome(path=str(path))
        if entry and entry.get("key") == key and entry.get("status") == "ok" \
                and (out_dir / entry["report"]).exists():
            outcome = CaseOutcome(**{**entry["outcome"], "status": "up-to-date",
                                     "seconds": 0.0})
            result.cases.append(outcome)
            continue
        if entry and entry.get("key") == key and entry.get("status") == "invalid":
            result.cases.append(CaseOutcome(**entry["outcome"]))  # unchanged: still invalid
            continue
        from ..model.load import load_or_problems

        case, problems = load_or_problems(path)
        if case is None:
            outcome.status = "invalid"
            outcome.error = "\n".join(str(p) for p in problems)
            result.cases.append(outcome)
            manifest[str(path)] = {"key": key, "status": "invalid",
                                   "outcome": asdict(outcome)}
            continue
        outcome.case = case.id
        todo.append((path, key, outcome))
    result.stages["freshness and validation"] = time.perf_counter() - started

    total = len(files)
    for done, c in enumerate(result.cases, 1):
        if progress:
            progress(done, total, c)
    corpus_task = _corpus_task(out_dir, files, result, lens, as_of, protocols, standalone,
                               shared, manifest, force) if corpus else None
    if todo or corpus_task:
        t = time.perf_counter()
        workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) + bool(corpus_task)))
        _run_pool(todo, corpus_task, out_dir, params, workers, manifest, manifest_path,
                  result, total, progress)
        result.stages["cases and corpus page in workers"] = time.perf_counter() - t
    write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    result.cases.sort(key=lambda c: c.path)
    t = time.perf_counter()
    write_outputs(result)
    result.stages["index and summaries"] = time.perf_counter() - t
    result.seconds = time.perf_counter() - started
    return result


CORPUS_TASK = "corpus page"
#: pool restarts after a worker died with no task to blame, before the rest is given up
MAX_UNEXPLAINED_DEATHS = 2


def _run_pool(todo: list[tuple[Path, str, CaseOutcome]],
              corpus_task: tuple[str, dict[str, Any]] | None, out_dir: Path,
              params: dict[str, Any], workers: int, manifest: dict[str, Any],
              manifest_path: Path, result: BatchResult, total: int,
              progress: Callable[[int, int, CaseOutcome], None] | None) -> None:
    """The stale cases, and the corpus page if stale, in worker processes with warm kernels.

    The corpus page is submitted first: it is the longest task and needs no case's report.
    A worker process that dies (killed, out of memory, a crash — not just its kernel) breaks
    the pool: the task it was on is failed, and the rest go on in a new pool."""
    stop = {"signal": 0}

    def on_term(signum: int, _frame: Any) -> None:
        stop["signal"] = signum
        raise KeyboardInterrupt

    def finish(path: Path, key: str, outcome: CaseOutcome, data: dict[str, Any]) -> None:
        if "stages" in data:
            result.case_stages[str(path)] = data["stages"]
        outcome.status = data["status"]
        outcome.seconds = round(data["seconds"], 2)
        outcome.error = data.get("error", "")
        if outcome.status == "ok":
            outcome.report = data["report"]
            for k, v in _summary_counts((out_dir / outcome.report).parent).items():
                setattr(outcome, k, v)
            manifest[str(path)] = {"key": key, "status": "ok", "report": outcome.report,
                                   "outcome": asdict(outcome)}
        else:
            manifest.pop(str(path), None)
        write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
        result.cases.append(outcome)
        if progress:
            progress(len(result.cases), total, outcome)

    previous = signal.signal(signal.SIGTERM, on_term)
    remaining = {str(path): (path, key, outcome) for path, key, outcome in todo}
    corpus_left = corpus_task
    unexplained = 0
    pool: ProcessPoolExecutor | None = None
    try:
        while remaining or corpus_left:
            # Spawned, not forked: a fork would inherit jupyter_client's event-loop thread
            # state from this process (which may have run a kernel itself) without the
            # thread, and hang.
            pool = ProcessPoolExecutor(
                max_workers=max(1, min(workers, len(remaining) + bool(corpus_left))),
                initializer=_worker_init, mp_context=multiprocessing.get_context("spawn"))
            pending: dict[Future[dict[str, Any]], str] = {}
            if corpus_left:
                pending[pool.submit(_render_corpus_one, str(out_dir), corpus_left[1])] = \
                    CORPUS_TASK
            for name, (path, _key, _outcome) in remaining.items():
                pending[pool.submit(_render_one, str(path), str(out_dir), params)] = name
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        name = pending.pop(fut)
                        data = fut.result()  # BrokenProcessPool if a worker died
                        if name == CORPUS_TASK and corpus_left:
                            _record_corpus(data, corpus_left[0], manifest, manifest_path,
                                           result)
                            corpus_left = None
                        else:
                            finish(*remaining.pop(name), data)
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                blamed = _tasks_of_dead_workers(out_dir)
                _clean_stale_temps(out_dir)  # every worker of that pool is gone
                unexplained += not blamed
                give_up = unexplained > MAX_UNEXPLAINED_DEATHS
                if CORPUS_TASK in blamed or (give_up and corpus_left):
                    result.corpus_error = _DIED.format(task="the corpus page")
                    corpus_left = None
                for name in [n for n in remaining if n in blamed or give_up]:
                    finish(*remaining.pop(name), {"status": "failed", "seconds": 0.0,
                                                  "error": _DIED.format(task=name)})
                continue
            pool.shutdown(wait=True)
    except KeyboardInterrupt:
        # Stop now. Every finished case is already in the manifest and every report is
        # swapped in whole, so nothing is lost; the next run resumes. Exit without the
        # executor's exit handlers, which would wait on the workers we just stopped.
        processes = list(getattr(pool, "_processes", {}).values()) if pool else []
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
        code = 128 + (stop["signal"] or signal.SIGINT)
        print(f"casebook batch: stopped by signal {code - 128}; rerun to resume",
              file=sys.stderr, flush=True)
        os._exit(code)
    signal.signal(signal.SIGTERM, previous)


_DIED = ("{task}: the worker process rendering it died (killed, out of memory or crashed — "
         "not only the notebook's kernel); the other cases went on in new workers")


def _corpus_task(out_dir: Path, files: list[Path], result: BatchResult, lens: str,
                 as_of: str | None, protocols: str, standalone: bool, shared: str,
                 manifest: dict[str, Any], force: bool) -> tuple[str, dict[str, Any]] | None:
    """The corpus page over the valid cases as ``(key, render_corpus arguments)``, or None
    when the page is up to date. Its inputs are the batch's valid case files, linked into
    one folder."""
    invalid = {c.path for c in result.cases if c.status == "invalid"}
    valid = [p for p in files if str(p) not in invalid]
    h = hashlib.sha256(shared.encode())
    h.update(_digest([repo_root() / "notebooks" / "corpus.ipynb", *valid]).encode())
    h.update(json.dumps([lens, as_of, protocols, standalone]).encode())
    key = h.hexdigest()
    entry = manifest.get("corpus", {})
    if not force and entry.get("key") == key and (out_dir / entry.get("report", "-")).exists():
        return None
    inputs = out_dir / ".corpus-inputs"
    shutil.rmtree(inputs, ignore_errors=True)
    inputs.mkdir()
    for p in valid:
        (inputs / p.name).symlink_to(p)
    return key, {"folder": str(inputs), "lens": lens, "as_of": as_of, "protocols": protocols,
                 "shared_plotly": None if standalone else f"../../{SHARED_PLOTLY}"}


def _render_corpus_one(out: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Render the corpus page in this worker's warm kernel; never raises for a failure."""
    from .report import render_corpus

    _running(out, CORPUS_TASK)
    _fresh_namespace()
    try:
        rendered = render_corpus(kwargs.pop("folder"), out, km=_KM, **kwargs)
    except CasebookError as err:
        _restart_kernel()
        return {"status": "failed", "error": str(err)}
    finally:
        _not_running()
    return {"status": "ok", "report": str(rendered.html.relative_to(Path(out).resolve()))}


def _record_corpus(data: dict[str, Any], key: str, manifest: dict[str, Any],
                   manifest_path: Path, result: BatchResult) -> None:
    if data["status"] == "ok":
        manifest["corpus"] = {"key": key, "report": data["report"]}
    else:
        manifest.pop("corpus", None)
        result.corpus_error = data["error"]
    write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))


def write_outputs(result: BatchResult) -> None:
    """summary.csv, findings.csv (all cases) and index.html, each written atomically."""
    from ..views.display import escape

    out = result.out
    fields = list(asdict(CaseOutcome(path="")).keys())
    rows = [asdict(c) for c in result.cases]
    _write_csv(out / "summary.csv", fields, rows)
    findings_rows: list[dict[str, str]] = []
    header: list[str] = []
    for c in result.cases:
        if c.report:
            f = out / Path(c.report).parent / "findings.csv"
            if f.exists():
                with f.open(newline="", encoding="utf-8") as fh:
                    reader = csv.DictReader(fh)
                    header = header or list(reader.fieldnames or [])
                    findings_rows.extend(reader)
    _write_csv(out / "findings.csv", header or ["case"], findings_rows)
    body = []
    for c in result.cases:
        name = c.case or Path(c.path).name
        cell = f'<a href="{escape(c.report)}">{escape(name)}</a>' if c.report else escape(name)
        error = f"<pre>{escape(c.error)}</pre>" if c.error else ""
        body.append(f"<tr><td>{cell}</td><td>{escape(c.status)}</td><td>{c.events}</td>"
                    f"<td>{c.violations}</td><td>{c.unknowns}</td><td>{c.disputed}</td>"
                    f"<td>{c.seconds:.1f}</td><td>{error}</td></tr>")
    corpus = next(iter(sorted(out.glob("corpus/*/report.html"))), None)
    corpus_link = (f'<p>Across cases: <a href="{escape(str(corpus.relative_to(out)))}">the '
                   "corpus page</a></p>" if corpus else "")
    if result.corpus_error:
        corpus_link += ("<p>The corpus page could not be rebuilt"
                        f"{' (the one linked is older)' if corpus else ''}:</p>"
                        f"<pre>{escape(result.corpus_error)}</pre>")
    html = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>casebook batch</title><style>body{font-family:system-ui,sans-serif;"
            "margin:2em}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;"
            "vertical-align:top}pre{white-space:pre-wrap;font-size:12px;margin:0}</style>"
            f"</head><body><h1>casebook batch</h1><p>{len(result.cases)} case files · "
            f"{sum(c.status in ('ok', 'up-to-date') for c in result.cases)} reports · "
            f"{sum(c.status == 'failed' for c in result.cases)} failed · "
            f"{sum(c.status == 'invalid' for c in result.cases)} invalid</p>{corpus_link}"
            "<table><thead><tr><th>case</th><th>status</th><th>events</th>"
            "<th>violations</th><th>unknowns</th><th>disputed facts</th><th>seconds</th>"
            f"<th>problem</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            "<p><em>A protocol failure is not by itself a finding that anything was "
            "unlawful.</em></p></body></html>\n")
    write_text_atomic(out / "index.html", html)


def _write_csv(path: Path, fields: list[str], rows: list[dict[str, Any]]) -> None:
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(path, buf.getvalue())
