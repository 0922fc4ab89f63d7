# The README's commands. `make run` sets everything up on SQLite with demo data;
# `make test` runs lint and the whole test suite (DATABASE_URL picks the database).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
VENDOR := app/static/vendor/dsfr

.PHONY: run test lint format bench db assets

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(VENDOR)/.installed: package.json
	npm install --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)
	cp -r node_modules/@gouvfr/dsfr/dist/. $(VENDOR)/
	rm -rf app/static/vendor/chartjs
	mkdir -p app/static/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js app/static/vendor/chartjs/
	touch $@

assets: $(VENDOR)/.installed

db: $(BIN)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask seed reference
	$(BIN)/flask seed demo

run: $(BIN)/.installed assets db
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(BIN)/.installed assets lint
	$(BIN)/pytest

bench: $(BIN)/.installed
	@echo "Benchmarks: see bench/README.md"
