# Missive: `make run` serves the sample archive, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
N      ?= 2000
export MISSIVE_ARCHIVE ?= archive
export MISSIVE_INDEX   ?= instance/index

.PHONY: run test lint system-deps bench clean

system-deps:
	@sh scripts/system-deps.sh

$(BIN)/python: | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

run: system-deps $(VENV)/.runtime
	$(BIN)/python -m indexer update
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'webapp:create_app()'

lint: $(VENV)/.dev
	$(BIN)/ruff check .

test: system-deps $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf instance test-output

bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks.run --n $(N) --json benchmarks/results/bench-$(N).json
