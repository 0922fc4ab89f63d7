# The README's commands. `make run` sets everything up on SQLite with demo data;
# `make test` runs lint and the whole test suite (DATABASE_URL picks the database).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
VENDOR := app/static/vendor/dsfr

.PHONY: run test lint format bench bench-pg db assets load load-sqlite

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
	# axe-core, for the browser tests only (tests/browser/test_accessibility.py injects it): no page loads it.
	rm -rf app/static/vendor/axe
	mkdir -p app/static/vendor/axe
	cp node_modules/axe-core/axe.min.js app/static/vendor/axe/
	# Swagger UI, for the API's documentation page (/api/v1/docs): its bundle and style sheet only.
	rm -rf app/static/vendor/swagger-ui
	mkdir -p app/static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css app/static/vendor/swagger-ui/
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
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Two workers, one per core; each builds its own database (tests/conftest.py).
test: $(BIN)/.installed assets lint
	$(BIN)/pytest -n 2

# Benchmarks at the volumes the issues name (see bench/README.md). Each script builds its own
# database from the migrations; the PostgreSQL ones need a server (BENCH_PG, without a database).
BENCH_SQLITE := sqlite:////tmp/relais-bench
BENCH_PG ?= postgresql+psycopg://postgres@127.0.0.1:5432

bench: $(BIN)/.installed
	$(BIN)/python bench/employers_bench.py --database-url $(BENCH_SQLITE)-employers.db --employers 200000
	$(BIN)/python bench/duplicates_bench.py --database-url $(BENCH_SQLITE)-duplicates.db
	$(BIN)/python bench/sirene_import_bench.py --database-url $(BENCH_SQLITE)-sirene.db --rows 200000
	$(BIN)/python bench/spreadsheet_import_bench.py --database-url $(BENCH_SQLITE)-spreadsheet.db --rows 20000
	$(BIN)/python bench/backup_bench.py --database-url $(BENCH_SQLITE)-backup.db --employers 200000
	$(BIN)/python bench/dashboard_bench.py --database-url $(BENCH_SQLITE)-dashboard.db --employers 200000 --runs 20
	$(BIN)/python bench/plans_bench.py --database-url $(BENCH_SQLITE)-plans.db --employers 50000 --interactions 100000

bench-pg: $(BIN)/.installed
	$(BIN)/python bench/employers_bench.py --database-url $(BENCH_PG)/bench_employers --employers 2500000
	$(BIN)/python bench/duplicates_bench.py --database-url $(BENCH_PG)/bench_duplicates
	$(BIN)/python bench/sirene_import_bench.py --database-url $(BENCH_PG)/bench_sirene --rows 200000
	$(BIN)/python bench/spreadsheet_import_bench.py --database-url $(BENCH_PG)/bench_spreadsheet --rows 20000
	$(BIN)/python bench/backup_bench.py --database-url $(BENCH_PG)/bench_backup --employers 200000
	$(BIN)/python bench/dashboard_bench.py --database-url $(BENCH_PG)/bench_dashboard --employers 500000 --interactions 2000000 --basins 60 --basins-per-region 25 --runs 20
	$(BIN)/python bench/bench_digest.py --database-url $(BENCH_PG)/bench_digest

# The load test (bench/load_test.py): gunicorn with deploy/gunicorn.conf.py, Locust headless for
# LOAD_TIME, the database built once (200,000 employers). Prints req/s, p50/p95, errors, CPU per request.
LOAD_TIME ?= 60s
load: $(BIN)/.installed
	$(BIN)/python bench/load_test.py --database-url $(BENCH_PG)/bench_load --employers 200000 --users 30 --duration $(LOAD_TIME)

load-sqlite: $(BIN)/.installed
	$(BIN)/python bench/load_test.py --database-url $(BENCH_SQLITE)-load.db --employers 20000 --users 10 --duration $(LOAD_TIME)
