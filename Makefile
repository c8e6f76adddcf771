# Two commands do everything on a fresh machine with Python 3.11+ and git:
#   make run    creates .venv if needed, then publishes raw/ into datapackage/
#   make test   creates .venv if needed, then runs the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint validate bench lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/tradenews run --raw raw --out datapackage

test: $(STAMP) lint
	PREFECT_HOME=$$(mktemp -d) $(BIN)/python -m pytest

# lint and import order (pyproject.toml [tool.ruff])
lint: $(STAMP)
	$(BIN)/ruff check tradenews flows schemas tests

# the suite without the tests marked slow (those that start Prefect servers or workers, or run many documents)
test-fast: $(STAMP) lint
	PREFECT_HOME=$$(mktemp -d) $(BIN)/python -m pytest -m "not slow"

validate: $(STAMP)
	$(BIN)/tradenews validate datapackage

# Not part of `make test`: builds corpora of 100, 1,000 and 10,000 articles, times the flow and the
# plain library on each, and writes benchmarks/results.md (several minutes).
bench: $(STAMP)
	$(BIN)/tradenews bench

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^tradenews' > requirements.lock

clean:
	rm -rf $(VENV) reports .pytest_cache
