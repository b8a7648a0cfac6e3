"""``casebook check DIR --format csv``: the engine alone over many case files — no notebook,
no figures — in worker processes, as one findings table.

Each worker loads the protocols once and then, per case file, loads, validates and judges it
(one graph, one judgement) and returns its findings as CSV rows; the parent writes them in
the order of the files, as they come, so memory stays bounded by a few chunks however many
cases there are. An invalid file is reported with its located problems and does not stop
the others. This is the route for an audit of thousands of cases, where a rendered report
per case is not wanted (see docs/benchmarks.md for its cost per case).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CHUNK", "CheckedCases", "check_cases"]

#: case files per task: large enough that a task's overhead is small, small enough that
#: the two workers stay evenly loaded and the parent holds little
CHUNK = 16


@dataclass
class CheckedCases:
    """What a many-case check found: counts for the closing line and the exit code."""

    cases: int = 0
    with_violations: int = 0
    invalid: int = 0
    findings: int = 0
    seconds: float = 0.0


_PROTOCOLS: list[Any] | None = None


def _check_chunk(paths: list[str], protocol_ids: list[str] | None, lens: str,
                 as_of: str | None) -> list[tuple[str, list[str], bool, int]]:
    """Per file: its findings as CSV (header first), its problems (when invalid), whether it
    has a violation, how many findings."""
    from ..engine.findings import evaluate
    from ..engine.protocols import load_protocols
    from ..exports.csv_tables import table_csv
    from ..exports.tables import Table
    from ..model.load import load_or_problems

    global _PROTOCOLS
    if _PROTOCOLS is None:
        _PROTOCOLS = load_protocols(ids=protocol_ids) if protocol_ids else load_protocols()
    out = []
    for path in paths:
        case, problems = load_or_problems(Path(path))
        if case is None:
            out.append(("", [str(p) for p in problems], False, 0))
            continue
        findings = evaluate(case, _PROTOCOLS, lens=lens,  # type: ignore[arg-type]
                            as_of=as_of)
        out.append((table_csv(Table.from_frame(findings)), [],
                    bool(findings["violation"].any()), len(findings)))
    return out


def check_cases(paths: Sequence[Path], *, protocol_ids: list[str] | None, lens: str,
                as_of: str | None, jobs: int | None, write: Callable[[str], object],
                problem: Callable[[str], None]) -> CheckedCases:
    """Judge every case file in worker processes; ``write`` receives the findings CSV (one
    header, then every case's rows, in file order), ``problem`` each located problem of an
    invalid file."""
    started = time.perf_counter()
    summary = CheckedCases()
    chunks = [[str(p) for p in paths[i:i + CHUNK]] for i in range(0, len(paths), CHUNK)]
    workers = max(1, min(jobs or os.cpu_count() or 1, len(chunks)))
    header_written = False
    # spawned, as the batch's workers: nothing of the parent's state is inherited
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[Future[list[tuple[str, list[str], bool, int]]]] = deque()
        todo = deque(chunks)

        def submit() -> None:  # a few chunks ahead of the writing, not all of them
            while todo and len(pending) < 2 * workers:
                pending.append(pool.submit(_check_chunk, todo.popleft(), protocol_ids, lens,
                                           as_of))

        submit()
        while pending:
            for text, problems, violation, count in pending.popleft().result():
                summary.cases += 1
                if problems:
                    summary.invalid += 1
                    for line in problems:
                        problem(line)
                    continue
                summary.with_violations += violation
                summary.findings += count
                header, _, rows = text.partition("\n")
                if not header_written:
                    write(header + "\n")
                    header_written = True
                write(rows)
            submit()
    summary.seconds = time.perf_counter() - started
    return summary
