"""Where things live: anchored to the repository root, never to the working directory.

The workbook runs from its checkout (an editable install), so the root is found from this
file's location; ``CASEBOOK_ROOT`` overrides it. That is what lets the same default paths
work from JupyterLab (kernel in ``notebooks/``), papermill at the root, and the CLI anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["audiences_path", "case_files", "casefile_dir", "data_dir", "patterns_path",
           "protocols_dir", "registry_path", "repo_root", "resolve", "teaching_path",
           "vocabulary_path"]

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def repo_root() -> Path:
    """The checkout's root: ``$CASEBOOK_ROOT`` if set, else two levels above ``lib/casebook``."""
    env = os.environ.get("CASEBOOK_ROOT")
    return Path(env).expanduser().resolve() if env else _PACKAGE_ROOT


def data_dir() -> Path:
    return repo_root() / "data"


def vocabulary_path() -> Path:
    return data_dir() / "vocabulary.yaml"


def registry_path() -> Path:
    return data_dir() / "registry.yaml"


def audiences_path() -> Path:
    return data_dir() / "audiences.yaml"


def teaching_path() -> Path:
    return data_dir() / "teaching.yaml"


def patterns_path() -> Path:
    return data_dir() / "patterns.yaml"


def protocols_dir() -> Path:
    return data_dir() / "protocols"


def casefile_dir() -> Path:
    return repo_root() / "casefile"


def resolve(path: str | os.PathLike[str]) -> Path:
    """An absolute path for a user-given one: absolute as is; else the working directory's
    file if it exists, else the repository root's (``casefile/x.yaml`` from ``notebooks/``)."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    here = Path.cwd() / p
    if here.exists() or here.is_symlink():
        return Path(os.path.abspath(here))  # a link stays the link: it is named as given
    return Path(os.path.abspath(repo_root() / p))


def case_files(items: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Case files named by paths or folders (a folder's ``*.yaml``/``*.yml``, not recursive,
    dotfiles ignored), resolved, each once. A path that does not exist raises
    FileNotFoundError naming it."""
    many = [items] if isinstance(items, str | os.PathLike) else list(items)
    out: list[Path] = []
    for item in many:
        p = resolve(item)
        if p.is_dir():
            out.extend(sorted(f for f in [*p.glob("*.yaml"), *p.glob("*.yml")]
                              if not f.name.startswith(".")))
        elif p.exists():
            out.append(p)
        else:
            raise FileNotFoundError(f"{item}: no such file or directory")
    return list(dict.fromkeys(out))
