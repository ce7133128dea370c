# The two commands a new user needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench demo messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## migrate, build the demo ward if empty, serve on 127.0.0.1:8000
	$(BIN)/ainet serve

test: $(STAMP)  ## the whole suite (AINET_DATABASE_URL selects PostgreSQL)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP)  ## side-by-side benchmarks, printed as ratios; never part of `make test`
	$(BIN)/python bench/run.py

demo: $(STAMP)
	$(BIN)/ainet migrate --no-input
	$(BIN)/ainet demo

messages: $(STAMP)  ## needs gettext (Debian package `gettext`)
	cd src/ainet && ../../$(BIN)/ainet makemessages -l ja -l en -l ja_Easy -l zh_Hans -l ko -l pt_BR -l tl -l vi --no-obsolete
	cd src/ainet && ../../$(BIN)/ainet compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
