# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test quick lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## demo: set up, then simulate the default province and print its KPIs against targets
demo: $(STAMP)
	$(BIN)/ccsim run scenarios/province_10000.yaml --out outputs/province_10000

## test: set up, then lint, type-check and run the whole test suite
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy ccsim
	$(BIN)/pytest -n 2

## quick: the tests without the theory validations (the quick loop)
quick: $(STAMP)
	$(BIN)/pytest -n 2 -m "not validation and not slow"

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy ccsim

## bench: benchmarks with their peers (installs the peers into the venv); see bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet pyworkforce
	$(BIN)/python bench/erlang_bench.py
	$(BIN)/python bench/engine_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
