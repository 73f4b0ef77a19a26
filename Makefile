# Every target sets itself up: a .venv with the package and its test tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run sandbox test bench lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ratel-tui sandbox --port 0

sandbox: $(STAMP)
	$(BIN)/ratel-tui sandbox

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pytest tests/bench -q -s -p no:randomly -o addopts=""

lint: $(STAMP)
	$(BIN)/ruff check ratel_tui tests
	$(BIN)/ruff format --check ratel_tui tests

format: $(STAMP)
	$(BIN)/ruff format ratel_tui tests
	$(BIN)/ruff check --fix ratel_tui tests

clean:
	rm -rf $(VENV) build *.egg-info
