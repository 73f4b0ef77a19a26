# Every target sets itself up: a .venv with the package and its test tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run sandbox test bench lint format screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ratel-tui --sandbox

sandbox: $(STAMP)
	$(BIN)/ratel-tui sandbox

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pytest tests/bench -q -s -p no:randomly -o addopts=""

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check ratel_tui tests scripts
	$(BIN)/ruff format --check ratel_tui tests scripts

format: $(STAMP)
	$(BIN)/ruff format ratel_tui tests scripts
	$(BIN)/ruff check --fix ratel_tui tests scripts

clean:
	rm -rf $(VENV) build *.egg-info
