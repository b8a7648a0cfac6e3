"""The inputs of a report, listed once: what its provenance stamp records and what makes a
batch's report stale.

A case report depends on its case file, its notebook, the definition files (vocabulary,
registry, failure patterns, the audience table, every protocol) and casebook's own source;
the corpus page on its case files and the corpus notebook instead. :func:`report_inputs`
names them for the stamp; :func:`shared_inputs_digest` hashes everything but the case files,
for freshness.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..paths import (
    audiences_path,
    patterns_path,
    protocols_dir,
    registry_path,
    repo_root,
    teaching_path,
    vocabulary_path,
)

__all__ = ["CASE_NOTEBOOK", "CORPUS_NOTEBOOK", "case_bytes", "definition_files",
           "digest_files", "file_sha256", "report_inputs", "shared_inputs_digest"]

CASE_NOTEBOOK = "notebooks/case-study.ipynb"
CORPUS_NOTEBOOK = "notebooks/corpus.ipynb"


def definition_files() -> dict[str, Path]:
    """The data every report is computed from, by the name the stamp gives it."""
    return {"vocabulary": vocabulary_path(), "registry": registry_path(),
            "patterns": patterns_path(), "audiences": audiences_path(),
            "teaching": teaching_path(),
            **{f"protocol {p.stem}": p for p in sorted(protocols_dir().glob("*.yaml"))}}


def _package_files() -> list[Path]:
    return sorted((Path(__file__).resolve().parents[1]).rglob("*.py"))


def report_inputs(notebook: Path, case_files: Mapping[str, Path]) -> dict[str, Path]:
    """Every file a report was computed from, named for its provenance stamp: its case
    file(s), its notebook and the definition files."""
    return {**case_files, "notebook": notebook, **definition_files()}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_files(paths: Iterable[Path]) -> str:
    """One digest of several files' names and contents."""
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def shared_inputs_digest(notebooks: Iterable[Path] | None = None) -> str:
    """Everything the reports of a batch depend on besides their case files: the notebooks
    (by default the case-study and corpus notebooks), the definition files and casebook's
    source."""
    root = repo_root()
    books = list(notebooks) if notebooks is not None else [root / CASE_NOTEBOOK,
                                                            root / CORPUS_NOTEBOOK]
    return digest_files([*books, *definition_files().values(), *_package_files()])


def case_bytes(path: Path) -> bytes:
    """A case file's bytes, read as the loader reads them — only a regular file, bounded
    (``UntrustedFileError`` if not) — for the hash a batch keys and hands on."""
    from ..model.untrusted import read_untrusted
    from ..model.yamlsafe import MAX_BYTES

    return read_untrusted(path, MAX_BYTES)
