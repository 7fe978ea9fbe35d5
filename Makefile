# Missive: `make run` serves the sample archive, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
N      ?= 2000
INBOX  ?=
# The local SolrCloud (README "Local SolrCloud"): where its data lives, its first node's
# port (the others follow; ZooKeeper on SOLR_PORT+1000), and how many nodes.
SOLR_DIR   ?= $(or $(MISSIVE_SOLR_DIR),instance/solr)
SOLR_PORT  ?= 8983
SOLR_NODES ?= 2
SOLR_CLUSTER = $(PYTHON) -m solr.cluster
export MISSIVE_ARCHIVE ?= archive
export MISSIVE_INDEX   ?= instance/index
export MISSIVE_COOKIE_SECURE ?= $(if $(filter 127.0.0.1 localhost ::1,$(HOST)),0,1)
# Absolute URLs (permalinks, citations, API links) are built on BASE_URL, never on a
# request's Host header; set it to the public address when serving beyond the loopback
# (README, Configuration). Given to the server only: tests build their own URLs.
BASE_URL ?= $(or $(MISSIVE_BASE_URL),http://$(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)):$(PORT))
GUNICORN = MISSIVE_BASE_URL='$(BASE_URL)' $(BIN)/gunicorn -c webapp/gunicorn_conf.py \
	--workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - 'webapp:create_app()'

.PHONY: run test lint system-deps bench clean solr solr-stop solr-status

system-deps:
	@sh scripts/system-deps.sh

$(BIN)/python: | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements-dev-nodeps.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -r requirements-dev-nodeps.txt
	touch $@

# The gunicorn config reconciles the index with the archive before serving
# (`python -m indexer check --repair`). INBOX=1 also runs the inbox watcher beside it.
# Plain http on the loopback: the session cookie cannot be Secure there (see README).
run: system-deps $(VENV)/.runtime
	@if [ "$(INBOX)" = 1 ]; then \
	  $(BIN)/python -m indexer watch & WATCHER=$$!; \
	  trap 'kill $$WATCHER 2>/dev/null' EXIT INT TERM; \
	  $(GUNICORN); \
	else \
	  $(GUNICORN); \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# Mirador, axe-core and citeproc-js for the browser tests, at the versions package-lock.json pins.
node_modules/.installed: package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: system-deps $(VENV)/.dev node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

clean:
	rm -rf instance test-output

bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks.run --n $(N) $(if $(ENGINE),--engine $(ENGINE)) \
		--json benchmarks/results/bench-$(N)$(if $(ENGINE),-$(ENGINE)).json
	$(BIN)/python -m benchmarks.relevance --json benchmarks/results/relevance.json
	$(BIN)/python -m benchmarks.ocr_noise --json benchmarks/results/ocr_noise.json

# ZooKeeper and SOLR_NODES Solr nodes, each its own process on 127.0.0.1, built from Maven
# Central's Solr 9 artifacts on first use; the PIDs go to $(SOLR_DIR)/cluster.json.
solr: system-deps
	$(SOLR_CLUSTER) start --dir $(SOLR_DIR) --nodes $(SOLR_NODES) --port $(SOLR_PORT)

# Stops exactly the processes cluster.json records (SIGTERM, then SIGKILL after 30 s).
solr-stop:
	$(SOLR_CLUSTER) stop --dir $(SOLR_DIR)

solr-status:
	$(SOLR_CLUSTER) status --dir $(SOLR_DIR)
