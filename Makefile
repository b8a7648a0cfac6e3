# The two commands of the quick start: `make report` and `make test`.
# Both create .venv from the project's own files when it is missing.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
CASE ?= casefile/williams-shinola.yaml
JOBS ?= auto

.PHONY: report test test-fast lint lab venv venv-test bench schema figures clean

venv:
	@install/bootstrap.sh

venv-test:
	@install/bootstrap.sh test

report: venv
	@$(BIN)/casebook report $(CASE) --audience counsel --lens then

test: venv-test
	@$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS) tests
	@$(BIN)/python -m pytest $(PYTEST_ARGS) notebooks  # nbval: one kernel per notebook, in order

# The fast loop: everything but the tests marked slow or browser (under a minute on 2 cores).
test-fast: venv-test
	@$(BIN)/python -m pytest -n $(JOBS) -m "not slow and not browser" $(PYTEST_ARGS) tests

lint: venv-test
	@$(BIN)/ruff check lib tests bench
	@$(BIN)/mypy

lab: venv
	@$(BIN)/jupyter lab notebooks/case-study.ipynb

schema: venv
	@$(BIN)/python -m casebook.model.schema --write
	@$(BIN)/python -m casebook.views.standards_doc --write
	@$(BIN)/python -m casebook.intake.layout_doc --write

# Pictures of the figures for the docs (docs/img/), drawn in Debian's headless chromium:
# Williams, a second face-recognition case, and an eyewitness case without one.
FIGURE_CASES = casefile/williams-shinola.yaml casefile/oliver-detroit.yaml casefile/anderson-virginia.yaml
figures: venv
	@$(BIN)/python -m casebook.run.figure_shots $(FIGURE_CASES)

bench: venv-test
	@$(BIN)/python bench/load.py
	@$(BIN)/python bench/engine.py
	@$(BIN)/python bench/dates.py
	@$(BIN)/python bench/exports.py

clean:
	rm -rf reports .pytest_cache .mypy_cache .ruff_cache
