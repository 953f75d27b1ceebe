# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The rules engine's hot modules compiled with mypyc (src/omtui/compiled.py); built again when
# a domain module changes. Without a C compiler the .py files run: slower, the same answers.
COMPILED := $(VENV)/.compiled
ENGINE_SRC := $(wildcard src/omtui/domain/*.py src/omtui/domain/rules/*.py) \
	src/omtui/store/event_rows.py src/omtui/compiled.py

DEMO_DB ?= .demo/omtui-demo.sqlite
DEMO_TODAY ?= 2026-11-23

.PHONY: run test bench clean snapshots compile

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,bench,compile]"
	touch $(STAMP)

$(COMPILED): $(STAMP) $(ENGINE_SRC)
	$(BIN)/python -m omtui.compiled --build || true
	touch $(COMPILED)

compile: $(COMPILED)

run: $(COMPILED)
	$(BIN)/omtui --db $(DEMO_DB) demo --ensure
	$(BIN)/omtui --db $(DEMO_DB) --today $(DEMO_TODAY)

test: $(COMPILED)
	$(BIN)/python -m pytest -q -rs -n 2 -p no:cacheprovider

snapshots: $(COMPILED)
	$(BIN)/python -m pytest -q tests/tui --snapshot-update

bench: $(COMPILED)
	$(BIN)/python bench/working_days.py
	$(BIN)/python bench/due_list.py

clean:
	rm -rf $(VENV) build *.egg-info snapshot_report.html
	find src -name '*.so' -delete
	rm -rf src/.mypy_cache
