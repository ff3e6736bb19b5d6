# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
# Development settings for the local targets; production sets its own environment.
DEV_ENV := DEBUG=1
# Two workers: the machines here have two cores.
PYTEST_ARGS ?= -n 2

.PHONY: demo test lint format messages venv serve bench

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The server shows our own 404 and 500 pages rather than Django's technical
# ones (DEBUG_ERROR_PAGES, config/settings.py); seed_demo needs DEBUG itself.
demo: venv
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) DEBUG_ERROR_PAGES=0 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run --no-input
	$(DEV_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext; the compiled .mo files are committed so nothing else does.
messages: venv
	$(DEV_ENV) $(BIN)/python manage.py makemessages --locale sv --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --locale sv --ignore '.venv/*'

# The load benchmark on a scratch PostgreSQL database (bench/load.py; BENCH_ADMIN_URL).
bench: venv
	$(BIN)/python -m pip install --quiet ".[bench]"
	$(BIN)/python bench/load.py $(BENCH_ARGS)
