# The two commands the README opens with: `make demo` and `make test` (every check and every test: what CI runs).
# `make quick` is the developer's loop: the test suite without the tests marked slow. `make native` builds the
# optional native build's wheel.
# Each creates the environment in .venv when it is missing (or when pyproject.toml changed).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test quick regen docs native

$(STAMP): pyproject.toml
	@command -v dot >/dev/null 2>&1 || scripts/install-system-deps
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pathway validate
	$(BIN)/pathway run definitions/bipn/journeys/typical-grade2-iv.yaml --trail out/typical-grade2-iv.trail.jsonl

test: $(STAMP)
	@scripts/install-system-deps --compiler  # a C compiler and the Python headers, for the native build's test
	$(BIN)/ruff check pathway tests bench setup.py
	$(BIN)/mypy
	$(BIN)/pathway generate --check
	$(BIN)/pathway lint
	$(BIN)/pathway test --min-coverage 100
	$(BIN)/pytest -q -m "slow or not slow"

quick: $(STAMP)
	$(BIN)/pytest -q

regen: $(STAMP)
	$(BIN)/pathway generate

docs: $(STAMP)
	$(BIN)/python -m mkdocs build --strict

# The optional native build (docs/performance.md): a wheel of pathway with its hot modules compiled by mypyc, in dist/.
native: $(STAMP)
	@scripts/install-system-deps --compiler
	PATHWAY_MYPYC=1 $(BIN)/python -m pip wheel --quiet --no-build-isolation --no-deps -w dist .
