# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Migrate the database (SQLite under var/ unless DATABASE_URL says otherwise), load the demo
## data when it is empty, print the demo logins and serve on http://127.0.0.1:$${PORT:-8000}.
run: install
	$(BIN)/tracker migrate
	$(BIN)/tracker demo --if-empty
	$(BIN)/tracker demo-logins
	$(BIN)/tracker serve

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check tracker tests piccolo_conf.py

## Refresh the Chinese catalogue after adding or changing message ids.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k pgettext:1c,2 -k ngettext:1,2 -o var/messages.pot .
	$(BIN)/pybabel update -i var/messages.pot -d tracker/locale -l zh --omit-header --no-fuzzy-matching

bench: install
	$(BIN)/python benchmarks/project_list.py
	$(BIN)/python benchmarks/briefing.py

clean:
	rm -rf $(VENV) var

## Load at 10,000 projects: `tracker serve --workers 2` under wrk, page by page, on SQLite and
## PostgreSQL, with a bare Litestar app as the floor (options: LOAD_ARGS="--engine sqlite --duration 10").
.PHONY: bench-load
bench-load: install
	$(BIN)/python benchmarks/load.py $(LOAD_ARGS)
