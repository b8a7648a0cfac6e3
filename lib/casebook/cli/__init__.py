"""The ``casebook`` command (entry point ``casebook.cli:main``)."""

from .main import main

__all__ = ["main"]
