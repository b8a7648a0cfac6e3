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
from ..errors import CasebookError
from ..paths import case_files, repo_root
from .index import write_outputs
from .inputs import CORPUS_NOTEBOOK, digest_files, shared_inputs_digest
from .outcomes import BatchResult, CaseOutcome
from .pool import clean_stale_temps, run_pool

__all__ = ["BatchResult", "CaseOutcome", "run_batch"]

MANIFEST = ".casebook-manifest.json"


SHARED_PLOTLY = "plotly.min.js"


def _key(case: Path, params: dict[str, Any], shared: str) -> str:
    h = hashlib.sha256(case.read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(shared.encode())
    return h.hexdigest()


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
    clean_stale_temps(out_dir)
    try:
        files = case_files(paths)
    except FileNotFoundError as err:
        raise CasebookError(str(err)) from None
    shared = shared_inputs_digest()
    params = {"audience": audience, "lens": lens, "as_of": as_of, "protocols": protocols,
              "redact": False, "notebook": str(Path(notebook).resolve()) if notebook else None,
              "shared_plotly": None if standalone else str(out_dir / SHARED_PLOTLY)}
    if notebook:
        shared = hashlib.sha256((shared + digest_files([Path(notebook)])).encode()).hexdigest()
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
        key = _key(path, {**params, "shared_plotly": not standalone}, shared)
        entry = manifest.get(str(path))
        outcome = CaseOutcome(path=str(path))
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
            result.cases.append(outcome)
            manifest[str(path)] = {"key": key, "status": "invalid",
                                   "outcome": outcome.row()}
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
        run_pool(todo, corpus_task, out_dir, params, workers, manifest, manifest_path,
                  result, total, progress)
        result.stages["cases and corpus page in workers"] = time.perf_counter() - t
    write_text_atomic(manifest_path, json.dumps(manifest, indent=1, sort_keys=True))
    result.cases.sort(key=lambda c: c.path)
    t = time.perf_counter()
    write_outputs(result)
    result.stages["index and summaries"] = time.perf_counter() - t
    result.seconds = time.perf_counter() - started
    return result


def _corpus_task(out_dir: Path, files: list[Path], result: BatchResult, lens: str,
                 as_of: str | None, protocols: str, standalone: bool, shared: str,
                 manifest: dict[str, Any], force: bool) -> tuple[str, dict[str, Any]] | None:
    """The corpus page over the valid cases as ``(key, render_corpus arguments)``, or None
    when the page is up to date. Its inputs are the batch's valid case files, linked into
    one folder."""
    invalid = {c.path for c in result.cases if c.status == "invalid"}
    valid = [p for p in files if str(p) not in invalid]
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
    for p in valid:
        (inputs / p.name).symlink_to(p)
    return key, {"folder": str(inputs), "lens": lens, "as_of": as_of, "protocols": protocols,
                 "shared_plotly": None if standalone else str(out_dir / SHARED_PLOTLY)}
