"""The run layer: kernels, ``casebook report`` (execute a notebook, write its page and files
atomically, stamp their provenance) and ``casebook batch`` (many cases, warm workers,
freshness, failure isolation)."""
