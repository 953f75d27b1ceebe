# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_DB ?= .demo/omtui-demo.sqlite
DEMO_TODAY ?= 2026-11-23

.PHONY: run test bench clean snapshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,bench]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/omtui --db $(DEMO_DB) demo --ensure
	$(BIN)/omtui --db $(DEMO_DB) --today $(DEMO_TODAY)

test: $(STAMP)
	$(BIN)/python -m pytest -q -rs -n 2 -p no:cacheprovider

snapshots: $(STAMP)
	$(BIN)/python -m pytest -q tests/tui --snapshot-update

bench: $(STAMP)
	$(BIN)/python bench/working_days.py
	$(BIN)/python bench/due_list.py

clean:
	rm -rf $(VENV) build *.egg-info snapshot_report.html
