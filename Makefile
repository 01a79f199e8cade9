# Two commands for a fresh machine (Python 3.11+):  make demo  |  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
# IRIs dereference on the demo server
export CANCU_BASE ?= http://$(HOST):$(PORT)

.PHONY: demo test install ingest load serve bench bench-quick neo4j-fetch clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

ingest: install
	rm -rf data/rdf
	-$(BIN)/cancu ingest corpus -o data/rdf   # a bad file is reported and skipped; the demo goes on

load: ingest
	rm -rf data/oxigraph data/search.sqlite
	$(BIN)/cancu load data/rdf

demo: load
	@echo ""
	@echo "  API:      http://$(HOST):$(PORT)/"
	@echo "  OpenAPI:  http://$(HOST):$(PORT)/docs"
	@echo "  Example:  http://$(HOST):$(PORT)/resolve?ref=186/QĐ-BTTTT"
	@echo "            http://$(HOST):$(PORT)/documents/qd-2022-186-btttt/legal-bases"
	@echo "            http://$(HOST):$(PORT)/viz/documents/qd-2022-186-btttt"
	@echo ""
	$(BIN)/cancu serve --host $(HOST) --port $(PORT)

test: install
	scripts/ensure_chromium.sh
	scripts/neo4j.sh fetch
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m bench.run

bench-quick: install
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf data out .pytest_cache
