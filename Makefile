# Every target creates the virtual environment it needs: a fresh clone works with one command.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv test lint typecheck pytest validate-records demo bench schema clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check mou tests
	$(BIN)/ruff format --check mou tests

typecheck: venv
	$(BIN)/mypy

pytest: venv
	$(BIN)/pytest

validate-records: venv
	$(BIN)/mou --records records validate
	$(BIN)/mou --records examples/demo validate --as-of 2025-12-31

# The whole suite: what .ci/run runs.
test: lint typecheck pytest validate-records

demo: venv
	$(BIN)/mou --records examples/demo validate --as-of 2025-12-31

bench: venv
	$(BIN)/python tests/benchmarks/bench.py

# The committed JSON Schema (editors point at it); tests fail when it is out of date.
schema: venv
	$(BIN)/mou schema --output schema

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .bench
