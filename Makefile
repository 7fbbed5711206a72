# Silta: one command to run, one to test. See README.md.
PYENV_PY := $(shell pyenv root 2>/dev/null)/versions/$(shell cat .python-version 2>/dev/null)*/bin/python3
PYTHON ?= $(firstword $(wildcard $(PYENV_PY)) $(shell command -v python3.13 python3.12 2>/dev/null))
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install demo worker lint format messages clean-db

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12+ puuttuu (Python 3.12+ missing)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { echo "Tarvitaan Python 3.12+ (need Python 3.12+), löytyi: $(PYTHON)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_places
	$(PY) manage.py load_demo

# Serves Silta with demo data on SQLite; the background worker that sends mail runs beside it.
run: demo
	@echo "Silta: http://$(HOST)/  (kirjautumiskoodit tulostuvat tähän terminaaliin)"
	@$(PY) manage.py db_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST)

worker: install
	$(PY) manage.py db_worker

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	cd silta && ../$(PY) ../manage.py makemessages -l sv -l en --no-obsolete
	cd silta && ../$(PY) ../manage.py compilemessages

# The whole suite: lint, migrations check, unit and browser tests.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)
