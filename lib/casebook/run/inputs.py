"""The inputs a report depends on, and their digest: what makes a report stale."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from ..paths import protocols_dir, registry_path, repo_root, vocabulary_path

__all__ = ["digest_files", "shared_inputs_digest"]

def digest_files(paths: Iterable[Path]) -> str:
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
    return digest_files(files)
