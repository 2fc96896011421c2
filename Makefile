# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= data/commitboard.duckdb
PORT   ?= 8501

.PHONY: run test lint format browser postgres nginx team demo bench fuzz crash lake-stress clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.app-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.app-installed

## run: start the app (demo data is loaded when the database is empty)
run: $(VENV)/.app-installed
	$(BIN)/python -m kpi demo --db $(DB) --if-empty
	COMMITBOARD_DB=$(DB) $(BIN)/python scripts/serve.py --server.port $(PORT)

## test: install what tests need (a Chromium, PostgreSQL and nginx included), lint, run the whole suite
test: $(VENV)/.dev-installed browser postgres nginx
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## browser: make sure a Chromium for the browser tests is there
browser: $(VENV)/.dev-installed
	@BIN=$(BIN) sh scripts/ensure-browser.sh

## postgres: make sure PostgreSQL's server programs are there (the lake tests start their own)
postgres:
	@sh scripts/ensure-postgres.sh

## nginx: make sure nginx is there (the proxy tests run deploy/nginx.conf in front of local servers)
nginx:
	@sh scripts/ensure-nginx.sh

## team: compose.yaml's layout with local processes: a throw-away PostgreSQL, two app servers on
## one lake (8601, 8602), nginx in front (8600). Ctrl-C stops it
team: $(VENV)/.dev-installed postgres nginx
	$(BIN)/python scripts/local_team.py

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: $(VENV)/.app-installed
	$(BIN)/python -m kpi demo --db $(DB)

bench: $(VENV)/.dev-installed browser
	$(BIN)/python bench/run_all.py

## fuzz: the long fuzz run of the importer (FUZZ_SECONDS=600, FUZZ_SEED=...); see bench/RELIABILITY.md
fuzz: $(VENV)/.dev-installed
	$(BIN)/python -m tests.reliability.fuzz_import --seconds $(or $(FUZZ_SECONDS),600) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

## crash: the crash matrix: every write path SIGKILLed at random moments (CRASH_KILLS=20 per
## path, CRASH_SEED=1, CRASH_PATHS=a,b to pick some); see bench/RELIABILITY.md
crash: $(VENV)/.dev-installed
	$(BIN)/python -m tests.reliability.crash_matrix --kills $(or $(CRASH_KILLS),20) --seed $(or $(CRASH_SEED),1) $(if $(CRASH_PATHS),--paths $(CRASH_PATHS))

## lake-stress: two processes saving 1,000 contacts each at once on one lake (the suite saves 200 each)
lake-stress: $(VENV)/.dev-installed postgres
	COMMITBOARD_LAKE_SAVES=1000 $(BIN)/python -m pytest -q tests/kpi/test_lake.py -k saving

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
