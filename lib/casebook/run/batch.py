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

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..atomic import write_text_atomic
from ..errors import CasebookError, display_path, path_text
from ..paths import case_files, repo_root
from .index import write_outputs
from .inputs import CORPUS_NOTEBOOK, case_bytes, digest_files, shared_inputs_digest
from .leftovers import hold_output_lock, remove_dead_leftovers
from .outcomes import BatchResult, CaseOutcome
from .pool import EarlyPool, run_pool, tasks_of_dead_workers

__all__ = ["BatchResult", "CaseOutcome", "run_batch"]

MANIFEST = ".casebook-manifest.json"


SHARED_PLOTLY = "plotly.min.js"


def _key(case_sha256: str, params: dict[str, Any], shared: str) -> str:
    """A case's freshness key: the hash of its bytes, the parameters, the shared inputs."""
    h = hashlib.sha256(case_sha256.encode())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(shared.encode())
    return h.hexdigest()


def _digest(path: Path) -> tuple[str | None, str]:
    """The SHA-256 of a case file's bytes, read as the loader reads them (only a regular
    file, bounded), or None and why not."""
    from ..model.untrusted import UntrustedFileError

    try:
        return hashlib.sha256(case_bytes(path)).hexdigest(), ""
    except UntrustedFileError as err:
        return None, f"{path_text(path)}: {err}"


def run_batch(paths: Sequence[str | Path], out: str | Path, *, jobs: int | None = None,
              audience: str = "counsel", lens: str = "then", as_of: str | None = None,
              force: bool = False, standalone: bool = False, protocols: str = "all",
              corpus: bool = True, notebook: str | Path | None = None, redact: bool = False,
              progress: Callable[[int, int, CaseOutcome], None] | None = None,
              scheduler: str | None = None) -> BatchResult:
    """Run the case-study notebook (or another notebook taking the same parameters) over
    case files (see the module docstring). ``scheduler``: render on a Dask cluster instead
    of local worker processes — ``local`` (a LocalCluster of ``jobs`` workers) or a running
    scheduler's address (:mod:`casebook.run.dask_pool`)."""
    from .report import check_protocol_ids

    started = time.perf_counter()
    if scheduler is not None:
        from .dask_pool import check_scheduler

        check_scheduler(scheduler)
    check_protocol_ids(protocols)  # before any case runs
    out_dir = Path(out).expanduser().resolve()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CasebookError(f"{out_dir}: cannot create the output folder "
                            f"({err.strerror or err})") from None
    try:
        files = case_files(paths)
    except FileNotFoundError as err:
        raise CasebookError(str(err)) from None
    with hold_output_lock(out_dir):
        remove_dead_leftovers(out_dir)
        tasks_of_dead_workers(out_dir)
        return _run_locked(files, out_dir, started, jobs=jobs, audience=audience, lens=lens,
                           as_of=as_of, force=force, standalone=standalone,
                           protocols=protocols, corpus=corpus and not redact,
                           notebook=notebook, redact=redact, progress=progress,
                           scheduler=scheduler)


def _run_locked(files: list[Path], out_dir: Path, started: float, *, jobs: int | None,
                audience: str, lens: str, as_of: str | None, force: bool, standalone: bool,
                protocols: str, corpus: bool, notebook: str | Path | None, redact: bool,
                progress: Callable[[int, int, CaseOutcome], None] | None,
                scheduler: str | None) -> BatchResult:
    shared = shared_inputs_digest()
    params = {"audience": audience, "lens": lens, "as_of": as_of, "protocols": protocols,
              "redact": redact, "notebook": str(Path(notebook).resolve()) if notebook else None,
              "shared_plotly": None if standalone else str(out_dir / SHARED_PLOTLY)}
    if notebook:
        shared = hashlib.sha256((shared + digest_files([Path(notebook)])).encode()).hexdigest()
    key_params = {**params, "shared_plotly": not standalone}
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

    from datetime import UTC, datetime

    from .. import __version__

    result = BatchResult(out_dir, settings={
        "audience": audience, "lens": lens, "as of": as_of or "today",
        "protocols": protocols, "redacted": "yes" if redact else "no",
        "run": datetime.now(UTC).isoformat(timespec="seconds"), "casebook": __version__})
    todo: list[tuple[Path, str, CaseOutcome]] = []
    early = EarlyPool(jobs or os.cpu_count() or 1) if scheduler is None else None
    try:
        return _render_stale(files, out_dir, started, todo, early, result, manifest,
                             manifest_path, key_params, shared, params, jobs=jobs, lens=lens,
                             as_of=as_of, force=force, standalone=standalone,
                             protocols=protocols, corpus=corpus, redact=redact,
                             progress=progress, scheduler=scheduler)
    finally:
        if early is not None:
            early.close()  # workers started for a batch that stopped before using them


def _render_stale(files: list[Path], out_dir: Path, started: float,
                  todo: list[tuple[Path, str, CaseOutcome]], early: EarlyPool | None,
                  result: BatchResult, manifest: dict[str, Any], manifest_path: Path,
                  key_params: dict[str, Any], shared: str, params: dict[str, Any], *,
                  jobs: int | None, lens: str, as_of: str | None, force: bool,
                  standalone: bool, protocols: str, corpus: bool, redact: bool,
                  progress: Callable[[int, int, CaseOutcome], None] | None,
                  scheduler: str | None) -> BatchResult:
    for path in files:
        outcome = CaseOutcome(path=_shown(path, redact))
        digest, unreadable = _digest(path)
        if digest is None:
            outcome.status, outcome.error = "invalid", unreadable
            result.cases.append(outcome)
            manifest.pop(outcome.path, None)
            continue
        key = _key(digest, key_params, shared)
        entry = manifest.get(outcome.path)
        if entry and entry.get("key") == key and entry.get("status") == "ok" \
                and (out_dir / entry["report"]).exists():
            outcome = CaseOutcome.from_row({**entry["outcome"], "status": "up-to-date",
                                     "seconds": 0.0})
            result.cases.append(outcome)
            continue
        if entry and entry.get("key") == key and entry.get("status") == "invalid":
            result.cases.append(CaseOutcome.from_row(entry["outcome"]))  # unchanged: invalid
            continue
        from ..model.load import load_or_problems

        case, problems = load_or_problems(path)
        if case is None:
            outcome.status = "invalid"
            outcome.error = "\n".join(str(p) for p in problems)
            if redact:  # a redacted batch names no file, even in a problem
                outcome.error = outcome.error.replace(path_text(path), outcome.path).replace(
                    display_path(path), outcome.path)
            result.cases.append(outcome)
            manifest[outcome.path] = {"key": key, "status": "invalid",
                                      "outcome": outcome.row()}
            continue
        outcome.case = case.id
        if not redact:  # a redacted report loads its case to redact it
            outcome.validated = hashlib.sha256(case.raw).hexdigest()  # the bytes checked
        if redact:
            from ..views.redact import Redactor

            outcome.case = Redactor.for_case(case).case_alias
        todo.append((path, key, outcome))
        if early is not None:  # its workers boot while the other files are checked
            early.expect(len(todo) + corpus)
    todo = _without_duplicate_ids(todo, result, manifest)
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
        pool_args = (todo, corpus_task, out_dir, params, workers, manifest, manifest_path,
                     result, total, progress, lambda digest: _key(digest, key_params, shared))
        if scheduler is None:
            run_pool(*pool_args, early=early.take() if early else None)
        else:
            from .dask_pool import run_dask

            run_dask(*pool_args, scheduler=scheduler)
        result.stages["cases and corpus page in workers"] = time.perf_counter() - t
        if redact:  # a failed case's message names its file: not in a redacted index
            for path, _, outcome in todo:
                for text in (str(path), path_text(path), display_path(path)):
                    outcome.error = outcome.error.replace(text, outcome.path)
    write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    result.cases.sort(key=lambda c: c.path)
    t = time.perf_counter()
    write_outputs(result)
    result.stages["index and summaries"] = time.perf_counter() - t
    result.seconds = time.perf_counter() - started
    return result


def _shown(path: Path, redact: bool) -> str:
    """How the index, the summary and the manifest name a case file: its path, or in a
    redacted batch a neutral name derived from it (file names often carry a person's)."""
    if not redact:
        return path_text(path)
    return f"case-{hashlib.sha256(os.fsencode(path)).hexdigest()[:12]}{path.suffix}"


def _without_duplicate_ids(todo: list[tuple[Path, str, CaseOutcome]], result: BatchResult,
                           manifest: dict[str, Any]) -> list[tuple[Path, str, CaseOutcome]]:
    """Reports are folders named by case id: two files with one id would write over each
    other. Every file of a shared id is failed, naming the others, and none is rendered (an
    up-to-date report of that id stays as it was)."""
    by_id: dict[str, list[str]] = {}
    for outcome in [*(o for _p, _k, o in todo), *result.cases]:
        if outcome.case:
            by_id.setdefault(outcome.case, []).append(outcome.path)
    shared = {cid: sorted(paths) for cid, paths in by_id.items() if len(paths) > 1}
    if not shared:
        return todo

    def fail(outcome: CaseOutcome) -> None:
        others = [p for p in shared[outcome.case] if p != outcome.path]
        outcome.status = "invalid"
        outcome.error = (f"{outcome.path}: case.id: case id {outcome.case!r} is also used by "
                         f"{', '.join(others)}; each case needs its own id (reports are "
                         "folders named by it), so neither is rendered")
        manifest.pop(outcome.path, None)

    for outcome in result.cases:
        if outcome.case in shared:
            fail(outcome)
    kept = []
    for item in todo:
        if item[2].case in shared:
            fail(item[2])
            result.cases.append(item[2])
        else:
            kept.append(item)
    return kept


def _corpus_task(out_dir: Path, files: list[Path], result: BatchResult, lens: str,
                 as_of: str | None, protocols: str, standalone: bool, shared: str,
                 manifest: dict[str, Any], force: bool) -> tuple[str, dict[str, Any]] | None:
    """The corpus page over the valid cases as ``(key, render_corpus arguments)``, or None
    when the page is up to date. Its inputs are the batch's valid case files, linked into
    one folder."""
    invalid = {c.path for c in result.cases if c.status == "invalid"}
    valid = [p for p in files if path_text(p) not in invalid]
    h = hashlib.sha256(shared.encode())
    h.update(digest_files([repo_root() / CORPUS_NOTEBOOK, *valid]).encode())
    h.update(json.dumps([lens, as_of, protocols, standalone]).encode())
    key = h.hexdigest()
    entry = manifest.get("corpus", {})
    if not force and entry.get("key") == key and (out_dir / entry.get("report", "-")).exists():
        return None
    inputs = out_dir / ".corpus-inputs"
    shutil.rmtree(inputs, ignore_errors=True)
    inputs.mkdir()
    used: set[str] = set()
    for n, p in enumerate(valid):
        name = path_text(Path(p.name))
        if name in used:  # the same file name in two folders
            name = f"{n:05d}-{name}"
        used.add(name)
        (inputs / name).symlink_to(p)
    return key, {"folder": str(inputs), "lens": lens, "as_of": as_of, "protocols": protocols,
                 "shared_plotly": None if standalone else str(out_dir / SHARED_PLOTLY)}
