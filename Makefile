# Two commands for a new machine: `make demo` (the quarterly refresh on sample data, on the
# embedded warehouse) and `make test`. Both create .venv and install the pinned dependencies.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml sample_data/pyproject.toml constraints.txt | sha256sum | cut -c1-12)

# The Airflow settings every way of running Airflow here shares (docker-compose.yaml reads them too).
include airflow.env
export $(shell sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' airflow.env)
export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export PATH := $(BIN):$(PATH)

DEMO_PROVINCE ?= 87
DEMO_FROM ?= 2024Q1
DEMO_TO ?= 2024Q4
# `airflow dags test` with the interval starting 2024-04-01 refreshes 2024Q2. A Biểu II.06a period
# starts on the 15th of the month before its quarter, so the quarters before it are refreshed first
# (2023Q4 holds only the dossiers the 2024Q1 form's period starts with) and every form reconciles.
DEMO_RUN_DATE ?= 2024-07-01
DEMO_QUARTER ?= 2024Q2
DEMO_EARLIER_QUARTERS ?= 2023Q4 2024Q1

.PHONY: install demo test test-each-module test-unit lint bench fuzz airflow-db airflow airflow-stop chromium clean

$(STAMP): pyproject.toml sample_data/pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]' -e sample_data
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

airflow-db: install
	@mkdir -p $(AIRFLOW_HOME)
	airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || { tail -n 30 $(AIRFLOW_HOME)/db-migrate.log; exit 1; }

demo: install airflow-db
	cchc-sample --province $(DEMO_PROVINCE) --from $(DEMO_FROM) --to $(DEMO_TO) --formats realistic
	@mkdir -p data
	@for quarter in $(DEMO_EARLIER_QUARTERS); do \
		echo "cchc refresh --quarter $$quarter > data/refresh-$$quarter.log"; \
		cchc refresh --quarter $$quarter > data/refresh-$$quarter.log || { tail -n 20 data/refresh-$$quarter.log; exit 1; }; \
	done
	airflow dags test cchc_quarterly_refresh $(DEMO_RUN_DATE)
	cchc show --quarter $(DEMO_QUARTER) --province $(DEMO_PROVINCE)

# Airflow as it is deployed, on this machine: api-server (UI on http://127.0.0.1:8080, login admin /
# CCHC_AIRFLOW_PASSWORD), scheduler, dag-processor, triggerer; metadata in the embedded PostgreSQL.
# CCHC_AIRFLOW_EXECUTOR=CeleryExecutor adds CCHC_AIRFLOW_WORKERS Celery workers on the local Redis.
# Ctrl-C stops it, as does `make airflow-stop` from another shell. Settings shared with compose: airflow.env.
airflow: install
	python -m cchc.deploy.local_airflow start

airflow-stop:
	python -m cchc.deploy.local_airflow stop

# The Data Docs test opens the site in headless Chromium: Debian's package, installed once (as root,
# or through sudo).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
chromium:
	@command -v chromium >/dev/null || { \
		echo "installing chromium (apt-get) for the Data Docs test"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# `make test` shuffles modules and tests (pytest-randomly): the seed is printed first, and
# PYTEST_ARGS='--randomly-seed=N' repeats that order, '-p no:randomly' runs the files in their order.
# The tests of a module marked `scenario` (steps of one story on one stack) keep their order.
# pytest exits 5 when it collects no test. That is a failure (a broken collection must not pass),
# unless PYTEST_ARGS asks for a marker on purpose (-m ...) and no test carries it.
MARKER_ASKED = $(filter -m,$(PYTEST_ARGS))
test: install airflow-db chromium
	pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ] && [ -n "$(MARKER_ASKED)" ]; then echo "no tests carry the marker asked for"; exit 0; fi; \
	exit $$status

# Each test module in a pytest process of its own (a module must not lean on what another left behind);
# long: about the suite's time again. `make test-each-module MODULES='tests/unit/*.py'` for a part.
MODULES ?= $(shell find tests -name 'test_*.py' | sort)
test-each-module: install airflow-db chromium
	@failed=""; for module in $(MODULES); do \
		if pytest -q $(PYTEST_ARGS) "$$module" > /dev/null 2>&1; then echo "ok      $$module"; \
		else echo "FAILED  $$module"; failed="$$failed $$module"; fi; \
	done; if [ -n "$$failed" ]; then echo "failed alone:$$failed"; exit 1; fi

test-unit: install
	pytest -m "unit or dags" $(PYTEST_ARGS)

# Python with ruff; the SQL in include/sql and benchmarks with sqlfluff (settings and the rules left out, with their
# reasons, in .sqlfluff; applied migrations are not linted).
lint: install
	ruff check . && ruff format --check . && sqlfluff lint include/sql benchmarks --processes 2

# The readers fed random and mutated files for longer than `make test` does (fresh examples each run).
FUZZ_EXAMPLES ?= 20000
fuzz: install
	CCHC_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) pytest -q tests/unit/test_reader_fuzz.py

# The refresh beside a raw `psql \copy` of the same rows: `make bench BENCH_ROWS=10000000`.
BENCH_ROWS ?= 1000000
bench: install
	python -m benchmarks.bench --rows $(BENCH_ROWS)

clean:
	rm -rf $(VENV) .airflow data/warehouse
