# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test lint format bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Starts web (http://127.0.0.1:8000), Celery worker and beat with embedded defaults.
run: export DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	exec $(BIN)/honcho start --procfile Procfile

# The whole suite, against PostgreSQL and Redis on localhost unless told otherwise.
test: export DEBUG ?= 1
test: $(STAMP) lint
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Performance budgets (README), measured against PostgreSQL on 127.0.0.1.
bench: export DEBUG ?= 1
bench: $(STAMP)
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/camera_table.py
	$(BIN)/python bench/ingest.py
