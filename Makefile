# Every target creates the virtual environment it needs: a fresh clone works with one command.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: fuzz venv test lint typecheck pytest validate-records demo bench schema messages clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e '.[dev]'
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check mou tests
	$(BIN)/ruff format --check mou tests
	$(BIN)/zizmor --offline --quiet .github/workflows mou/scaffold/records.yml

typecheck: venv
	$(BIN)/mypy

pytest: venv
	$(BIN)/pytest

validate-records: venv
	$(BIN)/mou --records records validate
	$(BIN)/mou --records examples/demo validate --as-of 2025-12-31
	$(BIN)/mou --records examples/portfolio validate --as-of 2026-06-30

# The whole suite: what .ci/run runs.
test: lint typecheck pytest validate-records

# The main job: the demo record's 2024 review, in the terminal and as HTML beside it, and its site;
# then the illustrative portfolio's table.
demo: venv
	$(BIN)/mou --records examples/demo validate --as-of 2025-12-31
	$(BIN)/mou --records examples/demo review --period 2024 --as-of 2025-12-31 --format text
	$(BIN)/mou --records examples/demo review --period 2024 --as-of 2025-12-31 --format html \
		--output examples/demo/review-2024.html
	$(BIN)/mou --records examples/demo review --period 2024 --as-of 2025-12-31 --format html \
		--lang ru --output examples/demo/review-2024.ru.html
	$(BIN)/mou --records examples/demo site --as-of 2025-12-31 --output examples/demo/site
	$(BIN)/mou --records examples/portfolio portfolio --as-of 2026-06-30
	@echo "The HTML review is in examples/demo/review-2024.html (Russian: review-2024.ru.html)."
	@echo "The demo's site is in examples/demo/site/: open examples/demo/site/index.html in a browser,"
	@echo "or preview it with: .venv/bin/mou --records examples/demo site --as-of 2025-12-31 --output examples/demo/site --serve"

# The fuzz harness with many fresh examples (`make test` runs 3, derandomised); FUZZ=N.
FUZZ ?= 300
fuzz: venv
	MOU_FUZZ_EXAMPLES=$(FUZZ) MOU_FUZZ_RANDOM=1 $(BIN)/pytest tests/test_fuzz.py -p no:cacheprovider \
		--hypothesis-show-statistics

bench: venv
	$(BIN)/python tests/benchmarks/bench.py

# The committed JSON Schema (editors point at it); tests fail when it is out of date.
schema: venv
	$(BIN)/mou schema --output schema

# Extract the words mou writes into mou/locale/mou.pot and merge them into each catalog;
# translate what is new in mou/locale/*/LC_MESSAGES/mou.po (tests fail until every word is).
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NT:1,2 --no-location --sort-output --project mou \
		--copyright-holder "mou developers" -o mou/locale/mou.pot .
	$(BIN)/pybabel update -i mou/locale/mou.pot -d mou/locale -D mou --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .bench
